/**
 * `deno run -A lib/dev/layers.ts`: reads every relative import of `lib/**\/*.ts` and reports
 * (1) imports that go against the declared layer order ({@link LAYERS}: a folder may import
 * only folders of its own rank or below), and (2) cycles between folders. Exits 1 when it finds
 * either, besides the edges listed in {@link ALLOWED}.
 *
 * A "folder" is the first path segment under `lib/` (`lib/report/site/page.ts` is `report`);
 * a file directly in `lib/` is its own folder (`lib/errors.ts` is `errors`).
 * @module
 */

import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";

/**
 * The layer order, lowest first. A folder may import folders of its own rank or a lower one.
 *
 * Why this order:
 * - `errors`, `util`, `matrix`: no knowledge of faces; everything may use them.
 * - `flags`: declared command-line schemas and the `main(args, io)` runner; commands of every layer
 *   use it, so it sits under all of them (and must not know clusterers or models itself).
 * - `gpu`: locating ONNX Runtime's providers; `models` uses it to open sessions.
 * - `graph`: k-NN graphs, sparse and radius graphs, re-ranking, dense distances and the small ONNX
 *   models that compute them (no faces, no clusterers); clusterers, UMAP and model tests use it.
 * - `images` < `models` < `faces`: decode pixels, open weights, then detect/align/embed.
 * - `store` (embeddings on disk) < `sources` (photo folders, Google Drive).
 * - `metrics` < `cluster`: clusterers are scored and tuned with the metrics.
 * - `select` (label-free choice) < `sweep` (grid runs and their selection) < `viz` (figures of
 *   clusters and sweeps).
 * - `run`: the run folder (run.json, CSV files, pick); written by the pipeline, read by reports.
 * - `distributed` (embedding jobs on many machines: queue, workers, collect) sits above
 *   `pipeline`, whose face workers and runs it uses.
 * - `pipeline` (photos to a run) < `report` (HTML of a run) < `review` (browser review, which shows
 *   report pages) < `notebook` (helpers that show all of these).
 * - `learn` (metric learning: an adapter trained from labels and review decisions) sits above
 *   `review`, whose decisions it learns from, and below `notebook`.
 * - `cli`, `bench`, `dev`: entry points (commands, benchmarks, development tools); nothing imports
 *   them except each other, and they must not form a cycle.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["errors", "util", "matrix"],
  ["flags"],
  ["gpu"],
  ["graph"],
  ["images"],
  ["models"],
  ["faces"],
  ["store"],
  ["scale"],
  ["sources"],
  ["metrics"],
  ["cluster"],
  ["select"],
  ["sweep"],
  ["viz"],
  ["run"],
  ["pipeline"],
  ["distributed"],
  ["report"],
  ["review"],
  ["learn"],
  ["notebook"],
  ["cli", "bench", "dev"],
];

/**
 * Folder-to-folder imports tolerated for now, as `"from -> to"`. Each is a known debt (issue 14);
 * the test fails on any edge not listed here and on a listed edge that no longer occurs, so the
 * list can only shrink.
 */
export const ALLOWED: readonly string[] = [
  // runPipeline writes the run report and applies review decisions itself (the command could).
  "pipeline -> report",
  "pipeline -> review",
];

/** One relative import: the importing file, the imported file (both relative to the root), their folders. */
export interface ImportEdge {
  /** The importing file, e.g. `lib/report/site/site.ts`. */
  readonly file: string;
  /** The imported file, e.g. `lib/viz/mod.ts`. */
  readonly target: string;
  /** The importing file's folder, e.g. `report`. */
  readonly from: string;
  /** The imported file's folder, e.g. `viz`. */
  readonly to: string;
}

/** A finding: an import against the layer order, or one edge of a cycle between folders. */
export interface LayerFinding {
  /** `"from -> to"`. */
  readonly edge: string;
  /** Why it is reported. */
  readonly reason: string;
  /** The files whose imports make the edge (`file -> target`), at most a few. */
  readonly examples: readonly string[];
}

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

/** The relative specifiers (`./x.ts`, `../y/z.ts`) that `source` imports or re-exports, static or dynamic. */
export function relativeImports(source: string): string[] {
  // Drop comments first, so that an import inside an example (`* import ... from "./x.ts"`) is not counted.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const out: string[] = [];
  for (const m of code.matchAll(IMPORT_RE)) out.push(m[1] ?? m[2]);
  return out;
}

/** The folder of a path relative to the root: `lib/report/x.ts` is `report`, `lib/errors.ts` is `errors`. */
export function folderOf(path: string): string {
  const parts = path.split("/");
  if (parts[0] !== "lib") return parts[0];
  if (parts.length === 2) return parts[1].replace(/\.ts$/, "");
  return parts[1];
}

function joinPath(dir: string, spec: string): string {
  const parts = dir.split("/").filter((p) => p !== "");
  for (const p of spec.split("/")) {
    if (p === "." || p === "") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return parts.join("/");
}

/** The edges of `files` (path relative to the root → source text) whose two ends lie in different folders. */
export function importEdges(files: ReadonlyMap<string, string>): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [file, source] of files) {
    const dir = file.split("/").slice(0, -1).join("/");
    for (const spec of relativeImports(source)) {
      const target = joinPath(dir, spec);
      const from = folderOf(file), to = folderOf(target);
      if (from !== to) edges.push({ file, target, from, to });
    }
  }
  return edges;
}

function rankOf(layers: readonly (readonly string[])[]): Map<string, number> {
  const rank = new Map<string, number>();
  layers.forEach((names, i) => names.forEach((n) => rank.set(n, i)));
  return rank;
}

function group(edges: readonly ImportEdge[]): Map<string, ImportEdge[]> {
  const by = new Map<string, ImportEdge[]>();
  for (const e of edges) {
    const k = `${e.from} -> ${e.to}`;
    by.set(k, [...(by.get(k) ?? []), e]);
  }
  return by;
}

const examples = (es: readonly ImportEdge[]) => es.slice(0, 3).map((e) => `${e.file} -> ${e.target}`);

/** Imports from a folder to one of a higher rank, and imports of or from a folder that has no rank. */
export function layerViolations(
  edges: readonly ImportEdge[],
  layers: readonly (readonly string[])[] = LAYERS,
): LayerFinding[] {
  const rank = rankOf(layers);
  const out: LayerFinding[] = [];
  for (const [edge, es] of group(edges)) {
    const { from, to } = es[0];
    const rf = rank.get(from), rt = rank.get(to);
    if (rf === undefined || rt === undefined) {
      out.push({
        edge,
        reason: `folder ${rf === undefined ? from : to} has no layer`,
        examples: examples(es),
      });
    } else if (rt > rf) {
      out.push({
        edge,
        reason: `${from} (layer ${rf}) imports the higher ${to} (layer ${rt})`,
        examples: examples(es),
      });
    }
  }
  return out.sort((a, b) => a.edge.localeCompare(b.edge));
}

/** The sets of two or more folders that import each other, directly or through others (Tarjan's components). */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const adj = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!adj.has(e.from)) adj.set(e.from, new Set());
    if (!adj.has(e.to)) adj.set(e.to, new Set());
    adj.get(e.from)!.add(e.to);
  }
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next), low.set(v, next), next++;
    stack.push(v), onStack.add(v);
    for (const w of adj.get(v)!) {
      if (!index.has(w)) visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!));
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do comp.push(w = stack.pop()!), onStack.delete(w); while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of [...adj.keys()].sort()) if (!index.has(v)) visit(v);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/**
 * Every finding: layer violations, then one finding per folder cycle (its edge is the cycle, e.g.
 * `cli -> bench -> cli`); edges in `allowed` are left out first. (A cycle between folders of different
 * ranks always contains a violation; one between folders of the same rank, such as `cli` and `bench`,
 * is found only as a cycle.)
 */
export function layerFindings(
  edges: readonly ImportEdge[],
  allowed: readonly string[] = ALLOWED,
  layers: readonly (readonly string[])[] = LAYERS,
): LayerFinding[] {
  const ok = new Set(allowed);
  const kept = edges.filter((e) => !ok.has(`${e.from} -> ${e.to}`));
  const out = layerViolations(kept, layers);
  for (const comp of folderCycles(kept)) {
    const inComp = new Set(comp);
    const es = kept.filter((e) => inComp.has(e.from) && inComp.has(e.to));
    out.push({
      edge: [...comp, comp[0]].join(" -> "),
      reason: `folders that import each other (${group(es).size} edges)`,
      examples: examples(es),
    });
  }
  return out;
}

/** Files left out of the scan: the test of this script, whose examples are imports in strings. */
export const SKIPPED: readonly string[] = ["lib/dev/layers_test.ts"];

/** Every `.ts` file under `dir` (relative to `root`), read into a map; `node_modules`, dot folders and {@link SKIPPED} are left out. */
export async function readTree(root: string, dir = "lib"): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(`${root}/${rel}`)) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory && e.name !== "node_modules" && !e.name.startsWith(".")) await walk(p);
      else if (e.isFile && e.name.endsWith(".ts") && !SKIPPED.includes(p)) {
        files.set(p, await Deno.readTextFile(`${root}/${p}`));
      }
    }
  };
  await walk(dir);
  return files;
}

/** The arguments of `deno run -A lib/dev/layers.ts`. */
export const LAYERS_COMMAND = defineCommand({
  name: "deno run -A lib/dev/layers.ts",
  summary: "Report imports of lib/ that go against the layer order, and cycles between folders",
  flags: {
    all: { type: "boolean", help: "also report the edges listed as allowed exceptions" },
  },
  positionals: {},
});

/** Entry point; returns 0 when nothing is found, 1 otherwise. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(LAYERS_COMMAND, args, io, async (v, io) => {
    const root = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
    const edges = importEdges(await readTree(root));
    const findings = layerFindings(edges, v.all ? [] : ALLOWED);
    for (const f of findings) {
      io.out(`${f.edge}: ${f.reason}`);
      for (const x of f.examples) io.out(`    ${x}`);
    }
    io.out(`${findings.length} finding(s)${v.all ? "" : ` (${ALLOWED.length} allowed edge(s) not shown)`}`);
    return findings.length > 0 ? 1 : 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
