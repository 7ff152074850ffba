/**
 * A small baseline JPEG encoder (JFIF, YCbCr 4:2:0, the standard Huffman tables of Annex K of
 * ITU T.81, quality scaling as in libjpeg) for small images such as face thumbnails.
 *
 * Why by hand: sharp pays about 0.8 ms of pipeline set-up per call whatever the image size
 * (measured here: 0.83 ms for an 8x8 image, 0.94 ms for 96x96), and jpeg-js rebuilds its tables
 * on every call (8.8 ms for 96x96). This encoder keeps its tables and buffers between calls and
 * encodes a 96x96 thumbnail in a fraction of that. Large images still go through sharp
 * (libjpeg-turbo with SIMD), see `encodeJpeg` in ./decode.ts.
 * @module
 */
import type { RgbImage } from "./decode.ts";

// deno-fmt-ignore
const ZIGZAG = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14,
  21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53,
  60, 61, 54, 47, 55, 62, 63,
]);

// Example quantisation tables of T.81 Annex K.1 (natural order).
// deno-fmt-ignore
const LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61,
  12, 12, 14, 19, 26, 58, 60, 55,
  14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77,
  24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
];
// deno-fmt-ignore
const CHROMA_Q = [
  17, 18, 24, 47, 99, 99, 99, 99,
  18, 21, 26, 66, 99, 99, 99, 99,
  24, 26, 56, 99, 99, 99, 99, 99,
  47, 66, 99, 99, 99, 99, 99, 99,
  ...new Array(32).fill(99),
];

/** A Huffman table as in a DHT segment: code counts per length 1..16, then symbols. */
interface HuffSpec {
  counts: number[];
  symbols: Uint8Array;
}

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
const range12 = Uint8Array.from({ length: 12 }, (_, i) => i);
// Typical Huffman tables of T.81 Annex K.3.
const DC_LUMA: HuffSpec = { counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], symbols: range12 };
const DC_CHROMA: HuffSpec = { counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], symbols: range12 };
const AC_LUMA: HuffSpec = {
  counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  symbols: hex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a" +
      "3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a9293" +
      "9495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6" +
      "e7e8e9eaf1f2f3f4f5f6f7f8f9fa",
  ),
};
const AC_CHROMA: HuffSpec = {
  counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  symbols: hex(
    "000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a2627" +
      "28292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a8283848586878889" +
      "8a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4" +
      "e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa",
  ),
};

/** Canonical codes of a table: `code[symbol]` and `size[symbol]` (T.81 Annex C). */
function buildCodes(spec: HuffSpec): { code: Uint16Array; size: Uint8Array } {
  const code = new Uint16Array(256), size = new Uint8Array(256);
  let c = 0, k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < spec.counts[len - 1]; i++) {
      code[spec.symbols[k]] = c++;
      size[spec.symbols[k]] = len;
      k++;
    }
    c <<= 1;
  }
  return { code, size };
}

const CODES = {
  dcY: buildCodes(DC_LUMA),
  acY: buildCodes(AC_LUMA),
  dcC: buildCodes(DC_CHROMA),
  acC: buildCodes(AC_CHROMA),
};

// Scale factors of the AAN DCT (as in libjpeg's jfdctflt.c).
const AAN = [1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.5411961, 0.275899379];

/** libjpeg's quality scaling of a base table (natural order), clamped to 1..255. */
function scaleTable(base: readonly number[], quality: number): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const f = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  return Uint8Array.from(base, (v) => Math.min(255, Math.max(1, Math.floor((v * f + 50) / 100))));
}

/** Divisors for the AAN DCT output (natural order), folding in its scale factors. */
function divisors(table: Uint8Array): Float64Array {
  const out = new Float64Array(64);
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) out[r * 8 + c] = 1 / (table[r * 8 + c] * AAN[r] * AAN[c] * 8);
  }
  return out;
}

/** In-place forward DCT of an 8x8 block (AAN, floating point, as libjpeg's jfdctflt). */
function fdct(d: Float64Array): void {
  for (let pass = 0; pass < 2; pass++) {
    const step = pass === 0 ? 8 : 1, stride = pass === 0 ? 1 : 8;
    for (let i = 0; i < 8; i++) {
      const b = i * step;
      const p0 = b, p1 = b + stride, p2 = b + 2 * stride, p3 = b + 3 * stride;
      const p4 = b + 4 * stride, p5 = b + 5 * stride, p6 = b + 6 * stride, p7 = b + 7 * stride;
      const t0 = d[p0] + d[p7], t7 = d[p0] - d[p7];
      const t1 = d[p1] + d[p6], t6 = d[p1] - d[p6];
      const t2 = d[p2] + d[p5], t5 = d[p2] - d[p5];
      const t3 = d[p3] + d[p4], t4 = d[p3] - d[p4];
      // Even part.
      const t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
      d[p0] = t10 + t11;
      d[p4] = t10 - t11;
      const z1 = (t12 + t13) * 0.707106781;
      d[p2] = t13 + z1;
      d[p6] = t13 - z1;
      // Odd part.
      const s10 = t4 + t5, s11 = t5 + t6, s12 = t6 + t7;
      const z5 = (s10 - s12) * 0.382683433;
      const z2 = 0.5411961 * s10 + z5;
      const z4 = 1.306562965 * s12 + z5;
      const z3 = s11 * 0.707106781;
      const z11 = t7 + z3, z13 = t7 - z3;
      d[p5] = z13 + z2;
      d[p3] = z13 - z2;
      d[p1] = z11 + z4;
      d[p7] = z11 - z4;
    }
  }
}

/** Appends bytes and bits, with the 0xFF byte stuffing of entropy-coded data. */
class ByteWriter {
  buf = new Uint8Array(16384);
  len = 0;
  #bits = 0;
  #nbits = 0;

  #ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  bytes(...v: number[]): void {
    this.#ensure(v.length);
    for (const x of v) this.buf[this.len++] = x;
  }

  array(v: ArrayLike<number>): void {
    this.#ensure(v.length);
    for (let i = 0; i < v.length; i++) this.buf[this.len++] = v[i];
  }

  word(v: number): void {
    this.bytes(v >> 8, v & 0xff);
  }

  /** Writes the low `n` bits of `v` (n <= 16), most significant first. */
  bits(v: number, n: number): void {
    this.#bits = (this.#bits << n) | (v & ((1 << n) - 1));
    this.#nbits += n;
    while (this.#nbits >= 8) {
      const byte = (this.#bits >> (this.#nbits - 8)) & 0xff;
      this.#ensure(2);
      this.buf[this.len++] = byte;
      if (byte === 0xff) this.buf[this.len++] = 0;
      this.#nbits -= 8;
    }
    this.#bits &= (1 << this.#nbits) - 1;
  }

  /** Pads the last byte with 1 bits. */
  flushBits(): void {
    if (this.#nbits > 0) this.bits(0x7f, 8 - this.#nbits);
  }
}

/** Number of bits of |v| (the JPEG magnitude category). */
function category(v: number): number {
  let a = v < 0 ? -v : v, n = 0;
  while (a) a >>= 1, n++;
  return n;
}

/** A reusable encoder; tables for a quality are built once. */
export class JpegEncoder {
  /** The quality (1 to 100) the tables were made for. */
  readonly quality: number;
  readonly #qY: Uint8Array;
  readonly #qC: Uint8Array;
  readonly #dY: Float64Array;
  readonly #dC: Float64Array;
  readonly #block = new Float64Array(64);
  readonly #coef = new Int32Array(64);
  readonly #y = new Float64Array(256);
  readonly #cb = new Float64Array(64);
  readonly #cr = new Float64Array(64);
  readonly #w = new ByteWriter();

  /** @param quality 1..100 as in libjpeg (sharp's default is 80). */
  constructor(quality = 80) {
    this.quality = Math.min(100, Math.max(1, Math.round(quality)));
    this.#qY = scaleTable(LUMA_Q, this.quality);
    this.#qC = scaleTable(CHROMA_Q, this.quality);
    this.#dY = divisors(this.#qY);
    this.#dC = divisors(this.#qC);
  }

  /** Encodes an RGB image as a baseline JFIF JPEG. */
  encode(img: RgbImage): Uint8Array {
    const { width, height, data } = img;
    if (!(width > 0 && height > 0 && width < 65536 && height < 65536)) {
      throw new RangeError(`JpegEncoder: cannot encode a ${width}x${height} image`);
    }
    if (data.length < width * height * 3) {
      throw new RangeError(`JpegEncoder: ${data.length} bytes for a ${width}x${height} RGB image`);
    }
    const w = this.#w;
    w.len = 0;
    this.#headers(width, height);
    let dcY = 0, dcCb = 0, dcCr = 0;
    const Y = this.#y, Cb = this.#cb, Cr = this.#cr, blk = this.#block;
    for (let my = 0; my < height; my += 16) {
      for (let mx = 0; mx < width; mx += 16) {
        // Colour conversion of one 16x16 macroblock (edges replicated), chroma averaged 2x2.
        Cb.fill(0), Cr.fill(0);
        for (let y = 0; y < 16; y++) {
          const sy = Math.min(my + y, height - 1);
          for (let x = 0; x < 16; x++) {
            const sx = Math.min(mx + x, width - 1);
            const i = (sy * width + sx) * 3;
            const r = data[i], g = data[i + 1], b = data[i + 2];
            Y[y * 16 + x] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
            const c = (y >> 1) * 8 + (x >> 1);
            Cb[c] += -0.168736 * r - 0.331264 * g + 0.5 * b;
            Cr[c] += 0.5 * r - 0.418688 * g - 0.081312 * b;
          }
        }
        for (let k = 0; k < 4; k++) {
          const ox = (k & 1) * 8, oy = (k >> 1) * 8;
          for (let y = 0; y < 8; y++) {
            for (let x = 0; x < 8; x++) blk[y * 8 + x] = Y[(oy + y) * 16 + ox + x];
          }
          dcY = this.#block8(blk, this.#dY, dcY, CODES.dcY, CODES.acY);
        }
        for (let i = 0; i < 64; i++) blk[i] = Cb[i] * 0.25;
        dcCb = this.#block8(blk, this.#dC, dcCb, CODES.dcC, CODES.acC);
        for (let i = 0; i < 64; i++) blk[i] = Cr[i] * 0.25;
        dcCr = this.#block8(blk, this.#dC, dcCr, CODES.dcC, CODES.acC);
      }
    }
    w.flushBits();
    w.word(0xffd9);
    return w.buf.slice(0, w.len);
  }

  /** Transforms, quantises and entropy-codes one block; returns its DC value. */
  #block8(
    blk: Float64Array,
    div: Float64Array,
    prevDc: number,
    dc: { code: Uint16Array; size: Uint8Array },
    ac: { code: Uint16Array; size: Uint8Array },
  ): number {
    fdct(blk);
    const q = this.#coef;
    for (let i = 0; i < 64; i++) {
      const v = blk[ZIGZAG[i]] * div[ZIGZAG[i]];
      q[i] = v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
    }
    const w = this.#w;
    const diff = q[0] - prevDc;
    const dcCat = category(diff);
    w.bits(dc.code[dcCat], dc.size[dcCat]);
    if (dcCat) w.bits(diff < 0 ? diff - 1 : diff, dcCat);
    let last = 63;
    while (last > 0 && q[last] === 0) last--;
    let run = 0;
    for (let i = 1; i <= last; i++) {
      const v = q[i];
      if (v === 0) {
        run++;
        continue;
      }
      while (run >= 16) {
        w.bits(ac.code[0xf0], ac.size[0xf0]);
        run -= 16;
      }
      const cat = category(v), sym = (run << 4) | cat;
      w.bits(ac.code[sym], ac.size[sym]);
      w.bits(v < 0 ? v - 1 : v, cat);
      run = 0;
    }
    if (last < 63) w.bits(ac.code[0], ac.size[0]);
    return q[0];
  }

  #headers(width: number, height: number): void {
    const w = this.#w;
    w.word(0xffd8);
    // APP0 JFIF 1.01, no thumbnail, aspect 1:1.
    w.bytes(0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0);
    // DQT: two 8-bit tables in zig-zag order.
    w.bytes(0xff, 0xdb, 0, 132, 0);
    w.array(Array.from(ZIGZAG, (z) => this.#qY[z]));
    w.bytes(1);
    w.array(Array.from(ZIGZAG, (z) => this.#qC[z]));
    // SOF0: 8-bit, three components, Y sampled 2x2, Cb and Cr 1x1.
    w.bytes(0xff, 0xc0, 0, 17, 8);
    w.word(height);
    w.word(width);
    w.bytes(3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1);
    // DHT: the four tables.
    const tables: [number, HuffSpec][] = [[0x00, DC_LUMA], [0x10, AC_LUMA], [0x01, DC_CHROMA], [
      0x11,
      AC_CHROMA,
    ]];
    const dhtLen = 2 + tables.reduce((n, [, t]) => n + 17 + t.symbols.length, 0);
    w.bytes(0xff, 0xc4);
    w.word(dhtLen);
    for (const [id, t] of tables) {
      w.bytes(id);
      w.array(t.counts);
      w.array(t.symbols);
    }
    // SOS.
    w.bytes(0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0);
  }
}

const shared = new Map<number, JpegEncoder>();

/** Encodes an RGB image as JPEG with a shared encoder per quality. */
export function encodeJpegSmall(img: RgbImage, quality = 80): Uint8Array {
  let enc = shared.get(quality);
  if (!enc) shared.set(quality, enc = new JpegEncoder(quality));
  return enc.encode(img);
}
