/**
 * Credentials for Drive, read-only: a key file (service account, `authorized_user`, or an OAuth
 * client secret that starts the installed-app flow), application default credentials, or the
 * installed-app OAuth flow for a person (browser consent, loopback redirect on 127.0.0.1, PKCE,
 * token cached owner-only in the user's config directory). Errors never carry key material or
 * tokens.
 * @module
 */
import { type AuthClient, GoogleAuth, JWT, OAuth2Client, UserRefreshClient } from "google-auth-library";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { ToolkitError } from "../../errors.ts";
import type { DriveAuth } from "./api.ts";
import { redact, safeErrorMessage } from "./redact.ts";

/** The scope every command asks for: read-only. */
export const DRIVE_READONLY_SCOPE = "https://www.googleapis.com/auth/drive.readonly";

/**
 * The scope that may create files, asked for (beside {@link DRIVE_READONLY_SCOPE}) only by
 * `deno task export --drive-shortcuts`: folders and shortcuts the toolkit creates itself.
 */
export const DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file";

/** Which credentials to use. */
export type AuthChoice =
  /** A JSON key file: service account, `authorized_user`, or an OAuth client secret (installed app). */
  | { method: "key-file"; keyFile: string; tokenCachePath?: string }
  /** Application default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's login, the metadata server). */
  | { method: "adc" }
  /** The installed-app flow with this OAuth client secret file. */
  | { method: "oauth"; clientSecretFile: string; tokenCachePath?: string }
  /** A ready access token (CI, tests). */
  | { method: "token"; accessToken: string };

/** Options of {@link createDriveAuth}. */
export interface AuthOptions {
  /** The fetch used for token requests (default the platform's). */
  fetchImplementation?: typeof fetch;
  /** Opens the consent URL (default: `xdg-open`/`open`/`start`, failures ignored). */
  openBrowser?: (url: string) => void | Promise<void>;
  /** Where messages for the user go (default stderr). Never given secrets. */
  log?: (line: string) => void;
  /** How long to wait for the browser consent (default 5 minutes). */
  consentTimeoutMs?: number;
  /** Scopes to ask for (default only {@link DRIVE_READONLY_SCOPE}). */
  scopes?: string[];
  /** Environment lookup (default `Deno.env.get`), for the token cache location. */
  env?: (name: string) => string | undefined;
}

/**
 * Picks credentials from flags: `--oauth-client` (installed-app flow), else `--credentials`
 * (a key file), else application default credentials, which read GOOGLE_APPLICATION_CREDENTIALS
 * first.
 */
export function chooseAuth(
  flags: { credentials?: string; oauthClient?: string; tokenCache?: string },
): AuthChoice {
  if (flags.oauthClient) {
    return { method: "oauth", clientSecretFile: flags.oauthClient, tokenCachePath: flags.tokenCache };
  }
  if (flags.credentials) {
    return { method: "key-file", keyFile: flags.credentials, tokenCachePath: flags.tokenCache };
  }
  return { method: "adc" };
}

/** `$XDG_CONFIG_HOME/facegroup/drive-oauth-token.json`, else `~/.config/facegroup/…` (`%APPDATA%` on Windows). */
export function defaultTokenCachePath(
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): string {
  const base = env("XDG_CONFIG_HOME") ?? (Deno.build.os === "windows" ? env("APPDATA") : undefined) ??
    join(env("HOME") ?? env("USERPROFILE") ?? ".", ".config");
  return join(base, "facegroup", "drive-oauth-token.json");
}

/** What the token cache holds. */
export interface TokenCache {
  /** The OAuth client the tokens belong to. */
  clientId: string;
  /** Granted scope. */
  scope?: string;
  /** Refresh token. */
  refresh_token?: string | null;
  /** Last access token. */
  access_token?: string | null;
  /** Its expiry, ms since the epoch. */
  expiry_date?: number | null;
  /** Token type (Bearer). */
  token_type?: string | null;
}

/** Writes the token cache atomically with mode 0600, in a folder made with mode 0700. */
export async function saveTokenCache(path: string, cache: TokenCache): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await Deno.writeTextFile(tmp, JSON.stringify(cache), { mode: 0o600, createNew: true });
    if (Deno.build.os !== "windows") await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new ToolkitError(`cannot write the token cache ${path}: ${safeErrorMessage(e)}`);
  }
}

/** Reads the token cache (tightening its mode to 0600 if needed); undefined if absent or unreadable. */
export async function loadTokenCache(path: string): Promise<TokenCache | undefined> {
  try {
    const st = await Deno.stat(path);
    if (Deno.build.os !== "windows" && st.mode !== null && (st.mode & 0o077) !== 0) {
      await Deno.chmod(path, 0o600);
    }
    const c = JSON.parse(await Deno.readTextFile(path));
    return typeof c?.clientId === "string" ? c as TokenCache : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a JSON credentials file; the error never quotes its content. */
async function readJsonFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new ToolkitError(`cannot read credentials file ${path}: ${e instanceof Error ? e.name : "error"}`);
  }
  try {
    const v = JSON.parse(text);
    if (v && typeof v === "object" && !Array.isArray(v)) return v;
  } catch { /* the parser's message quotes the text: never show it */ }
  throw new ToolkitError(`credentials file ${path} is not a JSON object`);
}

/** Builds an auth client for the chosen credentials, checking early that they yield a token. */
export async function createDriveAuth(choice: AuthChoice, options: AuthOptions = {}): Promise<DriveAuth> {
  const transporterOptions = { fetchImplementation: options.fetchImplementation ?? fetch };
  const scopes = options.scopes ?? [DRIVE_READONLY_SCOPE];
  switch (choice.method) {
    case "token": {
      const c = new OAuth2Client({ transporterOptions });
      c.setCredentials({ access_token: choice.accessToken, token_type: "Bearer" });
      return c;
    }
    case "oauth":
      return await installedAppClient(
        await readJsonFile(choice.clientSecretFile),
        choice.tokenCachePath,
        options,
      );
    case "key-file": {
      const json = await readJsonFile(choice.keyFile);
      if (json.installed || json.web) return await installedAppClient(json, choice.tokenCachePath, options);
      const str = (k: string) => (typeof json[k] === "string" ? json[k] as string : undefined);
      let client: AuthClient;
      if (json.type === "service_account") {
        if (!str("client_email") || !str("private_key")) {
          throw new ToolkitError(`service-account key ${choice.keyFile} lacks client_email or private_key`);
        }
        client = new JWT({
          email: str("client_email"),
          key: str("private_key"),
          keyId: str("private_key_id"),
          scopes,
          transporterOptions,
        });
      } else if (json.type === "authorized_user") {
        client = new UserRefreshClient({
          clientId: str("client_id"),
          clientSecret: str("client_secret"),
          refreshToken: str("refresh_token"),
          transporterOptions,
        });
      } else {
        throw new ToolkitError(
          `credentials file ${choice.keyFile} has unsupported type ${
            JSON.stringify(String(json.type ?? "none"))
          }` +
            " (for other kinds, set GOOGLE_APPLICATION_CREDENTIALS and give no --credentials)",
        );
      }
      await checkToken(() => client.getAccessToken(), `credentials in ${choice.keyFile}`, secretsOf(json));
      return client as DriveAuth;
    }
    case "adc": {
      const envFile = (options.env ?? ((n: string) => Deno.env.get(n)))("GOOGLE_APPLICATION_CREDENTIALS");
      const secrets = envFile ? secretsOf(await readJsonFile(envFile)) : []; // a broken file fails here, quietly
      const auth = new GoogleAuth({ scopes, clientOptions: { transporterOptions } });
      await checkToken(
        async () => await (await auth.getClient()).getAccessToken(),
        "application default credentials",
        secrets,
        () =>
          "give --credentials <key.json> or --oauth-client <client_secret.json>, or run " +
          `\`gcloud auth application-default login --scopes=${
            scopes.join(",")
          },https://www.googleapis.com/auth/cloud-platform\``,
      );
      return auth;
    }
  }
}

function secretsOf(json: Record<string, unknown>): string[] {
  return ["private_key", "private_key_id", "client_secret", "refresh_token"]
    .map((k) => json[k])
    .filter((v): v is string => typeof v === "string");
}

async function checkToken(
  getToken: () => Promise<unknown>,
  what: string,
  secrets: string[],
  hint?: () => string,
): Promise<void> {
  try {
    await getToken();
  } catch (e) {
    throw new ToolkitError(
      `${what} gave no access token: ${safeErrorMessage(e, secrets)}${hint ? ` (${hint()})` : ""}`,
    );
  }
}

/** The installed-app flow: cached tokens if any, else browser consent on a loopback redirect. */
async function installedAppClient(
  json: Record<string, unknown>,
  tokenCachePath: string | undefined,
  options: AuthOptions,
): Promise<OAuth2Client> {
  const conf = (json.installed ?? json.web) as Record<string, unknown> | undefined;
  const clientId = conf?.client_id;
  const clientSecret = conf?.client_secret;
  if (typeof clientId !== "string" || typeof clientSecret !== "string") {
    throw new ToolkitError("OAuth client file lacks installed.client_id / client_secret");
  }
  const endpoints: Record<string, string> = {};
  if (typeof conf?.auth_uri === "string") endpoints.oauth2AuthBaseUrl = conf.auth_uri;
  if (typeof conf?.token_uri === "string") endpoints.oauth2TokenUrl = conf.token_uri;
  const client = new OAuth2Client({
    clientId,
    clientSecret,
    endpoints,
    transporterOptions: { fetchImplementation: options.fetchImplementation ?? fetch },
  });
  const cachePath = tokenCachePath ?? defaultTokenCachePath(options.env);
  const log = options.log ?? ((l: string) => console.error(l));
  const cached = await loadTokenCache(cachePath);
  let tokens: TokenCache;
  const scopes = options.scopes ?? [DRIVE_READONLY_SCOPE];
  // A cached token serves only when it was granted every scope asked for now.
  const granted = new Set((cached?.scope ?? DRIVE_READONLY_SCOPE).split(/\s+/));
  if (cached && cached.clientId === clientId && cached.refresh_token && scopes.every((s) => granted.has(s))) {
    tokens = cached;
  } else {
    tokens = { clientId, ...(await consent(client, options, log, [clientSecret])) };
    await saveTokenCache(cachePath, tokens);
    log(`Drive access granted; token cached in ${cachePath} (owner-only)`);
  }
  client.setCredentials({
    refresh_token: tokens.refresh_token,
    access_token: tokens.access_token,
    expiry_date: tokens.expiry_date,
    token_type: tokens.token_type,
  });
  client.on("tokens", (t) => {
    tokens = { ...tokens, ...t, refresh_token: t.refresh_token ?? tokens.refresh_token, clientId };
    saveTokenCache(cachePath, tokens).catch((e) =>
      log(`could not update the token cache: ${safeErrorMessage(e)}`)
    );
  });
  return client;
}

/** Browser consent with a loopback redirect server on 127.0.0.1 and PKCE; returns the tokens. */
async function consent(
  client: OAuth2Client,
  options: AuthOptions,
  log: (line: string) => void,
  secrets: string[],
): Promise<Omit<TokenCache, "clientId">> {
  const state = randomBytes(24).toString("hex");
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  let settle!: (r: { code?: string; error?: string }) => void;
  const answer = new Promise<{ code?: string; error?: string }>((r) => (settle = r));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const u = new URL(req.url);
    if (u.pathname !== "/" || (!u.searchParams.has("code") && !u.searchParams.has("error"))) {
      return new Response("Not found", { status: 404 });
    }
    if (u.searchParams.get("state") !== state) return new Response("State mismatch", { status: 400 });
    const error = u.searchParams.get("error") ?? undefined;
    settle({ code: u.searchParams.get("code") ?? undefined, error });
    const msg = error ? "Access was not granted." : "Access granted. You can close this tab.";
    return new Response(`<!doctype html><meta charset="utf-8"><title>facegroup</title><p>${msg}</p>`, {
      headers: { "content-type": "text/html; charset=utf-8" },
    });
  });
  const redirectUri = `http://127.0.0.1:${server.addr.port}/`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const url = client.generateAuthUrl({
      access_type: "offline",
      prompt: "consent",
      scope: options.scopes ?? [DRIVE_READONLY_SCOPE],
      state,
      redirect_uri: redirectUri,
      code_challenge_method: "S256" as never,
      code_challenge: codeChallenge,
    });
    const writes = (options.scopes ?? []).some((s) => s !== DRIVE_READONLY_SCOPE);
    log(
      `To allow ${
        writes ? "read access and the creation of folders and shortcuts" : "read-only access"
      } in Google Drive, open this page in a browser:\n  ${url}`,
    );
    await (options.openBrowser ?? openInBrowser)(url);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ToolkitError("no answer from the browser consent page in time")),
        options.consentTimeoutMs ?? 300_000,
      );
    });
    const { code, error } = await Promise.race([answer, timeout]);
    if (!code) throw new ToolkitError(`Drive access was not granted (${redact(error ?? "no code")})`);
    try {
      const { tokens } = await client.getToken({ code, codeVerifier, redirect_uri: redirectUri });
      if (!tokens.refresh_token) throw new ToolkitError("the consent gave no refresh token");
      return {
        scope: tokens.scope ?? (options.scopes ?? [DRIVE_READONLY_SCOPE]).join(" "),
        refresh_token: tokens.refresh_token,
        access_token: tokens.access_token,
        expiry_date: tokens.expiry_date,
        token_type: tokens.token_type,
      };
    } catch (e) {
      if (e instanceof ToolkitError) throw e;
      throw new ToolkitError(
        `exchanging the consent code failed: ${safeErrorMessage(e, [...secrets, code, codeVerifier])}`,
      );
    }
  } finally {
    clearTimeout(timer);
    await server.shutdown();
  }
}

/** Best effort: opens a URL with the desktop's browser. */
async function openInBrowser(url: string): Promise<void> {
  const cmd = Deno.build.os === "darwin"
    ? ["open", url]
    : Deno.build.os === "windows"
    ? ["cmd", "/c", "start", "", url]
    : ["xdg-open", url];
  try {
    const p = new Deno.Command(cmd[0], { args: cmd.slice(1), stdout: "null", stderr: "null" }).spawn();
    await p.status;
  } catch { /* no browser here: the URL was printed */ }
}
