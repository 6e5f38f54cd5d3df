/**
 * Exercise: a naive 2-D convolution, forward and backward (CS231n's classic).
 *
 * Notebook: notebooks/24_convolution.ipynb. Write each function between BEGIN YOUR CODE and
 * END YOUR CODE, then grade them with `deno task grade conv` (or run the grading cell at the end
 * of the notebook). Plain loops are the point: no im2col needed.
 *
 * Images are NCHW {@link Tensor}s, as in PyTorch: `x` is N×C×H×W (`x.get(n, c, y, x)`), the
 * weights `w` are F×C×KH×KW, the bias `b` is a 1×F Matrix. Like PyTorch's `F.conv2d`, the layer
 * is a cross-correlation (the kernel is not flipped), with zero padding `padding` on every side
 * and the window moved by `stride`:
 *
 *     out[n, f, i, j] = b[f] + Σ_c Σ_u Σ_v w[f, c, u, v] · xpad[n, c, i·stride + u, j·stride + v]
 *
 * where `xpad` is `x` with `padding` zeros around each plane, and the output is
 * N×F×Hout×Wout with `Hout = ⌊(H + 2·padding − KH) / stride⌋ + 1` (the same for the width).
 */

import { Matrix } from "../lib/core/matrix.ts";
import { Tensor } from "../lib/core/tensor.ts";

/** PyTorch's names and defaults: `stride` 1, `padding` 0 (the same in both directions). */
export interface ConvOptions {
  stride?: number;
  padding?: number;
}

/** The forward pass: `out` as above, an N×F×Hout×Wout Tensor. Do not modify the inputs. */
export function convForward(x: Tensor, w: Tensor, b: Matrix, o: ConvOptions = {}): Tensor {
  // BEGIN YOUR CODE: convForward
  const { stride = 1, padding = 0 } = o;
  const [N, C, H, W] = x.shape;
  const [F, , KH, KW] = w.shape;
  const Hout = Math.floor((H + 2 * padding - KH) / stride) + 1;
  const Wout = Math.floor((W + 2 * padding - KW) / stride) + 1;
  const out = new Tensor([N, F, Hout, Wout]);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < Hout; i++) {
        for (let j = 0; j < Wout; j++) {
          let s = b.get(0, f);
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < KH; u++) {
              for (let v = 0; v < KW; v++) {
                // The padded row i·stride + u is row i·stride + u − padding of x.
                const y = i * stride + u - padding, xx = j * stride + v - padding;
                if (y >= 0 && y < H && xx >= 0 && xx < W) {
                  s += w.get(f, c, u, v) * x.get(n, c, y, xx);
                }
              }
            }
          }
          out.set(n, f, i, j, s);
        }
      }
    }
  }
  return out;
  // END YOUR CODE
}

/**
 * The backward pass: given `dout = ∂L/∂out` (N×F×Hout×Wout) and the forward pass's inputs,
 * return `dx` (shaped like x), `dw` (like w) and `db` (1×F). Every product
 * `w[f,c,u,v] · xpad[n,c,·,·]` of the forward sum sends `dout[n,f,i,j]` times the other factor
 * to each of the two; padding positions are not part of x and receive nothing.
 */
export function convBackward(
  dout: Tensor,
  x: Tensor,
  w: Tensor,
  o: ConvOptions = {},
): { dx: Tensor; dw: Tensor; db: Matrix } {
  // BEGIN YOUR CODE: convBackward
  const { stride = 1, padding = 0 } = o;
  const [N, C, H, W] = x.shape;
  const [F, , KH, KW] = w.shape;
  const [, , Hout, Wout] = dout.shape;
  const dx = new Tensor(x.shape), dw = new Tensor(w.shape), db = new Matrix(1, F);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < Hout; i++) {
        for (let j = 0; j < Wout; j++) {
          const g = dout.get(n, f, i, j);
          db.set(0, f, db.get(0, f) + g);
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < KH; u++) {
              for (let v = 0; v < KW; v++) {
                const y = i * stride + u - padding, xx = j * stride + v - padding;
                if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
                dw.set(f, c, u, v, dw.get(f, c, u, v) + g * x.get(n, c, y, xx));
                dx.set(n, c, y, xx, dx.get(n, c, y, xx) + g * w.get(f, c, u, v));
              }
            }
          }
        }
      }
    }
  }
  return { dx, dw, db };
  // END YOUR CODE
}
