/**
 * `deno task bench:devsets`: the default clustering on every development set, side by side with
 * the fixed setting it replaced and with the sweep. Per set (LFW and pins, from
 * ../shared/datasets; a set that is absent is skipped with a message):
 *
 * - default run: `deno task run` with no flag (the clustering chosen from the data);
 * - before: average linkage at cosine distance 0.55, the earlier fixed default;
 * - best labelled run of the sweep (`--config`, default configs/sweep-devsets.json);
 * - the sweep's label-free pick (consensus).
 *
 * Every score counts one labelled face per photo (the largest; every face is clustered). With
 * `--regimes`, simulated regimes made from the same embeddings are scored too (no sweep: the best
 * labelled point of the choice's own grid and of average linkage stands in): LFW people with 10+
 * photos, LFW people with 30+ photos, pins with 8 photos per person, pins with 2,000 one-photo LFW people as bystanders.
 * Writes <out>.json (reports/bench/devsets.json by default).
 *
 * Flags: --sets lfw,pins  --config FILE  --out DIR (default reports/bench/devsets)  --regimes
 * --no-sweep.
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { buildDendrogram, cutDendrogram } from "../cluster/agglomerative.ts";
import { cosineDistances } from "../graph/distance_matrix.ts";
import { runPipeline } from "../pipeline/run.ts";
import { clusterFaces } from "../select/cluster_faces.ts";
import { DEFAULT_THRESHOLDS } from "../select/choose.ts";
import { LocalFolderSource } from "../sources/local.ts";
import { type EmbeddingSet, readEmbeddingSet, samePhotoPairs } from "../store/embedding_set.ts";
import { labelledTruth, scoredMetrics } from "../sweep/evaluate.ts";
import { runSweep } from "../sweep/runner.ts";
import { DEFAULT_TTA } from "../pipeline/embed_photos.ts";
import { lfwRoot } from "../util/lfw_data.ts";
import { REGIME_NAMES, regimes } from "./regimes.ts";

/** The flags of `deno task bench:devsets`. */
export const DEVSETS_BENCH_COMMAND = defineCommand({
  name: "deno task bench:devsets",
  summary:
    "Benchmark: the default clustering (chosen from the data) on every development set (LFW, pins), beside the earlier fixed default, the best labelled sweep run and the sweep's label-free pick",
  flags: {
    sets: {
      type: "list",
      choices: ["lfw", "pins"],
      placeholder: "a,b",
      defaultText: "lfw,pins",
      help: "development sets",
    },
    config: {
      type: "path",
      placeholder: "file",
      defaultText: "configs/sweep-devsets.json",
      help: "sweep configuration",
    },
    out: { type: "path", placeholder: "dir", defaultText: "reports/bench/devsets", help: "output folder" },
    regimes: {
      type: "boolean",
      help:
        "also simulated regimes from the same embeddings: LFW people with 10+ photos, with 30+ photos, pins with 8 " +
        "per person, " +
        "pins with 2,000 one-photo LFW people as bystanders",
    },
    "no-sweep": { type: "boolean", help: "skip the sweeps" },
    tta: {
      type: "enum",
      choices: ["on", "off"],
      default: DEFAULT_TTA ? "on" : "off",
      help:
        "test-time augmentation, as deno task run (the crop and a zoomed-out view, each with its mirror; its own store key, so a " +
        "first run in a mode embeds anew)",
    },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(DEVSETS_BENCH_COMMAND, args, io, async (v, io) => {
    const repo = new URL("../..", import.meta.url).pathname;
    const shared = new URL("../../../shared/datasets", import.meta.url).pathname;
    const out = v.out ?? `${repo}reports/bench/devsets`;
    const config = v.config ?? `${repo}configs/sweep-devsets.json`;
    const SETS: Record<string, string> = {
      lfw: `${lfwRoot()}/images_deepfunneled`,
      pins: `${shared}/pins/images`,
    };
    const names: string[] = v.sets.length ? [...v.sets] : ["lfw", "pins"];

    /** One scored clustering. */
    interface Scored {
      what: string;
      bcubedF1: number;
      bcubedP: number;
      bcubedR: number;
      clusters: number;
    }

    function score(what: string, truth: Int32Array, labels: Int32Array): Scored {
      const m = scoredMetrics(truth, labels);
      let clusters = 0;
      for (const l of labels) if (l + 1 > clusters) clusters = l + 1;
      return { what, bcubedF1: m.bcubedF1, bcubedP: m.bcubedP, bcubedR: m.bcubedR, clusters };
    }

    const f4 = (n: number) => n.toFixed(4);
    function show(set: string, rows: Scored[]): void {
      for (const r of rows) {
        io.out(
          `${set.padEnd(12)} ${r.what.padEnd(72)} BCubed F1 ${f4(r.bcubedF1)} (P ${f4(r.bcubedP)}, R ${
            f4(r.bcubedR)
          }), ${r.clusters} clusters`,
        );
      }
    }

    /** Default after, before, and the best labelled point of both grids, on one embedding set. */
    async function compare(set: EmbeddingSet, truth: Int32Array): Promise<Scored[]> {
      const t0 = performance.now();
      const auto = await clusterFaces(set.x, set.faces);
      const seconds = (performance.now() - t0) / 1000;
      // One average-linkage dendrogram for every threshold (faces of one photo never merge).
      const dg = buildDendrogram(
        await cosineDistances(set.x),
        set.x.rows,
        "average",
        samePhotoPairs(set.faces),
      );
      const rows = [
        score(`choice: ${auto.summary.split(":")[0]} (${seconds.toFixed(1)} s)`, truth, auto.labels),
        score("before: average linkage 0.55", truth, cutDendrogram(dg, { threshold: 0.55 })),
      ];
      let best: Scored | undefined;
      for (const threshold of DEFAULT_THRESHOLDS) {
        const r = await clusterFaces(set.x, set.faces, "chinese-whispers", { threshold, neighbours: 64 });
        const s = score(`best labelled: chinese-whispers ${threshold}`, truth, r.labels);
        if (!best || s.bcubedF1 > best.bcubedF1) best = s;
      }
      for (const threshold of [0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]) {
        const s = score(
          `best labelled: average linkage ${threshold}`,
          truth,
          cutDendrogram(dg, { threshold }),
        );
        if (s.bcubedF1 > best!.bcubedF1) best = s;
      }
      rows.push(best!);
      return rows;
    }

    const result: Record<string, unknown> = { date: new Date().toISOString(), config };
    const embedded: Record<string, EmbeddingSet> = {};
    for (const name of names) {
      const root = SETS[name];
      if (!root) {
        io.err(`error: unknown development set "${name}" (known: ${Object.keys(SETS).join(", ")})`);
        return 2;
      }
      try {
        await Deno.stat(root);
      } catch {
        io.out(`skipped ${name}: not at ${root} (see ../shared/datasets/README.md)`);
        continue;
      }
      const dir = `${out}/${name}`;
      const source = new LocalFolderSource(root, { labelsFromFolders: true });
      const run = await runPipeline(source, {
        out: `${dir}/run`,
        progress: false,
        log: () => {},
        tta: v.tta === "on",
      });
      const set = await readEmbeddingSet(`${dir}/run/embeddings`);
      embedded[name] = set;
      const truth = labelledTruth(set.faces)!;
      const runJson = JSON.parse(await Deno.readTextFile(`${dir}/run/run.json`));
      const rows = await compare(set, truth);
      // The default run itself (what `deno task run` wrote), scored the same way.
      rows.unshift(
        score(`deno task run (no flags): ${runJson.choice.summary.split(":")[0]}`, truth, run.labels),
      );
      if (!v["no-sweep"]) {
        const sweep = await runSweep({
          embeddings: `${dir}/run/embeddings`,
          config,
          out: `${dir}/sweep`,
          ifStale: "clear",
        });
        const pick = (r: typeof sweep.best, what: string): Scored | undefined =>
          r && {
            what: `${what}: ${r.method} ${JSON.stringify(r.params)}`.slice(0, 72),
            bcubedF1: r.metrics.bcubedF1,
            bcubedP: r.metrics.bcubedP,
            bcubedR: r.metrics.bcubedR,
            clusters: r.metrics.clusters,
          };
        const b = pick(sweep.best, "sweep best (labels)");
        const l = pick(sweep.labelFree?.row, "sweep label-free (consensus)");
        if (b) rows.push(b);
        if (l) rows.push(l);
      }
      result[name] = { photos: run.photos, faces: run.faces, choice: runJson.choice, rows };
      show(name, rows);
    }

    if (v.regimes) {
      const made = new Map(regimes(embedded.lfw, embedded.pins));
      for (const name of REGIME_NAMES) {
        const s = made.get(name);
        if (!s) {
          io.out(`skipped regime ${name}: its development set was not run`);
          continue;
        }
        const rows = await compare(s, labelledTruth(s.faces)!);
        result[name] = { faces: s.x.rows, rows };
        show(name, rows);
      }
    }
    await Deno.mkdir(`${repo}reports/bench`, { recursive: true });
    const written = `${out.replace(/\/+$/, "")}.json`;
    await Deno.writeTextFile(written, JSON.stringify({ ...result, tta: v.tta }, null, 2));
    io.out(`written: ${written}`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
