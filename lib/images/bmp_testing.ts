/**
 * A small BMP writer for tests, independent of the decoder under test (`bmp-ts`): 1, 4 and
 * 8 bits (palette), 16 (5-5-5), 24 and 32 bits (BITMAPV5HEADER with an alpha mask), bottom-up or
 * top-down.
 * @module
 */

/** Options of {@link writeBmp}: a BMP writer independent of the decoder under test. */
export interface BmpSpec {
  /** Bits per pixel (1, 4 and 8 with a palette; 16 as 5-5-5). */
  bpp: 1 | 4 | 8 | 16 | 24 | 32;
  /** 40 (BITMAPINFOHEADER) or 124 (BITMAPV5HEADER, with masks). */
  headerSize?: 40 | 124;
  /** Rows stored from the top (negative height). */
  topDown?: boolean;
  /** Bytes left between the header (and palette) and the pixels. */
  gap?: number;
  /** Overrides the compression field (to write what the decoder must refuse). */
  compression?: number;
}

/**
 * A BMP of `rgba` (4 bytes a pixel, rows from the top); files of 8 bits or fewer get a palette of
 * the colours used (which must fit).
 */
export function writeBmp(rgba: Uint8Array, w: number, h: number, spec: BmpSpec): Uint8Array {
  const headerSize = spec.headerSize ?? 40;
  const palette: number[] = [];
  const index = new Map<number, number>();
  if (spec.bpp <= 8) {
    for (let i = 0; i < w * h; i++) {
      const key = (rgba[i * 4] << 16) | (rgba[i * 4 + 1] << 8) | rgba[i * 4 + 2];
      if (!index.has(key)) index.set(key, palette.push(key) - 1);
    }
    if (palette.length > 1 << spec.bpp) throw new RangeError(`${palette.length} colours in ${spec.bpp} bits`);
  }
  const row = Math.ceil(w * spec.bpp / 32) * 4;
  const offset = 14 + headerSize + palette.length * 4 + (spec.gap ?? 0);
  const out = new Uint8Array(offset + row * h);
  const v = new DataView(out.buffer);
  out[0] = 0x42, out[1] = 0x4d;
  v.setUint32(2, out.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, headerSize, true);
  v.setInt32(18, w, true);
  v.setInt32(22, spec.topDown ? -h : h, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, spec.bpp, true);
  v.setUint32(30, spec.compression ?? (spec.bpp === 32 && headerSize === 124 ? 3 : 0), true);
  v.setUint32(34, row * h, true);
  v.setUint32(46, palette.length, true);
  if (headerSize === 124) {
    [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000].forEach((m, i) => v.setUint32(54 + i * 4, m, true));
    v.setUint32(70, 0x73524742, true); // 'sRGB'
  }
  palette.forEach((c, i) => v.setUint32(14 + headerSize + i * 4, c, true));
  for (let y = 0; y < h; y++) {
    const line = offset + (spec.topDown ? y : h - 1 - y) * row;
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 4;
      if (spec.bpp <= 8) {
        const i = index.get((rgba[s] << 16) | (rgba[s + 1] << 8) | rgba[s + 2])!;
        const bit = x * spec.bpp;
        out[line + (bit >> 3)] |= i << (8 - spec.bpp - (bit & 7));
      } else if (spec.bpp === 16) {
        v.setUint16(
          line + x * 2,
          ((rgba[s] >> 3) << 10) | ((rgba[s + 1] >> 3) << 5) | (rgba[s + 2] >> 3),
          true,
        );
      } else {
        const d = line + x * (spec.bpp / 8);
        out[d] = rgba[s + 2], out[d + 1] = rgba[s + 1], out[d + 2] = rgba[s];
        if (spec.bpp === 32) out[d + 3] = rgba[s + 3];
      }
    }
  }
  return out;
}
