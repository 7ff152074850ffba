/**
 * The map page of the exploration site: the face atlas (lib/report/site/map_script.ts).
 * @module
 */
import { markup, showBidiControls } from "../../../util/html.ts";
import { GROUP_COLOURS, groupColourIndex, NO_GROUP_COLOUR } from "../../../viz/palette.ts";
import type { RunData } from "../../run_data.ts";
import { jsonForScript } from "../doc.ts";
import { MAP_SCRIPT, type MapData } from "../map_script.ts";
import type { SiteModel, SitePage } from "../model.ts";
import type { PlacedSheet } from "../sheets.ts";
import { plural } from "../../run/render.ts";

/** Where the faces are drawn and the sheets their thumbnails come from. */
export interface AtlasPlacement {
  /** Width of the base box. */
  w: number;
  /** Height of the base box. */
  h: number;
  /** Interleaved coordinates in the base box. */
  points: Float32Array | Float64Array | number[];
  /** 1 for the faces pinned to the border. */
  pinned: ArrayLike<number>;
  /** Every contact sheet, in the order their index refers to. */
  homes: PlacedSheet[];
  /** Tile edge in pixels. */
  tile: number;
  /** Link to a cluster, `{id}` standing for its id. */
  clusterHref: string;
}

/**
 * The face atlas's data: faces, their places, clusters (with the names a review gave them),
 * colours and thumbnails. Shown by the script with `textContent` only, so bidi controls are
 * named here; embedded with {@link jsonForScript}, so no `</script>` can end it.
 */
export function atlasData(run: RunData, at: AtlasPlacement): MapData {
  const n = run.faces.length;
  const tiles: MapData["tiles"] = new Array(n).fill(0);
  at.homes.forEach((s, k) => s.tiles.forEach((t) => (tiles[t.row] = [k, t.x, t.y])));
  const colourIndex = (g: Int32Array) => Array.from(g, (c) => (c < 0 ? -1 : groupColourIndex(c)));
  const pinned: number[] = [];
  for (let i = 0; i < at.pinned.length; i++) if (at.pinned[i] === 1) pinned.push(i);
  return {
    w: at.w,
    h: at.h,
    xy: Array.from(at.points),
    pinned,
    names: run.faces.map((f) => `${showBidiControls(f.path)} · face ${f.face}`),
    cluster: Array.from(run.clusters),
    ...(run.names.some((x) => x) ? { clusterNames: run.names.map((x) => showBidiControls(x)) } : {}),
    colour: colourIndex(run.clusters),
    ...(run.truth
      ? {
        person: Array.from(run.truth),
        people: run.truthNames?.map((x) => showBidiControls(x)),
        personColour: colourIndex(run.truth),
      }
      : {}),
    palette: [...GROUP_COLOURS],
    grey: NO_GROUP_COLOUR,
    tiles,
    sheets: at.homes.map((s) => [s.ref, s.width, s.height]),
    tile: at.tile,
    clusterHref: at.clusterHref,
  };
}
/** The map page: the face atlas (faces on their UMAP places; zoom, pan, box selection). */
export function mapPage(m: SiteModel): SitePage {
  const title = "Map of the faces";
  if (!m.map) {
    return {
      id: "map",
      nav: "map",
      title,
      body: markup`<h1>${title}</h1><p class="empty">Too few faces for a map.</p>`,
    };
  }
  const hasPeople = m.run.truth !== undefined;
  const toggles = hasPeople
    ? markup`<span class="switch"><span><input type="radio" name="colour" id="colour-cluster" checked><label for="colour-cluster"> colour by cluster</label></span>
<span><input type="radio" name="colour" id="colour-person"><label for="colour-person"> colour by person (true labels)</label></span></span>`
    : markup``;
  const pinned = m.map.data.pinned.length;
  const body = markup`<h1>${title}</h1>
<p class="lead">Every one of the ${
    plural(m.run.faces.length, "face")
  } at its place on a map where look-alike faces sit close together (UMAP, ${m.map.neighbours} neighbours, seed ${m.map.seed}). <b>Scroll</b> to zoom in until the faces themselves appear, <b>drag</b> to move, <b>shift-drag</b> a box to list the faces inside it. Hover a face for its file name; click it to open its cluster. Colours show the clusters (20 colours, repeating); grey faces are unassigned.${
    pinned > 0 &&
    ` ${plural(pinned, "face")} far from all others ${
      pinned === 1 ? "is" : "are"
    } drawn on the edge of the map with a dark ring, so that the rest keeps its room.`
  }</p>
<div class="atlas-tools">${toggles}<button type="button" id="atlas-reset">Reset view</button> <span class="muted" id="atlas-status"></span></div>
<div class="maprow"><div class="mapbox" id="atlas-box"><canvas id="atlas" width="${m.map.data.w}" height="${m.map.data.h}" role="img" aria-label="Map of the faces: each face at its place, look-alike faces together"></canvas><div class="selbox" id="atlas-sel" hidden></div><div class="tip" id="map-tip" hidden><div class="face"></div><div class="name"></div><div class="meta muted"></div></div></div>
<aside class="atlas-list" id="atlas-list"><h2>Selected faces</h2><p class="count muted">Shift-drag a box on the map to list the faces in it here.</p><ol></ol></aside></div>
<script type="application/json" id="map-data">${jsonForScript(m.map.data)}</script>`;
  return { id: "map", nav: "map", title, body, scripts: [MAP_SCRIPT] };
}
