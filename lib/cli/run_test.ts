import assert from "node:assert/strict";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { UsageError } from "../flags/usage_error.ts";
import { clusterOverrides, main } from "./run.ts";
import { exists } from "../util/exists.ts";

Deno.test("deno task run with only --input and --out uses every default (flags not given stay unset)", async () => {
  const demo = await ensureDemoPhotos();
  const input = await Deno.makeTempDir({ prefix: "facegroup-cli-" });
  for (const n of ["sample2.jpg", "sample5.jpg"]) await Deno.copyFile(`${demo}/${n}`, `${input}/${n}`);
  const out = `${input}-out`, store = `${input}-store`;
  let lastRows: string[] = [];
  for (const workers of ["0", "2"]) {
    const code = await main([
      "--input",
      input,
      "--out",
      out,
      "--store",
      `${store}-${workers}`,
      "--workers",
      workers,
      "--quiet",
    ]);
    assert.equal(code, 0);
    const rows = (await Deno.readTextFile(`${out}/assignments.csv`)).trim().split(/\r?\n/).slice(1);
    assert.ok(rows.length >= 6, `workers ${workers}: ${rows.length} faces`);
    assert.ok(rows.every((r) => !r.includes(",-1,,")), "every photo has faces");
    const run = JSON.parse(await Deno.readTextFile(`${out}/run.json`));
    // No clustering flag: the clustering is chosen from the data, and run.json says so.
    assert.equal(run.method, "chinese-whispers");
    assert.match(run.choice.summary, /chosen from the data/);
    // The second run into the folder finds the first one's k-NN graph: same store key, same faces.
    assert.equal(run.graph.how, workers === "0" ? "built" : "grown");
    lastRows = rows;
  }
  assert.equal(await main(["--input", input]), 2, "--out is required");
  assert.equal(await main(["--input", input, "--out", out, "--threshold", "abc"]), 2);
  assert.equal(await main(["--input", input, "--out", out, "--tiles", "sometimes", "--quiet"]), 2);
  // Tiling off: the same faces (these photos have none too small for the whole view).
  assert.equal(
    await main(["--input", input, "--out", out, "--store", `${store}-2`, "--tiles", "off", "--quiet"]),
    0,
  );
  const offRows = (await Deno.readTextFile(`${out}/assignments.csv`)).trim().split(/\r?\n/).slice(1);
  // Another store key (tiling enters it): the saved graph is not used, and run.json says why.
  assert.match(JSON.parse(await Deno.readTextFile(`${out}/run.json`)).graph.reason, /^the store key differs/);
  assert.deepEqual(
    offRows.map((r) => r.split(",").slice(0, 6)),
    lastRows.map((r) => r.split(",").slice(0, 6)),
  );
  for (const d of [input, out, `${store}-0`, `${store}-2`]) await Deno.remove(d, { recursive: true });
});

Deno.test("clusterOverrides: --param name=value typed and checked by the method's declared parameters", () => {
  assert.deepEqual(clusterOverrides("louvain", { param: ["neighbours=8", "threshold=0.4"] }), {
    neighbours: 8,
    threshold: 0.4,
  });
  assert.deepEqual(clusterOverrides("agglomerative", { threshold: 0.6, param: ["linkage=single"] }), {
    threshold: 0.6,
    linkage: "single",
  });
  assert.deepEqual(clusterOverrides("graph-agglomerative", { param: ["rerank=10"] }), { rerank: 10 });
  assert.deepEqual(clusterOverrides(undefined, { threshold: 0.5 }), { threshold: 0.5 });
  const bad: [string | undefined, Parameters<typeof clusterOverrides>[1], RegExp][] = [
    [undefined, { param: ["neighbours=8"] }, /--param needs --method/],
    ["louvain", { param: ["neighbours=0"] }, /--param: louvain: parameter "neighbours".*>= 1/],
    ["louvain", { param: ["linkage=single"] }, /unknown parameter "linkage"/],
    ["louvain", { param: ["neighbours"] }, /not name=value/],
    ["agglomerative", { threshold: 0.6, param: ["threshold=0.5"] }, /--param threshold and --threshold/],
    ["dbscan", { linkage: "single" }, /--linkage does not apply to --method dbscan/],
  ];
  for (const [method, flags, message] of bad) {
    assert.throws(
      () => clusterOverrides(method, flags),
      (e: Error) => e instanceof UsageError && message.test(e.message),
    );
  }
});

Deno.test("deno task run --method <name> --param ...: that clusterer runs; a bad --param is exit 2 before any work", async () => {
  const demo = await ensureDemoPhotos();
  const input = await Deno.makeTempDir({ prefix: "facegroup-cli-method-" });
  for (const n of ["sample2.jpg", "sample5.jpg"]) await Deno.copyFile(`${demo}/${n}`, `${input}/${n}`);
  const out = `${input}-out`, store = `${input}-store`;
  const base = ["--input", input, "--out", out, "--store", store, "--workers", "0", "--quiet"];
  const err: string[] = [];
  const io = { stderr: (t: string) => void err.push(t) };
  assert.equal(await main([...base, "--method", "louvain", "--param", "neighbours=0"], io), 2);
  assert.match(err.join(""), /neighbours/);
  assert.equal(await exists(out), false, "nothing written on a usage error");
  assert.equal(
    await main([...base, "--method", "louvain", "--param", "neighbours=8", "--param", "threshold=0.4"]),
    0,
  );
  const run = JSON.parse(await Deno.readTextFile(`${out}/run.json`));
  assert.equal(run.method, "louvain");
  assert.equal(run.params.neighbours, 8);
  assert.equal(run.params.threshold, 0.4);
  assert.match(run.choice.summary, /louvain, parameters given \(--method\)/);
  for (const d of [input, out, store]) await Deno.remove(d, { recursive: true });
});

Deno.test("deno task run --store: a bad postgres:// URL (flag or FACEGROUP_STORE) is exit 2 before any work, the password never shown", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facegroup-cli-store-" });
  const out = `${dir}/out`;
  const base = ["--input", dir, "--out", out, "--workers", "0", "--quiet"];
  const cases: [string[], Record<string, string>, RegExp][] = [
    [
      ["--store", "postgres://ada:s3cret-pw@db.example:notaport/faces"],
      {},
      /--store must be a PostgreSQL URL.*not a valid URL/,
    ],
    [
      ["--store", "postgres://ada:s3cret-pw@db.example/faces?schema=Bad-Name"],
      {},
      /--store .*schema must be a lower-case SQL name/,
    ],
    [["--store", "postgresql:///faces"], {}, /--store .*no host/],
    [
      [],
      { FACEGROUP_STORE: "postgres://ada:s3cret-pw@:5432/faces" },
      /FACEGROUP_STORE must be a PostgreSQL URL/,
    ],
  ];
  try {
    for (const [args, env, message] of cases) {
      const err: string[] = [];
      const io = {
        stderr: (t: string) => void err.push(t),
        stdout: (t: string) => void err.push(t),
        env: (n: string) => env[n],
      };
      assert.equal(await main([...base, ...args], io), 2, args.join(" "));
      const text = err.join("");
      assert.match(text, message);
      assert.doesNotMatch(text, /s3cret-pw/, "the password is masked");
      assert.equal(await exists(out), false, "nothing written on a usage error");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
