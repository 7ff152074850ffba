/**
 * `--input`, the photo source flag that `deno task run` and `deno task enqueue` share.
 * @module
 */
import { flag } from "../flags/types.ts";

/** `--input`: a local folder, or a Google Drive folder written `drive:<id|URL|path>`. */
export const INPUT_FLAG = flag({
  type: "path",
  required: true,
  verbatimPrefixes: ["drive:"],
  placeholder: "folder | drive:<id|URL|path>",
  help: "photos: a local folder, or a Google Drive folder",
});
