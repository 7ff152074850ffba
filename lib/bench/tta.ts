/**
 * `deno run -A lib/bench/tta.ts [--set lfw|pins] [--workers N] [--limit N]`: test-time
 * augmentation measured. Embeds a data set twice, into fresh stores, without and with TTA (the
 * views of lib/faces/tta.ts, each with its mirror, embedded in the same batch and combined), and prints per
 * pass: LFW 10-fold verification accuracy (pairs.txt), BCubed F1 of average linkage (LFW: the
 * people with 2+ photos; pins: all 48 people; photos without a face count as singletons), and
 * the embedder's time per face.
 *
 * LFW: the photos of pairs.txt and of the people with 2+ photos (the labelled face is the one
 * nearest the centre). pins: every photo, its largest face.
 *
 * `--set cost [--limit N]` measures only the embedder's time per face on one thread, the ways
 * interleaved (rounds alternate, so that other load on the machine hits them alike): each
 * aligned crop of the first N (default 300) LFW photos embedded alone, with its mirror in the
 * same batch, with its mirror as a second run, and as TTA embeds it (the crop and the zoomed-out
 * view, each with its mirror, in one batch); prints the median over rounds.
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { FaceAnalyzer } from "../faces/analyzer.ts";
import { alignFace, FaceEmbedder } from "../faces/embedder.ts";
import { TTA_ZOOMS } from "../faces/tta.ts";
import { flipHorizontal } from "../images/augment.ts";
import { decodeImage, type RgbImage } from "../images/decode.ts";
import { loadCatalogue, pipelineModels } from "../models/catalogue.ts";
import { ensureModels } from "../models/fetch.ts";
import { createSession } from "../models/session.ts";
import { median } from "../util/median.ts";
import { embedPhotos } from "../pipeline/embed_photos.ts";
import { LocalFolderSource } from "../sources/local.ts";
import type { ImageRef, ImageSource } from "../sources/types.ts";
import {
  averageLinkageScores,
  bestAndAt,
  largestFace,
  pickFaces,
  subset,
  THRESHOLDS,
  verification,
} from "./embed_eval.ts";
import { lfwOrSkip } from "../util/lfw_data.ts";
import { centreFace, parsePairs } from "./lfw_protocol.ts";

/** The flags of `deno run -A lib/bench/tta.ts`. */
export const TTA_BENCH_COMMAND = defineCommand({
  name: "deno run -A lib/bench/tta.ts",
  summary:
    "Benchmark: test-time augmentation (mirrored faces averaged) against none, on LFW or pins, or its cost",
  flags: {
    set: {
      type: "enum",
      choices: ["lfw", "pins", "cost"],
      default: "lfw",
      help: "lfw: verification and clustering; pins: clustering; cost: time per face",
    },
    workers: {
      type: "integer",
      min: 0,
      placeholder: "n",
      defaultText: "the pipeline's",
      help: "face workers",
    },
    limit: { type: "integer", min: 1, placeholder: "n", defaultText: "all (cost: 300)", help: "photos" },
    rounds: { type: "integer", min: 1, placeholder: "r", defaultText: "6", help: "timing rounds (cost)" },
    data: { type: "path", placeholder: "dir", defaultText: "the data set's folder", help: "the data set" },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(TTA_BENCH_COMMAND, args, io, async (v, io) => {
    const set = v.set;
    if (set === "cost") {
      const root = await lfwOrSkip(v.data);
      if (!root) return 0;
      await measureCost(root, v.limit ? Number(v.limit) : 300, v.rounds ? Number(v.rounds) : 6);
      return 0;
    }

    /** The embedder's ms per face, alone and with the mirror, interleaved rounds (see the module doc). */
    async function measureCost(root: string, photos: number, rounds: number): Promise<void> {
      const analyzer = await FaceAnalyzer.create({ thumbnailSize: 0, log: () => {} });
      const crops: RgbImage[] = [], zoomed: RgbImage[] = [];
      const src = new LocalFolderSource(`${root}/images_deepfunneled`);
      for await (const r of src.list()) {
        if (crops.length >= photos) break;
        const img = await decodeImage(await src.read(r));
        const faces = await analyzer.analyze(img);
        const i = centreFace(faces.map((f) => [f.box.x, f.box.y, f.box.w, f.box.h]), img.width, img.height);
        if (i >= 0) {
          crops.push(alignFace(img, faces[i].landmarks));
          zoomed.push(alignFace(img, faces[i].landmarks, 112, TTA_ZOOMS[1]));
        }
      }
      await analyzer.release();
      const spec = pipelineModels(await loadCatalogue()).embedder;
      const session = await createSession((await ensureModels([spec])).get(spec.id)!);
      const embedder = new FaceEmbedder(spec, session);
      // Alone; with the mirror in one batch; with the mirror as a second single run; TTA as it is
      // now (the crop and the zoomed-out view, each with its mirror, in one batch).
      const ways = [
        (k: number) => embedder.embed([crops[k]]),
        (k: number) => embedder.embedWithMirror([crops[k]]),
        async (
          k: number,
        ) => (await embedder.embed([crops[k]]), await embedder.embed([flipHorizontal(crops[k])])),
        (k: number) => embedder.embedViews([[crops[k]], [zoomed[k]]]),
      ];
      const ms: number[][] = ways.map(() => []);
      for (let k = 0; k < rounds; k++) {
        const order = k % 2 === 0 ? [0, 1, 2, 3] : [3, 2, 1, 0];
        for (const w of order) {
          const t = performance.now();
          for (let c = 0; c < crops.length; c++) await ways[w](c);
          ms[w].push((performance.now() - t) / crops.length);
        }
      }
      await session.session.release();
      const [a, b, c, d] = ms.map(median);
      const rows = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(" ");
      io.out(
        `embedder, one thread, ${crops.length} faces, ${rounds} rounds (median ms/face): alone ${
          a.toFixed(2)
        }, ` +
          `TTA (crop and mirror in one batch) ${b.toFixed(2)} (x${(b / a).toFixed(2)}), ` +
          `crop and mirror as two single runs ${c.toFixed(2)} (x${(c / a).toFixed(2)}), ` +
          `TTA views (crop and zoomed-out crop, each with its mirror, one batch) ${d.toFixed(2)} (x${
            (d / a).toFixed(2)
          }); per round: ${rows(ms[0])} | ${rows(ms[1])} | ${rows(ms[2])} | ${rows(ms[3])}`,
      );
    }

    /** A source over the listed files that `keep` accepts, at most `limit`. */
    function filtered(base: ImageSource, keep: (r: ImageRef) => boolean, limit: number): ImageSource {
      return {
        description: base.description,
        async *list(signal?: AbortSignal) {
          let n = 0;
          for await (const r of base.list(signal)) {
            if (!keep(r)) continue;
            if (n++ >= limit) break;
            yield r;
          }
        },
        read: base.read.bind(base),
      };
    }

    const limit = v.limit ? Number(v.limit) : Infinity;
    let source: ImageSource;
    let pairs: ReturnType<typeof parsePairs> = [];
    let twoPlus = (_: string) => true;
    if (set === "lfw") {
      const root = await lfwOrSkip(v.data);
      if (!root) return 0;
      pairs = parsePairs(await Deno.readTextFile(`${root}/pairs.txt`));
      const inPairs = new Set(pairs.flatMap((p) => [p.a, p.b]));
      const perPerson = new Map<string, number>();
      const base = new LocalFolderSource(`${root}/images_deepfunneled`, { labelsFromFolders: true });
      for await (const r of base.list()) {
        const person = r.path.split("/")[0];
        perPerson.set(person, (perPerson.get(person) ?? 0) + 1);
      }
      twoPlus = (path) => (perPerson.get(path.split("/")[0]) ?? 0) >= 2;
      source = filtered(base, (r) => inPairs.has(r.path) || twoPlus(r.path), limit);
    } else {
      const root = v.data ?? new URL("../../../shared/datasets/pins/images", import.meta.url).pathname;
      if (!(await Deno.stat(root).then(() => true, () => false))) {
        io.out(`skipped: the pins data set is not at ${root} (see ../shared/datasets/README.md)`);
        return 0;
      }
      source = filtered(new LocalFolderSource(root, { labelsFromFolders: true }), () => true, limit);
    }

    const f4 = (n: number) => n.toFixed(4);
    for (const tta of [false, true]) {
      const storeDir = await Deno.makeTempDir({ prefix: `tta-store-${tta ? "on" : "off"}-` });
      try {
        const res = await embedPhotos(source, {
          storeDir,
          tta,
          aligned: "off",
          thumbnailSize: 0,
          workers: v.workers,
          progress: false,
        });
        const picked = await pickFaces(res, set === "lfw" ? centreFace : largestFace);
        const line = [
          `${set} tta ${tta ? "on " : "off"}: ${res.photos.length} photos, ${picked.faces} faces`,
        ];
        if (set === "lfw" && limit === Infinity) {
          const ver = verification(picked, pairs);
          line.push(
            `verification ${(100 * ver.mean).toFixed(2)}% ± ${
              (100 * ver.std).toFixed(2)
            } (${ver.missing} pairs missing a face)`,
          );
        }
        const clusterSet = subset(picked, twoPlus, res.photos.map((p) => p.ref.path));
        const { best, at } = bestAndAt(await averageLinkageScores(clusterSet, THRESHOLDS), 0.55);
        line.push(
          `BCubed F1 (${clusterSet.photos} photos, ${new Set(clusterSet.allLabels).size} people) ` +
            `best ${f4(best.bcubedF1)} at ${best.threshold}, ${f4(at.bcubedF1)} at ${at.threshold}`,
        );
        const t = res.timings;
        line.push(
          `embedder ${(1000 * t.embed / picked.faces).toFixed(2)} ms/face, whole face stage ` +
            `${
              (1000 * (t.decode + t.detect + t.landmarks + t.align + t.embed) / res.photos.length).toFixed(2)
            } ` +
            `ms/photo (summed over workers), wall ${t.total.toFixed(1)} s`,
        );
        io.out(line.join(", "));
      } finally {
        await Deno.remove(storeDir, { recursive: true });
      }
    }
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
