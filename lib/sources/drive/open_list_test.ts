import assert from "node:assert/strict";
import type { FileFailure } from "../../errors.ts";
import { startDriveEmulator } from "./emulator.ts";
import { openDriveInput } from "./open.ts";

Deno.test("a Drive folder that cannot be listed reaches the listing's onSkipped (stage list); the rest is listed", async () => {
  await using emu = await startDriveEmulator();
  const photos = emu.addFolder(emu.rootId, "photos");
  const sub = emu.addFolder(photos, "sub");
  emu.addFile(sub, "a.jpg", new Uint8Array([1]));
  emu.addFile(photos, "b.jpg", new Uint8Array([2]));
  // Every listing of `sub` fails, through the retries of the mirror's sync and of the listing.
  emu.addFault({ kind: "500", route: "list", fileId: sub, times: 100 });
  const tmp = await Deno.makeTempDir({ prefix: "facegroup-drive-list-" });
  Deno.env.set("FACEGROUP_DRIVE_ACCESS_TOKEN", "test-token");
  try {
    const source = await openDriveInput("My Drive/photos", {
      rootUrl: emu.rootUrl,
      mirrorDir: `${tmp}/mirror`,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      log: () => {},
    });
    const paths: string[] = [];
    const skipped: FileFailure[] = [];
    for await (const r of source.list(undefined, (f) => skipped.push(f))) paths.push(r.path);
    assert.deepEqual(paths, ["b.jpg"]);
    assert.deepEqual(skipped.map((s) => [s.path, s.stage]), [["sub", "list"]]);
    assert.ok(skipped[0].message.length > 0);
    // A listing without a receiver still works.
    const again: string[] = [];
    for await (const r of source.list()) again.push(r.path);
    assert.deepEqual(again, ["b.jpg"]);
  } finally {
    Deno.env.delete("FACEGROUP_DRIVE_ACCESS_TOKEN");
    await Deno.remove(tmp, { recursive: true });
  }
});
