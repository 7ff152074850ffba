/**
 * A 2-D scatter (e.g. a UMAP layout) as a compact SVG: one path per colour, each point a
 * zero-length round-capped segment, so that 25,000 points cost about 14 bytes each.
 * @module
 */
import type { Layout } from "./umap.ts";
import { escapeHtml as escapeXml } from "../util/html.ts";
import { groupColour } from "./palette.ts";

/** Size of a scatter figure. */
export interface ScatterBox {
  /** Width in pixels (default 760). */
  width?: number;
  /** Height in pixels (default 560). */
  height?: number;
  /** Margin around the points (default 12). */
  margin?: number;
}

/** One colouring of the points: a group per point (negative = none), drawn in grey. */
export interface Colouring {
  /** CSS class of the layer's `<g>` (so that a page can switch layers). */
  className: string;
  /** Group per point. */
  groups: Int32Array;
  /** Accessible name of the layer. */
  label?: string;
}

/** Options of {@link scatterSvg}. */
export interface ScatterOptions extends ScatterBox {
  /** Point radius in pixels (default: from the point count, 1.2 to 4). */
  radius?: number;
  /** Accessible title of the figure. */
  title?: string;
  /** `id` attribute of the `<svg>`. */
  id?: string;
}

/**
 * Scales a layout into a box, keeping the aspect ratio, centred; coordinates rounded to 0.1
 * pixel. Returns interleaved pixel coordinates.
 */
export function scaleLayout(layout: Layout, box: ScatterBox = {}): Float32Array {
  const w = box.width ?? 760, h = box.height ?? 560, m = box.margin ?? 12;
  const { xy, n } = layout;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, xy[2 * i]);
    x1 = Math.max(x1, xy[2 * i]);
    y0 = Math.min(y0, xy[2 * i + 1]);
    y1 = Math.max(y1, xy[2 * i + 1]);
  }
  const span = Math.max(x1 - x0, y1 - y0) || 1;
  const s = Math.min((w - 2 * m) / (x1 - x0 || span), (h - 2 * m) / (y1 - y0 || span));
  const ox = (w - (x1 - x0) * s) / 2, oy = (h - (y1 - y0) * s) / 2;
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = Math.round(((xy[2 * i] - x0) * s + ox) * 10) / 10;
    out[2 * i + 1] = Math.round((h - ((xy[2 * i + 1] - y0) * s + oy)) * 10) / 10; // y up
  }
  return out;
}

/** A layout scaled into a box with its outliers pinned to the border (see {@link robustScaleLayout}). */
export interface RobustLayout {
  /** Interleaved pixel coordinates (outliers on the border). */
  points: Float32Array;
  /** 1 for each point that lay outside the view and was pinned to its border. */
  pinned: Uint8Array;
}

/** Options of {@link robustScaleLayout}. */
export interface RobustOptions extends ScatterBox {
  /** Share of points at each end of each axis that may fall outside the core (default 0.01). */
  clip?: number;
  /** Room kept around the core, as a share of its span (default 0.25). */
  slack?: number;
}

function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1), lo = Math.floor(at), hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Scales a layout into a box like {@link scaleLayout}, but fitted to the bulk of the points
 * rather than to all of them, so that a few far outliers do not squeeze everything else into
 * a corner: the view spans the `clip` to `1 - clip` quantiles of each axis widened by `slack`
 * of that span on each side, and points beyond it are pinned to the border (and flagged).
 * Both axes keep one scale, so distances mean the same across and down.
 */
export function robustScaleLayout(layout: Layout, opts: RobustOptions = {}): RobustLayout {
  const w = opts.width ?? 760, h = opts.height ?? 560, m = opts.margin ?? 12;
  const clip = opts.clip ?? 0.01, slack = opts.slack ?? 0.25;
  const { xy, n } = layout;
  const pinned = new Uint8Array(n);
  if (n === 0) return { points: new Float32Array(0), pinned };
  const bounds = [0, 1].map((axis) => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = xy[2 * i + axis];
    v.sort();
    const lo = quantile(v, clip), hi = quantile(v, 1 - clip), pad = (hi - lo) * slack;
    return [Math.max(v[0], lo - pad), Math.min(v[n - 1], hi + pad)] as const;
  });
  const [[x0, x1], [y0, y1]] = bounds;
  const span = Math.max(x1 - x0, y1 - y0) || 1;
  const s = Math.min((w - 2 * m) / (x1 - x0 || span), (h - 2 * m) / (y1 - y0 || span));
  const ox = (w - (x1 - x0) * s) / 2, oy = (h - (y1 - y0) * s) / 2;
  const points = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    const cx = Math.min(x1, Math.max(x0, x)), cy = Math.min(y1, Math.max(y0, y));
    if (cx !== x || cy !== y) pinned[i] = 1;
    points[2 * i] = Math.round(((cx - x0) * s + ox) * 10) / 10;
    points[2 * i + 1] = Math.round((h - ((cy - y0) * s + oy)) * 10) / 10; // y up
  }
  return { points, pinned };
}

/** A default point radius: larger for few points. */
export function defaultRadius(n: number): number {
  return Math.round(Math.max(1.2, Math.min(4, 60 / Math.sqrt(Math.max(1, n)))) * 10) / 10;
}

function num(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** The `<path>` elements of one colouring: grey (no group) first, then one per colour. */
function layer(points: Float32Array, groups: Int32Array, r: number): string {
  const byColour = new Map<string, string[]>();
  const none: string[] = [];
  for (let i = 0; i < groups.length; i++) {
    const seg = `M${num(points[2 * i])} ${num(points[2 * i + 1])}h0`;
    if (groups[i] < 0) {
      none.push(seg);
      continue;
    }
    const c = groupColour(groups[i]);
    const list = byColour.get(c);
    if (list) list.push(seg);
    else byColour.set(c, [seg]);
  }
  const path = (colour: string, segs: string[]) =>
    `<path stroke="${colour}" stroke-width="${num(2 * r)}" d="${segs.join("")}"/>`;
  const colours = [...byColour.keys()].sort();
  return (none.length ? path(groupColour(-1), none) : "") +
    colours.map((c) => path(c, byColour.get(c)!)).join("");
}

/**
 * The scatter of pixel `points` (see {@link scaleLayout}) with one `<g>` layer per colouring
 * (all visible; a page may hide layers by class).
 */
export function scatterSvg(
  points: Float32Array,
  colourings: readonly Colouring[],
  opts: ScatterOptions = {},
): string {
  const w = opts.width ?? 760, h = opts.height ?? 560;
  const n = points.length / 2;
  const r = opts.radius ?? defaultRadius(n);
  const layers = colourings.map((c) => {
    if (c.groups.length !== n) throw new RangeError(`scatter: ${c.groups.length} groups for ${n} points`);
    const label = c.label ? ` aria-label="${escapeXml(c.label)}"` : "";
    return `<g class="${escapeXml(c.className)}"${label}>${layer(points, c.groups, r)}</g>`;
  });
  const id = opts.id ? ` id="${escapeXml(opts.id)}"` : "";
  const title = opts.title ? `<title>${escapeXml(opts.title)}</title>` : "";
  return `<svg xmlns="http://www.w3.org/2000/svg"${id} viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" ` +
    `role="img" fill="none" stroke-linecap="round">${title}<rect width="${w}" height="${h}" fill="#fff"/>` +
    `${layers.join("")}</svg>`;
}

/**
 * Convenience for notebooks: a UMAP (or any) layout coloured by `groups`, as SVG text, fitted
 * to the bulk of the points (far outliers pinned to the border, see {@link robustScaleLayout}).
 */
export function layoutScatter(
  layout: Layout,
  groups: Int32Array,
  opts: ScatterOptions & Pick<RobustOptions, "clip" | "slack"> = {},
): string {
  return scatterSvg(robustScaleLayout(layout, opts).points, [{ className: "groups", groups }], opts);
}
