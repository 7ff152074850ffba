/**
 * Turning an `--input` argument into an {@link ImageSource}: a local folder, or `drive:<id|URL|path>`.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { LocalFolderSource } from "./local.ts";
import type { ImageSource } from "./types.ts";

/** Options of {@link openSource}. */
export interface OpenSourceOptions {
  /** Use the first folder level as a ground-truth label. @default false */
  labelsFromFolders?: boolean;
  /** Key file for Drive: service account, authorized_user or OAuth client (else application default). */
  credentials?: string;
  /** OAuth client secret file for Drive's installed-app (browser) sign-in. */
  oauthClient?: string;
  /** Folder of the local Drive mirror. */
  mirrorDir?: string;
  /** Receives progress and notice lines. */
  log?: (line: string) => void;
}

/** Opens a source from its command-line spelling. */
export async function openSource(input: string, opts: OpenSourceOptions = {}): Promise<ImageSource> {
  if (input.startsWith("drive:")) {
    const { openDriveInput } = await import("./drive/open.ts");
    return await openDriveInput(input.slice("drive:".length), opts);
  }
  if (!input) throw new ToolkitError("no input folder given");
  return new LocalFolderSource(input, { labelsFromFolders: opts.labelsFromFolders });
}
