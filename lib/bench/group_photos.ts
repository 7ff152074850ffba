/**
 * Synthetic group photos for measuring small-face detection: LFW faces of distinct people (each
 * with another photo of them kept aside as a reference) pasted
 * at known places and sizes (log-uniform between `minFace` and `maxFace` pixels) onto a large,
 * smooth, face-free background, written as JPEGs with a `truth.json` describing every face.
 * Deterministic for a seed; made once into a cache folder, never into the repository.
 * @module
 */
import sharp from "sharp";
import type { Box } from "../faces/types.ts";
import { seededRandom, shuffleInPlace } from "../util/random.ts";

/** One pasted face. */
export interface PastedFace {
  /** LFW person. */
  person: string;
  /** LFW file the face came from, relative to the data set's image folder. */
  source: string;
  /** Another LFW photo of the same person, to check that the pasted face is recognised. */
  reference: string;
  /** The pasted square in photo pixels (the face fills about its middle 70%). */
  square: { x: number; y: number; side: number };
}

/** One synthetic group photo. */
export interface GroupPhoto {
  /** File name in the output folder. */
  file: string;
  /** Photo size. */
  width: number;
  /** Photo size. */
  height: number;
  /** The faces pasted into it. */
  faces: PastedFace[];
}

/** Options of {@link makeGroupPhotos}. */
export interface GroupPhotoOptions {
  /** Number of photos. @default 20 */
  count?: number;
  /** Photo width. @default 3000 */
  width?: number;
  /** Photo height. @default 2000 */
  height?: number;
  /** Grid of face slots per photo (one face per cell). @default [6, 3] */
  grid?: [number, number];
  /** Smallest pasted square side. @default 40 */
  minFace?: number;
  /** Largest pasted square side. @default 260 */
  maxFace?: number;
  /** Seed. @default 1 */
  seed?: number;
}

/**
 * Makes (or reuses, when `truth.json` exists with the same options) the group photos in `outDir`
 * from the LFW image folder `lfwImages` (`<Person>/<Person>_NNNN.jpg`). Returns the truth.
 */
export async function makeGroupPhotos(
  lfwImages: string,
  outDir: string,
  opts: GroupPhotoOptions = {},
): Promise<GroupPhoto[]> {
  const o = {
    count: opts.count ?? 20,
    width: opts.width ?? 3000,
    height: opts.height ?? 2000,
    grid: opts.grid ?? [6, 3] as [number, number],
    minFace: opts.minFace ?? 40,
    maxFace: opts.maxFace ?? 260,
    seed: opts.seed ?? 1,
    version: 2,
  };
  const truthFile = `${outDir}/truth.json`;
  try {
    const saved = JSON.parse(await Deno.readTextFile(truthFile));
    if (JSON.stringify(saved.options) === JSON.stringify(o)) return saved.photos as GroupPhoto[];
  } catch { /* make them */ }
  await Deno.mkdir(outDir, { recursive: true });
  const random = seededRandom(o.seed);
  // People with 2+ photos: one is pasted, another is the reference.
  const photosOf = new Map<string, string[]>();
  for (const e of Deno.readDirSync(lfwImages)) {
    if (!e.isDirectory) continue;
    const files = [...Deno.readDirSync(`${lfwImages}/${e.name}`)].map((f) => f.name).filter((n) =>
      n.endsWith(".jpg")
    );
    if (files.length >= 2) photosOf.set(e.name, files.sort());
  }
  const people = [...photosOf.keys()].sort();
  shuffleInPlace(people, random);
  const [cols, rows] = o.grid;
  const cellW = Math.floor(o.width / cols), cellH = Math.floor(o.height / rows);
  const photos: GroupPhoto[] = [];
  let next = 0;
  for (let p = 0; p < o.count; p++) {
    const faces: PastedFace[] = [];
    const overlays: sharp.OverlayOptions[] = [];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const person = people[next++ % people.length];
        const files = photosOf.get(person)!;
        const source = `${person}/${files[0]}`, reference = `${person}/${files[1]}`;
        const side = Math.round(o.minFace * (o.maxFace / o.minFace) ** random());
        const x = c * cellW + Math.floor(random() * Math.max(1, cellW - side));
        const y = r * cellH + Math.floor(random() * Math.max(1, cellH - side));
        // The middle 150x150 of a deep-funneled LFW photo: the face with a little context.
        const input = await sharp(`${lfwImages}/${source}`)
          .extract({ left: 50, top: 50, width: 150, height: 150 })
          .resize(side, side, { kernel: "lanczos3" })
          .toBuffer();
        overlays.push({ input, left: x, top: y });
        faces.push({ person, source, reference, square: { x, y, side } });
      }
    }
    // A smooth, colourful, face-free background: a few random colours blown up and blurred.
    const seedPixels = Uint8Array.from({ length: 8 * 6 * 3 }, () => 40 + random() * 180);
    const background = await sharp(seedPixels, { raw: { width: 8, height: 6, channels: 3 } })
      .resize(o.width, o.height, { kernel: "cubic", fit: "fill" })
      .blur(20)
      .raw()
      .toBuffer();
    const file = `group-${String(p).padStart(3, "0")}.jpg`;
    await sharp(background, { raw: { width: o.width, height: o.height, channels: 3 } })
      .composite(overlays)
      .jpeg({ quality: 90 })
      .toFile(`${outDir}/${file}`);
    photos.push({ file, width: o.width, height: o.height, faces });
  }
  await Deno.writeTextFile(truthFile, JSON.stringify({ options: o, photos }, null, 1));
  return photos;
}

/**
 * Whether a detected box is the pasted face: its centre within a quarter side of the square's
 * centre, and its width between 0.35 and 1.1 sides.
 */
export function matchesFace(box: Box, f: PastedFace): boolean {
  const { x, y, side } = f.square;
  const cx = box.x + box.w / 2, cy = box.y + box.h / 2;
  return Math.abs(cx - (x + side / 2)) <= side / 4 && Math.abs(cy - (y + side / 2)) <= side / 4 &&
    box.w >= 0.35 * side && box.w <= 1.1 * side;
}
