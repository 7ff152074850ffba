/**
 * `deno task drive:sync --folder <id|url|path> --mirror <dir> [--credentials <key.json>]`:
 * mirrors a Drive folder's images to a local directory, printing progress to stderr.
 * @module
 */
import { parseArgs } from "node:util";
import { type AuthChoice, chooseAuth } from "./auth.ts";
import { formatBytes, formatProgress, type ProgressSnapshot } from "./progress.ts";
import { safeErrorMessage } from "./redact.ts";
import { createDriveSource } from "./source.ts";

const USAGE = `Usage: deno task drive:sync --folder <id|url|path> [--mirror <dir>] [options]

  --folder <x>         Drive folder: an id, a Drive URL, "My Drive/a/b", or "<shared drive>/a/b"
  --mirror <dir>       local mirror directory, one Drive folder per directory
                       (default ~/.cache/facegroup/drive/<folder id>)
  --credentials <f>    service-account key (or authorized_user / OAuth client JSON)
  --oauth-client <f>   OAuth client secret JSON: sign in with a browser (token cached owner-only)
  --token-cache <f>    where the OAuth token is cached (default ~/.config/facegroup/...)
  --concurrency <n>    parallel downloads (default 4)
  --quiet              no progress lines
Without --credentials/--oauth-client, application default credentials are used
(GOOGLE_APPLICATION_CREDENTIALS, gcloud). FACEGROUP_DRIVE_ACCESS_TOKEN, if set, is used as is.
Access is read-only (drive.readonly).`;

/** What {@link main} writes to and reads from (replaceable in tests). */
export interface CliIo {
  /** Writes text to stderr. */
  write?: (text: string) => void;
  /** Whether stderr is a terminal (progress on one rewritten line). */
  isTty?: boolean;
  /** Environment lookup. */
  env?: (name: string) => string | undefined;
}

/** Runs the command; returns the exit code (0 done, 1 some files failed, 2 could not run). */
export async function main(args: string[], io: CliIo = {}): Promise<number> {
  const enc = new TextEncoder();
  const write = io.write ?? ((t: string) => void Deno.stderr.writeSync(enc.encode(t)));
  const env = io.env ?? ((n: string) => Deno.env.get(n));
  const tty = io.isTty ?? Deno.stderr.isTerminal();
  let flags;
  try {
    flags = parseArgs({
      args,
      options: {
        folder: { type: "string" },
        mirror: { type: "string" },
        credentials: { type: "string" },
        "oauth-client": { type: "string" },
        "token-cache": { type: "string" },
        concurrency: { type: "string" },
        "root-url": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (e) {
    write(`${safeErrorMessage(e)}\n\n${USAGE}\n`);
    return 2;
  }
  if (flags.help) {
    write(`${USAGE}\n`);
    return 0;
  }
  if (!flags.folder) {
    write(`--folder is required\n\n${USAGE}\n`);
    return 2;
  }
  const concurrency = flags.concurrency === undefined ? 4 : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    write("--concurrency must be an integer from 1 to 64\n");
    return 2;
  }
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
