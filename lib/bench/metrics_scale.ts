/**
 * `deno task bench:metrics-scale`: the internal metrics and the exploration report's
 * neighbour-dependent work on a large synthetic set (lib/scale/synthetic.ts, grown from LFW and
 * pins as embedded by `deno task bench:devsets`; skipped with a message when absent), after and,
 * where asked, before they followed lib/scale/policy.ts. Labels are the synthetic identities (a
 * perfect clustering: the metrics' cost depends on the number of clusters, not on their quality).
 *
 * Stages (`--stages`): `graph` (the report's graph by the policy: IVF past EXACT_KNN_MAX_ROWS),
 * `metrics` (internalMetrics on that graph), `metrics-nograph` (internalMetrics without a graph:
 * sampled faces and clusters against all clusters), `site` (buildSite on the run without
 * thumbnails, given the graph), `exact-sample` (the unbiased reference: exact per-face silhouettes
 * of the same seeded sample), and the work done before: `before-graph` (the exact graph the report
 * built) and `before-metrics` (500 sampled faces against every cluster plus the exact
 * Davies-Bouldin, as the report computed them). Time, CPU time and peak resident memory each.
 * @module
 */
import { type KnnGraph, knnGraph } from "../graph/knn.ts";
import { daviesBouldin } from "../metrics/davies_bouldin.ts";
import { silhouetteSampled } from "../metrics/silhouette.ts";
import { internalMetrics } from "../metrics/summary.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { runData } from "../report/run_data.ts";
import { buildSite } from "../report/site/site.ts";
import { siteGraph } from "../report/site/site_graph.ts";
import { DEFAULT_BASE_DIRS, loadBase } from "../scale/base.ts";
import { PeakRss } from "../scale/peak_rss.ts";
import { type Stage, stageRunner } from "../scale/stage_timer.ts";
import { SILHOUETTE_SAMPLE } from "../scale/policy.ts";
import { synthesize } from "../scale/synthetic.ts";
import type { FaceMeta } from "../store/embedding_set.ts";

const STAGES = [
  "graph",
  "metrics",
  "metrics-nograph",
  "exact-sample",
  "site",
  "before-graph",
  "before-metrics",
] as const;

/** The flags of `deno task bench:metrics-scale`. */
export const METRICS_SCALE_COMMAND = defineCommand({
  name: "deno task bench:metrics-scale",
  summary: "Benchmark: internal metrics and the report's neighbour work at 100,000 synthetic faces, " +
    "by the size policy and as before it: time and peak memory per stage",
  flags: {
    faces: {
      type: "integer",
      min: 10,
      default: 100_000,
      placeholder: "n",
      help: "faces of the synthetic set",
    },
    neighbours: { type: "integer", min: 2, max: 200, default: 15, placeholder: "k", help: "k of the graph" },
    stages: {
      type: "list",
      placeholder: "a,b",
      default: ["graph", "metrics", "metrics-nograph", "exact-sample", "site"],
      help: `stages to run, of ${STAGES.join(", ")}`,
    },
    base: {
      type: "list",
      placeholder: "dir,dir",
      defaultText: DEFAULT_BASE_DIRS.join(","),
      help: "real embedding sets the synthetic faces are grown from",
    },
    seed: { type: "integer", min: 0, default: 1, placeholder: "n", help: "seed of the synthetic set" },
    out: { type: "path", placeholder: "file", help: "JSON result (default: none)" },
  },
  epilog: "The before-stages are slow at 100,000 faces (minutes on 2 cores); run them on their own.",
});

const fmt = (v: number, p = 4) => (Number.isFinite(v) ? v.toFixed(p) : String(v));

/** Runs the benchmark; see the module doc. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(METRICS_SCALE_COMMAND, args, io, async (v, io) => {
    const unknown = v.stages.filter((s) => !(STAGES as readonly string[]).includes(s));
    if (unknown.length > 0) {
      io.err(`--stages: unknown ${unknown.join(", ")} (known: ${STAGES.join(", ")})`);
      return 2;
    }
    const repo = new URL("../..", import.meta.url).pathname;
    const dirs = v.base && v.base.length > 0 ? v.base : DEFAULT_BASE_DIRS.map((d) => `${repo}${d}`);
    const base = await loadBase(dirs);
    for (const m of base.missing) io.err(`base set ${m.dir}: ${m.why}`);
    if (base.read.length === 0) {
      io.err("skipped: no real embedding set to grow synthetic faces from; run `deno task bench:devsets`");
      return 0;
    }
    const peak = await PeakRss.start(20);
    const stages: Stage[] = [];
    const timed = stageRunner(peak, (l) => io.out(l), { width: 16 });
    const stage = <T>(name: string, f: () => Promise<T> | T, note?: (t: T) => string) =>
      timed(stages, name, f, note);
    const want = new Set(v.stages);
    const k = v.neighbours;
    try {
      const set = await stage(
        "synthesis",
        () => synthesize(base, { faces: v.faces, seed: v.seed }),
        (s) => `${s.identities} people, ${s.x.rows} faces`,
      );
      const { x, truth: labels } = set;
      io.out(`load average ${Deno.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
      let graph: KnnGraph | undefined;
      if (want.has("graph") || want.has("metrics") || want.has("site")) {
        graph = await stage("graph", async () => await siteGraph(x, k), (g) => `source ${g.source}, k=${k}`)
          .then((g) => g.graph);
      }
      const show = (m: Record<string, number>) =>
        `silhouette ${fmt(m.silhouette)} ± ${fmt(m.silhouetteStdErr)} (${m.silhouetteSample} faces), ` +
        `Davies-Bouldin ${fmt(m.daviesBouldin)} ± ${
          fmt(m.daviesBouldinStdErr)
        } (${m.daviesBouldinClusters} clusters)`;
      if (want.has("metrics")) {
        await stage("metrics", () => internalMetrics(x, labels, { graph, seed: 1 }), show);
      }
      if (want.has("metrics-nograph")) {
        await stage("metrics-nograph", () => internalMetrics(x, labels, { seed: 1 }), show);
      }
      if (want.has("exact-sample")) {
        await stage(
          "exact-sample",
          () => silhouetteSampled(x, labels, SILHOUETTE_SAMPLE, 1),
          (e) =>
            `silhouette of the same ${e.sampleSize} faces against every cluster ${fmt(e.value)} ± ${
              fmt(e.standardError)
            }`,
        );
      }
      if (want.has("site")) {
        const faces: FaceMeta[] = Array.from({ length: x.rows }, (_, i) => ({
          path: `p${set.photoOf[i]}.jpg`,
          face: i,
          imageId: `p${set.photoOf[i]}`,
        }));
        const run = runData({ name: "synthetic", x, faces, labels, meta: { method: "chinese-whispers" } });
        await stage("site", () => buildSite(run, { graph, neighbours: k }), (b) => {
          const t = b.model.timings ?? {};
          return Object.entries(t).map(([n, s]) => `${n} ${s}`).join(", ");
        });
      }
      if (want.has("before-graph")) {
        await stage("before-graph", () => knnGraph(x, k), () => "exact, all pairs");
      }
      if (want.has("before-metrics")) {
        await stage(
          "before-metrics",
          () => {
            const s = silhouetteSampled(x, labels, 500, 1);
            return { s, db: daviesBouldin(x, labels) };
          },
          (r) =>
            `silhouette ${fmt(r.s.value)} ± ${fmt(r.s.standardError)} (500 faces), exact Davies-Bouldin ${
              fmt(r.db)
            }`,
        );
      }
    } finally {
      peak.stop();
    }
    if (v.out) {
      await Deno.writeTextFile(
        v.out,
        JSON.stringify({ faces: v.faces, neighbours: k, stages }, null, 2) + "\n",
      );
      io.out(`wrote ${v.out}`);
    }
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
