/**
 * Retrying Drive calls: which errors are worth another try, exponential backoff with jitter,
 * and a tally of the faults a run survived.
 * @module
 */
import { ToolkitError } from "../../errors.ts";
import type { Random } from "../../util/random.ts";

/** An HTTP answer that was not a success; the message is already free of credentials. */
export class HttpError extends ToolkitError {
  /**
   * @param message one-line, credential-free description
   * @param status the HTTP status
   * @param reason the first Google error reason (e.g. `rateLimitExceeded`), if any
   * @param retryAfterMs the server's `Retry-After`, if any
   */
  constructor(
    message: string,
    readonly status: number,
    readonly reason?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** A failure that is not the server's verdict: a cut connection, a stall, a body that failed its checksum. */
export class TransientError extends ToolkitError {
  /**
   * @param message one-line, credential-free description
   * @param kind what went wrong
   */
  constructor(message: string, readonly kind: "network" | "timeout" | "integrity") {
    super(message);
    this.name = "TransientError";
  }
}

/** How an error is to be treated. */
export interface ErrorClass {
  /** Whether another attempt may succeed. */
  retryable: boolean;
  /** Short label for tallies: `429`, `403 rateLimitExceeded`, `5xx`, `network`, `timeout`, `integrity`, … */
  kind: string;
  /** Server-requested wait, if any. */
  retryAfterMs?: number;
}

/** 403 reasons that mean "slow down", not "forbidden". */
const RATE_LIMIT_REASONS = new Set(["userRateLimitExceeded", "rateLimitExceeded"]);

/** Decides whether an error is worth retrying (rate limits, 5xx, 408, network, timeouts, bad checksums). */
export function classifyError(e: unknown): ErrorClass {
  if (e instanceof HttpError) {
    const s = e.status;
    if (s === 429) return { retryable: true, kind: "429", retryAfterMs: e.retryAfterMs };
    if (s === 403 && e.reason && RATE_LIMIT_REASONS.has(e.reason)) {
      return { retryable: true, kind: `403 ${e.reason}`, retryAfterMs: e.retryAfterMs };
    }
    if (s >= 500 && s <= 599) return { retryable: true, kind: "5xx", retryAfterMs: e.retryAfterMs };
    if (s === 408) return { retryable: true, kind: "408" };
    return { retryable: false, kind: `${s}${e.reason ? ` ${e.reason}` : ""}` };
  }
  if (e instanceof TransientError) return { retryable: true, kind: e.kind };
  return { retryable: false, kind: "error" };
}

/** Retry settings. */
export interface RetryOptions {
  /** Attempts in all, first included (default 6). */
  maxAttempts?: number;
  /** Delay before the first retry, before jitter (default 500 ms). */
  baseDelayMs?: number;
  /** Cap on any one delay (default 30 s). */
  maxDelayMs?: number;
  /** Source of jitter (default Math.random). */
  random?: Random;
}

/** Counters shared by every retried call of one source. */
export interface RetryStats {
  /** Failed attempts that were followed by another try. */
  retries: number;
  /** Failed attempts of calls that in the end succeeded: the faults survived. */
  faultsSurvived: number;
  /** Calls abandoned after their last attempt or on an error not worth retrying. */
  gaveUp: number;
  /** Failed attempts by {@link ErrorClass.kind}. */
  byKind: Record<string, number>;
}

/** A fresh set of zeroed counters. */
export function newRetryStats(): RetryStats {
  return { retries: 0, faultsSurvived: 0, gaveUp: 0, byKind: {} };
}

/**
 * Delay before retry number `retry` (1-based): `min(maxDelay, base·2^(retry−1))` scaled by a
 * uniform factor in [0.5, 1) ("equal jitter"), and never shorter than a server's `Retry-After`
 * (itself capped by `maxDelayMs`).
 */
export function backoffDelay(retry: number, options: RetryOptions = {}, retryAfterMs?: number): number {
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  const cap = Math.min(max, base * 2 ** Math.max(0, retry - 1));
  const delay = cap * (0.5 + 0.5 * random());
  return retryAfterMs === undefined ? delay : Math.max(delay, Math.min(retryAfterMs, max));
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `fn` until it succeeds, retrying errors that {@link classifyError} calls retryable with
 * backoff and jitter, up to `maxAttempts`. Abort via `signal` stops at once and is not retried.
 * The last error is rethrown when it gives up.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
  stats?: RetryStats,
  signal?: AbortSignal,
): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 6);
  let failures = 0;
  for (let attempt = 1;; attempt++) {
    try {
      const value = await fn(attempt);
      if (stats) stats.faultsSurvived += failures;
      return value;
    } catch (e) {
      if (signal?.aborted) throw signal.reason ?? e;
      const c = classifyError(e);
      failures++;
      if (stats) stats.byKind[c.kind] = (stats.byKind[c.kind] ?? 0) + 1;
      if (!c.retryable || attempt >= maxAttempts) {
        if (stats) stats.gaveUp++;
        throw e;
      }
      if (stats) stats.retries++;
      await sleep(backoffDelay(attempt, options, c.retryAfterMs), signal);
    }
  }
}
