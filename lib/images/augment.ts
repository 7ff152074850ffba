/**
 * Augmentations of RGB images as pure functions (the input is never changed): used for
 * test-time augmentation of aligned face crops (the mirror image) and for training-time views of
 * a face (lib/learn/sources/views.ts): small shifts, scale and rotation (as an affine map to
 * compose with the alignment warp, so that the context comes from the photo rather than from
 * black borders), colour jitter, blur, and occlusions drawn relative to the face's 5 landmarks
 * (a face mask over the lower face, sunglasses over the eyes, a skin-toned hand).
 *
 * Every random augmentation is split in two: `sample*` draws plain parameters from a
 * {@link Random} (so a seed reproduces them and they can be recorded), and a deterministic
 * function applies them. Images are interleaved RGB bytes; results stay in 0..255.
 * @module
 */
import type { Random } from "../util/random.ts";
import type { RgbImage } from "./decode.ts";
import type { Affine } from "./warp.ts";

function checkImage(img: RgbImage, what: string): void {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`${what}: image size ${width}x${height} is not a positive whole size`);
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(`${what}: ${data.length} bytes for a ${width}x${height} RGB image`);
  }
}

function withData(img: RgbImage, data: Uint8Array): RgbImage {
  return img.scale === undefined
    ? { data, width: img.width, height: img.height }
    : { data, width: img.width, height: img.height, scale: img.scale };
}

const uniform = (random: Random, lo: number, hi: number) => lo + (hi - lo) * random();

/**
 * The mirror image of `img` (left and right swapped): pixel (x, y) of the result is pixel
 * (width - 1 - x, y) of the input. Exact (a copy of bytes, no resampling); `scale` is kept.
 */
export function flipHorizontal(img: RgbImage): RgbImage {
  checkImage(img, "flipHorizontal");
  const { width, height, data } = img;
  const out = new Uint8Array(data.length);
  const row = width * 3;
  for (let y = 0; y < height; y++) {
    const base = y * row;
    for (let x = 0; x < width; x++) {
      const s = base + x * 3, d = base + (width - 1 - x) * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
  return withData(img, out);
}

// ---------------------------------------------------------------------------------------------
// Geometry: a small similarity about the centre of the output, composed with the alignment map.

/** A small similarity transform: rotation (degrees), uniform scale, shift (output pixels). */
export interface GeometricJitter {
  /** Rotation in degrees (positive: counter-clockwise on screen). */
  angle: number;
  /** Uniform scale (1: unchanged; above 1 zooms in). */
  scale: number;
  /** Horizontal shift in output pixels. */
  dx: number;
  /** Vertical shift in output pixels. */
  dy: number;
}

/** Largest jitters drawn by {@link sampleGeometric}. */
export interface GeometricLimits {
  /** Largest rotation, degrees. @default 10 */
  maxAngle?: number;
  /** Largest relative change of scale (0.1: 0.9 to 1.1). @default 0.1 */
  maxScale?: number;
  /** Largest shift as a share of the output side (0.05 of 112 px: 5.6 px). @default 0.05 */
  maxShift?: number;
}

/** The jitter that changes nothing. */
export const NO_GEOMETRY: Readonly<GeometricJitter> = Object.freeze({ angle: 0, scale: 1, dx: 0, dy: 0 });

/** Draws a {@link GeometricJitter} uniformly within `limits`, for an output of side `size`. */
export function sampleGeometric(random: Random, size: number, limits: GeometricLimits = {}): GeometricJitter {
  const a = limits.maxAngle ?? 10, s = limits.maxScale ?? 0.1, t = (limits.maxShift ?? 0.05) * size;
  return {
    angle: uniform(random, -a, a),
    scale: uniform(random, 1 - s, 1 + s),
    dx: uniform(random, -t, t),
    dy: uniform(random, -t, t),
  };
}

/**
 * The map of output pixels to jittered output pixels: a rotation by `angle` and scaling by
 * `scale` about the centre (cx, cy), then a shift by (dx, dy). Compose it after the alignment
 * map ({@link composeAffine}) to jitter an aligned crop at the source, or warp a crop with its
 * inverse.
 */
export function jitterAffine(j: GeometricJitter, cx: number, cy: number): Affine {
  const r = (j.angle * Math.PI) / 180;
  // Screen y points down, so a counter-clockwise turn on screen is a negative angle in maths.
  const c = Math.cos(-r) * j.scale, s = Math.sin(-r) * j.scale;
  return [c, -s, cx - c * cx + s * cy + j.dx, s, c, cy - s * cx - c * cy + j.dy];
}

/** The affine map `outer ∘ inner` (apply `inner` first). */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  const [a, b, c, d, e, f] = outer;
  const [p, q, r, s, t, u] = inner;
  return [a * p + b * s, a * q + b * t, a * r + b * u + c, d * p + e * s, d * q + e * t, d * r + e * u + f];
}

// ---------------------------------------------------------------------------------------------
// Colour.

/** Colour jitter: brightness, contrast and saturation factors (1: unchanged). */
export interface ColourJitter {
  /** Every channel times this. */
  brightness: number;
  /** Distance from the image's mean grey level times this. */
  contrast: number;
  /** Distance of each pixel from its own grey level times this (0: grey). */
  saturation: number;
}

/** Largest relative changes drawn by {@link sampleColour} (0.3: factors 0.7 to 1.3). */
export interface ColourLimits {
  /** @default 0.3 */
  brightness?: number;
  /** @default 0.3 */
  contrast?: number;
  /** @default 0.3 */
  saturation?: number;
}

/** The colour jitter that changes nothing. */
export const NO_COLOUR: Readonly<ColourJitter> = Object.freeze({ brightness: 1, contrast: 1, saturation: 1 });

/** Draws a {@link ColourJitter} uniformly within `limits`. */
export function sampleColour(random: Random, limits: ColourLimits = {}): ColourJitter {
  const b = limits.brightness ?? 0.3, c = limits.contrast ?? 0.3, s = limits.saturation ?? 0.3;
  return {
    brightness: uniform(random, 1 - b, 1 + b),
    contrast: uniform(random, 1 - c, 1 + c),
    saturation: uniform(random, 1 - s, 1 + s),
  };
}

const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));
/** Grey level of an RGB pixel (ITU-R BT.601 weights). */
const grey = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

/**
 * `img` with its colours changed by `j`: saturation about each pixel's grey level, then
 * contrast about the image's mean grey level, then brightness; rounded and clamped to 0..255.
 * Factors of 1 give the input's bytes back.
 */
export function adjustColour(img: RgbImage, j: ColourJitter): RgbImage {
  checkImage(img, "adjustColour");
  for (const [k, v] of Object.entries(j)) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`adjustColour: ${k} must be >= 0, got ${v}`);
  }
  const d = img.data, out = new Uint8Array(d.length);
  let mean = 0;
  for (let i = 0; i < d.length; i += 3) mean += grey(d[i], d[i + 1], d[i + 2]);
  mean /= d.length / 3;
  const { brightness: br, contrast: ct, saturation: st } = j;
  for (let i = 0; i < d.length; i += 3) {
    const g = grey(d[i], d[i + 1], d[i + 2]);
    for (let c = 0; c < 3; c++) {
      const v = g + (d[i + c] - g) * st;
      out[i + c] = clampByte(((v - mean) * ct + mean) * br);
    }
  }
  return withData(img, out);
}

// ---------------------------------------------------------------------------------------------
// Blur.

/** Draws a Gaussian blur's sigma: none with probability `1 - p`, else uniform in (0, maxSigma]. */
export function sampleBlur(random: Random, p = 0.3, maxSigma = 1.5): number {
  return random() < p ? maxSigma * (1 - random()) : 0;
}

/**
 * `img` blurred by a Gaussian of standard deviation `sigma` pixels (separable; the edge pixels
 * repeat beyond the border). `sigma` 0 gives the input's bytes back; a flat image stays flat.
 */
export function gaussianBlur(img: RgbImage, sigma: number): RgbImage {
  checkImage(img, "gaussianBlur");
  if (!Number.isFinite(sigma) || sigma < 0) {
    throw new RangeError(`gaussianBlur: sigma must be >= 0, got ${sigma}`);
  }
  if (sigma === 0) return withData(img, img.data.slice());
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const { width: w, height: h, data } = img;
  const tmp = new Float32Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0, g = 0, b = 0;
      for (let i = -radius; i <= radius; i++) {
        const xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
        const o = (y * w + xx) * 3, kk = k[i + radius];
        r += kk * data[o], g += kk * data[o + 1], b += kk * data[o + 2];
      }
      const o = (y * w + x) * 3;
      tmp[o] = r, tmp[o + 1] = g, tmp[o + 2] = b;
    }
  }
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0, g = 0, b = 0;
      for (let i = -radius; i <= radius; i++) {
        const yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
        const o = (yy * w + x) * 3, kk = k[i + radius];
        r += kk * tmp[o], g += kk * tmp[o + 1], b += kk * tmp[o + 2];
      }
      const o = (y * w + x) * 3;
      out[o] = clampByte(r), out[o + 1] = clampByte(g), out[o + 2] = clampByte(b);
    }
  }
  return withData(img, out);
}

// ---------------------------------------------------------------------------------------------
// Occlusion, drawn in the face's own frame: origin at the eyes' midpoint, unit the interocular
// distance, s along the eye line (towards the right eye of the image), t perpendicular to it
// (towards the mouth). On the standard template the eyes are at t = 0, s = ±0.5, the nose tip
// at t ≈ 0.57 and the mouth corners at t ≈ 1.16, s ≈ ±0.42.

/** The occlusions on offer. */
export const OCCLUSION_KINDS = ["mask", "sunglasses", "hand"] as const;

/** One of {@link OCCLUSION_KINDS}. */
export type OcclusionKind = typeof OCCLUSION_KINDS[number];

/** An occlusion's shape and colour, in the face frame (see the comment above). */
export type Occlusion =
  | {
    /** A face mask over nose and mouth down to below the chin. */
    kind: "mask";
    /** Top edge at the face's centre line (t; about 0.3 to 0.5: between eyes and nose tip). */
    top: number;
    /** Half width at the top (s). */
    halfWidth: number;
    /** RGB. */
    colour: [number, number, number];
  }
  | {
    /** Two dark lenses over the eyes and a bridge between them. */
    kind: "sunglasses";
    /** Half width of each lens (s). */
    rx: number;
    /** Half height of each lens (t). */
    ry: number;
    /** RGB. */
    colour: [number, number, number];
  }
  | {
    /** A skin-toned elliptical blob (a hand) somewhere over the lower or side face. */
    kind: "hand";
    /** Centre (s, t). */
    cs: number;
    /** Centre (s, t). */
    ct: number;
    /** Semi-axes. */
    rx: number;
    /** Semi-axes. */
    ry: number;
    /** Rotation of the ellipse in radians. */
    angle: number;
    /** RGB. */
    colour: [number, number, number];
  };

const MASK_COLOURS: [number, number, number][] = [[160, 195, 225], [235, 235, 232], [35, 35, 40], [
  90,
  120,
  170,
]];
const SKIN_TONES: [number, number, number][] = [
  [255, 219, 172],
  [241, 194, 125],
  [224, 172, 105],
  [198, 134, 66],
  [141, 85, 36],
];

/** Draws an occlusion of `kind` (shape, place and colour). */
export function sampleOcclusion(random: Random, kind: OcclusionKind): Occlusion {
  const jitter = (c: [number, number, number], by: number) =>
    c.map((v) => clampByte(v + uniform(random, -by, by))) as [number, number, number];
  switch (kind) {
    case "mask":
      return {
        kind,
        top: uniform(random, 0.3, 0.5),
        halfWidth: uniform(random, 0.85, 1.05),
        colour: jitter(MASK_COLOURS[Math.floor(random() * MASK_COLOURS.length)], 12),
      };
    case "sunglasses": {
      const d = uniform(random, 15, 45);
      return {
        kind,
        rx: uniform(random, 0.3, 0.4),
        ry: uniform(random, 0.2, 0.27),
        colour: [d, d, d + uniform(random, 0, 10)].map(clampByte) as [number, number, number],
      };
    }
    case "hand":
      return {
        kind,
        cs: uniform(random, -0.7, 0.7),
        ct: uniform(random, 0.7, 1.5),
        rx: uniform(random, 0.4, 0.65),
        ry: uniform(random, 0.3, 0.5),
        angle: uniform(random, -Math.PI / 3, Math.PI / 3),
        colour: jitter(SKIN_TONES[Math.floor(random() * SKIN_TONES.length)], 15),
      };
  }
}

/**
 * How much the occlusion covers each pixel (0 none, 1 all), for an image of `width` x `height`
 * whose face has the 5 landmarks `lm` (eyes, nose tip, mouth corners; flat, image pixels).
 * Edges are soft over about 3% of the interocular distance.
 */
export function occlusionCoverage(
  width: number,
  height: number,
  lm: ArrayLike<number>,
  o: Occlusion,
): Float32Array {
  if (lm.length < 4) throw new RangeError(`occlusionCoverage: need the 5 landmarks, got ${lm.length} values`);
  const ex = (lm[0] + lm[2]) / 2, ey = (lm[1] + lm[3]) / 2;
  const vx = lm[2] - lm[0], vy = lm[3] - lm[1];
  const d = Math.hypot(vx, vy);
  if (!(d > 0)) throw new RangeError("occlusionCoverage: the two eyes coincide");
  const ux = vx / d, uy = vy / d; // along the eyes; (-uy, ux) points towards the mouth
  const soft = 0.03;
  const edge = (inside: number) => Math.max(0, Math.min(1, 0.5 + inside / soft)); // inside > 0: within
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const px = x - ex, py = y - ey;
      const s = (px * ux + py * uy) / d, t = (-px * uy + py * ux) / d;
      let a = 0;
      switch (o.kind) {
        case "mask": {
          // Top edge curves down towards the cheeks; the sides narrow towards the chin.
          const top = o.top + 0.25 * s * s;
          const half = o.halfWidth - 0.3 * Math.max(0, t - 1.1);
          const bottom = 2.0 - 0.5 * s * s;
          a = edge(Math.min(t - top, half - Math.abs(s), bottom - t));
          break;
        }
        case "sunglasses": {
          const lens = (c: number) => 1 - Math.hypot((s - c) / o.rx, t / o.ry);
          const bridge = Math.min(0.5 - Math.abs(s), 0.04 - Math.abs(t + 0.03));
          a = edge(Math.max(lens(-0.5) * o.ry, lens(0.5) * o.ry, bridge));
          break;
        }
        case "hand": {
          const c = Math.cos(o.angle), sn = Math.sin(o.angle);
          const ds = s - o.cs, dt = t - o.ct;
          const p = (ds * c + dt * sn) / o.rx, q = (-ds * sn + dt * c) / o.ry;
          a = edge((1 - Math.hypot(p, q)) * Math.min(o.rx, o.ry));
          break;
        }
      }
      out[y * width + x] = a;
    }
  }
  return out;
}

/**
 * `img` with the occlusion `o` drawn over the face whose 5 landmarks are `lm` (image pixels):
 * each pixel blended towards the occluder's colour by its coverage, with a little shading so that
 * the occluder is not perfectly flat.
 */
export function occlude(img: RgbImage, lm: ArrayLike<number>, o: Occlusion): RgbImage {
  checkImage(img, "occlude");
  const cover = occlusionCoverage(img.width, img.height, lm, o);
  const d = img.data, out = new Uint8Array(d.length);
  for (let i = 0, p = 0; p < cover.length; p++, i += 3) {
    const a = cover[p];
    if (a === 0) {
      out[i] = d[i], out[i + 1] = d[i + 1], out[i + 2] = d[i + 2];
      continue;
    }
    // Shading: 10% of the photo's own light and shade shows through (folds, shadows).
    const shade = 0.9 + 0.1 * (grey(d[i], d[i + 1], d[i + 2]) / 128);
    for (let c = 0; c < 3; c++) out[i + c] = clampByte((1 - a) * d[i + c] + a * o.colour[c] * shade);
  }
  return withData(img, out);
}
