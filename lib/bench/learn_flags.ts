/**
 * Flags that the learning benchmarks on few training faces (`bench:learn-review`,
 * `lib/bench/learn_augmented.ts`) share, declared once.
 * @module
 */
import { flag } from "../flags/types.ts";

/** `--learning-rate`: Adam's learning rate, 1e-4 by default (small training sets). */
export const SMALL_SET_LEARNING_RATE_FLAG = flag({
  type: "number",
  min: 0,
  exclusiveMin: true,
  default: 1e-4,
  placeholder: "r",
  help: "Adam's learning rate",
});
