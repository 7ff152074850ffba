/**
 * `deno task bench:small-faces`: how well faces of different sizes in large group photos are
 * found and recognised, with the detector's tiling off and on. The photos are synthetic
 * (./group_photos.ts): LFW faces of known people pasted at known places and sizes into
 * 3000x2000 photos. For each size bucket it prints the share of faces found, and the share of
 * found faces whose embedding is within the default clustering threshold (cosine distance 0.55)
 * of the embedding of another LFW photo of the same person; then false detections and
 * milliseconds per photo.
 *
 * Flags: see `deno task bench:small-faces --help` ({@link SMALL_FACES_COMMAND}).
 * @module
 */
import sharp from "sharp";
import { DEFAULT_AGGLOMERATIVE } from "../cluster/agglomerative.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { FaceAnalyzer } from "../faces/analyzer.ts";
import { decodeImage } from "../images/decode.ts";
import { cacheDir } from "../util/cache_dir.ts";
import { makeGroupPhotos, matchesFace } from "./group_photos.ts";
import { lfwOrSkip } from "../util/lfw_data.ts";
import { centreFace } from "./lfw_protocol.ts";

/** The flags of `deno task bench:small-faces`. */
export const SMALL_FACES_COMMAND = defineCommand({
  name: "deno task bench:small-faces",
  summary:
    "Benchmark: how many faces of each size in large synthetic group photos are found and recognised, " +
    "tiling off and on",
  flags: {
    photos: { type: "integer", min: 1, default: 20, placeholder: "n", help: "synthetic group photos" },
    data: { type: "path", placeholder: "dir", defaultText: "the shared LFW data set", help: "LFW folder" },
    out: {
      type: "path",
      default: "reports/bench/small_faces.json",
      placeholder: "file",
      help: "JSON result",
    },
  },
});

/** Entry point; returns the exit code (0 also when LFW is absent: skipped). */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(SMALL_FACES_COMMAND, args, io, async (v, io) => {
    sharp.concurrency(1);
    const root = await lfwOrSkip(v.data);
    if (!root) return 0;
    const outFile = v.out;
    const dir = `${cacheDir()}/bench-groups`;
    const photos = await makeGroupPhotos(`${root}/images_deepfunneled`, dir, { count: v.photos });
    const MAX_SIDE = 1280, THRESHOLD = DEFAULT_AGGLOMERATIVE.threshold;
    const buckets = [40, 60, 90, 135, 200];
    const bucketOf = (side: number) => buckets.findLastIndex((b) => side >= b);
    const label = (i: number) => `${buckets[i]}-${buckets[i + 1] ?? 260}px`;

    // Each pasted face's reference: the embedding of another LFW photo of the same person.
    const reference = await FaceAnalyzer.create({ tiling: "off" });
    const refs = new Map<string, Float32Array>();
    for (const p of photos) {
      for (const f of p.faces) {
        const file = `${root}/images_deepfunneled/${f.reference}`;
        const img = await decodeImage(await Deno.readFile(file));
        const faces = await reference.analyze(img);
        // The face nearest the middle of the photo is the labelled one, as in bench:lfw.
        const best = centreFace(
          faces.map((d) => [d.box.x, d.box.y, d.box.w, d.box.h]),
          img.width,
          img.height,
        );
        if (best >= 0) refs.set(f.reference, faces[best].embedding);
      }
    }
    await reference.release();

    const results: Record<string, unknown>[] = [];
    for (const tiling of ["off", "auto"] as const) {
      const analyzer = await FaceAnalyzer.create({ tiling });
      const found = buckets.map(() => 0), same = buckets.map(() => 0), total = buckets.map(() => 0);
      let falseDetections = 0, ms = 0;
      for (const p of photos) {
        const bytes = await Deno.readFile(`${dir}/${p.file}`);
        const t = performance.now();
        const img = await decodeImage(bytes, { maxSide: MAX_SIDE });
        const faces = await analyzer.analyze(img, () => decodeImage(bytes));
        ms += performance.now() - t;
        for (const f of p.faces) {
          const b = bucketOf(f.square.side);
          total[b]++;
          const hit = faces.find((d) => matchesFace(d.box, f));
          if (!hit) continue;
          found[b]++;
          const r = refs.get(f.reference);
          let dot = 0;
          for (let i = 0; r && i < r.length; i++) dot += r[i] * hit.embedding[i];
          if (r && 1 - dot <= THRESHOLD) same[b]++;
        }
        falseDetections += faces.filter((d) => !p.faces.some((f) => matchesFace(d.box, f))).length;
      }
      await analyzer.release();
      const row = {
        tiling,
        buckets: buckets.map((_, i) => ({
          side: label(i),
          faces: total[i],
          found: found[i],
          recognised: same[i],
        })),
        falseDetections,
        msPerPhoto: ms / photos.length,
      };
      results.push(row);
      io.out(
        `tiling ${tiling.padEnd(4)}: ` +
          row.buckets.map((b) => `${b.side} found ${b.found}/${b.faces}, recognised ${b.recognised}`).join(
            "; ",
          ) +
          `; false detections ${falseDetections}; ${
            (ms / photos.length).toFixed(1)
          } ms/photo (decode + faces, 1 thread)`,
      );
    }
    await Deno.mkdir(new URL(".", `file://${outFile}`).pathname, { recursive: true });
    await Deno.writeTextFile(
      outFile,
      JSON.stringify({ photos: photos.length, size: "3000x2000", maxSide: MAX_SIDE, results }, null, 2),
    );
    io.out(`written: ${outFile}`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
