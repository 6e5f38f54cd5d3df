/**
 * One training step of an MLP 784-256-10 (ReLU, softmax cross-entropy, plain SGD) for the
 * benchmark, written two ways:
 *
 * - {@link stepFast}: straight on the kernels of `lib/kernels/` with transposed operands read
 *   in place (`x·W1ᵀ`, `dHᵀ·x`), buffers allocated once and updated in place. This is what a
 *   library's training loop does, and what numpy and TensorFlow.js are compared with.
 * - {@link stepLayers}: composed from the course's own layers (`lib/nn/layers/linear.ts`,
 *   `lib/nn/losses.ts`), as a student would write it. It allocates every intermediate, builds
 *   explicit transposes, checks inputs for NaN, and also computes the input gradient `dx` of
 *   the first layer (a third large product) because `linearBackward` always returns it.
 *
 * Both compute the same step; the benchmark checks they agree before timing.
 *
 * @module
 */
import { gemm } from "../lib/kernels/gemm.ts";
import { linearBackward, linearForward } from "../lib/nn/layers/linear.ts";
import { softmaxCrossEntropy } from "../lib/nn/losses.ts";
import { Matrix, scale, sub } from "../lib/core/matrix.ts";
import { Random } from "../lib/core/random.ts";

export const IN = 784, HIDDEN = 256, OUT = 10, BATCH = 64, LR = 0.01;

/** Parameters, one batch of data, and scratch buffers for {@link stepFast}. */
export interface MlpState {
  w1: Matrix; // HIDDEN×IN
  b1: Matrix; // 1×HIDDEN
  w2: Matrix; // OUT×HIDDEN
  b2: Matrix; // 1×OUT
  x: Matrix; // BATCH×IN
  labels: number[];
  h: Float64Array; // BATCH×HIDDEN
  s: Float64Array; // BATCH×OUT
  dw1: Float64Array;
  dw2: Float64Array;
  dh: Float64Array;
}

/** Random weights (He-scaled normal), a random batch in [0, 1) and random labels. */
export function makeMlp(seed = 1): MlpState {
  const rng = new Random(seed);
  return {
    w1: rng.randn(HIDDEN, IN, Math.sqrt(2 / IN)),
    b1: Matrix.zeros(1, HIDDEN),
    w2: rng.randn(OUT, HIDDEN, Math.sqrt(2 / HIDDEN)),
    b2: Matrix.zeros(1, OUT),
    x: rng.rand(BATCH, IN),
    labels: Array.from({ length: BATCH }, () => rng.int(OUT)),
    h: new Float64Array(BATCH * HIDDEN),
    s: new Float64Array(BATCH * OUT),
    dw1: new Float64Array(HIDDEN * IN),
    dw2: new Float64Array(OUT * HIDDEN),
    dh: new Float64Array(BATCH * HIDDEN),
  };
}

/** One SGD step on the kernels, in place. Returns the loss before the update. */
export function stepFast(st: MlpState): number {
  const { w1, b1, w2, b2, x, labels, h, s, dw1, dw2, dh } = st;
  // Forward: h = relu(x·W1ᵀ + b1), s = h·W2ᵀ + b2.
  gemm({ m: BATCH, n: HIDDEN, k: IN, a: x.data, b: w1.data, c: h, transB: true });
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
  gemm({ m: HIDDEN, n: IN, k: BATCH, a: dh, b: x.data, c: dw1, transA: true });
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

/** One SGD step composed from the course's layers; replaces the parameters with new ones. */
export function stepLayers(st: MlpState): number {
  const l1 = linearForward(st.x, st.w1, st.b1);
  const h = l1.out.map((v) => (v > 0 ? v : 0));
  const l2 = linearForward(h, st.w2, st.b2);
  const { loss, grad: dscores } = softmaxCrossEntropy(l2.out, st.labels);
  const g2 = linearBackward(dscores, l2.cache);
  const dz = g2.dx.map((v, i, j) => (h.get(i, j) > 0 ? v : 0)); // ReLU'(0) = 0, as PyTorch
  const g1 = linearBackward(dz, l1.cache);
  st.w1 = sub(st.w1, scale(g1.dw, LR));
  st.b1 = sub(st.b1, scale(g1.db, LR));
  st.w2 = sub(st.w2, scale(g2.dw, LR));
  st.b2 = sub(st.b2, scale(g2.db, LR));
  return loss;
}
