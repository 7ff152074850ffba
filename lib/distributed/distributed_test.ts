import assert from "node:assert/strict";
import { embedPhotos } from "../pipeline/embed_photos.ts";
import { LocalFolderSource } from "../sources/local.ts";
import { PgStore } from "../store/postgres/pg_store.ts";
import { findPostgres, startTestPostgres } from "../store/postgres/test_server.ts";
import { main as collect } from "./collect.ts";
import { main as enqueue } from "./enqueue.ts";
import { main as queueCommand, queueStatus } from "./status.ts";
import { jobId, openQueue } from "./queue.ts";
import { findRedis, startTestRedis } from "./test_redis.ts";
import { startWorker, testPhotos, type WorkerProcess } from "./_testing/cluster.ts";

const missing = [findRedis() ? "" : "redis-server", findPostgres() ? "" : "postgresql"].filter(Boolean);
const PHOTOS = 60;

function lineIo(lines: string[]) {
  return { stdout: (t: string) => void lines.push(t), stderr: (t: string) => void lines.push(t) };
}

Deno.test({
  name: missing.length
    ? `distributed embedding (skipped: ${missing.join(" and ")} not installed; apt-get install ${
      missing.join(" ")
    })`
    : "distributed embedding: 3 workers, one killed mid-batch, Redis restarted: every photo stored once, " +
      "vectors bit for bit those of a single-machine run",
  ignore: missing.length > 0,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const t0 = performance.now();
    const dir = await Deno.makeTempDir({ prefix: "distributed-test-" });
    const [pg, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
    const workers: WorkerProcess[] = [];
    const phases: string[] = [];
    let tp = performance.now();
    const phase = (name: string) => {
      phases.push(`${name} ${((performance.now() - tp) / 1000).toFixed(1)} s`);
      tp = performance.now();
    };
    try {
      const input = `${dir}/in`;
      await Deno.mkdir(input);
      const what = await testPhotos(input, PHOTOS);
      // A byte-identical copy under another name (one job, not two) and a file that is not an image.
      const first = [...Deno.readDirSync(input)].find((e) => e.isDirectory)?.name;
      const one = first
        ? `${first}/${[...Deno.readDirSync(`${input}/${first}`)].map((e) => e.name).sort()[0]}`
        : [...Deno.readDirSync(input)].map((e) => e.name).sort()[0];
      await Deno.copyFile(`${input}/${one}`, `${input}/copy-of-first.jpg`);
      await Deno.writeTextFile(`${input}/broken.jpg`, "not a JPEG");

      // The single-machine run of the same photos, into its own SQLite store.
      const solo = await embedPhotos(new LocalFolderSource(input), {
        storeDir: `${dir}/solo`,
        workers: 1,
        progress: false,
        log: () => {},
      });
      phase("servers + single-machine run");
      const hashes = [...new Set(solo.photos.map((p) => p.hash!).filter(Boolean))];
      const listed = solo.photos.length;
      assert.equal(hashes.length, listed - 1, `${what}: one copy shares its hash`);

      // Enqueue twice: the second adds nothing.
      const out1: string[] = [], out2: string[] = [];
      assert.equal(await enqueue(["--input", input, "--redis", redis.url], lineIo(out1)), 0, out1.join(""));
      assert.match(
        out1.join(""),
        new RegExp(`${listed} photos listed: ${hashes.length} jobs added, 1 already queued`),
      );
      assert.equal(await enqueue(["--input", input, "--redis", redis.url], lineIo(out2)), 0);
      assert.match(out2.join(""), new RegExp(`0 jobs added, ${listed} already queued`));

      phase("enqueue twice");
      const args = [
        "--store",
        pg.url,
        "--redis",
        redis.url,
        "--workers",
        "1",
        "--lock-ms",
        "4000",
        "--log-jobs",
      ];
      for (let i = 0; i < 3; i++) workers.push(startWorker(args));
      await Promise.all(workers.map((w) => w.waitFor(/^worker ready/, 90_000)));
      phase("3 workers ready");
      assert.doesNotMatch(
        workers.map((w) => w.lines.join("\n") + w.stderr()).join("\n"),
        new RegExp(pg.password),
      );

      // Kill one worker (SIGKILL) in the middle of its jobs, then restart Redis under the others.
      await workers[0].waitFor(/^(computed|stored) /);
      // A few photos into its run (one with the six demo photos), with more in hand.
      const killAfter = hashes.length > 20 ? 3 : 1;
      for (const until = Date.now() + 30_000; Date.now() < until;) {
        if (workers[0].lines.filter((l) => l.startsWith("computed ")).length >= killAfter) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const queue = openQueue(redis.url);
      queue.on("error", () => {});
      workers[0].kill("SIGKILL");
      const atKill = await queueStatus(queue);
      assert.ok(atKill.waiting + atKill.active > 0, "killed while work was left");
      await queue.close();
      await redis.restart(1000);
      const restartedAt = Date.now();
      phase(`kill + Redis restart (at the kill: ${atKill.waiting} waiting, ${atKill.active} active)`);

      const q2 = openQueue(redis.url);
      q2.on("error", () => {});
      let end = await queueStatus(q2);
      for (
        const until = Date.now() + 90_000;
        end.waiting + end.active + end.delayed > 0 && Date.now() < until;
      ) {
        await new Promise((r) => setTimeout(r, 200));
        end = await queueStatus(q2);
      }
      await q2.close();
      phase("queue drained");
      const after = workers.slice(1).reduce((n, w) => n + w.times.filter((t) => t > restartedAt).length, 0);
      assert.ok(after > 0, "the workers went on after Redis restarted");
      phases.push(`${after} jobs finished after the restart`);
      const wait: string[] = [];
      assert.equal(await queueCommand(["wait", "--redis", redis.url], lineIo(wait)), 0, wait.join(""));
      assert.equal(end.completed, hashes.length, "every job done");
      assert.equal(end.failed, 0);

      // A job whose photo is already stored completes at once, computing nothing.
      const q3 = openQueue(redis.url);
      q3.on("error", () => {});
      const again = hashes.slice(0, 3);
      for (const h of again) {
        const data = (await q3.getJob(jobId(h)))!.data;
        await q3.add("embed", data, { jobId: `again-${h}` });
      }
      for (const h of again) {
        for (const until = Date.now() + 30_000; Date.now() < until;) {
          if (await q3.getJobState(`again-${h}`) === "completed") break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const r = (await q3.getJob(`again-${h}`))!.returnvalue;
        assert.deepEqual(r, { outcome: "stored", hash: h, faces: solo.store.get(h)!.faces.length });
      }
      await q3.close();

      // Every photo in the shared store once, under the single-machine run's key.
      const shared = await PgStore.openKey(pg.url, solo.store.keyId, { log: () => {} });
      try {
        assert.deepEqual(await shared.counts(), { photos: hashes.length, faces: solo.store.rows });
        const computed = workers.flatMap((w) =>
          w.lines.filter((l) => l.startsWith("computed ")).map((l) => l.split(" ")[1])
        );
        assert.equal(new Set(computed).size, computed.length, "no photo embedded twice");
        assert.ok(computed.length <= hashes.length);
        for (const h of hashes) {
          const a = await solo.store.vectors([h]), b = await shared.vectors([h]);
          assert.deepEqual(
            new Uint8Array(b.buffer),
            new Uint8Array(a.buffer),
            `photo ${h}: vectors bit for bit`,
          );
          assert.deepEqual(await shared.record(h), solo.store.get(h), `photo ${h}: record`);
        }
        assert.deepEqual((await shared.verify()).damaged, []);
      } finally {
        await shared.close();
      }

      phase("checks");
      // Clustering from the shared store recomputes nothing.
      const col: string[] = [];
      const code = await collect([
        "--store",
        pg.url,
        "--input",
        input,
        "--out",
        `${dir}/out`,
        "--redis",
        redis.url,
        "--local-store",
        `${dir}/local`,
      ], lineIo(col));
      assert.equal(code, 0, col.join(""));
      assert.match(col.join(""), /0 photos computed here/);
      assert.doesNotMatch(col.join(""), new RegExp(pg.password));
      await solo.store.close();
      phase("collect");
      const secs = (performance.now() - t0) / 1000;
      console.log(
        `${what} + a copy + a broken file; ${computed(workers)} computed by the workers; ${
          secs.toFixed(1)
        } s in all: ${phases.join(", ")}`,
      );
    } finally {
      for (const w of workers.slice(1)) {
        try {
          w.kill("SIGTERM");
        } catch { /* gone */ }
      }
      await Promise.all(workers.map((w) => w.status));
      await Promise.all([redis.stop(), pg.stop()]);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

function computed(workers: WorkerProcess[]): string {
  return workers.map((w) => w.lines.filter((l) => l.startsWith("computed ")).length).join(" + ");
}
