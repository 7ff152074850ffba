/**
 * End to end: `deno task notebooks` (this folder's runner) executes every notebook on the demo
 * photos into a temporary run folder. Needs Jupyter's nbconvert (Debian: jupyter-nbconvert,
 * jupyter-client, python3-nbclient); skipped with a message without it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "../util/hash.ts";
import { outputSummary, parseNotebook } from "./ipynb.ts";
import { findNbconvert, kernelEnv, listNotebooks } from "./run_notebooks.ts";
import { NOTEBOOKS_DIR, REPO_ROOT } from "./settings.ts";

const nbconvert = await findNbconvert();
if (!nbconvert) {
  console.error(
    "notebooks_test: jupyter-nbconvert not found, end-to-end notebook tests skipped " +
      "(apt-get install jupyter-nbconvert jupyter-client python3-nbclient)",
  );
}

async function runner(args: string[], env: Record<string, string>): Promise<{ code: number; text: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(REPO_ROOT, "lib/notebook/run_notebooks.ts"), ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...env },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

async function hashes(paths: string[]): Promise<string[]> {
  return await Promise.all(paths.map(async (p) => await sha256Hex(await Deno.readFile(p))));
}

Deno.test({
  name: "deno task notebooks: every notebook runs top to bottom on the demo photos, with rich outputs",
  ignore: !nbconvert,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "facegroup-nbtest-" });
    try {
      const committed = await listNotebooks();
      const before = await hashes(committed);
      const { code, text } = await runner(["--keep", join(dir, "out")], { FACEGROUP_RUN: join(dir, "run") });
      assert.equal(code, 0, text);
      assert.match(text, new RegExp(`${committed.length} notebooks passed, 0 failed in [\\d.]+ s`));
      assert.deepEqual(await hashes(committed), before, "the committed notebooks are not touched");

      const kinds: Record<string, number> = {};
      for (const p of committed) {
        const name = p.slice(NOTEBOOKS_DIR.length + 1);
        const nb = parseNotebook(await Deno.readTextFile(join(dir, "out", name)), name);
        const s = outputSummary(nb);
        assert.deepEqual(s.errors, [], name);
        assert.ok(s.outputs >= s.codeCells, `${name}: outputs in most cells`);
        // The kernel may report a cell done before its last outputs are sent (see show()):
        // the last cell of each notebook ends with a rich output, which must have arrived.
        const last = nb.cells.filter((c) => c.cell_type === "code").at(-1)!;
        assert.ok(last.outputs?.at(-1)?.output_type === "display_data", `${name}: the last output arrived`);
        for (const [k, n] of Object.entries(s.byType)) kinds[k] = (kinds[k] ?? 0) + n;
      }
      for (const k of ["text/html", "image/svg+xml", "image/jpeg"]) {
        assert.ok(kinds[k] > 0, `some ${k} output`);
      }
      // Progress lines are ordinary output: a notebook shows stderr in red, like an error.
      assert.equal(kinds.stderr, undefined, "no output on stderr");

      for (
        const f of ["embeddings/vectors.npy", "labels.pipeline.npy", "sweep/best.json", "report/index.html"]
      ) {
        assert.ok((await Deno.stat(join(dir, "run", f))).isFile, f);
      }
      assert.ok((await Deno.stat(join(dir, "run/report.html"))).size > 10_000, "single-file report");
      const meta = JSON.parse(await Deno.readTextFile(join(dir, "run/run.json")));
      assert.equal(meta.images, 6);
      assert.equal(
        meta.pick.rule,
        "label-free",
        "the demo photos have no labels: best falls back to label-free",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "deno task notebooks: a failing cell fails the run, and later notebooks are not run",
  ignore: !nbconvert,
  async fn() {
    const dir = await Deno.makeTempDir({ dir: NOTEBOOKS_DIR, prefix: ".test-" });
    try {
      const nb = (source: string) =>
        JSON.stringify({
          nbformat: 4,
          nbformat_minor: 5,
          metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
          cells: [{ cell_type: "code", id: "c1", metadata: {}, source, outputs: [], execution_count: null }],
        });
      await Deno.writeTextFile(join(dir, "a.ipynb"), nb('console.log("fine")'));
      await Deno.writeTextFile(join(dir, "b.ipynb"), nb('throw new Error("cell failed on purpose")'));
      await Deno.writeTextFile(join(dir, "c.ipynb"), nb("1"));
      const { code, text } = await runner(["--dir", dir, "--keep", join(dir, "out")], {});
      assert.equal(code, 1, text);
      assert.match(text, /ok +a\.ipynb/);
      assert.match(text, /FAILED b\.ipynb/);
      assert.match(text, /cell failed on purpose/);
      assert.match(text, /1 notebooks passed, 1 failed, 1 not run/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("kernelEnv: the repository's kernel spec first, relative paths absolute, drive: kept", () => {
  const env = kernelEnv({
    JUPYTER_PATH: "/elsewhere",
    HOME: "/home/me",
    FACEGROUP_INPUT: "~/Pictures",
    FACEGROUP_RUN: "out/run",
    FACEGROUP_CREDENTIALS: "/abs/key.json",
    FACEGROUP_PICK: "best",
  }, "/work/here");
  assert.equal(env.JUPYTER_PATH, `${NOTEBOOKS_DIR}:/elsewhere`);
  assert.equal(env.FACEGROUP_INPUT, "/home/me/Pictures");
  assert.equal(env.FACEGROUP_RUN, "/work/here/out/run");
  assert.equal(env.FACEGROUP_CREDENTIALS, "/abs/key.json");
  assert.equal(env.FACEGROUP_PICK, "best");
  assert.equal(env.NO_COLOR, "1");
  assert.equal(kernelEnv({ FACEGROUP_INPUT: "drive:abc" }, "/x").FACEGROUP_INPUT, "drive:abc");
  assert.equal(kernelEnv({}, "/x").JUPYTER_PATH, NOTEBOOKS_DIR);
});

Deno.test("notebooks CLI: --check-clean passes on the committed notebooks", async () => {
  const committed = await listNotebooks();
  assert.ok(committed.length >= 6, `expected the six numbered notebooks, found ${committed.length}`);
  const { code, text } = await runner(["--check-clean"], {});
  assert.equal(code, 0, text);
  assert.match(text, new RegExp(`${committed.length} notebooks clean, 0 not`));
});
