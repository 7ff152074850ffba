import assert from "node:assert/strict";
import { join } from "node:path";
import { PICK_FLAG, SEED_FLAG, SWEEP_CONFIG_FLAG } from "../flags/common_flags.ts";
import { TILES_FLAG } from "../faces/flags.ts";
import { DEVICE_FLAG } from "../models/flags.ts";
import { equivalentCommands, notebookSettings, REPO_ROOT, SETTINGS_ENV, shellWord } from "./settings.ts";

Deno.test("notebookSettings: defaults under the repository", () => {
  const s = notebookSettings({});
  assert.equal(s.input, undefined);
  assert.equal(s.run, join(REPO_ROOT, "reports/notebook-run"));
  assert.equal(s.sweep, join(REPO_ROOT, "reports/notebook-run/sweep"));
  assert.equal(s.report, join(REPO_ROOT, "reports/notebook-run/report"));
  assert.equal(s.sweepConfig, join(REPO_ROOT, "configs/sweep-default.json"));
  assert.deepEqual([s.pick, s.device, s.labels, s.probe, s.workers, s.seed], [
    "best",
    "cpu",
    false,
    500,
    undefined,
    1,
  ]);
});

Deno.test("notebookSettings: relative paths from the repository root; drive: and absolute kept", () => {
  const s = notebookSettings({
    FACEGROUP_INPUT: "photos/party",
    FACEGROUP_RUN: "/tmp/runs/x",
    FACEGROUP_SWEEP_CONFIG: "configs/small.json",
    FACEGROUP_LABELS: "1",
    FACEGROUP_PROBE: "0",
    FACEGROUP_WORKERS: "3",
    FACEGROUP_DEVICE: "cuda",
    FACEGROUP_PICK: "label-free",
    FACEGROUP_TILES: "off",
  });
  assert.equal(s.input, join(REPO_ROOT, "photos/party"));
  assert.equal(s.tiles, "off");
  assert.equal(notebookSettings({}).tiles, "auto");
  assert.match(equivalentCommands(s, "/in")["02_embed"], / --tiles off/);
  assert.doesNotMatch(equivalentCommands(notebookSettings({}), "/in")["02_embed"], /--tiles/);
  assert.equal(s.run, "/tmp/runs/x");
  assert.equal(s.report, "/tmp/runs/x/report");
  assert.equal(s.sweepConfig, join(REPO_ROOT, "configs/small.json"));
  assert.deepEqual([s.labels, s.probe, s.workers, s.device, s.pick], [true, 0, 3, "cuda", "label-free"]);
  assert.equal(notebookSettings({ FACEGROUP_INPUT: "drive:https://x/y?a=1" }).input, "drive:https://x/y?a=1");
  assert.equal(notebookSettings({ FACEGROUP_INPUT: "  " }).input, undefined);
});

Deno.test("notebookSettings: bad values are clear errors", () => {
  assert.throws(() => notebookSettings({ FACEGROUP_DEVICE: "gpu" }), /FACEGROUP_DEVICE must be one of/);
  assert.throws(() => notebookSettings({ FACEGROUP_DEVICE: "cdua" }), /did you mean cuda\?/);
  assert.throws(
    () => notebookSettings({ FACEGROUP_WORKERS: "1.5" }),
    /FACEGROUP_WORKERS must be an integer >= 0/,
  );
  assert.throws(
    () => notebookSettings({ FACEGROUP_LABELS: "perhaps" }),
    /FACEGROUP_LABELS must be true or false/,
  );
  assert.throws(
    () => notebookSettings({ FACEGROUP_PROBE: "-1" }),
    /FACEGROUP_PROBE must be an integer >= 0, got "-1"/,
  );
  assert.throws(() => notebookSettings({ FACEGROUP_SEED: "1.5" }), /FACEGROUP_SEED/);
  assert.throws(
    () => notebookSettings({ FACEGROUP_TILES: "on" }),
    /FACEGROUP_TILES must be one of auto, off, got "on"/,
  );
});

Deno.test("notebookSettings: defaults and checks are those of the commands' flags", () => {
  const s = notebookSettings({});
  assert.equal(s.device, DEVICE_FLAG.default);
  assert.equal(s.tiles, TILES_FLAG.default);
  assert.equal(s.seed, SEED_FLAG.default);
  assert.equal(s.pick, PICK_FLAG.default);
  assert.equal(s.sweepConfig, join(REPO_ROOT, SWEEP_CONFIG_FLAG.default));
  const table = new Map(SETTINGS_ENV.map(([name, , d]) => [name, d]));
  assert.equal(table.get("FACEGROUP_DEVICE"), DEVICE_FLAG.default);
  assert.equal(table.get("FACEGROUP_LABELS"), "0");
  assert.equal(table.get("FACEGROUP_PROBE"), "500");
});

Deno.test("shellWord quotes what a shell would split or expand", () => {
  assert.equal(shellWord("/a/b-c_d.json"), "/a/b-c_d.json");
  assert.equal(shellWord("my photos"), "'my photos'");
  assert.equal(shellWord("it's $HOME"), `'it'\\''s $HOME'`);
});

Deno.test("equivalentCommands: the deno task lines with the same settings", () => {
  const s = notebookSettings({
    FACEGROUP_RUN: "/r/my run",
    FACEGROUP_LABELS: "yes",
    FACEGROUP_CREDENTIALS: "/k.json",
    FACEGROUP_PICK: 'dbscan {"eps":0.5} seed=1',
  });
  const c = equivalentCommands(s, "drive:abc");
  assert.equal(
    c["02_embed"],
    "deno task run --input drive:abc --out '/r/my run' --device cpu --labels --credentials /k.json",
  );
  assert.equal(
    c["03_sweep"],
    `deno task sweep --embeddings '/r/my run/embeddings' --config ${
      join(REPO_ROOT, "configs/sweep-default.json")
    } ` +
      `--out '/r/my run/sweep' && deno task pick --run '/r/my run' --pick 'dbscan {"eps":0.5} seed=1'`,
  );
  assert.equal(
    c["05_report"],
    "deno task report --run '/r/my run' --out '/r/my run/report' && " +
      "deno task report --run '/r/my run' --single-file --out '/r/my run/report.html'",
  );
});
