/**
 * `deno task export --run <dir> --to <folder> [--mode link|copy] [--min-faces n] [--photos dir]`:
 * one folder per person of a run, with their photos, and people.csv.
 * @module
 */
import { runCommand } from "../flags/command.ts";
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
  },
  epilog: 'Named people get a folder of their name (made safe for the file system; a clash gets " (2)"); ' +
    "clusters nobody named get person-<cluster>. A photo goes once into each person it shows.",
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
