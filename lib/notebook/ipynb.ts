/**
 * The parts of the Jupyter notebook format (nbformat 4) the toolkit reads and writes:
 * stripping outputs before a notebook is committed, checking a committed notebook, and
 * counting the outputs of an executed one.
 * @module
 */

/** One output of a code cell. */
export interface NotebookOutput {
  /** `stream`, `display_data`, `execute_result` or `error`. */
  output_type: string;
  /** MIME bundle of display_data / execute_result. */
  data?: Record<string, unknown>;
  /** Stream name (`stdout`, `stderr`). */
  name?: string;
  /** Stream text. */
  text?: string | string[];
  /** Error name. */
  ename?: string;
  /** Error value. */
  evalue?: string;
  /** Other fields. */
  [key: string]: unknown;
}

/** One cell. */
export interface NotebookCell {
  /** Kind of cell. */
  cell_type: "code" | "markdown" | "raw";
  /** Source text, whole or in lines. */
  source: string | string[];
  /** Cell metadata. */
  metadata: Record<string, unknown>;
  /** Outputs (code cells). */
  outputs?: NotebookOutput[];
  /** Execution counter (code cells). */
  execution_count?: number | null;
  /** Other fields (e.g. `id`). */
  [key: string]: unknown;
}

/** A notebook. */
export interface Notebook {
  /** Cells in order. */
  cells: NotebookCell[];
  /** Notebook metadata (`kernelspec`, `language_info`). */
  metadata: Record<string, unknown>;
  /** Major format version (4). */
  nbformat: number;
  /** Minor format version. */
  nbformat_minor: number;
}

/** The source of a cell as one string. */
export function cellSource(c: NotebookCell): string {
  return Array.isArray(c.source) ? c.source.join("") : c.source;
}

/** A copy with every output, execution count and per-run cell metadata removed. */
export function stripNotebook(nb: Notebook): Notebook {
  return {
    ...nb,
    cells: nb.cells.map((c) => {
      const { execution: _e, collapsed: _c, scrolled: _s, ...metadata } = c.metadata ?? {};
      return c.cell_type === "code"
        ? { ...c, metadata, outputs: [], execution_count: null }
        : { ...c, metadata };
    }),
  };
}

/** The notebook as Jupyter writes it (one-space indent, trailing newline). */
export function notebookJson(nb: Notebook): string {
  return JSON.stringify(nb, null, 1) + "\n";
}

/** Parses notebook text, checking the basic shape. */
export function parseNotebook(text: string, where = "notebook"): Notebook {
  const nb = JSON.parse(text) as Notebook;
  if (!nb || !Array.isArray(nb.cells) || typeof nb.nbformat !== "number") {
    throw new Error(`${where}: not a Jupyter notebook (no cells or nbformat)`);
  }
  return nb;
}

/** Problems of a notebook meant for the repository: format, kernel, leftover outputs. */
export function notebookProblems(nb: Notebook, kernel = "deno"): string[] {
  const problems: string[] = [];
  if (nb.nbformat !== 4) problems.push(`nbformat is ${nb.nbformat}, expected 4`);
  const spec = nb.metadata?.kernelspec as { name?: string } | undefined;
  if (spec?.name !== kernel) {
    problems.push(`kernelspec is ${JSON.stringify(spec?.name)}, expected "${kernel}"`);
  }
  nb.cells.forEach((c, i) => {
    if (c.cell_type === "code" && ((c.outputs?.length ?? 0) > 0 || (c.execution_count ?? null) !== null)) {
      problems.push(`cell ${i + 1} has outputs (strip them: deno task notebooks --strip)`);
    }
  });
  return problems;
}

/** What an executed notebook shows. */
export interface OutputSummary {
  /** Code cells. */
  codeCells: number;
  /** Outputs in all. */
  outputs: number;
  /** Rich outputs by their richest MIME type (`text/html`, `image/svg+xml`, ...), streams as `stdout`/`stderr`. */
  byType: Record<string, number>;
  /** Error outputs: cell number (1-based) and message. */
  errors: { cell: number; message: string }[];
}

const RICH = ["image/svg+xml", "image/png", "image/jpeg", "text/html", "text/markdown", "application/json"];

/** Counts the outputs of an executed notebook. */
export function outputSummary(nb: Notebook): OutputSummary {
  const byType: Record<string, number> = {};
  const errors: OutputSummary["errors"] = [];
  let outputs = 0, codeCells = 0;
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    codeCells++;
    for (const o of c.outputs ?? []) {
      outputs++;
      let kind: string;
      if (o.output_type === "stream") kind = o.name ?? "stream";
      else if (o.output_type === "error") {
        kind = "error";
        errors.push({ cell: i + 1, message: `${o.ename ?? "Error"}: ${o.evalue ?? ""}` });
      } else kind = RICH.find((t) => o.data && t in o.data) ?? "text/plain";
      byType[kind] = (byType[kind] ?? 0) + 1;
    }
  });
  return { codeCells, outputs, byType, errors };
}
