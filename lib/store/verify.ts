/**
 * Checking and repairing a store database (`deno task store verify [--repair]`): SQLite's full
 * integrity check, then every record of every key (checksums, face counts, orphaned face rows).
 * Repair removes damaged records (they are recomputed by the next run); when the file itself is
 * damaged (truncated, bad pages), every record that still reads back and checks out is copied
 * into a new file, which replaces it; the damaged file is kept beside it as
 * `faces.sqlite.damaged-<time>`.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { errorMessage } from "../errors.ts";
import { type Damage, RecordReader, scanKey } from "./record_rows.ts";
import { DB_FILE, inTransaction, openStoreDb } from "./store_db.ts";
import { exists } from "../util/exists.ts";

/** One store key's findings. */
export interface KeyReport {
  /** Key id. */
  id: string;
  /** Embedding length. */
  dim: number;
  /** Photos stored. */
  photos: number;
  /** Faces stored. */
  faces: number;
  /** Damaged photos. */
  damaged: Damage[];
}

/** What {@link verifyStore} found and did. */
export interface VerifyReport {
  /** The database file. */
  file: string;
  /** False when there is no database under the root. */
  exists: boolean;
  /** Problems of the file itself (empty: SQLite's integrity check passed). */
  fileProblems: string[];
  /** Per key (what could be read). */
  keys: KeyReport[];
  /** True when nothing is wrong. */
  ok: boolean;
  /** What repair did, when asked. */
  repair?: { removedPhotos: number; rebuilt: boolean; keptDamagedFile?: string };
}

/** Options of {@link verifyStore}. */
export interface VerifyOptions {
  /** Remove damaged records (rebuild the file when it is damaged itself). @default false */
  repair?: boolean;
  /** Progress lines. @default console.error */
  log?: (line: string) => void;
}

function inspect(db: DatabaseSync): { fileProblems: string[]; keys: KeyReport[] } {
  const fileProblems: string[] = [];
  const keys: KeyReport[] = [];
  try {
    const rows = db.prepare("PRAGMA integrity_check(20)").all() as { integrity_check: string }[];
    if (!(rows.length === 1 && rows[0].integrity_check === "ok")) {
      fileProblems.push(...rows.map((r) => `integrity_check: ${r.integrity_check}`));
    }
  } catch (e) {
    fileProblems.push(`integrity_check failed: ${errorMessage(e)}`);
    return { fileProblems, keys };
  }
  try {
    const list = db.prepare("SELECT id, dim FROM store_keys ORDER BY id").all() as {
      id: string;
      dim: number;
    }[];
    const count = (sql: string, id: string) => (db.prepare(sql).get(id) as { n: number }).n;
    for (const k of list) {
      keys.push({
        id: k.id,
        dim: k.dim,
        photos: count("SELECT count(*) AS n FROM photos WHERE key_id = ?", k.id),
        faces: count("SELECT count(*) AS n FROM faces WHERE key_id = ?", k.id),
        damaged: [...scanKey(db, k.id, k.dim)],
      });
    }
  } catch (e) {
    fileProblems.push(`reading records failed: ${errorMessage(e)}`);
  }
  return { fileProblems, keys };
}

/** Checks the store database under `root` and, with `repair`, removes what is damaged. */
export async function verifyStore(root: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const file = `${root}/${DB_FILE}`;
  if (!(await exists(file))) return { file, exists: false, fileProblems: [], keys: [], ok: true };
  let db: DatabaseSync | undefined;
  let found: { fileProblems: string[]; keys: KeyReport[] };
  try {
    db = new DatabaseSync(file);
    db.exec("PRAGMA busy_timeout = 5000");
    found = inspect(db);
  } catch (e) {
    found = { fileProblems: [`cannot open: ${errorMessage(e)}`], keys: [] };
  }
  const damagedCount = found.keys.reduce((n, k) => n + k.damaged.length, 0);
  const report: VerifyReport = {
    file,
    exists: true,
    ...found,
    ok: found.fileProblems.length === 0 && damagedCount === 0,
  };
  if (!opts.repair || report.ok) {
    db?.close();
    return report;
  }
  if (found.fileProblems.length === 0 && db) {
    // Records damaged, file sound: delete them in place, in one transaction.
    const delPhoto = db.prepare("DELETE FROM photos WHERE key_id = ? AND hash = ?");
    const delFaces = db.prepare("DELETE FROM faces WHERE key_id = ? AND hash = ?");
    inTransaction(db, () => {
      for (const k of found.keys) {
        for (const d of k.damaged) delPhoto.run(k.id, d.hash), delFaces.run(k.id, d.hash);
      }
    });
    db.close();
    log(`store verify: removed ${damagedCount} damaged record(s) from ${file}; the next run recomputes them`);
    report.repair = { removedPhotos: damagedCount, rebuilt: false };
    return report;
  }
  // The file itself is damaged: copy what still checks out into a new file.
  const tmpRoot = await Deno.makeTempDir({ dir: root, prefix: ".repair-" });
  const { db: fresh } = await openStoreDb(tmpRoot, log);
  let copied = 0, lost = 0;
  db?.close();
  db = undefined;
  try {
    // Defensive mode off and writable_schema on make SQLite read a file shorter than its
    // header says (instead of refusing it whole), so that the pages that are left can be read.
    // (`defensive` is in Node's API and Deno's runtime, not yet in Deno's type declarations.)
    db = new DatabaseSync(file, { defensive: false } as ConstructorParameters<typeof DatabaseSync>[1]);
    db.exec("PRAGMA writable_schema = ON");
  } catch { /* not readable at all: nothing to keep */ }
  if (db) {
    let reader: RecordReader | undefined;
    let keys: { id: string; key: string; dim: number; created: string }[] = [];
    try {
      reader = new RecordReader(db);
      keys = db.prepare("SELECT id, key, dim, created FROM store_keys").all() as typeof keys;
    } catch { /* unreadable: nothing to keep */ }
    const putKey = fresh.prepare("INSERT INTO store_keys (id, key, dim, created) VALUES (?, ?, ?, ?)");
    const putPhoto = fresh.prepare(
      "INSERT INTO photos (key_id, hash, width, height, error, face_count, checksum, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const putFace = fresh.prepare(
      "INSERT INTO faces (key_id, hash, idx, info, vector, thumb, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    for (const k of keys) {
      const hashes: { hash: string; created: string }[] = [];
      try {
        const it = db.prepare("SELECT hash, created FROM photos WHERE key_id = ?").iterate(k.id);
        for (const r of it) hashes.push(r as { hash: string; created: string });
      } catch { /* keep the hashes read before the damage */ }
      inTransaction(fresh, () => {
        putKey.run(k.id, k.key, k.dim, k.created);
        for (const { hash, created } of hashes) {
          let c;
          try {
            c = reader!.read(k.id, hash, k.dim);
          } catch {
            lost++;
            continue;
          }
          if (!c || c.problems.length > 0) {
            lost++;
            continue;
          }
          const p = c.photo;
          putPhoto.run(k.id, hash, p.width, p.height, p.error, p.face_count, p.checksum, created);
          for (const f of c.faces) putFace.run(k.id, hash, f.idx, f.info, f.vector, f.thumb, f.checksum);
          copied++;
        }
      });
    }
    db.close();
  }
  fresh.close();
  const kept = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  await Deno.rename(file, kept);
  for (const ext of ["-wal", "-shm"]) await Deno.remove(file + ext).catch(() => {});
  await Deno.rename(`${tmpRoot}/${DB_FILE}`, file);
  await Deno.remove(tmpRoot, { recursive: true });
  log(
    `store verify: ${file} was damaged (${
      found.fileProblems[0]
    }); rebuilt it with ${copied} record(s) that ` +
      `check out, ${lost} lost (the next run recomputes them); the damaged file is kept as ${kept}`,
  );
  report.repair = { removedPhotos: lost, rebuilt: true, keptDamagedFile: kept };
  return report;
}
