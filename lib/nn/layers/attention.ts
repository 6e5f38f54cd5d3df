/**
 * Scaled dot-product attention for one sequence of queries against one set of keys.
 *
 * Queries `Q` (N×d), keys `K` (M×d), values `V` (M×dv). Each query row is compared with
 * every key row by a dot product, scaled by `1/√d` so the scores do not grow with the
 * dimension (for unit-variance entries a dot product of length d has variance d):
 *
 *     S = Q·Kᵀ / √d              (N×M scores)
 *     A = softmax of each row of S (N×M weights, each row sums to 1)
 *     out = A·V                  (N×dv: each query gets a weighted average of the values)
 *
 * An optional boolean mask (N×M) says which keys each query may look at: `true` = allowed,
 * as in PyTorch 2's `scaled_dot_product_attention` with a boolean `attn_mask`. A blocked
 * score is set to −∞ before the softmax, so its weight is exactly 0. `isCausal` blocks every
 * key after the query's own position (query i sees keys 0 … i), as PyTorch's `is_causal`;
 * `scale` replaces the factor `1/√d` (PyTorch's `scale`), e.g. `scale: 1` to see what the
 * scaling prevents.
 *
 * @module
 */

import { assertFinite, matmul, Matrix, ShapeError, shapeOf, transpose } from "../../core/matrix.ts";

/** Which keys each query may attend to: `mask[i][j] === true` lets query i see key j. */
export type AttentionMask = readonly (readonly boolean[])[];

/** What {@link attentionBackward} needs from the forward pass. */
export interface AttentionCache {
  q: Matrix;
  k: Matrix;
  v: Matrix;
  /** The softmax weights A, N×M. */
  weights: Matrix;
  /** The factor the scores were multiplied by. */
  scale: number;
}

/** Options of {@link attentionForward}. */
export interface AttentionOptions {
  /** Which keys each query may see (default: all), as PyTorch 2's boolean `attn_mask`. */
  mask?: AttentionMask;
  /** Query i sees only keys 0 … i (PyTorch's `is_causal`; default false). Combines with `mask`. */
  isCausal?: boolean;
  /** The factor applied to `Q·Kᵀ` (default `1/√d`, PyTorch's `scale=None`). */
  scale?: number;
}

/**
 * Forward pass. Returns the context `out` (N×dv), the attention `weights` (N×M) — for
 * plotting which keys each query looked at — and the `scores` `scale·Q·Kᵀ` (N×M; `Q·Kᵀ/√d` by default) before
 * the mask and the softmax. Throws a ShapeError naming `attentionForward` if the sizes do not fit, and a
 * RangeError if a mask row blocks every key (its softmax would be 0/0) or `scale` is not a
 * finite positive number.
 */
export function attentionForward(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  o: AttentionOptions = {},
): { out: Matrix; weights: Matrix; scores: Matrix; cache: AttentionCache } {
  const op = "attentionForward";
  const { mask, isCausal = false, scale = 1 / Math.sqrt(q.cols) } = o;
  if (q.rows === 0) throw new ShapeError(`${op}: no queries (Q is ${shapeOf(q)})`);
  if (k.rows === 0) throw new ShapeError(`${op}: no keys (K is ${shapeOf(k)})`);
  if (q.cols !== k.cols) {
    throw new ShapeError(
      `${op}: queries Q ${shapeOf(q)} and keys K ${shapeOf(k)} must have the same width`,
    );
  }
  if (v.rows !== k.rows) {
    throw new ShapeError(
      `${op}: keys K ${shapeOf(k)} and values V ${shapeOf(v)} must have the same number of rows`,
    );
  }
  const N = q.rows, M = k.rows;
  if (mask !== undefined) {
    if (mask.length !== N || mask.some((row) => row.length !== M)) {
      throw new ShapeError(
        `${op}: mask must be ${N}×${M} (queries × keys), got ${mask.length} rows of lengths ${
          mask.map((r) => r.length).join(", ")
        }`,
      );
    }
  }
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new RangeError(`${op}: scale must be a finite positive number, got ${scale}`);
  }
  const allowed = (i: number, j: number) =>
    (mask === undefined || mask[i][j]) && (!isCausal || j <= i);
  for (let i = 0; i < N; i++) {
    if (!Array.from({ length: M }, (_, j) => allowed(i, j)).includes(true)) {
      throw new RangeError(`${op}: mask row ${i} blocks every key (softmax would be 0/0)`);
    }
  }
  assertFinite(op, q);
  assertFinite(op, k);
  assertFinite(op, v);

  const scores = matmul(q, transpose(k)).map((s) => s * scale);
  const masked = mask === undefined && !isCausal
    ? scores
    : scores.map((s, i, j) => (allowed(i, j) ? s : -Infinity));
  const weights = softmaxRows(masked);
  return { out: matmul(weights, v), weights, scores, cache: { q, k, v, weights, scale } };
}

/**
 * Backward pass, given `dout` = ∂L/∂out (N×dv):
 * - `dV = Aᵀ·dout` and `dA = dout·Vᵀ` (the product rule on `out = A·V`);
 * - through each row's softmax, `dS_ij = A_ij · (dA_ij − Σ_k A_ik dA_ik)`;
 *   blocked entries have `A_ij = 0`, so they receive no gradient;
 * - `dQ = dS·K / √d` and `dK = dSᵀ·Q / √d` (the product rule on `S = Q·Kᵀ/√d`).
 *
 * Also returns `dscores` = dS, the gradient reaching the scaled scores: where the softmax is
 * saturated (one weight near 1), it is near 0 whatever `dout` is.
 */
export function attentionBackward(
  dout: Matrix,
  cache: AttentionCache,
): { dq: Matrix; dk: Matrix; dv: Matrix; dscores: Matrix } {
  const { q, k, v, weights: a, scale } = cache;
  if (dout.rows !== q.rows || dout.cols !== v.cols) {
    throw new ShapeError(
      `attentionBackward: dout is ${shapeOf(dout)} but the output was ${q.rows}×${v.cols}`,
    );
  }
  const dv = matmul(transpose(a), dout);
  const da = matmul(dout, transpose(v));
  const ds = new Matrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    let dot = 0;
    for (let j = 0; j < a.cols; j++) dot += a.get(i, j) * da.get(i, j);
    for (let j = 0; j < a.cols; j++) ds.set(i, j, a.get(i, j) * (da.get(i, j) - dot));
  }
  const dq = matmul(ds, k).map((g) => g * scale);
  const dk = matmul(transpose(ds), q).map((g) => g * scale);
  return { dq, dk, dv, dscores: ds };
}

/** Softmax of each row, shifted by the row maximum so `exp` cannot overflow. */
function softmaxRows(s: Matrix): Matrix {
  const out = new Matrix(s.rows, s.cols);
  for (let i = 0; i < s.rows; i++) {
    const row = s.row(i);
    const max = Math.max(...row);
    const e = row.map((x) => Math.exp(x - max)); // exp(−∞) = 0 for blocked keys
    const total = e.reduce((t, x) => t + x, 0);
    e.forEach((x, j) => out.set(i, j, x / total));
  }
  return out;
}
