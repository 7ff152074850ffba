/**
 * Training data without labels (issue 15): every face found in a set of photos is an identity
 * of its own, its positives are augmented views of it (./views.ts: jittered alignment,
 * occlusion, colour, blur, mirror) pushed through the repository's embedder, and the faces of
 * one photo are cannot-link pairs (two faces of one photo are two people).
 *
 * Photos are analysed by the default pipeline's models (detector, landmarks, embedder: the
 * model catalogue, weights fetched and checked on first use as `deno task models` does); the
 * views are embedded in batches. A photo that cannot be read or decoded is reported and skipped.
 * @module
 */
import { ToolkitError } from "../../errors.ts";
import { FaceAnalyzer } from "../../faces/analyzer.ts";
import { FaceEmbedder } from "../../faces/embedder.ts";
import { decodeImage, type RgbImage } from "../../images/decode.ts";
import { type Catalogue, loadCatalogue, pipelineModels } from "../../models/catalogue.ts";
import { ensureModels } from "../../models/fetch.ts";
import { createSession, type Device } from "../../models/session.ts";
import { seededRandom } from "../../util/random.ts";
import type { TrainingSet } from "../types.ts";
import type { SourceResult } from "./labels.ts";
import { renderView, sampleView, type ViewOptions, type ViewRecipe } from "./views.ts";

/** One photo to learn from. */
export interface PhotoInput {
  /** Path (for messages and names). */
  path: string;
  /** Its bytes, or a way to read them (default: read `path`). */
  read?: () => Promise<Uint8Array>;
}

/** Augmented views per face when {@link AugmentedOptions.views} is not given. */
export const DEFAULT_VIEWS = 3;

/** Options of {@link augmentedTrainingSet}. */
export interface AugmentedOptions {
  /** Augmented views per face (besides the face as found). @default DEFAULT_VIEWS */
  views?: number;
  /** Seed of the views. @default 1 */
  seed?: number;
  /** How views are drawn. */
  view?: ViewOptions;
  /** Crops per embedder batch. @default 32 */
  batch?: number;
  /** Most faces taken per photo (largest first). @default 8 */
  maxFacesPerPhoto?: number;
  /** Longest side photos are decoded at. @default 1280 */
  maxSide?: number;
  /** Inference device. @default "cpu" */
  device?: Device;
  /** Catalogue pipeline. @default "default" */
  pipeline?: string;
  /** Model catalogue. @default the toolkit's (models/catalogue.json) */
  catalogue?: Catalogue;
  /** Receives a progress line every `progressEvery` photos and at the end. */
  onProgress?: (line: string, done: number, total: number) => void;
  /** @default 100 */
  progressEvery?: number;
  /** Where the rows came from, for the model card. */
  origin?: string;
}

/** What the augmented source made, besides the set. */
export interface AugmentedResult extends SourceResult {
  /** Per training row: the photo's index in the input, the face index, and the view (0: as found). */
  origin: { photo: Int32Array; face: Int32Array; view: Int32Array };
  /** The recipe of each augmented row (undefined for rows as found). */
  recipes: (ViewRecipe | undefined)[];
  /** Photos, faces, rows and seconds. */
  counts: { photos: number; faces: number; rows: number; seconds: number };
}

/**
 * The faces of `photos` and `views` augmented views of each, embedded: a {@link TrainingSet}
 * with one identity per face (its views share it) and the faces of one photo as cannot-link
 * pairs (see the module doc).
 */
export async function augmentedTrainingSet(
  photos: readonly PhotoInput[],
  opts: AugmentedOptions = {},
): Promise<AugmentedResult> {
  const t0 = performance.now();
  const views = opts.views ?? DEFAULT_VIEWS, every = opts.progressEvery ?? 100;
  if (!Number.isInteger(views) || views < 0) {
    throw new RangeError(`views must be an integer >= 0, got ${views}`);
  }
  const cat = opts.catalogue ?? await loadCatalogue();
  const pipeline = opts.pipeline ?? "default";
  const analyzer = await FaceAnalyzer.create({
    catalogue: cat,
    pipeline,
    device: opts.device,
    thumbnailSize: 0,
    batchSize: opts.batch ?? 32,
  });
  const spec = pipelineModels(cat, pipeline).embedder;
  const paths = await ensureModels([spec]);
  const session = await createSession(paths.get(spec.id)!, { device: opts.device ?? "cpu", threads: 1 });
  const embedder = new FaceEmbedder(spec, session, opts.batch ?? 32);
  const size = embedder.inputSize, dim = embedder.dim;
  const random = seededRandom(opts.seed ?? 1);
  const chunks: Float32Array[] = [];
  const labels: number[] = [], rowPhoto: number[] = [], rowFace: number[] = [], rowView: number[] = [];
  const recipes: (ViewRecipe | undefined)[] = [];
  const pa: number[] = [], pb: number[] = [];
  const warnings: string[] = [];
  const names: string[] = [];
  let faces = 0;
  try {
    for (let p = 0; p < photos.length; p++) {
      try {
        const ph = photos[p];
        let img: RgbImage;
        try {
          const bytes = ph.read ? await ph.read() : await Deno.readFile(ph.path);
          img = await decodeImage(bytes, { name: ph.path, maxSide: opts.maxSide ?? 1280 });
        } catch (e) {
          warnings.push(`${ph.path}: ${(e as Error).message}; skipped`);
          continue;
        }
        const full = img.scale && img.scale > 1
          ? async () =>
            await decodeImage(ph.read ? await ph.read() : await Deno.readFile(ph.path), { name: ph.path })
          : undefined;
        let found;
        try {
          found = await analyzer.analyze(img, full, ph.path);
        } catch (e) {
          warnings.push(`${ph.path}: ${(e as Error).message}; skipped`);
          continue;
        }
        found = found.map((f, i) => ({ f, i })).sort((a, b) => b.f.box.w * b.f.box.h - a.f.box.w * a.f.box.h)
          .slice(0, opts.maxFacesPerPhoto ?? 8);
        const src = full && found.some((x) => x.f.box.w < size) ? await full() : img;
        const srcScale = src.scale ?? 1;
        const firstRows: number[] = [];
        const crops: RgbImage[] = [];
        for (const { f, i } of found) {
          const id = names.length;
          names.push(`${ph.path}#${i}`);
          faces++;
          firstRows.push(labels.length);
          labels.push(id), rowPhoto.push(p), rowFace.push(i), rowView.push(0), recipes.push(undefined);
          // Landmarks are in original-photo pixels; the crop is cut from `src`.
          const lm = Array.from(f.landmarks, (v) => v / srcScale);
          for (let k = 1; k <= views; k++) {
            const recipe = sampleView(random, size, opts.view);
            crops.push(renderView(src, lm, recipe, size));
            labels.push(id), rowPhoto.push(p), rowFace.push(i), rowView.push(k), recipes.push(recipe);
          }
        }
        for (let a = 0; a < firstRows.length; a++) {
          for (let b = a + 1; b < firstRows.length; b++) pa.push(firstRows[a]), pb.push(firstRows[b]);
        }
        // Rows in order: a face as found, its views, the next face, ...
        const vecs = crops.length > 0 ? await embedder.embed(crops) : new Float32Array(0);
        found.forEach(({ f }, j) => {
          chunks.push(f.embedding);
          for (let v = 0; v < views; v++) {
            chunks.push(vecs.subarray((j * views + v) * dim, (j * views + v + 1) * dim));
          }
        });
      } finally {
        if ((p + 1) % every === 0 || p + 1 === photos.length) {
          opts.onProgress?.(
            `augmented: ${p + 1}/${photos.length} photos, ${faces} faces, ${labels.length} rows, ${
              ((performance.now() - t0) / 1000).toFixed(0)
            } s`,
            p + 1,
            photos.length,
          );
        }
      }
    }
  } finally {
    await analyzer.release();
    await session.session.release();
  }
  if (chunks.length !== labels.length) {
    throw new ToolkitError(`augmented source: ${chunks.length} vectors for ${labels.length} rows`);
  }
  const vectors = new Float32Array(labels.length * dim);
  chunks.forEach((c, i) => vectors.set(c, i * dim));
  const set: TrainingSet = {
    vectors,
    dim,
    labels: Int32Array.from(labels),
    origin: opts.origin ??
      `augmented: ${photos.length} photos, ${views} views per face, seed ${opts.seed ?? 1}`,
    ...(pa.length
      ? { pairs: { a: Uint32Array.from(pa), b: Uint32Array.from(pb), same: new Uint8Array(pa.length) } }
      : {}),
  };
  return {
    set,
    rows: Uint32Array.from(labels, (_, i) => i),
    names,
    warnings,
    origin: {
      photo: Int32Array.from(rowPhoto),
      face: Int32Array.from(rowFace),
      view: Int32Array.from(rowView),
    },
    recipes,
    counts: { photos: photos.length, faces, rows: labels.length, seconds: (performance.now() - t0) / 1000 },
  };
}
