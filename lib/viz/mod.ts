/**
 * Figures of face embeddings and clusterings, each a function returning SVG (or figure)
 * markup, usable in reports and in notebook cells:
 *
 * ```ts
 * import { clusterSizeFigure, display, layoutScatter, umapLayout } from "./lib/viz/mod.ts";
 * const layout = await umapLayout(x, { seed: 1 });
 * display(layoutScatter(layout, labels)); // in a Jupyter cell with the Deno kernel
 * display(clusterSizeFigure(labels));
 * ```
 * @module
 */
export * from "./umap.ts";
export * from "./scatter.ts";
export * from "./palette.ts";
export * from "./cluster_sizes.ts";
export * from "./similarity.ts";
export * from "./sweep_figures.ts";
export * from "./svg.ts";

/** Wraps markup so that a Jupyter cell (Deno kernel) shows it as HTML/SVG. */
export function display(markup: string): { [key: symbol]: () => Record<string, string> } {
  return { [Symbol.for("Jupyter.display")]: () => ({ "text/html": markup }) };
}
