/**
 * The fully connected (linear, dense) layer in PyTorch's layout.
 *
 * A batch `x` is N×in (one example per row), the weight `w` is out×in and the bias `b` is a
 * 1×out row, so `out = x·wᵀ + b` is N×out: row n is `W xₙ + b` for example n.
 *
 * @module
 */

import {
  addRow,
  assertFinite,
  matmul,
  matmulNT,
  matmulTN,
  Matrix,
  ShapeError,
  shapeOf,
  sumRows,
} from "../../core/matrix.ts";

/** What {@link linearBackward} needs from the forward pass. */
export interface LinearCache {
  x: Matrix;
  w: Matrix;
}

/**
 * Forward pass `out = x·wᵀ + b`.
 *
 * Throws a ShapeError if `x` is not N×in for `w` out×in, or `b` is not 1×out; an Error for an
 * empty batch; a NonFiniteError for NaN/Infinity in any input.
 */
export function linearForward(
  x: Matrix,
  w: Matrix,
  b: Matrix,
): { out: Matrix; cache: LinearCache } {
  if (x.cols !== w.cols) {
    throw new ShapeError(
      `linearForward: x is ${shapeOf(x)} but w is ${shapeOf(w)} (x needs ${w.cols} columns)`,
    );
  }
  if (b.rows !== 1 || b.cols !== w.rows) {
    throw new ShapeError(
      `linearForward: b must be 1×${w.rows} for w ${shapeOf(w)}, got ${shapeOf(b)}`,
    );
  }
  if (x.rows === 0) throw new Error("linearForward: empty batch (x has 0 rows)");
  assertFinite("linearForward", x);
  assertFinite("linearForward", w);
  assertFinite("linearForward", b);
  return { out: addRow(matmulNT(x, w), b), cache: { x, w } }; // x·Wᵀ + b
}

/**
 * Backward pass of `out = x·wᵀ + b` given `dout = ∂L/∂out` (N×out).
 *
 * - `dx = dout·w` (N×in): each input feeds every output through its weight;
 * - `dw = doutᵀ·x` (out×in, the same layout as `w`): the sum over the batch of the outer
 *   products `δₙ xₙᵀ`, which is the single-sample rule `∂L/∂W_ij = δ_i x_j` summed;
 * - `db = Σₙ doutₙ` (1×out): the bias feeds every example with weight 1.
 */
export function linearBackward(
  dout: Matrix,
  cache: LinearCache,
): { dx: Matrix; dw: Matrix; db: Matrix } {
  const { x, w } = cache;
  if (dout.rows !== x.rows || dout.cols !== w.rows) {
    throw new ShapeError(
      `linearBackward: dout must be ${x.rows}×${w.rows} (like out), got ${shapeOf(dout)}`,
    );
  }
  assertFinite("linearBackward", dout);
  return { dx: matmul(dout, w), dw: matmulTN(dout, x), db: sumRows(dout) }; // dw = doutᵀ·x
}
