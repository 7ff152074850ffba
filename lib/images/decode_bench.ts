/**
 * Decode time per format on a generated sample: one photo (the first demo photo, or `--photo`)
 * stretched to 3000x2000 and 250x250 and written as JPEG, PNG, BMP (24-bit) and HEIC (where
 * `heif-enc` is installed), then decoded with {@link decodeImage} as the pipeline does
 * (`maxSide` 1280), median of `--runs` runs (default 7) after one warm-up.
 *
 * Usage: `deno run -A lib/images/decode_bench.ts [--photo p.jpg] [--runs 7]`
 * @module
 */
import { parseArgs } from "node:util";
import sharp from "sharp";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { median } from "../util/median.ts";
import { writeBmp } from "./bmp_testing.ts";
import { decodeImage } from "./decode.ts";

const { values } = parseArgs({
  options: { photo: { type: "string" }, runs: { type: "string", default: "7" } },
});
const runs = Math.max(1, Number(values.runs));
const photo = values.photo ?? `${await ensureDemoPhotos()}/sample1.jpg`;
const tmp = await Deno.makeTempDir({ prefix: "facegroup-decode-bench-" });
try {
  console.log(`photo ${photo}, ${runs} runs each, decodeImage with maxSide 1280 (ms, median)`);
  for (const [w, h] of [[250, 250], [3000, 2000]]) {
    const base = sharp(photo).resize(w, h, { fit: "fill" });
    const rgba = await base.clone().ensureAlpha().raw().toBuffer();
    const files: Record<string, Uint8Array> = {
      jpeg: new Uint8Array(await base.clone().jpeg({ quality: 90 }).toBuffer()),
      png: new Uint8Array(await base.clone().png().toBuffer()),
      bmp: writeBmp(new Uint8Array(rgba), w, h, { bpp: 24 }),
    };
    await Deno.writeFile(`${tmp}/s.png`, files.png);
    try {
      const enc = await new Deno.Command("heif-enc", {
        args: ["-q", "85", `${tmp}/s.png`, "-o", `${tmp}/s.heic`],
        stdout: "null",
        stderr: "null",
      }).output();
      if (enc.success) files.heic = await Deno.readFile(`${tmp}/s.heic`);
    } catch {
      console.log("heif-enc is missing: no HEIC sample");
    }
    for (const [fmt, bytes] of Object.entries(files)) {
      await decodeImage(bytes, { maxSide: 1280 });
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await decodeImage(bytes, { maxSide: 1280 });
        ms.push(performance.now() - t);
      }
      const kib = (bytes.length / 1024).toFixed(0);
      console.log(
        `${w}x${h} ${fmt.padEnd(4)} ${kib.padStart(6)} KiB  ${median(ms).toFixed(1).padStart(7)} ms`,
      );
    }
  }
} finally {
  await Deno.remove(tmp, { recursive: true });
}
