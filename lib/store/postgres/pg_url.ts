/**
 * PostgreSQL store locations: telling a database URL from a folder, and masking the password
 * in every message (a URL's password, and the password itself wherever it appears).
 * @module
 */

/** True when `location` is a PostgreSQL URL (`postgres://` or `postgresql://`). */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(location);
}

/** The password of a PostgreSQL URL, decoded ("" when there is none). */
export function urlPassword(url: string): string {
  const m = /^[a-z]+:\/\/[^/@:]*:([^@/]*)@/i.exec(url);
  if (!m) return "";
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/** `url` with its password (if any) replaced by `***`. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^/@:]*:)[^@/]*@/i, "$1***@");
}

/**
 * `text` with every secret of `url` masked: the URL itself, its password (raw and URL-encoded),
 * and `PGPASSWORD` when set.
 */
export function maskSecrets(text: string, url: string): string {
  let out = text.split(url).join(maskUrl(url));
  const secrets = new Set<string>();
  const raw = /^[a-z]+:\/\/[^/@:]*:([^@/]*)@/i.exec(url)?.[1];
  if (raw) secrets.add(raw);
  const pass = urlPassword(url);
  if (pass) secrets.add(pass);
  let env: string | undefined;
  try {
    env = Deno.env.get("PGPASSWORD");
  } catch { /* no env permission */ }
  if (env) secrets.add(env);
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= 1) out = out.split(s).join("***");
  }
  return out;
}

/** A PostgreSQL URL split into what the client gets and the store's own `schema` parameter. */
export interface PgLocation {
  /** The URL without `schema=` (what the client connects with). */
  url: string;
  /** Schema holding the store's tables. @default "facegroup" */
  schema: string;
}

/**
 * Reads the store's `schema` query parameter (`postgres://host/db?schema=name`, default
 * `facegroup`); other parameters go to the server as connection settings.
 */
export function parsePgLocation(location: string): PgLocation {
  const q = location.indexOf("?");
  if (q < 0) return { url: location, schema: "facegroup" };
  const params = new URLSearchParams(location.slice(q + 1));
  const schema = params.get("schema") ?? "facegroup";
  params.delete("schema");
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`store ${maskUrl(location)}: schema must be a lower-case SQL name, got "${schema}"`);
  }
  const rest = params.toString();
  return { url: location.slice(0, q) + (rest ? `?${rest}` : ""), schema };
}
