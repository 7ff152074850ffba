/**
 * `deno run -A lib/bench/aligned_crops.ts [--out DIR] [--limit N]`: are already aligned face
 * crops better embedded directly than through detection and re-alignment? Makes aligned
 * 112x112 PNG crops of LFW (the people with 2+ photos; the face nearest the centre, aligned
 * with the pipeline's own 5-point alignment) into a temporary folder (never the repository),
 * then embeds that folder both ways into fresh stores: `aligned: "off"` (detector, landmarks,
 * re-alignment of each crop) and `aligned: "auto"` (which must recognise the folder; each crop
 * embedded as it is). Prints, per way: crops without a detected face, and BCubed F1 of average
 * linkage at 0.55 (the default), 0.80 and the best threshold (crops without a face count as
 * singleton clusters).
 * @module
 */
import sharp from "sharp";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { alignFace } from "../faces/embedder.ts";
import { decodeImage } from "../images/decode.ts";
import { cacheDir } from "../util/cache_dir.ts";
import { embedPhotos, type EmbedResult } from "../pipeline/embed_photos.ts";
import { LocalFolderSource } from "../sources/local.ts";
import type { ImageRef, ImageSource } from "../sources/types.ts";
import { averageLinkageScores, bestAndAt, largestFace, pickFaces, THRESHOLDS } from "./embed_eval.ts";
import { lfwOrSkip } from "../util/lfw_data.ts";
import { centreFace } from "./lfw_protocol.ts";

/** The flags of `deno run -A lib/bench/aligned_crops.ts`. */
export const ALIGNED_CROPS_COMMAND = defineCommand({
  name: "deno run -A lib/bench/aligned_crops.ts",
  summary: "Benchmark: LFW's aligned 112x112 crops embedded directly against detection and re-alignment",
  flags: {
    out: {
      type: "path",
      placeholder: "dir",
      defaultText: "a temporary folder, removed",
      help: "where the crops go",
    },
    limit: { type: "integer", min: 1, placeholder: "n", defaultText: "all", help: "only the first n photos" },
    data: { type: "path", placeholder: "dir", defaultText: "../shared/datasets/lfw", help: "the LFW folder" },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(ALIGNED_CROPS_COMMAND, args, io, async (v, io) => {
    const root = await lfwOrSkip(v.data);
    if (!root) return 0;
    const limit = v.limit ? Number(v.limit) : Infinity;
    const cropsDir = v.out ?? await Deno.makeTempDir({ prefix: "lfw-aligned-crops-" });

    // 1. The photos of people with 2+ photos, through the pipeline (store reused between runs).
    const base = new LocalFolderSource(`${root}/images_deepfunneled`, { labelsFromFolders: true });
    const perPerson = new Map<string, number>();
    for await (const r of base.list()) {
      const person = r.path.split("/")[0];
      perPerson.set(person, (perPerson.get(person) ?? 0) + 1);
    }
    const photos: ImageSource = {
      description: base.description,
      async *list(signal?: AbortSignal) {
        let n = 0;
        for await (const r of base.list(signal)) {
          if ((perPerson.get(r.path.split("/")[0]) ?? 0) < 2) continue;
          if (n++ >= limit) break;
          yield r;
        }
      },
      read: base.read.bind(base),
    };
    const viaPhotos = await embedPhotos(photos, {
      storeDir: `${cacheDir()}/store`,
      aligned: "off",
      progress: false,
    });

    // 2. Aligned crops of the labelled face of each photo.
    let written = 0;
    for (const p of viaPhotos.photos) {
      const rec = p.record;
      if (!rec || rec.error || p.failure) continue;
      const i = centreFace(rec.faces.map((f) => f.box), rec.width!, rec.height!);
      if (i < 0) continue;
      const img = await decodeImage(await base.read(p.ref as ImageRef), { name: p.ref.path });
      const crop = alignFace(img, Float32Array.from(rec.faces[i].landmarks));
      const file = `${cropsDir}/${p.ref.path.replace(/\.[^.]+$/, ".png")}`;
      await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
      await sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: 3 } }).png().toFile(
        file,
      );
      written++;
    }
    io.out(`${written} aligned 112x112 crops of ${viaPhotos.photos.length} photos written to ${cropsDir}`);

    // 3. The crops both ways.
    const f4 = (n: number) => n.toFixed(4);
    async function measure(name: string, res: EmbedResult, pick: typeof centreFace = largestFace) {
      const picked = await pickFaces(res, pick);
      const scores = await averageLinkageScores(picked, [...THRESHOLDS, 0.8]);
      const { best } = bestAndAt(scores, 0.55);
      const at = (t: number) => scores.find((s) => Math.abs(s.threshold - t) < 1e-9)!;
      io.out(
        `${name}: ${picked.photos} crops, ${picked.photos - picked.paths.length} without a face, ` +
          `mode ${res.options.aligned} (${res.options.alignedRule}); average linkage BCubed F1 ` +
          `${f4(at(0.55).bcubedF1)} at 0.55, ${f4(at(0.8).bcubedF1)} at 0.80, best ${
            f4(best.bcubedF1)
          } at ${best.threshold}; ` +
          `${res.computed} analysed in ${res.timings.total.toFixed(1)} s wall`,
      );
    }
    const crops = new LocalFolderSource(cropsDir, { labelsFromFolders: true });
    for (const aligned of ["off", "auto"] as const) {
      const storeDir = await Deno.makeTempDir({ prefix: `aligned-store-${aligned}-` });
      try {
        const res = await embedPhotos(crops, { storeDir, aligned, thumbnailSize: 0, progress: false });
        await measure(aligned === "off" ? "detection + re-alignment" : "direct (aligned auto)", res);
      } finally {
        await Deno.remove(storeDir, { recursive: true });
      }
    }
    await measure("the photos themselves (for reference)", viaPhotos, centreFace);
    if (!v.out) await Deno.remove(cropsDir, { recursive: true });
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
