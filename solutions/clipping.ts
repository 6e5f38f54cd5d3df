/**
 * Exercise: clipping gradients by their global norm, as PyTorch's `clip_grad_norm_` does.
 *
 * Notebook: notebooks/14_gradient_clipping.ipynb. Write each function between BEGIN YOUR CODE
 * and END YOUR CODE, then grade them with `deno task grade clipping` (or run the grading cell
 * at the end of the notebook). A network's gradients are several matrices (one per weight and
 * bias); a Matrix keeps its entries row by row in `g.data` (a Float64Array).
 */

import type { Matrix } from "../lib/core/matrix.ts";

/**
 * The global (Euclidean) norm of all the gradients together, as if their entries were laid
 * end to end in one long vector. 0 for an empty list.
 */
export function globalNorm(grads: readonly Matrix[]): number {
  // BEGIN YOUR CODE: globalNorm
  let sumOfSquares = 0;
  for (const g of grads) {
    for (const v of g.data) sumOfSquares += v * v;
  }
  return Math.sqrt(sumOfSquares);
  // END YOUR CODE
}

/**
 * Clips `grads` by their global norm exactly as `torch.nn.utils.clip_grad_norm_(params,
 * maxNorm)` does (the notebook shows how it computes its factor): every gradient is multiplied
 * by the same factor, in place, so that the global norm ends up no larger than `maxNorm`, and
 * gradients already within the limit are left as they are.
 *
 * Return `{ totalNorm, grads }`: the global norm as PyTorch returns it, and the (clipped)
 * gradients.
 */
export function clipGradNorm(
  grads: Matrix[],
  maxNorm: number,
): { totalNorm: number; grads: Matrix[] } {
  // BEGIN YOUR CODE: clipGradNorm
  const totalNorm = globalNorm(grads); // measured before clipping: what PyTorch returns
  const factor = Math.min(1, maxNorm / (totalNorm + 1e-6));
  for (const g of grads) {
    for (let k = 0; k < g.data.length; k++) g.data[k] *= factor;
  }
  return { totalNorm, grads };
  // END YOUR CODE
}
