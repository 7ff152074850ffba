/**
 * HEIC decoding (sharp's prebuilt libvips decodes AVIF but has no HEVC decoder): the npm package
 * `heic-decode` (libheif compiled to WebAssembly, `libheif-js`), loaded on the first HEIC only.
 * @module
 */
import { ToolkitError } from "../errors.ts";

/** The brands of an ISO base media file (`ftyp` box): major first, then the compatible ones. */
function brands(bytes: Uint8Array): string[] {
  if (bytes.length < 16) return [];
  const text = (a: number) => String.fromCharCode(bytes[a], bytes[a + 1], bytes[a + 2], bytes[a + 3]);
  if (text(4) !== "ftyp") return [];
  const size = Math.min(bytes.length, new DataView(bytes.buffer, bytes.byteOffset).getUint32(0));
  const out = [text(8)];
  for (let a = 16; a + 4 <= size; a += 4) out.push(text(a));
  return out;
}

const HEVC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs"]);
const HEIF_BRANDS = new Set([...HEVC_BRANDS, "mif1", "msf1", "mif2"]);

/**
 * Whether `bytes` are a HEIF file that is not AVIF (AV1 images, which sharp decodes): HEVC
 * brands, or the generic `mif1`/`msf1` without an AVIF brand.
 */
export function isHeicNotAvif(bytes: Uint8Array): boolean {
  const b = brands(bytes);
  if (b.length === 0 || b.includes("avif") || b.includes("avis")) return false;
  return b.some((x) => HEVC_BRANDS.has(x)) || HEIF_BRANDS.has(b[0]);
}

/** Decoded HEIC pixels (RGBA). */
export interface HeicPixels {
  /** Interleaved RGBA bytes. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

interface HeicImage {
  width: number;
  height: number;
  decode(): Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
}
type DecodeAll = (input: { buffer: Uint8Array }) => Promise<HeicImage[] & { dispose(): void }>;

let decodeAll: Promise<DecodeAll> | undefined;

/**
 * Decodes the first image of a HEIC file into RGBA, refusing it before decoding when it has more
 * than `maxPixels` pixels. Throws a {@link ToolkitError} naming the file.
 */
export async function decodeHeic(bytes: Uint8Array, name: string, maxPixels: number): Promise<HeicPixels> {
  decodeAll ??= import("heic-decode").then((m) => (m.default as unknown as { all: DecodeAll }).all);
  let all: DecodeAll;
  try {
    all = await decodeAll;
  } catch (e) {
    decodeAll = undefined;
    throw new ToolkitError(
      `${name}: HEIC cannot be read here (its decoder, npm:heic-decode, did not load: ` +
        `${(e as Error).message ?? e}): convert it to JPEG, e.g. \`heif-convert in.heic out.jpg\``,
      { cause: e },
    );
  }
  let images: Awaited<ReturnType<DecodeAll>>;
  try {
    images = await all({ buffer: bytes });
  } catch (e) {
    throw new ToolkitError(`${name}: cannot decode HEIC: ${(e as Error).message ?? e}`, { cause: e });
  }
  try {
    const first = images[0];
    if (first.width * first.height > maxPixels) {
      throw new ToolkitError(`${name}: image is larger than the limit of ${maxPixels} pixels`);
    }
    let img;
    try {
      img = await first.decode();
    } catch (e) {
      throw new ToolkitError(
        `${name}: cannot decode HEIC (${(e as Error).message ?? e}): the file may be truncated or damaged`,
        { cause: e },
      );
    }
    return {
      data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength),
      width: img.width,
      height: img.height,
    };
  } finally {
    images.dispose();
  }
}
