/**
 * 2-D average pooling over NCHW images, as `torch.nn.functional.avg_pool2d` without padding or
 * ceil mode: each `KH × KW` window (moved by the stride, by default the kernel size) is replaced
 * by its mean,
 *
 *     out[n, c, i, j] = (1 / (KH·KW)) · Σ_u Σ_v x[n, c, i·sh + u, j·sw + v]
 *
 * so every entry of a window receives `1/(KH·KW)` of the window's upstream gradient (summed over
 * the windows it belongs to when they overlap), where max pooling sends it all to one entry.
 *
 * @module
 */

import { ShapeError } from "../../core/matrix.ts";
import { Tensor, tensorShapeOf } from "../../core/tensor.ts";
import { type MaxPoolOptions, poolWindows } from "./maxpool.ts";

/** Options of {@link avgpoolForward}: the same as max pooling's (`kernelSize`, `stride`). */
export type AvgPoolOptions = MaxPoolOptions;

/** What {@link avgpoolBackward} needs: the shapes and the window. */
export interface AvgPoolCache {
  inShape: [number, number, number, number];
  outShape: [number, number, number, number];
  kernel: [number, number];
  stride: [number, number];
}

/** Forward pass: the mean of each window. */
export function avgpoolForward(
  x: Tensor,
  o: AvgPoolOptions,
): { out: Tensor; cache: AvgPoolCache } {
  const { N, C, H, W, KH, KW, sh, sw, Hout, Wout } = poolWindows("avgpoolForward", x, o);
  const out = new Tensor([N, C, Hout, Wout]);
  let o2 = 0;
  for (let plane = 0; plane < N * C; plane++) {
    for (let i = 0; i < Hout; i++) {
      for (let j = 0; j < Wout; j++) {
        let s = 0;
        for (let u = 0; u < KH; u++) {
          const row = (plane * H + i * sh + u) * W + j * sw;
          for (let v = 0; v < KW; v++) s += x.data[row + v];
        }
        out.data[o2++] = s / (KH * KW);
      }
    }
  }
  return {
    out,
    cache: {
      inShape: [N, C, H, W],
      outShape: [N, C, Hout, Wout],
      kernel: [KH, KW],
      stride: [sh, sw],
    },
  };
}

/** Backward pass: each output gradient shared equally, `1/(KH·KW)` to every entry of its window. */
export function avgpoolBackward(dout: Tensor, cache: AvgPoolCache): { dx: Tensor } {
  const [N, C, Hout, Wout] = cache.outShape;
  if (dout.n !== N || dout.c !== C || dout.h !== Hout || dout.w !== Wout) {
    throw new ShapeError(
      `avgpoolBackward: dout is ${tensorShapeOf(dout)} but the output was ${
        cache.outShape.join("×")
      }`,
    );
  }
  const [, , H, W] = cache.inShape, [KH, KW] = cache.kernel, [sh, sw] = cache.stride;
  const dx = new Tensor(cache.inShape);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    for (let i = 0; i < Hout; i++) {
      for (let j = 0; j < Wout; j++) {
        const g = dout.data[o++] / (KH * KW);
        for (let u = 0; u < KH; u++) {
          const row = (plane * H + i * sh + u) * W + j * sw;
          for (let v = 0; v < KW; v++) dx.data[row + v] += g;
        }
      }
    }
  }
  return { dx };
}
