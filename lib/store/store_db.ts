/**
 * The embedding store's database: one SQLite file per store root (`<root>/faces.sqlite`, through
 * Deno's built-in `node:sqlite`), in WAL mode so that readers never wait for a writer and a
 * killed writer's transaction is rolled back on the next open. Several processes may use one
 * file at once: writes are short transactions, and a process that finds the file locked waits
 * (SQLite's busy timeout, then retries here with one message) instead of failing.
 *
 * Tables: `store_keys` (what each store key stands for), `photos` (one row per photo and key:
 * size, error, face count, checksum), `faces` (one row per face: its fields as JSON, the
 * float32 vector and JPEG thumbnail as BLOBs, a checksum over all of it), keyed by
 * (key id, photo hash, face index), and `claims` (photos a process is computing now, so that
 * another process takes other photos first; version 2). Version 1 files gain `claims` on opening.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { errorMessage, ToolkitError } from "../errors.ts";

/** File name of the database inside a store root. */
export const DB_FILE = "faces.sqlite";

/** Schema version kept in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 2;

/** How long SQLite itself waits for a lock before a call gives up (then {@link withWriteLock} retries). */
const BUSY_TIMEOUT_MS = 2000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS store_keys (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  dim INTEGER NOT NULL,
  created TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS photos (
  key_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  error TEXT,
  face_count INTEGER NOT NULL,
  checksum INTEGER NOT NULL,
  created TEXT NOT NULL,
  PRIMARY KEY (key_id, hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS claims (
  key_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  owner TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (key_id, hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS faces (
  key_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  idx INTEGER NOT NULL,
  info TEXT NOT NULL,
  vector BLOB NOT NULL,
  thumb BLOB,
  checksum INTEGER NOT NULL,
  PRIMARY KEY (key_id, hash, idx)
);
`;

/** The command that repairs a damaged store, for error messages. */
export function repairHint(root: string): string {
  return `run \`deno task store verify --repair --store ${root}\``;
}

/** True when `e` is SQLite saying the file is locked by another connection. */
export function isBusy(e: unknown): boolean {
  return /database is locked|database table is locked|SQLITE_BUSY/i.test(errorMessage(e));
}

/** True when `e` is SQLite saying the file is damaged or not a database. */
export function isCorrupt(e: unknown): boolean {
  const code = (e as { errcode?: number })?.errcode;
  if (code !== undefined && [11, 26].includes(code & 0xff)) return true;
  return /malformed|not a database|corrupt/i.test(errorMessage(e));
}

/** Turns a SQLite error about `file` into a {@link ToolkitError} that says what to do. */
export function storeError(file: string, root: string, what: string, e: unknown): ToolkitError {
  if (e instanceof ToolkitError) return e;
  const msg = errorMessage(e);
  if (isCorrupt(e)) {
    return new ToolkitError(`store ${file} is damaged (${what}: ${msg}); ${repairHint(root)}`, { cause: e });
  }
  if (/disk is full|database or disk is full/i.test(msg)) {
    return new ToolkitError(`store ${file}: no space left (${what}); nothing half-written was kept`, {
      cause: e,
    });
  }
  return new ToolkitError(`store ${file}: ${what} failed: ${msg}`, { cause: e });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Runs `fn` inside `BEGIN IMMEDIATE ... COMMIT` (rolled back if it throws). When another process
 * holds the write lock beyond SQLite's busy timeout, logs one line and retries every 200 ms for
 * up to `maxWaitMs`, then fails with a {@link ToolkitError}.
 */
export async function withWriteLock<T>(
  db: DatabaseSync,
  file: string,
  fn: () => T,
  log: (line: string) => void,
  maxWaitMs = 10 * 60_000,
): Promise<T> {
  const start = performance.now();
  let told = false;
  for (;;) {
    try {
      return inTransaction(db, fn);
    } catch (e) {
      if (!isBusy(e)) throw e;
      if (performance.now() - start > maxWaitMs) {
        throw new ToolkitError(
          `store ${file} stayed locked by another process for ${Math.round(maxWaitMs / 1000)} s; giving up`,
          { cause: e },
        );
      }
      if (!told) {
        log(`store ${file} is locked by another process (another run, or verify --repair); waiting`);
        told = true;
      }
      await sleep(200);
    }
  }
}

/** Runs `fn` inside `BEGIN IMMEDIATE ... COMMIT` synchronously; rolled back if it throws. */
export function inTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (e) {
    try {
      db.exec("ROLLBACK");
    } catch { /* already rolled back */ }
    throw e;
  }
}

/** Says once, when the database is new, that folders of the earlier layout are not read. */
function sayOldFolders(root: string, log: (line: string) => void): void {
  const old: string[] = [];
  try {
    for (const e of Deno.readDirSync(root)) {
      if (!e.isDirectory || !/^[0-9a-f]{16}$/.test(e.name)) continue;
      try {
        Deno.statSync(`${root}/${e.name}/records.jsonl`);
        old.push(e.name);
      } catch { /* not an old store */ }
    }
  } catch { /* unreadable root: nothing to say */ }
  if (old.length > 0) {
    log(
      `store: ${root} also holds ${old.length} store folder(s) of the earlier layout (${
        old[0]
      }/records.jsonl...); ` +
        `they are no longer read (their photos are computed again) and can be deleted`,
    );
  }
}

/**
 * Opens (creating if needed) the database of store root `root`: WAL mode, busy timeout,
 * schema. A file that is not a database, or one made by a newer schema, is a
 * {@link ToolkitError}.
 */
export async function openStoreDb(
  root: string,
  log: (line: string) => void = (l) => console.error(l),
): Promise<{ db: DatabaseSync; file: string }> {
  await Deno.mkdir(root, { recursive: true });
  const file = `${root}/${DB_FILE}`;
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file);
  } catch (e) {
    throw storeError(file, root, "opening", e);
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Takes effect only when the file is new: a face row (2 KB vector, thumbnail) fits a 4 KB
    // page once, so 16 KB pages hold them with little waste (100 MB for 25,000 vectors -> 60 MB).
    db.exec("PRAGMA page_size = 16384");
    const start = performance.now();
    // Switching to WAL needs a moment alone with the file; another process creating it may hold it.
    for (;;) {
      try {
        db.exec("PRAGMA journal_mode = WAL");
        break;
      } catch (e) {
        if (!isBusy(e) || performance.now() - start > 60_000) throw e;
        await sleep(100);
      }
    }
    db.exec("PRAGMA synchronous = NORMAL");
    const version = (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
    if (version > SCHEMA_VERSION) {
      throw new ToolkitError(
        `store ${file} has schema version ${version}; this toolkit reads version ${SCHEMA_VERSION} (a newer toolkit made it)`,
      );
    }
    if (version < SCHEMA_VERSION) {
      await withWriteLock(db, file, () => {
        db.exec(SCHEMA);
        db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      }, log);
      if (version === 0) sayOldFolders(root, log);
    }
  } catch (e) {
    db.close();
    throw storeError(file, root, "opening", e);
  }
  return { db, file };
}
