import assert from "node:assert/strict";
import {
  ALLOWED,
  folderCycles,
  folderOf,
  importEdges,
  layerFindings,
  layerViolations,
  readTree,
  relativeImports,
} from "./layers.ts";

Deno.test("relativeImports: static, type, re-export and dynamic imports; comments and packages ignored", () => {
  const src = [
    `import { a } from "./a.ts";`,
    `import type { B } from "../b/b.ts";`,
    `export { c } from "../c/c.ts";`,
    `export * from "./d.ts";`,
    `import "./side.ts";`,
    `const m = await import("../e/e.ts");`,
    `import Plot from "@observablehq/plot";`,
    `import { x } from "node:fs";`,
    `// import { no } from "../comment/line.ts";`,
    `/** import { no } from "../comment/block.ts"; */`,
    `const s = "import { no } from './string.ts'";`,
  ].join("\n");
  assert.deepEqual(relativeImports(src), [
    "./a.ts",
    "../b/b.ts",
    "../c/c.ts",
    "./d.ts",
    "./side.ts",
    "../e/e.ts",
  ]);
});

Deno.test("folderOf: first segment under lib/, or a top-level file's own name", () => {
  assert.equal(folderOf("lib/report/site/page.ts"), "report");
  assert.equal(folderOf("lib/errors.ts"), "errors");
  assert.equal(folderOf("lib/run/run_json.ts"), "run");
});

const tree = new Map([
  ["lib/util/x.ts", `export const x = 1;`],
  ["lib/run/r.ts", `import { x } from "../util/x.ts"; import { p } from "../pipeline/p.ts";`],
  ["lib/pipeline/p.ts", `import { r } from "../run/r.ts"; import { x } from "../util/x.ts";`],
  ["lib/cli/c.ts", `import { b } from "../bench/b.ts";`],
  ["lib/bench/b.ts", `import { c } from "../cli/c.ts"; import { y } from "./y.ts";`],
  ["lib/odd/o.ts", `import { x } from "../util/x.ts";`],
]);

Deno.test("layerViolations: an upward import and a folder without a layer are reported; same-folder imports are not edges", () => {
  const edges = importEdges(tree);
  assert.ok(!edges.some((e) => e.from === e.to));
  const v = layerViolations(edges);
  assert.deepEqual(v.map((f) => f.edge), ["odd -> util", "run -> pipeline"]);
  assert.match(v[1].reason, /run \(layer \d+\) imports the higher pipeline/);
  assert.deepEqual(v[1].examples, ["lib/run/r.ts -> lib/pipeline/p.ts"]);
});

Deno.test("folderCycles and layerFindings: a cycle within one rank is found only as a cycle; allowed edges are left out", () => {
  const edges = importEdges(tree);
  assert.deepEqual(folderCycles(edges), [["bench", "cli"], ["pipeline", "run"]]);
  const f = layerFindings(edges, []);
  assert.ok(f.some((x) => x.edge === "bench -> cli -> bench"));
  const g = layerFindings(edges, ["run -> pipeline", "odd -> util", "bench -> cli"]);
  assert.deepEqual(g, []);
});

Deno.test("lib/: no import against the layer order and no folder cycle besides the listed exceptions; none is stale", async () => {
  const root = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
  const edges = importEdges(await readTree(root));
  const findings = layerFindings(edges);
  assert.deepEqual(findings.map((f) => `${f.edge}: ${f.reason} (${f.examples.join("; ")})`), []);
  const present = new Set(edges.map((e) => `${e.from} -> ${e.to}`));
  assert.deepEqual(
    ALLOWED.filter((e) => !present.has(e)),
    [],
    "allowed edges that no longer occur: remove them",
  );
});
