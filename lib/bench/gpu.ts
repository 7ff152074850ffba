/**
 * `deno task bench:gpu`: the embedder alone at batch sizes 1 to 256 (faces/s, ms per batch, GPU
 * memory), photos/s end to end, and whether the device's embeddings are the CPU's (cosine per
 * face, on LFW crops and through the whole analyser), on `--device cpu|cuda|tensorrt|auto`.
 * For the CUDA provider run it in the GPU environment of `deno task gpu:assemble`:
 * `deno run -A --config .cache/gpu/env/deno.json lib/bench/gpu.ts --device cuda`.
 * @module
 */
import { join } from "node:path";
import { runCommand } from "../flags/command.ts";
import type { CommandIo, Io } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { ToolkitError } from "../errors.ts";
import { alignFace } from "../faces/embedder.ts";
import { FaceAnalyzer } from "../faces/analyzer.ts";
import { iou } from "../faces/nms.ts";
import { toTensorData } from "../models/preprocess.ts";
import { decodeImage, type RgbImage } from "../images/decode.ts";
import { loadCatalogue, type ModelSpec, pipelineModels } from "../models/catalogue.ts";
import { ensureModels } from "../models/fetch.ts";
import { createSession, type Device, type ModelSession, Tensor } from "../models/session.ts";
import { embedPhotos } from "../pipeline/embed_photos.ts";
import { LocalFolderSource } from "../sources/local.ts";
import type { ImageRef, ImageSource } from "../sources/types.ts";
import { type Agreement, agreement, gpuMemoryUsedMiB, powersOfTwo, timeRepeated } from "../gpu/measure.ts";
import { lfwRoot } from "../util/lfw_data.ts";

const cores = navigator.hardwareConcurrency ?? 1;

/** The flags of `deno task bench:gpu`. */
export const GPU_BENCH_COMMAND = defineCommand({
  name: "deno task bench:gpu",
  summary: "Benchmark: embedder faces/s at batch sizes 1 to 256 and photos/s end to end on a device (cpu, " +
    "cuda), GPU memory, and the GPU-vs-CPU cosine per face on LFW",
  flags: {
    device: {
      type: "enum",
      choices: ["auto", "cpu", "cuda", "tensorrt"],
      default: "auto",
      help: "where to run (auto: CUDA, else the CPU, saying why in one line)",
    },
    batches: {
      type: "list",
      item: "integer",
      min: 1,
      placeholder: "a,b",
      defaultText: "1,2,4,...,256",
      help: "embedder batch sizes to time",
    },
    seconds: {
      type: "number",
      min: 0,
      default: 2,
      placeholder: "s",
      help: "timed seconds per batch size (at least 3 runs)",
    },
    crops: {
      type: "integer",
      min: 1,
      default: 64,
      placeholder: "n",
      help:
        "LFW photos whose aligned crops feed the timing and the cosine check (synthetic crops without LFW)",
    },
    photos: {
      type: "integer",
      min: 0,
      default: 2000,
      placeholder: "n",
      help: "LFW photos end to end (0 to skip)",
    },
    workers: {
      type: "list",
      item: "integer",
      min: 0,
      placeholder: "a,b",
      defaultText: `${cores} (one per core)`,
      help: "face worker counts end to end",
    },
    "e2e-batch": {
      type: "integer",
      min: 1,
      default: 32,
      placeholder: "n",
      help: "embedder batch size end to end",
    },
    compare: {
      type: "integer",
      min: 0,
      default: 100,
      placeholder: "n",
      help: "LFW photos analysed on the device and on the CPU for the per-face cosine (0 to skip)",
    },
    data: { type: "path", placeholder: "dir", defaultText: "../shared/datasets/lfw", help: "the LFW folder" },
    out: { type: "path", default: "reports/bench/gpu.json", placeholder: "file", help: "JSON result" },
  },
  epilog: "Figures are only the device's when the line 'provider:' says cuda (auto falls back to the CPU). " +
    "GPU memory comes from nvidia-smi (whole GPU, all processes) where it is installed.",
});

/** The first `n` images of a folder, in the folder's order. */
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

/** LFW photo paths (sorted), or undefined with a line saying why. */
function lfwPhotos(data: string | undefined, n: number, io: Io): string[] | undefined {
  const root = join(lfwRoot(data), "images_deepfunneled");
  const out: string[] = [];
  try {
    const people = [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) => e.name).sort();
    for (const p of people) {
      for (const f of [...Deno.readDirSync(join(root, p))].map((e) => e.name).sort()) {
        if (f.endsWith(".jpg")) out.push(join(root, p, f));
        if (out.length >= n) return out;
      }
    }
  } catch {
    io.out(`LFW not found at ${root} (see ../shared/datasets/README.md): synthetic crops, no end-to-end run`);
    return undefined;
  }
  return out;
}

/** A deterministic smooth synthetic 112x112 "face" (for timing where LFW is absent). */
function syntheticCrop(size: number, seed: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = 128 + 100 * Math.sin((x + seed * 7) / 9) * Math.cos((y - seed * 3) / 11);
      const o = (y * size + x) * 3;
      data[o] = v;
      data[o + 1] = (v + seed * 13) & 255;
      data[o + 2] = 255 - v;
    }
  }
  return { data, width: size, height: size };
}

/** Aligned crops of the faces of `photos`, found by a CPU analyser. */
async function lfwCrops(photos: string[], cpu: FaceAnalyzer, size: number): Promise<RgbImage[]> {
  const crops: RgbImage[] = [];
  for (const p of photos) {
    const img = await decodeImage(await Deno.readFile(p), { name: p });
    for (const f of await cpu.analyze(img, undefined, p)) crops.push(alignFace(img, f.landmarks, size));
  }
  return crops;
}

/** Runs the embedder session on `n` crops (cycling) as one batch; returns the raw outputs. */
function batchInput(crops: RgbImage[], n: number, spec: ModelSpec): Float32Array {
  const { width, height } = spec.input;
  const per = 3 * width * height;
  const data = new Float32Array(n * per);
  for (let i = 0; i < n; i++) {
    toTensorData(crops[i % crops.length].data, width, height, spec.input, data, i * per);
  }
  return data;
}

async function runBatch(
  s: ModelSession,
  data: Float32Array,
  n: number,
  spec: ModelSpec,
): Promise<Float32Array> {
  const { width, height } = spec.input;
  const res = await s.session.run({
    [s.session.inputNames[0]]: new Tensor("float32", data, [n, 3, height, width]),
  });
  return res[s.session.outputNames[0]].data as Float32Array;
}

/** Embeds every crop in batches of `batch` on `s`; rows in crop order (not normalised). */
async function embedAll(
  s: ModelSession,
  crops: RgbImage[],
  spec: ModelSpec,
  batch: number,
): Promise<Float32Array> {
  const dim = Number((spec.output as { dim: number }).dim);
  const out = new Float32Array(crops.length * dim);
  for (let i = 0; i < crops.length; i += batch) {
    const part = crops.slice(i, i + batch);
    out.set(
      (await runBatch(s, batchInput(part, part.length, spec), part.length, spec)).subarray(
        0,
        part.length * dim,
      ),
      i * dim,
    );
  }
  return out;
}

/** Faces of the same photo on two analysers, paired by order when their boxes overlap (IoU >= 0.5). */
async function compareAnalysers(
  photos: string[],
  dev: FaceAnalyzer,
  cpu: FaceAnalyzer,
): Promise<{ agreement: Agreement; unpaired: number; worst?: string }> {
  const a: Float32Array[] = [], b: Float32Array[] = [];
  let unpaired = 0, worst: string | undefined, worstCos = Infinity;
  for (const p of photos) {
    const img = await decodeImage(await Deno.readFile(p), { name: p });
    const fd = await dev.analyze(img, undefined, p);
    const fc = await cpu.analyze(img, undefined, p);
    const n = Math.min(fd.length, fc.length);
    unpaired += Math.max(fd.length, fc.length) - n;
    for (let i = 0; i < n; i++) {
      const d = { box: fd[i].box, score: fd[i].score }, c = { box: fc[i].box, score: fc[i].score };
      if (iou(d, c) < 0.5) {
        unpaired++;
        continue;
      }
      a.push(fd[i].embedding);
      b.push(fc[i].embedding);
      const one = agreement(fd[i].embedding, fc[i].embedding, fd[i].embedding.length);
      if (one.min < worstCos) [worstCos, worst] = [one.min, `${p} face ${i}`];
    }
  }
  const dim = a[0]?.length ?? 1;
  const cat = (xs: Float32Array[]) => {
    const o = new Float32Array(xs.length * dim);
    xs.forEach((x, i) => o.set(x, i * dim));
    return o;
  };
  return { agreement: agreement(cat(a), cat(b), dim), unpaired, worst };
}

function fmtAgreement(r: Agreement): string {
  return `${r.faces} faces, cosine min ${r.min.toFixed(6)}, mean ${
    r.mean.toFixed(6)
  }, ${r.below} below ${r.threshold}`;
}

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(GPU_BENCH_COMMAND, args, io, async (v, io) => {
    const device = v.device as Device;
    const batches = v.batches.length ? v.batches : powersOfTwo(256);
    const cat = await loadCatalogue();
    const specs = pipelineModels(cat, "default");
    const paths = await ensureModels([
      specs.detector,
      ...(specs.landmarks ? [specs.landmarks] : []),
      specs.embedder,
    ], {
      log: io.out,
    });
    const embPath = paths.get(specs.embedder.id)!;
    const result: Record<string, unknown> = { date: new Date().toISOString(), cores, requested: device };
    const memIdle = await gpuMemoryUsedMiB();
    result.gpuMemoryIdleMiB = memIdle ?? null;

    // The device's embedder, and a CPU one for the reference.
    const dev = await createSession(embPath, { device, log: io.out });
    io.out(`provider: ${dev.provider} (requested ${device})`);
    result.provider = dev.provider;
    const cpuEmb = dev.provider === "cpu" ? dev : await createSession(embPath, { device: "cpu" });
    const cpuAnalyzer = await FaceAnalyzer.create({ device: "cpu", batchSize: 32, thumbnailSize: 0 });
    try {
      const photos = lfwPhotos(v.data, Math.max(v.crops, v.compare, v.photos), io);
      const size = specs.embedder.input.width;
      const crops = photos
        ? await lfwCrops(photos.slice(0, v.crops), cpuAnalyzer, size)
        : Array.from({ length: 64 }, (_, i) => syntheticCrop(size, i));
      if (crops.length === 0) throw new ToolkitError("no face found in the LFW photos used for crops");
      io.out(
        `${crops.length} aligned crops (${
          photos ? `from ${Math.min(v.crops, photos.length)} LFW photos` : "synthetic"
        })`,
      );
      result.crops = { count: crops.length, from: photos ? "lfw" : "synthetic" };

      // 1. The embedder alone: one session.run per batch, input prepared beforehand.
      const rows = [];
      let peak = memIdle;
      for (const b of batches) {
        const data = batchInput(crops, b, specs.embedder);
        const t = await timeRepeated(() => runBatch(dev, data, b, specs.embedder), { minSeconds: v.seconds });
        const mem = await gpuMemoryUsedMiB();
        if (mem !== undefined) peak = Math.max(peak ?? 0, mem);
        const row = {
          batch: b,
          iterations: t.iterations,
          medianMsPerBatch: +t.medianMs.toFixed(3),
          facesPerSecond: +(b * 1000 / t.medianMs).toFixed(1),
          gpuMemoryUsedMiB: mem ?? null,
        };
        rows.push(row);
        io.out(
          `embedder batch ${
            String(b).padStart(3)
          }: ${row.facesPerSecond} faces/s (${row.medianMsPerBatch} ms/batch, ` +
            `${t.iterations} runs)${mem !== undefined ? `, GPU memory ${mem} MiB` : ""}`,
        );
      }
      result.embedder = rows;
      result.gpuMemoryPeakMiB = peak ?? null;

      // 2. Same crops, device vs CPU, per face.
      const dim = Number((specs.embedder.output as { dim: number }).dim);
      const crossBatch = Math.min(32, crops.length);
      const onDev = await embedAll(dev, crops, specs.embedder, crossBatch);
      const onCpu = await embedAll(cpuEmb, crops, specs.embedder, crossBatch);
      const cropAgreement = agreement(onDev, onCpu, dim);
      io.out(`embedder ${dev.provider} vs cpu on the same crops: ${fmtAgreement(cropAgreement)}`);
      result.cropAgreement = cropAgreement;

      // 3. Whole analyser (detector, landmarks, embedder) on the device vs the CPU.
      if (photos && v.compare > 0) {
        const devAnalyzer = await FaceAnalyzer.create({
          device,
          batchSize: 32,
          thumbnailSize: 0,
          log: io.out,
        });
        try {
          const r = await compareAnalysers(photos.slice(0, v.compare), devAnalyzer, cpuAnalyzer);
          io.out(
            `analyser ${devAnalyzer.provider} vs cpu on ${Math.min(v.compare, photos.length)} LFW photos: ` +
              `${fmtAgreement(r.agreement)}; ${r.unpaired} faces unpaired; lowest: ${r.worst ?? "-"}`,
          );
          result.analyserAgreement = { ...r.agreement, unpaired: r.unpaired, lowest: r.worst ?? null };
        } finally {
          await devAnalyzer.release();
        }
      }

      // 4. End to end: read, hash, decode, detect, landmarks, align, embed, store.
      const e2e = [];
      if (photos && v.photos > 0) {
        const root = join(lfwRoot(v.data), "images_deepfunneled");
        const src = firstN(new LocalFolderSource(root), v.photos);
        for await (const r of src.list()) await src.read(r); // page cache
        for (const workers of v.workers.length ? v.workers : [cores]) {
          const store = await Deno.makeTempDir({ prefix: "gpu-bench-store-" });
          let memPeak = memIdle;
          let sampling = true;
          const sampler = (async () => {
            while (sampling) {
              const m = await gpuMemoryUsedMiB();
              if (m === undefined) return;
              memPeak = Math.max(memPeak ?? 0, m);
              await new Promise((r) => setTimeout(r, 500));
            }
          })();
          const t0 = performance.now();
          try {
            const res = await embedPhotos(src, {
              storeDir: store,
              workers,
              device,
              batchSize: v["e2e-batch"],
              progress: false,
              log: () => {},
            });
            const wall = (performance.now() - t0) / 1000;
            const faces = res.photos.reduce((n, p) => n + (p.record?.faces.length ?? 0), 0);
            const stages = Object.fromEntries(
              Object.entries(res.timings).filter(([k]) => !["total", "list"].includes(k)).map((
                [k, s],
              ) => [k, +s.toFixed(2)]),
            );
            const row = {
              workers,
              provider: res.provider,
              photos: res.photos.length,
              faces,
              seconds: +wall.toFixed(2),
              photosPerSecond: +(res.photos.length / wall).toFixed(1),
              facesPerSecond: +(faces / wall).toFixed(1),
              stageSeconds: stages,
              gpuMemoryPeakMiB: memPeak ?? null,
            };
            e2e.push(row);
            io.out(
              `end to end, ${workers} workers on ${res.provider}: ${row.photos} photos (${faces} faces) in ${row.seconds}s = ` +
                `${row.photosPerSecond} photos/s; stage seconds summed over workers: ${
                  Object.entries(stages).map(([k, s]) => `${k} ${s}`).join(", ")
                }${memPeak !== undefined ? `; GPU memory peak ${memPeak} MiB` : ""}`,
            );
          } finally {
            sampling = false;
            await sampler;
            await Deno.remove(store, { recursive: true });
          }
        }
      }
      result.endToEnd = e2e;
    } finally {
      await cpuAnalyzer.release();
      await dev.session.release();
      if (cpuEmb !== dev) await cpuEmb.session.release();
    }
    await Deno.mkdir(v.out.slice(0, v.out.lastIndexOf("/")) || ".", { recursive: true });
    await Deno.writeTextFile(v.out, JSON.stringify(result, null, 2) + "\n");
    io.out(`written ${v.out}`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
