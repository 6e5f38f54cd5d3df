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
  allFinite,
  assertFinite,
  ifShape,
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

/** The gradients {@link linearBackward} returns; `dx` is `null` when it was not asked for. */
export interface LinearGrads<DX extends Matrix | null = Matrix> {
  dx: DX;
  dw: Matrix;
  db: Matrix;
}

/** Options of {@link linearForward}. */
export interface LinearForwardOptions {
  /**
   * The `out` of an earlier call, overwritten if it has the right shape instead of allocating
   * a new matrix: a training loop passes last step's, so that steps allocate nothing large.
   */
  reuse?: Matrix;
}

/** Options of {@link linearBackward}. */
export interface LinearBackwardOptions {
  /**
   * Whether to compute `dx` (default true). A first layer's input is data, whose gradient
   * nobody needs; `false` skips `dx = dout·w`, as large a product as the forward pass, and
   * gives `dx: null`. (PyTorch skips it the same way for an input without `requires_grad`;
   * the name is its `ctx.needs_input_grad`.)
   */
  needsInputGrad?: boolean;
  /** The result of an earlier call, whose matrices of the right shape are overwritten. */
  reuse?: LinearGrads<Matrix | null>;
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
  o: LinearForwardOptions = {},
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
  const out = matmulNT(x, w, { out: ifShape(o.reuse, x.rows, w.rows) }); // x·Wᵀ
  addRow(out, b, { out }); // + b, in place
  // A NaN or ±∞ anywhere in x, w or b reaches the output (∞·0 is NaN, ∞ − ∞ too), so the
  // inputs, w the largest of them, are searched for the culprit only when the output is not
  // finite. An overflow from finite inputs is no error, as in PyTorch.
  if (out.size === 0 || !allFinite(out)) {
    assertFinite("linearForward", x);
    assertFinite("linearForward", w);
    assertFinite("linearForward", b);
  }
  return { out, cache: { x, w } };
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
  o?: LinearBackwardOptions & { needsInputGrad?: true },
): LinearGrads;
export function linearBackward(
  dout: Matrix,
  cache: LinearCache,
  o: LinearBackwardOptions,
): LinearGrads<Matrix | null>;
export function linearBackward(
  dout: Matrix,
  cache: LinearCache,
  o: LinearBackwardOptions = {},
): LinearGrads<Matrix | null> {
  const { x, w } = cache;
  const { needsInputGrad = true, reuse } = o;
  if (dout.rows !== x.rows || dout.cols !== w.rows) {
    throw new ShapeError(
      `linearBackward: dout must be ${x.rows}×${w.rows} (like out), got ${shapeOf(dout)}`,
    );
  }
  const db = sumRows(dout, { out: ifShape(reuse?.db, 1, w.rows) });
  // A NaN or ±∞ in dout makes its column's sum NaN or ±∞: dout is searched only then.
  if (!allFinite(db)) assertFinite("linearBackward", dout);
  return {
    dx: needsInputGrad ? matmul(dout, w, { out: ifShape(reuse?.dx, x.rows, x.cols) }) : null,
    dw: matmulTN(dout, x, { out: ifShape(reuse?.dw, w.rows, w.cols) }), // doutᵀ·x
    db,
  };
}
