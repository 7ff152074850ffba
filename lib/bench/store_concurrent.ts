/**
 * `deno run -A lib/bench/store_concurrent.ts [--photos 200] [--processes 2]`: the issue-13
 * scenario at scale. That many LFW photos (the first of each person, from
 * `../shared/datasets/lfw`) are embedded by several processes at once into one store, then by one
 * process into a fresh store; prints how many records each store holds, how many vectors differ
 * (any bit) between the two, the lowest cosine between a shared-store vector and its solo
 * twin, and how the work was shared.
 * @module
 */
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { FaceStore } from "../store/face_store.ts";
import { verifyStore } from "../store/verify.ts";

const LFW = new URL("../../../shared/datasets/lfw/images_deepfunneled", import.meta.url).pathname;
const helper = new URL("../pipeline/_testing/test_embed.ts", import.meta.url).pathname;

async function embed(
  input: string,
  store: string,
): Promise<{ computed: number; start: number; end: number }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", helper, input, store],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (o.code !== 0) throw new Error(new TextDecoder().decode(o.stderr));
  return JSON.parse(new TextDecoder().decode(o.stdout).trim().split("\n").at(-1)!);
}

async function open(root: string): Promise<FaceStore> {
  const r = await verifyStore(root, { log: () => {} });
  if (!r.ok || r.keys.length !== 1) throw new Error(`${root}: ${JSON.stringify(r)}`);
  return await FaceStore.openKey(root, r.keys[0].id, { log: () => {} });
}

/** The flags of `deno run -A lib/bench/store_concurrent.ts`. */
export const CONCURRENT_BENCH_COMMAND = defineCommand({
  name: "deno run -A lib/bench/store_concurrent.ts",
  summary:
    "Benchmark: several processes embedding LFW photos into one store at once, against one process alone",
  flags: {
    photos: { type: "integer", min: 1, default: 200, placeholder: "n", help: "LFW photos (one per person)" },
    processes: { type: "integer", min: 1, default: 2, placeholder: "n", help: "processes at once" },
  },
});

/** Runs the comparison with command line `args`; returns the exit status (1: vectors differ). */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(CONCURRENT_BENCH_COMMAND, args, io, async (v, io) => {
    const want = v.photos, procs = v.processes;
    try {
      Deno.statSync(LFW);
    } catch {
      io.out(`${LFW} is absent: nothing to measure`);
      return 0;
    }
    const dir = await Deno.makeTempDir({ prefix: "facegroup-bench-concurrent-" });
    try {
      await Deno.mkdir(`${dir}/in`);
      let n = 0;
      for (const name of [...Deno.readDirSync(LFW)].map((e) => e.name).sort()) {
        if (n >= want) break;
        const f = [...Deno.readDirSync(`${LFW}/${name}`)].map((e) => e.name).sort()[0];
        await Deno.copyFile(`${LFW}/${name}/${f}`, `${dir}/in/${f}`), n++;
      }
      let t = performance.now();
      const runs = await Promise.all(
        Array.from({ length: procs }, () => embed(`${dir}/in`, `${dir}/shared`)),
      );
      const sharedS = (performance.now() - t) / 1000;
      t = performance.now();
      await embed(`${dir}/in`, `${dir}/solo`);
      const soloS = (performance.now() - t) / 1000;
      const shared = await open(`${dir}/shared`), solo = await open(`${dir}/solo`);
      let faces = 0, differ = 0, minCos = 1;
      for (const h of solo.hashes()) {
        const a = await shared.vectors([h]), b = await solo.vectors([h]);
        if (a.length !== b.length) differ += Math.max(a.length, b.length) / shared.dim;
        for (let r = 0; r < Math.min(a.length, b.length) / shared.dim; r++) {
          faces++;
          let dot = 0, same = true;
          for (let j = 0; j < shared.dim; j++) {
            const x = a[r * shared.dim + j], y = b[r * shared.dim + j];
            dot += x * y;
            if (x !== y) same = false;
          }
          if (!same) differ++;
          minCos = Math.min(minCos, dot);
        }
      }
      io.out(
        `${n} photos, ${faces} faces; ${procs} processes at once: ${sharedS.toFixed(1)} s, computed ` +
          `${runs.map((r) => r.computed).join(" + ")}; solo: ${soloS.toFixed(1)} s. Records: shared store ` +
          `${shared.size}, solo ${solo.size}. Vectors differing from the solo run: ${differ}; lowest cosine ` +
          `${minCos.toFixed(6)}`,
      );
      const ok = differ === 0 && shared.size === solo.size && shared.size === n;
      shared.close(), solo.close();
      return ok ? 0 : 1;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
