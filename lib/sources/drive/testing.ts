/**
 * Test helpers for the Drive source: fixture trees in the emulator and an auth client it accepts.
 * @module
 */
import { OAuth2Client } from "google-auth-library";
import { join } from "node:path";
import { seededRandom } from "../../util/random.ts";
import { type DriveEmulator, md5Hex } from "./emulator.ts";

/** An auth client carrying the emulator's default token. */
export function emulatorAuth(token = "test-token"): OAuth2Client {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return auth;
}

/** Seeded random bytes of a seeded random length in [min, max]. */
export function randomBytesOf(random: () => number, min: number, max: number): Uint8Array {
  const n = min + Math.floor(random() * (max - min + 1));
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
  return b;
}

/** An image the fixture put in Drive: where it should land and its checksum. */
export interface FixtureImage {
  /** Drive file id. */
  id: string;
  /** Expected safe relative path. */
  path: string;
  /** Hex MD5 of its content. */
  md5: string;
  /** Content size. */
  size: number;
}

/**
 * Fills `parentId` with `people` folders (`person_000`…), each holding `photos` JPEGs, every
 * third person also a nested `2019/` folder with `nested` more; plus a text file and a trashed
 * photo per person, which must not be listed. Returns the images expected, by id.
 */
export function buildPeopleTree(
  emu: DriveEmulator,
  parentId: string,
  opts: {
    people: number;
    photos: number;
    nested?: number;
    seed?: number;
    minBytes?: number;
    maxBytes?: number;
  },
): Map<string, FixtureImage> {
  const random = seededRandom(opts.seed ?? 3);
  const out = new Map<string, FixtureImage>();
  const add = (folder: string, dir: string, name: string) => {
    const bytes = randomBytesOf(random, opts.minBytes ?? 64, opts.maxBytes ?? 1024);
    const id = emu.addFile(folder, name, bytes);
    out.set(id, { id, path: `${dir}/${name}`, md5: md5Hex(bytes), size: bytes.length });
  };
  for (let p = 0; p < opts.people; p++) {
    const name = `person_${String(p).padStart(3, "0")}`;
    const folder = emu.addFolder(parentId, name);
    for (let i = 0; i < opts.photos; i++) add(folder, name, `img_${String(i).padStart(3, "0")}.jpg`);
    emu.addFile(folder, "notes.txt", new TextEncoder().encode("not an image"));
    emu.addFile(folder, "deleted.jpg", new Uint8Array([1, 2, 3]), { trashed: true });
    if (p % 3 === 0 && (opts.nested ?? 0) > 0) {
      const sub = emu.addFolder(folder, "2019");
      for (let i = 0; i < opts.nested!; i++) add(sub, `${name}/2019`, `old_${i}.png`);
    }
  }
  return out;
}

/** Every regular file under `dir` (relative `/` paths), skipping the mirror's own folder. */
export async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (rel === ".facegroup-drive") continue;
    if (e.isDirectory) out.push(...await filesUnder(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** Hex MD5 of a file on disk. */
export async function md5OfFile(path: string): Promise<string> {
  return md5Hex(await Deno.readFile(path));
}
