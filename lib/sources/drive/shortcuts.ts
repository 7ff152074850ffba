/**
 * Drive shortcuts for an export: in a destination folder, one subfolder per person and, in it,
 * one shortcut (mimeType `application/vnd.google-apps.shortcut`, `shortcutDetails.targetId`) per
 * photo of theirs. Idempotent: a rerun finds the folders and shortcuts already there (by name
 * and by target) and makes only what is missing. Needs a scope that may create files
 * (`drive.file`, see lib/sources/drive/auth.ts); nothing is ever deleted or moved.
 * @module
 */
import { ToolkitError } from "../../errors.ts";
import { type DriveFile, FOLDER_MIME, SHORTCUT_MIME } from "./api.ts";
import { parseFolderSpec } from "./resolve.ts";
import { HttpError } from "./retry.ts";

/** The Drive calls shortcuts need ({@link ./api.ts}'s DriveApi has them; tests give a fake). */
export interface ShortcutClient {
  /** Metadata of one item (`root`: My Drive). */
  getFile(id: string): Promise<DriveFile>;
  /** Folders and shortcuts named `name` directly in `parentId` (not trashed). */
  findChildren(parentId: string, name: string): Promise<DriveFile[]>;
  /** Every item directly in `folderId` (not trashed). */
  listChildren(folderId: string): AsyncIterable<DriveFile>;
  /** Creates a folder. */
  createFolder(parentId: string, name: string): Promise<DriveFile>;
  /** Creates a shortcut to `targetId`. */
  createShortcut(parentId: string, name: string, targetId: string): Promise<DriveFile>;
}

/** One person's folder of shortcuts. */
export interface ShortcutPerson {
  /** Folder name (the export's folder name of the person). */
  folder: string;
  /** Their photos: the shortcut's name and the Drive file it points at. */
  photos: { name: string; targetId: string }[];
}

/** What {@link makeShortcuts} did. */
export interface ShortcutResult {
  /** The destination folder: id, and how to show it. */
  folder: { id: string; display: string };
  /** Folders created (the destination's missing path parts included). */
  foldersCreated: number;
  /** Shortcuts created. */
  shortcutsCreated: number;
  /** Shortcuts that were there already (same folder, same target). */
  alreadyThere: number;
}

/** Why a write was refused, in words that say what to do. */
function writeError(e: unknown, where: string): unknown {
  if (e instanceof HttpError && (e.status === 403 || e.status === 401)) {
    return new ToolkitError(
      `Google Drive refused to create in ${where} (HTTP ${e.status}${e.reason ? ` ${e.reason}` : ""}): ` +
        "the toolkit asks only for the drive.file scope, with which it may write into folders it created " +
        "itself; give a My Drive path whose last folder does not exist yet (it is created, e.g. " +
        '"My Drive/facegroup people"), or a folder an earlier --drive-shortcuts created',
      { cause: e },
    );
  }
  return e;
}

/** The one folder named `name` in `parentId`, if any (the oldest when Drive holds several). */
async function childFolder(
  client: ShortcutClient,
  parentId: string,
  name: string,
): Promise<DriveFile | undefined> {
  const found = (await client.findChildren(parentId, name)).filter((f) => f.mimeType === FOLDER_MIME);
  return found.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1))[0];
}

/**
 * The destination folder: a folder id or Drive URL (it must exist and be a folder), or a path in
 * My Drive (`My Drive/a/b`), whose missing folders are created. Shared-drive paths are refused
 * (give the folder's id).
 */
export async function shortcutDestination(
  client: ShortcutClient,
  spec: string,
): Promise<{ id: string; display: string; created: number }> {
  const parsed = parseFolderSpec(spec);
  if (parsed.kind === "id") {
    let f: DriveFile;
    try {
      f = await client.getFile(parsed.id);
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) {
        throw new ToolkitError(
          `--drive-shortcuts: no Drive folder with id ${parsed.id} (or no access to it)`,
        );
      }
      throw e;
    }
    if (f.mimeType !== FOLDER_MIME) {
      throw new ToolkitError(`--drive-shortcuts: ${f.name} (${f.id}) is not a folder but ${f.mimeType}`);
    }
    return { id: f.id, display: parsed.id === "root" ? "My Drive" : `${f.name} (${f.id})`, created: 0 };
  }
  const [first, ...rest] = parsed.segments;
  if (first.toLowerCase() !== "my drive") {
    throw new ToolkitError(
      `--drive-shortcuts: ${JSON.stringify(spec)} is not in My Drive; give "My Drive/<path>" or a folder id`,
    );
  }
  let id = "root", created = 0;
  for (const name of rest) {
    const found = await childFolder(client, id, name);
    if (found) id = found.id;
    else {
      try {
        id = (await client.createFolder(id, name)).id;
      } catch (e) {
        throw writeError(e, `"${name}"'s parent folder`);
      }
      created++;
    }
  }
  return { id, display: ["My Drive", ...rest].join("/"), created };
}

/**
 * Makes the shortcuts of `people` under the folder `spec` (see {@link shortcutDestination}):
 * a subfolder per person (found by name, else created) and a shortcut per photo whose target
 * is not yet in that subfolder. `log` is told of each person's progress.
 */
export async function makeShortcuts(
  client: ShortcutClient,
  spec: string,
  people: readonly ShortcutPerson[],
  log: (line: string) => void = () => {},
): Promise<ShortcutResult> {
  const dest = await shortcutDestination(client, spec);
  let foldersCreated = dest.created, shortcutsCreated = 0, alreadyThere = 0;
  for (const p of people) {
    let folder = await childFolder(client, dest.id, p.folder);
    if (!folder) {
      try {
        folder = await client.createFolder(dest.id, p.folder);
      } catch (e) {
        throw writeError(e, dest.display);
      }
      foldersCreated++;
    }
    const have = new Set<string>();
    for await (const f of client.listChildren(folder.id)) {
      if (f.mimeType === SHORTCUT_MIME && f.shortcut) have.add(f.shortcut.targetId);
    }
    let made = 0;
    for (const photo of p.photos) {
      if (have.has(photo.targetId)) {
        alreadyThere++;
        continue;
      }
      try {
        await client.createShortcut(folder.id, photo.name, photo.targetId);
      } catch (e) {
        throw writeError(e, `${dest.display}/${p.folder}`);
      }
      have.add(photo.targetId);
      made++;
    }
    shortcutsCreated += made;
    log(`drive: ${p.folder}: ${made} shortcuts made, ${p.photos.length - made} already there`);
  }
  return { folder: { id: dest.id, display: dest.display }, foldersCreated, shortcutsCreated, alreadyThere };
}
