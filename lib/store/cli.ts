/**
 * `deno task store <command> [--store <dir>]`: look after the embedding store.
 *
 * - `verify [--repair]`: SQLite's integrity check and every record's checksums; `--repair`
 *   removes damaged records (the next run recomputes them) or rebuilds a damaged file.
 * - `stats`: keys, photos, faces, file size.
 * - `export-npy --key <id> --out <dir>`: one key's vectors as an embedding set (`vectors.npy`,
 *   `faces.jsonl` with the photo hash as path, `thumbs.bin`) for numpy.
 * @module
 */
import { errorMessage } from "../errors.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { type CommandValues, defineCommand } from "../flags/types.ts";
import { synopsis } from "../flags/usage.ts";
import { cacheDir } from "../util/cache_dir.ts";
import { type FaceMeta, writeEmbeddingSet } from "./embedding_set.ts";
import { FaceStore } from "./face_store.ts";
import { PgStore } from "./postgres/pg_store.ts";
import { isPostgresUrl, maskSecrets, maskUrl } from "./postgres/pg_url.ts";
import type { EmbeddingStore } from "./types.ts";
import { verifyStore } from "./verify.ts";

/** The arguments of `deno task store`. */
export const STORE_COMMAND = defineCommand({
  name: "deno task store",
  summary: "Look after the embedding store: verify (and repair), stats, export one key's vectors for numpy",
  flags: {
    store: {
      type: "path",
      verbatimPrefixes: ["postgres://", "postgresql://"],
      placeholder: "dir | postgres://...",
      defaultText: "$FACEGROUP_CACHE/store, else ~/.cache/facegroup/store",
      help:
        "store root, or the shared PostgreSQL store's URL (password from PGPASSWORD or the URL; never printed)",
    },
    repair: {
      type: "boolean",
      help: "verify: remove damaged records (the next run recomputes them) or rebuild a damaged file",
    },
    key: { type: "string", placeholder: "id", help: "export-npy: the key whose vectors to write" },
    out: { type: "path", placeholder: "dir", help: "export-npy: output folder" },
  },
  positionals: {
    command: {
      type: "enum",
      choices: ["verify", "stats", "export-npy"],
      required: true,
      help: "verify: SQLite integrity and every record's checksum; stats: keys, photos and faces; " +
        "export-npy: one key's vectors as vectors.npy + faces.jsonl + thumbs.bin",
    },
  },
  epilog: "exit status: 0 fine, 1 damage found (verify without --repair) or failure, 2 bad command line",
});

/** Runs the store command line `args`; returns the exit status. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(STORE_COMMAND, args, io, (values, io) => storeCommand(values, io));
}

async function storeCommand(values: CommandValues<typeof STORE_COMMAND>, io: Io): Promise<number> {
  const command = values.command;
  const root = values.store ?? `${cacheDir()}/store`;
  try {
    if (isPostgresUrl(root) && command !== "export-npy") {
      return await postgresCommand(command, root, values, io);
    }
    if (command === "verify") {
      const r = await verifyStore(root, { repair: values.repair, log: (l) => io.out(l) });
      if (!r.exists) {
        io.out(`no store at ${r.file}`);
        return 0;
      }
      for (const p of r.fileProblems) io.out(`${r.file}: ${p}`);
      for (const k of r.keys) {
        io.out(`key ${k.id}: ${k.photos} photos, ${k.faces} faces, ${k.damaged.length} damaged`);
        for (const d of k.damaged.slice(0, 20)) io.out(`  photo ${d.hash}: ${d.problems.join(", ")}`);
        if (k.damaged.length > 20) io.out(`  ... and ${k.damaged.length - 20} more`);
      }
      if (r.ok) {
        io.out(`${r.file}: ok`);
        return 0;
      }
      if (r.repair) return 0;
      io.out(`${r.file} is damaged; run \`deno task store verify --repair --store ${root}\``);
      return 1;
    }
    if (command === "stats") {
      const r = await verifyStore(root, { log: (l) => io.out(l) });
      if (!r.exists) {
        io.out(`no store at ${r.file}`);
        return 0;
      }
      const size = (await Deno.stat(r.file)).size;
      io.out(
        `${r.file}: ${(size / 1e6).toFixed(1)} MB, ${r.keys.length} keys${r.ok ? "" : " (DAMAGED)"}`,
      );
      for (const k of r.keys) io.out(`  ${k.id}: ${k.photos} photos, ${k.faces} faces, ${k.dim}-d`);
      return r.ok ? 0 : 1;
    }
    if (command === "export-npy") {
      if (!values.key || !values.out) {
        io.err(`error: export-npy needs --key and --out\n${synopsis(STORE_COMMAND)}`);
        return 2;
      }
      const store: EmbeddingStore = isPostgresUrl(root)
        ? await PgStore.openKey(root, values.key, { log: (l) => io.err(l) })
        : await FaceStore.openKey(root, values.key, { log: (l) => io.err(l) });
      try {
        const hashes: string[] = [];
        const faces: FaceMeta[] = [];
        for await (const r of store.records()) {
          hashes.push(r.hash);
          r.faces.forEach((f, i) =>
            faces.push({ path: r.hash, face: i, imageId: r.hash, box: f.box, score: f.score })
          );
        }
        const data = await store.vectors(hashes);
        await writeEmbeddingSet(
          values.out,
          { x: { data, rows: faces.length, cols: store.dim }, faces },
          await store.thumbnails(hashes),
        );
        io.out(
          `${values.out}: ${faces.length} vectors of ${hashes.length} photos (vectors.npy, faces.jsonl, thumbs.bin)`,
        );
      } finally {
        await store.close();
      }
      return 0;
    }
    return 2; // unreachable: the command is checked against its choices
  } catch (e) {
    io.err(`store: ${isPostgresUrl(root) ? maskSecrets(errorMessage(e), root) : errorMessage(e)}`);
    return 1;
  }
}

/** `verify` and `stats` of the shared PostgreSQL store at `url`: every key's records checked. */
async function postgresCommand(
  command: "verify" | "stats",
  url: string,
  values: CommandValues<typeof STORE_COMMAND>,
  io: Io,
): Promise<number> {
  const keys = await PgStore.keys(url);
  io.out(`${maskUrl(url)}: ${keys.length} keys`);
  let damaged = 0;
  for (const k of keys) {
    if (command === "stats") {
      io.out(`  ${k.id}: ${k.photos} photos, ${k.dim}-d`);
      continue;
    }
    const store = await PgStore.openKey(url, k.id, { verify: false, log: (l) => io.err(l) });
    try {
      const r = await store.verify({ repair: values.repair });
      io.out(
        `key ${k.id}: ${r.photos} photos, ${r.faces} faces, ${r.damaged.length} damaged` +
          (r.removed ? `, ${r.removed} removed (the next run recomputes them)` : ""),
      );
      for (const d of r.damaged.slice(0, 20)) io.out(`  photo ${d.hash}: ${d.problems.join(", ")}`);
      if (!values.repair) damaged += r.damaged.length;
    } finally {
      await store.close();
    }
  }
  if (command === "verify") {
    io.out(damaged ? `${maskUrl(url)} is damaged; run with --repair` : `${maskUrl(url)}: ok`);
  }
  return damaged ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
