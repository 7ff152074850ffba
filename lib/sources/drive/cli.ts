/**
 * `deno task drive:sync --folder <id|url|path> --mirror <dir> [--credentials <key.json>]`:
 * mirrors a Drive folder's images to a local directory, printing progress to stderr.
 * @module
 */
import { CREDENTIALS_FLAG, OAUTH_CLIENT_FLAG, QUIET_FLAG } from "../../flags/common_flags.ts";
import { runCommand } from "../../flags/command.ts";
import type { CommandIo, Io } from "../../flags/io.ts";
import { type CommandValues, defineCommand } from "../../flags/types.ts";
import { type AuthChoice, chooseAuth } from "./auth.ts";
import { formatBytes, formatProgress, type ProgressSnapshot } from "./progress.ts";
import { safeErrorMessage } from "./redact.ts";
import { createDriveSource } from "./source.ts";

/** The flags of `deno task drive:sync`. */
export const DRIVE_SYNC_COMMAND = defineCommand({
  name: "deno task drive:sync",
  summary: "Mirror a Google Drive folder's images to a local folder (resumable, read-only access)",
  flags: {
    folder: {
      type: "string",
      required: true,
      placeholder: "id|url|path",
      help: 'Drive folder: an id, a Drive URL, "My Drive/a/b", or "<shared drive>/a/b"',
    },
    mirror: {
      type: "path",
      placeholder: "dir",
      defaultText: "~/.cache/facegroup/drive/<folder id>",
      help: "local mirror directory, one Drive folder per directory",
    },
    credentials: CREDENTIALS_FLAG,
    "oauth-client": OAUTH_CLIENT_FLAG,
    "token-cache": {
      type: "path",
      placeholder: "file",
      defaultText: "~/.config/facegroup/...",
      help: "where the OAuth token is cached",
    },
    concurrency: {
      type: "integer",
      min: 1,
      max: 64,
      placeholder: "n",
      defaultText: "4, the source's",
      help: "parallel downloads",
    },
    "root-url": { type: "string", placeholder: "url", help: "Drive API root URL (tests: the emulator's)" },
    quiet: QUIET_FLAG,
  },
  epilog: "Without --credentials/--oauth-client, application default credentials are used " +
    "(GOOGLE_APPLICATION_CREDENTIALS, gcloud). FACEGROUP_DRIVE_ACCESS_TOKEN, if set, is used as is. " +
    "Access is read-only (drive.readonly).",
});

/**
 * Runs the command; returns the exit code (0 done, 1 some files failed, 2 could not run).
 * Everything it prints goes to `io.stderr`.
 */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(DRIVE_SYNC_COMMAND, args, io, (flags, io) => sync(flags, io));
}

async function sync(
  flags: CommandValues<typeof DRIVE_SYNC_COMMAND>,
  { stderr: write, env, isTty: tty }: Io,
): Promise<number> {
  const concurrency = flags.concurrency;
  const token = env("FACEGROUP_DRIVE_ACCESS_TOKEN");
  const auth: AuthChoice = token ? { method: "token", accessToken: token } : chooseAuth({
    credentials: flags.credentials,
    oauthClient: flags["oauth-client"],
    tokenCache: flags["token-cache"],
  });

  let lastLine = 0;
  const onProgress = (s: ProgressSnapshot) => {
    if (flags.quiet) return;
    if (tty) write(`\r\x1b[2K${formatProgress(s)}`);
    else if (s.phase === "done" || Date.now() - lastLine >= 5000) {
      lastLine = Date.now();
      write(`${formatProgress(s)}\n`);
    }
  };
  try {
    const source = await createDriveSource({
      folder: flags.folder,
      mirrorDir: flags.mirror,
      auth,
      authOptions: { env, log: (l) => write(`${l}\n`) },
      rootUrl: flags["root-url"],
      concurrency,
      onProgress,
      onFailure: (f) =>
        write(`${tty && !flags.quiet ? "\r\x1b[2K" : ""}failed (${f.stage}): ${f.path}: ${f.message}\n`),
    });
    write(`syncing ${source.description} -> ${source.mirrorDir}\n`);
    const r = await source.sync();
    if (tty && !flags.quiet) write("\n");
    write(
      `${r.listed} images: ${r.downloaded} downloaded (${formatBytes(r.bytes)}), ${r.skipped} unchanged, ` +
        `${r.moved} moved, ${r.removed} removed, ${r.failures.length} failed; ` +
        `${r.faultsSurvived} faults survived${r.complete ? "" : "; listing incomplete, nothing removed"}\n`,
    );
    return r.failures.length > 0 ? 1 : 0;
  } catch (e) {
    write(`${tty ? "\n" : ""}error: ${safeErrorMessage(e, token ? [token] : [])}\n`);
    return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
