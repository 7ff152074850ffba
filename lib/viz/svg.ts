/**
 * SVG output helpers: Observable Plot rendered on the server with linkedom as its DOM, and
 * rounding of coordinates so that figures are small and snapshot-stable.
 * @module
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/** Options of an Observable Plot figure (`Plot.plot`), without `document`. */
export type PlotOptions = Omit<Plot.PlotOptions, "document">;

/**
 * Rounds every decimal number inside attribute values (coordinates, path data, transforms) to
 * `digits` decimals, dropping trailing zeros. Text content (tick labels, titles) is untouched.
 */
export function roundSvgNumbers(svg: string, digits = 2): string {
  const f = 10 ** digits;
  const round = (m: string) => {
    const v = Math.round(Number(m) * f) / f;
    return Object.is(v, -0) ? "0" : String(v);
  };
  return svg.replace(
    /(\s[\w:-]+=")([^"]*)"/g,
    (_all, head: string, value: string) => `${head}${value.replace(/-?\d*\.\d+(?:e-?\d+)?/g, round)}"`,
  );
}

/**
 * Renders an Observable Plot figure to markup (an `<svg>`, or a `<figure>` when it has a
 * title, caption or legend) without a browser, numbers rounded to two decimals.
 */
export function plotSvg(options: PlotOptions): string {
  const { document } = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>") as unknown as {
    document: Plot.PlotOptions["document"];
  };
  const el = Plot.plot({ ...options, document }) as unknown as { outerHTML: string };
  return roundSvgNumbers(el.outerHTML);
}
