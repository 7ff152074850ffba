/**
 * Test helper: a throw-away PostgreSQL server on this machine (Debian's `postgresql` package):
 * `initdb` into a temporary folder, `postgres` on a free port of 127.0.0.1 with a password (so
 * that masking is tested), no durability (fsync off: test data). PostgreSQL refuses to run as
 * root, so as root both run as the `postgres` user (`runuser`). {@link findPostgres} says
 * whether the binaries are here (tests skip with a message when not).
 * @module
 */
import postgres from "postgres";

/** A running test server. */
export interface TestPostgres {
  /** URL of its `postgres` database, password included. */
  url: string;
  /** The password. */
  password: string;
  /** The port. */
  port: number;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** Where `initdb` and `postgres` are, or undefined when PostgreSQL is not installed. */
export function findPostgres(): { initdb: string; postgres: string } | undefined {
  const dirs = (Deno.env.get("PATH") ?? "").split(":");
  try {
    for (const v of [...Deno.readDirSync("/usr/lib/postgresql")].map((e) => e.name).sort().reverse()) {
      dirs.push(`/usr/lib/postgresql/${v}/bin`);
    }
  } catch { /* not installed there */ }
  for (const d of dirs) {
    try {
      Deno.statSync(`${d}/initdb`);
      Deno.statSync(`${d}/postgres`);
      return { initdb: `${d}/initdb`, postgres: `${d}/postgres` };
    } catch { /* next */ }
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const isRoot = () => Deno.uid?.() === 0;

/** `cmd args` as the `postgres` user when we are root. */
function asPostgres(cmd: string, args: string[]): { cmd: string; args: string[] } {
  return isRoot() ? { cmd: "runuser", args: ["-u", "postgres", "--", cmd, ...args] } : { cmd, args };
}

/** Starts a fresh server; throws when PostgreSQL is not installed or does not start within 30 s. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bins = findPostgres();
  if (!bins) throw new Error("PostgreSQL binaries (initdb, postgres) not found");
  const base = await Deno.makeTempDir({ prefix: "facegroup-pg-" });
  const password = `pw-${crypto.randomUUID().slice(0, 12)}`;
  await Deno.writeTextFile(`${base}/pw`, password);
  if (isRoot()) {
    const id = new TextDecoder().decode(
      (await new Deno.Command("id", { args: ["-u", "postgres"] }).output()).stdout,
    );
    const gid = new TextDecoder().decode(
      (await new Deno.Command("id", { args: ["-g", "postgres"] }).output()).stdout,
    );
    await Deno.chown(base, Number(id.trim()), Number(gid.trim()));
    await Deno.chown(`${base}/pw`, Number(id.trim()), Number(gid.trim()));
  }
  const init = asPostgres(bins.initdb, [
    "-D",
    `${base}/data`,
    "-U",
    "postgres",
    "--auth=scram-sha-256",
    `--pwfile=${base}/pw`,
    "--no-sync",
    "-E",
    "UTF8",
  ]);
  const out = await new Deno.Command(init.cmd, { args: init.args, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    await Deno.remove(base, { recursive: true }).catch(() => {});
    throw new Error(`initdb failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const port = freePort();
  const run = asPostgres(bins.postgres, [
    "-D",
    `${base}/data`,
    "-p",
    String(port),
    "-k",
    base,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=60",
    "-c",
    "shared_buffers=32MB",
  ]);
  const child = new Deno.Command(run.cmd, { args: run.args, stdout: "null", stderr: "null" }).spawn();
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    // The postmaster's own pid (runuser stands between): SIGINT is PostgreSQL's fast shutdown.
    try {
      const pid = Number((await Deno.readTextFile(`${base}/data/postmaster.pid`)).split("\n")[0]);
      if (pid > 0) Deno.kill(pid, "SIGINT");
    } catch { /* not running */ }
    try {
      child.kill("SIGINT");
    } catch { /* gone */ }
    await child.status;
    await Deno.remove(base, { recursive: true }).catch(() => {});
  };
  const start = Date.now();
  for (;;) {
    const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 2 });
    try {
      await sql`SELECT 1`;
      await sql.end();
      break;
    } catch (e) {
      await sql.end({ timeout: 1 }).catch(() => {});
      if (Date.now() - start > 30_000) {
        await stop();
        throw new Error(`postgres did not start on port ${port}: ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { url, password, port, stop };
}
