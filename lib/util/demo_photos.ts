/**
 * The six demo group photos shipped in the npm package `@vladmandic/face-api@1.7.15`, fetched
 * with `npm pack` on first use and checked by sha256; used by `deno task demo` and by tests.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { cacheDir } from "./cache_dir.ts";
import { sha256Hex } from "./hash.ts";
import { npmPackFiles } from "./npm_pack.ts";

/** The demo photos and their checksums. */
export const DEMO_PACKAGE = "@vladmandic/face-api@1.7.15";
/** File name -> sha256 of the six demo photos. */
export const DEMO_PHOTOS: Record<string, string> = {
  "sample1.jpg": "8ecae4b267b2d3169e06e00c7dee97097aa2a94635d45216f7732a5f4943cb51",
  "sample2.jpg": "7d2b60ae6f13bf30f422e04df87451081a02c83de469056f25afb44b7000c691",
  "sample3.jpg": "8eb081c9efb14370fa94d9feab9e5fbeafd19a627491853a80c2bf67f7ffa936",
  "sample4.jpg": "729efa5923061d40eb4ed5f267a18cc7b8ba6f852bb2757b16d8b7e4937476fc",
  "sample5.jpg": "6d45095ebb182d8f975c0790e0e4eefd86fbb40609cf4b271776d92e12662938",
  "sample6.jpg": "9baad80f9d5e306fb9b8c0913d44445f1e95848df317530efb03d0934c57ba87",
};

/**
 * Makes sure the demo photos are in `dir` (fetching and verifying them once); returns `dir`.
 * `log` gets one line when they are fetched.
 */
export async function ensureDemoPhotos(
  dir = `${cacheDir()}/demo-photos`,
  log: (line: string) => void = (l) => console.error(l),
): Promise<string> {
  const missing: string[] = [];
  for (const [name, sha] of Object.entries(DEMO_PHOTOS)) {
    try {
      if (await sha256Hex(await Deno.readFile(`${dir}/${name}`)) === sha) continue;
    } catch { /* missing */ }
    missing.push(name);
  }
  if (missing.length === 0) return dir;
  log(`fetching ${missing.length} demo photos from npm package ${DEMO_PACKAGE} ...`);
  const files = await npmPackFiles(DEMO_PACKAGE, missing.map((n) => `package/demo/${n}`));
  await Deno.mkdir(dir, { recursive: true });
  for (const name of missing) {
    const bytes = files.get(`package/demo/${name}`)!;
    const sha = await sha256Hex(bytes);
    if (sha !== DEMO_PHOTOS[name]) {
      throw new ToolkitError(`${DEMO_PACKAGE}: ${name} has sha256 ${sha}, expected ${DEMO_PHOTOS[name]}`);
    }
    const tmp = `${dir}/${name}.part`;
    await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, `${dir}/${name}`);
  }
  return dir;
}
