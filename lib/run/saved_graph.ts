/**
 * A run folder's saved k-NN graph (`<run>/knn/`), kept so that a later `deno task run` over a
 * grown photo folder grows it instead of building it again (lib/pipeline/run_graph.ts).
 *
 * ## Files
 *
 * - `manifest.json`: what the graph is of ({@link SavedGraphManifest}: the store key, the
 *   embedding length, the adapter, k, exact or approximate, rows) and, per data file, its name,
 *   size and CRC-32. Written last, atomically (temp file + rename).
 * - `graph-<generation>.bin`: the graph (lib/scale/incremental.ts `saveGraph`: n, k, indices,
 *   similarities).
 * - `rows-<generation>.txt`: one line per graph row, the face it stands for: `<photo sha256>#<face
 *   index>`, with `#<n>` appended to the n-th repeat of a byte-identical photo ({@link rowIds}).
 * - `ivf-<generation>.bin`: the IVF cells (lib/scale/ivf_file.ts `saveIvf`), when the graph is
 *   approximate.
 *
 * A save writes a new generation's data files beside the old ones, then the manifest, and only
 * then removes the old generation: a run killed at any point leaves either the old manifest with
 * its intact files or the new one with its own. Damage (a missing or truncated file, a flipped
 * byte, a manifest that is not JSON) is reported by {@link loadSavedGraph} as a reason naming the
 * file; the caller then rebuilds.
 * @module
 */
import { crc32 } from "node:zlib";
import { join } from "node:path";
import type { KnnGraph } from "../graph/knn.ts";
import { loadGraph, saveGraph } from "../scale/incremental.ts";
import type { IvfIndex } from "../scale/knn_ivf.ts";
import { loadIvf, saveIvf } from "../scale/ivf_file.ts";
import type { FaceMeta } from "../store/embedding_set.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";
import { errorMessage } from "../errors.ts";

/** The folder of a run folder that holds its saved graph. */
export const SAVED_GRAPH_DIR = "knn";

/** The manifest's file name inside {@link SAVED_GRAPH_DIR}. */
export const SAVED_GRAPH_MANIFEST = "manifest.json";

const FORMAT = "facegroup-knn-graph";
const VERSION = 1;

/** What a saved graph is the graph of: a saved one is used only when all of it matches. */
export interface SavedGraphKey {
  /** The embedding store's key id (models and the face stage's options). */
  store: string;
  /** Embedding length. */
  dim: number;
  /** The adapter applied to the vectors (null: none). */
  adapter: string | null;
  /** Neighbours asked for (the graph holds min(k, rows - 1)). */
  k: number;
  /** Approximate (IVF) rather than exact. */
  approximate: boolean;
}

/** One data file of a saved graph. */
export interface SavedFile {
  /** File name inside the graph folder. */
  name: string;
  /** Size in bytes. */
  bytes: number;
  /** CRC-32 of its bytes. */
  crc32: number;
}

/** `<run>/knn/manifest.json`. */
export interface SavedGraphManifest extends SavedGraphKey {
  /** Always "facegroup-knn-graph". */
  format: string;
  /** Format version (1). */
  version: number;
  /** Names this save's data files apart from an earlier save's. */
  generation: string;
  /** Graph rows. */
  rows: number;
  /** Rows the IVF cells were trained on (approximate graphs; growth keeps the cells). */
  cellsTrainedOn?: number;
  /** The data files. */
  files: { graph: SavedFile; rows: SavedFile; ivf?: SavedFile };
  /** When it was saved (ISO 8601). */
  savedAt: string;
}

/** A saved graph, read and checked. */
export interface SavedGraph {
  /** Its manifest. */
  manifest: SavedGraphManifest;
  /** The face of each row ({@link rowIds}). */
  rows: string[];
  /** The graph. */
  graph: KnnGraph;
  /** The IVF cells (approximate graphs). */
  ivf?: IvfIndex;
}

/** What a graph to save is. */
export interface GraphToSave {
  /** Its key. */
  key: SavedGraphKey;
  /** The face of each row. */
  rows: readonly string[];
  /** The graph. */
  graph: KnnGraph;
  /** Its IVF cells (approximate graphs). */
  ivf?: IvfIndex;
  /** Rows the cells were trained on. */
  cellsTrainedOn?: number;
}

/** How a run obtained its k-NN graph (run.json's `graph`). */
export interface RunGraphRecord {
  /** `built` (no saved graph), `grown` (the saved one with the new rows), `rebuilt` (a saved one could not be used). */
  how: "built" | "grown" | "rebuilt";
  /** One line, e.g. `grown from 1800 rows with 360 new` or `rebuilt because ...`. */
  summary: string;
  /** Why a saved graph was not used (`rebuilt` only). */
  reason?: string;
  /** Graph rows. */
  rows: number;
  /** Neighbours per row. */
  k: number;
  /** Approximate (IVF) rather than exact. */
  approximate: boolean;
  /** Rows of the saved graph (`grown`). */
  fromRows?: number;
  /** Rows added to it (`grown`). */
  newRows?: number;
  /** Saved rows whose neighbour list changed (`grown`). */
  changedOldRows?: number;
  /** Seconds the graph took (loading, matching and growing included). */
  seconds: number;
  /** Where it was saved (relative to the run folder), or why it could not be. */
  saved?: string;
}

/**
 * The stable identity of each embedding row: `<photo hash>#<face index>`; the n-th (n >= 1) repeat
 * of a row that is already listed (the same photo under two names) gets `#<n>` appended, so that
 * every id is unique and repeats match repeats.
 */
export function rowIds(faces: readonly Pick<FaceMeta, "imageId" | "face">[]): string[] {
  const seen = new Map<string, number>();
  return faces.map((f) => {
    const id = `${f.imageId}#${f.face}`;
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return n === 0 ? id : `${id}#${n}`;
  });
}

const fileCrc = (bytes: Uint8Array) => crc32(bytes) >>> 0;

async function described(dir: string, name: string): Promise<SavedFile> {
  const bytes = await Deno.readFile(join(dir, name));
  return { name, bytes: bytes.length, crc32: fileCrc(bytes) };
}

/**
 * Saves `g` as the graph of the run folder `runDir` (see the module doc): the data files of a new
 * generation, then the manifest (atomically), then the old generation's files are removed.
 * Returns the manifest's path relative to the run folder.
 */
export async function saveRunGraph(runDir: string, g: GraphToSave): Promise<string> {
  if (g.rows.length !== g.graph.n) {
    throw new RangeError(`saveRunGraph: ${g.rows.length} row ids for a graph of ${g.graph.n} rows`);
  }
  const dir = join(runDir, SAVED_GRAPH_DIR);
  await Deno.mkdir(dir, { recursive: true });
  const generation = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
  const names = {
    graph: `graph-${generation}.bin`,
    rows: `rows-${generation}.txt`,
    ivf: `ivf-${generation}.bin`,
  };
  await saveGraph(join(dir, names.graph), g.graph);
  const rowBytes = new TextEncoder().encode(g.rows.join("\n") + "\n");
  await Deno.writeFile(join(dir, names.rows), rowBytes);
  if (g.ivf) await saveIvf(join(dir, names.ivf), g.ivf);
  const manifest: SavedGraphManifest = {
    format: FORMAT,
    version: VERSION,
    generation,
    ...g.key,
    rows: g.graph.n,
    ...(g.ivf ? { cellsTrainedOn: g.cellsTrainedOn ?? g.graph.n } : {}),
    files: {
      graph: await described(dir, names.graph),
      rows: { name: names.rows, bytes: rowBytes.length, crc32: fileCrc(rowBytes) },
      ...(g.ivf ? { ivf: await described(dir, names.ivf) } : {}),
    },
    savedAt: new Date().toISOString(),
  };
  await writeFileAtomic(join(dir, SAVED_GRAPH_MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  // The old generation (and any left by a killed save) goes only now.
  const keep = new Set(Object.values(manifest.files).map((f) => f!.name));
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && /^(graph|rows|ivf)-.+\.(bin|txt)(\.tmp)?$/.test(e.name) && !keep.has(e.name)) {
      await Deno.remove(join(dir, e.name)).catch(() => {});
    }
  }
  return `${SAVED_GRAPH_DIR}/${SAVED_GRAPH_MANIFEST}`;
}

/** The result of {@link loadSavedGraph}: the graph, none saved, or why the saved one cannot be read. */
export type LoadedGraph =
  | { status: "ok"; saved: SavedGraph }
  | { status: "none" }
  | { status: "unusable"; reason: string };

function manifestProblem(m: Record<string, unknown>): string | undefined {
  if (m.format !== FORMAT) return `format is ${JSON.stringify(m.format)}, not "${FORMAT}"`;
  if (m.version !== VERSION) return `version ${JSON.stringify(m.version)}, this toolkit reads ${VERSION}`;
  for (const f of ["store", "generation"]) {
    if (typeof m[f] !== "string") return `field "${f}" should be a string`;
  }
  for (const f of ["dim", "k", "rows"]) {
    if (!Number.isInteger(m[f]) || (m[f] as number) < 0) return `field "${f}" should be an integer >= 0`;
  }
  if (typeof m.approximate !== "boolean") return `field "approximate" should be true or false`;
  if (m.adapter !== null && typeof m.adapter !== "string") {
    return `field "adapter" should be a string or null`;
  }
  const files = m.files as Record<string, SavedFile | undefined> | undefined;
  const want = m.approximate ? ["graph", "rows", "ivf"] : ["graph", "rows"];
  for (const f of want) {
    const e = files?.[f];
    if (
      !e || typeof e.name !== "string" || !/^[\w.-]+$/.test(e.name) || !Number.isInteger(e.bytes) ||
      !Number.isInteger(e.crc32)
    ) return `field "files.${f}" should name a file with its bytes and crc32`;
  }
  return undefined;
}

/** The bytes of a data file when its size and CRC-32 match the manifest, else why not. */
async function checkedFile(dir: string, e: SavedFile): Promise<{ bytes: Uint8Array } | { why: string }> {
  const path = join(dir, e.name);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    return { why: `${path}: cannot read (${errorMessage(err)})` };
  }
  if (bytes.length !== e.bytes) {
    return { why: `${path}: ${bytes.length} bytes, the manifest says ${e.bytes} (truncated?)` };
  }
  const c = fileCrc(bytes);
  if (c !== e.crc32) return { why: `${path}: checksum ${c}, the manifest says ${e.crc32} (damaged)` };
  return { bytes };
}

/**
 * Reads the saved graph of the run folder `runDir`, checking the manifest's fields and every data
 * file's size and CRC-32. Never throws for a damaged or foreign file: it says why (naming the
 * file) so that the caller rebuilds.
 */
export async function loadSavedGraph(runDir: string): Promise<LoadedGraph> {
  const dir = join(runDir, SAVED_GRAPH_DIR);
  const mpath = join(dir, SAVED_GRAPH_MANIFEST);
  let text: string;
  try {
    text = await Deno.readTextFile(mpath);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { status: "none" };
    return { status: "unusable", reason: `${mpath}: cannot read (${errorMessage(e)})` };
  }
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text);
    if (m === null || typeof m !== "object" || Array.isArray(m)) throw new Error("not a JSON object");
  } catch (e) {
    return { status: "unusable", reason: `${mpath}: not a graph manifest (${errorMessage(e)})` };
  }
  const bad = manifestProblem(m);
  if (bad) return { status: "unusable", reason: `${mpath}: ${bad}` };
  const manifest = m as unknown as SavedGraphManifest;
  let rowsText = "";
  for (const [what, e] of Object.entries(manifest.files)) {
    if (!e) continue;
    const got = await checkedFile(dir, e);
    if ("why" in got) return { status: "unusable", reason: got.why };
    if (what === "rows") rowsText = new TextDecoder().decode(got.bytes);
  }
  try {
    const graph = await loadGraph(join(dir, manifest.files.graph.name));
    const rows = rowsText.endsWith("\n") ? rowsText.slice(0, -1).split("\n") : rowsText.split("\n");
    if (manifest.rows === 0) rows.length = 0;
    if (graph.n !== manifest.rows || rows.length !== manifest.rows) {
      return {
        status: "unusable",
        reason:
          `${dir}: the manifest says ${manifest.rows} rows, the graph holds ${graph.n}, the row list ${rows.length}`,
      };
    }
    const ivf = manifest.files.ivf ? await loadIvf(join(dir, manifest.files.ivf.name)) : undefined;
    if (ivf && (ivf.cellOf.length !== graph.n || ivf.dim !== manifest.dim)) {
      return {
        status: "unusable",
        reason: `${dir}: the IVF cells do not fit the graph (rows or dimensions)`,
      };
    }
    return { status: "ok", saved: { manifest, rows, graph, ...(ivf ? { ivf } : {}) } };
  } catch (e) {
    return { status: "unusable", reason: errorMessage(e) };
  }
}
