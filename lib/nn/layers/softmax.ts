/**
 * Row-wise softmax, computed stably, and its backward pass.
 *
 * `softmax(x)_j = exp(x_j) / Σ_k exp(x_k)` for each row. Subtracting the row's maximum first
 * changes nothing mathematically (the factor exp(−max) cancels) but keeps every exponent ≤ 0,
 * so nothing overflows and the largest term is exactly 1, so the sum never underflows to 0.
 *
 * @module
 */

import { assertFinite, Matrix, ShapeError, shapeOf } from "../../core/matrix.ts";

/** What {@link softmaxBackward} needs: the output itself. */
export interface SoftmaxCache {
  y: Matrix;
}

/** Forward pass on N×C scores; each output row is a probability vector. */
export function softmaxForward(x: Matrix): { out: Matrix; cache: SoftmaxCache } {
  if (x.rows === 0) throw new Error("softmaxForward: empty batch (x has 0 rows)");
  if (x.cols === 0) {
    throw new Error("softmaxForward: a row needs at least one entry (x has 0 columns)");
  }
  assertFinite("softmaxForward", x);
  const c = x.cols;
  const y = new Matrix(x.rows, c);
  for (let i = 0; i < x.rows; i++) {
    let max = -Infinity, sum = 0;
    for (let j = 0; j < c; j++) max = Math.max(max, x.data[i * c + j]);
    for (let j = 0; j < c; j++) {
      const e = Math.exp(x.data[i * c + j] - max);
      y.data[i * c + j] = e;
      sum += e;
    }
    for (let j = 0; j < c; j++) y.data[i * c + j] /= sum;
  }
  return { out: y, cache: { y } };
}

/**
 * Backward pass as a Jacobian-vector product, without building the C×C Jacobian
 * `∂y_j/∂x_k = y_j(δ_jk − y_k)`: per row, `dx = y ⊙ (dout − (dout · y))`.
 */
export function softmaxBackward(dout: Matrix, cache: SoftmaxCache): { dx: Matrix } {
  const { y } = cache;
  if (dout.rows !== y.rows || dout.cols !== y.cols) {
    throw new ShapeError(
      `softmaxBackward: dout must be ${shapeOf(y)} (like out), got ${shapeOf(dout)}`,
    );
  }
  assertFinite("softmaxBackward", dout);
  const c = y.cols;
  const dx = new Matrix(y.rows, c);
  for (let i = 0; i < y.rows; i++) {
    let dot = 0;
    for (let j = 0; j < c; j++) dot += dout.data[i * c + j] * y.data[i * c + j];
    for (let j = 0; j < c; j++) {
      dx.data[i * c + j] = y.data[i * c + j] * (dout.data[i * c + j] - dot);
    }
  }
  return { dx };
}

/**
 * The entropy of each row of a matrix of probabilities, in nats: `H = −Σ_j p_j ln p_j`, with
 * `0·ln 0 = 0`. It is `ln M` for a uniform row of M entries and 0 for a one-hot row, so it says
 * how spread out a softmax (or an attention row) is. Rows must be non-negative and sum to 1
 * (within 1e-9).
 */
export function rowEntropy(p: Matrix): number[] {
  assertFinite("rowEntropy", p);
  return Array.from({ length: p.rows }, (_, i) => {
    const row = p.data.subarray(i * p.cols, (i + 1) * p.cols);
    let total = 0, h = 0;
    for (const v of row) {
      if (v < 0) throw new RangeError(`rowEntropy: row ${i} has a negative entry ${v}`);
      total += v;
      if (v > 0) h -= v * Math.log(v);
    }
    if (Math.abs(total - 1) > 1e-9) {
      throw new RangeError(`rowEntropy: row ${i} sums to ${total}, not 1`);
    }
    return h;
  });
}
