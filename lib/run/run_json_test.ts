import assert from "node:assert/strict";
import { join } from "node:path";
import { ToolkitError } from "../errors.ts";
import { RUN_FILES, runPath } from "./files.ts";
import { parseRunJson, readRunJson, type RunJson, writeRunJson } from "./run_json.ts";

const META: RunJson = {
  title: "A run",
  source: "folder /photos",
  models: ["m1", "m2"],
  createdAt: "2025-01-01T00:00:00.000Z",
  method: "agglomerative",
  params: { threshold: 0.6, minClusterSize: 2 },
  images: 3,
  timings: { embed: 1 },
  noFace: [{ path: "x.jpg" }],
  counts: { faces: 4, clusters: 1 },
  choice: { summary: "agglomerative, threshold 0.6", grid: 12 },
};

Deno.test("writeRunJson then readRunJson: the same object, 2-space JSON, unknown fields kept", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeRunJson(dir, { ...META, extra: { a: 1 } } as RunJson);
    const text = await Deno.readTextFile(join(dir, "run.json"));
    assert.equal(text, JSON.stringify({ ...META, extra: { a: 1 } }, null, 2));
    assert.deepEqual(await readRunJson(dir), { ...META, extra: { a: 1 } });
    assert.equal(runPath(dir, "runJson"), join(dir, RUN_FILES.runJson));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseRunJson: every field may be missing; a wrong one is named with the file", () => {
  assert.deepEqual(parseRunJson("{}", "r/run.json"), {});
  const bad: [string, RegExp][] = [
    ["not json", /^r\/run\.json: not JSON/],
    ["[1]", /^r\/run\.json: should hold a JSON object, not array/],
    [`{"title": 3}`, /^r\/run\.json: field "title" should be a string, not 3$/],
    [`{"models": ["a", 2]}`, /field "models" should be a list of strings/],
    [`{"images": "3"}`, /field "images" should be a number, not "3"/],
    [`{"params": [1]}`, /field "params" should be a object/],
    [`{"noFace": {}}`, /field "noFace" should be a list/],
    [`{"counts": {"faces": "4"}}`, /field "counts\.faces" should be a number/],
    [`{"pick": {"rule": "random"}}`, /field "pick\.rule" should be best, label-free or id, not "random"/],
    [`{"pipeline": {"method": 1}}`, /field "pipeline\.method" should be a string/],
  ];
  for (const [text, re] of bad) {
    assert.throws(
      () => parseRunJson(text, "r/run.json"),
      (e) => e instanceof ToolkitError && re.test(e.message),
      text,
    );
  }
});

Deno.test("readRunJson: a missing file is undefined when optional, else an error naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await readRunJson(dir, { optional: true }), undefined);
    await assert.rejects(() => readRunJson(dir), new RegExp(`^ToolkitError: ${dir}/run\\.json: cannot read`));
    await Deno.writeTextFile(join(dir, "run.json"), `{"counts": {"faces": -1.5, "clusters": null}}`);
    await assert.rejects(
      () => readRunJson(dir, { optional: true }),
      /field "counts\.clusters" should be a number, not null/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
