/**
 * `deno task run --store postgres://...` against a real PostgreSQL server (started by the test,
 * ../store/postgres/test_server.ts): the same labels, vectors and assignments as a run on a
 * SQLite store of the same photos; the password never printed; the pool closed when the run
 * ends. Skipped, with a message, where PostgreSQL is not installed.
 * @module
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { findPostgres, startTestPostgres } from "../store/postgres/test_server.ts";
import { main } from "./run.ts";

const PHOTOS = ["sample2.jpg", "sample4.jpg", "sample5.jpg"];
const pgBins = findPostgres();

/** Runs `deno task run args`; returns its exit code and everything it printed. */
async function run(args: string[]): Promise<{ code: number; text: string }> {
  const printed: string[] = [];
  const io = { stdout: (t: string) => void printed.push(t), stderr: (t: string) => void printed.push(t) };
  const code = await main(args, io);
  return { code, text: printed.join("") };
}

/** The files of a run folder that must agree between the two backends. */
async function results(out: string): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const f of ["labels.npy", "embeddings/vectors.npy", "embeddings/faces.jsonl", "assignments.csv"]) {
    files[f] = await Deno.readFile(`${out}/${f}`);
  }
  return files;
}

Deno.test({
  name:
    `deno task run --store postgres://: same labels and vectors as a SQLite run; password masked; pool closed${
      pgBins ? "" : " (skipped: PostgreSQL is not installed; apt-get install postgresql)"
    }`,
  ignore: !pgBins,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const demo = await ensureDemoPhotos();
    const dir = await Deno.makeTempDir({ prefix: "facegroup-run-pg-" });
    const input = `${dir}/photos`;
    await Deno.mkdir(input);
    for (const n of PHOTOS) await Deno.copyFile(`${demo}/${n}`, `${input}/${n}`);
    const server = await startTestPostgres();
    const admin = postgres(server.url, { max: 1, onnotice: () => {} });
    const common = ["--input", input, "--workers", "0", "--quiet"];
    const url = `${server.url}?schema=run_cli`;
    try {
      const lite = await run([...common, "--out", `${dir}/sqlite`, "--store", `${dir}/store`]);
      assert.equal(lite.code, 0, lite.text);

      const pg = await run([...common, "--out", `${dir}/pg`, "--store", url]);
      assert.equal(pg.code, 0, pg.text);
      assert.match(pg.text, /3 photos analysed now/);
      assert.match(pg.text, /store: postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres\?schema=run_cli/);
      assert.ok(!pg.text.includes(server.password), "the password is never printed");
      // The records are in the shared store: one per photo.
      const [{ n }] = await admin.unsafe(`SELECT count(*)::int AS n FROM run_cli.photos`);
      assert.equal(n, PHOTOS.length);
      // The run closed its pool: no client connection of it is left on the server.
      let left = -1;
      for (let i = 0; i < 50 && left !== 0; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 100));
        [{ n: left }] = await admin.unsafe(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
        );
      }
      assert.equal(left, 0, "connections left open after the run");

      // Bit for bit the SQLite run's labels, vectors, face records and assignments.
      const a = await results(`${dir}/sqlite`), b = await results(`${dir}/pg`);
      for (const f of Object.keys(a)) assert.deepEqual(b[f], a[f], `${f} differs between the backends`);
      assert.ok(a["embeddings/vectors.npy"].length > 128 + 512 * 4 * 6, "at least six faces");

      // A second run on the shared store computes nothing and gives the same results.
      const again = await run([...common, "--out", `${dir}/pg2`, "--store", url]);
      assert.equal(again.code, 0, again.text);
      assert.match(again.text, /0 photos analysed now/);
      assert.deepEqual(await results(`${dir}/pg2`), a);

      // A wrong password: the work fails (exit 1), the message masks both passwords.
      const wrong = url.replace(server.password, "not-the-pw-4711");
      const bad = await run([...common, "--out", `${dir}/bad`, "--store", wrong]);
      assert.equal(bad.code, 1, bad.text);
      assert.match(bad.text, /password authentication failed/);
      assert.match(bad.text, /postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
      assert.ok(!bad.text.includes("not-the-pw-4711") && !bad.text.includes(server.password), bad.text);
    } finally {
      await admin.end({ timeout: 2 });
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
