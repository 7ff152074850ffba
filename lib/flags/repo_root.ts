/**
 * The repository root: what the relative defaults of flags (e.g. `configs/sweep-default.json`)
 * are relative to.
 * @module
 */
import { resolve } from "node:path";

/** The repository root (where deno.json lies). */
export const REPO_ROOT: string = resolve(new URL("../..", import.meta.url).pathname);
