/**
 * Dense row-major matrices of 32-bit floats: the one shape embeddings travel in.
 * @module
 */

/** A dense row-major matrix: element (r, c) is `data[r * cols + c]`. */
export interface Matrix {
  /** Row-major values; length is `rows * cols`. */
  data: Float32Array;
  /** Number of rows (one per item, e.g. one per face). */
  rows: number;
  /** Number of columns (the dimension of each row). */
  cols: number;
}

/**
 * Makes a matrix, checking that the data has exactly `rows * cols` values.
 *
 * @example
 * ```ts
 * const m = matrix(new Float32Array([1, 2, 3, 4]), 2, 2);
 * ```
 */
export function matrix(data: Float32Array, rows: number, cols: number): Matrix {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`matrix: rows and cols must be non-negative integers, got ${rows}x${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new RangeError(`matrix: data has ${data.length} values, expected ${rows}x${cols}=${rows * cols}`);
  }
  return { data, rows, cols };
}

/** Returns row `r` of `m` as a view (no copy). */
export function row(m: Matrix, r: number): Float32Array {
  return m.data.subarray(r * m.cols, (r + 1) * m.cols);
}

/** Scales every row of `m` to unit L2 norm in place (zero rows stay zero) and returns `m`. */
export function normalizeRows(m: Matrix): Matrix {
  const { data, rows, cols } = m;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const o = r * cols;
    for (let c = 0; c < cols; c++) s += data[o + c] * data[o + c];
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let c = 0; c < cols; c++) data[o + c] *= inv;
    }
  }
  return m;
}
