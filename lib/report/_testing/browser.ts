/**
 * A small driver of headless Chromium over the DevTools protocol, for checking report pages in
 * a real browser: console errors, uncaught exceptions, failed requests, dialogs, images that
 * do not load, the time a page takes to open, and screenshots.
 * @module
 */

/** Where Chromium is, or undefined: `$CHROMIUM`, else the usual Debian/Ubuntu paths. */
export async function findChromium(): Promise<string | undefined> {
  const candidates = [
    Deno.env.get("CHROMIUM"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      if ((await Deno.stat(c)).isFile) return c;
    } catch { /* next */ }
  }
  return undefined;
}

/** What opening one page found. */
export interface PageCheck {
  /** The URL opened. */
  url: string;
  /** Console errors, uncaught exceptions, failed requests and dialogs, as text. */
  errors: string[];
  /** `src` (first 120 characters) of every image that did not load. */
  brokenImages: string[];
  /** Images on the page. */
  images: number;
  /** Milliseconds from navigation to the load event. */
  loadMs: number;
  /** Milliseconds from navigation until every image in the first screen had loaded. */
  readyMs: number;
}

/** Options of {@link Browser.open}. */
export interface OpenOptions {
  /** Save a PNG screenshot of the first screen here. */
  screenshot?: string;
  /** Load every lazy image and check them all (default true). */
  allImages?: boolean;
  /** Milliseconds to wait for the load event (default 30,000). */
  timeoutMs?: number;
}

type Message = {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  sessionId?: string;
  result?: unknown;
  error?: { message: string };
};

/** The fields of the DevTools events {@link Browser.open} listens to. */
interface EventParams {
  exceptionDetails?: { text?: string; exception?: { description?: string } };
  type?: string;
  args?: { value?: unknown; description?: string }[];
  entry?: { level?: string; text?: string; url?: string };
  requestId?: string;
  request?: { url?: string };
  canceled?: boolean;
  errorText?: string;
  message?: string;
}

/** A running headless Chromium; always {@link Browser.close} it (see {@link withBrowser}). */
export class Browser {
  private next = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private listeners = new Set<(m: Message) => void>();

  private constructor(
    private readonly child: Deno.ChildProcess,
    private readonly ws: WebSocket,
    private readonly profile: string,
    /** Viewport width. */
    readonly width: number,
    /** Viewport height. */
    readonly height: number,
  ) {
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as Message;
      if (m.id !== undefined) {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error) p?.reject(new Error(m.error.message));
        else p?.resolve(m.result);
      } else for (const l of this.listeners) l(m);
    };
  }

  /** Starts Chromium (headless, fresh profile, no network services) and connects to it. */
  static async launch(opts: { path?: string; width?: number; height?: number } = {}): Promise<Browser> {
    const path = opts.path ?? await findChromium();
    if (!path) throw new Error("chromium not found");
    const profile = await Deno.makeTempDir({ prefix: "report-chromium-" });
    const child = new Deno.Command(path, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--allow-file-access-from-files",
        `--user-data-dir=${profile}`,
        "--remote-debugging-port=0",
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    try {
      const url = await Browser.devtoolsUrl(child.stderr);
      const ws = new WebSocket(url);
      await new Promise<void>((resolve, reject) => {
        ws.onopen = () => resolve();
        ws.onerror = () => reject(new Error("cannot connect to chromium"));
      });
      return new Browser(child, ws, profile, opts.width ?? 1280, opts.height ?? 900);
    } catch (e) {
      Browser.kill(child);
      await child.status;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw e;
    }
  }

  /** Reads Chromium's stderr until it prints its DevTools URL; keeps draining it afterwards. */
  private static async devtoolsUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
    const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (m) {
        (async () => {
          try {
            while (!(await reader.read()).done) { /* drain */ }
          } catch { /* closed */ }
        })();
        return m[1];
      }
    }
    throw new Error(`chromium did not start: ${text.slice(-500)}`);
  }

  private static kill(child: Deno.ChildProcess): void {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }

  /** Sends one DevTools command (to a page session when `sessionId` is given). */
  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<T> {
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return new Promise<T>((resolve, reject) =>
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
    );
  }

  /** Waits for an event of `method` in `sessionId` (and matching `when`), or rejects after `ms`. */
  waitFor(
    method: string,
    sessionId: string,
    ms: number,
    when?: (p: Record<string, unknown>) => boolean,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(l);
        reject(new Error(`timed out waiting for ${method}`));
      }, ms);
      const l = (m: Message) => {
        if (m.method === method && m.sessionId === sessionId && (!when || when(m.params ?? {}))) {
          clearTimeout(timer);
          this.listeners.delete(l);
          resolve(m.params ?? {});
        }
      };
      this.listeners.add(l);
    });
  }

  /** Evaluates an expression in the page and returns its (JSON) value, awaiting promises. */
  async evaluate<T>(sessionId: string, expression: string): Promise<T> {
    const r = await this.send<{ result: { value?: T }; exceptionDetails?: { text: string } }>(
      "Runtime.evaluate",
      { expression, awaitPromise: true, returnByValue: true },
      sessionId,
    );
    if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /**
   * Opens `url` in a new tab, collecting every console error, exception, failed request and
   * dialog; measures the time to the load event and until the images of the first screen
   * are in; then (by default) makes every lazy image load and lists those that failed.
   * `inspect` runs in the open tab before it is closed.
   */
  async open<T = void>(
    url: string,
    opts: OpenOptions = {},
    inspect?: (sessionId: string) => Promise<T>,
  ): Promise<PageCheck & { inspected?: T }> {
    const { targetId } = await this.send<{ targetId: string }>("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send<{ sessionId: string }>("Target.attachToTarget", {
      targetId,
      flatten: true,
    });
    const errors: string[] = [];
    const requests = new Map<string, string>();
    const listener = (m: Message) => {
      if (m.sessionId !== sessionId) return;
      const p = (m.params ?? {}) as EventParams;
      switch (m.method) {
        case "Runtime.exceptionThrown":
          errors.push(`exception: ${p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text}`);
          break;
        case "Runtime.consoleAPICalled":
          if (p.type === "error" || p.type === "assert") {
            errors.push(
              `console.${p.type}: ${
                (p.args ?? []).map((a) => a.value ?? a.description)
                  .join(" ")
              }`,
            );
          }
          break;
        case "Log.entryAdded":
          if (p.entry?.level === "error") {
            errors.push(
              `log: ${p.entry.text}${p.entry.url ? ` (${String(p.entry.url).slice(0, 120)})` : ""}`,
            );
          }
          break;
        case "Network.requestWillBeSent":
          requests.set(p.requestId ?? "", String(p.request?.url ?? ""));
          break;
        case "Network.loadingFailed":
          if (!p.canceled) {
            errors.push(
              `request failed: ${p.errorText} ${(requests.get(p.requestId ?? "") ?? "").slice(0, 120)}`,
            );
          }
          break;
        case "Page.javascriptDialogOpening":
          errors.push(`dialog (${p.type}): ${p.message}`);
          this.send("Page.handleJavaScriptDialog", { accept: false }, sessionId).catch(() => {});
          break;
      }
    };
    this.listeners.add(listener);
    try {
      for (const domain of ["Page", "Runtime", "Log", "Network"]) {
        await this.send(`${domain}.enable`, {}, sessionId);
      }
      await this.send("Emulation.setDeviceMetricsOverride", {
        width: this.width,
        height: this.height,
        deviceScaleFactor: 1,
        mobile: false,
      }, sessionId);
      const loaded = this.waitFor("Page.loadEventFired", sessionId, opts.timeoutMs ?? 30000);
      const t0 = performance.now();
      const nav = await this.send<{ errorText?: string }>("Page.navigate", { url }, sessionId);
      if (nav.errorText) errors.push(`navigation: ${nav.errorText}`);
      await loaded;
      const loadMs = performance.now() - t0;
      await this.evaluate(
        sessionId,
        `new Promise((resolve) => {
        const visible = () => [...document.images].filter((i) => {
          const r = i.getBoundingClientRect();
          return r.bottom > 0 && r.top < innerHeight && r.width > 0;
        });
        const check = () => visible().every((i) => i.complete) ? resolve(true) : setTimeout(check, 10);
        check();
      })`,
      );
      const readyMs = performance.now() - t0;
      if (opts.screenshot) {
        const shot = await this.send<{ data: string }>(
          "Page.captureScreenshot",
          { format: "png" },
          sessionId,
        );
        await Deno.writeFile(opts.screenshot, Uint8Array.from(atob(shot.data), (c) => c.charCodeAt(0)));
      }
      let brokenImages: string[] = [];
      const images = await this.evaluate<number>(sessionId, "document.images.length");
      if (opts.allImages ?? true) {
        brokenImages = await this.evaluate<string[]>(
          sessionId,
          `(async () => {
          const imgs = [...document.images];
          for (const i of imgs) i.loading = "eager";
          window.scrollTo(0, document.body.scrollHeight);
          await Promise.all(imgs.map((i) => i.complete ? 0 : new Promise((r) => {
            i.addEventListener("load", r, { once: true });
            i.addEventListener("error", r, { once: true });
            setTimeout(r, 20000);
          })));
          return imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => (i.getAttribute("src") || "").slice(0, 120));
        })()`,
        );
      }
      const inspected = inspect ? await inspect(sessionId) : undefined;
      // Events still in flight (e.g. a late console error) are given a moment to arrive.
      await new Promise((r) => setTimeout(r, 50));
      return { url, errors, brokenImages, images, loadMs, readyMs, inspected };
    } finally {
      this.listeners.delete(listener);
      await this.send("Target.closeTarget", { targetId }).catch(() => {});
    }
  }

  /** Closes the connection, kills Chromium and removes its profile. */
  async close(): Promise<void> {
    try {
      this.ws.close();
    } catch { /* closed */ }
    Browser.kill(this.child);
    await this.child.status;
    for (const p of this.pending.values()) p.reject(new Error("browser closed"));
    this.pending.clear();
    await Deno.remove(this.profile, { recursive: true }).catch(() => {});
  }
}

/** Runs `fn` with a fresh browser and always closes it. */
export async function withBrowser<T>(
  fn: (b: Browser) => Promise<T>,
  opts: { path?: string; width?: number; height?: number } = {},
): Promise<T> {
  const b = await Browser.launch(opts);
  try {
    return await fn(b);
  } finally {
    await b.close();
  }
}
