/**
 * Exercise: softmax and the softmax cross-entropy loss, with its gradient.
 *
 * Notebook: notebooks/05_softmax_cross_entropy.ipynb. Write each function between BEGIN YOUR
 * CODE and END YOUR CODE, then grade them with `deno task grade softmax` (or run the grading cell
 * at the end of the notebook). Scores come as an N×C Matrix, one example per row
 * (`scores.get(i, j)`), and labels as N class indices in 0 … C−1. Like every loss in lib/, the
 * loss returns `{ loss, grad }` with `grad = ∂loss/∂scores`, shaped like the scores.
 *
 * Both functions must stay finite and right for scores in the thousands (positive or negative):
 * `Math.exp(710)` is already `Infinity` in float64.
 */

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

import { Matrix } from "../lib/core/matrix.ts";

/**
 * Softmax of each row: `p[i][j] = e^{scores[i][j]} / Σ_k e^{scores[i][k]}`. Returns an N×C
 * Matrix whose rows are probability vectors (positive, summing to 1). Do not modify `scores`.
 */
export function softmax(scores: Matrix): Matrix {
  // BEGIN YOUR CODE: softmax
  return todo("softmax");
  // END YOUR CODE
}

/**
 * Softmax cross-entropy averaged over the batch, as PyTorch's `F.cross_entropy(scores, labels)`:
 * `L = (1/N)·Σ_i −log softmax(scores row i)[labels[i]]`.
 *
 * Return `{ loss, grad }`: the number L and `∂L/∂scores`, an N×C Matrix (notebook 05 derives
 * it). The loss must stay finite when a true class scores hundreds below the best class, where
 * its probability is smaller than the smallest float64 (e^{−800} is 0).
 */
export function softmaxCrossEntropy(
  scores: Matrix,
  labels: readonly number[],
): { loss: number; grad: Matrix } {
  // BEGIN YOUR CODE: softmaxCrossEntropy
  return todo("softmaxCrossEntropy");
  // END YOUR CODE
}
