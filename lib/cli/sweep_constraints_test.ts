import assert from "node:assert/strict";
import { join } from "node:path";
import { syntheticClusters } from "../graph/_testing/synthetic.ts";
import { writeEmbeddingSet } from "../store/embedding_set.ts";
import { readLabels } from "../sweep/output.ts";
import { main as sweep } from "./sweep.ts";
import { DecisionLog, faceKey } from "../review/decisions.ts";
import { sweepDecisions } from "../review/sweep_constraints.ts";

/** A run folder with 3 well-separated people of 20 faces, and decisions that say people 0 and 1 are one. */
async function runFolder(dir: string, withDecisions: boolean) {
  const { x, truth } = syntheticClusters({ n: 60, dim: 16, clusters: 3, spread: 0.3, sizeSkew: 0, seed: 4 });
  const faces = Array.from(
    truth,
    (t, i) => ({ path: `p${i}.jpg`, face: 0, imageId: `img${i}`, label: `id${t}` }),
  );
  await writeEmbeddingSet(join(dir, "embeddings"), { x, faces });
  if (withDecisions) {
    const log = await DecisionLog.open(dir);
    const ada = faces.filter((_, i) => truth[i] !== 2).map(faceKey);
    await log.append({ op: "name", person: "p1", name: "Ada", faces: ada });
    await log.append({ op: "reject", faces: [faceKey(faces[truth.indexOf(2)])], reason: "not-a-face" });
  }
  return { truth };
}

Deno.test("sweepDecisions: found beside the embeddings or given, pairs merged with --constraints, absent is undefined", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sweep-decisions-" });
  try {
    const { truth } = await runFolder(join(dir, "plain"), false);
    const ada = truth.filter((t) => t !== 2).length;
    assert.equal(await sweepDecisions(join(dir, "plain", "embeddings")), undefined);
    await runFolder(join(dir, "run"), true);
    const found = await sweepDecisions(join(dir, "run", "embeddings"));
    assert.ok(found);
    assert.equal(found.file, join(dir, "run", "decisions.jsonl"));
    assert.equal(found.constraints.mustLink.length, ada - 1, "a chain over Ada's faces");
    assert.deepEqual(found.constraints.cannotLink, []);
    assert.ok(
      found.notes.some((n) => /1 faces rejected as not faces stay in the sweep/.test(n)),
      found.notes.join("\n"),
    );
    // Given explicitly for other embeddings, and merged with a constraints file.
    await Deno.writeTextFile(
      join(dir, "c.json"),
      JSON.stringify({ cannotLink: [[0, 59]], mustLink: [[1, 2]] }),
    );
    const given = await sweepDecisions(join(dir, "plain", "embeddings"), found.file, join(dir, "c.json"));
    assert.deepEqual(given!.constraints.cannotLink, [[0, 59]]);
    assert.deepEqual(given!.constraints.mustLink.at(-1), [1, 2]);
    await Deno.writeTextFile(join(dir, "bad.json"), JSON.stringify({ mustLink: [1, 2] }));
    await assert.rejects(
      sweepDecisions(join(dir, "run", "embeddings"), undefined, join(dir, "bad.json")),
      /bad\.json: "mustLink" must be a list of \[a, b\] pairs/,
    );
    await assert.rejects(
      sweepDecisions(join(dir, "plain", "embeddings"), join(dir, "none.jsonl")),
      /none\.jsonl: cannot read/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task sweep honours a run folder's decisions: two people said to be one share a cluster", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sweep-decisions-cli-" });
  try {
    await Deno.writeTextFile(
      join(dir, "cfg.json"),
      JSON.stringify({ seeds: [1], methods: [{ method: "agglomerative", list: [{ threshold: 0.5 }] }] }),
    );
    const labelsOf = async (run: string) => {
      const err: string[] = [];
      const io = { stdout: () => {}, stderr: (t: string) => void err.push(t), cwd: dir, isTty: false };
      const out = join(dir, `${run}-sweep`);
      const code = await sweep(
        [
          "--embeddings",
          join(dir, run, "embeddings"),
          "--out",
          out,
          "--config",
          join(dir, "cfg.json"),
          "--workers",
          "1",
        ],
        io,
      );
      assert.equal(code, 0, err.join(""));
      const rows = JSON.parse(await Deno.readTextFile(join(out, "runs.json")));
      const list = Array.isArray(rows) ? rows : rows.rows;
      return { labels: readLabels(join(out, "labels"), list[0].id)!, err: err.join("") };
    };
    const { truth } = await runFolder(join(dir, "plain"), false);
    await runFolder(join(dir, "run"), true);
    const plain = await labelsOf("plain");
    const decided = await labelsOf("run");
    const a = truth.indexOf(0), b = truth.indexOf(1);
    assert.notEqual(plain.labels[a], plain.labels[b], "without decisions: two clusters");
    assert.equal(decided.labels[a], decided.labels[b], "with decisions: one");
    const must = truth.filter((t) => t !== 2).length - 1;
    assert.match(
      decided.err,
      new RegExp(`decisions: 2 decisions from .*decisions\\.jsonl: 1 people, ${must} must-link`),
    );
    assert.ok(!plain.err.includes("decisions:"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
