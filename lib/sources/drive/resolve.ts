/**
 * Naming the Drive folder to load: a folder id, a Drive URL, or a path such as
 * `My Drive/datasets/people`, `Shared drives/Team/photos` or `Team/photos` (a shared drive's
 * name first). All resolve to one folder id.
 * @module
 */
import { ToolkitError } from "../../errors.ts";
import { type DriveApi, type DriveFile, FOLDER_MIME, SHORTCUT_MIME } from "./api.ts";
import { HttpError } from "./retry.ts";

/** What the user wrote, parsed but not yet looked up. */
export type FolderSpec =
  | { kind: "id"; id: string; /** also try it as a one-segment path if no such id */ maybePath?: boolean }
  | { kind: "path"; segments: string[] };

/** A folder found in Drive. */
export interface ResolvedFolder {
  /** Folder id (for a shared drive's root, the drive id). */
  id: string;
  /** Its name. */
  name: string;
  /** The shared drive it is in, if any. */
  driveId?: string;
  /** How to show it: the path when given one, else the name and id. */
  display: string;
}

const ID_RE = /^[A-Za-z0-9_-]{15,}$/;
const MY_DRIVE = "my drive";
const SHARED_DRIVES = "shared drives";

/**
 * Parses a folder given as an id, a Drive URL (`…/drive/folders/<id>`, `…/open?id=<id>`,
 * `…/drive/my-drive`) or a path; a leading `drive:` (the pipeline's `--input drive:…`) is ignored,
 * and `id:` / `path:` prefixes force one reading.
 *
 * @example
 * ```ts
 * parseFolderSpec("https://drive.google.com/drive/u/0/folders/1AbCdEfGhIjKlMnOpQ"); // {kind: "id", id: "1AbCdEfGhIjKlMnOpQ"}
 * parseFolderSpec("My Drive/datasets/people"); // {kind: "path", segments: ["My Drive", "datasets", "people"]}
 * ```
 */
export function parseFolderSpec(input: string): FolderSpec {
  let s = input.trim();
  if (s.startsWith("drive:")) s = s.slice("drive:".length).trim();
  if (s === "") throw new ToolkitError("empty Drive folder: give a folder id, a Drive URL or a path");
  if (s.startsWith("id:")) return { kind: "id", id: s.slice(3).trim() };
  if (s.startsWith("path:")) return { kind: "path", segments: splitPath(s.slice(5)) };
  if (/^https?:\/\//i.test(s)) return { kind: "id", id: idFromUrl(s) };
  if (s === "root") return { kind: "id", id: "root" };
  if (!s.includes("/") && ID_RE.test(s)) return { kind: "id", id: s, maybePath: true };
  return { kind: "path", segments: splitPath(s) };
}

function splitPath(p: string): string[] {
  const segs = p.split("/").map((x) => x.trim()).filter((x) => x !== "");
  if (segs.length === 0) throw new ToolkitError(`empty Drive path "${p}"`);
  return segs;
}

function idFromUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ToolkitError(`not a valid URL: ${raw}`);
  }
  if (!/(^|\.)(drive|docs)\.google\.com$/i.test(url.hostname)) {
    throw new ToolkitError(`not a Google Drive URL: ${url.hostname}`);
  }
  const m = url.pathname.match(/\/(?:folders|d)\/([A-Za-z0-9_-]+)/);
  if (m) return m[1];
  const q = url.searchParams.get("id");
  if (q && /^[A-Za-z0-9_-]+$/.test(q)) return q;
  if (/\/drive\/(?:u\/\d+\/)?(?:my-drive|home)\/?$/.test(url.pathname)) return "root";
  throw new ToolkitError(`no folder id in Drive URL ${url.origin}${url.pathname}`);
}

/** Looks the folder up in Drive; throws a {@link ToolkitError} naming what was not found. */
export async function resolveFolder(
  api: DriveApi,
  input: string,
  signal?: AbortSignal,
): Promise<ResolvedFolder> {
  const spec = parseFolderSpec(input);
  if (spec.kind === "path") return await resolvePath(api, spec.segments, signal);
  try {
    const f = await folderOrTarget(api, await api.getFile(spec.id, signal), signal);
    const name = spec.id === "root" ? "My Drive" : f.name;
    return { id: f.id, name, driveId: f.driveId, display: spec.id === "root" ? name : `${name} (${f.id})` };
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) {
      if (spec.maybePath) return await resolvePath(api, [spec.id], signal);
      throw new ToolkitError(`no Drive folder with id ${spec.id} (or no access to it)`);
    }
    throw e;
  }
}

/** A folder itself, or the folder a shortcut points at; anything else is an error. */
async function folderOrTarget(api: DriveApi, f: DriveFile, signal?: AbortSignal): Promise<DriveFile> {
  if (f.mimeType === SHORTCUT_MIME && f.shortcut) {
    const target = await api.getFile(f.shortcut.targetId, signal);
    if (target.mimeType === FOLDER_MIME && !target.trashed) return target;
  }
  if (f.mimeType !== FOLDER_MIME) {
    throw new ToolkitError(`"${f.name}" (${f.id}) is not a folder (${f.mimeType})`);
  }
  if (f.trashed) throw new ToolkitError(`folder "${f.name}" (${f.id}) is in the trash`);
  return f;
}

async function resolvePath(api: DriveApi, segments: string[], signal?: AbortSignal): Promise<ResolvedFolder> {
  let rest = segments;
  let current: { id: string; name: string; driveId?: string };
  let shown: string[];
  if (rest[0].toLowerCase() === MY_DRIVE) {
    const root = await api.getFile("root", signal);
    current = { id: root.id, name: "My Drive" };
    shown = ["My Drive"];
    rest = rest.slice(1);
  } else {
    const explicit = rest[0].toLowerCase() === SHARED_DRIVES && rest.length > 1;
    const driveName = explicit ? rest[1] : rest[0];
    const drives = (await api.listDrives(signal)).filter((d) => d.name === driveName);
    if (drives.length > 1) {
      throw new ToolkitError(
        `${drives.length} shared drives are named "${driveName}" (${
          drives.map((d) => d.id).join(", ")
        }); give the folder id or URL instead`,
      );
    }
    if (drives.length === 1) {
      current = { id: drives[0].id, name: drives[0].name, driveId: drives[0].id };
      shown = [driveName];
      rest = rest.slice(explicit ? 2 : 1);
    } else if (explicit) {
      throw new ToolkitError(`no shared drive named "${driveName}" is visible to these credentials`);
    } else {
      const root = await api.getFile("root", signal);
      current = { id: root.id, name: "My Drive" };
      shown = ["My Drive"];
    }
  }
  for (const seg of rest) {
    const found = (await api.findChildren(current.id, seg, signal, current.driveId)).filter((f) =>
      f.mimeType === FOLDER_MIME || f.shortcut?.targetMimeType === FOLDER_MIME
    );
    const where = shown.join("/");
    if (found.length === 0) throw new ToolkitError(`no folder "${seg}" in "${where}"`);
    if (found.length > 1) {
      throw new ToolkitError(
        `${found.length} folders are named "${seg}" in "${where}" (${
          found.map((f) => f.id).join(", ")
        }); give the folder id or URL instead`,
      );
    }
    const f = await folderOrTarget(api, found[0], signal);
    current = { id: f.id, name: f.name, driveId: f.driveId };
    shown.push(seg);
  }
  return { ...current, display: shown.join("/") };
}
