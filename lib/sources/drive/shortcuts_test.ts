import assert from "node:assert/strict";
import { join } from "node:path";
import { createDriveAuth, DRIVE_FILE_SCOPE, DRIVE_READONLY_SCOPE, loadTokenCache } from "./auth.ts";
import { DriveApi, FOLDER_MIME, SHORTCUT_MIME } from "./api.ts";
import { type EmuItem, startDriveEmulator } from "./emulator.ts";
import { makeShortcuts, shortcutDestination } from "./shortcuts.ts";
import { emulatorAuth } from "./testing.ts";

const RETRY = { baseDelayMs: 1, maxDelayMs: 2 };

/** Every item of the emulator under `parentId`, as `name` (folders) or `name -> target` (shortcuts). */
async function tree(api: DriveApi, parentId: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const f of api.listChildren(parentId)) {
    if (f.mimeType === FOLDER_MIME) {
      out.push(`${prefix}${f.name}/`, ...await tree(api, f.id, `${prefix}${f.name}/`));
    } else if (f.mimeType === SHORTCUT_MIME) out.push(`${prefix}${f.name} -> ${f.shortcut?.targetId}`);
  }
  return out.sort();
}

Deno.test("makeShortcuts: a folder per person, a shortcut per photo, the missing path made; a rerun adds nothing twice", async () => {
  await using emu = await startDriveEmulator();
  const photos = emu.addFolder("root", "photos");
  const a = emu.addFile(photos, "a.jpg", new Uint8Array([1]));
  const b = emu.addFile(photos, "b.jpg", new Uint8Array([2]));
  const c = emu.addFile(photos, "c.jpg", new Uint8Array([3]));
  const api = new DriveApi({ auth: emulatorAuth(), rootUrl: emu.rootUrl, retry: RETRY });
  const people = [
    { folder: "Ada", photos: [{ name: "a.jpg", targetId: a }, { name: "b.jpg", targetId: b }] },
    { folder: "person-1", photos: [{ name: "c.jpg", targetId: c }] },
  ];
  const lines: string[] = [];
  const r = await makeShortcuts(api, "My Drive/exports/people", people, (l) => lines.push(l));
  assert.equal(r.foldersCreated, 4); // exports, people, Ada, person-1
  assert.equal(r.shortcutsCreated, 3);
  assert.equal(r.alreadyThere, 0);
  assert.equal(r.folder.display, "My Drive/exports/people");
  const made = emu.item(r.folder.id) as EmuItem;
  assert.equal(made.name, "people");
  assert.deepEqual(await tree(api, r.folder.id), [
    "Ada/",
    `Ada/a.jpg -> ${a}`,
    `Ada/b.jpg -> ${b}`,
    "person-1/",
    `person-1/c.jpg -> ${c}`,
  ]);
  assert.equal(lines.length, 2);

  // Again, with one more photo for Ada: only that one is made, nothing is duplicated.
  const d = emu.addFile(photos, "d.jpg", new Uint8Array([4]));
  people[0].photos.push({ name: "d.jpg", targetId: d });
  const again = await makeShortcuts(api, "My Drive/exports/people", people);
  assert.deepEqual([again.foldersCreated, again.shortcutsCreated, again.alreadyThere], [0, 1, 3]);
  assert.equal(again.folder.id, r.folder.id);
  assert.equal((await tree(api, r.folder.id)).length, 6); // 2 folders, 4 shortcuts
  // By id, the same folder.
  const byId = await makeShortcuts(api, r.folder.id, people);
  assert.deepEqual([byId.foldersCreated, byId.shortcutsCreated, byId.alreadyThere], [0, 0, 4]);
  // The photos themselves were not touched.
  assert.deepEqual(emu.item(a).parents, [photos]);
});

Deno.test("makeShortcuts: clear errors for a read-only token, a file, an unknown id and a shared-drive path", async () => {
  await using emu = await startDriveEmulator({ readOnlyTokens: ["read-only"] });
  const photos = emu.addFolder("root", "photos");
  const a = emu.addFile(photos, "a.jpg", new Uint8Array([1]));
  const ro = new DriveApi({ auth: emulatorAuth("read-only"), rootUrl: emu.rootUrl, retry: RETRY });
  const people = [{ folder: "Ada", photos: [{ name: "a.jpg", targetId: a }] }];
  await assert.rejects(
    () => makeShortcuts(ro, "My Drive/new folder", people),
    /Google Drive refused to create in "new folder"'s parent folder \(HTTP 403 insufficientPermissions\): .*drive\.file scope/,
  );
  const api = new DriveApi({ auth: emulatorAuth(), rootUrl: emu.rootUrl, retry: RETRY });
  await assert.rejects(() => shortcutDestination(api, a), /--drive-shortcuts: a\.jpg \(.*\) is not a folder/);
  await assert.rejects(
    () => shortcutDestination(api, "1NoSuchFolderIdAtAllXyz"),
    /--drive-shortcuts: no Drive folder with id 1NoSuchFolderIdAtAllXyz/,
  );
  await assert.rejects(() => shortcutDestination(api, "Team/photos"), /is not in My Drive/);
  // A shortcut to a file that does not exist: Drive's 404 names it.
  await assert.rejects(
    () =>
      makeShortcuts(api, "My Drive/x", [{ folder: "B", photos: [{ name: "z.jpg", targetId: "1Missing" }] }]),
    /creating a shortcut to 1Missing: HTTP 404/,
  );
});

Deno.test("the drive.file scope is asked for only when wanted: a read-only cached token is not reused for writing", async () => {
  await using emu = await startDriveEmulator();
  const dir = await Deno.makeTempDir();
  try {
    const clientFile = join(dir, "client_secret.json");
    await Deno.writeTextFile(
      clientFile,
      JSON.stringify({
        installed: {
          client_id: "123-abc.apps.googleusercontent.com",
          client_secret: "GOCSPX-emulated-client-secret",
          auth_uri: `${emu.rootUrl}o/oauth2/auth`,
          token_uri: emu.tokenUrl,
          redirect_uris: ["http://localhost"],
        },
      }),
    );
    const cache = join(dir, "token.json");
    const logs: string[] = [];
    let consents = 0;
    const options = (scopes?: string[]) => ({
      ...(scopes ? { scopes } : {}),
      log: (l: string) => logs.push(l),
      openBrowser: async (url: string) => {
        consents++;
        await fetch(emu.consent(url)).then((r) => r.text());
      },
    });
    const choice = { method: "oauth" as const, clientSecretFile: clientFile, tokenCachePath: cache };
    await createDriveAuth(choice, options());
    assert.equal(consents, 1);
    assert.match(logs.join("\n"), /read-only access/);
    // Writing needs drive.file too: the read-only token in the cache does not serve, a consent asks for both.
    const write = [DRIVE_READONLY_SCOPE, DRIVE_FILE_SCOPE];
    const auth = await createDriveAuth(choice, options(write));
    assert.equal(consents, 2);
    assert.equal(emu.stats.scopes.at(-1), write.join(" "));
    assert.match(logs.join("\n"), /creation of folders and shortcuts/);
    assert.deepEqual((await loadTokenCache(cache))!.scope!.split(" ").sort(), [...write].sort());
    // Now this cache covers both (deno task export keeps its own cache file, so that the read-only
    // commands never hold a token that may write).
    await createDriveAuth(choice, options(write));
    await createDriveAuth(choice, options());
    assert.equal(consents, 2);
    const api = new DriveApi({ auth, rootUrl: emu.rootUrl, retry: RETRY });
    const made = await api.createFolder("root", "made");
    assert.equal(emu.item(made.id).name, "made");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
