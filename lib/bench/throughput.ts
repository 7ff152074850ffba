/**
 * `deno task bench:throughput`: photos per second through the face stage (read, hash, decode,
 * detect, landmarks, align, embed, store), end to end and per stage, with CPU use and peak
 * memory, on LFW (250x250) and on large photos (3000x2000 JPEGs made once by upscaling the
 * demo photos), with 1 face worker and with one per core. Each run uses a new empty store.
 *
 * Flags: --lfw N (LFW photos, default 2000; 0 to skip), --large N (large photos, default 48;
 * 0 to skip), --workers a,b (default "1,<cores>"), --batch N (faces per embedder batch),
 * --tiles auto|off (the detector's tiling, default auto), --repeat N (measure each configuration
 * N times, interleaved, and print the median and range: this machine's speed varies by several
 * percent from run to run; peak RSS is the process's, so only the first run of each is its own),
 * --out FILE (default reports/bench/throughput.json).
 * @module
 */
import process from "node:process";
import sharp from "sharp";
import { parseCli, tilingFlag } from "../cli/args.ts";
import { median } from "../util/median.ts";
import { errorMessage } from "../errors.ts";
import type { TilingMode } from "../faces/types.ts";
import { lfwOrSkip } from "./lfw_data.ts";
import { ensureDemoPhotos } from "../cli/demo.ts";
import { cacheDir } from "../pipeline/cache_dir.ts";
import { embedPhotos } from "../pipeline/embed_photos.ts";
import { LocalFolderSource } from "../sources/local.ts";
import type { ImageRef, ImageSource } from "../sources/types.ts";

const cores = navigator.hardwareConcurrency ?? 1;
const v = parseCli(
  Deno.args,
  {
    lfw: { type: "string" },
    large: { type: "string" },
    workers: { type: "string" },
    batch: { type: "string" },
    tiles: { type: "string" },
    repeat: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean" },
  },
  "usage: deno task bench:throughput [--lfw N] [--large N] [--workers 1,2] [--batch N] [--tiles auto|off] [--repeat N] [--out FILE]",
);
const lfwCount = Number(v.lfw ?? 2000);
const largeCount = Number(v.large ?? 48);
const workerCounts = (v.workers ?? `1,${cores}`).split(",").map(Number);
const batchSize = v.batch ? Number(v.batch) : undefined;
let tiling: TilingMode | undefined;
try {
  tiling = tilingFlag(v.tiles);
} catch (e) {
  console.error(`error: ${errorMessage(e)}`);
  Deno.exit(2);
}
const repeat = Math.max(1, Math.round(Number(v.repeat ?? 1)) || 1);
const outFile = v.out ?? new URL("../../reports/bench/throughput.json", import.meta.url).pathname;

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

async function measure(name: string, source: ImageSource, workers: number) {
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
    console.log(
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
const rows: Row[] = [];
/** Measures each worker count `repeat` times, interleaved; prints median and range when repeated. */
async function measureAll(name: string, source: ImageSource): Promise<void> {
  const runs = new Map<number, Row[]>(workerCounts.map((w) => [w, []]));
  for (let r = 0; r < repeat; r++) {
    for (const w of workerCounts) runs.get(w)!.push(await measure(name, source, w));
  }
  for (const [w, list] of runs) {
    rows.push(...list);
    if (list.length < 2) continue;
    const rates = list.map((x) => x.photosPerSecond);
    console.log(
      `${name.padEnd(18)} workers ${w}: median ${
        median(rates).toFixed(1)
      } photos/s over ${rates.length} runs ` +
        `(${Math.min(...rates)} to ${Math.max(...rates)})`,
    );
  }
}
const lfw = lfwCount > 0 ? await lfwOrSkip() : undefined;
if (lfw) {
  const src = firstN(new LocalFolderSource(`${lfw}/images_deepfunneled`), lfwCount);
  // Warm the page cache so that the first configuration does not pay for disk reads alone.
  for await (const r of src.list()) await src.read(r);
  await measureAll("lfw 250x250", src);
}
if (largeCount > 0) {
  const dir = await largePhotos(largeCount);
  const src = firstN(new LocalFolderSource(dir), largeCount);
  await measureAll("large 3000x2000", src);
}
const result = {
  date: new Date().toISOString(),
  cores,
  batchSize: batchSize ?? 32,
  tiling: tiling ?? "auto",
  repeat,
  vmHwmMiB: vmHwmMiB(),
  rows,
};
await Deno.mkdir(outFile.slice(0, outFile.lastIndexOf("/")), { recursive: true });
await Deno.writeTextFile(outFile, JSON.stringify(result, null, 2));
console.log(`process peak memory (VmHWM) ${result.vmHwmMiB.toFixed(0)} MiB; written ${outFile}`);
