import assert from "node:assert/strict";
import { OAuth2Client } from "google-auth-library";
import { DriveApi } from "./api.ts";
import { md5Hex, parseFields, parseQuery, startDriveEmulator } from "./emulator.ts";
import { HttpError } from "./retry.ts";

function testAuth(): OAuth2Client {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: "test-token", expiry_date: Date.now() + 3_600_000 });
  return auth;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

Deno.test("emulator: the googleapis client pages through files.list with q and fields via rootUrl", async () => {
  await using emu = await startDriveEmulator({ maxPageSize: 7 });
  const folder = emu.addFolder("root", "people");
  for (let i = 0; i < 20; i++) emu.addFile(folder, `p${i}.jpg`, new Uint8Array([i, 1, 2]));
  emu.addFile(folder, "gone.jpg", new Uint8Array([9]), { trashed: true });
  emu.addFile("root", "elsewhere.jpg", new Uint8Array([9]));
  const api = new DriveApi({ auth: testAuth(), rootUrl: emu.rootUrl, pageSize: 1000 });
  const files = await collect(api.listChildren(folder));
  assert.equal(files.length, 20);
  assert.equal(emu.stats.requests.list, 3); // 20 items at 7 a page
  const f = files.find((x) => x.name === "p3.jpg")!;
  assert.equal(f.md5, md5Hex(new Uint8Array([3, 1, 2])));
  assert.equal(f.size, 3);
  assert.ok(f.modified > 0);
  const chunks: Uint8Array[] = [];
  await api.download(f.id, (c) => void chunks.push(c));
  assert.deepEqual([...chunks.flatMap((c) => [...c])], [3, 1, 2]);
  assert.equal((await api.getFile("root")).id, emu.rootId);
});

Deno.test("emulator: requests without a valid token get 401, shared-drive items need supportsAllDrives", async () => {
  await using emu = await startDriveEmulator();
  const d = emu.addDrive("Team");
  const id = emu.addFile(d, "a.jpg", new Uint8Array([1]));
  const bad = new OAuth2Client();
  bad.setCredentials({ access_token: "wrong", expiry_date: Date.now() + 3_600_000 });
  const api = new DriveApi({ auth: bad, rootUrl: emu.rootUrl });
  await assert.rejects(api.getFile(id), (e) => e instanceof HttpError && e.status === 401);
  const res = await fetch(`${emu.rootUrl}drive/v3/files/${id}`, {
    headers: { authorization: "Bearer test-token" },
  });
  assert.equal(res.status, 404);
  await res.body?.cancel();
  const ok = await fetch(`${emu.rootUrl}drive/v3/files/${id}?supportsAllDrives=true`, {
    headers: { authorization: "Bearer test-token" },
  });
  assert.equal((await ok.json()).id, id);
});

Deno.test("emulator: q parser and fields masks", async () => {
  await using emu = await startDriveEmulator();
  const f = emu.addFolder("root", "it's");
  const item = emu.item(f);
  assert.equal(
    parseQuery(`'root' in parents and name = 'it\\'s' and trashed = false`, emu.rootId)(item),
    true,
  );
  assert.equal(
    parseQuery(`(mimeType = 'x' or mimeType contains 'folder') and not trashed = true`, "r")(item),
    true,
  );
  assert.equal(parseQuery(`'other' in parents`, emu.rootId)(item), false);
  assert.throws(() => parseQuery(`sharedWithMe`, "r"));
  const tree = parseFields("nextPageToken, files(id,shortcutDetails/targetId)");
  assert.deepEqual([...tree.keys()], ["nextPageToken", "files"]);
});
