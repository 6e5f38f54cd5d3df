/**
 * Exercise: scaled dot-product attention, forward and backward, with an optional mask.
 *
 * Notebook: notebooks/28_attention.ipynb. Write the two functions between BEGIN YOUR CODE and
 * END YOUR CODE, then grade them with `deno task grade attention` (or run the grading cell at the
 * end of the notebook). The grader runs your forward, hands its `cache` to your backward, and
 * checks both against the library (matched to PyTorch) and against numerical gradients.
 *
 * You may use the Matrix class and the generic operations of lib/core/matrix.ts (matmul,
 * transpose, …); the point is to write attention yourself, so do not import the course's layers.
 */

import { Matrix } from "../lib/core/matrix.ts";

/** Whatever your forward pass saves for the backward pass. */
export type AttentionCache = Record<string, unknown>;

/** `mask[i][j]` is true when query i may attend to key j (PyTorch's boolean `attn_mask`). */
export type Mask = readonly (readonly boolean[])[];

/**
 * Attention of N queries `q` (N×d) over M keys `k` (M×d) with values `v` (M×dv):
 *
 *     S = Q·Kᵀ / √d          (N×M scores)
 *     A = softmax of each row of S, over the keys
 *     out = A·V              (N×dv)
 *
 * With `o.mask` (N×M), a query may only attend to the keys its row allows: a blocked key must
 * get weight exactly 0 and the allowed weights of each row must still sum to 1. Every row allows
 * at least one key. Return `{ out, weights: A, cache }`; do not modify the inputs. Tip: subtract
 * each row's largest (allowed) score before exponentiating.
 */
export function attentionForward(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  o: { mask?: Mask } = {},
): { out: Matrix; weights: Matrix; cache: AttentionCache } {
  // BEGIN YOUR CODE: attentionForward
  const N = q.rows, M = k.rows, d = q.cols, dv = v.cols;
  const weights = new Matrix(N, M), out = new Matrix(N, dv);
  for (let i = 0; i < N; i++) {
    const s = Array.from({ length: M }, (_, j) => {
      if (o.mask && !o.mask[i][j]) return -Infinity; // blocked: e^(−∞) = 0
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q.get(i, c) * k.get(j, c);
      return dot / Math.sqrt(d);
    });
    const max = Math.max(...s);
    const e = s.map((x) => Math.exp(x - max));
    const total = e.reduce((a, b) => a + b, 0);
    e.forEach((x, j) => weights.set(i, j, x / total));
    for (let c = 0; c < dv; c++) {
      let sum = 0;
      for (let j = 0; j < M; j++) sum += weights.get(i, j) * v.get(j, c);
      out.set(i, c, sum);
    }
  }
  return { out, weights, cache: { q, k, v, weights } };
  // END YOUR CODE
}

/**
 * The backward pass of {@link attentionForward}, given `dout = ∂L/∂out` (N×dv) and your
 * `cache`: return `{ dq, dk, dv }`, shaped like `q`, `k` and `v`.
 */
export function attentionBackward(
  dout: Matrix,
  cache: AttentionCache,
): { dq: Matrix; dk: Matrix; dv: Matrix } {
  // BEGIN YOUR CODE: attentionBackward
  const { q, k, v, weights: a } = cache as Record<string, Matrix>;
  const N = q.rows, M = k.rows, d = q.cols;
  const scale = 1 / Math.sqrt(d);
  const dq = new Matrix(N, d), dk = new Matrix(M, d), dvOut = new Matrix(M, v.cols);
  for (let i = 0; i < N; i++) {
    // dA_ij = dout_i · v_j; through the softmax, dS_ij = A_ij (dA_ij − Σ_m A_im dA_im)
    const dA = Array.from({ length: M }, (_, j) => {
      let s = 0;
      for (let c = 0; c < v.cols; c++) s += dout.get(i, c) * v.get(j, c);
      return s;
    });
    const mean = dA.reduce((s, x, j) => s + a.get(i, j) * x, 0);
    for (let j = 0; j < M; j++) {
      const dS = a.get(i, j) * (dA[j] - mean) * scale; // blocked keys: A_ij = 0
      for (let c = 0; c < d; c++) {
        dq.data[i * d + c] += dS * k.get(j, c);
        dk.data[j * d + c] += dS * q.get(i, c);
      }
      for (let c = 0; c < v.cols; c++) dvOut.data[j * v.cols + c] += a.get(i, j) * dout.get(i, c);
    }
  }
  return { dq, dk, dv: dvOut };
  // END YOUR CODE
}

/** Forward then backward, as the grader runs them (not part of the exercise). */
export function attentionStep(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  dout: Matrix,
  mask?: Mask,
): { out: Matrix; weights: Matrix; dq: Matrix; dk: Matrix; dv: Matrix } {
  const f = attentionForward(q, k, v, { mask });
  return { out: f.out, weights: f.weights, ...attentionBackward(dout, f.cache) };
}
