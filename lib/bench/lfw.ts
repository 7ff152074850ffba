/**
 * `deno task bench:lfw`: the toolkit on Labeled Faces in the Wild (../shared/datasets/lfw):
 * detection rate, 10-fold verification accuracy, clustering quality (all 13,233 photos and the
 * 9,164 of people with 2+ photos) and throughput. Prints the figures and writes them as JSON.
 *
 * Flags: --fresh (new empty store, so that throughput is measured), --limit N (first N photos),
 * --concurrency N (photos in flight; default the pipeline's), --out FILE (default reports/bench/lfw.json), --data DIR.
 * @module
 */
import { buildDendrogram, cutDendrogram, DEFAULT_AGGLOMERATIVE } from "../cluster/agglomerative.ts";
import { cosineDistances } from "../graph/distance_matrix.ts";
import { externalMetrics } from "../metrics/mod.ts";
import { cacheDir } from "../util/cache_dir.ts";
import { embedPhotos } from "../pipeline/embed_photos.ts";
import { LocalFolderSource } from "../sources/local.ts";
import { type FaceMeta, labelIds, writeEmbeddingSet } from "../store/embedding_set.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { clusterFaces } from "../select/cluster_faces.ts";
import { lfwOrSkip } from "../util/lfw_data.ts";
import { centreFace, parsePairs, tenFoldAccuracy } from "./lfw_protocol.ts";

/** The flags of `deno task bench:lfw`. */
export const LFW_BENCH_COMMAND = defineCommand({
  name: "deno task bench:lfw",
  summary:
    "Benchmark: the toolkit on Labeled Faces in the Wild: detection rate, verification accuracy, clustering quality, throughput",
  flags: {
    fresh: {
      type: "boolean",
      help: "analyse every photo again, into a temporary store (else the cache's store)",
    },
    limit: { type: "integer", min: 1, placeholder: "n", defaultText: "all", help: "only the first n photos" },
    concurrency: {
      type: "integer",
      min: 1,
      placeholder: "n",
      defaultText: "the pipeline's",
      help: "photos in flight at once",
    },
    out: {
      type: "path",
      placeholder: "file",
      defaultText: "reports/bench/lfw.json",
      help: "where the figures go",
    },
    data: { type: "path", placeholder: "dir", defaultText: "../shared/datasets/lfw", help: "the LFW folder" },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(LFW_BENCH_COMMAND, args, io, async (v, io) => {
    const root = await lfwOrSkip(v.data);
    if (!root) return 0;
    const outFile = v.out ?? new URL("../../reports/bench/lfw.json", import.meta.url).pathname;
    const storeDir = v.fresh ? await Deno.makeTempDir({ prefix: "lfw-store-" }) : `${cacheDir()}/store`;

    // 1. Faces of every photo.
    const base = new LocalFolderSource(`${root}/images_deepfunneled`, { labelsFromFolders: true });
    const limit = v.limit ? Number(v.limit) : Infinity;
    const source = {
      description: base.description,
      async *list() {
        let n = 0;
        for await (const r of base.list()) {
          if (n++ >= limit) break;
          yield r;
        }
      },
      read: base.read.bind(base),
    };
    const res = await embedPhotos(source, {
      storeDir,
      concurrency: v.concurrency ? Number(v.concurrency) : undefined,
    });

    const dim = res.store.dim;

    // 2. The labelled face of each photo: the one nearest the centre.
    const byPath = new Map<string, Float32Array>();
    const faces: FaceMeta[] = [];
    const rows: Float32Array[] = [];
    let detected = 0, multi = 0, totalFaces = 0;
    for (const p of res.photos) {
      const rec = p.record;
      if (!rec || rec.error || p.failure) continue;
      totalFaces += rec.faces.length;
      if (rec.faces.length > 1) multi++;
      const i = centreFace(rec.faces.map((f) => f.box), rec.width!, rec.height!);
      if (i < 0) continue;
      detected++;
      const e = res.store.embeddings(p.hash!)[i];
      byPath.set(p.ref.path, e);
      faces.push({ path: p.ref.path, face: i, imageId: p.hash!, label: p.ref.label, box: rec.faces[i].box });
      rows.push(e);
    }
    const x = { data: new Float32Array(rows.length * dim), rows: rows.length, cols: dim };
    rows.forEach((r, i) => x.data.set(r, i * dim));
    await writeEmbeddingSet(new URL("../../.cache/lfw/embeddings", import.meta.url).pathname, { x, faces });

    // 3. Verification.
    const pairs = parsePairs(await Deno.readTextFile(`${root}/pairs.txt`));
    const sims = new Float64Array(pairs.length);
    let missingPairs = 0;
    pairs.forEach((p, i) => {
      const a = byPath.get(p.a), b = byPath.get(p.b);
      if (!a || !b) {
        sims[i] = -1;
        missingPairs++;
        return;
      }
      let s = 0;
      for (let j = 0; j < dim; j++) s += a[j] * b[j];
      sims[i] = s;
    });
    const verification = limit === Infinity ? { ...tenFoldAccuracy(sims, pairs), missingPairs } : undefined;

    // 4. Clustering: undetected photos count as singleton clusters of their own.
    async function clusterEval(keep: (f: FaceMeta) => boolean, allPaths: string[]) {
      const idx = faces.flatMap((f, i) => (keep(f) ? [i] : []));
      const sub = { data: new Float32Array(idx.length * dim), rows: idx.length, cols: dim };
      idx.forEach((i, k) => sub.data.set(x.data.subarray(i * dim, (i + 1) * dim), k * dim));
      const t = performance.now();
      const dg = buildDendrogram(await cosineDistances(sub), sub.rows, "average");
      const buildSeconds = (performance.now() - t) / 1000;
      const detectedPaths = new Set(idx.map((i) => faces[i].path));
      const undetected = allPaths.filter((p) => !detectedPaths.has(p));
      const truthNames = [...idx.map((i) => faces[i].label!), ...undetected.map((p) => p.split("/")[0])];
      const truth = labelIds(truthNames.map((l) => ({ path: "", face: 0, imageId: "", label: l })))!;
      const rowsOut: Record<string, number>[] = [];
      for (let t = 0.4; t <= 0.95 + 1e-9; t += 0.025) {
        const lab = cutDendrogram(dg, { threshold: t });
        const pred = new Int32Array(truth.length);
        pred.set(lab);
        let next = lab.reduce((m, l) => Math.max(m, l), -1) + 1;
        for (let k = lab.length; k < pred.length; k++) pred[k] = next++;
        const m = externalMetrics(truth, pred);
        rowsOut.push({ threshold: +t.toFixed(3), clusters: next, ...m });
      }
      // The default of `deno task run`: the clustering chosen from these embeddings, without labels.
      const t1 = performance.now();
      const chosen = await clusterFaces(sub, idx.map((i) => faces[i]));
      const choiceSeconds = (performance.now() - t1) / 1000;
      const chosenPred = new Int32Array(truth.length);
      chosenPred.set(chosen.labels);
      let nextId = chosen.labels.reduce((m, l) => Math.max(m, l), -1) + 1;
      for (let k = chosen.labels.length; k < chosenPred.length; k++) chosenPred[k] = nextId++;
      const defaultRun = {
        choice: chosen.summary,
        seconds: choiceSeconds,
        clusters: nextId,
        metrics: externalMetrics(truth, chosenPred),
      };
      const best = rowsOut.reduce((a, b) => (b.bcubedF1 > a.bcubedF1 ? b : a));
      const atDefault = rowsOut.reduce((a, b) =>
        Math.abs(b.threshold - DEFAULT_AGGLOMERATIVE.threshold) <
            Math.abs(a.threshold - DEFAULT_AGGLOMERATIVE.threshold)
          ? b
          : a
      );
      return {
        photos: allPaths.length,
        people: new Set(truthNames).size,
        dendrogramSeconds: buildSeconds,
        defaultRun,
        best,
        atDefault,
        sweep: rowsOut,
      };
    }
    const allPaths = res.photos.map((p) => p.ref.path);
    const perPerson = new Map<string, number>();
    for (const p of allPaths) perPerson.set(p.split("/")[0], (perPerson.get(p.split("/")[0]) ?? 0) + 1);
    const twoPlus = (path: string) => (perPerson.get(path.split("/")[0]) ?? 0) >= 2;
    const clusteringAll = await clusterEval(() => true, allPaths);
    const clustering2 = await clusterEval((f) => twoPlus(f.path), allPaths.filter(twoPlus));

    const t = res.timings;
    const throughput = {
      photosAnalysed: res.computed,
      seconds: t.total,
      photosPerSecond: res.computed / t.total,
      stageSeconds: t,
      concurrency: v.concurrency ? Number(v.concurrency) : 2,
      cores: navigator.hardwareConcurrency,
    };
    const result = {
      date: new Date().toISOString(),
      models: res.models,
      photos: res.photos.length,
      detectionRate: detected / res.photos.length,
      facesFound: totalFaces,
      photosWithSeveralFaces: multi,
      failures: res.photos.filter((p) => p.failure).length,
      verification,
      clusteringAll,
      clustering2plus: clustering2,
      throughput,
    };
    await Deno.mkdir(outFile.slice(0, outFile.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(outFile, JSON.stringify(result, null, 2));
    const f3 = (n: number) => n.toFixed(4);
    const show = (name: string, c: typeof clusteringAll) => {
      const d = c.defaultRun, m = d.metrics;
      io.out(
        `${name} (${c.photos} photos, ${c.people} people) default run (${
          d.choice.split(":")[0]
        }): clusters ${d.clusters}, ` +
          `pairwise P/R/F1 ${f3(m.pairwiseP)}/${f3(m.pairwiseR)}/${f3(m.pairwiseF1)}, ` +
          `BCubed P/R/F1 ${f3(m.bcubedP)}/${f3(m.bcubedR)}/${f3(m.bcubedF1)}, NMI ${f3(m.nmi)}`,
      );
      for (
        const [tag, r] of [["best average linkage", c.best], ["average linkage 0.55", c.atDefault]] as const
      ) {
        io.out(
          `${name} (${c.photos} photos, ${c.people} people) ${tag} threshold ${r.threshold}: clusters ${r.clusters}, ` +
            `pairwise P/R/F1 ${f3(r.pairwiseP)}/${f3(r.pairwiseR)}/${f3(r.pairwiseF1)}, ` +
            `BCubed P/R/F1 ${f3(r.bcubedP)}/${f3(r.bcubedR)}/${f3(r.bcubedF1)}, NMI ${f3(r.nmi)}`,
        );
      }
    };
    io.out(
      `photos ${result.photos}, detection rate ${
        (100 * result.detectionRate).toFixed(2)
      }%, faces ${totalFaces}`,
    );
    if (verification) {
      io.out(
        `verification (10-fold, pairs.txt): ${(100 * verification.mean).toFixed(2)}% ± ${
          (100 * verification.std).toFixed(2)
        } (pairs missing a face: ${missingPairs})`,
      );
    }
    show("clustering all", clusteringAll);
    show("clustering 2+", clustering2);
    io.out(
      `throughput: ${res.computed} photos analysed in ${t.total.toFixed(1)} s = ${
        throughput.photosPerSecond.toFixed(1)
      } photos/s; stage seconds (summed over workers): ` +
        Object.entries(t).map(([k, s]) => `${k} ${s.toFixed(1)}`).join(", "),
    );
    io.out(`written: ${outFile}`);
    if (v.fresh) await Deno.remove(storeDir, { recursive: true });
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
