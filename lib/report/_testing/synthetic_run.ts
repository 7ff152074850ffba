/**
 * Seeded synthetic run folders (as `deno task run` writes them) for tests and for measuring
 * large reports: clustered embeddings, labelled faces with drawn thumbnails, cluster labels
 * with a few deliberate merges and splits, and optionally hostile file names.
 * Run `deno run -A lib/report/_testing/synthetic_run.ts OUT_DIR [FACES] [PEOPLE]` to write one.
 * @module
 */
import { Buffer } from "node:buffer";
import { join } from "node:path";
import sharp from "sharp";
import { syntheticClusters } from "../../graph/_testing/synthetic.ts";
import { type FaceMeta, writeEmbeddingSet } from "../../store/embedding_set.ts";
import { seededRandom } from "../../util/random.ts";
import { writeErrorsCsv } from "../../run/csv.ts";
import { runPath } from "../../run/files.ts";
import { writeRunLabels } from "../../run/labels.ts";
import { writeRunJson } from "../../run/run_json.ts";
import { palette } from "./sample.ts";
import { runCommand } from "../../flags/command.ts";
import type { CommandIo } from "../../flags/io.ts";
import { defineCommand } from "../../flags/types.ts";

/** File and folder names that must come out as text, never markup. */
export const HOSTILE_NAMES = {
  file: "<img src=x onerror=alert(1)>.jpg",
  folder: `"quotes" & 'apostrophes' <b>bold</b>`,
  script: "</script><script>alert(2)</script>.jpg",
} as const;

/** Shape of a synthetic run. */
export interface SyntheticRunOptions {
  /** Faces (default 300). */
  faces?: number;
  /** People (default 30). */
  people?: number;
  /** Embedding size (default 64). */
  dim?: number;
  /** Share of faces that are isolated (default 0.08). */
  noise?: number;
  /** Spread of a person's faces (default 0.75). */
  spread?: number;
  /** Seed (default 1). */
  seed?: number;
  /** Give some files hostile names, links and errors (default false). */
  hostile?: boolean;
  /** Thumbnail edge (default 96; 0 for no thumbnails). */
  thumb?: number;
}

/** A drawn face: a disc of the person's colour with eyes and a mouth, as JPEG. */
export async function drawnFace(rgb: [number, number, number], size = 96, variant = 0): Promise<Uint8Array> {
  const [r, g, b] = rgb;
  const eye = 30 + (variant % 3) * 3;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">` +
    `<rect width="96" height="96" fill="#eef1f4"/><circle cx="48" cy="50" r="36" fill="rgb(${r},${g},${b})"/>` +
    `<circle cx="${48 - eye / 2}" cy="42" r="5" fill="#1f2328"/><circle cx="${
      48 + eye / 2
    }" cy="42" r="5" fill="#1f2328"/>` +
    `<path d="M34 ${
      62 + (variant % 2) * 2
    } Q48 74 62 62" stroke="#1f2328" stroke-width="4" fill="none"/></svg>`;
  const buf: Buffer = await sharp(Buffer.from(svg)).resize(size, size).jpeg({ quality: 85 }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Writes a run folder to `dir`: `embeddings/` (vectors, faces with labels and thumbnails),
 * `labels.npy` (the truth, with the first few people merged in pairs and a few split, noise
 * alone), `run.json` and `errors.csv`.
 */
export async function writeSyntheticRun(dir: string, opts: SyntheticRunOptions = {}): Promise<void> {
  const n = opts.faces ?? 300, people = opts.people ?? 30, seed = opts.seed ?? 1;
  const { x, truth } = syntheticClusters({
    n,
    dim: opts.dim ?? 64,
    clusters: people,
    spread: opts.spread ?? 0.75,
    noiseShare: opts.noise ?? 0.08,
    seed,
  });
  const random = seededRandom(seed + 1);
  const name = (
    t: number,
  ) => (t < people ? `person_${String(t).padStart(4, "0")}` : `stranger_${t - people}`);
  const counts = new Map<number, number>();
  const faces: FaceMeta[] = Array.from(truth, (t, i) => {
    const k = counts.get(t) ?? 0;
    counts.set(t, k + 1);
    const folder = name(t);
    return {
      path: `${folder}/${folder}_${String(k + 1).padStart(4, "0")}.jpg`,
      face: 0,
      imageId: `img-${i}`,
      label: folder,
      box: [10, 12, 80, 80],
      score: 0.9 + random() * 0.1,
    };
  });
  // Predicted labels: the truth, with people 0+1 and 2+3 merged and person 4 split in two.
  const labels = Int32Array.from(truth, (t) => (t === 1 ? 0 : t === 3 ? 2 : t));
  let half = false;
  truth.forEach((t, i) => {
    if (t === 4 && (half = !half)) labels[i] = people + n; // a label no one else has
  });
  if (opts.hostile && n >= 4) {
    faces[0].path = `${HOSTILE_NAMES.folder}/${HOSTILE_NAMES.file}`;
    faces[1].path = HOSTILE_NAMES.script;
    faces[1].webUrl = "javascript:alert(3)";
    faces[2].webUrl = "https://drive.example.test/file/d/abc/view";
    for (const f of faces) if (f.label === faces[0].label) f.label = HOSTILE_NAMES.folder;
  }
  let thumbs: (Uint8Array | undefined)[] | undefined;
  const size = opts.thumb ?? 96;
  if (size > 0) {
    const colours = palette(24);
    const cache = new Map<number, Uint8Array>();
    thumbs = [];
    for (let i = 0; i < n; i++) {
      const key = (truth[i] * 29) % 72; // neighbouring people get distant colours
      if (!cache.has(key)) {
        const [r, g, b] = colours[key % 24];
        const shade = 1 - Math.floor(key / 24) * 0.25;
        cache.set(
          key,
          await drawnFace(
            [r * shade, g * shade, b * shade].map(Math.round) as [number, number, number],
            size,
            key,
          ),
        );
      }
      thumbs.push(cache.get(key));
    }
  }
  await writeEmbeddingSet(join(dir, "embeddings"), { x, faces }, thumbs);
  await writeRunLabels(dir, labels);
  const noFace = opts.hostile
    ? [{ path: `no-face/${HOSTILE_NAMES.file}` }, {
      path: "no-face/landscape.jpg",
      webUrl: "javascript:alert(4)",
    }]
    : [{ path: "no-face/landscape.jpg" }];
  await writeRunJson(dir, {
    title: opts.hostile ? `Synthetic <i>run</i> & "friends"` : "Synthetic run",
    source: `synthetic: ${n} faces of ${people} people, seed ${seed}`,
    models: ["synthetic"],
    createdAt: "2025-01-01T00:00:00.000Z",
    method: "agglomerative",
    params: { linkage: "average", threshold: 0.6, minClusterSize: 2 },
    faceOptions: { scoreThreshold: 0.65, minFaceSize: 20, tiling: opts.hostile ? "<b>auto</b>" : "auto" },
    images: n + noFace.length + 1,
    timings: { embed: 1.5, cluster: 0.2 },
    noFace,
    counts: { faces: n },
  });
  await writeErrorsCsv(runPath(dir, "errors"), [
    {
      path: opts.hostile ? `broken/${HOSTILE_NAMES.file}` : "broken/file.jpg",
      stage: "decode",
      message: "unsupported <format>",
    },
  ]);
}

/** The arguments of `deno run -A lib/report/_testing/synthetic_run.ts`. */
export const SYNTHETIC_RUN_COMMAND = defineCommand({
  name: "deno run -A lib/report/_testing/synthetic_run.ts",
  summary: "Write a seeded synthetic run folder (512-dimensional embeddings, drawn thumbnails) for reports",
  flags: {},
  positionals: {
    out: { type: "path", required: true, placeholder: "dir", help: "run folder to write" },
    faces: { type: "integer", min: 1, default: 300, help: "faces" },
    people: { type: "integer", min: 1, defaultText: "faces / 5", help: "people" },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(SYNTHETIC_RUN_COMMAND, args, io, async (v, io) => {
    await writeSyntheticRun(v.out, { faces: v.faces, people: v.people ?? Math.round(v.faces / 5), dim: 512 });
    io.out(`wrote ${v.out}`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
