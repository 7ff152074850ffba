/**
 * Opening a store by where it is: a `postgres://` (or `postgresql://`) URL opens the
 * PostgreSQL backend (many machines), anything else is a folder holding the SQLite store (the
 * single-machine default). The environment variable `FACEGROUP_STORE` gives the default
 * location for commands that take `--store`.
 * @module
 */
import { FaceStore } from "./face_store.ts";
import { PgStore } from "./postgres/pg_store.ts";
import { isPostgresUrl, maskUrl } from "./postgres/pg_url.ts";
import type { EmbeddingStore, OpenOptions, StoreKey, StoreOpener } from "./types.ts";

/** Environment variable naming the default store (a folder or a `postgres://` URL). */
export const STORE_ENV = "FACEGROUP_STORE";

/** Opens the store of `key` at `location` (a folder, or a PostgreSQL URL). */
export async function openStore(
  location: string,
  key: StoreKey,
  opts: OpenOptions = {},
): Promise<EmbeddingStore> {
  return isPostgresUrl(location)
    ? await PgStore.open(location, key, opts)
    : await FaceStore.open(location, key, opts);
}

/** A {@link StoreOpener} for `location`. */
export function storeOpener(location: string): StoreOpener {
  return (key, opts) => openStore(location, key, opts);
}

/** `location` as it may be shown (a URL's password masked). */
export function showLocation(location: string): string {
  return isPostgresUrl(location) ? maskUrl(location) : location;
}
