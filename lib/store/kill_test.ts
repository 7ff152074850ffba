import assert from "node:assert/strict";
import { FaceStore } from "./face_store.ts";
import { WRITER_KEY, writerVector } from "./test_writer.ts";
import { verifyStore } from "./verify.ts";

const writer = new URL("./test_writer.ts", import.meta.url).pathname;

/** Starts the writer, lets it store at least `count` new photos, then kills it (SIGKILL). */
async function writeThenKill(root: string, count: number, mode?: "hang"): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", writer, root, ...(mode ? [mode] : [])],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = 0, text = "";
  while (seen < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    seen = text.split("\n").filter((l) => l.startsWith("stored ") || l === "in transaction").length;
  }
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel().catch(() => {});
  return seen;
}

Deno.test("a writer killed (SIGKILL) mid-run leaves only whole records; the next run resumes after them", async () => {
  const root = await Deno.makeTempDir();
  try {
    let before = 0;
    let hotWal = 0;
    for (const count of [5, 12, 7, 20]) {
      const seen = await writeThenKill(root, count);
      assert.ok(seen >= count, `the writer stored ${seen} photos before the kill`);
      // A WAL left behind holds what the killed process wrote, maybe part of a transaction.
      hotWal += await Deno.stat(`${root}/faces.sqlite-wal`).then((s) => (s.size > 0 ? 1 : 0), () => 0);
      const report = await verifyStore(root, { log: () => {} });
      assert.equal(
        report.ok,
        true,
        JSON.stringify(
          report.fileProblems.concat(report.keys.flatMap((k) => k.damaged.map((d) => d.problems.join()))),
        ),
      );
      const s = await FaceStore.open(root, WRITER_KEY, { log: () => {} });
      const hashes = s.hashes();
      // Every record is whole: four faces with the vectors written, and the photos stored are
      // h0..h(n-1): each run went on where the last one stopped.
      assert.ok(hashes.length >= before + count, `${hashes.length} stored after this round`);
      assert.deepEqual(hashes.map((h) => Number(h.slice(1))).sort((a, b) => a - b), [
        ...Array(hashes.length).keys(),
      ]);
      for (const h of hashes) {
        const p = Number(h.slice(1));
        assert.equal(s.get(h)!.faces.length, 4);
        const v = await s.vectors([h]);
        assert.deepEqual(Array.from(v), [0, 1, 2, 3].flatMap((f) => Array.from(writerVector(p, f))));
      }
      assert.equal(s.rows, hashes.length * 4);
      before = hashes.length;
      s.close();
    }
    console.log(
      `${before} photos stored over 4 killed runs; a non-empty WAL was left by ${hotWal} of the kills`,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a process killed inside a large transaction (uncommitted pages already in the WAL) leaves no trace", async () => {
  const root = await Deno.makeTempDir();
  try {
    await writeThenKill(root, 3);
    const first = await FaceStore.open(root, WRITER_KEY, { log: () => {} });
    const n = first.size;
    first.close();
    await writeThenKill(root, 1, "hang");
    const wal = (await Deno.stat(`${root}/faces.sqlite-wal`)).size;
    assert.ok(wal > 4_000_000, `the killed transaction had written ${wal} bytes to the WAL`);
    const s = await FaceStore.open(root, WRITER_KEY, { log: () => {} });
    assert.equal(s.get("hang"), undefined);
    assert.equal(s.size, n);
    assert.equal(s.rows, 4 * n);
    s.close();
    assert.equal((await verifyStore(root, { log: () => {} })).ok, true);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a process that finds the store locked by another waits, says so, and then stores", async () => {
  const root = await Deno.makeTempDir();
  try {
    const lines: string[] = [];
    const s = await FaceStore.open(root, WRITER_KEY, { log: (l) => lines.push(l) });
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-check", writer, root, "hold", "3500"],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("in transaction")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const t = performance.now();
    await s.put("h0", { width: 1, height: 1, faces: [] });
    const waited = performance.now() - t;
    assert.ok(waited > 2000, `waited ${waited.toFixed(0)} ms for the other process`);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /faces\.sqlite is locked by another process.*waiting/);
    assert.equal((await child.status).code, 0);
    await reader.cancel().catch(() => {});
    assert.ok(s.get("h0"));
    s.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
