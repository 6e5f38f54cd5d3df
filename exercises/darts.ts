/**
 * Exercise: DARTS' mixed operation, forward and backward with respect to the architecture
 * weights α.
 *
 * Notebook: notebooks/34_darts.ipynb. Write each function between BEGIN YOUR CODE and END YOUR
 * CODE, then grade them with `deno task grade darts` (or run the grading cell at the end of the
 * notebook).
 *
 * An edge of the cell carries M candidate operations at once. Their outputs on the edge's input
 * are given to you as `outputs`, M matrices of the same shape N×h (`outputs[m].get(i, j)`), so
 * you do not need the operations themselves. The edge's architecture parameters are α, M
 * numbers; the operations are weighted by `w = softmax(α)`.
 *
 * Return new values; do not modify the arguments.
 */

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

import { Matrix } from "../lib/core/matrix.ts";

/** `w = softmax(alpha)`: M weights summing to 1, finite for α in the thousands. */
export function operationWeights(alpha: readonly number[]): number[] {
  // BEGIN YOUR CODE: operationWeights
  return todo("operationWeights");
  // END YOUR CODE
}

/** The mixed operation's output `Σ_m w_m · outputs[m]`, with `w = softmax(alpha)` (N×h). */
export function mixedOpForward(outputs: readonly Matrix[], alpha: readonly number[]): Matrix {
  // BEGIN YOUR CODE: mixedOpForward
  return todo("mixedOpForward");
  // END YOUR CODE
}

/**
 * The gradients of a loss L given `dout = ∂L/∂(mixed output)` (N×h):
 *
 * - `dalpha`: ∂L/∂α, M numbers;
 * - `doutputs`: ∂L/∂outputs[m] for each m, N×h matrices (what each operation's own backward
 *   pass would receive).
 */
export function mixedOpBackward(
  dout: Matrix,
  outputs: readonly Matrix[],
  alpha: readonly number[],
): { dalpha: number[]; doutputs: Matrix[] } {
  // BEGIN YOUR CODE: mixedOpBackward
  return todo("mixedOpBackward");
  // END YOUR CODE
}
