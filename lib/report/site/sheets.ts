/**
 * Contact sheets of the exploration report: faces composed into grid JPEGs (one request per
 * up to 64 faces, lazy-loaded), written under `assets/` or inlined as data: URIs, and their
 * HTML with one hover title (and optional link) per face.
 * @module
 */
import { composeContactSheet, type ContactSheetOptions, type Rgb } from "../contact_sheet.ts";
import { markup, type SafeHtml, safeHttpUrl } from "../../util/html.ts";
import { dataUri } from "./doc.ts";

/** A face's place on a sheet, in sheet pixels. */
export interface SheetTile {
  /** Face row (index into the run's faces). */
  row: number;
  /** Left. */
  x: number;
  /** Top. */
  y: number;
  /** Edge length. */
  size: number;
}

/** A composed sheet and where it can be found. */
export interface PlacedSheet {
  /** Asset name without extension, e.g. `cluster-3-1`. */
  name: string;
  /** The `src` of its `<img>`: `assets/<name>.jpg` or a data: URI. */
  src: string;
  /** How a script finds its image: the `src` (folder) or `#img-<name>` (single file). */
  ref: string;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Faces on it. */
  tiles: SheetTile[];
}

/** Where composed sheets go. */
export class SheetSink {
  /** Asset files to write (name -> JPEG bytes), folder mode only. */
  readonly files = new Map<string, Uint8Array>();
  /** Bytes of all sheets made. */
  bytes = 0;

  /**
   * @param thumbnails JPEG thumbnail per face row
   * @param single inline sheets as data: URIs instead of files
   * @param layout tile size, columns and quality
   */
  constructor(
    readonly thumbnails: readonly (Uint8Array | undefined)[],
    readonly single: boolean,
    readonly layout: Required<Pick<ContactSheetOptions, "tile" | "columns" | "quality" | "gap">>,
  ) {}

  /** Composes the faces `rows` (at most 64) in order into sheet `name`; `frames` marks faces. */
  async sheet(
    name: string,
    rows: ArrayLike<number>,
    frames?: readonly (Rgb | undefined)[],
  ): Promise<PlacedSheet> {
    const list = Array.from(rows);
    const sheet = await composeContactSheet(
      list.map((r) => this.thumbnails[r]),
      { ...this.layout, maxTiles: Math.max(1, list.length) },
      frames,
    );
    this.bytes += sheet.jpeg.length;
    let src: string;
    if (this.single) src = dataUri(sheet.jpeg);
    else {
      this.files.set(name, sheet.jpeg);
      src = `assets/${name}.jpg`;
    }
    return {
      name,
      src,
      ref: this.single ? `#img-${name}` : src,
      width: sheet.width,
      height: sheet.height,
      tiles: sheet.tiles.map((t) => ({ row: list[t.index], x: t.x, y: t.y, size: t.w })),
    };
  }

  /**
   * Sheets of `rows` in order: the first holds `first` faces (a preview), the others `per`
   * faces each. Sheet names are `<prefix>-1`, `<prefix>-2`, ...
   */
  async sheets(
    prefix: string,
    rows: ArrayLike<number>,
    first: number,
    per: number,
    frames?: readonly (Rgb | undefined)[],
  ): Promise<PlacedSheet[]> {
    const out: PlacedSheet[] = [];
    for (let start = 0, k = 1; start < rows.length; k++) {
      const end = Math.min(rows.length, start + (k === 1 ? first : per));
      out.push(
        await this.sheet(
          `${prefix}-${k}`,
          Array.prototype.slice.call(rows, start, end),
          frames?.slice(start, end),
        ),
      );
      start = end;
    }
    return out;
  }
}

/** What hovering (and clicking) a face on a sheet gives. */
export interface TileInfo {
  /** Hover text. */
  label: string;
  /** Link (only http(s) URLs are used). */
  href?: string;
  /** Marks the face as not the cluster's majority person. */
  foreign?: boolean;
}

function pct(v: number, total: number): string {
  return `${Math.round((v / total) * 1e5) / 1e3}%`;
}

/**
 * A sheet image with one positioned hover box per face (a link when the face has an http(s)
 * URL and `links` is true). `home` gives the image the id a script can find it by; `scale`
 * shrinks it on the page.
 */
export function sheetHtml(
  sheet: PlacedSheet,
  info: (row: number) => TileInfo,
  alt: string,
  opts: { links?: boolean; home?: boolean; scale?: number } = {},
): SafeHtml {
  const tiles = sheet.tiles.map((t) => {
    const i = info(t.row);
    const style =
      `left:${pct(t.x, sheet.width)};top:${pct(t.y, sheet.height)};width:${pct(t.size, sheet.width)};` +
      `height:${pct(t.size, sheet.height)}`;
    const cls = i.foreign ? "t foreign" : "t";
    const href = opts.links ? safeHttpUrl(i.href) : undefined;
    return href
      ? markup`<a class="${cls}" href="${href}" target="_blank" rel="noopener noreferrer" title="${i.label}" aria-label="${i.label}" style="${style}"></a>`
      : markup`<span class="${cls}" title="${i.label}" style="${style}"></span>`;
  });
  const id = opts.home && sheet.ref.startsWith("#") ? markup` id="${sheet.ref.slice(1)}"` : "";
  const shown = Math.round(sheet.width * (opts.scale ?? 1));
  return markup`<div class="sheet" style="width:${shown}px"><img${id} src="${sheet.src}" width="${sheet.width}" height="${sheet.height}" alt="${alt}" loading="lazy" decoding="async">${tiles}</div>`;
}
