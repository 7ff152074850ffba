import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCsv } from "../util/csv.ts";
import { DecisionLog, faceKey } from "../review/decisions.ts";
import { writeSyntheticRun } from "../report/_testing/synthetic_run.ts";
import { decodeNpy } from "../store/npy.ts";
import { readLabels } from "../sweep/output.ts";
import { runSweep, type SweepSummary } from "../sweep/runner.ts";
import { applyPick, chooseSweepRun, main } from "./pick.ts";

const CONFIG = {
  select: "bcubedF1",
  methods: [
    { method: "agglomerative", grid: { linkage: ["average"], threshold: [0.05, 0.6, 0.99] } },
  ],
};

async function labelsOf(path: string): Promise<Int32Array> {
  return decodeNpy(await Deno.readFile(path), path).data as Int32Array;
}

/** A synthetic run folder with a small real sweep under it. */
async function fixture(): Promise<
  { dir: string; run: string; sweep: string; summary: SweepSummary; original: Int32Array }
> {
  const dir = await Deno.makeTempDir();
  const run = join(dir, "run"), sweep = join(run, "sweep");
  await writeSyntheticRun(run, { faces: 60, people: 6, dim: 16, thumb: 32 });
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(CONFIG));
  const summary = await runSweep({
    embeddings: join(run, "embeddings"),
    config: join(dir, "config.json"),
    out: sweep,
    workers: 1,
    log: () => {},
  });
  return { dir, run, sweep, summary, original: await labelsOf(join(run, "labels.npy")) };
}

Deno.test("applyPick: the chosen sweep run becomes the run folder's clustering; keep restores the pipeline's", async () => {
  const { dir, run, sweep, summary, original } = await fixture();
  try {
    assert.equal(summary.rows.length, 3);
    const best = summary.best!;
    assert.ok(best.id.includes('"threshold":0.6'), `best should be the middle threshold, got ${best.id}`);

    const r = await applyPick(run, sweep, "best");
    assert.equal(r.pick?.rule, "best");
    assert.equal(r.pick?.metric, "bcubedF1");
    assert.equal(r.pick?.row.id, best.id);
    const chosen = readLabels(join(sweep, "labels"), best.id)!;
    assert.deepEqual(await labelsOf(join(run, "labels.npy")), chosen);
    assert.deepEqual(await labelsOf(join(run, "labels.pipeline.npy")), original);
    const meta = JSON.parse(await Deno.readTextFile(join(run, "run.json")));
    assert.equal(meta.method, "agglomerative");
    assert.equal(meta.params.threshold, 0.6);
    assert.equal(meta.params.minClusterSize, 2);
    assert.equal(meta.pick.id, best.id);
    assert.equal(meta.pipeline.params.threshold, 0.6);
    assert.equal(meta.counts.clusters, r.clusters);
    // assignments.csv follows the new clustering: one row per face, the unassigned as -1.
    const csv = parseCsv(await Deno.readTextFile(join(run, "assignments.csv")));
    const faceRows = csv.slice(1).filter((row) => row[1] !== "-1");
    assert.equal(faceRows.length, 60);
    assert.equal(faceRows.filter((row) => row[7] === "-1").length, r.unassigned);
    assert.equal(new Set(faceRows.map((row) => row[7]).filter((c) => c !== "-1")).size, r.clusters);
    assert.ok((await Deno.stat(join(run, "index.html"))).isFile);

    // Another run by id: every face alone at threshold 0.05 -> no cluster of 2.
    const tight = summary.rows.find((row) => row.id.includes('"threshold":0.05'))!;
    const t = await applyPick(run, sweep, tight.id);
    assert.equal(t.pick?.rule, "id");
    assert.deepEqual(await labelsOf(join(run, "labels.npy")), readLabels(join(sweep, "labels"), tight.id));

    const lf = await applyPick(run, sweep, "label-free");
    assert.equal(lf.pick?.rule, "label-free");
    assert.equal(lf.pick?.row.id, summary.labelFree!.row.id);

    const k = await applyPick(run, sweep, "keep");
    assert.equal(k.pick, undefined);
    assert.deepEqual(await labelsOf(join(run, "labels.npy")), original);
    const kept = JSON.parse(await Deno.readTextFile(join(run, "run.json")));
    assert.equal(kept.pick, undefined);
    assert.deepEqual(kept.params, { linkage: "average", threshold: 0.6, minClusterSize: 2 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("applyPick: clear errors for unknown runs, a missing sweep, and a sweep of other embeddings", async () => {
  const { dir, run, sweep } = await fixture();
  try {
    await assert.rejects(() => chooseSweepRun(sweep, "no such run"), /no sweep run with id "no such run"/);
    await assert.rejects(() => applyPick(run, join(dir, "nowhere"), "best"), /run the sweep first/);
    const other = join(dir, "other");
    await writeSyntheticRun(other, { faces: 40, people: 4, dim: 16, thumb: 0 });
    await assert.rejects(() => applyPick(other, sweep, "best"), /40 faces but the chosen labels have 60/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pick CLI: applies and reports; a missing --run and a bad flag are usage errors", async () => {
  const { dir, run } = await fixture();
  const out: string[] = [], err: string[] = [];
  const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) };
  try {
    assert.equal(await main(["--run", run, "--pick", "best"], io), 0);
    assert.match(out.join("").trimEnd(), /best agglomerative .* -> \d+ clusters, \d+ faces unassigned$/);
    assert.equal(await main([], io), 2);
    assert.match(err.join(""), /error: --run is required/);
    assert.equal(await main(["--run", run, "--pik", "best"], io), 2);
    assert.match(err.join(""), /unknown flag --pik; did you mean --pick\?/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task pick: the task applies a pick to a run folder, as the notebooks print it", async () => {
  const { dir, run, sweep, summary } = await fixture();
  try {
    const root = new URL("../..", import.meta.url).pathname;
    const env: Record<string, string> = { NO_COLOR: "1" };
    for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"]) {
      const v = Deno.env.get(name);
      if (v) env[name] = v;
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--cwd", root, "pick", "--run", run, "--pick", "label-free"],
      clearEnv: true,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(text, /label-free .* -> \d+ clusters, \d+ faces unassigned/);
    const id = summary.labelFree!.row.id;
    assert.deepEqual(await labelsOf(join(run, "labels.npy")), readLabels(join(sweep, "labels"), id));
    assert.equal(JSON.parse(await Deno.readTextFile(join(run, "run.json"))).pick.rule, "label-free");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("applyPick honours the run folder's review decisions: named faces stay together, with their name", async () => {
  const { dir, run, sweep, summary } = await fixture();
  try {
    const faces = (await Deno.readTextFile(join(run, "embeddings", "faces.jsonl"))).trim().split("\n")
      .map((l) => JSON.parse(l));
    const ada = faces.filter((f) => f.label === faces[0].label).slice(0, 3);
    const log = await DecisionLog.open(run);
    await log.append({ op: "name", person: "p1", name: "Ada", faces: ada.map(faceKey) });
    // The sweep run that cuts at 0.05 leaves every face alone; the decisions keep Ada's three together.
    const tiny = summary.rows.find((r) => r.id.includes('"threshold":0.05'))!;
    await applyPick(run, sweep, tiny.id);
    const [head, ...rows] = parseCsv(await Deno.readTextFile(join(run, "assignments.csv")));
    assert.equal(head[8], "person");
    const adaRows = rows.filter((r) => ada.some((f) => f.path === r[0] && String(f.face) === r[1]));
    assert.equal(adaRows.length, 3);
    assert.deepEqual(adaRows.map((r) => r[8]), ["Ada", "Ada", "Ada"]);
    assert.equal(new Set(adaRows.map((r) => r[7])).size, 1);
    assert.notEqual(adaRows[0][7], "-1");
    const meta = JSON.parse(await Deno.readTextFile(join(run, "run.json")));
    assert.equal(meta.decisions.applied, 1);
    assert.deepEqual(meta.people.map((p: { name: string }) => p.name), ["Ada"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
