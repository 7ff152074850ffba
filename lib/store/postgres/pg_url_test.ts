import assert from "node:assert/strict";
import { isPostgresUrl, maskSecrets, maskUrl, parsePgLocation, urlPassword } from "./pg_url.ts";

Deno.test("postgres URLs: told from folders, password masked everywhere, schema parameter read", () => {
  assert.equal(isPostgresUrl("postgres://h/db"), true);
  assert.equal(isPostgresUrl("postgresql://h/db"), true);
  assert.equal(isPostgresUrl("/data/store"), false);
  assert.equal(isPostgresUrl("postgres-store"), false);
  const url = "postgres://fg:s%40cret@db.example:5432/faces";
  assert.equal(urlPassword(url), "s@cret");
  assert.equal(maskUrl(url), "postgres://fg:***@db.example:5432/faces");
  assert.equal(maskUrl("postgres://fg@db/faces"), "postgres://fg@db/faces", "no password, nothing to mask");
  const msg = `connect to ${url} failed: password "s@cret" (s%40cret) refused`;
  const masked = maskSecrets(msg, url);
  assert.doesNotMatch(masked, /s@cret|s%40cret/);
  assert.match(masked, /postgres:\/\/fg:\*\*\*@db\.example:5432\/faces/);
  assert.deepEqual(parsePgLocation("postgres://h/db"), { url: "postgres://h/db", schema: "facegroup" });
  assert.deepEqual(parsePgLocation("postgres://h/db?schema=t1&sslmode=require"), {
    url: "postgres://h/db?sslmode=require",
    schema: "t1",
  });
  assert.throws(
    () => parsePgLocation("postgres://u:pw@h/db?schema=x;drop"),
    (e: Error) => /schema must be a lower-case SQL name/.test(e.message) && !e.message.includes(":pw@"),
  );
});
