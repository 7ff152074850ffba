/**
 * A first look at a photo source before any face work: how many photos and bytes, by file
 * type and by top-level folder, a seeded sample as small thumbnails, and which files cannot
 * be read or decoded (each probed photo goes through the pipeline's own decoder).
 * @module
 */
import { errorMessage, type FileFailure } from "../errors.ts";
import { decodeImage, encodeJpeg } from "../images/decode.ts";
import type { ImageRef, ImageSource } from "../sources/types.ts";
import { sampleIndices } from "../util/random.ts";
import { Progress } from "../util/progress.ts";

/** Re-exported from `lib/util/random.ts`, where it lives (so that lower folders such as `review` can use it). */
export { sampleIndices };

/** Options of {@link surveySource}. */
export interface SurveyOptions {
  /** Photos shown as thumbnails (default 12). */
  sample?: number;
  /** Photos test-decoded for readability, 0 for all (default 500); the sample is among them. */
  probe?: number;
  /** Seed of the sample (default 1). */
  seed?: number;
  /** Longest thumbnail side in pixels (default 160). */
  thumb?: number;
  /** Photos read at once (default 4). */
  concurrency?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Stops the survey. */
  signal?: AbortSignal;
}

/** A sampled photo. */
export interface SampledPhoto {
  /** The photo. */
  ref: ImageRef;
  /** JPEG thumbnail, when it decoded. */
  thumbnail?: Uint8Array;
  /** Width x height of the (orientation-corrected) photo, when it decoded. */
  size?: [number, number];
}

/** Photos and bytes of one group. */
export interface GroupCount {
  /** Group name: an extension, or a top-level folder (`.` for files at the root). */
  name: string;
  /** Photos. */
  photos: number;
  /** Bytes. */
  bytes: number;
}

/** What {@link surveySource} found. */
export interface SourceSurvey {
  /** The source's description. */
  description: string;
  /** Photos listed. */
  photos: number;
  /** Bytes in all. */
  bytes: number;
  /** By lower-case extension, most photos first. */
  byExtension: GroupCount[];
  /** By top-level folder, most photos first. */
  byFolder: GroupCount[];
  /** Photos with a label (first folder level), when the source gives labels. */
  labelled: number;
  /** The sample, in listing order. */
  sample: SampledPhoto[];
  /** Photos probed. */
  probed: number;
  /** Probed photos that could not be read or decoded. */
  unreadable: FileFailure[];
}

/** Groups refs by `key`, most photos first (ties by name). */
export function countBy(refs: readonly ImageRef[], key: (r: ImageRef) => string): GroupCount[] {
  const m = new Map<string, GroupCount>();
  for (const r of refs) {
    const k = key(r);
    const g = m.get(k) ?? { name: k, photos: 0, bytes: 0 };
    g.photos++;
    g.bytes += r.size;
    m.set(k, g);
  }
  return [...m.values()].sort((a, b) =>
    b.photos - a.photos || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

/** Lower-case extension of a path (`(none)` without one). */
export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "(none)";
}

/** First folder level of a relative path (`.` for a file at the root). */
export function topFolderOf(path: string): string {
  const slash = path.indexOf("/");
  return slash > 0 ? path.slice(0, slash) : ".";
}

/** Lists `source`, counts it, and probes a seeded sample of it (see the module doc). */
export async function surveySource(source: ImageSource, opts: SurveyOptions = {}): Promise<SourceSurvey> {
  const refs: ImageRef[] = [];
  for await (const r of source.list(opts.signal)) refs.push(r);
  const n = refs.length;
  const probeCount = !opts.probe || opts.probe >= n ? n : opts.probe;
  const sampleCount = Math.min(opts.sample ?? 12, probeCount);
  // The first `sampleCount` probed photos (in a seeded order) are the sample.
  const order = sampleIndices(n, probeCount, opts.seed ?? 1);
  const inSample = new Set(order.subarray(0, sampleCount));
  const thumb = opts.thumb ?? 160;
  const sample = new Map<number, SampledPhoto>();
  const unreadable: { i: number; f: FileFailure }[] = [];
  const progress = new Progress("probe", {
    unit: "photos",
    total: probeCount,
    write: opts.log ? (line) => opts.log!(line) : () => {},
  });
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      opts.signal?.throwIfAborted();
      const i = order[next++];
      const ref = refs[i];
      let bytes: Uint8Array;
      try {
        bytes = await source.read(ref, opts.signal);
      } catch (e) {
        unreadable.push({ i, f: { path: ref.path, stage: "read", message: errorMessage(e) } });
        if (inSample.has(i)) sample.set(i, { ref });
        progress.tick();
        continue;
      }
      try {
        const img = await decodeImage(bytes, { name: ref.path, maxSide: thumb });
        if (inSample.has(i)) {
          const s = img.scale ?? 1;
          sample.set(i, {
            ref,
            thumbnail: await encodeJpeg(img, 80),
            size: [Math.round(img.width * s), Math.round(img.height * s)],
          });
        }
      } catch (e) {
        unreadable.push({ i, f: { path: ref.path, stage: "decode", message: errorMessage(e) } });
        if (inSample.has(i)) sample.set(i, { ref });
      }
      progress.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  progress.finish();
  return {
    description: source.description,
    photos: n,
    bytes: refs.reduce((s, r) => s + r.size, 0),
    byExtension: countBy(refs, (r) => extensionOf(r.path)),
    byFolder: countBy(refs, (r) => topFolderOf(r.path)),
    labelled: refs.filter((r) => r.label !== undefined).length,
    sample: [...sample.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s),
    probed: probeCount,
    unreadable: unreadable.sort((a, b) => a.i - b.i).map((u) => u.f),
  };
}
