/**
 * Export of a run's people: one folder per person (named after them, or `person-<cluster>` for
 * a cluster nobody named), holding each photo that shows them once (a symbolic link to the
 * photo, or a copy), plus `people.csv` listing every exported face.
 *
 * The photos are found from run.json's source (`folder <root>`); a run of a Google Drive folder
 * reads them from its local mirror, given with `photos`. Names come from outside and are made
 * safe for the file system (lib/review/safe_name.ts); photo paths that would lead outside the
 * photo folder are refused.
 *
 * For a Drive input, `driveShortcuts` also makes, in a Drive folder, a subfolder per person with
 * a Drive shortcut per photo (lib/sources/drive/shortcuts.ts; the photos' Drive ids come from the
 * mirror's manifest). A rerun makes only the shortcuts that are missing.
 * @module
 */
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { errorMessage, ToolkitError } from "../errors.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";
import { ASSIGNMENTS_HEADER } from "../run/csv.ts";
import { csvRecord, parseCsv } from "../util/csv.ts";
import { compareText } from "../run/types.ts";
import { safeName, UniqueNames } from "./safe_name.ts";
import { readMirrorIds } from "../sources/drive/mirror.ts";
import { makeShortcuts, type ShortcutClient, type ShortcutPerson } from "../sources/drive/shortcuts.ts";

/** How a photo is put in a person's folder. */
export const EXPORT_MODES = ["link", "copy"] as const;

/** A value of {@link EXPORT_MODES}. */
export type ExportMode = typeof EXPORT_MODES[number];

/** The export's list of faces. */
export const PEOPLE_CSV = "people.csv";

/** Header of {@link PEOPLE_CSV}. */
export const PEOPLE_HEADER = [
  "person",
  "folder",
  "cluster",
  "path",
  "face",
  "x",
  "y",
  "w",
  "h",
  "file",
] as const;

/** Options of {@link exportPeople}. */
export interface ExportOptions {
  /** The run folder (run.json, assignments.csv). */
  run: string;
  /** Folder to create (must not exist, or be empty). */
  to: string;
  /** Symbolic links (default) or copies. */
  mode?: ExportMode;
  /** People with fewer faces are left out. @default 1 */
  minFaces?: number;
  /** The photo folder, instead of run.json's source (needed for a Drive input: its mirror). */
  photos?: string;
  /** Progress and problems. */
  log?: (line: string) => void;
  /**
   * Also Drive shortcuts (a Drive input only): `to` is the Drive folder (id, URL or
   * `My Drive/path`), `client` the Drive client with a scope that may create files, or a function
   * that makes it (called only once the run is known to be a Drive input).
   */
  driveShortcuts?: { to: string; client: ShortcutClient | (() => Promise<ShortcutClient>) };
}

/** One exported person. */
export interface ExportedPerson {
  /** The name a review gave them, or undefined. */
  name?: string;
  /** Folder name inside the export. */
  folder: string;
  /** Cluster number in assignments.csv. */
  clusters: number[];
  /** Faces. */
  faces: number;
  /** Photos placed in the folder. */
  photos: number;
}

/** What {@link exportPeople} did. */
export interface ExportResult {
  /** The people exported, largest first. */
  people: ExportedPerson[];
  /** People left out by `minFaces`. */
  skipped: number;
  /** Files made (links or copies). */
  files: number;
  /** Photos that could not be placed, each with the reason. */
  problems: string[];
  /** The people.csv written. */
  csv: string;
  /** Where photos were read from. */
  photos: string;
  /** One line on Drive shortcuts (made or not, and why). */
  drive: string;
  /** What the Drive shortcuts came to, when asked for. */
  shortcuts?: import("../sources/drive/shortcuts.ts").ShortcutResult;
}

/** One face row of assignments.csv. */
interface Row {
  path: string;
  face: number;
  box: string[];
  cluster: number;
  person: string;
}

/** Reads `<run>/assignments.csv` (with or without the `person` column). */
async function readAssignments(run: string): Promise<Row[]> {
  const file = join(run, "assignments.csv");
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    throw new ToolkitError(`${file}: cannot read (${errorMessage(e)}); is ${run} a run folder?`, {
      cause: e,
    });
  }
  const [head, ...rows] = parseCsv(text);
  const base = ASSIGNMENTS_HEADER.slice(0, 8).join(",");
  if (!head || head.slice(0, 8).join(",") !== base) {
    throw new ToolkitError(
      `${file}: header is ${JSON.stringify(head?.join(",") ?? "")}, expected ${base}[,person]`,
    );
  }
  const personAt = head.indexOf("person");
  return rows.filter((r) => r.length >= 8).map((r) => ({
    path: r[0],
    face: Number(r[1]),
    box: r.slice(2, 6),
    cluster: Number(r[7]),
    person: personAt >= 0 ? r[personAt] ?? "" : "",
  })).filter((r) => r.face >= 0 && Number.isInteger(r.cluster) && r.cluster >= 0);
}

/** The photo folder of a run: `photos`, else run.json's `folder <root>` source. */
async function photoRoot(run: string, photos?: string): Promise<{ root: string; drive?: string }> {
  const file = join(run, "run.json");
  let source = "";
  try {
    source = String(JSON.parse(await Deno.readTextFile(file)).source ?? "");
  } catch (e) {
    if (photos === undefined) {
      throw new ToolkitError(`${file}: cannot read the run's source (${errorMessage(e)}); give --photos`, {
        cause: e,
      });
    }
  }
  const drive = source.startsWith("drive ") ? source.slice(6) : undefined;
  if (photos !== undefined) return { root: resolve(photos), drive };
  if (drive !== undefined) {
    throw new ToolkitError(
      `${file}: the run's photos are in Google Drive (${drive}); give --photos with its local mirror ` +
        `(~/.cache/facegroup/drive/<folder id>, or the --mirror of deno task drive:sync)`,
    );
  }
  if (!source.startsWith("folder ")) {
    throw new ToolkitError(`${file}: source ${JSON.stringify(source)} is not a folder; give --photos`);
  }
  return { root: resolve(source.slice(7)) };
}

/** True when `inner` is `outer` or inside it. */
function inside(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(dir)) return false;
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return true;
    throw new ToolkitError(`${dir}: cannot use as the export folder (${errorMessage(e)})`, { cause: e });
  }
}

/**
 * Exports the people of run folder `opts.run` into `opts.to` (see the module doc). People are
 * clusters of assignments.csv; clusters that share a name are one person. A photo that cannot
 * be read or linked is listed in `problems` and the export goes on.
 */
export async function exportPeople(opts: ExportOptions): Promise<ExportResult> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const mode = opts.mode ?? "link";
  const minFaces = opts.minFaces ?? 1;
  const rows = await readAssignments(opts.run);
  const { root, drive } = await photoRoot(opts.run, opts.photos);
  const to = resolve(opts.to);
  if (inside(to, root)) {
    throw new ToolkitError(
      `${to}: the export folder is inside the photo folder ${root}; the next run would read its photos again`,
    );
  }
  if (!(await isEmptyOrMissing(to))) throw new ToolkitError(`${to}: not empty; choose a new export folder`);
  // Drive shortcuts need a Drive input and its mirror's ids: checked before anything is written.
  let driveIds: Map<string, string> | undefined;
  if (opts.driveShortcuts) {
    if (drive === undefined) {
      throw new ToolkitError(
        `${
          join(opts.run, "run.json")
        }: the run's input is not a Google Drive folder; --drive-shortcuts needs one`,
      );
    }
    driveIds = await readMirrorIds(root);
    if (!driveIds) {
      throw new ToolkitError(
        `${root}: not a Google Drive mirror (no manifest); give --photos with the run's mirror ` +
          `(~/.cache/facegroup/drive/<folder id>) so that each photo's Drive id is known`,
      );
    }
  }

  // People: named clusters grouped by name, unnamed clusters each on their own.
  const groups = new Map<string, { name?: string; clusters: Set<number>; rows: Row[] }>();
  for (const r of rows) {
    const key = r.person ? `name:${r.person}` : `cluster:${r.cluster}`;
    let g = groups.get(key);
    if (!g) groups.set(key, g = { ...(r.person ? { name: r.person } : {}), clusters: new Set(), rows: [] });
    g.clusters.add(r.cluster);
    g.rows.push(r);
  }
  const ordered = [...groups.values()].map((g) => ({ ...g, first: Math.min(...g.clusters) }))
    .sort((a, b) => b.rows.length - a.rows.length || a.first - b.first);
  const kept = ordered.filter((g) => g.rows.length >= minFaces);

  await Deno.mkdir(to, { recursive: true });
  const folders = new UniqueNames([PEOPLE_CSV]);
  const people: ExportedPerson[] = [];
  const problems: string[] = [];
  const csv: string[] = [csvRecord(PEOPLE_HEADER)];
  const shortcutPeople: ShortcutPerson[] = [];
  let files = 0;
  for (const g of kept) {
    const fallback = `person-${g.first}`;
    const folder = folders.take(g.name !== undefined ? safeName(g.name) : "", fallback);
    const dir = join(to, folder);
    await Deno.mkdir(dir);
    const names = new UniqueNames();
    const placed = new Map<string, string>();
    g.rows.sort((a, b) => compareText(a.path, b.path) || a.face - b.face);
    for (const r of g.rows) {
      let file = placed.get(r.path);
      if (file === undefined) {
        file = "";
        const src = resolve(root, r.path);
        if (!inside(src, root) || src === root) {
          problems.push(`${r.path}: leads outside the photo folder ${root}; left out`);
        } else {
          const name = names.take(safeName(basename(r.path)), `photo-${placed.size + 1}`, true);
          try {
            const st = await Deno.stat(src);
            if (!st.isFile) throw new Error("not a file");
            if (mode === "copy") await Deno.copyFile(src, join(dir, name));
            else await Deno.symlink(src, join(dir, name));
            file = `${folder}/${name}`;
            files++;
          } catch (e) {
            problems.push(`${src}: cannot ${mode === "copy" ? "copy" : "link"} (${errorMessage(e)})`);
          }
        }
        placed.set(r.path, file);
      }
      csv.push(csvRecord([g.name ?? "", folder, r.cluster, r.path, r.face, ...r.box, file]));
    }
    if (driveIds) {
      const photos: ShortcutPerson["photos"] = [];
      for (const path of new Set(g.rows.map((r) => r.path))) {
        const id = driveIds.get(path);
        if (id) photos.push({ name: basename(path), targetId: id });
        else problems.push(`${path}: not in the Drive mirror's manifest; no shortcut`);
      }
      shortcutPeople.push({ folder, photos });
    }
    people.push({
      ...(g.name !== undefined ? { name: g.name } : {}),
      folder,
      clusters: [...g.clusters].sort((a, b) => a - b),
      faces: g.rows.length,
      photos: [...placed.values()].filter((f) => f !== "").length,
    });
  }
  const csvFile = join(to, PEOPLE_CSV);
  await writeFileAtomic(csvFile, csv.join(""));
  for (const p of problems) log(`export: ${p}`);
  let shortcuts: ExportResult["shortcuts"];
  if (opts.driveShortcuts) {
    const c = opts.driveShortcuts.client;
    const client = typeof c === "function" ? await c() : c;
    shortcuts = await makeShortcuts(client, opts.driveShortcuts.to, shortcutPeople, log);
  }
  const driveLine = drive === undefined
    ? "not a Google Drive input: no shortcuts"
    : shortcuts
    ? `Drive shortcuts in ${shortcuts.folder.display}: ${shortcuts.shortcutsCreated} made, ` +
      `${shortcuts.alreadyThere} already there, ${shortcuts.foldersCreated} folders created`
    : (
      `Google Drive input (${drive}): photos ${
        mode === "copy" ? "copied" : "linked"
      } from the mirror ${root}; ` +
      `no Drive shortcuts made (give --drive-shortcuts <folder> for a folder of shortcuts per person)`
    );
  return {
    people,
    skipped: ordered.length - kept.length,
    files,
    problems,
    csv: csvFile,
    photos: root,
    drive: driveLine,
    ...(shortcuts ? { shortcuts } : {}),
  };
}
