/**
 * Test and benchmark helpers for distributed embedding: a set of real photos in a temporary
 * folder (LFW when ../shared/datasets is here, else the six demo photos), and worker
 * subprocesses whose output lines are collected as they come.
 * @module
 */
import { lfwRoot } from "../../util/lfw_data.ts";
import { ensureDemoPhotos } from "../../util/demo_photos.ts";

/** Copies `n` LFW photos (people in name order, each person's photos in order) into `dir`; false without LFW. */
export async function copyLfwPhotos(dir: string, n: number): Promise<boolean> {
  const root = `${lfwRoot()}/images_deepfunneled`;
  try {
    await Deno.stat(root);
  } catch {
    return false;
  }
  const people = [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  let copied = 0;
  for (const p of people) {
    const files = [...Deno.readDirSync(`${root}/${p}`)].map((e) => e.name).filter((f) => f.endsWith(".jpg"))
      .sort();
    if (files.length < 2) continue; // people seen at least twice: clusters to find
    await Deno.mkdir(`${dir}/${p}`, { recursive: true });
    for (const f of files) {
      await Deno.copyFile(`${root}/${p}/${f}`, `${dir}/${p}/${f}`);
      if (++copied >= n) return true;
    }
  }
  return true;
}

/** Real photos into `dir`: `n` LFW photos when present, else the six demo photos; says which. */
export async function testPhotos(dir: string, n: number): Promise<string> {
  if (await copyLfwPhotos(dir, n)) return `${n} LFW photos`;
  const demo = await ensureDemoPhotos(undefined, () => {});
  for (const e of Deno.readDirSync(demo)) await Deno.copyFile(`${demo}/${e.name}`, `${dir}/${e.name}`);
  return "the six demo photos (LFW not found)";
}

/** A worker subprocess and its output so far. */
export interface WorkerProcess {
  /** Lines of stdout so far. */
  lines: string[];
  /** When each line came (ms since the epoch). */
  times: number[];
  /** Text of stderr so far. */
  stderr(): string;
  /** Resolves once a stdout line matches. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  /** Sends a signal. */
  kill(signal: Deno.Signal): void;
  /** Its exit status. */
  status: Promise<Deno.CommandStatus>;
}

/** Starts `deno run -A lib/distributed/worker.ts <args>` from the repository root. */
export function startWorker(args: string[], env: Record<string, string> = {}): WorkerProcess {
  const child = new Deno.Command("deno", {
    args: ["run", "-A", "--no-check", new URL("../worker.ts", import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).spawn();
  const lines: string[] = [];
  const times: number[] = [];
  let err = "";
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const pump = async () => {
    let buf = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        times.push(Date.now());
        for (const w of waiters.splice(0)) {
          if (w.re.test(line)) w.resolve(line);
          else waiters.push(w);
        }
      }
    }
  };
  const pumpErr = async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
  };
  const pumped = Promise.all([pump(), pumpErr()]);
  return {
    lines,
    times,
    stderr: () => err,
    waitFor(re, ms = 60_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line ${re} within ${ms} ms; stderr: ${err}`)),
          ms,
        );
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
    kill: (s) => child.kill(s),
    status: child.status.then(async (s) => (await pumped, s)),
  };
}
