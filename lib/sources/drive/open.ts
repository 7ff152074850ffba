/**
 * `--input drive:<id | URL | path>`: a Drive folder as the pipeline's source. The folder is
 * mirrored first (several downloads at once, retries, only new or changed files), then the
 * pipeline reads from the mirror; a file that kept failing is reported at stage `download`.
 * @module
 */
import { type FileFailure, FileStageError } from "../../errors.ts";
import type { ImageRef, ImageSource, OnSkipped } from "../types.ts";
import { type AuthChoice, chooseAuth } from "./auth.ts";
import { formatProgress } from "./progress.ts";
import { safeErrorMessage } from "./redact.ts";
import type { RetryOptions } from "./retry.ts";
import { createDriveSource, type DriveSource } from "./source.ts";

/** Options of {@link openDriveInput}. */
export interface OpenDriveOptions {
  /** Key file (service account, authorized_user, or OAuth client). */
  credentials?: string;
  /** OAuth client secret file for the installed-app (browser) flow. */
  oauthClient?: string;
  /** Mirror folder (default under the user's cache). */
  mirrorDir?: string;
  /** API root (an emulator's, in tests); `FACEGROUP_DRIVE_ROOT_URL` also sets it. */
  rootUrl?: string;
  /** Use the first folder level as the label. */
  labelsFromFolders?: boolean;
  /** Receives progress lines. */
  log?: (line: string) => void;
  /** Retry settings (tests shorten the delays). */
  retry?: RetryOptions;
}

/** Opens and mirrors a Drive folder, returning a source that reads from the mirror. */
export async function openDriveInput(spec: string, opts: OpenDriveOptions = {}): Promise<ImageSource> {
  const token = Deno.env.get("FACEGROUP_DRIVE_ACCESS_TOKEN");
  const auth: AuthChoice = token
    ? { method: "token", accessToken: token }
    : chooseAuth({ credentials: opts.credentials, oauthClient: opts.oauthClient });
  const log = opts.log ?? ((l: string) => console.error(l));
  let last = 0;
  // Folders the pipeline's listing cannot list reach its `onSkipped` (and so errors.csv).
  let listSkipped: OnSkipped | undefined;
  const drive: DriveSource = await createDriveSource({
    folder: spec,
    auth,
    mirrorDir: opts.mirrorDir,
    rootUrl: opts.rootUrl ?? Deno.env.get("FACEGROUP_DRIVE_ROOT_URL"),
    retry: opts.retry,
    onFailure: (f) => {
      if (f.stage === "list") listSkipped?.(f);
    },
    onProgress: (s) => {
      const now = performance.now();
      if (now - last >= 1000) last = now, log(`drive: ${formatProgress(s)}`);
    },
  });
  const sync = await drive.sync();
  log(
    `drive: ${sync.listed} images, ${sync.downloaded} downloaded, ${sync.skipped} already mirrored, ` +
      `${sync.removed} removed, ${sync.failures.length} failed, ${sync.faultsSurvived} faults survived`,
  );
  const failed = new Map<string, FileFailure>(sync.failures.map((f) => [f.path, f]));
  return {
    description: drive.description,
    async *list(signal?: AbortSignal, onSkipped?: OnSkipped) {
      listSkipped = onSkipped;
      try {
        for await (const ref of drive.list(signal)) {
          yield opts.labelsFromFolders ? ref : { ...ref, label: undefined };
        }
      } finally {
        listSkipped = undefined;
      }
    },
    async read(ref: ImageRef, signal?: AbortSignal) {
      const known = failed.get(ref.path);
      if (known) throw new FileStageError("download", known.message);
      try {
        return await drive.read(ref, signal);
      } catch (e) {
        throw new FileStageError("download", safeErrorMessage(e));
      }
    },
  };
}
