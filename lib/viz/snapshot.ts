/**
 * Snapshot files for the figure tests: compare text with `testdata/<name>`; with
 * `UPDATE_SNAPSHOTS=1` set, (re)write it instead. A missing snapshot fails.
 * @module
 */
import assert from "node:assert/strict";

/** Asserts that `text` equals the stored snapshot `name` (under lib/viz/testdata/). */
export async function assertSnapshot(name: string, text: string): Promise<void> {
  const file = new URL(`./testdata/${name}`, import.meta.url);
  let stored: string | undefined;
  try {
    stored = await Deno.readTextFile(file);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (Deno.env.get("UPDATE_SNAPSHOTS") === "1") {
    await Deno.writeTextFile(file, text);
    return;
  }
  assert.ok(stored !== undefined, `snapshot ${name} is missing (UPDATE_SNAPSHOTS=1 writes it)`);
  assert.equal(
    text,
    stored,
    `snapshot ${name} differs (UPDATE_SNAPSHOTS=1 rewrites it after a deliberate change)`,
  );
}
