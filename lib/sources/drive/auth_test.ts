import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { DriveApi } from "./api.ts";
import {
  chooseAuth,
  createDriveAuth,
  defaultTokenCachePath,
  DRIVE_READONLY_SCOPE,
  loadTokenCache,
  saveTokenCache,
} from "./auth.ts";
import { type DriveEmulator, startDriveEmulator } from "./emulator.ts";

/** A fetch that sends Google's token endpoint to the emulator's. */
function tokenRedirect(emu: DriveEmulator): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return fetch(url.startsWith("https://oauth2.googleapis.com/token") ? emu.tokenUrl : input, init);
  }) as typeof fetch;
}

function rsaPair() {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}

/** Lines of a PEM body: none may show up in any message. */
function keyLines(pem: string): string[] {
  return pem.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
}

function assertNoSecret(text: string, secrets: string[]) {
  for (const s of secrets) assert.ok(!text.includes(s), `secret leaked into: ${text.slice(0, 200)}`);
  assert.ok(!text.includes("PRIVATE KEY"), text);
}

Deno.test("chooseAuth: --oauth-client, then --credentials, then application default credentials", () => {
  assert.deepEqual(chooseAuth({ oauthClient: "c.json", credentials: "k.json" }), {
    method: "oauth",
    clientSecretFile: "c.json",
    tokenCachePath: undefined,
  });
  assert.deepEqual(chooseAuth({ credentials: "k.json", tokenCache: "t.json" }), {
    method: "key-file",
    keyFile: "k.json",
    tokenCachePath: "t.json",
  });
  assert.deepEqual(chooseAuth({}), { method: "adc" });
});

Deno.test("ADC: GOOGLE_APPLICATION_CREDENTIALS pointing at a service-account key is used; a broken one fails quietly", async () => {
  await using emu = await startDriveEmulator();
  const dir = await Deno.makeTempDir();
  const { privateKey, publicKey } = rsaPair();
  const email = "adc@proj.iam.gserviceaccount.com";
  emu.addServiceAccount(email, publicKey);
  const keyFile = join(dir, "key.json");
  const key = { type: "service_account", client_email: email, private_key: privateKey, private_key_id: "k1" };
  await Deno.writeTextFile(keyFile, JSON.stringify(key));
  const fetchImplementation = tokenRedirect(emu);
  const prev = Deno.env.get("GOOGLE_APPLICATION_CREDENTIALS");
  try {
    Deno.env.set("GOOGLE_APPLICATION_CREDENTIALS", keyFile);
    const auth = await createDriveAuth({ method: "adc" }, { fetchImplementation });
    const f = emu.addFolder("root", "x");
    assert.equal((await new DriveApi({ auth, rootUrl: emu.rootUrl }).getFile(f)).id, f);
    assert.deepEqual(emu.stats.scopes, [DRIVE_READONLY_SCOPE]);
    await Deno.writeTextFile(keyFile, JSON.stringify(key).slice(0, 200));
    await assert.rejects(createDriveAuth({ method: "adc" }, { fetchImplementation }), (e: Error) => {
      assert.match(e.message, /is not a JSON object/);
      assertNoSecret(e.message, keyLines(privateKey));
      return true;
    });
  } finally {
    if (prev === undefined) Deno.env.delete("GOOGLE_APPLICATION_CREDENTIALS");
    else Deno.env.set("GOOGLE_APPLICATION_CREDENTIALS", prev);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the token cache lives in the user's config dir and is written owner-only", async () => {
  assert.equal(
    defaultTokenCachePath((n) => ({ XDG_CONFIG_HOME: "/x" })[n]),
    "/x/facegroup/drive-oauth-token.json",
  );
  if (Deno.build.os !== "windows") {
    assert.equal(
      defaultTokenCachePath((n) => ({ HOME: "/h" })[n]),
      "/h/.config/facegroup/drive-oauth-token.json",
    );
  }
  const dir = await Deno.makeTempDir();
  const path = join(dir, "cfg", "facegroup", "t.json");
  await saveTokenCache(path, { clientId: "c", refresh_token: "1//r" });
  assert.deepEqual(await loadTokenCache(path), { clientId: "c", refresh_token: "1//r" });
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(join(dir, "cfg", "facegroup"))).mode! & 0o777, 0o700);
    await Deno.chmod(path, 0o644);
    await loadTokenCache(path);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("installed-app flow: loopback consent with PKCE, read-only scope, cached token reused and refreshed", async () => {
  await using emu = await startDriveEmulator();
  const dir = await Deno.makeTempDir();
  const clientFile = join(dir, "client_secret.json");
  const clientSecret = "GOCSPX-emulated-client-secret";
  await Deno.writeTextFile(
    clientFile,
    JSON.stringify({
      installed: {
        client_id: "123-abc.apps.googleusercontent.com",
        client_secret: clientSecret,
        auth_uri: `${emu.rootUrl}o/oauth2/auth`,
        token_uri: emu.tokenUrl,
        redirect_uris: ["http://localhost"],
      },
    }),
  );
  const cache = join(dir, "config", "facegroup", "drive-oauth-token.json");
  const logs: string[] = [];
  let opened = 0;
  const auth = await createDriveAuth(
    { method: "oauth", clientSecretFile: clientFile, tokenCachePath: cache },
    {
      log: (l) => logs.push(l),
      openBrowser: async (url) => {
        opened++;
        assert.ok(new URL(url).searchParams.get("redirect_uri")!.startsWith("http://127.0.0.1:"));
        assert.equal(new URL(url).searchParams.get("code_challenge_method"), "S256");
        const res = await fetch(emu.consent(url)); // the "browser" follows the redirect
        assert.match(await res.text(), /Access granted/);
      },
    },
  );
  assert.equal(opened, 1);
  assert.deepEqual(emu.stats.scopes, [DRIVE_READONLY_SCOPE]);
  const saved = (await loadTokenCache(cache))!;
  assert.ok(saved.refresh_token?.startsWith("1//"));
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(cache)).mode! & 0o777, 0o600);
  assertNoSecret(logs.join("\n"), [saved.refresh_token!, saved.access_token!, clientSecret]);
  const root = emu.addFolder("root", "x");
  assert.equal((await new DriveApi({ auth, rootUrl: emu.rootUrl }).getFile(root)).id, root);

  // a second run uses the cache; an expired access token is refreshed and the cache updated
  await saveTokenCache(cache, { ...saved, access_token: "expired", expiry_date: Date.now() - 1000 });
  const auth2 = await createDriveAuth({
    method: "oauth",
    clientSecretFile: clientFile,
    tokenCachePath: cache,
  }, {
    log: (l) => logs.push(l),
    openBrowser: () => assert.fail("no consent needed"),
  });
  assert.equal((await new DriveApi({ auth: auth2, rootUrl: emu.rootUrl }).getFile(root)).id, root);
  let updated = await loadTokenCache(cache);
  for (let i = 0; i < 200 && updated?.access_token === "expired"; i++) {
    await new Promise((r) => setTimeout(r, 5));
    updated = await loadTokenCache(cache);
  }
  assert.ok(updated?.access_token?.startsWith("ya29.emu-"));
  assert.equal(updated?.refresh_token, saved.refresh_token);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("installed-app flow: a refused consent is an error without secrets", async () => {
  await using emu = await startDriveEmulator();
  const dir = await Deno.makeTempDir();
  const clientFile = join(dir, "c.json");
  await Deno.writeTextFile(
    clientFile,
    JSON.stringify({
      installed: { client_id: "id", client_secret: "GOCSPX-topsecret", token_uri: emu.tokenUrl },
    }),
  );
  await assert.rejects(
    createDriveAuth({ method: "key-file", keyFile: clientFile, tokenCachePath: join(dir, "t.json") }, {
      log: () => {},
      openBrowser: async (url) => {
        const back = new URL(new URL(url).searchParams.get("redirect_uri")!);
        back.searchParams.set("error", "access_denied");
        back.searchParams.set("state", new URL(url).searchParams.get("state")!);
        await (await fetch(back)).text();
      },
    }),
    (e: Error) => /not granted \(access_denied\)/.test(e.message) && !e.message.includes("topsecret"),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("service-account key: signed assertion for the read-only scope; bad keys fail without key material", async () => {
  await using emu = await startDriveEmulator();
  const dir = await Deno.makeTempDir();
  const { privateKey, publicKey } = rsaPair();
  const email = "reader@proj.iam.gserviceaccount.com";
  emu.addServiceAccount(email, publicKey);
  const keyJson = {
    type: "service_account",
    project_id: "proj",
    private_key_id: "abcdef0123456789abcdef",
    private_key: privateKey,
    client_email: email,
    client_id: "1",
    token_uri: "https://oauth2.googleapis.com/token",
  };
  const keyFile = join(dir, "key.json");
  await Deno.writeTextFile(keyFile, JSON.stringify(keyJson));
  const fetchImplementation = tokenRedirect(emu);
  const auth = await createDriveAuth({ method: "key-file", keyFile }, { fetchImplementation });
  assert.deepEqual(emu.stats.scopes, [DRIVE_READONLY_SCOPE]);
  const f = emu.addFolder("root", "x");
  assert.equal((await new DriveApi({ auth, rootUrl: emu.rootUrl }).getFile(f)).id, f);

  const secrets = [...keyLines(privateKey), keyJson.private_key_id];
  // a key Drive does not know
  const other = rsaPair();
  const wrongFile = join(dir, "wrong.json");
  await Deno.writeTextFile(wrongFile, JSON.stringify({ ...keyJson, private_key: other.privateKey }));
  await assert.rejects(
    createDriveAuth({ method: "key-file", keyFile: wrongFile }, { fetchImplementation }),
    (e: Error) => {
      assert.match(e.message, /gave no access token: invalid_grant/);
      assertNoSecret(e.message + Deno.inspect(e), [...secrets, ...keyLines(other.privateKey)]);
      return true;
    },
  );
  // a broken file that holds a key
  const broken = join(dir, "broken.json");
  await Deno.writeTextFile(broken, JSON.stringify(keyJson).slice(0, -10));
  await assert.rejects(createDriveAuth({ method: "key-file", keyFile: broken }), (e: Error) => {
    assert.match(e.message, /is not a JSON object/);
    assertNoSecret(e.message, secrets);
    return true;
  });
  // a key without its private key
  const partial = join(dir, "partial.json");
  await Deno.writeTextFile(partial, JSON.stringify({ ...keyJson, private_key: undefined }));
  await assert.rejects(
    createDriveAuth({ method: "key-file", keyFile: partial }, { fetchImplementation }),
    /lacks client_email or private_key/,
  );
  await assert.rejects(
    createDriveAuth({ method: "key-file", keyFile: join(dir, "missing.json") }),
    /cannot read credentials file/,
  );
  await Deno.writeTextFile(join(dir, "odd.json"), JSON.stringify({ type: "weird" }));
  await assert.rejects(
    createDriveAuth({ method: "key-file", keyFile: join(dir, "odd.json") }),
    /unsupported type/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("API errors never carry the bearer token", async () => {
  await using emu = await startDriveEmulator();
  const token = "ya29.very-secret-token-value";
  const auth = await createDriveAuth({ method: "token", accessToken: token });
  const api = new DriveApi({ auth, rootUrl: emu.rootUrl, retry: { maxAttempts: 1 } });
  await assert.rejects(api.getFile("root"), (e: Error) => {
    assert.match(e.message, /HTTP 401/);
    assert.ok(!(e.message + Deno.inspect(e) + JSON.stringify(e)).includes("very-secret"));
    return true;
  });
});
