/**
 * Exercise: max pooling, forward and backward, with the gradient routed to each window's maximum.
 *
 * Notebook: notebooks/25_pooling_cnn.ipynb. Write each function between BEGIN YOUR CODE and
 * END YOUR CODE, then grade them with `deno task grade maxpool` (or run the grading cell at the
 * end of the notebook).
 *
 * `x` is an N×C×H×W {@link Tensor} (`x.get(n, c, y, x)`). Each `kernelSize × kernelSize` window,
 * moved by `stride` (by default the kernel size, as in PyTorch), is replaced by its largest entry,
 * plane by plane:
 *
 *     out[n, c, i, j] = max over u, v < kernelSize of x[n, c, i·stride + u, j·stride + v]
 *
 * with `Hout = ⌊(H − kernelSize) / stride⌋ + 1` (the same for the width). When a window holds
 * its maximum more than once, the FIRST one in row-major order (top row first, left to right)
 * counts as the maximum, as in PyTorch.
 */

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

import { Tensor } from "../lib/core/tensor.ts";

/** PyTorch's names: `kernelSize` (required) and `stride` (default: the kernel size). */
export interface PoolOptions {
  kernelSize: number;
  stride?: number;
}

/** The forward pass: an N×C×Hout×Wout Tensor of window maxima. Do not modify `x`. */
export function maxpoolForward(x: Tensor, o: PoolOptions): Tensor {
  // BEGIN YOUR CODE: maxpoolForward
  return todo("maxpoolForward");
  // END YOUR CODE
}

/**
 * The backward pass: `dx = ∂L/∂x` (shaped like x) from `dout = ∂L/∂out` (N×C×Hout×Wout). Each
 * window's maximum is the only entry its output depends on; when windows overlap, an entry that
 * is the maximum of several collects the gradient of each.
 */
export function maxpoolBackward(dout: Tensor, x: Tensor, o: PoolOptions): Tensor {
  // BEGIN YOUR CODE: maxpoolBackward
  return todo("maxpoolBackward");
  // END YOUR CODE
}
