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

import { Tensor } from "../lib/core/tensor.ts";

/** PyTorch's names: `kernelSize` (required) and `stride` (default: the kernel size). */
export interface PoolOptions {
  kernelSize: number;
  stride?: number;
}

/** The forward pass: an N×C×Hout×Wout Tensor of window maxima. Do not modify `x`. */
export function maxpoolForward(x: Tensor, o: PoolOptions): Tensor {
  // BEGIN YOUR CODE: maxpoolForward
  const { kernelSize: k, stride = o.kernelSize } = o;
  const [N, C, H, W] = x.shape;
  const Hout = Math.floor((H - k) / stride) + 1, Wout = Math.floor((W - k) / stride) + 1;
  const out = new Tensor([N, C, Hout, Wout]);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < Hout; i++) {
        for (let j = 0; j < Wout; j++) {
          let best = -Infinity;
          for (let u = 0; u < k; u++) {
            for (let v = 0; v < k; v++) {
              best = Math.max(best, x.get(n, c, i * stride + u, j * stride + v));
            }
          }
          out.set(n, c, i, j, best);
        }
      }
    }
  }
  return out;
  // END YOUR CODE
}

/**
 * The backward pass: `dx = ∂L/∂x` (shaped like x) from `dout = ∂L/∂out` (N×C×Hout×Wout). Each
 * window's maximum is the only entry its output depends on; when windows overlap, an entry that
 * is the maximum of several collects the gradient of each.
 */
export function maxpoolBackward(dout: Tensor, x: Tensor, o: PoolOptions): Tensor {
  // BEGIN YOUR CODE: maxpoolBackward
  const { kernelSize: k, stride = o.kernelSize } = o;
  const [N, C] = x.shape;
  const [, , Hout, Wout] = dout.shape;
  const dx = new Tensor(x.shape);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < Hout; i++) {
        for (let j = 0; j < Wout; j++) {
          let best = -Infinity, by = 0, bx = 0;
          for (let u = 0; u < k; u++) {
            for (let v = 0; v < k; v++) {
              const y = i * stride + u, xx = j * stride + v;
              // Strictly greater: on a tie the first maximum keeps the gradient.
              if (x.get(n, c, y, xx) > best) [best, by, bx] = [x.get(n, c, y, xx), y, xx];
            }
          }
          dx.set(n, c, by, bx, dx.get(n, c, by, bx) + dout.get(n, c, i, j));
        }
      }
    }
  }
  return dx;
  // END YOUR CODE
}
