import assert from "node:assert/strict";
import { join } from "node:path";
import type { EmbeddingSet, FaceMeta } from "../../store/embedding_set.ts";
import { writeEmbeddingSet } from "../../store/embedding_set.ts";
import { fromEmbeddingSet, fromRunFolder, labelsFromFile, parseLabelsFile } from "./labels.ts";

/** Photos a1, a2 (Ada; a2 also shows a small bystander), b1 (Bo), c1 (Cy). Row i has vector [i, 1]. */
function sample(): EmbeddingSet {
  const faces: FaceMeta[] = [
    { path: "Ada/a1.jpg", face: 0, imageId: "h1", label: "Ada", box: [0, 0, 50, 50] },
    { path: "Ada/a2.jpg", face: 0, imageId: "h2", label: "Ada", box: [0, 0, 10, 10] },
    { path: "Ada/a2.jpg", face: 1, imageId: "h2", label: "Ada", box: [0, 0, 60, 60] },
    { path: "Bo/b1.jpg", face: 0, imageId: "h3", label: "Bo", box: [0, 0, 40, 40] },
    { path: "Cy/c1.jpg", face: 0, imageId: "h4", label: "Cy", box: [0, 0, 40, 40] },
  ];
  const data = new Float32Array(faces.length * 2);
  faces.forEach((_, i) => data.set([i, 1], i * 2));
  return { x: { rows: faces.length, cols: 2, data }, faces };
}

const folderLabels = (s: EmbeddingSet) => (r: number) =>
  [0, 2, 3, 4].includes(r) ? s.faces[r].label : undefined;

Deno.test("fromEmbeddingSet: one label per photo, bystanders as cannot-link partners, vectors gathered", () => {
  const s = sample();
  const { set, rows, names } = fromEmbeddingSet(s, folderLabels(s), { origin: "test" });
  assert.deepEqual(names, ["Ada", "Bo", "Cy"]);
  assert.deepEqual([...rows], [0, 2, 1, 3, 4]);
  assert.deepEqual([...set.labels], [0, 0, -1, 1, 2]);
  assert.equal(set.dim, 2);
  assert.deepEqual([...set.vectors.subarray(2, 4)], [2, 1], "training row 1 is set row 2");
  assert.deepEqual([...set.pairs!.a], [1]);
  assert.deepEqual([...set.pairs!.b], [2]);
  assert.deepEqual([...set.pairs!.same], [0]);
  assert.equal(set.origin, "test");
});

Deno.test("fromEmbeddingSet: keep leaves out refused people; samePhoto false drops the pairs", () => {
  const s = sample();
  const kept = fromEmbeddingSet(s, folderLabels(s), { keep: (n) => n !== "Ada" });
  assert.deepEqual([...kept.rows], [3, 4]);
  assert.deepEqual(kept.names, ["Bo", "Cy"]);
  assert.equal(kept.set.pairs, undefined);
  const noPairs = fromEmbeddingSet(s, folderLabels(s), { samePhoto: false });
  assert.equal(noPairs.set.pairs, undefined);
  assert.deepEqual([...noPairs.rows], [0, 2, 3, 4]);
});

Deno.test("parseLabelsFile: path and person columns, optional face; bad lines named and skipped", () => {
  const f = parseLabelsFile(
    "path,face,person\nAda/a1.jpg,,Ada\nAda/a2.jpg,0,Zed\nx.jpg,oops,Q\n,,\nBo/b1.jpg,,\n",
    "l.csv",
  );
  assert.deepEqual([...f.byPath], [["Ada/a1.jpg", "Ada"]]);
  assert.deepEqual([...f.byFace], [["Ada/a2.jpg#0", "Zed"]]);
  assert.equal(f.warnings.length, 1);
  assert.match(f.warnings[0], /l\.csv: line 4: face "oops"/);
  assert.throws(() => parseLabelsFile("file,who\n", "bad.csv"), /bad\.csv: the header must name a "path"/);
});

Deno.test("labelsFromFile: a photo's label goes to its largest face; unknown entries are reported", () => {
  const s = sample();
  const file = parseLabelsFile("path,person\nAda/a2.jpg,Ada\nnowhere.jpg,X\n", "l.csv");
  const { labelOf, warnings } = labelsFromFile(s.faces, file, "l.csv");
  assert.equal(labelOf(1), undefined);
  assert.equal(labelOf(2), "Ada");
  assert.equal(labelOf(0), undefined);
  assert.match(warnings[0], /l\.csv: 1 entry matches no face of the run \(e\.g\. "nowhere\.jpg"\)/);
});

Deno.test("fromRunFolder: folder labels of a --labels run, or a labels file; no labels is an error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const s = sample();
    await writeEmbeddingSet(join(dir, "embeddings"), s);
    const a = await fromRunFolder(dir);
    assert.deepEqual([...a.set.labels], [0, 0, -1, 1, 2]);
    await Deno.writeTextFile(join(dir, "l.csv"), "path,person\nBo/b1.jpg,B\nCy/c1.jpg,B\n");
    const b = await fromRunFolder(join(dir, "embeddings"), { labelsFile: join(dir, "l.csv") });
    assert.deepEqual(b.names, ["B"]);
    assert.deepEqual([...b.rows], [3, 4]);
    const bare = sample();
    bare.faces.forEach((f) => delete f.label);
    await writeEmbeddingSet(join(dir, "bare"), bare);
    await assert.rejects(() => fromRunFolder(join(dir, "bare")), /has no labels; run it with --labels/);
    await assert.rejects(
      () => fromRunFolder(join(dir, "bare"), { labelsFile: join(dir, "missing.csv") }),
      /missing\.csv: cannot read the labels file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
