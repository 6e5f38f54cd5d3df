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

import { Matrix } from "../lib/core/matrix.ts";

/** `w = softmax(alpha)`: M weights summing to 1, finite for α in the thousands. */
export function operationWeights(alpha: readonly number[]): number[] {
  // BEGIN YOUR CODE: operationWeights
  const m = Math.max(...alpha);
  const e = alpha.map((a) => Math.exp(a - m));
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total);
  // END YOUR CODE
}

/** The mixed operation's output `Σ_m w_m · outputs[m]`, with `w = softmax(alpha)` (N×h). */
export function mixedOpForward(outputs: readonly Matrix[], alpha: readonly number[]): Matrix {
  // BEGIN YOUR CODE: mixedOpForward
  const w = operationWeights(alpha);
  const out = new Matrix(outputs[0].rows, outputs[0].cols);
  outputs.forEach((y, m) => {
    for (let k = 0; k < out.data.length; k++) out.data[k] += w[m] * y.data[k];
  });
  return out;
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
  const w = operationWeights(alpha);
  // g_m = ∂L/∂w_m = Σ_{i,j} dout[i,j]·outputs[m][i,j]
  const g = outputs.map((y) => y.data.reduce((s, v, k) => s + v * dout.data[k], 0));
  const mean = w.reduce((s, wm, m) => s + wm * g[m], 0);
  return {
    dalpha: w.map((wk, k) => wk * (g[k] - mean)),
    doutputs: w.map((wm) => dout.map((v) => wm * v)),
  };
  // END YOUR CODE
}
