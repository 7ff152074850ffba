/**
 * A grid of small images with captions (sample photos, face thumbnails), as HTML with the
 * images inlined as data: URIs, every caption and tooltip escaped.
 * @module
 */
import { markup } from "../util/html.ts";
import { dataUri } from "../report/site/doc.ts";
import { type Displayable, displayable, imageType } from "./display.ts";

/** One tile of an {@link imageGrid}. */
export interface GridItem {
  /** PNG or JPEG bytes; a grey box stands in when absent or of another type. */
  image?: Uint8Array;
  /** Short caption under the tile (e.g. a file name). */
  caption?: string;
  /** Tooltip (e.g. the full path). */
  title?: string;
  /** Frame colour (CSS colour of our own choosing, e.g. to mark a suspect face). */
  frame?: string;
}

/** Options of {@link imageGrid}. */
export interface GridOptions {
  /** Tile edge in CSS pixels (default 120). */
  size?: number;
  /** Heading above the grid. */
  heading?: string;
}

const FRAME = /^#[0-9a-f]{3,8}$|^[a-z]+$/i;

/** Tiles left to right, wrapping; the text form lists the captions. */
export function imageGrid(items: readonly GridItem[], opts: GridOptions = {}): Displayable {
  const size = Math.max(16, Math.round(opts.size ?? 120));
  const tiles = items.map((it) => {
    const type = it.image ? imageType(it.image) : undefined;
    const frame = it.frame && FRAME.test(it.frame)
      ? `outline:3px solid ${it.frame};outline-offset:-3px;`
      : "";
    const box = `width:${size}px;height:${size}px;object-fit:contain;background:#eee;display:block;${frame}`;
    const img = type
      ? markup`<img src="${dataUri(it.image!, type)}" alt="${it.caption ?? ""}" style="${box}">`
      : markup`<div style="${box}" role="img" aria-label="no image"></div>`;
    const caption = it.caption
      ? markup`<figcaption style="font-size:11px;overflow-wrap:anywhere;max-width:${size}px">${it.caption}</figcaption>`
      : "";
    return markup`<figure style="margin:0" title="${it.title ?? it.caption ?? ""}">${img}${caption}</figure>`;
  });
  const heading = opts.heading ? markup`<p style="font-weight:600;margin:4px 0">${opts.heading}</p>` : "";
  const htmlText = markup`${heading}<div style="display:flex;flex-wrap:wrap;gap:6px">${tiles}</div>`;
  const text = [
    ...(opts.heading ? [opts.heading] : []),
    `[${items.length} images] ${items.map((it) => it.caption ?? "").filter(Boolean).join(", ")}`,
  ].join("\n");
  return displayable({ "text/html": htmlText.value, "text/plain": text });
}
