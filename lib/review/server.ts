/**
 * `deno task review --run <dir>`: the review application. Serves the review page of a run
 * folder with Deno's own HTTP server on 127.0.0.1 (by default), opens it in the user's browser
 * (`xdg-open`, `open` on macOS) or prints its address, and saves every decision in
 * `<dir>/decisions.jsonl` as it is made (see decisions.ts). Stops on Ctrl-C.
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { openReview, type ReviewApp, type ReviewOptions } from "./api.ts";

/** The flags of `deno task review`. */
export const REVIEW_COMMAND = defineCommand({
  name: "deno task review",
  summary: "Review a run's clusters in the browser: name people, merge, split, reject faces, hide junk, " +
    "check a sample (decisions saved in the run folder)",
  flags: {
    run: {
      type: "path",
      required: true,
      placeholder: "dir",
      help: "run folder written by `deno task run` (embeddings/, labels.npy, run.json)",
    },
    host: {
      type: "string",
      default: "127.0.0.1",
      placeholder: "address",
      help: "address to listen on (any other than 127.0.0.1 lets other machines on the network in)",
    },
    port: { type: "integer", min: 0, max: 65535, default: 8470, help: "port (0: any free one)" },
    open: {
      type: "boolean",
      default: true,
      help: "open the page in the browser (--no-open: print its address only)",
    },
    seed: { type: "integer", min: 0, default: 1, placeholder: "n", help: "seed of the validation sample" },
    sample: { type: "integer", min: 1, default: 20, help: "clusters in the validation sample" },
  },
});

/** A running review server. */
export interface ReviewServer {
  /** The page's address. */
  url: string;
  /** The opened run. */
  app: ReviewApp;
  /** Stops the server. */
  close(): Promise<void>;
}

const isLoopback = (h: string) => h === "127.0.0.1" || h === "localhost" || h === "::1";

/**
 * Opens `dir` and serves it on `host:port` (port 0: a free one; a taken port falls back to a
 * free one, with a line on `log`).
 */
export async function serveReview(
  dir: string,
  opts: ReviewOptions & { host?: string; port?: number; log?: (line: string) => void } = {},
): Promise<ReviewServer> {
  const host = opts.host ?? "127.0.0.1";
  const app = await openReview(dir, { ...opts, loopbackOnly: opts.loopbackOnly ?? isLoopback(host) });
  for (const w of app.log.warnings) opts.log?.(`review: ${w}`);
  const start = (port: number) =>
    Deno.serve({ hostname: host, port, onListen: () => {} }, (req) => app.handle(req));
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = start(opts.port ?? 0);
  } catch (e) {
    if (!(e instanceof Deno.errors.AddrInUse)) throw e;
    opts.log?.(`review: port ${opts.port} is taken; using a free one`);
    server = start(0);
  }
  const addr = server.addr;
  const shown = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return {
    url: `http://${shown === "0.0.0.0" ? "127.0.0.1" : shown}:${addr.port}/`,
    app,
    close: () => server.shutdown(),
  };
}

async function openBrowser(url: string, io: Io): Promise<void> {
  const opener = Deno.build.os === "darwin" ? "open" : Deno.build.os === "windows" ? "explorer" : "xdg-open";
  try {
    const child = new Deno.Command(opener, { args: [url], stdin: "null", stdout: "null", stderr: "null" })
      .spawn();
    const status = await child.status;
    if (!status.success) io.err(`review: ${opener} could not open the browser; open ${url}`);
  } catch {
    io.err(`review: no ${opener} here; open ${url} in a browser`);
  }
}

/** Entry point; returns the exit code when the server stops (Ctrl-C). */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(REVIEW_COMMAND, args, io, async (v, io) => {
    const t0 = performance.now();
    const s = await serveReview(v.run, {
      host: v.host,
      port: v.port,
      seed: v.seed,
      sample: v.sample,
      log: (l) => io.err(l),
    });
    const { run, log } = s.app;
    io.out(
      `review: ${run.faces.length} faces of ${v.run} (${log.state.applied.length} decisions so far), ready in ${
        Math.round(performance.now() - t0)
      } ms`,
    );
    io.out(`review: ${s.url}  (Ctrl-C stops; decisions are saved in ${log.path} as they are made)`);
    if (v.open) await openBrowser(s.url, io);
    await new Promise<void>((resolve) => {
      const stop = () => {
        Deno.removeSignalListener("SIGINT", stop);
        Deno.removeSignalListener("SIGTERM", stop);
        resolve();
      };
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
    });
    await s.close();
    io.out("review: stopped");
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
