/**
 * Where the toolkit keeps its caches (embedding store, demo photos, Drive mirrors).
 * @module
 */

/** `FACEGROUP_CACHE`, else `$XDG_CACHE_HOME/facegroup`, else `~/.cache/facegroup`. */
export function cacheDir(): string {
  const env = Deno.env.get("FACEGROUP_CACHE");
  if (env) return env;
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/facegroup`;
  return `${Deno.env.get("HOME") ?? "."}/.cache/facegroup`;
}
