/**
 * Folders of faces that are already aligned crops (112x112, as many data sets and other tools
 * write them): recognising them, and turning one such image into the embedder's input without
 * detection or re-alignment.
 * @module
 */
import sharp from "sharp";
import { ToolkitError } from "../errors.ts";
import type { RgbImage } from "../images/decode.ts";
import { storedImageSize, type StoredSize } from "../images/image_size.ts";
import { rectToSize, warpAffine } from "../images/warp.ts";
import { TEMPLATE_112 } from "./align.ts";

/**
 * How images are taken: `on`, every image is an aligned face crop (embedded directly, no
 * detection); `off`, every image is a photo (detection, landmarks, alignment); `auto`, `on` when
 * a sample of the listed images are (nearly) all squares of the embedder's input size.
 */
export type AlignedMode = "auto" | "on" | "off";

/** Whether `v` names an {@link AlignedMode}. */
export function isAlignedMode(v: unknown): v is AlignedMode {
  return v === "auto" || v === "on" || v === "off";
}

/** Images sampled from a listing to decide `auto` (evenly spread over the listing). */
export const ALIGNED_SAMPLE = 64;

/** Share of the readable sampled images that must be aligned-size squares for `auto` to say yes. */
export const ALIGNED_MIN_SHARE = 0.9;

/** The decision of {@link decideAligned}. */
export interface AlignedDecision {
  /** Whether the images are taken as aligned crops. */
  aligned: boolean;
  /** Sampled images whose size could be read. */
  readable: number;
  /** Of those, squares of exactly the input size. */
  matching: number;
  /** One line for logs and reports, e.g. `auto: 64 of 64 sampled images are 112x112`. */
  reason: string;
}

/**
 * Decides `auto`: aligned when at least {@link ALIGNED_MIN_SHARE} of the sampled sizes that could
 * be read (undefined = unreadable, not counted) are `inputSize` squares. A folder of crops with a
 * stray file or two still counts; a folder of photos, where such squares are rare, does not; no
 * readable sample means photos.
 */
export function decideAligned(
  sizes: readonly (StoredSize | undefined)[],
  inputSize: number,
): AlignedDecision {
  const known = sizes.filter((s): s is StoredSize => s !== undefined);
  const matching = known.filter((s) => s.width === inputSize && s.height === inputSize).length;
  const aligned = known.length > 0 && matching >= ALIGNED_MIN_SHARE * known.length;
  return {
    aligned,
    readable: known.length,
    matching,
    reason: `auto: ${matching} of ${known.length} sampled images are ${inputSize}x${inputSize}`,
  };
}

/** Up to `n` indices spread evenly over `0..count-1` (all of them when `count <= n`), ascending. */
export function sampleIndices(count: number, n = ALIGNED_SAMPLE): number[] {
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: n }, (_, i) => Math.floor(((i + 0.5) * count) / n));
}

/**
 * The stored size of an image file: from the JPEG or PNG header, else from sharp's metadata
 * (other formats); undefined when neither can read it.
 */
export async function imageFileSize(bytes: Uint8Array): Promise<StoredSize | undefined> {
  const s = storedImageSize(bytes);
  if (s) return s;
  try {
    const m = await sharp(bytes).metadata();
    return m.width && m.height ? { width: m.width, height: m.height } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether an image of this size can be taken as an aligned crop for an `inputSize` embedder:
 * square within 5% and between half and four times the input size (an aligned crop saved at
 * another resolution); anything else is a photo, not a crop.
 */
export function isCropSize(width: number, height: number, inputSize: number): boolean {
  const long = Math.max(width, height), short = Math.min(width, height);
  return long - short <= 0.05 * long && short >= inputSize / 2 && long <= 4 * inputSize;
}

/**
 * The embedder's input from an aligned crop: the image itself when it is `inputSize` square,
 * else resized to it (supersampled when shrinking). Throws a {@link ToolkitError} naming `name`
 * when the image is not crop-sized ({@link isCropSize}).
 */
export function alignedCrop(img: RgbImage, inputSize: number, name = "image"): RgbImage {
  if (img.width === inputSize && img.height === inputSize) return img;
  if (!isCropSize(img.width, img.height, inputSize)) {
    throw new ToolkitError(
      `${name}: ${img.width}x${img.height} is not an aligned face crop (aligned mode takes squares of ` +
        `${inputSize / 2} to ${
          4 * inputSize
        } px, ideally ${inputSize}x${inputSize}); use --aligned off for photos`,
    );
  }
  return warpAffine(
    img,
    rectToSize(0, 0, img.width, img.height, inputSize, inputSize),
    inputSize,
    inputSize,
  );
}

/** The 5 landmarks an aligned crop of `width` x `height` has by construction (the template, scaled). */
export function templateLandmarks(width: number, height: number): Float32Array {
  return Float32Array.from(TEMPLATE_112, (v, i) => v * (i % 2 === 0 ? width : height) / 112);
}

/**
 * {@link decideAligned} on the sizes of up to `n` of `refs` spread over the listing, read with
 * `read` (a file that cannot be read or sized does not count).
 */
export async function sampleAligned<R>(
  refs: readonly R[],
  read: (ref: R) => Promise<Uint8Array>,
  inputSize: number,
  n = ALIGNED_SAMPLE,
): Promise<AlignedDecision> {
  const sizes = await Promise.all(
    sampleIndices(refs.length, n).map((i) => read(refs[i]).then(imageFileSize, () => undefined)),
  );
  return decideAligned(sizes, inputSize);
}
