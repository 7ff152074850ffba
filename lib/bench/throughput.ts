/**
 * `deno task bench:throughput`: photos per second through the face stage (read, hash, decode,
 * detect, landmarks, align, embed, store), end to end and per stage, with CPU use and peak
 * memory, on LFW (250x250) and on large photos (3000x2000 JPEGs made once by upscaling the
 * demo photos), with 1 face worker and with one per core. Each run uses a new empty store.
 *
 * Flags: see `deno task bench:throughput --help` (declared in {@link THROUGHPUT_COMMAND}).
 * @module
 */
import process from "node:process";
import sharp from "sharp";
import { median } from "../util/median.ts";
import { TILES_FLAG } from "../faces/flags.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import type { TilingMode } from "../faces/types.ts";
import { lfwOrSkip } from "../util/lfw_data.ts";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { cacheDir } from "../util/cache_dir.ts";
import { embedPhotos } from "../pipeline/embed_photos.ts";
import { LocalFolderSource } from "../sources/local.ts";
import type { ImageRef, ImageSource } from "../sources/types.ts";

const cores = navigator.hardwareConcurrency ?? 1;

/** The flags of `deno task bench:throughput`. */
export const THROUGHPUT_COMMAND = defineCommand({
  name: "deno task bench:throughput",
  summary: "Benchmark: photos per second through the face stage, per stage, with CPU use and peak memory " +
    "(LFW and large photos; 1 worker and one per core)",
  flags: {
    lfw: { type: "integer", min: 0, default: 2000, placeholder: "n", help: "LFW photos (0 to skip)" },
    large: {
      type: "integer",
      min: 0,
      default: 48,
      placeholder: "n",
      help: "large 3000x2000 photos (0 to skip)",
    },
    workers: {
      type: "list",
      item: "integer",
      min: 0,
      placeholder: "a,b",
      defaultText: `1,${cores} (one per core)`,
      help: "face worker counts to measure",
    },
    batch: {
      type: "integer",
      min: 1,
      placeholder: "n",
      defaultText: "the analyser's",
      help: "faces per embedder batch",
    },
    tiles: TILES_FLAG,
    repeat: {
      type: "integer",
      min: 1,
      default: 1,
      placeholder: "n",
      help: "measure each configuration n times, interleaved, and print the median and range",
    },
    out: { type: "path", default: "reports/bench/throughput.json", placeholder: "file", help: "JSON result" },
  },
  epilog: "This machine's speed varies by several percent from run to run; peak RSS is the process's, so " +
    "only the first run of each configuration is its own.",
});

/** What one benchmark run measures with. */
interface Config {
  batchSize?: number;
  tiling: TilingMode;
  workerCounts: number[];
  repeat: number;
  rows: Row[];
  io: Io;
}

function firstN(src: ImageSource, n: number): ImageSource {
  return {
    description: src.description,
    async *list() {
      let i = 0;
      for await (const r of src.list()) {
        if (i++ >= n) break;
        yield r;
      }
    },
    read: (r: ImageRef) => src.read(r),
  };
}

/** Makes `n` distinct 3000x2000 JPEGs from the demo photos (once). */
async function largePhotos(n: number): Promise<string> {
  const dir = `${cacheDir()}/bench-large-3000x2000`;
  await Deno.mkdir(dir, { recursive: true });
  const demo = await ensureDemoPhotos();
  const names = [...Deno.readDirSync(demo)].map((e) => e.name).filter((x) => x.endsWith(".jpg")).sort();
  for (let i = 0; i < n; i++) {
    const file = `${dir}/large-${String(i).padStart(3, "0")}.jpg`;
    try {
      await Deno.stat(file);
      continue;
    } catch { /* make it */ }
    const src = `${demo}/${names[i % names.length]}`;
    // Each copy differs (crop offset, quality), so that no two files share a hash.
    const meta = await sharp(src).metadata();
    const off = (i * 7) % 40;
    const buf = await sharp(src)
      .extract({ left: off, top: off, width: meta.width! - 40, height: meta.height! - 40 })
      .resize(3000, 2000, { fit: "fill" })
      .jpeg({ quality: 88 + (i % 8) })
      .toBuffer();
    await Deno.writeFile(file, buf);
  }
  return dir;
}

function vmHwmMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function measure(name: string, source: ImageSource, workers: number, cfg: Config) {
  const { batchSize, tiling } = cfg;
  const store = await Deno.makeTempDir({ prefix: "throughput-store-" });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let peakRss = 0;
  const timer = setInterval(() => peakRss = Math.max(peakRss, process.memoryUsage().rss), 200);
  try {
    const res = await embedPhotos(source, {
      storeDir: store,
      workers,
      progress: false,
      batchSize,
      tiling,
      log: () => {},
    });
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const faces = res.photos.reduce((n, p) => n + (p.record?.faces.length ?? 0), 0);
    const stages = Object.fromEntries(
      Object.entries(res.timings).filter(([k]) => !["total", "list"].includes(k)).map((
        [k, s],
      ) => [k, +s.toFixed(2)]),
    );
    const busiest = Object.entries(stages).sort((a, b) => b[1] - a[1])[0][0];
    const row = {
      set: name,
      workers,
      photos: res.photos.length,
      faces,
      seconds: +wall.toFixed(2),
      photosPerSecond: +(res.photos.length / wall).toFixed(1),
      cpuPercent: +(100 * (cpu.user + cpu.system) / 1e6 / wall).toFixed(0),
      peakRssMiB: +(peakRss / 2 ** 20).toFixed(0),
      stageSeconds: stages,
      limitingStage: busiest,
    };
    cfg.io.out(
      `${name.padEnd(18)} workers ${workers}: ${row.photos} photos (${faces} faces) in ${row.seconds}s = ` +
        `${row.photosPerSecond} photos/s, CPU ${row.cpuPercent}%, peak RSS ${row.peakRssMiB} MiB; ` +
        `stage seconds (summed over workers): ${
          Object.entries(stages).map(([k, s]) => `${k} ${s}`).join(", ")
        }; ` +
        `largest: ${busiest}`,
    );
    return row;
  } finally {
    clearInterval(timer);
    await Deno.remove(store, { recursive: true });
  }
}

type Row = Awaited<ReturnType<typeof measure>>;
/** Measures each worker count `repeat` times, interleaved; prints median and range when repeated. */
async function measureAll(name: string, source: ImageSource, cfg: Config): Promise<void> {
  const { workerCounts, repeat, rows } = cfg;
  const runs = new Map<number, Row[]>(workerCounts.map((w) => [w, []]));
  for (let r = 0; r < repeat; r++) {
    for (const w of workerCounts) runs.get(w)!.push(await measure(name, source, w, cfg));
  }
  for (const [w, list] of runs) {
    rows.push(...list);
    if (list.length < 2) continue;
    const rates = list.map((x) => x.photosPerSecond);
    cfg.io.out(
      `${name.padEnd(18)} workers ${w}: median ${
        median(rates).toFixed(1)
      } photos/s over ${rates.length} runs ` +
        `(${Math.min(...rates)} to ${Math.max(...rates)})`,
    );
  }
}
/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(THROUGHPUT_COMMAND, args, io, async (v, io) => {
    const cfg: Config = {
      batchSize: v.batch,
      tiling: v.tiles,
      workerCounts: v.workers.length ? v.workers : [1, cores],
      repeat: v.repeat,
      rows: [],
      io,
    };
    const lfw = v.lfw > 0 ? await lfwOrSkip() : undefined;
    if (lfw) {
      const src = firstN(new LocalFolderSource(`${lfw}/images_deepfunneled`), v.lfw);
      // Warm the page cache so that the first configuration does not pay for disk reads alone.
      for await (const r of src.list()) await src.read(r);
      await measureAll("lfw 250x250", src, cfg);
    }
    if (v.large > 0) {
      const dir = await largePhotos(v.large);
      const src = firstN(new LocalFolderSource(dir), v.large);
      await measureAll("large 3000x2000", src, cfg);
    }
    const result = {
      date: new Date().toISOString(),
      cores,
      batchSize: v.batch ?? "the analyser's default",
      tiling: v.tiles,
      repeat: v.repeat,
      vmHwmMiB: vmHwmMiB(),
      rows: cfg.rows,
    };
    await Deno.mkdir(v.out.slice(0, v.out.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(v.out, JSON.stringify(result, null, 2));
    io.out(`process peak memory (VmHWM) ${result.vmHwmMiB.toFixed(0)} MiB; written ${v.out}`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
