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

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

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
  return todo("attentionForward");
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
  return todo("attentionBackward");
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
