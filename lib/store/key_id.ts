/**
 * The id of a store key: a short stable hash of the models, embedding length and options (keys
 * sorted), the same for every backend, so that a record computed anywhere is found everywhere.
 * @module
 */
import { sha256Hex } from "../util/hash.ts";
import type { StoreKey } from "./types.ts";

/** `o` with its keys sorted (one level), as store keys are written. */
export function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/** The JSON text that describes `key` in the database (options sorted). */
export function keyText(key: StoreKey): string {
  return JSON.stringify({ ...key, options: sortKeys(key.options) });
}

/** Short stable hash of a store key (its id in the database). */
export async function storeKeyId(key: StoreKey): Promise<string> {
  const text = JSON.stringify({ models: key.models, dim: key.dim, options: sortKeys(key.options) });
  return (await sha256Hex(new TextEncoder().encode(text))).slice(0, 16);
}
