/**
 * Exercise: the max-margin (hinge) objective and its multi-class form.
 *
 * Notebook: notebooks/03_max_margin.ipynb. Write each function between BEGIN YOUR CODE and
 * END YOUR CODE, then grade it with `deno task grade hinge` (or run the grading cell at the end
 * of the notebook). Scores come as a Matrix, one example per row (`scores.get(i, j)`); like
 * every loss in lib/, each function takes the scores, then the labels (if any), then an options
 * object, and returns `{ loss, grad }` with `grad = ∂loss/∂scores` shaped like the scores.
 */

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

import { Matrix } from "../lib/core/matrix.ts";

/**
 * The pairwise hinge of a batch of N (true, corrupted) window pairs, averaged over the batch.
 * `scores` is N×2: `scores.get(i, 0)` is the true window's score, `scores.get(i, 1)` the
 * corrupted one's. With Δ = `o.margin`,
 * `J = (1/N)·Σ_i max(0, Δ − scores[i][0] + scores[i][1])`.
 *
 * Return `{ loss, grad }`: the number J and `∂J/∂scores`, an N×2 Matrix. A pair counts as
 * active only when `Δ − scores[i][0] + scores[i][1] > 0`: exactly at the margin it is
 * inactive, as for `relu` and PyTorch's `MultiMarginLoss`.
 */
export function pairwiseHinge(
  scores: Matrix,
  o: { margin: number },
): { loss: number; grad: Matrix } {
  // BEGIN YOUR CODE: pairwiseHinge
  return todo("pairwiseHinge");
  // END YOUR CODE
}

/**
 * PyTorch's `nn.MultiMarginLoss(margin)` with p = 1 and the default mean over the batch:
 * for row i with true class y = labels[i],
 * `L_i = (1/C)·Σ_{j ≠ y} max(0, margin − scores[i][y] + scores[i][j])`, and `L = mean_i L_i`.
 *
 * Return `{ loss, grad }`: the number L and `∂L/∂scores`, an N×C Matrix. A term exactly at
 * the margin (`margin − scores[i][y] + scores[i][j] === 0`) is inactive, as in PyTorch.
 */
export function multiMarginLoss(
  scores: Matrix,
  labels: readonly number[],
  o: { margin: number },
): { loss: number; grad: Matrix } {
  // BEGIN YOUR CODE: multiMarginLoss
  return todo("multiMarginLoss");
  // END YOUR CODE
}
