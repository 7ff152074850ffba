/**
 * Writing a trained adapter where runs find it: the ONNX model under the weights folder
 * (git-ignored: `models/weights/adapters/<id>.onnx`), its model card beside the catalogue
 * (`models/adapters/<id>.card.json`) and its entry in the catalogue's `adapters` list.
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { DEFAULT_CATALOGUE, parseCatalogue, weightsDir } from "../models/catalogue.ts";
import type { AdapterSpec } from "../models/families/embedding_adapter.ts";
import { sha256Hex } from "../util/hash.ts";
import type { PairFigures } from "./pair_figures.ts";
import { adapterOnnx } from "./onnx_export.ts";
import type { TrainedAdapter } from "./train.ts";

/** The model card of an adapter. */
export interface AdapterCard {
  /** Adapter id. */
  id: string;
  /** The embedder it takes vectors of. */
  base: string;
  /** Where the training rows came from (the training set's `origin`). */
  data: string;
  /** Loss. */
  loss: string;
  /** Head, lengths. */
  head: { kind: string; inDim: number; outDim: number; hidden: number };
  /** Epochs run, and the one whose weights were kept. */
  epochs: number;
  /** The kept epoch. */
  bestEpoch: number;
  /** Seed. */
  seed: number;
  /** Every training option. */
  options: Record<string, unknown>;
  /** Rows and identities. */
  counts: TrainedAdapter["counts"];
  /** Validation figures (held-out identities of the training data) before and after. */
  figures: { before?: PairFigures; after?: PairFigures; [k: string]: unknown };
  /** Loss per epoch. */
  history: { epoch: number; loss: number; validationAccuracy?: number; validationGap?: number }[];
  /** Training seconds. */
  seconds: number;
  /** ISO date of training. */
  date: string;
  /** The command that trained it. */
  command: string;
  /** SHA-256 of the ONNX file. */
  sha256: string;
}

/** Where {@link saveAdapter} writes. */
export interface AdapterPlaces {
  /** Catalogue file to enter the adapter in. @default models/catalogue.json */
  catalogue?: string;
  /** Weights folder. @default weightsDir() */
  weights?: string;
  /** Folder of the cards. @default models/adapters/ beside the catalogue */
  cards?: string;
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Checks an adapter id (lower-case letters, digits, `.`, `_`, `-`; at most 64). */
export function checkAdapterId(id: string): string | undefined {
  return ID.test(id)
    ? undefined
    : `must be lower-case letters, digits, ".", "_" or "-" (at most 64), got ${JSON.stringify(id)}`;
}

/**
 * Writes the trained adapter `id` (ONNX, card) and enters it in the catalogue (replacing an
 * entry of the same id). Returns the paths written.
 */
export async function saveAdapter(
  id: string,
  trained: TrainedAdapter,
  info: {
    origin: string;
    base: string;
    command: string;
    figures?: Record<string, unknown>;
    description?: string;
  },
  places: AdapterPlaces = {},
): Promise<{ onnx: string; card: string; catalogue: string; spec: AdapterSpec }> {
  const bad = checkAdapterId(id);
  if (bad) throw new ToolkitError(`adapter id ${bad}`);
  const catalogue = places.catalogue ?? DEFAULT_CATALOGUE.pathname;
  const catDir = catalogue.slice(0, catalogue.lastIndexOf("/") + 1) || "./";
  const cards = places.cards ?? `${catDir}adapters`;
  const weights = places.weights ?? weightsDir();
  const file = `adapters/${id}.onnx`;
  const onnx = `${weights}/${file}`;
  const bytes = adapterOnnx(trained.weights);
  const sha256 = await sha256Hex(bytes);
  await Deno.mkdir(`${weights}/adapters`, { recursive: true });
  await Deno.writeFile(`${onnx}.part`, bytes);
  await Deno.rename(`${onnx}.part`, onnx);
  const o = trained.options;
  const card: AdapterCard = {
    id,
    base: info.base,
    data: info.origin,
    loss: o.loss,
    head: {
      kind: o.head,
      inDim: trained.weights.inDim,
      outDim: trained.weights.outDim,
      hidden: trained.weights.hidden,
    },
    epochs: o.epochs,
    bestEpoch: trained.bestEpoch,
    seed: o.seed,
    options: { ...o, backend: trained.backend },
    counts: trained.counts,
    figures: { before: trained.before, after: trained.after, ...(info.figures ?? {}) },
    history: trained.history.map((h) => ({
      epoch: h.epoch,
      loss: h.loss,
      validationAccuracy: h.validation?.verificationAccuracy,
      validationGap: h.validation?.gap,
    })),
    seconds: trained.seconds,
    date: new Date().toISOString(),
    command: info.command,
    sha256,
  };
  await Deno.mkdir(cards, { recursive: true });
  const cardPath = `${cards}/${id}.card.json`;
  await Deno.writeTextFile(cardPath, JSON.stringify(card, null, 2) + "\n");
  const text = await Deno.readTextFile(catalogue);
  const raw = JSON.parse(text) as Record<string, unknown>;
  const spec: AdapterSpec = {
    id,
    task: "adapter",
    family: "embedding-adapter",
    description: info.description ??
      `${o.head} head (${trained.weights.inDim} -> ${trained.weights.outDim}), ${o.loss}, on ${info.origin}`,
    base: info.base,
    file,
    sha256,
    source: { trained: info.command },
    card: cardPath.startsWith(catDir) ? `models/${cardPath.slice(catDir.length)}` : cardPath,
    input: { dim: trained.weights.inDim },
    output: { dim: trained.weights.outDim },
  };
  const list = (Array.isArray(raw.adapters) ? raw.adapters : []).filter((a: { id?: string }) => a.id !== id);
  list.push(spec);
  const next = { ...raw, adapters: list };
  parseCatalogue(next, catalogue); // never write a catalogue that does not load
  await Deno.writeTextFile(`${catalogue}.part`, catalogueText(text, next));
  await Deno.rename(`${catalogue}.part`, catalogue);
  return { onnx, card: cardPath, catalogue, spec };
}

/**
 * The catalogue's new text: the old text as it was (its formatting kept) with the `adapters`
 * list written last; the whole file re-serialised only when that would not give `next`.
 */
export function catalogueText(old: string, next: Record<string, unknown>): string {
  const block = `  "adapters": ${JSON.stringify(next.adapters, null, 2).replaceAll("\n", "\n  ")}`;
  let body = old.trimEnd();
  const at = body.search(/,\s*"adapters"\s*:\s*\[/);
  if (at >= 0) body = body.slice(0, at) + "\n}";
  const close = body.lastIndexOf("}");
  const text = `${body.slice(0, close).trimEnd()},\n${block}\n}\n`;
  try {
    if (JSON.stringify(JSON.parse(text)) === JSON.stringify(next)) return text;
  } catch {
    // fall through
  }
  return JSON.stringify(next, null, 2) + "\n";
}
