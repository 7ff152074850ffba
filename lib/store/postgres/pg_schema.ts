/**
 * The PostgreSQL store's tables, created on first use by whichever machine comes first (under
 * an advisory lock, so that several workers starting at once do not race): `store_keys`,
 * `photos`, `faces` (vector and thumbnail as `bytea`, removed with their photo) and `claims`,
 * in one schema; `meta` keeps the schema version.
 * @module
 */
import type postgres from "postgres";
import { ToolkitError } from "../../errors.ts";

/** Version of the tables this code reads and writes. */
export const PG_SCHEMA_VERSION = 1;

const tables = (s: string) => `
CREATE SCHEMA IF NOT EXISTS "${s}";
CREATE TABLE IF NOT EXISTS "${s}".meta (name text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS "${s}".store_keys (
  id text PRIMARY KEY, key text NOT NULL, dim integer NOT NULL, created text NOT NULL);
CREATE TABLE IF NOT EXISTS "${s}".photos (
  key_id text NOT NULL, hash text NOT NULL, width integer, height integer, error text,
  face_count integer NOT NULL, checksum bigint NOT NULL, created text NOT NULL,
  PRIMARY KEY (key_id, hash));
CREATE TABLE IF NOT EXISTS "${s}".faces (
  key_id text NOT NULL, hash text NOT NULL, idx integer NOT NULL, info text NOT NULL,
  vector bytea NOT NULL, thumb bytea, checksum bigint NOT NULL,
  PRIMARY KEY (key_id, hash, idx),
  FOREIGN KEY (key_id, hash) REFERENCES "${s}".photos (key_id, hash) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS "${s}".claims (
  key_id text NOT NULL, hash text NOT NULL, owner text NOT NULL, at bigint NOT NULL,
  PRIMARY KEY (key_id, hash));
INSERT INTO "${s}".meta (name, value) VALUES ('version', '${PG_SCHEMA_VERSION}') ON CONFLICT (name) DO NOTHING;
`;

/** Creates the store's tables in schema `schema` if needed; a newer schema version is refused. */
export async function ensureSchema(sql: postgres.Sql, schema: string): Promise<void> {
  await sql.begin(async (tx) => {
    // One creator at a time: concurrent CREATE ... IF NOT EXISTS can fail in PostgreSQL.
    await tx.unsafe("SELECT pg_advisory_xact_lock(hashtext($1))", [`facegroup-schema-${schema}`]);
    await tx.unsafe(tables(schema));
    const [v] = await tx.unsafe(`SELECT value FROM "${schema}".meta WHERE name = 'version'`);
    if (Number(v.value) > PG_SCHEMA_VERSION) {
      throw new ToolkitError(
        `store schema "${schema}" is version ${v.value}, newer than this code reads (${PG_SCHEMA_VERSION}); update the toolkit`,
      );
    }
  });
}
