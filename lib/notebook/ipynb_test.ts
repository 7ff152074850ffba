import assert from "node:assert/strict";
import { join } from "node:path";
import {
  cellSource,
  type Notebook,
  notebookJson,
  notebookProblems,
  outputSummary,
  parseNotebook,
  stripNotebook,
} from "./ipynb.ts";
import { listNotebooks } from "./run_notebooks.ts";
import { NOTEBOOKS_DIR, REPO_ROOT } from "./settings.ts";

function executed(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: [
      { cell_type: "markdown", source: ["# T\n", "text"], metadata: {} },
      {
        cell_type: "code",
        source: "1",
        metadata: { execution: { "iopub.status.busy": "x" }, tags: ["keep"] },
        execution_count: 3,
        outputs: [
          { output_type: "stream", name: "stderr", text: "progress" },
          { output_type: "display_data", data: { "image/svg+xml": "<svg/>", "text/plain": "f" } },
          { output_type: "execute_result", data: { "text/html": "<b/>", "text/plain": "t" } },
        ],
      },
      {
        cell_type: "code",
        source: "throw 1",
        metadata: {},
        execution_count: 4,
        outputs: [{ output_type: "error", ename: "Error", evalue: "boom", traceback: [] }],
      },
    ],
  };
}

Deno.test("stripNotebook: no outputs, no counts, no per-run metadata; sources and tags kept", () => {
  const nb = executed();
  const s = stripNotebook(nb);
  assert.deepEqual(s.cells.map((c) => [c.outputs, c.execution_count]), [[undefined, undefined], [[], null], [
    [],
    null,
  ]]);
  assert.deepEqual(s.cells[1].metadata, { tags: ["keep"] });
  assert.equal(cellSource(s.cells[0]), "# T\ntext");
  assert.equal(nb.cells[1].outputs!.length, 3, "the input is not modified");
  assert.deepEqual(notebookProblems(s), []);
  assert.equal(parseNotebook(notebookJson(s)).cells.length, 3);
});

Deno.test("notebookProblems and outputSummary", () => {
  const nb = executed();
  assert.deepEqual(notebookProblems(nb), [
    "cell 2 has outputs (strip them: deno task notebooks --strip)",
    "cell 3 has outputs (strip them: deno task notebooks --strip)",
  ]);
  assert.deepEqual(notebookProblems({ ...stripNotebook(nb), metadata: {} }), [
    'kernelspec is undefined, expected "deno"',
  ]);
  assert.deepEqual(outputSummary(nb), {
    codeCells: 2,
    outputs: 4,
    byType: { stderr: 1, "image/svg+xml": 1, "text/html": 1, error: 1 },
    errors: [{ cell: 3, message: "Error: boom" }],
  });
  assert.throws(() => parseNotebook('{"cells": 1}'), /not a Jupyter notebook/);
});

Deno.test("committed notebooks: numbered, Deno kernel, no outputs, and the kernel spec is in the repository", async () => {
  const paths = await listNotebooks();
  assert.deepEqual(paths.map((p) => p.slice(NOTEBOOKS_DIR.length + 1)), [
    "01_load.ipynb",
    "02_embed.ipynb",
    "03_sweep.ipynb",
    "04_inspect.ipynb",
    "05_report.ipynb",
    "06_learn.ipynb",
  ]);
  for (const p of paths) {
    const text = await Deno.readTextFile(p);
    const nb = parseNotebook(text, p);
    assert.deepEqual(notebookProblems(nb), [], p);
    assert.equal(
      text,
      notebookJson(stripNotebook(nb)),
      `${p} is stripped and formatted as Jupyter writes it`,
    );
  }
  const spec = JSON.parse(await Deno.readTextFile(join(NOTEBOOKS_DIR, "kernels/deno/kernel.json")));
  assert.deepEqual(spec.argv, ["deno", "jupyter", "--kernel", "--conn", "{connection_file}"]);
  assert.equal(spec.display_name, "Deno");
});

Deno.test("committed notebooks: their code type-checks against lib/ (catches API drift without Jupyter)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files: string[] = [];
    for (const p of await listNotebooks()) {
      const nb = parseNotebook(await Deno.readTextFile(p), p);
      const code = nb.cells.filter((c) => c.cell_type === "code").map(cellSource).join("\n\n");
      // Imports are relative to notebooks/; make them absolute for a file checked elsewhere.
      const file = join(dir, p.slice(NOTEBOOKS_DIR.length + 1).replace(".ipynb", ".ts"));
      await Deno.writeTextFile(
        file,
        code.replaceAll('from "../lib/', `from "${REPO_ROOT}/lib/`) + "\nexport {};\n",
      );
      files.push(file);
    }
    const out = await new Deno.Command("deno", {
      args: ["check", "--config", join(REPO_ROOT, "deno.json"), ...files],
      cwd: REPO_ROOT,
      env: { NO_COLOR: "1" },
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
