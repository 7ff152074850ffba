/**
 * The clustering flags that several commands share (`deno task run`, the run from embeddings, the
 * distributed collect), declared with the clusterers whose names, ranges and defaults they take
 * (lib/flags/ knows no clusterer).
 * @module
 */
import { flag } from "../flags/types.ts";
import { agglomerative, type AgglomerativeParams, DEFAULT_AGGLOMERATIVE } from "./agglomerative.ts";
import { CLUSTERERS } from "./registry.ts";

/** `--method`: a registered clustering method; absent: chosen automatically. */
export const METHOD_FLAG = flag({
  type: "enum",
  choices: CLUSTERERS.map((c) => c.name),
  placeholder: "name",
  defaultText: "chosen automatically from the run's own embeddings, without labels",
  help: `clustering method: ${CLUSTERERS.map((c) => c.name).join(" | ")}`,
});

const AGGLOMERATIVE_THRESHOLD = agglomerative.params.threshold;

/**
 * `--threshold`: the cosine distance at which clusters stop merging; its range is the
 * agglomerative clusterer's declared one, without 0 (which would merge nothing).
 */
export const THRESHOLD_FLAG = flag({
  type: "number",
  min: AGGLOMERATIVE_THRESHOLD.type === "number" ? AGGLOMERATIVE_THRESHOLD.min : 0,
  max: AGGLOMERATIVE_THRESHOLD.type === "number" ? AGGLOMERATIVE_THRESHOLD.max : 2,
  exclusiveMin: true,
  placeholder: "d",
  defaultText: `${DEFAULT_AGGLOMERATIVE.threshold} with agglomerative, else the method's own`,
  help: "cosine distance at which clusters stop merging",
});

/** `--linkage`: how agglomerative clustering measures the distance between clusters. */
export const LINKAGE_FLAG = flag({
  type: "enum",
  choices: agglomerative.params.linkage.type === "enum"
    ? agglomerative.params.linkage.values as readonly AgglomerativeParams["linkage"][]
    : [DEFAULT_AGGLOMERATIVE.linkage],
  placeholder: "l",
  defaultText: DEFAULT_AGGLOMERATIVE.linkage,
  help: "agglomerative linkage",
});
