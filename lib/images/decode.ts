/**
 * Decoding photos into 8-bit RGB pixels with sharp: EXIF orientation applied, grey, CMYK,
 * palette and alpha images turned into plain sRGB, and a pixel limit against decompression bombs.
 * @module
 */
import sharp from "sharp";
import { ToolkitError } from "../errors.ts";
import { decodeBmp, isBmp } from "./bmp.ts";
import { decodeHeic, isHeicNotAvif } from "./heic.ts";
import { storedImageSize } from "./image_size.ts";
import { encodeJpegSmall } from "./jpeg_encoder.ts";

// libvips's operation cache only helps when the same operation runs twice on the same input;
// here every photo is new, and the cache's hashing and locking cost about 9% of throughput with
// two face workers (measured with `deno task bench:throughput`).
sharp.cache(false);

/** An 8-bit RGB image, pixels interleaved row by row (`data[(y * width + x) * 3 + c]`). */
export interface RgbImage {
  /** Interleaved RGB bytes, length `width * height * 3`. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /**
   * Original pixels per pixel of this image (> 1 when decoded at reduced size); original
   * coordinates are these times `scale`. @default 1
   */
  scale?: number;
}

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Largest number of input pixels accepted (width x height). @default 100_000_000 */
  maxPixels?: number;
  /** Name of the file, for error messages. @default "image" */
  name?: string;
  /**
   * Decode at reduced size so that neither side exceeds this (JPEG shrink-on-load makes this
   * much faster than a full decode of a large photo); the result's `scale` says by how much.
   * @default no limit
   */
  maxSide?: number;
}

/** The default pixel limit: 100 megapixels. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/**
 * Decodes image bytes into RGB, applying the EXIF orientation and flattening transparency onto
 * white. The format is told by the bytes, not the name: JPEG, PNG, WebP, GIF, TIFF and AVIF by
 * sharp; HEIC (HEVC, which sharp's build lacks) by `heic-decode` ({@link decodeHeic}); BMP by
 * `bmp-ts` behind a header check ({@link decodeBmp}).
 * Throws a {@link ToolkitError} naming the file when the bytes are empty, not an image,
 * truncated, or over the pixel limit.
 *
 * @example
 * ```ts
 * const img = await decodeImage(await Deno.readFile("photo.jpg"), { name: "photo.jpg" });
 * ```
 */
export async function decodeImage(bytes: Uint8Array, opts: DecodeOptions = {}): Promise<RgbImage> {
  const name = opts.name ?? "image";
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (bytes.length === 0) throw new ToolkitError(`${name}: empty file`);
  // Pixels decoded outside sharp (BMP, HEIC) go through the same resizing and conversion.
  let raw: { data: Uint8Array; width: number; height: number; channels: 3 | 4 } | undefined;
  if (isBmp(bytes)) raw = decodeBmp(bytes, name, maxPixels);
  else if (isHeicNotAvif(bytes)) raw = { ...await decodeHeic(bytes, name, maxPixels), channels: 4 };
  try {
    let pipeline = raw
      ? sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } })
      : sharp(bytes, { limitInputPixels: maxPixels, failOn: "error" }).rotate();
    let scale = 1, longSide = 0;
    if (opts.maxSide) {
      // The long side is the same before and after EXIF rotation, so the stored size will do;
      // reading it from the header saves a libvips call for JPEG and PNG.
      const meta = raw ?? storedImageSize(bytes) ?? await pipeline.metadata();
      const w = meta.width ?? 0, h = meta.height ?? 0;
      if (Math.max(w, h) > opts.maxSide) {
        pipeline = pipeline.resize({ width: opts.maxSide, height: opts.maxSide, fit: "inside" });
        longSide = Math.max(w, h);
      }
    }
    const { data, info } = await pipeline
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    let rgb = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (info.channels === 1) {
      const out = new Uint8Array(info.width * info.height * 3);
      for (let i = 0; i < rgb.length; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = rgb[i];
      rgb = out;
    } else if (info.channels !== 3) {
      throw new ToolkitError(`${name}: decoded to ${info.channels} channels, expected 3`);
    }
    if (longSide > 0) scale = longSide / Math.max(info.width, info.height);
    return { data: rgb, width: info.width, height: info.height, scale };
  } catch (e) {
    if (e instanceof ToolkitError) throw e;
    const msg = (e as Error).message ?? String(e);
    if (/pixel limit/i.test(msg)) {
      throw new ToolkitError(`${name}: image is larger than the limit of ${maxPixels} pixels`, { cause: e });
    }
    if (/unsupported image format/i.test(msg)) throw new ToolkitError(`${name}: not an image`, { cause: e });
    throw new ToolkitError(`${name}: cannot decode: ${msg.split("\n")[0]}`, { cause: e });
  }
}

/**
 * Resizes an RGB image to exactly `width` x `height` (aspect not kept) with sharp,
 * returning RGB bytes; used to make detector inputs.
 */
export async function resizeRgb(img: RgbImage, width: number, height: number): Promise<Uint8Array> {
  if (img.width === width && img.height === height) return img.data;
  const buf = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { fit: "fill", kernel: "linear" })
    .raw()
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Images up to this many pixels are encoded by {@link encodeJpegSmall}, larger ones by sharp. */
export const SMALL_JPEG_PIXELS = 160 * 160;

/**
 * Encodes an RGB image as JPEG (4:2:0). Small images (thumbnails) use the JavaScript encoder,
 * which avoids sharp's fixed cost per call; larger ones use sharp (libjpeg-turbo).
 */
export async function encodeJpeg(img: RgbImage, quality = 82): Promise<Uint8Array> {
  if (img.width * img.height <= SMALL_JPEG_PIXELS) return encodeJpegSmall(img, quality);
  const buf = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
