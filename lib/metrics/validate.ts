/**
 * Input checks shared by all metrics, with errors that name the offending lengths and values.
 * @module
 */
import type { Matrix } from "../matrix.ts";

/**
 * Checks a truth/prediction pair: same non-zero length, truth labels >= 0, predicted labels >= -1.
 * Throws a RangeError otherwise.
 */
export function checkExternal(truth: Int32Array, pred: Int32Array, what: string): void {
  if (truth.length !== pred.length) {
    throw new RangeError(
      `${what}: truth has ${truth.length} labels but pred has ${pred.length}; they must match`,
    );
  }
  if (truth.length === 0) throw new RangeError(`${what}: empty input (0 labels)`);
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0) {
      throw new RangeError(`${what}: truth label at index ${i} is ${truth[i]}; truth labels must be >= 0`);
    }
    if (pred[i] < -1) {
      throw new RangeError(`${what}: pred label at index ${i} is ${pred[i]}; labels must be >= -1`);
    }
  }
}

/**
 * Checks embeddings and labels: one label per row, at least one row, labels >= -1.
 * Throws a RangeError otherwise.
 */
export function checkInternal(x: Matrix, labels: Int32Array, what: string): void {
  if (x.rows !== labels.length) {
    throw new RangeError(
      `${what}: embeddings have ${x.rows} rows but labels has ${labels.length} entries; they must match`,
    );
  }
  if (x.data.length !== x.rows * x.cols) {
    throw new RangeError(`${what}: matrix data has ${x.data.length} values, expected ${x.rows}x${x.cols}`);
  }
  if (labels.length === 0) throw new RangeError(`${what}: empty input (0 labels)`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < -1) {
      throw new RangeError(`${what}: label at index ${i} is ${labels[i]}; labels must be >= -1`);
    }
  }
}
