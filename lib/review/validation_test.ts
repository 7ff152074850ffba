import assert from "node:assert/strict";
import { clusterInfos } from "../report/analysis/analysis.ts";
import { loadRun } from "../report/run_data.ts";
import { writeSyntheticRun } from "../report/_testing/synthetic_run.ts";
import {
  checkValidation,
  constraintsOf,
  loadOrCreateValidation,
  validationPath,
  validationSummary,
  validationTemplate,
} from "./validation.ts";

async function syntheticRun() {
  const dir = await Deno.makeTempDir();
  await writeSyntheticRun(dir, { faces: 80, people: 8, dim: 16, thumb: 0 });
  const run = await loadRun(dir);
  return { dir, run, infos: clusterInfos(run.x, run.clusters, run.truth) };
}

Deno.test("validation: a seeded sample written once, read back with the verdicts a person filled in", async () => {
  const { dir, run, infos } = await syntheticRun();
  try {
    const t = validationTemplate(run, infos, { count: 3, facesPerCluster: 4, seed: 2 });
    assert.equal(t.clusters.length, 3);
    assert.deepEqual(validationTemplate(run, infos, { count: 3, facesPerCluster: 4, seed: 2 }), t, "seeded");
    for (const c of t.clusters) {
      const info = infos.find((i) => i.id === c.cluster)!;
      assert.equal(c.size, info.rows.length);
      assert.deepEqual(c.rows, Array.from(info.rows.subarray(0, 4)), "most typical faces first");
      assert.deepEqual([c.verdict, c.wrong], ["", []]);
    }
    const path = validationPath(run, dir);
    assert.match(path, /validation-[0-9a-f]{16}\.json$/);
    const first = await loadOrCreateValidation(path, t);
    assert.ok(first.created);
    // A person fills in two verdicts.
    const edited = structuredClone(first.file);
    edited.clusters[0].verdict = "one person";
    edited.clusters[1].verdict = "mixed";
    edited.clusters[1].wrong = [edited.clusters[1].rows[3]];
    await Deno.writeTextFile(path, JSON.stringify(edited));
    const second = await loadOrCreateValidation(path, validationTemplate(run, infos, { count: 3, seed: 9 }));
    assert.ok(!second.created);
    assert.deepEqual(second.file, edited, "the file is read, not resampled");
    const s = validationSummary(second.file);
    assert.deepEqual(s, {
      sampled: 3,
      checked: 2,
      onePerson: 1,
      mixed: 1,
      notFaces: 0,
      facesChecked: 8,
      facesWrong: 1,
      precision: 7 / 8,
    });
    const c = constraintsOf(second.file);
    const r0 = edited.clusters[0].rows, r1 = edited.clusters[1].rows;
    assert.deepEqual(c.mustLink, [[r0[0], r0[1]], [r0[1], r0[2]], [r0[2], r0[3]]]);
    assert.deepEqual(c.cannotLink, [[r1[0], r1[3]]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("validation: a file of another run or with bad verdicts is refused; each clustering has its own file", async () => {
  const { dir, run, infos } = await syntheticRun();
  try {
    const t = validationTemplate(run, infos, { count: 2 });
    assert.throws(() => checkValidation({ ...t, faces: 5 }, 80), /made for a run of 5 faces/);
    const bad = structuredClone(t);
    bad.clusters[0].verdict = "maybe" as never;
    assert.throws(() => checkValidation(bad, 80), /verdict must be one of/);
    const wrongRow = structuredClone(t);
    wrongRow.clusters[0].wrong = [9999];
    assert.throws(() => checkValidation(wrongRow, 80), /must list rows shown/);
    assert.throws(() => checkValidation({}, 80), /expected an object/);
    const other = { ...run, meta: { ...run.meta, params: { ...run.meta.params, threshold: 0.5 } } };
    assert.notEqual(validationPath(other, dir), validationPath(run, dir));
    assert.equal(validationSummary(t).precision, NaN);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
