/**
 * 2-D convolution as im2col and one matrix product per image: the fast form, equal (up to the
 * order of the sums) to the loops of `conv2d_naive.ts`, which is the reference it is tested
 * against, and to PyTorch's `torch.nn.functional.conv2d` (no kernel flip).
 *
 * im2col lays every receptive field of image n out as one column: with `K = C·KH·KW` and
 * `P = Hout·Wout`, `cols_n` is K×P and entry `(c·KH·KW + u·KW + v, i·Wout + j)` is
 * `xpad[n, c, i·s + u, j·s + v]` (PyTorch's `F.unfold(x)[n]`). The weights, read as an F×K
 * matrix `Wm`, then give the whole output plane at once:
 *
 *     out_n = Wm · cols_n + b          (F×P: the NCHW layout of image n)
 *     dWm   = Σ_n dout_n · cols_nᵀ     (the correlation of the input with the upstream gradient)
 *     dcols_n = Wmᵀ · dout_n,  dx_n = col2im(dcols_n)   (each column added back where it came from)
 *
 * For speed the batch's columns sit side by side in one K×(N·P) matrix, so each line above is a
 * single product over the whole batch (on the fast kernels of `lib/kernels/`, through `matmul`).
 *
 * @module
 */

import { matmul, matmulNT, matmulTN, Matrix, ShapeError } from "../../core/matrix.ts";
import { Tensor, tensorShapeOf } from "../../core/tensor.ts";
import { toPair } from "../../core/validate.ts";
import { type Conv2dOptions, type ConvGeometry, convGeometry } from "./conv2d_naive.ts";

/** What {@link conv2dBackward} needs from the forward pass: the inputs, sizes and columns. */
export interface Conv2dCache {
  x: Tensor;
  w: Tensor;
  stride: [number, number];
  padding: [number, number];
  outShape: [number, number, number, number];
  /** `[cols_0 | cols_1 | …]`: K×(N·P), image n in columns n·P to (n+1)·P − 1. */
  cols: Float64Array;
}

/**
 * Fills columns `n·P …` of `cols` (K rows of `width` entries) with the receptive fields of
 * image `n`; padding gives 0.
 */
function im2colInto(x: Tensor, n: number, g: ConvGeometry, cols: Float64Array, width: number) {
  const { C, H, W, KH, KW, Hout, Wout, stride: [sh, sw], padding: [ph, pw] } = g;
  const P = Hout * Wout;
  let row = n * P;
  for (let c = 0; c < C; c++) {
    const plane = (n * C + c) * H * W;
    for (let u = 0; u < KH; u++) {
      for (let v = 0; v < KW; v++, row += width) {
        for (let i = 0; i < Hout; i++) {
          const y = i * sh + u - ph, at = row + i * Wout;
          if (y < 0 || y >= H) {
            cols.fill(0, at, at + Wout);
            continue;
          }
          const line = plane + y * W;
          for (let j = 0; j < Wout; j++) {
            const xx = j * sw + v - pw;
            cols[at + j] = xx < 0 || xx >= W ? 0 : x.data[line + xx];
          }
        }
      }
    }
  }
}

/** Adds columns `n·P …` of `dcols` (rows of `width`) back onto the input positions they came from. */
function col2imAdd(
  dcols: Float64Array,
  n: number,
  g: ConvGeometry,
  dx: Float64Array,
  width: number,
) {
  const { C, H, W, KH, KW, Hout, Wout, stride: [sh, sw], padding: [ph, pw] } = g;
  const P = Hout * Wout;
  let row = n * P;
  for (let c = 0; c < C; c++) {
    const plane = (n * C + c) * H * W;
    for (let u = 0; u < KH; u++) {
      for (let v = 0; v < KW; v++, row += width) {
        for (let i = 0; i < Hout; i++) {
          const y = i * sh + u - ph;
          if (y < 0 || y >= H) continue;
          const line = plane + y * W, at = row + i * Wout;
          for (let j = 0; j < Wout; j++) {
            const xx = j * sw + v - pw;
            if (xx >= 0 && xx < W) dx[line + xx] += dcols[at + j];
          }
        }
      }
    }
  }
}

/**
 * The receptive fields of image `image` of `x` as columns: a (C·KH·KW)×(Hout·Wout) matrix,
 * PyTorch's `F.unfold(x, kernelSize, padding=…, stride=…)[image]`.
 */
export function im2col(
  x: Tensor,
  kernelSize: number | readonly [number, number],
  o: Conv2dOptions & { image?: number } = {},
): Matrix {
  const [KH, KW] = toPair("im2col", "kernelSize", kernelSize, 1);
  const { image = 0 } = o;
  if (!Number.isInteger(image) || image < 0 || image >= x.n) {
    throw new RangeError(`im2col: image must be an index below ${x.n}, got ${image}`);
  }
  const g = convGeometry("im2col", x, new Tensor([1, x.c, KH, KW]), new Matrix(1, 1), o);
  const cols = new Matrix(x.c * KH * KW, g.Hout * g.Wout);
  const one = new Tensor(
    [1, x.c, x.h, x.w],
    x.data.subarray(image * x.c * x.h * x.w, (image + 1) * x.c * x.h * x.w),
  );
  im2colInto(one, 0, g, cols.data, cols.cols);
  return cols;
}

/**
 * Forward pass, the same output as `conv2dNaiveForward` (and `F.conv2d`): N×F×Hout×Wout with
 * `Hout = ⌊(H + 2p − KH)/s⌋ + 1`. Bad input throws as `convGeometry` says, naming conv2dForward.
 */
export function conv2dForward(
  x: Tensor,
  w: Tensor,
  b: Matrix,
  o: Conv2dOptions = {},
): { out: Tensor; cache: Conv2dCache } {
  const g = convGeometry("conv2dForward", x, w, b, o);
  const { N, C, F, KH, KW, Hout, Wout } = g;
  const K = C * KH * KW, P = Hout * Wout, NP = N * P;
  const cols = new Float64Array(K * NP), outAll = new Matrix(F, NP);
  for (let n = 0; n < N; n++) im2colInto(x, n, g, cols, NP);
  // F×(N·P), image by image; matmul with `out` runs on the fast kernels of lib/kernels/.
  matmul(new Matrix(F, K, w.data), new Matrix(K, NP, cols), { out: outAll });
  const out = new Tensor([N, F, Hout, Wout]);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const from = f * NP + n * P, to = (n * F + f) * P, bf = b.data[f];
      for (let p = 0; p < P; p++) out.data[to + p] = outAll.data[from + p] + bf;
    }
  }
  return {
    out,
    cache: { x, w, stride: g.stride, padding: g.padding, outShape: [N, F, Hout, Wout], cols },
  };
}

/** Options of {@link conv2dBackward}. */
export interface Conv2dBackwardOptions {
  /** Whether to compute `dx` (default true); a first layer, whose input is data, passes false. */
  needsInputGrad?: boolean;
}

/**
 * Backward pass: `dw` as the sum over images of `dout_n · cols_nᵀ`, `db` as the sum of `dout`
 * over images and positions, `dx` as col2im of `Wmᵀ · dout_n` (null with `needsInputGrad: false`).
 */
export function conv2dBackward(
  dout: Tensor,
  cache: Conv2dCache,
  o?: { needsInputGrad?: true },
): { dx: Tensor; dw: Tensor; db: Matrix };
export function conv2dBackward(
  dout: Tensor,
  cache: Conv2dCache,
  o: Conv2dBackwardOptions,
): { dx: Tensor | null; dw: Tensor; db: Matrix };
export function conv2dBackward(
  dout: Tensor,
  cache: Conv2dCache,
  o: Conv2dBackwardOptions = {},
): { dx: Tensor | null; dw: Tensor; db: Matrix } {
  const { x, w, outShape, cols } = cache;
  const [N, F, Hout, Wout] = outShape;
  if (dout.n !== N || dout.c !== F || dout.h !== Hout || dout.w !== Wout) {
    throw new ShapeError(
      `conv2dBackward: dout is ${tensorShapeOf(dout)} but the output was ${outShape.join("×")}`,
    );
  }
  const [, C, H, W] = x.shape;
  const [, , KH, KW] = w.shape;
  const g: ConvGeometry = { N, C, H, W, F, KH, KW, Hout, Wout, ...cache };
  const K = C * KH * KW, P = Hout * Wout, NP = N * P;
  const { needsInputGrad = true } = o;
  // dout as F×(N·P), the layout of the columns; db sums each row.
  const doutAll = new Float64Array(F * NP), db = new Matrix(1, F);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const from = (n * F + f) * P, to = f * NP + n * P;
      let s = 0;
      for (let p = 0; p < P; p++) s += doutAll[to + p] = dout.data[from + p];
      db.data[f] += s;
    }
  }
  const doutM = new Matrix(F, NP, doutAll), dw = new Tensor(w.shape);
  matmulNT(doutM, new Matrix(K, NP, cols), { out: new Matrix(F, K, dw.data) }); // dout · colsᵀ
  if (!needsInputGrad) return { dx: null, dw, db };
  const dcols = matmulTN(new Matrix(F, K, w.data), doutM), dx = new Tensor(x.shape); // Wmᵀ · dout
  for (let n = 0; n < N; n++) col2imAdd(dcols.data, n, g, dx.data, NP);
  return { dx, dw, db };
}
