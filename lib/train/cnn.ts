/**
 * A small convolutional network as a {@link Model} that `fit` trains: one convolution, ReLU,
 * max pooling and a linear layer to the class scores,
 *
 *     x (N × C·H·W rows) → conv2d (F filters, KH×KW) → ReLU → maxpool → flatten → linear → scores
 *
 * Images come in as the rows of a matrix (as every data set of `lib/data/` holds them) and are
 * read as N×C×H×W tensors without copying. The convolution's weight is stored as the F×(C·KH·KW)
 * matrix an optimiser updates; the layer reads the same numbers as an F×C×KH×KW tensor.
 *
 * @module
 */

import { Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { Random } from "../core/random.ts";
import { Tensor } from "../core/tensor.ts";
import { toPair } from "../core/validate.ts";
import { conv2dBackward, type Conv2dCache, conv2dForward } from "../nn/layers/conv2d.ts";
import { linearBackward, type LinearCache, linearForward } from "../nn/layers/linear.ts";
import { maxpoolBackward, type MaxPoolCache, maxpoolForward } from "../nn/layers/maxpool.ts";
import { type MlpInit, mlpInit } from "../nn/layers/mlp.ts";
import type { Model } from "./model.ts";

/** Images scored at a time in "eval" mode. */
const EVAL_CHUNK = 128;

/** Options of {@link convNet}. */
export interface ConvNetOptions {
  /** Channels, height and width of one image, e.g. `[1, 28, 28]` for Fashion-MNIST. */
  input: readonly [number, number, number];
  /** Number of filters F of the convolution. */
  filters: number;
  /** Kernel size of the convolution (default 3). */
  kernelSize?: number | readonly [number, number];
  /** Zero padding of the convolution (default 0). */
  padding?: number | readonly [number, number];
  /** Window (and stride) of the max pooling (default 2). */
  pool?: number;
  /** Number of classes (default 10). */
  classes?: number;
  /** How weights are drawn, with fan-in C·KH·KW for the convolution (default "he"). */
  init?: MlpInit;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/** What the backward pass of {@link convNet} needs. */
export interface ConvNetCache {
  conv: Conv2dCache;
  relu: Float64Array;
  pool: MaxPoolCache;
  linear: LinearCache;
}

/**
 * conv → ReLU → maxpool → linear. `params` are `[convW (F×C·KH·KW), convB (1×F), W, b]`;
 * `convWeight` is the convolution's weight as an F×C×KH×KW tensor sharing `params[0]`'s numbers.
 * In "eval" mode more than 128 images are scored 128 at a time, with no cache (null).
 */
export function convNet(
  o: ConvNetOptions,
): Model<ConvNetCache | null> & { convWeight: Tensor } {
  const op = "convNet";
  const [C, H, W] = o.input;
  if (![C, H, W, o.filters].every((k) => Number.isInteger(k) && k > 0)) {
    throw new RangeError(
      `${op}: input [C, H, W] and filters must be positive integers, got [${o.input}] and ${o.filters}`,
    );
  }
  const [KH, KW] = toPair(op, "kernelSize", o.kernelSize ?? 3, 1);
  const [ph, pw] = toPair(op, "padding", o.padding ?? 0, 0);
  const { filters: F, pool = 2, classes = 10, init = "he", seed = 0 } = o;
  const Hc = H + 2 * ph - KH + 1, Wc = W + 2 * pw - KW + 1;
  const Hp = Math.floor(Hc / pool), Wp = Math.floor(Wc / pool);
  if (Hc < 1 || Wc < 1 || Hp < 1 || Wp < 1) {
    throw new RangeError(
      `${op}: a ${KH}×${KW} kernel and a pool of ${pool} leave no output of a ${H}×${W} image`,
    );
  }
  const rng = new Random(seed);
  const [conv] = mlpInit([C * KH * KW, F], rng, { init });
  const [dense] = mlpInit([F * Hp * Wp, classes], rng, { init });
  const convWeight = new Tensor([F, C, KH, KW], conv.w.data);
  const convOpts = { padding: [ph, pw] as [number, number] };
  const pass = (x: Matrix): { out: Matrix; cache: ConvNetCache } => {
    const c = conv2dForward(new Tensor([x.rows, C, H, W], x.data), convWeight, conv.b, convOpts);
    const a = c.out.data, relu = new Float64Array(a.length);
    for (let k = 0; k < a.length; k++) {
      if (a[k] > 0) relu[k] = 1;
      else a[k] = 0;
    }
    const p = maxpoolForward(c.out, { kernelSize: pool });
    const l = linearForward(new Matrix(x.rows, F * Hp * Wp, p.out.data), dense.w, dense.b);
    return { out: l.out, cache: { conv: c.cache, relu, pool: p.cache, linear: l.cache } };
  };
  return {
    convWeight,
    params: [conv.w, conv.b, dense.w, dense.b],
    forward(x: Matrix, mode: "train" | "eval") {
      if (x.cols !== C * H * W) {
        throw new ShapeError(
          `${op}: x is ${shapeOf(x)} but images are ${C}×${H}×${W} (${C * H * W} columns)`,
        );
      }
      if (mode === "eval" && x.rows > EVAL_CHUNK) {
        // No backward pass follows: score the images a chunk at a time, so the im2col columns
        // (C·KH·KW copies of every pixel) of a large evaluation set never sit in memory at once.
        const out = new Matrix(x.rows, classes), D = C * H * W;
        for (let start = 0; start < x.rows; start += EVAL_CHUNK) {
          const rows = Math.min(EVAL_CHUNK, x.rows - start);
          const part = new Matrix(rows, D, x.data.subarray(start * D, (start + rows) * D));
          out.data.set(pass(part).out.data, start * classes);
        }
        return { out, cache: null };
      }
      return pass(x);
    },
    backward(dout: Matrix, cache: ConvNetCache | null) {
      if (cache === null) {
        throw new Error(
          `${op}: no backward pass after scoring more than ${EVAL_CHUNK} images in "eval" mode`,
        );
      }
      const l = linearBackward(dout, cache.linear);
      const dp = maxpoolBackward(new Tensor(cache.pool.outShape, l.dx.data), cache.pool).dx;
      for (let k = 0; k < dp.data.length; k++) dp.data[k] *= cache.relu[k];
      const c = conv2dBackward(dp, cache.conv, { needsInputGrad: false }); // the input is data
      return [new Matrix(F, C * KH * KW, c.dw.data), c.db, l.dw, l.db];
    },
  };
}
