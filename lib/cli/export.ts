/**
 * `deno task export --run <dir> --to <folder> [--mode link|copy] [--min-faces n] [--photos dir]
 * [--drive-shortcuts <folder>]`: one folder per person of a run, with their photos, and
 * people.csv; for a Drive input, optionally a Drive folder of shortcuts per person.
 * @module
 */
import { dirname, join } from "node:path";
import { runCommand } from "../flags/command.ts";
import { CREDENTIALS_FLAG, OAUTH_CLIENT_FLAG } from "../flags/common_flags.ts";
import { DriveApi } from "../sources/drive/api.ts";
import {
  chooseAuth,
  createDriveAuth,
  defaultTokenCachePath,
  DRIVE_FILE_SCOPE,
  DRIVE_READONLY_SCOPE,
} from "../sources/drive/auth.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { EXPORT_MODES, exportPeople } from "../review/export.ts";

/** The flags of `deno task export`. */
export const EXPORT_COMMAND = defineCommand({
  name: "deno task export",
  summary: "Export a run's people: one folder per person with their photos (links or copies), and people.csv",
  flags: {
    run: {
      type: "path",
      required: true,
      placeholder: "dir",
      help: "run folder written by `deno task run` (assignments.csv, run.json)",
    },
    to: {
      type: "path",
      required: true,
      placeholder: "folder",
      help: "export folder to create (must not exist or be empty, nor be inside the photo folder)",
    },
    mode: {
      type: "enum",
      choices: EXPORT_MODES,
      default: "link",
      help: "link: symbolic links to the photos; copy: copies",
    },
    "min-faces": {
      type: "integer",
      min: 1,
      default: 1,
      placeholder: "n",
      help: "leave out people with fewer faces",
    },
    photos: {
      type: "path",
      placeholder: "dir",
      defaultText: "run.json's source folder",
      help: "where the photos are (for a Google Drive input: its local mirror)",
    },
    "drive-shortcuts": {
      type: "string",
      placeholder: "folder",
      help:
        'Google Drive input only: also make, in this Drive folder (an id, a Drive URL, or "My Drive/<path>", ' +
        "missing folders created), a subfolder per person with a Drive shortcut per photo; a rerun adds only " +
        "what is missing. Asks for the drive.file scope (create files) besides drive.readonly, only with this flag",
    },
    credentials: CREDENTIALS_FLAG,
    "oauth-client": OAUTH_CLIENT_FLAG,
  },
  epilog: 'Named people get a folder of their name (made safe for the file system; a clash gets " (2)"); ' +
    "clusters nobody named get person-<cluster>. A photo goes once into each person it shows. " +
    "--drive-shortcuts: with the drive.file scope the toolkit may write only into folders it created, so give a " +
    "My Drive path whose last folder does not exist yet (or one an earlier export made); nothing is deleted.",
});

/** Entry point; returns the exit code (0 done, 1 failed, 2 bad command line). */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(EXPORT_COMMAND, args, io, async (v, io) => {
    const r = await exportPeople({
      run: v.run,
      to: v.to,
      mode: v.mode,
      minFaces: v["min-faces"],
      photos: v.photos,
      log: (l) => io.err(l),
      ...(v["drive-shortcuts"] !== undefined
        ? {
          driveShortcuts: {
            to: v["drive-shortcuts"],
            client: async () =>
              new DriveApi({
                auth: await createDriveAuth(
                  chooseAuth({
                    credentials: v.credentials,
                    oauthClient: v["oauth-client"],
                    // Its own token cache: the read-only commands keep their read-only token.
                    tokenCache: join(dirname(defaultTokenCachePath()), "drive-oauth-token-shortcuts.json"),
                  }),
                  { scopes: [DRIVE_READONLY_SCOPE, DRIVE_FILE_SCOPE], log: (l) => io.err(l) },
                ),
              }),
          },
        }
        : {}),
    });
    const named = r.people.filter((p) => p.name !== undefined).length;
    io.out(
      `${r.people.length} people (${named} named) exported to ${v.to}: ${r.files} photos ` +
        `${v.mode === "copy" ? "copied" : "linked"} from ${r.photos}` +
        (r.skipped ? `; ${r.skipped} people with fewer than ${v["min-faces"]} faces left out` : "") +
        (r.problems.length ? `; ${r.problems.length} photos could not be placed (listed above)` : ""),
    );
    io.out(`faces: ${r.csv}`);
    io.out(`drive: ${r.drive}`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
