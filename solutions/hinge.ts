/**
 * Exercise: the max-margin (hinge) objective and its multi-class form.
 *
 * Notebook: notebooks/03_max_margin.ipynb. Write each function between BEGIN YOUR CODE and
 * END YOUR CODE, then grade it with `deno task grade hinge` (or run the grading cell at the end
 * of the notebook). Scores of pairs come as plain arrays; multi-class scores as an N×C Matrix
 * (one example per row, `scores.get(i, j)` is example i's score for class j).
 */

import { Matrix } from "../lib/core/matrix.ts";

/**
 * The pairwise hinge of a batch of N (true, corrupted) window pairs, averaged over the batch:
 * `J = (1/N)·Σ_i max(0, delta − sTrue[i] + sCorrupt[i])`.
 *
 * Return `{ loss, dsTrue, dsCorrupt }`: the number J and the arrays `∂J/∂sTrue[i]` and
 * `∂J/∂sCorrupt[i]` (each of length N). A pair counts as active when
 * `delta − sTrue[i] + sCorrupt[i] >= 0` — exactly on the corner the gradient passes, as
 * `torch.clamp(…, min=0)` gives.
 */
export function pairwiseHinge(
  sTrue: readonly number[],
  sCorrupt: readonly number[],
  delta: number,
): { loss: number; dsTrue: number[]; dsCorrupt: number[] } {
  // BEGIN YOUR CODE: pairwiseHinge
  const n = sTrue.length;
  const dsTrue = new Array<number>(n).fill(0);
  const dsCorrupt = new Array<number>(n).fill(0);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const z = delta - sTrue[i] + sCorrupt[i];
    if (z >= 0) {
      loss += z;
      dsTrue[i] = -1 / n;
      dsCorrupt[i] = 1 / n;
    }
  }
  return { loss: loss / n, dsTrue, dsCorrupt };
  // END YOUR CODE
}

/**
 * PyTorch's `nn.MultiMarginLoss(margin)` with p = 1 and the default mean over the batch:
 * for row i with true class y = labels[i],
 * `L_i = (1/C)·Σ_{j ≠ y} max(0, margin − scores[i][y] + scores[i][j])`, and `L = mean_i L_i`.
 *
 * Return `{ loss, dscores }`: the number L and `∂L/∂scores`, an N×C Matrix. A term exactly on
 * the corner (`margin − scores[i][y] + scores[i][j] === 0`) contributes no gradient, as in
 * PyTorch.
 */
export function multiMarginLoss(
  scores: Matrix,
  labels: readonly number[],
  margin: number,
): { loss: number; dscores: Matrix } {
  // BEGIN YOUR CODE: multiMarginLoss
  const n = scores.rows, c = scores.cols;
  const dscores = new Matrix(n, c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    for (let j = 0; j < c; j++) {
      if (j === y) continue;
      const z = margin - scores.get(i, y) + scores.get(i, j);
      if (z > 0) {
        loss += z / c;
        dscores.set(i, j, dscores.get(i, j) + 1 / (c * n));
        dscores.set(i, y, dscores.get(i, y) - 1 / (c * n));
      }
    }
  }
  return { loss: loss / n, dscores };
  // END YOUR CODE
}
