/**
 * Synthetic run reports with solid-colour thumbnails, for tests and for looking at the report.
 * Run `deno run -A lib/report/_testing/sample.ts OUT_DIR [FACES] [CLUSTERS]` to write one.
 * @module
 */
import { Buffer } from "node:buffer";
import sharp from "sharp";
import { writeRunReport } from "../run/run_report.ts";
import type { ReportFace, RunReport } from "../../run/types.ts";
import { runCommand } from "../../flags/command.ts";
import type { CommandIo } from "../../flags/io.ts";
import { defineCommand } from "../../flags/types.ts";

/** A `size`x`size` JPEG of one colour. */
export async function solidJpeg(r: number, g: number, b: number, size = 96): Promise<Uint8Array> {
  const buf: Buffer = await sharp({
    create: { width: size, height: size, channels: 3, background: { r, g, b } },
  })
    .jpeg({ quality: 90 })
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** `n` distinct, well separated colours (hues around the circle). */
export function palette(n: number): [number, number, number][] {
  return Array.from({ length: n }, (_, i) => {
    const h = (i / n) * 6;
    const x = Math.round(255 * (1 - Math.abs((h % 2) - 1)));
    const k = Math.floor(h) % 6;
    const rgb: [number, number, number][] = [
      [255, x, 0],
      [x, 255, 0],
      [0, 255, x],
      [0, x, 255],
      [x, 0, 255],
      [
        255,
        0,
        x,
      ],
    ];
    return rgb[k];
  });
}

/** Shape of a synthetic report. */
export interface SampleOptions {
  /** Faces in all (default 40). */
  faces?: number;
  /** Clusters (default 6); sizes fall off like 1/rank. */
  clusters?: number;
  /** Fraction of faces left unassigned (default 0.1). */
  unassignedFraction?: number;
  /** Photos with no face (default 3). */
  noFace?: number;
  /** Errors (default 2). */
  errors?: number;
  /** Give every other face a web URL (default true). */
  webUrls?: boolean;
  /** Drop the thumbnail of every n-th face (default 0: keep all). */
  missingEvery?: number;
}

/**
 * A deterministic synthetic report: faces spread over clusters (largest first by id),
 * thumbnails coloured per cluster (grey-blue for unassigned), a few photos with two faces.
 */
export async function sampleReport(opts: SampleOptions = {}): Promise<RunReport> {
  const nFaces = opts.faces ?? 40;
  const nClusters = opts.clusters ?? 6;
  const colours = await Promise.all(
    palette(Math.max(1, Math.min(nClusters, 24))).map((c) => solidJpeg(...c)),
  );
  const noCluster = await solidJpeg(90, 110, 140);
  const nUnassigned = Math.round(nFaces * (opts.unassignedFraction ?? 0.1));
  const nAssigned = nFaces - nUnassigned;
  const faces: ReportFace[] = [];
  // Cluster c gets weight 1/(c+1); every cluster gets at least one face.
  const weights = Array.from({ length: nClusters }, (_, c) => 1 / (c + 1));
  const wsum = weights.reduce((s, w) => s + w, 0);
  const sizes = weights.map((w) => Math.max(1, Math.floor((w / wsum) * (nAssigned - nClusters)) + 1));
  let extra = nAssigned - sizes.reduce((s, n) => s + n, 0);
  for (let c = 0; extra > 0; c = (c + 1) % nClusters, extra--) sizes[c]++;
  let i = 0;
  const add = (cluster: number) => {
    const photo = Math.floor(i / 2) * 2 === i && i % 7 === 0 ? i + 1 : i; // some photos hold two faces
    const missing = opts.missingEvery ? i % opts.missingEvery === opts.missingEvery - 1 : false;
    faces.push({
      path: `people/photo_${String(photo).padStart(5, "0")}.jpg`,
      face: photo === i ? 0 : 1,
      box: { x: 10 + i % 50, y: 20.4, w: 80.6, h: 96 },
      score: 0.9 + (i % 10) / 100,
      cluster,
      thumbnail: missing ? undefined : cluster < 0 ? noCluster : colours[cluster % colours.length],
      webUrl: (opts.webUrls ?? true) && i % 2 === 0
        ? `https://drive.example.test/file/d/${i}/view`
        : undefined,
    });
    i++;
  };
  for (let c = 0; c < nClusters; c++) for (let k = 0; k < sizes[c]; k++) add(c);
  for (let k = 0; k < nUnassigned; k++) add(-1);
  return {
    title: "Sample run",
    source: "folder /data/sample-photos",
    models: ["detector: scrfd_10g_bnkps", "embedder: arcface_r100"],
    createdAt: "2025-01-01T12:00:00Z",
    method: "agglomerative",
    params: { threshold: 0.42, linkage: "average", minClusterSize: 1 },
    images: nFaces + (opts.noFace ?? 3) + (opts.errors ?? 2),
    faces,
    noFace: Array.from({ length: opts.noFace ?? 3 }, (_, k) => ({ path: `landscapes/view_${k}.jpg` })),
    errors: Array.from({ length: opts.errors ?? 2 }, (_, k) => ({
      path: `broken/file_${k}.jpg`,
      stage: "decode",
      message: "Input buffer contains unsupported image format",
    })),
    timings: { list: 0.12, decode: 14.3, detect: 61.8, embed: 40.2, cluster: 0.9 },
  };
}

/** The arguments of `deno run -A lib/report/_testing/sample.ts`. */
export const SAMPLE_COMMAND = defineCommand({
  name: "deno run -A lib/report/_testing/sample.ts",
  summary: "Write a sample run report (with hostile file names) to measure and inspect the report pages",
  flags: {},
  positionals: {
    out: { type: "path", required: true, placeholder: "dir", help: "output folder" },
    faces: { type: "integer", min: 1, defaultText: "the sample's", help: "faces" },
    clusters: { type: "integer", min: 1, defaultText: "the sample's", help: "clusters" },
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(SAMPLE_COMMAND, args, io, async (v, io) => {
    const { out, faces, clusters } = v;
    const report = await sampleReport({
      faces,
      clusters,
      missingEvery: 13,
    });
    report.faces[0].path = `<img src=x onerror=alert(1)>.jpg`;
    report.noFace.push({ path: `"quotes" & 'apostrophes'.jpg`, webUrl: "javascript:alert(1)" });
    const t0 = performance.now();
    const { files } = await writeRunReport(out, report);
    io.out(
      `${files.length} files in ${((performance.now() - t0) / 1000).toFixed(2)} s → ${out}/index.html`,
    );
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
