/**
 * A worker that decodes photos and runs the face stage on them, so that several photos are
 * analysed at once on several cores. Started by {@link AnalyzePool}; speaks the messages of
 * ./pool_messages.ts.
 * @module
 */
import sharp from "sharp";
import { errorMessage, ToolkitError } from "../errors.ts";
import { FaceAnalyzer } from "../faces/analyzer.ts";
import { decodeImage } from "../images/decode.ts";
import type { FromWorker, ToWorker } from "./pool_messages.ts";

// One libvips thread per worker: the workers themselves are the parallelism.
sharp.concurrency(1);

const scope = self as unknown as Worker;
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);
let analyzer: FaceAnalyzer | undefined;
let serial = true;
let queue: Promise<void> = Promise.resolve();

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  // On the CPU, jobs run one after another: a queued job starts the moment the last one ends,
  // and two inferences never share this worker's core. On a GPU they overlap to fill batches.
  if (m.type === "job" && serial) queue = queue.then(() => handle(m));
  else void handle(m);
};

async function handle(m: ToWorker): Promise<void> {
  if (m.type === "init") {
    serial = (m.options.device ?? "cpu") === "cpu";
    try {
      analyzer = await FaceAnalyzer.create({ ...m.options, log: (line) => post({ type: "log", line }) });
      post({ type: "ready", modelIds: analyzer.modelIds, dim: analyzer.dim, provider: analyzer.provider });
    } catch (err) {
      post({ type: "fatal", message: errorMessage(err) });
    }
    return;
  }
  if (m.type === "close") {
    // After the jobs already queued (on the CPU they run in order).
    await queue;
    await analyzer?.release().catch(() => {});
    analyzer = undefined;
    post({ type: "closed" });
    return;
  }
  if (m.type !== "job") return;
  if (!analyzer) {
    post({ type: "error", id: m.id, stage: "detect", message: "worker not initialised" });
    return;
  }
  const t0 = performance.now();
  let img;
  try {
    img = await decodeImage(m.bytes, { name: m.name, maxPixels: m.maxPixels, maxSide: m.maxSide });
  } catch (err) {
    post({ type: "error", id: m.id, stage: "decode", message: errorMessage(err) });
    return;
  }
  const decodeMs = performance.now() - t0;
  try {
    const before = { ...analyzer.times };
    const faces = await analyzer.analyze(
      img,
      () => decodeImage(m.bytes, { name: m.name, maxPixels: m.maxPixels }),
      m.name,
    );
    const times = {
      decode: decodeMs + analyzer.times.decode - before.decode,
      detect: analyzer.times.detect - before.detect,
      landmarks: analyzer.times.landmarks - before.landmarks,
      align: analyzer.times.align - before.align,
      embed: analyzer.times.embed - before.embed,
    };
    const out = faces.map((f) => ({
      box: f.box,
      score: f.score,
      landmarks: Array.from(f.landmarks),
      embedding: f.embedding,
      thumbnail: f.thumbnail,
      quality: f.quality,
    }));
    post(
      { type: "result", id: m.id, width: img.width, height: img.height, faces: out, times },
      out.flatMap((
        f,
      ) => [f.embedding.buffer as ArrayBuffer, ...(f.thumbnail ? [f.thumbnail.buffer as ArrayBuffer] : [])]),
    );
  } catch (err) {
    const stage = err instanceof ToolkitError && /embedder/.test(err.message) ? "embed" : "detect";
    post({ type: "error", id: m.id, stage, message: errorMessage(err) });
  }
}
