/**
 * Bounding how many tasks run at once.
 * @module
 */

/** Runs tasks with at most `n` in flight; the rest wait their turn in call order. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Makes a {@link Limiter} allowing `n` (at least 1) tasks at once. */
export function createLimiter(n: number): Limiter {
  const max = Math.max(1, Math.floor(n));
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Calls `fn` on every item with at most `n` calls in flight; resolves when all are done. */
export async function forEachLimited<T>(
  items: Iterable<T>,
  n: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const limit = createLimiter(n);
  await Promise.all([...items].map((item) => limit(() => fn(item))));
}
