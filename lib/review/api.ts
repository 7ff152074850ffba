/**
 * The review application's HTTP side, as a request handler (no server of its own, so that
 * tests call it directly): the static page, and a small JSON API over a run folder.
 *
 * | request                         | answer                                                                 |
 * | ------------------------------- | ---------------------------------------------------------------------- |
 * | `GET /`, `/app.js`, `/style.css` | the page (static files of `page/`)                                    |
 * | `GET /api/summary`              | run title, counts, whether undo is possible, warnings                  |
 * | `GET /api/clusters?offset&limit&order=size\|uncertain&hidden=1&faces=n` | one page of groups, each with its first `faces` faces |
 * | `GET /api/group?id&offset&limit` | more faces of one group                                               |
 * | `GET /api/thumb/<row>`          | the face's JPEG thumbnail (from `embeddings/thumbs.bin`)               |
 * | `POST /api/decision`            | a {@link PageAction}; saves the decision, answers it                   |
 * | `POST /api/undo`                | cancels the latest decision                                            |
 * | `GET /api/sample`               | the validation sample, its verdicts and the precision estimate         |
 * | `GET /api/constraints`          | the decisions as `deno task sweep --constraints` JSON                  |
 *
 * Every text from outside (file names, names people typed) leaves as JSON with bidirectional
 * controls shown by name (`showBidiControls`); the page only ever sets it as text. A POST must
 * come from the page itself (its `Origin`) with a JSON body, and, on a loopback address, every
 * request must name a loopback host, so that other web sites cannot act through the browser.
 * @module
 */
import { errorMessage, ToolkitError } from "../errors.ts";
import { showBidiControls } from "../util/html.ts";
import { loadRun, type RunData } from "../report/run_data.ts";
import { decisionFor, type PageAction } from "./actions.ts";
import { DecisionLog, type FaceKey, toConstraints } from "./decisions.ts";
import {
  type Group,
  type GroupCache,
  type Grouping,
  type GroupOrder,
  groupRun,
  orderedGroups,
  ORDERS,
  runKeys,
} from "./groups.ts";
import { estimatePrecision } from "./precision.ts";
import { sampleClusters, type SampledCluster } from "./sample.ts";

/** Options of {@link openReview}. */
export interface ReviewOptions {
  /** Seed of the validation sample (default 1). */
  seed?: number;
  /** Clusters in the validation sample (default 20). */
  sample?: number;
  /** Whether requests must name a loopback host (default true: the server is on 127.0.0.1). */
  loopbackOnly?: boolean;
}

/** An opened run folder, ready to answer requests. */
export interface ReviewApp {
  /** The run. */
  run: RunData;
  /** Its decision log. */
  log: DecisionLog;
  /** The validation sample. */
  sample: SampledCluster[];
  /** Answers one request. */
  handle(req: Request): Promise<Response>;
}

const PAGE_FILES: Record<string, [string, string]> = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/index.html": ["index.html", "text/html; charset=utf-8"],
  "/app.js": ["app.js", "text/javascript; charset=utf-8"],
  "/style.css": ["style.css", "text/css; charset=utf-8"],
};

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...SECURITY_HEADERS,
    },
  });
}

function problem(status: number, message: string): Response {
  return json({ error: message }, status);
}

function intParam(url: URL, name: string, dflt: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new ToolkitError(`?${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Opens `<dir>` (a run folder): reads the run and its decisions, draws the sample. */
export async function openReview(dir: string, opts: ReviewOptions = {}): Promise<ReviewApp> {
  for (const part of ["labels.npy", "embeddings/faces.jsonl", "embeddings/vectors.npy"]) {
    try {
      await Deno.stat(`${dir}/${part}`);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      throw new ToolkitError(
        `${dir}: not a run folder (no ${part}); \`deno task run --out <dir>\` makes one`,
      );
    }
  }
  const run = await loadRun(dir);
  const log = await DecisionLog.open(dir);
  const keys = runKeys(run);
  const seed = opts.seed ?? 1;
  const sample = sampleClusters(run, keys, { seed, count: opts.sample ?? 20 });
  const sampledKeys = new Set(sample.map((s) => s.key));
  const pageDir = new URL("./page/", import.meta.url);
  const page = new Map<string, Uint8Array>();
  for (const [file] of Object.values(PAGE_FILES)) {
    if (!page.has(file)) page.set(file, await Deno.readFile(new URL(file, pageDir)));
  }
  let cached: { version: number; grouping: Grouping } | undefined;
  const groupCache: GroupCache = new Map();
  const grouping = (): Grouping => {
    const version = log.state.log.length;
    if (cached?.version !== version) {
      cached = { version, grouping: groupRun(run, log.state, keys, groupCache) };
    }
    return cached.grouping;
  };
  const face = (r: number) => {
    const f = run.faces[r];
    return {
      row: r,
      label: showBidiControls(f.path) + (f.face > 0 ? ` (face ${f.face + 1})` : ""),
      thumb: run.thumbnails[r] !== undefined,
    };
  };
  const groupJson = (g: Group, offset: number, limit: number) => ({
    id: g.id,
    kind: g.kind,
    ...(g.name !== undefined ? { name: showBidiControls(g.name) } : {}),
    size: g.rows.length,
    certainty: Math.round(g.certainty * 1000) / 1000,
    hidden: g.hidden,
    sampled: sampledKeys.has(g.key),
    offset,
    faces: Array.from(g.rows.subarray(offset, offset + limit), face),
  });
  const summary = () => {
    const g = grouping();
    const last = log.state.applied.at(-1);
    return {
      title: showBidiControls(run.meta.title || run.name),
      run: showBidiControls(run.name),
      faces: run.faces.length,
      groups: g.groups.filter((x) => !x.hidden).length,
      hidden: g.groups.filter((x) => x.hidden).length,
      people: g.groups.filter((x) => x.name !== undefined).length,
      unassigned: g.unassigned.rows.length,
      notFaces: g.notFaces.rows.length,
      decisions: log.state.applied.length,
      canUndo: last !== undefined,
      ...(last ? { last: last.op } : {}),
      warnings: log.warnings.map(showBidiControls),
    };
  };
  const sampleJson = () => {
    const verdicts = log.state.verdicts;
    const index = new Map<FaceKey, number>();
    keys.forEach((k, i) => index.has(k) || index.set(k, i));
    return {
      seed,
      clusters: sample.map((s) => {
        const v = verdicts.get(s.key);
        return {
          key: s.key,
          cluster: s.cluster,
          size: s.size,
          faces: s.rows.map(face),
          ...(v
            ? {
              verdict: v.verdict,
              wrong: v.wrong.map((k) => index.get(k)).filter((r): r is number => r !== undefined),
            }
            : {}),
        };
      }),
      precision: estimatePrecision(sample.map((s) => s.key), verdicts),
    };
  };

  async function route(req: Request, url: URL): Promise<Response> {
    const path = url.pathname;
    if (req.method === "GET" && PAGE_FILES[path]) {
      const [file, type] = PAGE_FILES[path];
      return new Response(page.get(file)!.slice(), {
        headers: { "content-type": type, "cache-control": "no-cache", ...SECURITY_HEADERS },
      });
    }
    if (req.method === "GET" && path === "/favicon.ico") return new Response(null, { status: 204 });
    if (req.method === "GET" && path.startsWith("/api/thumb/")) {
      const r = Number(path.slice("/api/thumb/".length));
      const t = Number.isInteger(r) ? run.thumbnails[r] : undefined;
      if (!t) return problem(404, `no thumbnail for ${JSON.stringify(path.slice(11))}`);
      return new Response(t.slice(), {
        headers: {
          "content-type": "image/jpeg",
          "cache-control": "private, max-age=3600",
          ...SECURITY_HEADERS,
        },
      });
    }
    if (req.method === "GET") {
      switch (path) {
        case "/api/summary":
          return json(summary());
        case "/api/clusters": {
          const order = (url.searchParams.get("order") ?? "size") as GroupOrder;
          if (!ORDERS.includes(order)) return problem(400, `?order must be ${ORDERS.join(" or ")}`);
          const list = orderedGroups(grouping(), order, url.searchParams.get("hidden") === "1");
          const offset = intParam(url, "offset", 0, 0, Math.max(0, list.length));
          const limit = intParam(url, "limit", 10, 1, 200);
          const faces = intParam(url, "faces", 40, 1, 500);
          return json({
            total: list.length,
            offset,
            groups: list.slice(offset, offset + limit).map((g) => groupJson(g, 0, faces)),
          });
        }
        case "/api/group": {
          const id = url.searchParams.get("id") ?? "";
          const g = orderedGroups(grouping(), "size", true).find((x) => x.id === id);
          if (!g) return problem(404, `no group ${JSON.stringify(id)}`);
          return json(
            groupJson(g, intParam(url, "offset", 0, 0, g.rows.length), intParam(url, "limit", 200, 1, 1000)),
          );
        }
        case "/api/sample":
          return json(sampleJson());
        case "/api/constraints":
          return json(toConstraints(log.state, run.faces));
      }
      return problem(404, `no such page: ${path}`);
    }
    if (req.method === "POST" && (path === "/api/decision" || path === "/api/undo")) {
      const origin = req.headers.get("origin");
      if (origin !== null && origin !== url.origin) {
        return problem(403, "requests must come from the review page");
      }
      if (!(req.headers.get("content-type") ?? "").startsWith("application/json")) {
        return problem(415, "send JSON (content-type: application/json)");
      }
      if (path === "/api/undo") {
        const undone = await log.undo();
        return json({ undone: undone?.op ?? null, summary: summary() });
      }
      let body: PageAction;
      try {
        body = await req.json();
      } catch {
        return problem(400, "the body is not JSON");
      }
      const d = decisionFor(body, grouping(), log.state, sample);
      if (d.op === "verdict") d.seed = seed;
      const logged = await log.append(d);
      return json({ decision: logged, summary: summary() });
    }
    return problem(405, `${req.method} ${path} is not supported`);
  }

  grouping(); // the first grouping of a large run takes a moment: before the first page, not during it
  return {
    run,
    log,
    sample,
    async handle(req: Request): Promise<Response> {
      const url = new URL(req.url);
      if (opts.loopbackOnly ?? true) {
        const host = (req.headers.get("host") ?? url.host).replace(/:\d+$/, "");
        if (!LOOPBACK.has(host)) return problem(403, `host ${JSON.stringify(host)} is not this machine`);
      }
      try {
        return await route(req, url);
      } catch (e) {
        return problem(e instanceof ToolkitError ? 400 : 500, errorMessage(e));
      }
    },
  };
}
