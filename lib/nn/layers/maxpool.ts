/**
 * 2-D max pooling over NCHW images, as `torch.nn.functional.max_pool2d` without padding,
 * dilation or ceil mode.
 *
 * Each `KH × KW` window (moved by the stride, which defaults to the kernel size as in
 * PyTorch) is replaced by its largest entry, channel by channel:
 *
 *     out[n, c, i, j] = max over u < KH, v < KW of x[n, c, i·sh + u, j·sw + v]
 *
 * The maximum passes gradient only to the entry that achieved it; every other entry in the
 * window gets zero. When windows overlap, an entry that wins several windows collects the
 * sum of their gradients.
 *
 * Ties: PyTorch scans a window row by row, left to right, and replaces the running maximum
 * only when a value is strictly larger, so the FIRST maximal entry in that order is the one
 * that receives the gradient. We do the same (checked against torch 1.13 in the tests).
 *
 * @module
 */

import { ShapeError } from "../../core/matrix.ts";
import { assertFiniteTensor, Tensor, tensorShapeOf } from "../../core/tensor.ts";
import { toPair } from "../../core/validate.ts";

/**
 * Options of {@link maxpoolForward}, PyTorch's names: a number applies to both directions, a
 * pair is `[rows, cols]`.
 */
export interface MaxPoolOptions {
  /** The window size (PyTorch's `kernel_size`). */
  kernelSize: number | readonly [number, number];
  /** Defaults to the kernel size (non-overlapping windows), as in PyTorch. */
  stride?: number | readonly [number, number];
}

/** A pooling layer's window over input `x`: its size, stride and the output's height and width. */
export interface PoolWindows {
  N: number;
  C: number;
  H: number;
  W: number;
  KH: number;
  KW: number;
  sh: number;
  sw: number;
  Hout: number;
  Wout: number;
}

/**
 * Reads and checks a pooling layer's options against input `x` (for max and average pooling):
 * a non-empty batch, a window no larger than the image, finite entries; the output size is
 * `⌊(H − KH)/sh⌋ + 1` by `⌊(W − KW)/sw⌋ + 1`. Errors name `op`.
 */
export function poolWindows(op: string, x: Tensor, o: MaxPoolOptions): PoolWindows {
  const [KH, KW] = toPair(op, "kernelSize", o.kernelSize, 1);
  const [sh, sw] = toPair(op, "stride", o.stride ?? o.kernelSize, 1);
  const [N, C, H, W] = x.shape;
  if (N === 0) throw new ShapeError(`${op}: empty batch (input ${tensorShapeOf(x)})`);
  if (KH > H || KW > W) {
    throw new ShapeError(`${op}: kernel ${KH}×${KW} is larger than input ${tensorShapeOf(x)}`);
  }
  assertFiniteTensor(op, x);
  const Hout = Math.floor((H - KH) / sh) + 1, Wout = Math.floor((W - KW) / sw) + 1;
  return { N, C, H, W, KH, KW, sh, sw, Hout, Wout };
}

/** What {@link maxpoolBackward} needs: the shapes and where each maximum was. */
export interface MaxPoolCache {
  inShape: [number, number, number, number];
  outShape: [number, number, number, number];
  /**
   * For every output entry (NCHW order), the position of the winning input entry within its
   * own H×W plane, `row·W + col`: PyTorch's `return_indices=True` indices.
   */
  argmax: Int32Array;
}

/**
 * Forward pass: the maximum of each window; where each maximum was (per plane, as PyTorch's
 * indices) goes in the cache as `argmax`.
 */
export function maxpoolForward(
  x: Tensor,
  o: MaxPoolOptions,
): { out: Tensor; cache: MaxPoolCache } {
  const { N, C, H, W, KH, KW, sh, sw, Hout, Wout } = poolWindows("maxpoolForward", x, o);
  const out = new Tensor([N, C, Hout, Wout]);
  const argmax = new Int32Array(out.size);
  let k = 0; // output entries in NCHW order
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W; // x[n, c] is plane n·C + c
    for (let i = 0; i < Hout; i++) {
      for (let j = 0; j < Wout; j++, k++) {
        let best = -Infinity, where = -1;
        for (let u = 0; u < KH; u++) {
          const y = i * sh + u;
          for (let v = 0; v < KW; v++) {
            const at = y * W + j * sw + v, value = x.data[base + at];
            // Strictly greater: on a tie the first maximum (row-major) stays, as in PyTorch.
            if (value > best) (best = value, where = at);
          }
        }
        out.data[k] = best;
        argmax[k] = where;
      }
    }
  }
  return { out, cache: { inShape: [N, C, H, W], outShape: [N, C, Hout, Wout], argmax } };
}

/** Backward pass: each output gradient is routed to (added onto) its window's maximum. */
export function maxpoolBackward(dout: Tensor, cache: MaxPoolCache): { dx: Tensor } {
  const [N, C, Hout, Wout] = cache.outShape;
  if (dout.n !== N || dout.c !== C || dout.h !== Hout || dout.w !== Wout) {
    throw new ShapeError(
      `maxpoolBackward: dout is ${tensorShapeOf(dout)} but the output was ${
        cache.outShape.join("×")
      }`,
    );
  }
  const dx = new Tensor(cache.inShape);
  const plane = cache.inShape[2] * cache.inShape[3], outPlane = Hout * Wout;
  for (let o = 0; o < dout.size; o++) {
    // Output entry o lies in plane ⌊o/outPlane⌋ (one per (n, c)); the same plane of x.
    dx.data[Math.floor(o / outPlane) * plane + cache.argmax[o]] += dout.data[o];
  }
  return { dx };
}
