/**
 * BMP decoding (sharp's libvips build reads no BMP): the header is checked here (size against the
 * pixel limit, truncation, variants), then the pixels are decoded by the npm package `bmp-ts`.
 * Uncompressed 1, 4, 8, 16, 24 and 32 bits per pixel, with bit-field masks, bottom-up or top-down,
 * BITMAPINFOHEADER to BITMAPV5HEADER. RLE-compressed and OS/2 BMPs are refused with what to do
 * (bmp-ts misplaces RLE pixels and reads no OS/2 header).
 * @module
 */
import { Buffer } from "node:buffer";
import { decode } from "bmp-ts";
import { ToolkitError } from "../errors.ts";

/** Whether `bytes` start like a BMP file (`BM` and a plausible header size). */
export function isBmp(bytes: Uint8Array): boolean {
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return false;
  const headerSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(14, true);
  return [12, 16, 40, 52, 56, 64, 108, 124].includes(headerSize);
}

/** Decoded BMP pixels: RGB, or RGBA where the file has a real alpha channel. */
export interface BmpPixels {
  /** Interleaved pixels, `channels` bytes each, row by row from the top. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
}

const CONVERT = "convert it to PNG or JPEG (e.g. `convert in.bmp out.png` with ImageMagick)";
const COMPRESSIONS: Record<number, string> = {
  1: "RLE8-compressed",
  2: "RLE4-compressed",
  4: "JPEG-in-BMP",
  5: "PNG-in-BMP",
};

/**
 * Decodes a BMP file; `name` is used in messages. Throws a {@link ToolkitError} naming the file
 * for a damaged, truncated, oversized or unsupported BMP.
 */
export function decodeBmp(bytes: Uint8Array, name: string, maxPixels: number): BmpPixels {
  if (bytes.length < 30) throw new ToolkitError(`${name}: truncated BMP (${bytes.length} bytes)`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = v.getUint32(10, true), headerSize = v.getUint32(14, true);
  if (headerSize === 12 || headerSize === 16 || headerSize === 64) {
    throw new ToolkitError(`${name}: OS/2 BMP is not supported: ${CONVERT}`);
  }
  if (![40, 52, 56, 108, 124].includes(headerSize)) {
    throw new ToolkitError(`${name}: not a BMP this decoder knows (header of ${headerSize} bytes)`);
  }
  if (bytes.length < 14 + headerSize) throw new ToolkitError(`${name}: truncated BMP header`);
  const width = v.getInt32(18, true), rawHeight = v.getInt32(22, true);
  const bpp = v.getUint16(28, true), compression = v.getUint32(30, true), colors = v.getUint32(46, true);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw new ToolkitError(`${name}: BMP of ${width}x${rawHeight} pixels`);
  if (width * height > maxPixels) {
    throw new ToolkitError(`${name}: image is larger than the limit of ${maxPixels} pixels`);
  }
  if (COMPRESSIONS[compression]) {
    throw new ToolkitError(`${name}: ${COMPRESSIONS[compression]} BMP is not supported: ${CONVERT}`);
  }
  const bitFields = compression === 3 || compression === 6;
  if (compression > 6 || (compression !== 0 && !bitFields) || (bitFields && bpp !== 16 && bpp !== 32)) {
    throw new ToolkitError(`${name}: BMP with compression ${compression} at ${bpp} bits is not supported`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) {
    throw new ToolkitError(`${name}: BMP with ${bpp} bits per pixel is not supported`);
  }
  // Where bmp-ts reads the pixels from: right after the header, the masks of a 40-byte header
  // with bit fields, and the palette. Files may leave a gap before the pixels (`offset`).
  let at = 14 + headerSize;
  if (headerSize === 40 && bitFields) at += compression === 6 ? 16 : 12;
  const paletteSize = bpp <= 8 || colors > 0 ? (colors || 1 << bpp) : 0;
  if (bpp <= 8 && paletteSize > 1 << bpp) {
    throw new ToolkitError(`${name}: damaged BMP (palette of ${paletteSize} colours at ${bpp} bits)`);
  }
  at += paletteSize * 4;
  const rowBytes = Math.ceil(width * bpp / 32) * 4;
  if (offset < at) throw new ToolkitError(`${name}: damaged BMP (pixels start inside the header)`);
  if (bytes.length < offset + rowBytes * height) {
    throw new ToolkitError(`${name}: truncated BMP (${bytes.length} of ${offset + rowBytes * height} bytes)`);
  }
  // bmp-ts 1.0.9 stops after the first row of a 4-bit BMP of odd width: such a file is decoded
  // one pixel wider (its rows have the same length) and the extra column dropped.
  const decodedWidth = bpp === 4 && width % 2 === 1 ? width + 1 : width;
  let input = bytes;
  if (offset > at || decodedWidth !== width) {
    input = new Uint8Array(at + rowBytes * height);
    input.set(bytes.subarray(0, at));
    input.set(bytes.subarray(offset, offset + rowBytes * height), at);
    new DataView(input.buffer).setInt32(18, decodedWidth, true);
  }
  // An alpha channel only where the header declares an alpha mask (and uses it: some writers
  // declare one and leave it zero, meaning opaque).
  const alphaMask = (headerSize >= 56 || compression === 6) && (bpp === 16 || bpp === 32)
    ? v.getUint32(66, true)
    : 0;
  let abgr: Uint8Array;
  try {
    const img = decode(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
    abgr = new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  } catch (e) {
    throw new ToolkitError(`${name}: cannot decode BMP: ${(e as Error).message ?? e}`, { cause: e });
  }
  let hasAlpha = false;
  if (alphaMask) { for (let i = 0; i < abgr.length && !hasAlpha; i += 4) hasAlpha = abgr[i] !== 0; }
  const channels = hasAlpha ? 4 : 3;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0, i = y * decodedWidth * 4; x < width; x++, i += 4, o += channels) {
      out[o] = abgr[i + 3];
      out[o + 1] = abgr[i + 2];
      out[o + 2] = abgr[i + 1];
      if (hasAlpha) out[o + 3] = abgr[i];
    }
  }
  return { data: out, width, height, channels };
}
