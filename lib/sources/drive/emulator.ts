/**
 * An in-process Google Drive v3 emulator for tests: the part of the API the Drive source uses
 * (files.list with `q`/pageSize/pageToken/fields, files.get for metadata and `alt=media`,
 * drives.list, files.create of folders and shortcuts, and an OAuth token endpoint), served by `Deno.serve` on 127.0.0.1, over an
 * in-memory tree, with faults injected on demand (429, 403 rate limits, 5xx, connections cut
 * mid-body, stalls, slow answers, corrupted bodies).
 *
 * Point a client at it with the googleapis `rootUrl` option set to {@link DriveEmulator.rootUrl}.
 * @module
 */
import { createHash, createVerify } from "node:crypto";
import { seededRandom } from "../../util/random.ts";
import { FOLDER_MIME, SHORTCUT_MIME } from "./api.ts";

/** One item of the emulated tree. */
export interface EmuItem {
  /** File id. */
  id: string;
  /** Display name (may hold any characters, like Drive's). */
  name: string;
  /** MIME type. */
  mimeType: string;
  /** Parent folder ids (empty for roots). */
  parents: string[];
  /** Shared drive the item lives in, if any. */
  driveId?: string;
  /** In the trash. */
  trashed: boolean;
  /** Content of binary files. */
  content?: Uint8Array;
  /** Hex MD5 of `content`. */
  md5Checksum?: string;
  /** RFC 3339 creation time. */
  createdTime: string;
  /** RFC 3339 modification time. */
  modifiedTime: string;
  /** For shortcuts: what they point at. */
  shortcutDetails?: { targetId: string; targetMimeType: string };
}

/** The kinds of fault the emulator can inject. */
export type FaultKind =
  | "429"
  | "403-userRateLimitExceeded"
  | "403-rateLimitExceeded"
  | "500"
  | "503"
  | "cut"
  | "stall"
  | "slow"
  | "corrupt";

/** Every fault kind, for tests that want them all. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "429",
  "403-userRateLimitExceeded",
  "403-rateLimitExceeded",
  "500",
  "503",
  "cut",
  "stall",
  "slow",
  "corrupt",
];

/** The API calls the emulator distinguishes. */
export type Route = "list" | "get" | "media" | "drives" | "create";

/** A fault to inject on the next `times` requests that match. */
export interface FaultRule {
  /** What to do. */
  kind: FaultKind;
  /** Only requests of this call (default: any). */
  route?: Route;
  /** Only requests for this file id (files.get / media) or folder id (`'<id>' in parents` of files.list). */
  fileId?: string;
  /** How many matching requests get it (default 1). */
  times?: number;
}

/** Faults drawn at random (seeded) on a share of requests. */
export interface RandomFaults {
  /** Share of requests that get a fault, in [0, 1]. */
  rate: number;
  /** Kinds to draw from (default: all that suit the route). */
  kinds?: FaultKind[];
  /** Calls that may get faults (default: all). */
  routes?: Route[];
  /** Seed of the draws (default 1). */
  seed?: number;
  /** Never fault the same request more than this many times in a row (default 2). */
  maxConsecutive?: number;
}

/** Options of {@link startDriveEmulator}. */
export interface EmulatorOptions {
  /** Largest page files.list returns whatever pageSize asks (default 1000, like Drive). */
  maxPageSize?: number;
  /** Access tokens accepted besides those the token endpoint issues (default `["test-token"]`). */
  accessTokens?: string[];
  /**
   * Tokens that may read but not write: files.create with one answers 403
   * `insufficientPermissions`, as Drive does for a read-only scope.
   */
  readOnlyTokens?: string[];
  /** Delay of a `slow` fault (default 30 ms). */
  slowMs?: number;
  /** How long a `stall` fault holds its answer back at most (default 10 s; closing releases it). */
  stallMs?: number;
  /** Seed for generated ids (default 7). */
  seed?: number;
}

/** What the emulator has seen. */
export interface EmulatorStats {
  /** Requests per call. */
  requests: Record<Route | "token", number>;
  /** Faults injected per kind. */
  faults: Record<FaultKind, number>;
  /** Media bytes sent in full (faulty answers excluded). */
  mediaBytes: number;
  /** Media answers sent in full. */
  mediaServed: number;
  /** Scopes requested at the token endpoint and the consent page. */
  scopes: string[];
}

/** A running emulator. */
export interface DriveEmulator extends AsyncDisposable {
  /** Base URL to give the client as `rootUrl` (ends with `/`). */
  readonly rootUrl: string;
  /** Token endpoint URL (`<rootUrl>token`). */
  readonly tokenUrl: string;
  /** Id of "My Drive" (also reachable as `root`). */
  readonly rootId: string;
  /** Counters. */
  readonly stats: EmulatorStats;
  /** Adds a folder; returns its id. */
  addFolder(parentId: string, name: string, opts?: { trashed?: boolean }): string;
  /** Adds a file; returns its id. The MIME type is guessed from the extension unless given. */
  addFile(
    parentId: string,
    name: string,
    content: Uint8Array,
    opts?: { mimeType?: string; trashed?: boolean },
  ): string;
  /** Adds a shortcut to `targetId`; returns its id. */
  addShortcut(parentId: string, name: string, targetId: string): string;
  /** Adds a shared drive; returns its id (which is also its root folder's id). */
  addDrive(name: string): string;
  /** Replaces a file's content (new md5, later modifiedTime). */
  updateContent(id: string, content: Uint8Array): void;
  /** Renames an item. */
  rename(id: string, name: string): void;
  /** Moves an item to the trash. */
  trash(id: string): void;
  /** Deletes an item for good. */
  remove(id: string): void;
  /** A copy of an item. */
  item(id: string): EmuItem;
  /** Queues a fault rule. */
  addFault(rule: FaultRule): void;
  /** Sets (or clears, with undefined) random faults. */
  setRandomFaults(config?: RandomFaults): void;
  /** Number of faults injected, `slow` ones left out unless asked. */
  faultCount(includeSlow?: boolean): number;
  /** Zeroes the counters. */
  resetStats(): void;
  /**
   * Plays the consent page of the installed-app flow: takes the authorization URL a client built
   * and returns the URL the browser would be redirected to (with `code` and `state`).
   */
  consent(authUrl: string): string;
  /** Registers a service account's public key (PEM) so its signed assertions are accepted. */
  addServiceAccount(email: string, publicKeyPem: string): void;
  /** Stops the server (releasing stalled requests). */
  close(): Promise<void>;
}

const EXT_MIME: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  txt: "text/plain",
  pdf: "application/pdf",
};

const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/** Hex MD5 of bytes. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** Starts an emulator on 127.0.0.1 with a free port. */
export function startDriveEmulator(options: EmulatorOptions = {}): Promise<DriveEmulator> {
  return Promise.resolve(new Emulator(options));
}

class Emulator implements DriveEmulator {
  readonly rootUrl: string;
  readonly tokenUrl: string;
  readonly rootId: string;
  stats: EmulatorStats = emptyStats();
  #items = new Map<string, EmuItem>();
  #drives = new Map<string, string>();
  #rules: FaultRule[] = [];
  #random?: { config: RandomFaults; draw: () => number };
  #consecutive = new Map<string, number>();
  #tokens: Set<string>;
  #refreshTokens = new Set<string>();
  #codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  #serviceAccounts = new Map<string, string>();
  #idRandom: () => number;
  #clock = Date.UTC(2024, 0, 1);
  #closing: AbortController = new AbortController();
  #server: Deno.HttpServer<Deno.NetAddr>;
  #opts: Required<Omit<EmulatorOptions, "accessTokens" | "seed" | "readOnlyTokens">>;
  #readOnly: Set<string>;

  constructor(options: EmulatorOptions) {
    this.#opts = {
      maxPageSize: options.maxPageSize ?? 1000,
      slowMs: options.slowMs ?? 30,
      stallMs: options.stallMs ?? 10_000,
    };
    this.#tokens = new Set(options.accessTokens ?? ["test-token"]);
    this.#readOnly = new Set(options.readOnlyTokens ?? []);
    for (const t of this.#readOnly) this.#tokens.add(t);
    this.#idRandom = seededRandom(options.seed ?? 7);
    this.#server = Deno.serve(
      {
        hostname: "127.0.0.1",
        port: 0,
        onListen() {},
        onError: () => new Response("emulator error", { status: 500 }),
      },
      (req) => this.#handle(req),
    );
    this.rootUrl = `http://127.0.0.1:${this.#server.addr.port}/`;
    this.tokenUrl = `${this.rootUrl}token`;
    this.rootId = this.#newId("0A");
    this.#put({ id: this.rootId, name: "My Drive", mimeType: FOLDER_MIME, parents: [] });
  }

  // ---- tree ----------------------------------------------------------------------------------

  #newId(prefix = "1"): string {
    let s = prefix;
    while (s.length < 28) s += ID_CHARS[Math.floor(this.#idRandom() * ID_CHARS.length)];
    return this.#items.has(s) ? this.#newId(prefix) : s;
  }

  #tick(): string {
    this.#clock += 1000;
    return new Date(this.#clock).toISOString();
  }

  #put(p: Omit<EmuItem, "trashed" | "createdTime" | "modifiedTime"> & { trashed?: boolean }): EmuItem {
    const t = this.#tick();
    const item: EmuItem = { createdTime: t, modifiedTime: t, ...p, trashed: p.trashed ?? false };
    this.#items.set(item.id, item);
    return item;
  }

  #parent(id: string): EmuItem {
    const p = this.#items.get(id === "root" ? this.rootId : id);
    if (!p || p.mimeType !== FOLDER_MIME) throw new Error(`emulator: no folder ${id}`);
    return p;
  }

  addFolder(parentId: string, name: string, opts: { trashed?: boolean } = {}): string {
    const p = this.#parent(parentId);
    return this.#put({
      id: this.#newId(),
      name,
      mimeType: FOLDER_MIME,
      parents: [p.id],
      driveId: p.driveId,
      trashed: opts.trashed,
    }).id;
  }

  addFile(
    parentId: string,
    name: string,
    content: Uint8Array,
    opts: { mimeType?: string; trashed?: boolean } = {},
  ): string {
    const p = this.#parent(parentId);
    const ext = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : "";
    return this.#put({
      id: this.#newId(),
      name,
      mimeType: opts.mimeType ?? EXT_MIME[ext] ?? "application/octet-stream",
      parents: [p.id],
      driveId: p.driveId,
      trashed: opts.trashed,
      content: content.slice(),
      md5Checksum: md5Hex(content),
    }).id;
  }

  addShortcut(parentId: string, name: string, targetId: string): string {
    const p = this.#parent(parentId);
    const target = this.#items.get(targetId);
    return this.#put({
      id: this.#newId(),
      name,
      mimeType: SHORTCUT_MIME,
      parents: [p.id],
      driveId: p.driveId,
      shortcutDetails: { targetId, targetMimeType: target?.mimeType ?? "application/octet-stream" },
    }).id;
  }

  addDrive(name: string): string {
    const id = this.#newId("0A");
    this.#drives.set(id, name);
    this.#put({ id, name, mimeType: FOLDER_MIME, parents: [], driveId: id });
    return id;
  }

  #must(id: string): EmuItem {
    const it = this.#items.get(id);
    if (!it) throw new Error(`emulator: no item ${id}`);
    return it;
  }

  updateContent(id: string, content: Uint8Array): void {
    const it = this.#must(id);
    it.content = content.slice();
    it.md5Checksum = md5Hex(content);
    it.modifiedTime = this.#tick();
  }

  rename(id: string, name: string): void {
    const it = this.#must(id);
    it.name = name;
    it.modifiedTime = this.#tick();
  }

  trash(id: string): void {
    this.#must(id).trashed = true;
  }

  remove(id: string): void {
    this.#items.delete(id);
  }

  item(id: string): EmuItem {
    return structuredClone(this.#must(id));
  }

  // ---- faults --------------------------------------------------------------------------------

  addFault(rule: FaultRule): void {
    this.#rules.push({ ...rule, times: rule.times ?? 1 });
  }

  setRandomFaults(config?: RandomFaults): void {
    this.#random = config ? { config, draw: seededRandom(config.seed ?? 1) } : undefined;
  }

  faultCount(includeSlow = false): number {
    let n = 0;
    for (const [k, v] of Object.entries(this.stats.faults)) if (includeSlow || k !== "slow") n += v;
    return n;
  }

  resetStats(): void {
    this.stats = emptyStats();
  }

  #pickFault(route: Route, fileId: string | undefined, key: string): FaultKind | undefined {
    const suits = (k: FaultKind) => k !== "corrupt" || route === "media";
    const i = this.#rules.findIndex((r) =>
      (r.route === undefined || r.route === route) && (r.fileId === undefined || r.fileId === fileId) &&
      suits(r.kind)
    );
    let kind: FaultKind | undefined;
    if (i >= 0) {
      const r = this.#rules[i];
      kind = r.kind;
      if (--r.times! <= 0) this.#rules.splice(i, 1);
    } else if (this.#random) {
      const { config, draw } = this.#random;
      const inRoute = !config.routes || config.routes.includes(route);
      const run = this.#consecutive.get(key) ?? 0;
      if (inRoute && run < (config.maxConsecutive ?? 2) && draw() < config.rate) {
        const kinds = (config.kinds ?? [...FAULT_KINDS]).filter(suits);
        if (kinds.length > 0) kind = kinds[Math.floor(draw() * kinds.length)];
      }
    }
    if (kind && kind !== "slow") this.#consecutive.set(key, (this.#consecutive.get(key) ?? 0) + 1);
    else this.#consecutive.delete(key);
    if (kind) this.stats.faults[kind]++;
    return kind;
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    if (path === "/token" && req.method === "POST") {
      this.stats.requests.token++;
      return this.#token(new URLSearchParams(await req.text()));
    }
    let route: Route;
    let fileId: string | undefined;
    const m = path.match(/^\/drive\/v3\/files\/([^/]+)$/);
    if (path === "/drive/v3/files") route = req.method === "POST" ? "create" : "list";
    else if (path === "/drive/v3/drives") route = "drives";
    else if (m) {
      fileId = decodeURIComponent(m[1]);
      route = url.searchParams.get("alt") === "media" ? "media" : "get";
    } else return apiError(404, "notFound", `Not found: ${path}`);
    if (route === "list") fileId = url.searchParams.get("q")?.match(/^'([^'\\]+)' in parents/)?.[1];
    if (req.method !== "GET" && route !== "create") {
      return apiError(405, "methodNotAllowed", "Only GET and files.create are emulated");
    }
    this.stats.requests[route]++;

    const auth = req.headers.get("authorization") ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    if (!this.#tokens.has(token)) {
      return apiError(401, "authError", "Request had invalid authentication credentials.");
    }

    const fault = this.#pickFault(route, fileId, `${route}:${fileId ?? ""}:${url.search}`);
    switch (fault) {
      case "429":
        return apiError(429, "rateLimitExceeded", "Rate Limit Exceeded");
      case "403-userRateLimitExceeded":
        return apiError(403, "userRateLimitExceeded", "User Rate Limit Exceeded");
      case "403-rateLimitExceeded":
        return apiError(403, "rateLimitExceeded", "Rate Limit Exceeded");
      case "500":
        return apiError(500, "backendError", "Internal Error");
      case "503":
        return apiError(503, "backendError", "Service Unavailable");
      case "stall":
        await this.#stall();
        return apiError(503, "backendError", "stalled");
      case "slow":
        await delay(this.#opts.slowMs);
        break;
    }

    let res: Response;
    const q = url.searchParams;
    if (route === "create") {
      if (this.#readOnly.has(token)) {
        return apiError(403, "insufficientPermissions", "Request had insufficient authentication scopes.");
      }
      res = this.#create(await req.text(), q);
    } else if (route === "list") res = this.#list(q);
    else if (route === "drives") res = this.#drivesList(q);
    else res = this.#get(fileId!, q, route === "media");

    if (fault === "cut") return await cutBody(res);
    if (fault === "corrupt" && res.ok) {
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length > 0) bytes[bytes.length >> 1] ^= 0xff;
      return new Response(bytes, { status: res.status, headers: res.headers });
    }
    if (route === "media" && res.ok) {
      this.stats.mediaServed++;
      this.stats.mediaBytes += Number(res.headers.get("content-length") ?? 0);
    }
    return res;
  }

  /** files.create of a folder or a shortcut (metadata only; no upload). */
  #create(body: string, q: URLSearchParams): Response {
    let meta: {
      name?: string;
      mimeType?: string;
      parents?: string[];
      shortcutDetails?: { targetId?: string };
    };
    try {
      meta = JSON.parse(body);
    } catch {
      return apiError(400, "parseError", "Parse Error");
    }
    const parentId = meta.parents?.[0] ?? "root";
    const parent = this.#items.get(parentId === "root" ? this.rootId : parentId);
    if (!parent || parent.trashed || !this.#visible(parent, q, false)) {
      return apiError(404, "notFound", `File not found: ${parentId}.`);
    }
    if (parent.mimeType !== FOLDER_MIME) return apiError(400, "invalid", "The parent is not a folder.");
    if (typeof meta.name !== "string" || meta.name === "") return apiError(400, "required", "name required");
    let item: EmuItem;
    if (meta.mimeType === FOLDER_MIME) item = this.#items.get(this.addFolder(parent.id, meta.name))!;
    else if (meta.mimeType === SHORTCUT_MIME) {
      const target = meta.shortcutDetails?.targetId;
      if (!target || !this.#items.has(target)) {
        return apiError(404, "notFound", `File not found: ${target ?? "(no targetId)"}.`);
      }
      item = this.#items.get(this.addShortcut(parent.id, meta.name, target))!;
    } else return apiError(400, "invalid", "Only folders and shortcuts can be created here.");
    return Response.json(this.#resource(item));
  }

  /** Holds the answer back until `stallMs` passes or the emulator closes (the client gives up first). */
  #stall(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#closing.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.#closing.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, this.#opts.stallMs);
      this.#closing.signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Shared-drive items need `supportsAllDrives` (and, to be listed, `includeItemsFromAllDrives`). */
  #visible(it: EmuItem, q: URLSearchParams, listing: boolean): boolean {
    if (!it.driveId) return true;
    if (q.get("supportsAllDrives") !== "true") return false;
    return !listing || q.get("includeItemsFromAllDrives") === "true" || q.has("driveId");
  }

  #resource(it: EmuItem): Record<string, unknown> {
    const r: Record<string, unknown> = {
      kind: "drive#file",
      id: it.id,
      name: it.name,
      mimeType: it.mimeType,
      parents: it.parents,
      trashed: it.trashed,
      createdTime: it.createdTime,
      modifiedTime: it.modifiedTime,
      webViewLink: `https://drive.google.com/file/d/${it.id}/view`,
    };
    if (it.content) {
      r.size = String(it.content.length);
      r.md5Checksum = it.md5Checksum;
    }
    if (it.driveId) r.driveId = it.driveId;
    if (it.shortcutDetails) r.shortcutDetails = it.shortcutDetails;
    return r;
  }

  #list(q: URLSearchParams): Response {
    let pred: (it: EmuItem) => boolean;
    const query = q.get("q") ?? "";
    try {
      pred = query ? parseQuery(query, this.rootId) : () => true;
    } catch (e) {
      return apiError(400, "invalid", `Invalid Value: q (${(e as Error).message})`);
    }
    const driveId = q.get("driveId");
    if (driveId && q.get("corpora") !== "drive") {
      return apiError(400, "invalid", "The driveId parameter must be used with corpora=drive.");
    }
    const matches = [...this.#items.values()].filter((it) =>
      it.parents.length > 0 && this.#visible(it, q, true) && (!driveId || it.driveId === driveId) && pred(it)
    );
    const pageSize = Math.min(Math.max(1, Number(q.get("pageSize") ?? 100)), this.#opts.maxPageSize);
    let offset = 0;
    const tokenIn = q.get("pageToken");
    if (tokenIn) {
      try {
        const t = JSON.parse(atob(tokenIn));
        if (t.q !== query) throw new Error("query changed");
        offset = t.o;
      } catch {
        return apiError(400, "invalid", "Invalid Value: pageToken");
      }
    }
    const page = matches.slice(offset, offset + pageSize);
    const body: Record<string, unknown> = { kind: "drive#fileList", incompleteSearch: false };
    if (offset + pageSize < matches.length) {
      body.nextPageToken = btoa(JSON.stringify({ o: offset + pageSize, q: query }));
    }
    body.files = page.map((it) => this.#resource(it));
    return project(body, q.get("fields"), "kind,nextPageToken,incompleteSearch,files(kind,id,name,mimeType)");
  }

  #drivesList(q: URLSearchParams): Response {
    const all = [...this.#drives.entries()].map(([id, name]) => ({ kind: "drive#drive", id, name }));
    const pageSize = Math.min(Math.max(1, Number(q.get("pageSize") ?? 10)), 100);
    const offset = Number(q.get("pageToken") ?? 0) || 0;
    const body: Record<string, unknown> = { kind: "drive#driveList" };
    if (offset + pageSize < all.length) body.nextPageToken = String(offset + pageSize);
    body.drives = all.slice(offset, offset + pageSize);
    return project(body, q.get("fields"), "kind,nextPageToken,drives(kind,id,name)");
  }

  #get(fileId: string, q: URLSearchParams, media: boolean): Response {
    const it = this.#items.get(fileId === "root" ? this.rootId : fileId);
    if (!it || !this.#visible(it, q, false)) return apiError(404, "notFound", `File not found: ${fileId}.`);
    if (!media) return project(this.#resource(it), q.get("fields"), "kind,id,name,mimeType");
    if (!it.content) {
      return apiError(403, "fileNotDownloadable", "Only files with binary content can be downloaded.");
    }
    return new Response(it.content.slice(), {
      headers: { "content-type": it.mimeType, "content-length": String(it.content.length) },
    });
  }

  // ---- OAuth ---------------------------------------------------------------------------------

  consent(authUrl: string): string {
    const u = new URL(authUrl);
    const p = u.searchParams;
    const redirectUri = p.get("redirect_uri") ?? "";
    this.stats.scopes.push(p.get("scope") ?? "");
    const code = `4/emu-code-${this.#newId("c")}`;
    this.#codes.set(code, {
      challenge: p.get("code_challenge") ?? "",
      redirectUri,
      clientId: p.get("client_id") ?? "",
    });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", p.get("state") ?? "");
    back.searchParams.set("scope", p.get("scope") ?? "");
    return back.href;
  }

  addServiceAccount(email: string, publicKeyPem: string): void {
    this.#serviceAccounts.set(email, publicKeyPem);
  }

  #issue(refresh: boolean): Response {
    const access = `ya29.emu-${this.#newId("a")}`;
    this.#tokens.add(access);
    const body: Record<string, unknown> = { access_token: access, token_type: "Bearer", expires_in: 3600 };
    if (refresh) {
      const r = `1//emu-refresh-${this.#newId("r")}`;
      this.#refreshTokens.add(r);
      body.refresh_token = r;
    }
    return Response.json(body);
  }

  #token(form: URLSearchParams): Response {
    const bad = (desc: string) =>
      Response.json({ error: "invalid_grant", error_description: desc }, { status: 400 });
    const grant = form.get("grant_type");
    if (grant === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      const jwt = form.get("assertion") ?? "";
      const [h, p, sig] = jwt.split(".");
      if (!h || !p || !sig) return bad("malformed assertion");
      const claims = JSON.parse(new TextDecoder().decode(b64urlDecode(p)));
      const pem = this.#serviceAccounts.get(claims.iss);
      if (!pem) return bad("unknown service account");
      const ok = createVerify("RSA-SHA256").update(`${h}.${p}`).verify(pem, b64urlDecode(sig));
      if (!ok) return bad("Invalid JWT Signature.");
      this.stats.scopes.push(String(claims.scope ?? ""));
      return this.#issue(false);
    }
    if (grant === "authorization_code") {
      const code = form.get("code") ?? "";
      const entry = this.#codes.get(code);
      if (!entry) return bad("Malformed auth code.");
      this.#codes.delete(code);
      if (entry.redirectUri !== form.get("redirect_uri")) return bad("redirect_uri mismatch");
      const verifier = form.get("code_verifier") ?? "";
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      if (entry.challenge && entry.challenge !== challenge) return bad("Invalid code verifier.");
      return this.#issue(true);
    }
    if (grant === "refresh_token") {
      if (!this.#refreshTokens.has(form.get("refresh_token") ?? "")) return bad("Token has been revoked.");
      return this.#issue(false);
    }
    return Response.json({ error: "unsupported_grant_type" }, { status: 400 });
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.#server.shutdown();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function emptyStats(): EmulatorStats {
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  return {
    requests: { list: 0, get: 0, media: 0, drives: 0, create: 0, token: 0 },
    faults,
    mediaBytes: 0,
    mediaServed: 0,
    scopes: [],
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function b64urlDecode(s: string): Uint8Array {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** A Google-style JSON error answer. */
function apiError(code: number, reason: string, message: string): Response {
  return Response.json(
    { error: { code, message, errors: [{ domain: "global", reason, message }] } },
    { status: code },
  );
}

/** Sends the headers (with the full length) and half the body, then drops the connection. */
async function cutBody(res: Response): Promise<Response> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const half = bytes.subarray(0, bytes.length >> 1);
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (!sent && half.length > 0) {
        sent = true;
        c.enqueue(half);
      } else c.error(new DOMException("connection cut by emulator", "AbortError"));
    },
  });
  const headers = new Headers(res.headers);
  headers.set("content-length", String(bytes.length));
  return new Response(body, { status: res.status, headers });
}

// ---- fields projection ---------------------------------------------------------------------

type FieldTree = Map<string, FieldTree | true>;

/** Parses a `fields` mask such as `nextPageToken, files(id,name,shortcutDetails/targetId)`. */
export function parseFields(mask: string): FieldTree {
  let i = 0;
  const parseList = (): FieldTree => {
    const tree: FieldTree = new Map();
    while (i < mask.length) {
      while (mask[i] === " " || mask[i] === ",") i++;
      if (i >= mask.length || mask[i] === ")") break;
      const path: string[] = [""];
      while (i < mask.length && /[A-Za-z0-9_*/]/.test(mask[i])) {
        if (mask[i] === "/") path.push("");
        else path[path.length - 1] += mask[i];
        i++;
      }
      if (path.some((p) => p === "")) throw new Error(`bad fields mask at ${i}`);
      let sub: FieldTree | true = true;
      if (mask[i] === "(") {
        i++;
        sub = parseList();
        if (mask[i] !== ")") throw new Error("unclosed ( in fields mask");
        i++;
      }
      let node = tree;
      for (let k = 0; k < path.length - 1; k++) {
        let next = node.get(path[k]);
        if (next === undefined || next === true) {
          next = new Map();
          node.set(path[k], next);
        }
        node = next;
      }
      node.set(path[path.length - 1], sub);
    }
    return tree;
  };
  return parseList();
}

function applyFields(value: unknown, tree: FieldTree | true): unknown {
  if (tree === true || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => applyFields(v, tree));
  if (tree.has("*")) return value;
  const out: Record<string, unknown> = {};
  for (const [k, sub] of tree) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = applyFields(v, sub);
  }
  return out;
}

function project(body: unknown, fields: string | null, defaults: string): Response {
  try {
    return Response.json(applyFields(body, parseFields(fields ?? defaults)));
  } catch (e) {
    return apiError(400, "invalidParameter", `Invalid field selection: ${(e as Error).message}`);
  }
}

// ---- q parser ------------------------------------------------------------------------------

type Tok = { t: "str"; v: string } | { t: "word"; v: string } | { t: "op"; v: string };

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (c === " " || c === "\t" || c === "\n") i++;
    else if (c === "'") {
      let s = "";
      i++;
      while (i < q.length && q[i] !== "'") {
        if (q[i] === "\\" && i + 1 < q.length) i++;
        s += q[i++];
      }
      if (q[i] !== "'") throw new Error("unterminated string");
      i++;
      out.push({ t: "str", v: s });
    } else if (c === "(" || c === ")" || c === "=") {
      out.push({ t: "op", v: c });
      i++;
    } else if (c === "!" && q[i + 1] === "=") {
      out.push({ t: "op", v: "!=" });
      i += 2;
    } else if (/[A-Za-z]/.test(c)) {
      let w = "";
      while (i < q.length && /[A-Za-z]/.test(q[i])) w += q[i++];
      out.push({ t: "word", v: w });
    } else throw new Error(`unexpected '${c}'`);
  }
  return out;
}

/** Parses the subset of the Drive query language the source uses into a predicate. */
export function parseQuery(q: string, rootId: string): (it: EmuItem) => boolean {
  const toks = tokenize(q);
  let i = 0;
  const peek = () => toks[i];
  const word = (v: string) => peek()?.t === "word" && peek()!.v === v;
  const expect = (t: Tok["t"], v?: string): Tok => {
    const k = toks[i++];
    if (!k || k.t !== t || (v !== undefined && k.v !== v)) throw new Error(`expected ${v ?? t}`);
    return k;
  };
  type P = (it: EmuItem) => boolean;
  const expr = (): P => {
    let left = term();
    while (word("or")) {
      i++;
      const l = left, r = term();
      left = (it) => l(it) || r(it);
    }
    return left;
  };
  const term = (): P => {
    let left = factor();
    while (word("and")) {
      i++;
      const l = left, r = factor();
      left = (it) => l(it) && r(it);
    }
    return left;
  };
  const factor = (): P => {
    if (word("not")) {
      i++;
      const f = factor();
      return (it) => !f(it);
    }
    if (peek()?.t === "op" && peek()!.v === "(") {
      i++;
      const e = expr();
      expect("op", ")");
      return e;
    }
    const k = toks[i++];
    if (!k) throw new Error("unexpected end");
    if (k.t === "str") {
      expect("word", "in");
      expect("word", "parents");
      const id = k.v === "root" ? rootId : k.v;
      return (it) => it.parents.includes(id);
    }
    if (k.t !== "word") throw new Error(`unexpected ${k.v}`);
    if (k.v === "trashed") {
      const op = expect("op").v;
      const b = expect("word").v;
      if (b !== "true" && b !== "false") throw new Error("trashed needs true/false");
      const want = b === "true";
      return op === "=" ? (it) => it.trashed === want : (it) => it.trashed !== want;
    }
    if (k.v === "mimeType" || k.v === "name") {
      const field = k.v;
      const opTok = toks[i++];
      const v = expect("str").v;
      const get = (it: EmuItem) => field === "name" ? it.name : it.mimeType;
      if (opTok?.t === "op" && opTok.v === "=") return (it) => get(it) === v;
      if (opTok?.t === "op" && opTok.v === "!=") return (it) => get(it) !== v;
      if (opTok?.t === "word" && opTok.v === "contains") return (it) => get(it).includes(v);
      throw new Error(`bad operator for ${field}`);
    }
    throw new Error(`unsupported term ${k.v}`);
  };
  const p = expr();
  if (i !== toks.length) throw new Error("trailing tokens");
  return p;
}
