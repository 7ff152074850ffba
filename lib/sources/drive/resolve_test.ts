import assert from "node:assert/strict";
import { DriveApi } from "./api.ts";
import { startDriveEmulator } from "./emulator.ts";
import { parseFolderSpec, resolveFolder } from "./resolve.ts";
import { emulatorAuth } from "./testing.ts";

Deno.test("parseFolderSpec reads ids, URLs and paths", () => {
  const id = "1AbCdEfGhIjKlMnOpQrStUvWxYz_-0";
  assert.deepEqual(parseFolderSpec(id), { kind: "id", id, maybePath: true });
  assert.deepEqual(parseFolderSpec(`drive:${id}`), { kind: "id", id, maybePath: true });
  for (
    const url of [
      `https://drive.google.com/drive/folders/${id}`,
      `https://drive.google.com/drive/u/1/folders/${id}?usp=sharing`,
      `https://drive.google.com/open?id=${id}`,
      `https://drive.google.com/drive/folders/${id}/`,
    ]
  ) assert.deepEqual(parseFolderSpec(url), { kind: "id", id }, url);
  assert.deepEqual(parseFolderSpec("https://drive.google.com/drive/my-drive"), { kind: "id", id: "root" });
  assert.deepEqual(parseFolderSpec("My Drive/datasets/people/"), {
    kind: "path",
    segments: ["My Drive", "datasets", "people"],
  });
  assert.deepEqual(parseFolderSpec("drive:/Team/photos"), { kind: "path", segments: ["Team", "photos"] });
  assert.deepEqual(parseFolderSpec("people"), { kind: "path", segments: ["people"] });
  assert.deepEqual(parseFolderSpec("path:averyveryverylongfoldername"), {
    kind: "path",
    segments: ["averyveryverylongfoldername"],
  });
  assert.throws(() => parseFolderSpec("https://example.com/drive/folders/abc"), /not a Google Drive URL/);
  assert.throws(() => parseFolderSpec("https://drive.google.com/drive/shared-with-me"), /no folder id/);
  assert.throws(() => parseFolderSpec("  "), /empty/);
});

Deno.test("an id, a URL and a path resolve to the same folder, in My Drive and in a shared drive", async () => {
  await using emu = await startDriveEmulator();
  const api = new DriveApi({ auth: emulatorAuth(), rootUrl: emu.rootUrl });
  const datasets = emu.addFolder("root", "datasets");
  const people = emu.addFolder(datasets, "people");
  emu.addFolder(datasets, "people-old");
  const team = emu.addDrive("Team Photos");
  const shared = emu.addFolder(emu.addFolder(team, "2024"), "it's here");
  emu.addDrive("Other");

  for (
    const input of [
      people,
      `drive:${people}`,
      `https://drive.google.com/drive/folders/${people}?usp=sharing`,
      "My Drive/datasets/people",
      "drive:My Drive/datasets/people",
      "/my drive/datasets/people/",
      "datasets/people", // no shared drive named "datasets": taken in My Drive
    ]
  ) {
    const r = await resolveFolder(api, input);
    assert.equal(r.id, people, input);
    assert.equal(r.name, "people");
  }
  for (
    const input of [
      shared,
      `https://drive.google.com/drive/u/0/folders/${shared}`,
      "Team Photos/2024/it's here",
      "Shared drives/Team Photos/2024/it's here",
    ]
  ) {
    const r = await resolveFolder(api, input);
    assert.equal(r.id, shared, input);
    assert.equal(r.driveId, team, input);
  }
  assert.equal((await resolveFolder(api, "Team Photos")).id, team);
  assert.equal((await resolveFolder(api, "My Drive")).id, emu.rootId);
  assert.equal((await resolveFolder(api, "root")).id, emu.rootId);
  assert.equal((await resolveFolder(api, "My Drive/datasets/people")).display, "My Drive/datasets/people");
});

Deno.test("resolution follows folder shortcuts and explains what it cannot find", async () => {
  await using emu = await startDriveEmulator();
  const api = new DriveApi({ auth: emulatorAuth(), rootUrl: emu.rootUrl });
  const real = emu.addFolder("root", "real");
  emu.addShortcut("root", "link", real);
  const file = emu.addFile(real, "a.jpg", new Uint8Array([1]));
  emu.addFolder("root", "twin");
  emu.addFolder("root", "twin");
  const trashed = emu.addFolder("root", "old", { trashed: true });

  assert.equal((await resolveFolder(api, "My Drive/link")).id, real);
  await assert.rejects(resolveFolder(api, "My Drive/real/nope"), /no folder "nope" in "My Drive\/real"/);
  await assert.rejects(resolveFolder(api, "My Drive/twin"), /2 folders are named "twin"/);
  await assert.rejects(resolveFolder(api, "My Drive/old"), /no folder "old"/);
  await assert.rejects(resolveFolder(api, trashed), /in the trash/);
  await assert.rejects(resolveFolder(api, file), /is not a folder/);
  await assert.rejects(
    resolveFolder(api, "1NoSuchIdNoSuchIdNoSuchId"),
    /no folder "1NoSuchIdNoSuchIdNoSuchId"/,
  );
  await assert.rejects(resolveFolder(api, "id:1NoSuchIdNoSuchIdNoSuchId"), /no Drive folder with id/);
  await assert.rejects(resolveFolder(api, "Shared drives/Nope/x"), /no shared drive named "Nope"/);
});
