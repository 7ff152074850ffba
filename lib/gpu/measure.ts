/**
 * Small pure pieces of the GPU benchmark: agreement of two sets of embeddings, GPU memory from
 * `nvidia-smi`, batch-size lists, and timing loops.
 * @module
 */

/** Cosine similarity of row `i` of `a` and of `b` (rows of length `dim`). */
export function rowCosine(a: Float32Array, b: Float32Array, dim: number, i: number): number {
  let dot = 0, na = 0, nb = 0;
  for (let j = i * dim; j < (i + 1) * dim; j++) {
    dot += a[j] * b[j];
    na += a[j] * a[j];
    nb += b[j] * b[j];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** How well two embedding sets of the same faces agree. */
export interface Agreement {
  /** Faces compared. */
  faces: number;
  /** Smallest cosine over the faces. */
  min: number;
  /** Mean cosine. */
  mean: number;
  /** Faces with cosine below the threshold. */
  below: number;
  /** The threshold. */
  threshold: number;
}

/** Per-face cosine of `a` against `b` (same row order), summarised against `threshold`. */
export function agreement(a: Float32Array, b: Float32Array, dim: number, threshold = 0.9999): Agreement {
  if (a.length !== b.length || a.length % dim !== 0) {
    throw new RangeError(`embedding sets differ in size: ${a.length} and ${b.length} values (dim ${dim})`);
  }
  const n = a.length / dim;
  let min = n ? Infinity : NaN, sum = 0, below = 0;
  for (let i = 0; i < n; i++) {
    const c = rowCosine(a, b, dim, i);
    min = Math.min(min, c);
    sum += c;
    if (!(c >= threshold)) below++;
  }
  return { faces: n, min, mean: n ? sum / n : NaN, below, threshold };
}

/** Parses `nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits` output: MiB per GPU. */
export function parseNvidiaSmiMemory(text: string): number[] {
  return text.split("\n").map((l) => l.trim()).filter((l) => l !== "").map((l) => {
    const v = Number(l.replace(/\s*MiB$/i, ""));
    if (!Number.isFinite(v)) throw new Error(`nvidia-smi: cannot read "${l}" as MiB`);
    return v;
  });
}

/** GPU memory used (MiB, first GPU) by `nvidia-smi`, or undefined when it is absent or fails. */
export async function gpuMemoryUsedMiB(): Promise<number | undefined> {
  try {
    const r = await new Deno.Command("nvidia-smi", {
      args: ["--query-gpu=memory.used", "--format=csv,noheader,nounits"],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!r.success) return undefined;
    return parseNvidiaSmiMemory(new TextDecoder().decode(r.stdout))[0];
  } catch {
    return undefined;
  }
}

/** 1, 2, 4, ... up to and including `max` (and `max` itself when it is not a power of two). */
export function powersOfTwo(max: number): number[] {
  const out: number[] = [];
  for (let b = 1; b <= max; b *= 2) out.push(b);
  if (out.at(-1) !== max && max >= 1) out.push(max);
  return out;
}

/** Result of {@link timeRepeated}. */
export interface Timing {
  /** Timed calls (after the warm-up). */
  iterations: number;
  /** Seconds they took together. */
  seconds: number;
  /** Median milliseconds of one call. */
  medianMs: number;
}

/**
 * Calls `fn` `warmup` times untimed, then again until at least `minSeconds` have passed and
 * at least `minIterations` calls were made.
 */
export async function timeRepeated(
  fn: () => Promise<unknown>,
  opts: { warmup?: number; minSeconds: number; minIterations?: number },
): Promise<Timing> {
  for (let i = 0; i < (opts.warmup ?? 2); i++) await fn();
  const each: number[] = [];
  const t0 = performance.now();
  while (each.length < (opts.minIterations ?? 3) || performance.now() - t0 < opts.minSeconds * 1000) {
    const t = performance.now();
    await fn();
    each.push(performance.now() - t);
  }
  const seconds = (performance.now() - t0) / 1000;
  const sorted = each.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { iterations: each.length, seconds, medianMs };
}
