/**
 * Filling options with defaults where a key is missing or explicitly `undefined` (a plain
 * spread would let `{ x: undefined }` erase a default, as command-line flags that were not
 * given produce).
 * @module
 */

/** Returns `defaults` overridden by every value of `opts` that is not undefined. */
export function withDefaults<T extends object>(defaults: T, opts: Partial<T> | undefined): T {
  const out = { ...defaults };
  if (!opts) return out;
  for (const [k, v] of Object.entries(opts)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
