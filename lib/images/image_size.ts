/**
 * Reading the pixel size of JPEG and PNG files from their headers, without decoding: cheaper
 * than asking sharp for metadata, which costs a whole libvips call.
 * @module
 */

/** Width and height as stored in the file (before any EXIF rotation). */
export interface StoredSize {
  /** Stored width in pixels. */
  width: number;
  /** Stored height in pixels. */
  height: number;
}

/**
 * The stored size of a JPEG (from its first start-of-frame segment) or PNG (from IHDR);
 * `undefined` for other formats or a header that cannot be read, so that callers fall back to a
 * full metadata read.
 */
export function storedImageSize(b: Uint8Array): StoredSize | undefined {
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    if (b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52) return undefined;
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const width = v.getUint32(16), height = v.getUint32(20);
    return width > 0 && height > 0 ? { width, height } : undefined;
  }
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let p = 2;
  while (p + 3 < b.length) {
    if (b[p] !== 0xff) return undefined;
    const m = b[p + 1];
    if (m === 0xff) {
      p++; // fill byte
      continue;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      p += 2; // markers without a length
      continue;
    }
    if (m === 0xd9 || m === 0xda) return undefined; // end of image, or scan data before any frame
    const len = (b[p + 2] << 8) | b[p + 3];
    if (len < 2) return undefined;
    const sof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (sof) {
      if (p + 8 >= b.length) return undefined;
      const height = (b[p + 5] << 8) | b[p + 6], width = (b[p + 7] << 8) | b[p + 8];
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    p += 2 + len;
  }
  return undefined;
}
