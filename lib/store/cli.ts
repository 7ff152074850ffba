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
import { parseCli } from "../cli/args.ts";
import { errorMessage } from "../errors.ts";
import { cacheDir } from "../pipeline/cache_dir.ts";
import { type FaceMeta, writeEmbeddingSet } from "./embedding_set.ts";
import { FaceStore } from "./face_store.ts";
import { verifyStore } from "./verify.ts";

const USAGE = `usage: deno task store <command> [--store <dir>]

commands:
  verify [--repair]              check the store (SQLite integrity, every record's checksum);
                                 --repair removes damaged records, which the next run recomputes
  stats                          keys, photos and faces in the store
  export-npy --key <id> --out <dir>
                                 write one key's vectors as vectors.npy + faces.jsonl + thumbs.bin

options:
  --store <dir>   store root (default: $FACEGROUP_CACHE/store, ~/.cache/facegroup/store)
  --help          this text

exit status: 0 fine, 1 damage found (verify without --repair) or failure, 2 bad command line`;

/** Runs the store command line `args`; returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const command = args[0]?.startsWith("-") ? undefined : args[0];
  const values = parseCli(command ? args.slice(1) : args, {
    store: { type: "string" },
    repair: { type: "boolean" },
    key: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean" },
  }, USAGE);
  const root = values.store ?? `${cacheDir()}/store`;
  try {
    if (command === "verify") {
      const r = await verifyStore(root, { repair: values.repair, log: (l) => console.log(l) });
      if (!r.exists) {
        console.log(`no store at ${r.file}`);
        return 0;
      }
      for (const p of r.fileProblems) console.log(`${r.file}: ${p}`);
      for (const k of r.keys) {
        console.log(`key ${k.id}: ${k.photos} photos, ${k.faces} faces, ${k.damaged.length} damaged`);
        for (const d of k.damaged.slice(0, 20)) console.log(`  photo ${d.hash}: ${d.problems.join(", ")}`);
        if (k.damaged.length > 20) console.log(`  ... and ${k.damaged.length - 20} more`);
      }
      if (r.ok) {
        console.log(`${r.file}: ok`);
        return 0;
      }
      if (r.repair) return 0;
      console.log(`${r.file} is damaged; run \`deno task store verify --repair --store ${root}\``);
      return 1;
    }
    if (command === "stats") {
      const r = await verifyStore(root, { log: (l) => console.log(l) });
      if (!r.exists) {
        console.log(`no store at ${r.file}`);
        return 0;
      }
      const size = (await Deno.stat(r.file)).size;
      console.log(
        `${r.file}: ${(size / 1e6).toFixed(1)} MB, ${r.keys.length} keys${r.ok ? "" : " (DAMAGED)"}`,
      );
      for (const k of r.keys) console.log(`  ${k.id}: ${k.photos} photos, ${k.faces} faces, ${k.dim}-d`);
      return r.ok ? 0 : 1;
    }
    if (command === "export-npy") {
      if (!values.key || !values.out) {
        console.error(`error: export-npy needs --key and --out\n\n${USAGE}`);
        return 2;
      }
      const store = await FaceStore.openKey(root, values.key, { log: (l) => console.error(l) });
      try {
        const hashes = store.hashes();
        const faces: FaceMeta[] = [];
        for (const h of hashes) {
          store.get(h)!.faces.forEach((f, i) =>
            faces.push({ path: h, face: i, imageId: h, box: f.box, score: f.score })
          );
        }
        const data = await store.vectors(hashes);
        await writeEmbeddingSet(
          values.out,
          { x: { data, rows: faces.length, cols: store.dim }, faces },
          await store.thumbnails(hashes),
        );
        console.log(
          `${values.out}: ${faces.length} vectors of ${hashes.length} photos (vectors.npy, faces.jsonl, thumbs.bin)`,
        );
      } finally {
        store.close();
      }
      return 0;
    }
    console.error(`error: ${command ? `unknown command ${command}` : "a command is needed"}\n\n${USAGE}`);
    return 2;
  } catch (e) {
    console.error(`store: ${errorMessage(e)}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
