/**
 * Decisions end to end on real photos (a few LFW people copied into a temporary folder): run,
 * review (through the decision log's API, as the review app writes it), rerun, grow the folder,
 * rerun, export. Skips with a message when the LFW copy is absent.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runPipeline } from "../pipeline/run.ts";
import { parseCsv } from "../util/csv.ts";
import { LocalFolderSource } from "../sources/local.ts";
import { type FaceMeta, readEmbeddingSet } from "../store/embedding_set.ts";
import { DecisionLog, faceKey } from "./decisions.ts";
import { exportPeople } from "./export.ts";

const LFW = new URL("../../../shared/datasets/lfw/images_deepfunneled", import.meta.url).pathname;
const haveLfw = (() => {
  try {
    return Deno.statSync(join(LFW, "Tony_Blair")).isDirectory;
  } catch {
    return false;
  }
})();
if (!haveLfw) {
  console.log(`decisions end-to-end test skipped: ${LFW} is absent (see ../shared/datasets/README.md)`);
}

const photo = (person: string, n: number) => `${person}/${person}_${String(n).padStart(4, "0")}.jpg`;
const BLAIR = [1, 2, 3, 4, 5, 6].map((n) => photo("Tony_Blair", n));
const BLAIR_LATER = [7, 8].map((n) => photo("Tony_Blair", n));
const POWELL = [1, 2, 3, 4, 5].map((n) => photo("Colin_Powell", n));
const RUMSFELD = [1, 2].map((n) => photo("Donald_Rumsfeld", n));

async function copyIn(dir: string, paths: readonly string[]) {
  for (const p of paths) {
    await Deno.mkdir(join(dir, p, ".."), { recursive: true });
    await Deno.copyFile(join(LFW, p), join(dir, p));
  }
}

/** The largest face of each photo (LFW photos show their person largest, others may be behind). */
function mainFaces(faces: readonly FaceMeta[]): Map<string, FaceMeta> {
  const out = new Map<string, FaceMeta>();
  for (const f of faces) {
    const area = (g: FaceMeta) => g.box![2] * g.box![3];
    const best = out.get(f.path);
    if (!best || area(f) > area(best)) out.set(f.path, f);
  }
  return out;
}

/** assignments.csv rows by `path#face`: [cluster, person]. */
async function assignments(out: string): Promise<Map<string, [string, string]>> {
  const [head, ...rows] = parseCsv(await Deno.readTextFile(join(out, "assignments.csv")));
  assert.deepEqual(head, ["path", "face", "x", "y", "w", "h", "score", "cluster", "person"]);
  return new Map(rows.map((r) => [`${r[0]}#${r[1]}`, [r[7], r[8]]]));
}

Deno.test({
  name:
    "decisions on real photos: a rerun honours them, new photos join the named person, the export matches",
  ignore: !haveLfw,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "facegroup-decisions-" });
    const photos = join(dir, "photos"), out = join(dir, "run"), store = join(dir, "store");
    const lines: string[] = [];
    const run = () =>
      runPipeline(new LocalFolderSource(photos), {
        out,
        storeDir: store,
        progress: false,
        method: "agglomerative",
        cluster: { threshold: 0.55 },
        log: (l) => lines.push(l),
      });
    try {
      await copyIn(photos, [...BLAIR, ...POWELL, ...RUMSFELD]);
      await run();
      const first = await readEmbeddingSet(join(out, "embeddings"));
      const main = mainFaces(first.faces);
      const key = (p: string) => faceKey(main.get(p)!);
      const before = await assignments(out);
      for (const [, person] of before.values()) assert.equal(person, "", "no names before a review");

      // The review: name Blair's and Powell's clusters (as the app does: every face of the cluster),
      // put Rumsfeld's first face with Powell (a correction the clustering would not make), reject
      // his second face as not a face.
      const clusterOf = (p: string) => before.get(`${p}#${main.get(p)!.face}`)![0];
      const facesOfCluster = (c: string) =>
        first.faces.filter((f) => before.get(`${f.path}#${f.face}`)![0] === c).map(faceKey);
      const blairCluster = clusterOf(BLAIR[0]), powellCluster = clusterOf(POWELL[0]);
      assert.notEqual(blairCluster, "-1");
      assert.notEqual(blairCluster, powellCluster);
      const log = await DecisionLog.open(out);
      await log.append({
        op: "name",
        person: "p1",
        name: "Tony Blair",
        faces: [...new Set([...facesOfCluster(blairCluster), ...BLAIR.map(key)])],
      });
      await log.append({
        op: "name",
        person: "p2",
        name: "Colin Powell",
        faces: [...new Set([...facesOfCluster(powellCluster), ...POWELL.map(key)])],
      });
      await log.append({ op: "move", person: "p2", faces: [key(RUMSFELD[0])] });
      await log.append({ op: "reject", faces: [key(RUMSFELD[1])], reason: "not-a-face" });
      // A photo with a decision leaves the folder.
      await Deno.remove(join(photos, BLAIR[5]));

      // Rerun: every decision honoured, or said why not.
      lines.length = 0;
      await run();
      let now = await assignments(out);
      const person = (p: string) => now.get(`${p}#${main.get(p)!.face}`)?.[1];
      const cluster = (p: string) => now.get(`${p}#${main.get(p)!.face}`)?.[0];
      for (const p of BLAIR.slice(0, 5)) assert.equal(person(p), "Tony Blair", p);
      for (const p of POWELL) assert.equal(person(p), "Colin Powell", p);
      assert.equal(person(RUMSFELD[0]), "Colin Powell", "the face the user moved stays where it was put");
      assert.equal(cluster(RUMSFELD[0]), cluster(POWELL[0]));
      assert.equal(cluster(RUMSFELD[1]), "-1", "rejected as not a face: in no cluster");
      assert.equal(person(RUMSFELD[1]), "");
      assert.equal(now.has(`${BLAIR[5]}#${main.get(BLAIR[5])!.face}`), false);
      const meta = JSON.parse(await Deno.readTextFile(join(out, "run.json")));
      assert.equal(meta.decisions.applied, 4);
      assert.equal(meta.decisions.notFaces, 1);
      const gone = meta.decisions.unhonoured.find((u: { path?: string }) => u.path === BLAIR[5]);
      assert.ok(gone, JSON.stringify(meta.decisions.unhonoured));
      assert.equal(gone.decision, 'face of "Tony Blair"');
      assert.match(gone.reason, /not in this run: it left the folder/);
      assert.ok(
        lines.some((l) => l.includes(`face of "Tony Blair" in ${BLAIR[5]}: the photo is not in this run`)),
      );
      assert.deepEqual(meta.people.map((p: { name: string }) => p.name).sort(), [
        "Colin Powell",
        "Tony Blair",
      ]);
      const html = await Deno.readTextFile(join(out, "index.html"));
      assert.ok(
        html.includes("Tony Blair <span") && html.includes("Colin Powell <span"),
        "names in the report",
      );

      // The folder grows: two new photos of Blair join him.
      await copyIn(photos, BLAIR_LATER);
      lines.length = 0;
      await run();
      const grown = await readEmbeddingSet(join(out, "embeddings"));
      const main2 = mainFaces(grown.faces);
      now = await assignments(out);
      for (const p of BLAIR_LATER) {
        assert.equal(now.get(`${p}#${main2.get(p)!.face}`)![1], "Tony Blair", `${p} joins the named person`);
      }
      for (const p of BLAIR.slice(0, 5)) assert.equal(person(p), "Tony Blair", p);
      const meta2 = JSON.parse(await Deno.readTextFile(join(out, "run.json")));
      const blair = meta2.people.find((p: { name: string }) => p.name === "Tony Blair");
      assert.ok(blair.added >= 2, JSON.stringify(blair));

      // Export: one folder per person, matching assignments.csv.
      const to = join(dir, "export");
      const ex = await exportPeople({ run: out, to, log: () => {} });
      assert.deepEqual(ex.problems, []);
      const names = new Set([...Deno.readDirSync(to)].map((e) => e.name));
      assert.ok(names.has("Tony Blair") && names.has("Colin Powell") && names.has("people.csv"));
      const inFolder = (f: string) => new Set([...Deno.readDirSync(join(to, f))].map((e) => e.name));
      const blairFiles = inFolder("Tony Blair");
      for (const p of [...BLAIR.slice(0, 5), ...BLAIR_LATER]) assert.ok(blairFiles.has(p.split("/")[1]), p);
      assert.ok(inFolder("Colin Powell").has(RUMSFELD[0].split("/")[1]));
      const [, ...rows] = parseCsv(await Deno.readTextFile(join(to, "people.csv")));
      const assigned = [...now].filter(([, [c]]) => c !== "-1");
      assert.equal(rows.length, assigned.length, "one people.csv row per assigned face");
      for (const r of rows) {
        const [c, name] = now.get(`${r[3]}#${r[4]}`)!;
        assert.equal(r[2], c);
        assert.equal(r[0], name);
        assert.equal(Deno.realPathSync(join(to, r[9])), Deno.realPathSync(join(photos, r[3])));
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
