/**
 * K-Means (Lloyd) with k-means++ initialisation (greedy, 2 + ln k local trials, as
 * scikit-learn), several seeded restarts, keeping the lowest inertia. Euclidean distance
 * on the (unit-norm) rows. The distance work (x·Cᵀ and nearest centres) runs in
 * onnxruntime for large inputs ({@link OnnxProducts}) and in plain
 * JavaScript for small ones. Cannot-link pairs are enforced afterwards by the registry.
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { Random } from "../util/random.ts";
import { type Clusterer, validateParams } from "./types.ts";
import { relabel } from "./labels.ts";
import { OnnxProducts } from "../graph/onnx_products.ts";

/** Parameters of {@link kmeans}. */
export type KmeansParams = {
  /** Number of clusters. */
  k: number;
  /** Independent restarts; the lowest inertia wins. */
  restarts: number;
  /** Maximum Lloyd iterations per restart. */
  maxIter: number;
  /** Stop when the total squared centre shift falls below `tol` times the mean variance. */
  tol: number;
  /** Where the distance work runs: `auto` picks onnxruntime when n·k·d exceeds 10⁸. */
  backend: "auto" | "js" | "onnx";
};

/** The two products K-Means needs. */
interface Backend {
  /** x · Bᵀ for m rows of b: n x m. */
  dots(b: Float32Array, m: number): Promise<Float32Array>;
  /** Per row of x: argmax_j (x·b_j - bias_j) and the max. */
  nearest(b: Float32Array, m: number, bias: Float32Array): Promise<{ best: Int32Array; score: Float32Array }>;
  close(): Promise<void>;
}

function jsBackend(x: Matrix): Backend {
  const { rows: n, cols: d, data } = x;
  return {
    // deno-lint-ignore require-await -- the Backend is async for onnxruntime's sake
    async dots(b, m) {
      const out = new Float32Array(n * m);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let c = 0, oi = i * d, oj = j * d; c < d; c++) s += data[oi + c] * b[oj + c];
          out[i * m + j] = s;
        }
      }
      return out;
    },
    // deno-lint-ignore require-await -- as dots
    async nearest(b, m, bias) {
      const best = new Int32Array(n), score = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        let bj = 0, bv = -Infinity;
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let c = 0, oi = i * d, oj = j * d; c < d; c++) s += data[oi + c] * b[oj + c];
          s -= bias[j];
          if (s > bv) bv = s, bj = j;
        }
        best[i] = bj;
        score[i] = bv;
      }
      return { best, score };
    },
    async close() {},
  };
}

function sqNorms(x: Matrix): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let c = 0, o = i * x.cols; c < x.cols; c++) s += x.data[o + c] * x.data[o + c];
    out[i] = s;
  }
  return out;
}

/** k-means++ seeding; returns k centre rows. */
async function plusPlus(
  x: Matrix,
  k: number,
  random: Random,
  be: Backend,
  xn: Float64Array,
): Promise<Float32Array> {
  const n = x.rows, d = x.cols;
  const centres = new Float32Array(k * d);
  const first = Math.floor(random() * n);
  centres.set(x.data.subarray(first * d, (first + 1) * d), 0);
  const closest = new Float64Array(n);
  let pot = 0;
  const d0 = await be.dots(centres.subarray(0, d), 1);
  for (let i = 0; i < n; i++) pot += closest[i] = Math.max(0, xn[i] - 2 * d0[i] + xn[first]);
  const trials = 2 + Math.floor(Math.log(k));
  const cand = new Int32Array(trials);
  const candRows = new Float32Array(trials * d);
  for (let c = 1; c < k; c++) {
    for (let t = 0; t < trials; t++) {
      let r = random() * pot, idx = 0;
      while (idx < n - 1 && r >= closest[idx]) r -= closest[idx++];
      cand[t] = idx;
      candRows.set(x.data.subarray(idx * d, (idx + 1) * d), t * d);
    }
    const dots = await be.dots(candRows, trials);
    let bestPot = Infinity, bestT = 0;
    for (let t = 0; t < trials; t++) {
      let p = 0;
      const cn = xn[cand[t]];
      for (let i = 0; i < n; i++) {
        p += Math.min(closest[i], Math.max(0, xn[i] - 2 * dots[i * trials + t] + cn));
      }
      if (p < bestPot) bestPot = p, bestT = t;
    }
    const cn = xn[cand[bestT]];
    for (let i = 0; i < n; i++) {
      closest[i] = Math.min(closest[i], Math.max(0, xn[i] - 2 * dots[i * trials + bestT] + cn));
    }
    centres.set(x.data.subarray(cand[bestT] * d, (cand[bestT] + 1) * d), c * d);
    pot = bestPot;
  }
  return centres;
}

/** One Lloyd run from k-means++ seeds; returns labels and inertia. */
async function lloyd(
  x: Matrix,
  k: number,
  p: KmeansParams,
  random: Random,
  xn: Float64Array,
  be: Backend,
): Promise<{ labels: Int32Array; inertia: number }> {
  const n = x.rows, d = x.cols, data = x.data;
  const centres = await plusPlus(x, k, random, be, xn);
  let labels: Int32Array = new Int32Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  let variance = 0;
  {
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] += data[i * d + c] / n;
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) variance += (data[i * d + c] - mean[c]) ** 2;
    variance /= n * d;
  }
  const half = new Float32Array(k);
  let inertia = 0;
  for (let it = 0; it < p.maxIter; it++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += centres[j * d + c] * centres[j * d + c];
      half[j] = s / 2;
    }
    const { best, score } = await be.nearest(centres, k, half);
    labels = best;
    inertia = 0;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const b = best[i];
      inertia += Math.max(0, xn[i] - 2 * score[i]);
      counts[b]++;
      for (let c = 0, oi = i * d, ob = b * d; c < d; c++) sums[ob + c] += data[oi + c];
    }
    let shift = 0;
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) continue; // an empty cluster keeps its centre
      for (let c = 0; c < d; c++) {
        const v = sums[j * d + c] / counts[j];
        shift += (v - centres[j * d + c]) ** 2;
        centres[j * d + c] = v;
      }
    }
    if (shift <= p.tol * variance) break;
  }
  return { labels, inertia };
}

/** K-Means with k-means++ and restarts. */
export const kmeans: Clusterer<KmeansParams> = {
  name: "kmeans",
  defaults: { k: 8, restarts: 3, maxIter: 100, tol: 1e-4, backend: "auto" },
  params: {
    k: { type: "int", min: 1, max: 1000000, description: "number of clusters" },
    restarts: { type: "int", min: 1, max: 100, description: "k-means++ restarts" },
    maxIter: { type: "int", min: 1, max: 10000, description: "maximum Lloyd iterations" },
    tol: { type: "number", min: 0, description: "relative centre-shift tolerance" },
    backend: { type: "enum", values: ["auto", "js", "onnx"], description: "where distances are computed" },
  },
  needs: "vectors",
  enforcesCannotLink: false,
  async run(input, params, ctx) {
    const p = validateParams<KmeansParams>(this.name, this.params, params);
    const { x } = input;
    const k = Math.min(p.k, x.rows);
    if (k === 0) return { labels: new Int32Array(0) };
    const useOnnx = p.backend === "onnx" || (p.backend === "auto" && x.rows * k * x.cols > 1e8);
    const be = useOnnx ? new OnnxProducts(x) : jsBackend(x);
    try {
      const xn = sqNorms(x);
      let best: { labels: Int32Array; inertia: number } | undefined;
      for (let r = 0; r < p.restarts; r++) {
        if (ctx.signal?.aborted) throw new Error("kmeans: aborted");
        const run = await lloyd(x, k, p, ctx.random, xn, be);
        if (!best || run.inertia < best.inertia) best = run;
      }
      return { labels: relabel(best!.labels) };
    } finally {
      await be.close();
    }
  },
};
