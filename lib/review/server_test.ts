import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { main } from "./server.ts";
import { reviewTestRun } from "./testing.ts";

const SERVER = fileURLToPath(new URL("./server.ts", import.meta.url));

Deno.test("deno task review: a folder that is not a run is a clear error, exit 1", async () => {
  const dir = await Deno.makeTempDir({ prefix: "review-empty-" });
  try {
    const err: string[] = [];
    const code = await main(["--run", dir, "--port", "0", "--no-open"], {
      stdout: () => {},
      stderr: (t) => void err.push(t),
    });
    assert.equal(code, 1);
    assert.match(err.join(""), new RegExp(`error: ${dir}: not a run folder \\(no labels.npy\\)`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task review: serves on 127.0.0.1, prints the address, saves a decision, stops on SIGTERM", async () => {
  const dir = await reviewTestRun();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVER, "--run", dir, "--port", "0", "--no-open"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    let url: string | undefined;
    while (!url) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      url = /review: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text)?.[1];
    }
    assert.ok(url, text);
    assert.match(text, /review: 120 faces of .* \(0 decisions so far\), ready in \d+ ms/);
    const groups = (await (await fetch(`${url}api/clusters?limit=1`)).json()).groups;
    const r = await fetch(`${url}api/decision`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: url.slice(0, -1) },
      body: JSON.stringify({ action: "hide", group: groups[0].id }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    await r.body?.cancel();
    child.kill("SIGTERM");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const status = await child.status;
    assert.equal(status.code, 0);
    assert.match(text, /review: stopped/);
    const lines = (await Deno.readTextFile(`${dir}/decisions.jsonl`)).trimEnd().split("\n");
    assert.equal(JSON.parse(lines[0]).op, "hide");
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await child.stderr.cancel().catch(() => {});
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});
