/**
 * 2-D convolution over NCHW images, written as plain loops so every sum is visible: the
 * reference that the fast form in `conv2d.ts` (im2col and a matrix product) is tested against.
 *
 * Like PyTorch's `torch.nn.functional.conv2d` this is really a cross-correlation: the
 * kernel is not flipped. With input `x` (N×C×H×W), weights `w` (F×C×KH×KW), bias `b`
 * (1×F), stride `s` and zero padding `p`:
 *
 *     out[n, f, i, j] = b[f] + Σ_c Σ_u Σ_v w[f, c, u, v] · xpad[n, c, i·s + u, j·s + v]
 *
 * with output size `Hout = ⌊(H + 2p − KH) / s⌋ + 1` (same for the width). Rows or columns
 * that a stride cannot reach are skipped, as PyTorch does.
 *
 * @module
 */

import { assertFinite, Matrix, ShapeError, shapeOf } from "../../core/matrix.ts";
import { assertFiniteTensor, Tensor, tensorShapeOf } from "../../core/tensor.ts";
import { toPair } from "../../core/validate.ts";

/** Options of {@link conv2dNaiveForward}, PyTorch's names and defaults (1 and 0); a number applies to both directions, a pair is `[rows, cols]`. */
export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
}

/** What {@link conv2dNaiveBackward} needs from the forward pass. */
export interface Conv2dNaiveCache {
  x: Tensor;
  w: Tensor;
  stride: [number, number];
  padding: [number, number];
  outShape: [number, number, number, number];
}

/** The sizes of a convolution, checked: what both forms of the forward pass start from. */
export interface ConvGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  F: number;
  KH: number;
  KW: number;
  stride: [number, number];
  padding: [number, number];
  Hout: number;
  Wout: number;
}

/**
 * Checks the operands of a convolution and returns its sizes. Throws a ShapeError naming `op`
 * if the channels of `x` and `w` differ, the bias is not 1×F, or the kernel is larger than the
 * padded image; a RangeError for a bad stride or padding; a NonFiniteError for NaN or ±∞.
 */
export function convGeometry(
  op: string,
  x: Tensor,
  w: Tensor,
  b: Matrix,
  o: Conv2dOptions,
): ConvGeometry {
  const [sh, sw] = toPair(op, "stride", o.stride ?? 1, 1);
  const [ph, pw] = toPair(op, "padding", o.padding ?? 0, 0);
  const [N, C, H, W] = x.shape;
  const [F, Cw, KH, KW] = w.shape;
  if (N === 0) throw new ShapeError(`${op}: empty batch (input ${tensorShapeOf(x)})`);
  if (C !== Cw) {
    throw new ShapeError(
      `${op}: input ${tensorShapeOf(x)} has ${C} channels but weight ${
        tensorShapeOf(w)
      } expects ${Cw}`,
    );
  }
  if (b.rows !== 1 || b.cols !== F) {
    throw new ShapeError(
      `${op}: bias must be 1×${F} for weight ${tensorShapeOf(w)}, got ${shapeOf(b)}`,
    );
  }
  if (H + 2 * ph < KH || W + 2 * pw < KW || KH === 0 || KW === 0) {
    throw new ShapeError(
      `${op}: kernel ${KH}×${KW} of weight ${tensorShapeOf(w)} does not fit input ${
        tensorShapeOf(x)
      } with padding [${ph}, ${pw}]`,
    );
  }
  assertFiniteTensor(op, x);
  assertFiniteTensor(op, w);
  assertFinite(op, b);
  const Hout = Math.floor((H + 2 * ph - KH) / sh) + 1;
  const Wout = Math.floor((W + 2 * pw - KW) / sw) + 1;
  return { N, C, H, W, F, KH, KW, stride: [sh, sw], padding: [ph, pw], Hout, Wout };
}

/** Forward pass: `out` is N×F×Hout×Wout (formula in the module comment; checks as {@link convGeometry}). */
export function conv2dNaiveForward(
  x: Tensor,
  w: Tensor,
  b: Matrix,
  o: Conv2dOptions = {},
): { out: Tensor; cache: Conv2dNaiveCache } {
  const g = convGeometry("conv2dNaiveForward", x, w, b, o);
  const { N, C, H, W, F, KH, KW, Hout, Wout, stride: [sh, sw], padding: [ph, pw] } = g;
  const out = new Tensor([N, F, Hout, Wout]);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < Hout; i++) {
        for (let j = 0; j < Wout; j++) {
          let s = b.data[f];
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < KH; u++) {
              const y = i * sh + u - ph; // row in the unpadded input
              if (y < 0 || y >= H) continue; // a padding zero adds nothing
              for (let v = 0; v < KW; v++) {
                const xx = j * sw + v - pw;
                if (xx < 0 || xx >= W) continue;
                s += w.get(f, c, u, v) * x.get(n, c, y, xx);
              }
            }
          }
          out.set(n, f, i, j, s);
        }
      }
    }
  }
  return {
    out,
    cache: { x, w, stride: [sh, sw], padding: [ph, pw], outShape: [N, F, Hout, Wout] },
  };
}

/**
 * Backward pass. Each product `w[f,c,u,v] · x[n,c,y,x]` in the forward sum sends
 * `dout[n,f,i,j] · x` to `dw[f,c,u,v]` and `dout[n,f,i,j] · w` to `dx[n,c,y,x]`; the bias
 * gradient sums `dout` over batch and positions. Padding positions receive nothing.
 */
export function conv2dNaiveBackward(
  dout: Tensor,
  cache: Conv2dNaiveCache,
): { dx: Tensor; dw: Tensor; db: Matrix } {
  const { x, w, stride: [sh, sw], padding: [ph, pw], outShape } = cache;
  const [N, F, Hout, Wout] = outShape;
  if (dout.n !== N || dout.c !== F || dout.h !== Hout || dout.w !== Wout) {
    throw new ShapeError(
      `conv2dNaiveBackward: dout is ${tensorShapeOf(dout)} but the output was ${
        outShape.join("×")
      }`,
    );
  }
  const [, C, H, W] = x.shape;
  const [, , KH, KW] = w.shape;
  const dx = new Tensor(x.shape);
  const dw = new Tensor(w.shape);
  const db = new Matrix(1, F);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < Hout; i++) {
        for (let j = 0; j < Wout; j++) {
          const g = dout.get(n, f, i, j);
          db.data[f] += g;
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < KH; u++) {
              const y = i * sh + u - ph;
              if (y < 0 || y >= H) continue;
              for (let v = 0; v < KW; v++) {
                const xx = j * sw + v - pw;
                if (xx < 0 || xx >= W) continue;
                dw.data[dw.index(f, c, u, v)] += g * x.get(n, c, y, xx);
                dx.data[dx.index(n, c, y, xx)] += g * w.get(f, c, u, v);
              }
            }
          }
        }
      }
    }
  }
  return { dx, dw, db };
}

/** Options of {@link flipKernel}. */
export interface FlipKernelOptions {
  /** Also swap the filter and channel axes (F×C×KH×KW becomes C×F×KH×KW), as dx needs. */
  swapInOut?: boolean;
}

/**
 * The kernel rotated by 180° in each plane, `w'[f, c, u, v] = w[f, c, KH−1−u, KW−1−v]`: a layer
 * (a cross-correlation) with `w'` computes the true convolution with `w`, and with
 * `swapInOut` the result is the kernel of the backward pass, `dx = conv2d(dout, w', padding
 * KH−1−p)` for stride 1.
 */
export function flipKernel(w: Tensor, o: FlipKernelOptions = {}): Tensor {
  const [F, C, KH, KW] = w.shape;
  const out = new Tensor(o.swapInOut ? [C, F, KH, KW] : [F, C, KH, KW]);
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      for (let u = 0; u < KH; u++) {
        for (let v = 0; v < KW; v++) {
          const value = w.get(f, c, KH - 1 - u, KW - 1 - v);
          if (o.swapInOut) out.set(c, f, u, v, value);
          else out.set(f, c, u, v, value);
        }
      }
    }
  }
  return out;
}
