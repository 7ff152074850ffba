import assert from "node:assert/strict";
import { readEmbeddingSet, writeEmbeddingSet } from "../store/embedding_set.ts";
import type { FaceMeta } from "../store/embedding_set.ts";
import { seededRandom } from "../util/random.ts";
import { loadCatalogue } from "../models/catalogue.ts";
import { applyAdapterById } from "../models/adapters.ts";
import { ensureDemoPhotos } from "../util/demo_photos.ts";
import { weightsDir } from "../models/catalogue.ts";
import { main as runMain } from "./run.ts";
import { DEFAULT_VIEWS } from "../learn/sources/augmented.ts";
import { main } from "../learn/cli.ts";

function io() {
  const out: string[] = [], err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (l: string) => void out.push(l), stderr: (l: string) => void err.push(l), cwd: Deno.cwd() },
  };
}

Deno.test("learn --help prints the usage and does nothing else", async () => {
  const t = io();
  assert.equal(await main(["--help"], t.io), 0);
  const text = t.out.join("\n");
  for (
    const f of [
      "--embeddings",
      "--labels",
      "--decisions",
      "--augmented",
      "--views",
      "--loss",
      "--head",
      "--epochs",
      "--seed",
      "--out",
    ]
  ) {
    assert.ok(text.includes(f), f);
  }
  assert.match(text, new RegExp(`--views[^\\n]*\\n?[^\\n]*default:? ${DEFAULT_VIEWS}\\b`), "views default");
  assert.equal(t.err.length, 0);
});

Deno.test("learn refuses bad flags before any work", async () => {
  const cases: [string[], RegExp][] = [
    [["--out", "a"], /--embeddings/],
    [["--embeddings", "/nonexistent", "--out", "a", "--loss", "triplet"], /--loss must be one of/],
    [["--embeddings", "/nonexistent", "--out", "a", "--epochs", "0"], /--epochs/],
    [["--embeddings", "/nonexistent", "--out", "Has Space"], /--out must be lower-case/],
    [["--embeddings", "/x", "--out", "a", "--labels", "/x", "--decisions", "/y"], /give one of them/],
    [["--embeddings", "/x", "--out", "a", "--augmented", "--labels", "/x"], /--labels and --augmented/],
    [["--embeddings", "/x", "--out", "a", "--augmented", "--decisions", "/y"], /--decisions and --augmented/],
    [["--embeddings", "/x", "--out", "a", "--views", "2"], /--views needs --augmented/],
    [["--embeddings", "/x", "--out", "a", "--augmented", "--views", "0"], /--views/],
    [
      ["--embeddings", "/x", "--out", "a", "--head", "mlp-residual", "--out-dim", "8"],
      /--out-dim needs --head linear/,
    ],
  ];
  for (const [args, want] of cases) {
    const t = io();
    assert.equal(await main(args, t.io), 2, args.join(" "));
    assert.match(t.err.join("\n"), want);
  }
});

Deno.test("learn trains on a labelled embedding set, writes ONNX + card, enters the catalogue; --adapter applies it", async () => {
  const dir = await Deno.makeTempDir();
  const prevModels = Deno.env.get("FACEGROUP_MODELS_DIR");
  try {
    // 12 people x 5 photos, one face each, 512-d like the default embedder
    const dim = 512, r = seededRandom(4);
    const faces: FaceMeta[] = [];
    const data = new Float32Array(60 * dim);
    for (let p = 0; p < 12; p++) {
      const c = Array.from({ length: dim }, () => r() - 0.5);
      for (let k = 0; k < 5; k++) {
        const row = p * 5 + k;
        let s = 0;
        for (let j = 0; j < dim; j++) s += (data[row * dim + j] = c[j] + 0.6 * (r() - 0.5)) ** 2;
        for (let j = 0; j < dim; j++) data[row * dim + j] /= Math.sqrt(s);
        faces.push({
          path: `p${p}/${k}.jpg`,
          face: 0,
          imageId: `h${row}`,
          label: `p${p}`,
          box: [0, 0, 50, 50],
        });
      }
    }
    await writeEmbeddingSet(`${dir}/run/embeddings`, { x: { data, rows: 60, cols: dim }, faces });
    await Deno.mkdir(`${dir}/models`);
    await Deno.copyFile(
      new URL("../../models/catalogue.json", import.meta.url),
      `${dir}/models/catalogue.json`,
    );
    Deno.env.set("FACEGROUP_MODELS_DIR", `${dir}/weights`);
    const t = io();
    const code = await main([
      "--embeddings",
      `${dir}/run`,
      "--out",
      "test-adapter",
      "--epochs",
      "2",
      "--catalogue",
      `${dir}/models/catalogue.json`,
    ], t.io);
    assert.equal(code, 0, t.err.join("\n"));
    assert.match(t.err.join("\n"), /epoch 2\/2: loss/);
    const cat = await loadCatalogue(`${dir}/models/catalogue.json`);
    const spec = cat.adapters!.find((a) => a.id === "test-adapter")!;
    assert.equal(spec.base, "faceplugin-feature");
    const card = JSON.parse(await Deno.readTextFile(`${dir}/models/adapters/test-adapter.card.json`));
    assert.equal(card.loss, "triplet-batch-hard");
    assert.equal(card.seed, 1);
    assert.equal(card.epochs, 2);
    assert.ok(card.figures.before && card.figures.after);
    const set = await readEmbeddingSet(`${dir}/run/embeddings`);
    const got = await applyAdapterById("test-adapter", set.x.data, dim, { catalogue: cat });
    assert.equal(got.vectors.length, 60 * dim);
  } finally {
    if (prevModels === undefined) Deno.env.delete("FACEGROUP_MODELS_DIR");
    else Deno.env.set("FACEGROUP_MODELS_DIR", prevModels);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("learn --augmented trains without labels on a real run's photos; a run whose photos are gone is named", async () => {
  const demo = await ensureDemoPhotos();
  const dir = await Deno.makeTempDir({ prefix: "facegroup-learn-aug-" });
  const prevModels = Deno.env.get("FACEGROUP_MODELS_DIR");
  const realWeights = weightsDir();
  try {
    const input = `${dir}/photos`;
    await Deno.mkdir(input);
    for (const n of ["sample1.jpg", "sample2.jpg"]) await Deno.copyFile(`${demo}/${n}`, `${input}/${n}`);
    // The pipeline's weights where they are; adapters written into the temporary folder.
    await Deno.mkdir(`${dir}/weights`);
    for await (const e of Deno.readDir(realWeights)) {
      if (e.name !== "adapters") await Deno.symlink(`${realWeights}/${e.name}`, `${dir}/weights/${e.name}`);
    }
    Deno.env.set("FACEGROUP_MODELS_DIR", `${dir}/weights`);
    await Deno.mkdir(`${dir}/models`);
    await Deno.copyFile(
      new URL("../../models/catalogue.json", import.meta.url),
      `${dir}/models/catalogue.json`,
    );
    const run = `${dir}/run`;
    assert.equal(
      await runMain(["--input", input, "--out", run, "--store", `${dir}/store`, "--quiet"]),
      0,
    );
    const learn = (extra: string[]) => {
      const t = io();
      const args = ["--embeddings", run, "--out", "aug-test", "--catalogue", `${dir}/models/catalogue.json`];
      return main([...args, "--augmented", ...extra], t.io).then((code) => ({ code, t }));
    };
    const { code, t } = await learn(["--views", "2", "--epochs", "2"]);
    assert.equal(code, 0, t.err.join("\n"));
    assert.match(t.err.join("\n"), /augmented: 2\/2 photos, \d+ faces/);
    assert.match(t.err.join("\n"), /epoch 2\/2: loss/);
    const card = JSON.parse(await Deno.readTextFile(`${dir}/models/adapters/aug-test.card.json`));
    assert.match(card.data, /without labels/);
    assert.match(card.data, /2 views per face/);
    assert.match(card.data, new RegExp(`2 photos in ${input}`));
    assert.equal(card.epochs, 2);
    assert.equal(card.base, "faceplugin-feature");
    const onnx = await Deno.stat(`${dir}/weights/adapters/aug-test.onnx`);
    assert.ok(onnx.isFile && onnx.size > 512 * 512 * 4, `${onnx.size} bytes`);
    const cat = await loadCatalogue(`${dir}/models/catalogue.json`);
    assert.ok(cat.adapters!.some((a) => a.id === "aug-test"));
    // The photos gone: exit 1, naming the folder.
    await Deno.remove(input, { recursive: true });
    const gone = await learn([]);
    assert.equal(gone.code, 1);
    assert.match(gone.t.err.join("\n"), new RegExp(`${input}: the run's photos .* are gone`));
  } finally {
    if (prevModels === undefined) Deno.env.delete("FACEGROUP_MODELS_DIR");
    else Deno.env.set("FACEGROUP_MODELS_DIR", prevModels);
    await Deno.remove(dir, { recursive: true });
  }
});
