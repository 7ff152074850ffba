/**
 * Figures of a sweep (rows as written by lib/sweep: method, params, metrics, time, seed):
 * a metric against a hyperparameter for each method, and a heatmap where two vary.
 * @module
 */
import * as Plot from "@observablehq/plot";
import { bestBy, type RunRow } from "../sweep/selection.ts";
import { plotSvg } from "./svg.ts";

/** Text of a parameter value (strings as is, the rest as JSON). */
export function paramText(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v); // e.g. a cycle
  }
}

/** The successful rows of `method` that have a finite `metric`. */
function usable(rows: readonly RunRow[], method: string, metric: string): RunRow[] {
  return rows.filter((r) => r.method === method && !r.error && Number.isFinite(r.metrics[metric]));
}

/** Parameter names whose values differ across `rows`, most distinct values first (ties: by name). */
export function varyingParams(rows: readonly RunRow[]): string[] {
  const values = new Map<string, Set<string>>();
  for (const r of rows) {
    for (const [k, v] of Object.entries(r.params)) {
      if (!values.has(k)) values.set(k, new Set());
      values.get(k)!.add(paramText(v));
    }
  }
  return [...values].filter(([, s]) => s.size > 1).sort((a, b) =>
    b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1)
  )
    .map(([k]) => k);
}

/** Methods of the sweep in order of first appearance. */
export function sweepMethods(rows: readonly RunRow[]): string[] {
  return [...new Set(rows.map((r) => r.method))];
}

function isNumeric(rows: readonly RunRow[], p: string): boolean {
  return rows.every((r) => typeof r.params[p] === "number");
}

/** Options of {@link metricByParamFigure}. */
export interface MetricFigureOptions {
  /** Method whose runs are drawn. */
  method: string;
  /** Metric on the y axis. */
  metric: string;
  /** Hyperparameter on the x axis (default: the numeric one that varies most). */
  x?: string;
  /** Width in pixels (default 420). */
  width?: number;
  /** Height in pixels (default 240). */
  height?: number;
}

/**
 * `metric` against one hyperparameter for one method, one line per combination of the other
 * varying parameters, the best run circled; undefined when the method has no usable run.
 */
export function metricByParamFigure(rows: readonly RunRow[], opts: MetricFigureOptions): string | undefined {
  const runs = usable(rows, opts.method, opts.metric);
  if (runs.length === 0) return undefined;
  const varying = varyingParams(runs);
  const x = opts.x ?? varying.find((p) => isNumeric(runs, p)) ?? varying[0];
  const others = varying.filter((p) => p !== x);
  const series = (r: RunRow) => others.map((p) => `${p}=${paramText(r.params[p])}`).join(", ") || "all runs";
  const data = runs.map((r) => ({
    x: x === undefined
      ? "(one setting)"
      : isNumeric(runs, x)
      ? r.params[x] as number
      : paramText(r.params[x]),
    y: r.metrics[opts.metric],
    series: series(r),
    tip: `${r.id}: ${opts.metric} ${r.metrics[opts.metric].toFixed(4)}`,
  })).sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : 0));
  const best = bestBy(runs, opts.metric)!;
  const bestDatum = data.find((d) => d.tip.startsWith(`${best.id}:`));
  const nSeries = new Set(data.map((d) => d.series)).size;
  const numericX = x !== undefined && isNumeric(runs, x);
  // A flat metric would give Plot an empty y domain: widen it around the value.
  const ys = data.map((d) => d.y);
  const lo = Math.min(...ys), hi = Math.max(...ys);
  const yDomain = hi - lo < 1e-9 ? [lo - 0.05, hi + 0.05] : undefined;
  return plotSvg({
    width: opts.width ?? 420,
    height: opts.height ?? 240,
    marginRight: 16,
    title: opts.method,
    x: { label: x ?? "", ...(numericX ? {} : { type: "point" as const }) },
    y: { label: opts.metric, grid: true, ...(yDomain ? { domain: yDomain } : {}) },
    color: nSeries > 1 ? { legend: true } : undefined,
    marks: [
      ...(numericX
        ? [Plot.line(data, { x: "x", y: "y", stroke: nSeries > 1 ? "series" : "#4269d0", z: "series" })]
        : []),
      Plot.dot(data, { x: "x", y: "y", fill: nSeries > 1 ? "series" : "#4269d0", r: 2.5, title: "tip" }),
      ...(bestDatum
        ? [Plot.dot([bestDatum], { x: "x", y: "y", r: 6, stroke: "#1f2328", strokeWidth: 1.5 })]
        : []),
    ],
  });
}

/** {@link metricByParamFigure} for every method of the sweep that has usable runs. */
export function metricByParamFigures(
  rows: readonly RunRow[],
  metric: string,
): { method: string; svg: string }[] {
  return sweepMethods(rows).flatMap((method) => {
    const svg = metricByParamFigure(rows, { method, metric });
    return svg ? [{ method, svg }] : [];
  });
}

/** A method and two of its hyperparameters to draw as a heatmap. */
export interface HeatmapSpec {
  /** Method. */
  method: string;
  /** Hyperparameter along x. */
  x: string;
  /** Hyperparameter along y. */
  y: string;
}

/** For each method where two or more hyperparameters vary: the two that vary most. */
export function heatmapSpecs(rows: readonly RunRow[]): HeatmapSpec[] {
  return sweepMethods(rows).flatMap((method) => {
    const v = varyingParams(rows.filter((r) => r.method === method && !r.error));
    return v.length >= 2 ? [{ method, x: v[0], y: v[1] }] : [];
  });
}

/**
 * The sweep table of one method as a heatmap of `metric` over two hyperparameters, each cell
 * labelled with its value; other varying parameters are held at the best run's values (the
 * caption says which). Undefined without usable runs.
 */
export function sweepHeatmap(
  rows: readonly RunRow[],
  spec: HeatmapSpec & { metric: string; width?: number },
): string | undefined {
  let runs = usable(rows, spec.method, spec.metric);
  const best = bestBy(runs, spec.metric);
  if (!best) return undefined;
  const fixed = varyingParams(runs).filter((p) => p !== spec.x && p !== spec.y);
  runs = runs.filter((r) => fixed.every((p) => paramText(r.params[p]) === paramText(best.params[p])));
  const order = (p: string) =>
    [...new Set(runs.map((r) => r.params[p]))].sort((a, b) =>
      typeof a === "number" && typeof b === "number" ? a - b : paramText(a) < paramText(b) ? -1 : 1
    ).map(paramText);
  const xs = order(spec.x), ys = order(spec.y);
  const values = runs.map((r) => r.metrics[spec.metric]);
  const lo = Math.min(...values), hi = Math.max(...values);
  const data = runs.map((r) => ({
    x: paramText(r.params[spec.x]),
    y: paramText(r.params[spec.y]),
    v: r.metrics[spec.metric],
    label: r.metrics[spec.metric].toFixed(3),
    // Dark text on the light (high) end of viridis, white on the dark end.
    ink: hi > lo && (r.metrics[spec.metric] - lo) / (hi - lo) > 0.6 ? "#1f2328" : "#ffffff",
  }));
  const caption = fixed.length
    ? `${spec.metric}; other parameters at the best run's values: ` +
      fixed.map((p) => `${p}=${paramText(best.params[p])}`).join(", ")
    : spec.metric;
  return plotSvg({
    width: spec.width ?? Math.max(260, Math.min(640, 90 + 56 * xs.length)),
    height: 60 + 26 * ys.length,
    marginLeft: 80,
    title: spec.method,
    caption,
    padding: 0.04,
    x: { label: spec.x, domain: xs },
    y: { label: spec.y, domain: ys },
    color: { scheme: "viridis", label: spec.metric },
    marks: [
      Plot.cell(data, { x: "x", y: "y", fill: "v", title: "label" }),
      ...(["#ffffff", "#1f2328"] as const).map((ink) =>
        Plot.text(data.filter((d) => d.ink === ink), {
          x: "x",
          y: "y",
          text: "label",
          fontSize: 10,
          fill: ink,
        })
      ),
    ],
  });
}
