import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { main as storeCli } from "../store/cli.ts";
import { FaceStore } from "../store/face_store.ts";
import { verifyStore } from "../store/verify.ts";

const helper = new URL("./_testing/test_embed.ts", import.meta.url).pathname;
const LFW = new URL("../../../shared/datasets/lfw/images_deepfunneled", import.meta.url).pathname;

interface ChildResult {
  code: number;
  stderr: string;
  out?: { start: number; end: number; photos: number; computed: number; failures: number };
}

function embed(input: string, store: string): Promise<ChildResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", helper, input, store],
    stdout: "piped",
    stderr: "piped",
  });
  return child.output().then((o) => {
    const stdout = new TextDecoder().decode(o.stdout).trim();
    return {
      code: o.code,
      stderr: new TextDecoder().decode(o.stderr),
      out: o.code === 0 ? JSON.parse(stdout.split("\n").at(-1)!) : undefined,
    };
  });
}

/** Some real photos: LFW's first 16 people with 2+ photos (2 each) when present, else the demo photos. */
async function photos(dir: string): Promise<number> {
  let n = 0;
  try {
    const people = [...Deno.readDirSync(LFW)].map((e) => e.name).sort();
    for (const name of people) {
      const files = [...Deno.readDirSync(`${LFW}/${name}`)].map((e) => e.name).sort();
      if (files.length < 2) continue;
      for (const f of files.slice(0, 2)) await Deno.copyFile(`${LFW}/${name}/${f}`, `${dir}/${f}`), n++;
      if (n >= 32) break;
    }
  } catch {
    console.log(`${LFW} is absent: using the six demo photos instead`);
  }
  if (n === 0) {
    const demo = await ensureDemoPhotos();
    for (const e of Deno.readDirSync(demo)) await Deno.copyFile(`${demo}/${e.name}`, `${dir}/${e.name}`), n++;
  }
  return n;
}

/** Every stored photo of the only key under `root`: its record (JSON) and its vectors' bytes. */
async function contents(root: string): Promise<Map<string, { record: string; vectors: Uint8Array }>> {
  const report = await verifyStore(root, { log: () => {} });
  assert.equal(report.ok, true, `${root} checks out`);
  assert.equal(report.keys.length, 1);
  const s = await FaceStore.openKey(root, report.keys[0].id, { log: () => {} });
  const out = new Map<string, { record: string; vectors: Uint8Array }>();
  for (const h of s.hashes()) {
    const v = await s.vectors([h]);
    out.set(h, { record: JSON.stringify(s.get(h)), vectors: new Uint8Array(v.buffer) });
  }
  s.close();
  return out;
}

function silenced<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log, err = console.error;
  console.log = console.error = () => {};
  return fn().finally(() => (console.log = log, console.error = err));
}

Deno.test("two processes embedding the same photos into one store at once store exactly a solo run's vectors; a damaged record is refused, repaired and recomputed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facegroup-concurrent-" });
  try {
    const input = `${dir}/photos`;
    await Deno.mkdir(input);
    const n = await photos(input);
    // Two processes on one store, really at the same time.
    const [a, b] = await Promise.all([embed(input, `${dir}/shared`), embed(input, `${dir}/shared`)]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(
      a.out!.start < b.out!.end && b.out!.start < a.out!.end,
      "the two face stages overlapped in time",
    );
    assert.equal(a.out!.photos, n);
    assert.equal(b.out!.photos, n);
    const both = a.out!.computed + b.out!.computed;
    assert.ok(both >= n, "every photo was computed by one of them");
    assert.ok(both < 2 * n, `they shared the work (claims): ${both} computed for ${n} photos`);
    // Then one process alone into a fresh store.
    const solo = await embed(input, `${dir}/solo`);
    assert.equal(solo.code, 0, solo.stderr);
    assert.equal(solo.out!.computed, n);

    const shared = await contents(`${dir}/shared`);
    const alone = await contents(`${dir}/solo`);
    assert.equal(shared.size, n, "one record per photo");
    assert.deepEqual([...shared.keys()].sort(), [...alone.keys()].sort());
    let faces = 0;
    for (const [h, s] of shared) {
      const o = alone.get(h)!;
      assert.equal(s.record, o.record, `photo ${h}: same record`);
      assert.deepEqual(s.vectors, o.vectors, `photo ${h}: bit-identical vectors`);
      faces += s.vectors.length / 2048;
    }
    assert.ok(faces >= n * 0.8, `${faces} faces in ${n} photos`);
    console.log(
      `${n} photos, ${faces} faces; computed ${a.out!.computed} + ${
        b.out!.computed
      } by the two processes at once`,
    );

    // Damage one stored vector: the next run refuses the store and names the repair.
    const victim = [...shared.entries()].find(([, s]) => s.vectors.length > 0)![0];
    const db = new DatabaseSync(`${dir}/shared/faces.sqlite`);
    const row = db.prepare("SELECT vector FROM faces WHERE hash = ? AND idx = 0").get(victim) as {
      vector: Uint8Array;
    };
    row.vector[100] ^= 1;
    db.prepare("UPDATE faces SET vector = ? WHERE hash = ? AND idx = 0").run(row.vector, victim);
    db.close();
    const refused = await embed(input, `${dir}/shared`);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /is damaged.*checksum mismatch.*store verify --repair/);
    assert.equal(await silenced(() => storeCli(["verify", "--repair", "--store", `${dir}/shared`])), 0);
    const again = await embed(input, `${dir}/shared`);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.out!.computed, 1, "only the removed record is computed again");
    const repaired = await contents(`${dir}/shared`);
    assert.deepEqual(repaired.get(victim)!.vectors, alone.get(victim)!.vectors);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
