/**
 * One training step of an MLP in→hidden→out (ReLU, softmax cross-entropy, plain SGD) for the
 * benchmark, written two ways:
 *
 * - {@link stepFast}: straight on the kernels of `lib/kernels/` with transposed operands read
 *   in place (`x·W1ᵀ`, `dHᵀ·x`), buffers allocated once and updated in place, no input
 *   checks. This is what a library's training loop does, and the ceiling for the second way.
 * - {@link stepLayers}: composed from the course's layers as a training loop uses them:
 *   `mlpForward`, `softmaxCrossEntropy` and `mlpBackward` (without the input gradient, into
 *   the matrices of the previous step), every input checked; then the same in-place update.
 * - {@link stepLayersSgd}: the same with `sgd` from `lib/optim/optimizers.ts` for the update.
 *
 * All three compute the same step, bit for bit; the benchmark checks that before timing.
 *
 * @module
 */
import { gemm } from "../lib/kernels/gemm.ts";
import {
  type LayerParams,
  mlpBackward,
  type MlpCache,
  mlpForward,
  type MlpGrads,
} from "../lib/nn/layers/mlp.ts";
import { softmaxCrossEntropy } from "../lib/nn/losses.ts";
import { Matrix } from "../lib/core/matrix.ts";
import { type Optimizer, sgd } from "../lib/optim/optimizers.ts";
import { Random } from "../lib/core/random.ts";

/** The network and batch sizes of one benchmark. */
export interface MlpShape {
  input: number;
  hidden: number;
  output: number;
  batch: number;
}

/** The main size: Fashion-MNIST's 784 pixels, 256 hidden units, 10 classes, batch 64. */
export const MAIN: MlpShape = { input: 784, hidden: 256, output: 10, batch: 64 };
/** The sizes of `deno task bench`'s MLP table, main size first. */
export const SHAPES: MlpShape[] = [
  MAIN,
  { input: 64, hidden: 32, output: 10, batch: 32 },
  { input: 2, hidden: 64, output: 3, batch: 128 },
];
export const LR = 0.01;

/** `"784-256-10 batch 64"`. */
export const shapeName = (s: MlpShape) => `${s.input}-${s.hidden}-${s.output} batch ${s.batch}`;

/** Parameters, one batch of data, and the buffers of both steps. */
export interface MlpState {
  shape: MlpShape;
  w1: Matrix; // hidden×input
  b1: Matrix; // 1×hidden
  w2: Matrix; // output×hidden
  b2: Matrix; // 1×output
  x: Matrix; // batch×input
  labels: number[];
  // stepFast's buffers
  h: Float64Array; // batch×hidden
  s: Float64Array; // batch×output
  dw1: Float64Array;
  dw2: Float64Array;
  dh: Float64Array;
  // stepLayers' matrices reused from step to step, and stepLayersSgd's optimiser
  opt: Optimizer;
  grads?: MlpGrads<Matrix | null>;
  cache?: MlpCache;
}

/** Random weights (He-scaled normal), a random batch in [0, 1) and random labels. */
export function makeMlp(shape: MlpShape = MAIN, seed = 1): MlpState {
  const { input, hidden, output, batch } = shape;
  const rng = new Random(seed);
  return {
    shape,
    w1: rng.randn(hidden, input, Math.sqrt(2 / input)),
    b1: Matrix.zeros(1, hidden),
    w2: rng.randn(output, hidden, Math.sqrt(2 / hidden)),
    b2: Matrix.zeros(1, output),
    x: rng.rand(batch, input),
    labels: Array.from({ length: batch }, () => rng.int(output)),
    h: new Float64Array(batch * hidden),
    s: new Float64Array(batch * output),
    dw1: new Float64Array(hidden * input),
    dw2: new Float64Array(output * hidden),
    dh: new Float64Array(batch * hidden),
    opt: sgd({ lr: LR }),
  };
}

/**
 * The step's two large products: `h = x·W1ᵀ` and `dW1 = dhᵀ·x`, into `st.h` and `st.dw1`.
 * bench/threads.ts swaps in a two-thread version.
 */
export interface LargeProducts {
  forward(st: MlpState): void;
  weightGrad(st: MlpState): void;
}

/** The large products on one thread, with lib's `gemm`. */
export const ONE_THREAD: LargeProducts = {
  forward({ shape, x, w1, h }) {
    gemm({
      m: shape.batch,
      n: shape.hidden,
      k: shape.input,
      a: x.data,
      b: w1.data,
      c: h,
      transB: true,
    });
  },
  weightGrad({ shape, dh, x, dw1 }) {
    gemm({
      m: shape.hidden,
      n: shape.input,
      k: shape.batch,
      a: dh,
      b: x.data,
      c: dw1,
      transA: true,
    });
  },
};

/** One SGD step on the kernels, in place. Returns the loss before the update. */
export function stepFast(st: MlpState, large: LargeProducts = ONE_THREAD): number {
  const { w1, b1, w2, b2, labels, h, s, dw1, dw2, dh } = st;
  const { hidden: HIDDEN, output: OUT, batch: BATCH } = st.shape;
  // Forward: h = relu(x·W1ᵀ + b1), s = h·W2ᵀ + b2.
  large.forward(st);
  for (let i = 0; i < BATCH; i++) {
    for (let j = 0; j < HIDDEN; j++) {
      const v = h[i * HIDDEN + j] + b1.data[j];
      h[i * HIDDEN + j] = v > 0 ? v : 0;
    }
  }
  gemm({ m: BATCH, n: OUT, k: HIDDEN, a: h, b: w2.data, c: s, transB: true });
  // Softmax cross-entropy (mean over the batch); s becomes ds = (softmax − onehot)/N.
  let loss = 0;
  for (let i = 0; i < BATCH; i++) {
    const o = i * OUT;
    let m = -Infinity;
    for (let j = 0; j < OUT; j++) {
      s[o + j] += b2.data[j];
      if (s[o + j] > m) m = s[o + j];
    }
    let z = 0;
    for (let j = 0; j < OUT; j++) z += Math.exp(s[o + j] - m);
    loss += m + Math.log(z) - s[o + labels[i]];
    for (let j = 0; j < OUT; j++) {
      s[o + j] = (Math.exp(s[o + j] - m) / z - (j === labels[i] ? 1 : 0)) / BATCH;
    }
  }
  // Backward: dW2 = dsᵀ·h, db2 = Σ ds, dh = (ds·W2) ⊙ [h > 0], dW1 = dhᵀ·x, db1 = Σ dh.
  gemm({ m: OUT, n: HIDDEN, k: BATCH, a: s, b: h, c: dw2, transA: true });
  gemm({ m: BATCH, n: HIDDEN, k: OUT, a: s, b: w2.data, c: dh });
  for (let t = 0; t < dh.length; t++) if (!(h[t] > 0)) dh[t] = 0; // ReLU'(0) = 0, as PyTorch
  large.weightGrad(st);
  // SGD update, biases first (their gradients are column sums).
  for (let j = 0; j < OUT; j++) {
    let g = 0;
    for (let i = 0; i < BATCH; i++) g += s[i * OUT + j];
    b2.data[j] -= LR * g;
  }
  for (let j = 0; j < HIDDEN; j++) {
    let g = 0;
    for (let i = 0; i < BATCH; i++) g += dh[i * HIDDEN + j];
    b1.data[j] -= LR * g;
  }
  const W1 = w1.data, W2 = w2.data;
  for (let t = 0; t < W1.length; t++) W1[t] -= LR * dw1[t];
  for (let t = 0; t < W2.length; t++) W2[t] -= LR * dw2[t];
  return loss / BATCH;
}

/**
 * Forward and backward with the course's layers, into last step's matrices; the gradients
 * are in `st.grads`. Returns the loss.
 */
function layerGradients(st: MlpState): number {
  const params: LayerParams[] = [{ w: st.w1, b: st.b1 }, { w: st.w2, b: st.b2 }];
  const { out, cache } = mlpForward(st.x, params, { reuse: st.cache }); // ReLU between
  const { loss, grad: dscores } = softmaxCrossEntropy(out, st.labels);
  st.grads = mlpBackward(dscores, cache, { needsInputGrad: false, reuse: st.grads });
  st.cache = cache;
  return loss;
}

/** One SGD step with the course's layers and the update `p ← p − lr·g` in place. */
export function stepLayers(st: MlpState): number {
  const loss = layerGradients(st);
  const params = [st.w1, st.b1, st.w2, st.b2];
  const grads = st.grads!.grads.flatMap((g) => [g.dw, g.db]);
  params.forEach((p, i) => {
    const P = p.data, G = grads[i].data;
    for (let t = 0; t < P.length; t++) P[t] -= LR * G[t];
  });
  return loss;
}

/**
 * One SGD step with the course's layers and `sgd` from lib/optim/optimizers.ts, as a training loop
 * takes it (the optimiser also checks every gradient for NaN and ±Infinity).
 */
export function stepLayersSgd(st: MlpState): number {
  const loss = layerGradients(st);
  st.opt.step([st.w1, st.b1, st.w2, st.b2], st.grads!.grads.flatMap((g) => [g.dw, g.db]));
  return loss;
}
