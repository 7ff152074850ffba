/**
 * `deno task learn --embeddings <run or embedding set> (--labels <file|folder> | --decisions <run>
 *  | --augmented [--views n]) --out <adapter id> [--loss l] [--head h] [--epochs n] [--seed n] ...`:
 * trains an embedding adapter, writes it as ONNX with a model card, and enters it in the model
 * catalogue, so that `--adapter <id>` applies it.
 *
 * `--augmented` uses no labels (issue 15, lib/learn/sources/augmented.ts): the run's photos are
 * analysed again, every face is an identity of its own with augmented views of its aligned crop
 * (embedded by the catalogue's embedder) as positives, and the faces of one photo are negatives.
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { ToolkitError } from "../errors.ts";
import { runCommand } from "../flags/command.ts";
import type { CommandIo } from "../flags/io.ts";
import { defineCommand } from "../flags/types.ts";
import { UsageError } from "../flags/usage_error.ts";
import { type Catalogue, loadCatalogue, pipelineModels } from "../models/catalogue.ts";
import { readRunJson } from "../run/run_json.ts";
import { readEmbeddingSet } from "../store/embedding_set.ts";
import { checkAdapterId } from "./adapter_files.ts";
import type { SourceResult } from "./sources/labels.ts";
import { HEAD_CHOICES, LEARNING_RATE_FLAG, LOSS_CHOICES } from "./flags.ts";

/** The flags of `deno task learn`. */
export const LEARN_COMMAND = defineCommand({
  name: "deno task learn",
  summary:
    "Train an embedding adapter (a head over the embedder's vectors) from labels, review decisions, or augmented views of the run's faces (no labels); write it as ONNX with a model card into the model catalogue",
  flags: {
    embeddings: {
      type: "path",
      required: true,
      placeholder: "dir",
      help: "run folder of `deno task run` (or its embeddings/ folder): the vectors to learn from",
    },
    labels: {
      type: "path",
      placeholder: "file|folder",
      help: "a labels file (CSV: path, person[, face]), or the run's input folder with one folder per " +
        "person (the run was made with --labels); default: the run's folder labels when it has them",
    },
    decisions: {
      type: "path",
      placeholder: "run",
      help: "learn from the review decisions (decisions.jsonl) of this run folder instead of labels",
    },
    augmented: {
      type: "boolean",
      help: "learn without labels: every face of the run's photos (run.json's input folder, read again) " +
        "is its own identity, augmented views of its aligned crop are its positives, the faces of one " +
        "photo are negatives; needs the photos and the embedder's weights (fetched on first use)",
    },
    views: {
      type: "integer",
      min: 1,
      max: 64,
      placeholder: "n",
      defaultText: "3",
      help: "with --augmented: augmented views per face",
    },
    out: {
      type: "string",
      required: true,
      placeholder: "id",
      help: "adapter id: written to models/weights/adapters/<id>.onnx, models/adapters/<id>.card.json and " +
        "the catalogue (replacing an adapter of that id)",
    },
    loss: { type: "enum", choices: LOSS_CHOICES, default: "triplet-batch-hard", help: "training loss" },
    head: {
      type: "enum",
      choices: HEAD_CHOICES,
      default: "linear",
      help: "linear: d -> d' from the identity; mlp-residual: x + MLP(x)",
    },
    epochs: {
      type: "integer",
      min: 1,
      max: 10000,
      default: 10,
      placeholder: "n",
      help: "passes over the data",
    },
    seed: {
      type: "integer",
      min: 0,
      default: 1,
      placeholder: "n",
      help: "seed of initialisation, split and batches",
    },
    "out-dim": {
      type: "integer",
      min: 1,
      placeholder: "n",
      defaultText: "the embedder's",
      help: "output length (linear head only)",
    },
    margin: {
      type: "number",
      min: 0,
      max: 2,
      placeholder: "m",
      defaultText: "0.2 (triplet), 0.5 (contrastive)",
      help: "triplet margin in cosine distance; contrastive: cosine above which two people cost",
    },
    temperature: {
      type: "number",
      min: 0.001,
      max: 10,
      default: 0.1,
      placeholder: "t",
      help: "supcon temperature",
    },
    "learning-rate": LEARNING_RATE_FLAG,
    validation: {
      type: "number",
      min: 0,
      max: 0.9,
      default: 0.1,
      placeholder: "share",
      help: "share of the identities held out for the progress figures (and for keeping the best epoch)",
    },
    catalogue: {
      type: "path",
      default: "models/catalogue.json",
      placeholder: "file",
      help: "model catalogue to enter the adapter in (its card goes to adapters/ beside it)",
    },
    quiet: { type: "boolean", help: "no progress lines" },
  },
  epilog: "The adapter changes nothing until a run asks for it: `deno task run --adapter <id>`, " +
    "`deno task sweep --adapter <id>`, FACEGROUP_ADAPTER in the notebooks.",
});

/**
 * The augmented (no-label) source of the run behind `embeddings` (a run folder or its
 * embeddings/ folder): the photos of its embedding set, read from run.json's input folder.
 */
async function augmentedSource(
  embeddings: string,
  cat: Catalogue,
  views: number | undefined,
  seed: number,
  log?: (line: string) => void,
): Promise<SourceResult> {
  let run = embeddings, setDir = join(embeddings, "embeddings");
  try {
    await Deno.stat(join(setDir, "vectors.npy"));
  } catch {
    run = dirname(resolve(embeddings)), setDir = embeddings;
  }
  const meta = await readRunJson(run);
  const runJson = join(run, "run.json");
  const source = meta.source ?? "";
  if (!source.startsWith("folder ")) {
    throw new ToolkitError(
      `${runJson}: --augmented needs the run's photos in a local folder; its source is ${
        JSON.stringify(source)
      }`,
    );
  }
  const root = resolve(source.slice(7));
  try {
    if (!(await Deno.stat(root)).isDirectory) throw new Error("not a folder");
  } catch (e) {
    throw new ToolkitError(
      `${root}: the run's photos (the input folder ${runJson} names) are gone (${
        (e as Error).message
      }); --augmented needs them`,
    );
  }
  const set = await readEmbeddingSet(setDir);
  const paths = [...new Set(set.faces.map((f) => f.path))].sort();
  const { augmentedTrainingSet, DEFAULT_VIEWS } = await import("./sources/augmented.ts");
  const res = await augmentedTrainingSet(paths.map((p) => ({ path: join(root, p) })), {
    views,
    seed,
    catalogue: cat,
    progressEvery: 50,
    onProgress: log,
    origin: `augmented views, trained without labels: ${paths.length} photos in ${root} (run ${run}), ` +
      `${views ?? DEFAULT_VIEWS} views per face, seed ${seed}`,
  });
  if (res.counts.faces === 0) {
    throw new ToolkitError(
      `${root}: no face found in the run's ${paths.length} photos; nothing to learn from`,
    );
  }
  return res;
}

/** Entry point; returns the exit code (0 done, 1 failed, 2 bad command line). */
export function main(args: string[], io?: CommandIo): Promise<number> {
  return runCommand(LEARN_COMMAND, args, io, async (v, io) => {
    const bad = checkAdapterId(v.out);
    if (bad) throw new UsageError(`--out ${bad}`);
    const given = [
      v.labels !== undefined && "--labels",
      v.decisions !== undefined && "--decisions",
      v.augmented && "--augmented",
    ].filter((x): x is string => typeof x === "string");
    if (given.length > 1) {
      throw new UsageError(
        `${given.join(" and ")}: give one of them (one source of training data per adapter)`,
      );
    }
    if (v.views !== undefined && !v.augmented) {
      throw new UsageError("--views needs --augmented (views of the run's faces)");
    }
    if (v["out-dim"] !== undefined && v.head !== "linear") {
      throw new UsageError(`--out-dim needs --head linear (${v.head} keeps the embedder's length)`);
    }
    const cat = await loadCatalogue(v.catalogue);
    const base = pipelineModels(cat).embedder;
    let src: SourceResult;
    if (v.augmented) {
      src = await augmentedSource(v.embeddings, cat, v.views, v.seed, v.quiet ? undefined : io.err);
    } else if (v.decisions !== undefined) {
      const { fromRunDecisions } = await import("./sources/decisions.ts");
      src = await fromRunDecisions(v.decisions);
    } else {
      const { fromRunFolder } = await import("./sources/labels.ts");
      let labelsFile: string | undefined;
      if (v.labels !== undefined) {
        let st: Deno.FileInfo;
        try {
          st = await Deno.stat(v.labels);
        } catch (e) {
          throw new UsageError(`--labels ${v.labels}: ${(e as Error).message}`);
        }
        if (st.isFile) labelsFile = v.labels;
      }
      src = await fromRunFolder(v.embeddings, { labelsFile });
    }
    for (const w of src.warnings) io.err(`warning: ${w}`);
    const { trainAdapter } = await import("./train.ts");
    const { saveAdapter } = await import("./adapter_files.ts");
    const set = src.set;
    io.err(
      `learn: ${set.labels.length} rows of ${set.dim} from ${set.origin}; loss ${v.loss}, head ${v.head}, ` +
        `${v.epochs} epochs, seed ${v.seed}`,
    );
    const trained = await trainAdapter(set, {
      loss: v.loss,
      head: v.head,
      epochs: v.epochs,
      seed: v.seed,
      outDim: v["out-dim"],
      margin: v.margin,
      temperature: v.temperature,
      learningRate: v["learning-rate"],
      validationFraction: v.validation,
      quiet: v.quiet,
      onProgress: (line) => io.err(line),
    });
    const command = `deno task learn ${args.join(" ")}`;
    const saved = await saveAdapter(v.out, trained, { origin: set.origin, base: base.id, command }, {
      catalogue: v.catalogue,
    });
    const f = (p?: { verificationAccuracy: number; gap: number }) =>
      p ? `accuracy ${p.verificationAccuracy.toFixed(3)}, gap ${p.gap.toFixed(3)}` : "no validation";
    io.out(
      `adapter ${v.out}: ${trained.options.head} ${trained.weights.inDim} -> ${trained.outDim}, ` +
        `epoch ${trained.bestEpoch} of ${trained.options.epochs} kept, ${trained.seconds.toFixed(1)} s`,
    );
    io.out(`validation (held-out identities): before ${f(trained.before)}; after ${f(trained.after)}`);
    io.out(`model: ${saved.onnx}`);
    io.out(`card: ${saved.card}`);
    io.out(`catalogue: ${saved.catalogue} (use it with --adapter ${v.out})`);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
