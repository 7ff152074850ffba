/**
 * Similarity histograms: cosine similarities of sampled pairs within a group (same cluster,
 * or same person) against pairs across groups, the overlap being where mistakes happen.
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { Matrix } from "../matrix.ts";
import { seededRandom } from "../util/random.ts";
import { plotSvg } from "./svg.ts";

/** Sampled similarities of pairs in one group and across groups. */
export interface PairSample {
  /** Similarities of pairs of faces with the same label. */
  same: Float32Array;
  /** Similarities of pairs with different labels (a negative label counts as a group of one). */
  different: Float32Array;
}

function dot(x: Matrix, a: number, b: number): number {
  const d = x.cols, o = a * d, p = b * d, v = x.data;
  let s = 0;
  for (let c = 0; c < d; c++) s += v[o + c] * v[p + c];
  return s;
}

/**
 * Samples up to `pairs` same-label pairs (each face of a group of two or more equally likely
 * as the first face, its partner a random other member) and `pairs` different-label pairs
 * (two random faces whose labels differ; label < 0 differs from everything). Seeded.
 */
export function samplePairs(x: Matrix, labels: Int32Array, pairs = 20000, seed = 1): PairSample {
  const n = x.rows;
  if (labels.length !== n) throw new RangeError(`samplePairs: ${labels.length} labels for ${n} rows`);
  const random = seededRandom(seed);
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0) continue;
    const m = members.get(labels[i]);
    if (m) m.push(i);
    else members.set(labels[i], [i]);
  }
  const inGroups: number[] = [];
  for (const m of members.values()) if (m.length > 1) inGroups.push(...m);
  const same = new Float32Array(inGroups.length ? pairs : 0);
  for (let t = 0; t < same.length; t++) {
    const a = inGroups[Math.floor(random() * inGroups.length)];
    const m = members.get(labels[a])!;
    let b = m[Math.floor(random() * (m.length - 1))];
    if (b === a) b = m[m.length - 1];
    same[t] = dot(x, a, b);
  }
  const different: number[] = [];
  const differs = (a: number, b: number) => a !== b && (labels[a] < 0 || labels[a] !== labels[b]);
  for (let t = 0; t < pairs * 4 && different.length < pairs && n > 1; t++) {
    const a = Math.floor(random() * n), b = Math.floor(random() * n);
    if (differs(a, b)) different.push(dot(x, a, b));
  }
  return { same, different: Float32Array.from(different) };
}

/** Share of values per bin of width `step` starting at `min` (values outside are clamped). */
export function histogram(values: Float32Array, min: number, max: number, step: number): Float64Array {
  const bins = Math.max(1, Math.round((max - min) / step));
  const out = new Float64Array(bins);
  if (values.length === 0) return out;
  for (const v of values) out[Math.min(bins - 1, Math.max(0, Math.floor((v - min) / step)))]++;
  for (let i = 0; i < bins; i++) out[i] /= values.length;
  return out;
}

/** Options of {@link similarityFigure}. */
export interface SimilarityFigureOptions {
  /** Names of the two groups (default "same cluster", "different clusters"). */
  names?: [string, string];
  /** A similarity to mark with a vertical rule (e.g. 1 - the clustering's distance threshold). */
  threshold?: number;
  /** Label of the rule (default "threshold"). */
  thresholdLabel?: string;
  /** Width in pixels (default 560). */
  width?: number;
  /** Height in pixels (default 240). */
  height?: number;
  /** Bin width (default 0.025). */
  step?: number;
}

/** Overlaid histograms (share of pairs per bin) of the two samples, as SVG/figure markup. */
export function similarityFigure(sample: PairSample, opts: SimilarityFigureOptions = {}): string {
  const [sameName, diffName] = opts.names ?? ["same cluster", "different clusters"];
  const step = opts.step ?? 0.025;
  let lo = -0.2;
  for (const v of sample.different) lo = Math.min(lo, v);
  for (const v of sample.same) lo = Math.min(lo, v);
  const min = Math.floor(lo / step) * step, max = 1;
  const rows: { group: string; x: number; share: number }[] = [];
  for (const [group, values] of [[diffName, sample.different], [sameName, sample.same]] as const) {
    if (values.length === 0) continue;
    histogram(values, min, max, step).forEach((share, i) =>
      rows.push({ group, x: min + (i + 0.5) * step, share })
    );
  }
  const t = opts.threshold;
  const marks: Plot.Markish[] = [
    Plot.areaY(rows, { x: "x", y: "share", fill: "group", fillOpacity: 0.3, curve: "step" }),
    Plot.lineY(rows, { x: "x", y: "share", stroke: "group", curve: "step" }),
    Plot.ruleY([0]),
  ];
  if (t !== undefined && Number.isFinite(t)) {
    marks.push(
      Plot.ruleX([t], { stroke: "#1f2328", strokeDasharray: "4,3" }),
      Plot.text([t], {
        x: (d: number) => d,
        frameAnchor: "top",
        text: () => opts.thresholdLabel ?? "threshold",
        dx: 4,
        textAnchor: "start",
      }),
    );
  }
  return plotSvg({
    width: opts.width ?? 560,
    height: opts.height ?? 240,
    x: { label: "cosine similarity", domain: [min, max] },
    y: { label: "share of pairs", grid: true, tickFormat: "%" },
    color: { domain: [diffName, sameName], range: ["#ff725c", "#4269d0"], legend: true },
    marks,
  });
}
