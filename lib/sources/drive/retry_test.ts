import assert from "node:assert/strict";
import { seededRandom } from "../../util/random.ts";
import { backoffDelay, classifyError, HttpError, newRetryStats, TransientError, withRetry } from "./retry.ts";

Deno.test("classifyError: rate limits, 5xx, network, timeouts and checksum errors are retryable", () => {
  const yes = [
    new HttpError("x", 429),
    new HttpError("x", 403, "userRateLimitExceeded"),
    new HttpError("x", 403, "rateLimitExceeded"),
    new HttpError("x", 500),
    new HttpError("x", 503, "backendError"),
    new HttpError("x", 408),
    new TransientError("x", "network"),
    new TransientError("x", "timeout"),
    new TransientError("x", "integrity"),
  ];
  for (const e of yes) assert.equal(classifyError(e).retryable, true, e.message + (e as HttpError).status);
  const no = [
    new HttpError("x", 403, "insufficientFilePermissions"),
    new HttpError("x", 403, "dailyLimitExceeded"),
    new HttpError("x", 403),
    new HttpError("x", 404, "notFound"),
    new HttpError("x", 401),
    new HttpError("x", 400),
    new Error("bug"),
  ];
  for (const e of no) assert.equal(classifyError(e).retryable, false, e.message);
  assert.equal(classifyError(new HttpError("x", 403, "rateLimitExceeded")).kind, "403 rateLimitExceeded");
});

Deno.test("backoffDelay grows exponentially with jitter in [cap/2, cap), capped, and honours Retry-After", () => {
  const o = { baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(backoffDelay(1, { ...o, random: () => 0 }), 50);
  assert.equal(backoffDelay(3, { ...o, random: () => 0 }), 200);
  assert.equal(backoffDelay(10, { ...o, random: () => 0 }), 500);
  const r = seededRandom(1);
  const ds = Array.from({ length: 200 }, () => backoffDelay(2, { ...o, random: r }));
  assert.ok(ds.every((d) => d >= 100 && d < 200));
  assert.ok(new Set(ds).size > 100, "jitter varies");
  assert.equal(backoffDelay(1, { ...o, random: () => 0 }, 700), 700);
  assert.equal(backoffDelay(1, { ...o, random: () => 0 }, 60_000), 1000);
});

Deno.test("withRetry retries retryable errors, counts survived faults, and gives up", async () => {
  const stats = newRetryStats();
  let n = 0;
  const v = await withRetry(
    () => {
      n++;
      if (n < 3) throw new HttpError("busy", 503);
      return Promise.resolve("ok");
    },
    { baseDelayMs: 1, maxDelayMs: 2 },
    stats,
  );
  assert.equal(v, "ok");
  assert.equal(stats.faultsSurvived, 2);
  assert.equal(stats.retries, 2);

  let m = 0;
  await assert.rejects(
    withRetry(
      () => {
        m++;
        throw new TransientError("cut", "network");
      },
      { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 1 },
      stats,
    ),
    /cut/,
  );
  assert.equal(m, 4);
  assert.equal(stats.gaveUp, 1);
  assert.equal(stats.faultsSurvived, 2);

  let k = 0;
  await assert.rejects(
    withRetry(
      () => {
        k++;
        throw new HttpError("nope", 404);
      },
      { baseDelayMs: 1 },
      stats,
    ),
    /nope/,
  );
  assert.equal(k, 1);
});

Deno.test("withRetry stops at once when its signal aborts", async () => {
  const ctl = new AbortController();
  let n = 0;
  const p = withRetry(
    () => {
      n++;
      if (n === 1) setTimeout(() => ctl.abort(new Error("stop")), 5);
      throw new HttpError("busy", 503);
    },
    { baseDelayMs: 10_000, maxDelayMs: 10_000 },
    undefined,
    ctl.signal,
  );
  await assert.rejects(p, /stop/);
  assert.equal(n, 1);
});
