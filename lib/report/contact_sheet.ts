/**
 * Contact sheets: many face thumbnails composed into one grid JPEG, so that a report with
 * thousands of faces loads a few images instead of thousands.
 * @module
 */
import { Buffer } from "node:buffer";
import sharp from "sharp";
import { ToolkitError } from "../errors.ts";

/** Layout and encoding of a contact sheet. */
export interface ContactSheetOptions {
  /** Tiles per row at most (default 8); a sheet with fewer tiles is as wide as it needs. */
  columns?: number;
  /** Tile edge in pixels (default 96). */
  tile?: number;
  /** Gap between tiles and around the edge, in pixels (default 2). */
  gap?: number;
  /** Tiles per sheet at most (default 64). */
  maxTiles?: number;
  /** JPEG quality 1..100 (default 82). */
  quality?: number;
}

/** Where one input thumbnail lies on a sheet, in sheet pixels. */
export interface TileRect {
  /** Index of the thumbnail in the input list. */
  index: number;
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Width. */
  w: number;
  /** Height. */
  h: number;
  /** True when the thumbnail was absent or undecodable and a grey tile stands in for it. */
  missing: boolean;
}

/** A composed sheet. */
export interface ContactSheet {
  /** JPEG bytes. */
  jpeg: Uint8Array;
  /** Sheet width in pixels. */
  width: number;
  /** Sheet height in pixels. */
  height: number;
  /** One rectangle per input thumbnail, in input order. */
  tiles: TileRect[];
}

/** An RGB colour (0..255 each), e.g. of a tile frame. */
export interface Rgb {
  /** Red. */
  r: number;
  /** Green. */
  g: number;
  /** Blue. */
  b: number;
}

/** Width in pixels of the frame drawn inside a marked tile. */
export const FRAME_WIDTH = 4;

/** Defaults of {@link ContactSheetOptions}. */
export const CONTACT_SHEET_DEFAULTS: Required<ContactSheetOptions> = {
  columns: 8,
  tile: 96,
  gap: 2,
  maxTiles: 64,
  quality: 82,
};

const BACKGROUND = { r: 255, g: 255, b: 255 }; // the canvas is filled with 255
const MISSING = { r: 200, g: 200, b: 200 };

function resolve(opts: ContactSheetOptions): Required<ContactSheetOptions> {
  const o = { ...CONTACT_SHEET_DEFAULTS, ...opts };
  for (const k of ["columns", "tile", "maxTiles"] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) {
      throw new RangeError(`contact sheet: ${k} must be an integer >= 1`);
    }
  }
  if (!Number.isInteger(o.gap) || o.gap < 0) {
    throw new RangeError("contact sheet: gap must be an integer >= 0");
  }
  if (!Number.isInteger(o.quality) || o.quality < 1 || o.quality > 100) {
    throw new RangeError("contact sheet: quality must be an integer in 1..100");
  }
  return o;
}

/** Grid size and pixel size of a sheet holding `count` (>= 1) tiles. */
export function contactSheetLayout(
  count: number,
  opts: ContactSheetOptions = {},
): { columns: number; rows: number; width: number; height: number; tiles: Omit<TileRect, "missing">[] } {
  const o = resolve(opts);
  if (!Number.isInteger(count) || count < 1) throw new RangeError("contact sheet: needs at least one tile");
  const columns = Math.min(o.columns, count);
  const rows = Math.ceil(count / columns);
  const step = o.tile + o.gap;
  const tiles = Array.from({ length: count }, (_, i) => ({
    index: i,
    x: o.gap + (i % columns) * step,
    y: o.gap + Math.floor(i / columns) * step,
    w: o.tile,
    h: o.tile,
  }));
  return { columns, rows, width: o.gap + columns * step, height: o.gap + rows * step, tiles };
}

/** Decodes one thumbnail to a tile-sized RGB raw buffer, or null when it cannot be decoded. */
async function decodeTile(bytes: Uint8Array | undefined, tile: number): Promise<Buffer | null> {
  if (!bytes || bytes.length === 0) return null;
  try {
    const { data, info } = await sharp(bytes)
      .resize(tile, tile, { fit: "cover" })
      .flatten({ background: BACKGROUND })
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.width !== tile || info.height !== tile || info.channels !== 3) return null;
    return data;
  } catch {
    return null;
  }
}

/** Paints a frame of {@link FRAME_WIDTH} pixels inside the tile at (x, y) of an RGB canvas. */
function paintFrame(canvas: Buffer, width: number, x: number, y: number, tile: number, c: Rgb): void {
  const fw = Math.min(FRAME_WIDTH, Math.floor(tile / 2));
  for (let r = 0; r < tile; r++) {
    const edgeRow = r < fw || r >= tile - fw;
    for (let q = 0; q < tile; q++) {
      if (!edgeRow && q >= fw && q < tile - fw) continue;
      const at = ((y + r) * width + x + q) * 3;
      canvas[at] = c.r;
      canvas[at + 1] = c.g;
      canvas[at + 2] = c.b;
    }
  }
}

/**
 * Composes up to `maxTiles` thumbnails (in the given order, left to right, top to bottom)
 * into one JPEG grid. Absent or undecodable thumbnails become grey tiles. Where `frames`
 * gives a colour, a frame of that colour is drawn inside the tile (e.g. to mark a face that
 * does not belong to its cluster's majority person).
 */
export async function composeContactSheet(
  thumbnails: readonly (Uint8Array | undefined)[],
  opts: ContactSheetOptions = {},
  frames?: readonly (Rgb | undefined)[],
): Promise<ContactSheet> {
  const o = resolve(opts);
  if (thumbnails.length > o.maxTiles) {
    throw new ToolkitError(`contact sheet: ${thumbnails.length} tiles exceed the maximum of ${o.maxTiles}`);
  }
  const layout = contactSheetLayout(thumbnails.length, o);
  const decoded = await Promise.all(thumbnails.map((t) => decodeTile(t, o.tile)));
  // Blit the raw tiles into one RGB canvas and encode once (much faster than a composite of
  // many overlays, whose cost grows with canvas size times tile count).
  const canvas = Buffer.alloc(layout.width * layout.height * 3, 255);
  const grey = Buffer.alloc(o.tile * 3);
  for (let i = 0; i < grey.length; i += 3) grey.set([MISSING.r, MISSING.g, MISSING.b], i);
  const rowBytes = o.tile * 3;
  layout.tiles.forEach((t, i) => {
    const src = decoded[i];
    for (let r = 0; r < o.tile; r++) {
      const at = ((t.y + r) * layout.width + t.x) * 3;
      canvas.set(src ? src.subarray(r * rowBytes, (r + 1) * rowBytes) : grey, at);
    }
    const frame = frames?.[i];
    if (frame) paintFrame(canvas, layout.width, t.x, t.y, o.tile, frame);
  });
  const jpeg = await sharp(canvas, { raw: { width: layout.width, height: layout.height, channels: 3 } })
    .jpeg({ quality: o.quality })
    .toBuffer();
  return {
    jpeg: new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength),
    width: layout.width,
    height: layout.height,
    tiles: layout.tiles.map((t, i) => ({ ...t, missing: decoded[i] === null })),
  };
}

/**
 * Splits the thumbnails (and their optional frames) into consecutive sheets of at most
 * `maxTiles` each and composes them; each tile's `index` refers to the whole input list.
 */
export async function composeContactSheets(
  thumbnails: readonly (Uint8Array | undefined)[],
  opts: ContactSheetOptions = {},
  frames?: readonly (Rgb | undefined)[],
): Promise<ContactSheet[]> {
  const o = resolve(opts);
  const sheets: ContactSheet[] = [];
  for (let start = 0; start < thumbnails.length; start += o.maxTiles) {
    const sheet = await composeContactSheet(
      thumbnails.slice(start, start + o.maxTiles),
      o,
      frames?.slice(start, start + o.maxTiles),
    );
    for (const t of sheet.tiles) t.index += start;
    sheets.push(sheet);
  }
  return sheets;
}
