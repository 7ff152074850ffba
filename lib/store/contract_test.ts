import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import postgres from "postgres";
import { type ContractBackend, storeContract } from "./contract.ts";
import { main as storeCli } from "./cli.ts";
import { FaceStore } from "./face_store.ts";
import { openStore } from "./open.ts";
import { PgStore } from "./postgres/pg_store.ts";
import { findPostgres, startTestPostgres } from "./postgres/test_server.ts";

const sqlite: ContractBackend = {
  name: "sqlite",
  async fresh() {
    const root = await Deno.makeTempDir({ prefix: "store-contract-" });
    return {
      open: (key, opts) => FaceStore.open(root, key, opts),
      tamper(keyId, hash, idx, vector) {
        const db = new DatabaseSync(`${root}/faces.sqlite`);
        db.prepare("UPDATE faces SET vector = ? WHERE key_id = ? AND hash = ? AND idx = ?").run(
          vector,
          keyId,
          hash,
          idx,
        );
        db.close();
        return Promise.resolve();
      },
      cleanup: () => Deno.remove(root, { recursive: true }),
    };
  },
};

Deno.test("store contract: sqlite", (t) => storeContract(t, sqlite));

const pgBins = findPostgres();

Deno.test({
  name: `store contract: postgres${
    pgBins ? "" : " (skipped: PostgreSQL is not installed; apt-get install postgresql)"
  }`,
  ignore: !pgBins,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const server = await startTestPostgres();
    const admin = postgres(server.url, { max: 1, onnotice: () => {} });
    let n = 0;
    try {
      await storeContract(t, {
        name: "postgres",
        fresh() {
          const schema = `contract_${++n}`;
          const url = `${server.url}?schema=${schema}`;
          return Promise.resolve({
            open: (key, opts) => PgStore.open(url, key, opts),
            async tamper(keyId, hash, idx, vector) {
              await admin.unsafe(
                `UPDATE "${schema}".faces SET vector = $1 WHERE key_id = $2 AND hash = $3 AND idx = $4`,
                [vector, keyId, hash, idx] as never[],
              );
            },
            async cleanup() {
              await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
            },
          });
        },
      });
      await t.step(
        "postgres: the password never appears in a message; openStore picks the backend by URL",
        async () => {
          const wrong = server.url.replace(server.password, "not-the-password-42");
          const err = await openStore(wrong, { models: ["x"], dim: 4, options: {} }, { log: () => {} }).then(
            () => undefined,
            (e) => e as Error,
          );
          assert.ok(err, "a wrong password fails");
          assert.match(err.message, /password authentication failed/);
          assert.match(err.message, /postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
          assert.doesNotMatch(err.message, /not-the-password-42/);
          const s = await openStore(`${server.url}?schema=pick`, { models: ["x"], dim: 4, options: {} });
          assert.equal(s.backend, "postgres");
          assert.doesNotMatch(s.location, new RegExp(server.password));
          await s.put("h1", { width: 1, height: 1, faces: [] });
          await s.close();
          // `deno task store stats / verify / export-npy --store postgres://...`, the password masked.
          const out: string[] = [];
          const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) };
          const url = `${server.url}?schema=pick`;
          assert.equal(await storeCli(["stats", "--store", url], io), 0);
          assert.equal(await storeCli(["verify", "--store", url], io), 0);
          const dir = await Deno.makeTempDir();
          assert.equal(await storeCli(["export-npy", "--store", url, "--key", s.keyId, "--out", dir], io), 0);
          await Deno.remove(dir, { recursive: true });
          const text = out.join("");
          assert.match(text, new RegExp(`${s.keyId}: 1 photos`));
          assert.match(text, /postgres:\/\/postgres:\*\*\*@.*: ok/);
          assert.match(text, /0 vectors of 1 photos/);
          assert.doesNotMatch(text, new RegExp(server.password));
          const root = await Deno.makeTempDir();
          const l = await openStore(root, { models: ["x"], dim: 4, options: {} });
          assert.equal(l.backend, "sqlite");
          await l.close();
          await Deno.remove(root, { recursive: true });
        },
      );
    } finally {
      await admin.end({ timeout: 2 });
      await server.stop();
    }
  },
});
