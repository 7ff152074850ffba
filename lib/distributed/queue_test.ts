import assert from "node:assert/strict";
import { jobId, redisConnection } from "./queue.ts";

Deno.test("Redis URLs become connection options; a bad one is refused without its password", () => {
  assert.deepEqual(
    { ...redisConnection("redis://u:p%40ss@q.example:6380/2"), retryStrategy: undefined },
    {
      host: "q.example",
      port: 6380,
      username: "u",
      password: "p@ss",
      db: 2,
      maxRetriesPerRequest: null,
      retryStrategy: undefined,
    },
  );
  const local = redisConnection("redis://127.0.0.1") as { port: number; tls?: unknown };
  assert.equal(local.port, 6379);
  assert.equal(local.tls, undefined);
  assert.deepEqual((redisConnection("rediss://h:1") as { tls?: unknown }).tls, {});
  assert.throws(
    () => redisConnection("http://u:secret@h"),
    (e: Error) => /not a Redis URL/.test(e.message) && !e.message.includes("secret"),
  );
  assert.equal(jobId("ab12"), "photo-ab12");
});
