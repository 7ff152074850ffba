/**
 * A run folder from an existing embedding set (e.g. a benchmark's, which has no thumbnails):
 * the pipeline's default clustering, face thumbnails cropped from the photos when their
 * folder is given, and run.json, so that `deno task report --run` can show it.
 *
 * `deno run -A lib/report/run_from_embeddings.ts --embeddings <dir> --out <dir>
 *  [--images <photo root>] [--threshold d] [--linkage l] [--title text]`
 * @module
 */
import { Buffer } from "node:buffer";
import { join } from "node:path";
import sharp from "sharp";
import {
  agglomerate,
  agglomerative,
  type AgglomerativeParams,
  DEFAULT_AGGLOMERATIVE,
} from "../cluster/agglomerative.ts";
import { LINKAGE_FLAG, THRESHOLD_FLAG } from "../cluster/flags.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import {
  type FaceMeta,
  readEmbeddingSet,
  readThumbnails,
  samePhotoPairs,
  writeEmbeddingSet,
} from "../store/embedding_set.ts";
import { seededRandom } from "../util/random.ts";
import { writeErrorsCsv } from "../run/csv.ts";
import { runPath } from "../run/files.ts";
import { writeRunLabels } from "../run/labels.ts";
import { writeRunJson } from "../run/run_json.ts";

/** Options of {@link runFromEmbeddings}. */
export interface FromEmbeddingsOptions {
  /** Embedding set folder (vectors.npy, faces.jsonl, maybe thumbs.bin). */
  embeddings: string;
  /** Run folder to write. */
  out: string;
  /** Root folder of the photos (`faces[i].path` relative to it), to crop missing thumbnails. */
  images?: string;
  /** Clustering parameters (default: the pipeline's). */
  cluster?: Partial<AgglomerativeParams>;
  /** Title of the run. */
  title?: string;
  /** Thumbnail edge (default 96). */
  thumb?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/**
 * Crops the face box (widened by a quarter and made square, clamped to the photo) and
 * resizes it to a `size` JPEG; undefined when the photo cannot be read.
 */
export async function cropFace(
  file: string,
  box: readonly number[],
  size = 96,
): Promise<Uint8Array | undefined> {
  try {
    const img = sharp(file).rotate();
    const meta = await img.metadata();
    const W = meta.width ?? 0, H = meta.height ?? 0;
    const [x, y, w, h] = box;
    const side = Math.max(1, Math.round(Math.max(w, h) * 1.25));
    const left = Math.max(0, Math.min(W - 1, Math.round(x + w / 2 - side / 2)));
    const top = Math.max(0, Math.min(H - 1, Math.round(y + h / 2 - side / 2)));
    const width = Math.max(1, Math.min(side, W - left)), height = Math.max(1, Math.min(side, H - top));
    const buf: Buffer = await img.extract({ left, top, width, height })
      .resize(size, size, { fit: "cover" })
      .jpeg({ quality: 85 })
      .toBuffer();
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch {
    return undefined;
  }
}

/** Writes the run folder; returns the number of faces and clusters (raw labels). */
export async function runFromEmbeddings(
  opts: FromEmbeddingsOptions,
): Promise<{ faces: number; clusters: number }> {
  const log = opts.log ?? (() => {});
  const set = await readEmbeddingSet(opts.embeddings);
  let thumbs: (Uint8Array | undefined)[];
  try {
    thumbs = await readThumbnails(opts.embeddings, set.faces);
  } catch {
    thumbs = set.faces.map(() => undefined);
  }
  if (opts.images && thumbs.some((t) => !t)) {
    const t0 = performance.now();
    const todo = set.faces.map((f, i) => [f, i] as [FaceMeta, number]).filter(([f, i]) =>
      !thumbs[i] && f.box
    );
    for (let s = 0; s < todo.length; s += 64) {
      await Promise.all(
        todo.slice(s, s + 64).map(async ([f, i]) => {
          thumbs[i] = await cropFace(join(opts.images!, f.path), f.box!, opts.thumb ?? 96);
        }),
      );
      if (s % 2048 === 0) log(`thumbnails: ${s} of ${todo.length}`);
    }
    log(`thumbnails: ${todo.length} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const t0 = performance.now();
  const params = { ...DEFAULT_AGGLOMERATIVE, ...opts.cluster };
  const cannotLink = samePhotoPairs(set.faces);
  // Small sets in plain JavaScript (no onnxruntime session needed); the same dendrogram.
  const labels = set.x.rows === 0
    ? new Int32Array(0)
    : set.x.rows <= 2000
    ? (await agglomerative.run({ x: set.x, cannotLink }, params, { random: seededRandom(1) })).labels
    : await agglomerate(set.x, params, cannotLink);
  const seconds = (performance.now() - t0) / 1000;
  log(`clustering: ${seconds.toFixed(1)} s`);
  await writeEmbeddingSet(join(opts.out, "embeddings"), set, thumbs);
  await writeRunLabels(opts.out, labels);
  await writeRunJson(opts.out, {
    title: opts.title ?? "Faces grouped by person",
    source: `embedding set ${opts.embeddings}${opts.images ? ` (photos in ${opts.images})` : ""}`,
    models: [],
    createdAt: new Date().toISOString(),
    method: "agglomerative",
    params: { ...params, minClusterSize: 2, cannotLink: "faces of one photo" },
    images: new Set(set.faces.map((f) => f.imageId)).size,
    timings: { cluster: seconds },
    noFace: [],
  });
  await writeErrorsCsv(runPath(opts.out, "errors"), []);
  return { faces: set.x.rows, clusters: new Set(labels).size };
}

/** The flags of `deno run -A lib/report/run_from_embeddings.ts`. */
export const FROM_EMBEDDINGS_COMMAND = defineCommand({
  name: "deno run -A lib/report/run_from_embeddings.ts",
  summary: "Make a run folder (default clustering, thumbnails, run.json) from an existing embedding set, " +
    "for deno task report",
  flags: {
    embeddings: {
      type: "path",
      required: true,
      placeholder: "dir",
      help: "embedding set (vectors.npy, faces.jsonl)",
    },
    out: { type: "path", required: true, placeholder: "dir", help: "run folder to write" },
    images: { type: "path", placeholder: "root", help: "photo root, to crop missing thumbnails" },
    threshold: { ...THRESHOLD_FLAG, defaultText: String(DEFAULT_AGGLOMERATIVE.threshold) },
    linkage: LINKAGE_FLAG,
    title: { type: "string", placeholder: "text", help: "report title" },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(FROM_EMBEDDINGS_COMMAND, args, io, async (v, io) => {
    const r = await runFromEmbeddings({
      embeddings: v.embeddings,
      out: v.out,
      images: v.images,
      title: v.title,
      cluster: {
        ...(v.threshold !== undefined ? { threshold: v.threshold } : {}),
        ...(v.linkage !== undefined ? { linkage: v.linkage } : {}),
      },
      log: (l) => io.err(l),
    });
    io.out(`${r.faces} faces, ${r.clusters} clusters → ${v.out}`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
