/**
 * Figures survive a notebook's export to HTML: with Debian's nbconvert 6.5 every
 * `image/svg+xml` output comes out as an empty `<svg>`, so {@link svg} also sends the figure
 * inline in `text/html`. And progress lines in a notebook are ordinary output (stdout), not
 * red stderr. Needs Jupyter's nbconvert (and, for the executed notebook, its nbclient and the
 * Deno kernel, as `deno task notebooks` does); skipped with a message without it.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { bundleOf, svg } from "./display.ts";
import { parseNotebook } from "./ipynb.ts";
import { findNbconvert } from "./run_notebooks.ts";
import { NOTEBOOKS_DIR, REPO_ROOT } from "./settings.ts";

const nbconvert = await findNbconvert();
if (!nbconvert) {
  console.log(
    "figure_export_test: jupyter-nbconvert not found, HTML export checks skipped " +
      "(apt-get install jupyter-nbconvert jupyter-client python3-nbclient)",
  );
}

/** Exports a notebook file to HTML with nbconvert; returns the HTML. */
async function toHtml(path: string, outDir: string): Promise<string> {
  const out = await new Deno.Command(nbconvert![0], {
    args: [...nbconvert!.slice(1), "--to", "html", "--output-dir", outDir, path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const name = path.slice(path.lastIndexOf("/") + 1).replace(/\.ipynb$/, ".html");
  return await Deno.readTextFile(join(outDir, name));
}

function notebook(cells: { source: string; outputs?: unknown[] }[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: cells.map((c, i) => ({
      cell_type: "code",
      id: `c${i}`,
      metadata: {},
      source: c.source,
      outputs: c.outputs ?? [],
      execution_count: c.outputs ? i + 1 : null,
    })),
  });
}

const FIGURE =
  '<svg viewBox="0 0 20 10" width="200" height="100"><path id="facegroup-mark" d="M1 1h8"/></svg>';

Deno.test({
  name: "svg(): the figure is still in the HTML that nbconvert exports",
  ignore: !nbconvert,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "facegroup-figexport-" });
    try {
      const bundle = bundleOf(svg(FIGURE, "a figure"));
      const output = { output_type: "display_data", metadata: {}, data: bundle };
      await Deno.writeTextFile(join(dir, "fig.ipynb"), notebook([{ source: "x", outputs: [output] }]));
      const page = await toHtml(join(dir, "fig.ipynb"), dir);
      assert.ok(page.includes('<path id="facegroup-mark" d="M1 1h8"'), "the figure's marks are in the HTML");
      // For the record: the same figure as image/svg+xml alone (what show() sent before).
      const alone = { ...output, data: { "image/svg+xml": bundle["image/svg+xml"], "text/plain": "fig" } };
      await Deno.writeTextFile(join(dir, "alone.ipynb"), notebook([{ source: "x", outputs: [alone] }]));
      const bare = await toHtml(join(dir, "alone.ipynb"), dir);
      console.log(
        `nbconvert (${nbconvert!.join(" ")}): image/svg+xml alone ${
          bare.includes("facegroup-mark") ? "keeps" : "loses"
        } the figure's marks in HTML; text/html keeps them`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "an executed notebook: progress lines on stdout, no stderr, and its figure exported to HTML",
  ignore: !nbconvert,
  async fn() {
    const dir = await Deno.makeTempDir({ dir: NOTEBOOKS_DIR, prefix: ".test-figure-" });
    try {
      const display = new URL("./display.ts", import.meta.url).href;
      const scatter = new URL("../viz/scatter.ts", import.meta.url).href;
      await Deno.writeTextFile(
        join(dir, "a.ipynb"),
        notebook([{
          source: `import { figure, progressOnStdout, show, thinLog } from ${JSON.stringify(display)};
import { layoutScatter } from ${JSON.stringify(scatter)};
await progressOnStdout(async () => {
  Deno.stderr.writeSync(new TextEncoder().encode("faces: 3/3 photos, 1.0 photos/s\\n"));
  console.error("stage done");
});
thinLog(/^x/)("sweep: 3 runs");
const xy = Float32Array.from([0, 0, 1, 1, 2, 0.5, 50, 50]);
await show(figure(layoutScatter({ xy, n: 4 }, Int32Array.from([0, 0, 1, -1]), { title: "faces by cluster" })));`,
        }]),
      );
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          join(REPO_ROOT, "lib/notebook/run_notebooks.ts"),
          "--dir",
          dir,
          "--keep",
          join(dir, "out"),
        ],
        cwd: REPO_ROOT,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, text);
      const nb = parseNotebook(await Deno.readTextFile(join(dir, "out", "a.ipynb")), "a.ipynb");
      const outputs = nb.cells[0].outputs ?? [];
      const streams = outputs.filter((o) => o.output_type === "stream");
      assert.deepEqual(streams.filter((s) => s.name === "stderr"), [], "nothing on stderr (shown in red)");
      const printed = streams.map((s) => (Array.isArray(s.text) ? s.text.join("") : s.text ?? "")).join("");
      for (const line of ["faces: 3/3 photos", "stage done", "sweep: 3 runs"]) {
        assert.ok(printed.includes(line), `${line} in ${JSON.stringify(printed)}`);
      }
      const page = await toHtml(join(dir, "out", "a.ipynb"), join(dir, "out"));
      const figures = [...page.matchAll(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>(.*?)<\/svg>/gs)];
      assert.ok(
        figures.some((m) => m[1].includes("<title>faces by cluster</title>") && m[1].includes("<path ")),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
