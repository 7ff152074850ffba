/**
 * Test helper: a throw-away Redis server on this machine (Debian's `redis-server`) on a free
 * port of 127.0.0.1, persisting to an append-only file in a temporary folder (fsync on every
 * write), so that {@link TestRedis.restart} brings the queue back as it was, like a production
 * Redis with AOF. {@link findRedis} says whether the binary is here.
 * @module
 */
import { freePort } from "../store/postgres/test_server.ts";

/** A running test server. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** Stops it (SIGTERM: it writes its file) and starts it again on the same port and folder. */
  restart(downMs?: number): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

/** The `redis-server` binary, or undefined when Redis is not installed. */
export function findRedis(): string | undefined {
  for (const d of [...(Deno.env.get("PATH") ?? "").split(":"), "/usr/bin", "/usr/sbin"]) {
    try {
      Deno.statSync(`${d}/redis-server`);
      return `${d}/redis-server`;
    } catch { /* next */ }
  }
  return undefined;
}

async function waitPort(port: number, up: boolean, ms = 15_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    let open = false;
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      c.close();
      open = true;
    } catch { /* closed */ }
    if (open === up) return;
    if (Date.now() - start > ms) throw new Error(`redis on port ${port} did not ${up ? "start" : "stop"}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a fresh server. */
export async function startTestRedis(): Promise<TestRedis> {
  const bin = findRedis();
  if (!bin) throw new Error("redis-server not found");
  const dir = await Deno.makeTempDir({ prefix: "facegroup-redis-" });
  const port = freePort();
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    "yes",
    "--appendfsync",
    "always",
    "--daemonize",
    "no",
    "--loglevel",
    "warning",
  ];
  const spawn = () => new Deno.Command(bin, { args, stdout: "null", stderr: "null" }).spawn();
  let child = spawn();
  await waitPort(port, true);
  const halt = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    await waitPort(port, false);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs = 1000) {
      await halt();
      await new Promise((r) => setTimeout(r, downMs));
      child = spawn();
      await waitPort(port, true);
    },
    async stop() {
      await halt();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
