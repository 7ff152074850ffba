/**
 * Choices and flags that `deno task learn` and the learning benchmarks share, declared once.
 * This module loads no tfjs (lib/learn/train.ts does), so that `--help` stays quick.
 * @module
 */
import { flag } from "../flags/types.ts";
import type { HeadKind, LossKind } from "./types.ts";

/** Every loss, as `--loss` choices. */
export const LOSS_CHOICES = [
  "triplet-batch-hard",
  "triplet-semi-hard",
  "supcon",
  "contrastive",
] as const satisfies readonly LossKind[];

/** Every head, as `--head` choices. */
export const HEAD_CHOICES = ["linear", "mlp-residual"] as const satisfies readonly HeadKind[];

/** `--learning-rate`: Adam's step size (default 1e-3). */
export const LEARNING_RATE_FLAG = flag({
  type: "number",
  min: 1e-7,
  max: 1,
  default: 1e-3,
  placeholder: "r",
  help: "Adam's step size",
});
