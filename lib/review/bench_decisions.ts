/**
 * Measures how review decisions carry over to a grown folder, on LFW: a folder of `--people`
 * people (their first `--first` photos) and `--distractors` people seen once is run; a review
 * names every person on their photos' main faces (an oracle review, through the decision log);
 * `--later` more photos of each person are added and the folder is run again. Printed: how many
 * decided faces keep their name (should be all), how many new photos get the right name, a wrong
 * one, or none, and how many distractors got a name.
 *
 * `deno run -A lib/review/bench_decisions.ts [--people 40] [--first 4] [--later 2] [--distractors 100] [--method m]`
 * @module
 */
import { join } from "node:path";
import { lfwOrSkip } from "../util/lfw_data.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { runPipeline } from "../pipeline/run.ts";
import { parseCsv } from "../util/csv.ts";
import { LocalFolderSource } from "../sources/local.ts";
import { type FaceMeta, readEmbeddingSet } from "../store/embedding_set.ts";
import { DecisionLog, faceKey } from "./decisions.ts";

/** The flags of the benchmark. */
export const BENCH_DECISIONS_COMMAND = defineCommand({
  name: "deno run -A lib/review/bench_decisions.ts",
  summary: "Benchmark: names of a review kept by a rerun, and given to new photos, on LFW",
  flags: {
    people: { type: "integer", min: 1, default: 40, placeholder: "n", help: "people named in the review" },
    first: { type: "integer", min: 1, default: 4, placeholder: "n", help: "photos of each in the first run" },
    later: { type: "integer", min: 1, default: 2, placeholder: "n", help: "photos of each added later" },
    distractors: { type: "integer", min: 0, default: 100, placeholder: "n", help: "people seen once" },
    method: {
      type: "string",
      placeholder: "name",
      defaultText: "the automatic choice",
      help: "clustering method of both runs",
    },
    data: { type: "path", placeholder: "dir", defaultText: "../shared/datasets/lfw", help: "LFW folder" },
  },
});

/** The largest face of each photo. */
function mainFaces(faces: readonly FaceMeta[]): Map<string, FaceMeta> {
  const out = new Map<string, FaceMeta>();
  const area = (g: FaceMeta) => g.box![2] * g.box![3];
  for (const f of faces) {
    const best = out.get(f.path);
    if (!best || area(f) > area(best)) out.set(f.path, f);
  }
  return out;
}

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(BENCH_DECISIONS_COMMAND, args, io, async (v, io) => {
    const lfw = await lfwOrSkip(v.data);
    if (!lfw) return 0;
    const images = join(lfw, "images_deepfunneled");
    const all: { name: string; files: string[] }[] = [];
    for await (const e of Deno.readDir(images)) {
      if (!e.isDirectory) continue;
      const files = [...Deno.readDirSync(join(images, e.name))].map((f) => f.name).filter((f) =>
        f.endsWith(".jpg")
      )
        .sort();
      all.push({ name: e.name, files });
    }
    all.sort((a, b) => (a.name < b.name ? -1 : 1));
    const spaced = <T>(list: T[], n: number) =>
      Array.from({ length: Math.min(n, list.length) }, (_, i) => list[Math.floor(i * list.length / n)]);
    const people = spaced(all.filter((p) => p.files.length >= v.first + v.later), v.people);
    const loners = spaced(all.filter((p) => p.files.length === 1), v.distractors);

    const dir = await Deno.makeTempDir({ prefix: "facegroup-bench-decisions-" });
    const photos = join(dir, "photos"), out = join(dir, "run"), store = join(dir, "store");
    const copy = async (person: string, file: string) => {
      await Deno.mkdir(join(photos, person), { recursive: true });
      await Deno.copyFile(join(images, person, file), join(photos, person, file));
      return `${person}/${file}`;
    };
    try {
      const firstPaths = new Map<string, string>(); // path -> person
      for (const p of people) {
        for (const f of p.files.slice(0, v.first)) firstPaths.set(await copy(p.name, f), p.name);
      }
      const lonerPaths = new Set<string>();
      for (const p of loners) lonerPaths.add(await copy(p.name, p.files[0]));
      const run = () =>
        runPipeline(new LocalFolderSource(photos), {
          out,
          storeDir: store,
          progress: false,
          ...(v.method ? { method: v.method } : {}),
          log: (l) => {
            if (l.startsWith("decisions:") || l.startsWith("clustering:")) io.err(l);
          },
        });
      const t0 = performance.now();
      await run();
      io.err(`first run: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

      // The oracle review: each person named on the main faces of their photos.
      const first = mainFaces((await readEmbeddingSet(join(out, "embeddings"))).faces);
      // Before it: distractors whose cluster holds a person's photo (the clustering's own mistakes).
      const [, ...rows1] = parseCsv(await Deno.readTextFile(join(out, "assignments.csv")));
      const cluster1 = new Map(rows1.map((r) => [`${r[0]}#${r[1]}`, r[7]]));
      const personClusters = new Set(
        [...firstPaths.keys()].map((p) => cluster1.get(`${p}#${first.get(p)?.face}`)).filter((c) =>
          c && c !== "-1"
        ),
      );
      let before = 0;
      for (const p of lonerPaths) {
        if (personClusters.has(cluster1.get(`${p}#${first.get(p)?.face}`))) before++;
      }
      const log = await DecisionLog.open(out);
      let n = 0;
      for (const p of people) {
        const keys = p.files.slice(0, v.first).map((f) => first.get(`${p.name}/${f}`)).filter((f) =>
          f !== undefined
        )
          .map((f) => faceKey(f!));
        await log.append({ op: "name", person: `p${++n}`, name: p.name, faces: keys });
      }

      const laterPaths = new Map<string, string>();
      for (const p of people) {
        for (const f of p.files.slice(v.first, v.first + v.later)) {
          laterPaths.set(await copy(p.name, f), p.name);
        }
      }
      const t1 = performance.now();
      await run();
      io.err(`second run (grown folder): ${((performance.now() - t1) / 1000).toFixed(1)} s`);

      const second = mainFaces((await readEmbeddingSet(join(out, "embeddings"))).faces);
      const [, ...rows] = parseCsv(await Deno.readTextFile(join(out, "assignments.csv")));
      const name = new Map(rows.map((r) => [`${r[0]}#${r[1]}`, r[8]]));
      const nameOf = (path: string) => {
        const f = second.get(path);
        return f ? name.get(`${path}#${f.face}`) ?? "" : undefined;
      };
      const tally = (paths: Map<string, string>) => {
        let right = 0, wrong = 0, none = 0, missing = 0;
        for (const [path, person] of paths) {
          const got = nameOf(path);
          if (got === undefined) missing++;
          else if (got === person) right++;
          else if (got === "") none++;
          else wrong++;
        }
        return { right, wrong, none, missing, total: paths.size };
      };
      const decided = tally(firstPaths), grown = tally(laterPaths);
      let named = 0;
      for (const p of lonerPaths) if (nameOf(p)) named++;
      io.out(
        `people ${people.length} x ${v.first} photos named, ${loners.length} distractors; +${v.later} photos each`,
      );
      io.out(
        `decided faces keeping their name: ${decided.right}/${decided.total - decided.missing} ` +
          `(${decided.wrong} wrong, ${decided.none} none; ${decided.missing} photos without a face)`,
      );
      io.out(
        `new photos: ${grown.right}/${grown.total - grown.missing} right name, ${grown.wrong} wrong, ` +
          `${grown.none} none (${grown.missing} without a face)`,
      );
      io.out(
        `distractors given a name: ${named}/${lonerPaths.size} (before the review, ${before} were in a ` +
          `cluster holding a person's photo)`,
      );
      return 0;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
