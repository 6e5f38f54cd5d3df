/**
 * Backpropagation, twice: once unit by unit for a single example (so every number can be
 * followed by hand), and once in matrix form for a batch.
 *
 * Notation (the course's, in PyTorch's layout). Layer l has pre-activations `z_i` and
 * activations `a_i = f(z_i)`; its weight `W` is out×in, so `W_ij` connects unit j of the layer
 * below to unit i of this layer, and `z_i = Σ_j W_ij a_j + b_i`. The last layer is linear: its
 * outputs are the scores. The error of a unit is `δ_i = ∂J/∂z_i`. Three rules give every
 * gradient:
 *
 * - weight: `∂J/∂W_ij = δ_i · a_j`  (W_ij reaches J only through z_i);
 * - bias:   `∂J/∂b_i = δ_i`         (a bias is a weight on a constant input 1);
 * - sharing: unit j below feeds every unit i above, so it collects the sum of their errors,
 *   each weighted by the connecting weight, `∂J/∂a_j = Σ_i δ_i W_ij`, and its own error is
 *   `δ_j = f'(z_j) · Σ_i δ_i W_ij`.
 *
 * Stacked over a batch (row n = example n) the same rules read `Δ_l = (Δ_{l+1} W_{l+1}) ⊙
 * f'(Z_l)`, `∇W_l = Δ_lᵀ A_{l−1}` and `∇b_l = Σ_n Δ_l[n]`; that is what {@link mlpDeltas} and
 * `mlpBackward` (lib/nn/layers/mlp.ts) compute.
 *
 * @module
 */

import { Matrix, mul, ShapeError, shapeOf } from "../core/matrix.ts";
import type { Activation } from "./activations.ts";
import { type LayerParams, mlpBackward, type MlpCache, mlpForward } from "./layers/mlp.ts";
import { softmaxCrossEntropy } from "./losses.ts";

// ---------------------------------------------------------------- one example, unit by unit

/** Everything the forward pass of one example computes, layer by layer. */
export interface OneExampleForward {
  /** `a[0]` is the input x; `a[l]` the outputs of layer l (the scores for the last layer). */
  a: number[][];
  /** `z[l]` the pre-activations of layer l (`z[0]` is empty: the input has none). */
  z: number[][];
}

/** What {@link backwardOneExample} returns; index l refers to layer l, as in `params[l − 1]`. */
export interface OneExampleBackward {
  /** `delta[l][i] = ∂J/∂z_i` of layer l (`delta[0]` is empty). */
  delta: number[][];
  /** `shared[l][j] = Σ_i δ_i W_ij`: the error that unit j of layer l collects from above. */
  shared: number[][];
  /** Per layer, `dW[l − 1][i][j] = δ_i a_j` and `db[l − 1][i] = δ_i`. */
  dW: number[][][];
  db: number[][];
  /** `∂J/∂x`, which is `shared[0]` (the input has no activation). */
  dx: number[];
}

function checkNet(op: string, x: readonly number[], params: readonly LayerParams[]): void {
  if (params.length === 0) throw new RangeError(`${op}: params holds no layer`);
  let width = x.length;
  params.forEach(({ w, b }, l) => {
    if (w.cols !== width) {
      throw new ShapeError(
        `${op}: layer ${l + 1} has w ${shapeOf(w)} but receives ${width} inputs`,
      );
    }
    if (b.rows !== 1 || b.cols !== w.rows) {
      throw new ShapeError(`${op}: layer ${l + 1} needs b 1×${w.rows}, got ${shapeOf(b)}`);
    }
    width = w.rows;
  });
  x.forEach((v, j) => {
    if (!Number.isFinite(v)) throw new RangeError(`${op}: x[${j}] is ${v}`);
  });
}

/**
 * Forward pass of one example through linear layers with activation `act` after every layer
 * but the last: `z_i = Σ_j W_ij a_j + b_i`, `a_i = f(z_i)` (the last layer keeps `a = z`).
 * Written with explicit loops so that it reads like the formulas.
 */
export function forwardOneExample(
  x: readonly number[],
  params: readonly LayerParams[],
  act: Activation,
): OneExampleForward {
  checkNet("forwardOneExample", x, params);
  const a: number[][] = [x.slice()];
  const z: number[][] = [[]];
  params.forEach(({ w, b }, l) => {
    const below = a[l];
    const zl: number[] = [];
    for (let i = 0; i < w.rows; i++) {
      let s = b.data[i];
      for (let j = 0; j < w.cols; j++) s += w.get(i, j) * below[j];
      zl.push(s);
    }
    z.push(zl);
    a.push(l < params.length - 1 ? zl.map((v) => act.f(v)) : zl.slice());
  });
  return { a, z };
}

/**
 * Backward pass of one example given `dout = ∂J/∂(scores)` (use `[1]` for the gradient of a
 * single score s itself). Unit by unit: the output layer's error is `dout` (it is linear);
 * then, layer by layer downwards, weight and bias gradients `δ_i a_j` and `δ_i`, the shared
 * error `Σ_i δ_i W_ij` each unit below collects, and its error `f'(z_j)·Σ_i δ_i W_ij`.
 */
export function backwardOneExample(
  forward: OneExampleForward,
  params: readonly LayerParams[],
  act: Activation,
  dout: readonly number[],
): OneExampleBackward {
  const L = params.length;
  const { a, z } = forward;
  if (a.length !== L + 1) {
    throw new ShapeError(`backwardOneExample: forward has ${a.length - 1} layers, params ${L}`);
  }
  if (dout.length !== params[L - 1].w.rows) {
    throw new ShapeError(
      `backwardOneExample: dout has ${dout.length} entries for ${params[L - 1].w.rows} outputs`,
    );
  }
  const delta: number[][] = new Array(L + 1);
  const shared: number[][] = new Array(L + 1);
  const dW: number[][][] = new Array(L);
  const db: number[][] = new Array(L);
  delta[L] = dout.slice();
  shared[L] = dout.slice(); // nothing above the scores: their error comes straight from J
  delta[0] = [];
  for (let l = L; l >= 1; l--) {
    const { w } = params[l - 1];
    const d = delta[l], below = a[l - 1];
    dW[l - 1] = d.map((di) => below.map((aj) => di * aj));
    db[l - 1] = d.slice();
    // Error sharing: unit j below sends its output to every unit i of this layer.
    const s: number[] = [];
    for (let j = 0; j < w.cols; j++) {
      let e = 0;
      for (let i = 0; i < w.rows; i++) e += d[i] * w.get(i, j);
      s.push(e);
    }
    shared[l - 1] = s;
    if (l > 1) delta[l - 1] = s.map((e, j) => act.df(z[l - 1][j]) * e);
  }
  return { delta, shared, dW, db, dx: shared[0] };
}

/**
 * The first-layer weight gradient as the source notes write it (curriculum erratum 5), for a
 * net with one hidden layer and one score s: `∂s/∂W_ij = Σ_i W_i f'(z_i) a_j`, which sums over
 * the very index i that names the weight. The result no longer depends on i, and it is wrong:
 * W_ij feeds only hidden unit i, so the right value is `W_i f'(z_i) a_j = δ_i a_j` with no sum.
 * Kept only so the notebooks can show the difference.
 */
export function seedSummedGradient(
  forward: OneExampleForward,
  params: readonly LayerParams[],
  act: Activation,
): number[][] {
  if (params.length !== 2 || params[1].w.rows !== 1) {
    throw new RangeError("seedSummedGradient: needs one hidden layer and a single score");
  }
  const u = params[1].w, z = forward.z[1], x = forward.a[0];
  let total = 0;
  for (let i = 0; i < u.cols; i++) total += u.get(0, i) * act.df(z[i]);
  return z.map(() => x.map((xj) => total * xj));
}

// ---------------------------------------------------------------- a batch, in matrix form

/**
 * The errors `Δ_l = ∂J/∂Z_l` (N×d_l, one row per example) of every layer of an MLP, from the
 * cache of `mlpForward` and `dout = ∂J/∂(scores)`. Top layer: `Δ_L = dout`; below it the
 * recurrence `Δ_l = (Δ_{l+1} W_{l+1}) ⊙ f'(Z_l)`, which is `δ(l) = (W(l+1)ᵀ δ(l+1)) ⊙ f'(z(l))`
 * for each example written as a row. Index l − 1 of the result belongs to `params[l − 1]`.
 */
export function mlpDeltas(dout: Matrix, cache: MlpCache): Matrix[] {
  const { layers, activation } = cache;
  const top = layers[layers.length - 1].z;
  if (dout.rows !== top.rows || dout.cols !== top.cols) {
    throw new ShapeError(
      `mlpDeltas: dout must be ${shapeOf(top)} (like out), got ${shapeOf(dout)}`,
    );
  }
  const deltas: Matrix[] = new Array(layers.length);
  deltas[layers.length - 1] = dout;
  for (let l = layers.length - 2; l >= 0; l--) {
    const { w } = layers[l + 1].linear;
    const fromAbove = new Matrix(dout.rows, w.cols);
    const d = deltas[l + 1];
    for (let n = 0; n < d.rows; n++) {
      for (let j = 0; j < w.cols; j++) {
        let e = 0;
        for (let i = 0; i < w.rows; i++) e += d.get(n, i) * w.get(i, j);
        fromAbove.set(n, j, e);
      }
    }
    deltas[l] = mul(fromAbove, layers[l].z.map((v) => activation.df(v)));
  }
  return deltas;
}

/** The parameters of a two-layer net in PyTorch's layout: W1 H×D, b1 1×H, W2 C×H, b2 1×C. */
export interface TwoLayerParams {
  W1: Matrix;
  b1: Matrix;
  W2: Matrix;
  b2: Matrix;
}

/** The mean loss of a two-layer net and the gradient of every parameter. */
export interface TwoLayerResult {
  loss: number;
  dW1: Matrix;
  db1: Matrix;
  dW2: Matrix;
  db2: Matrix;
}

/**
 * The two-layer classifier of the `backprop` exercise: `x` (N×D) → linear (W1, b1) → `act` →
 * linear (W2, b2) → softmax cross-entropy with `labels`, averaged over the batch. Returns the
 * loss and `∂loss/∂` each parameter, shaped like the parameter. Built from `mlpForward`,
 * `softmaxCrossEntropy` and `mlpBackward`, so the grader's reference is the library's MLP.
 */
export function twoLayerLoss(
  x: Matrix,
  labels: readonly number[],
  params: TwoLayerParams,
  act: Activation,
): TwoLayerResult {
  const { W1, b1, W2, b2 } = params;
  const op = "twoLayerLoss";
  if (x.cols !== W1.cols) {
    throw new ShapeError(`${op}: x is ${shapeOf(x)} but W1 is ${shapeOf(W1)}`);
  }
  if (W2.cols !== W1.rows) {
    throw new ShapeError(`${op}: W2 is ${shapeOf(W2)} but W1 gives ${W1.rows} hidden units`);
  }
  if (b1.rows !== 1 || b1.cols !== W1.rows) {
    throw new ShapeError(`${op}: b1 must be 1×${W1.rows}, got ${shapeOf(b1)}`);
  }
  if (b2.rows !== 1 || b2.cols !== W2.rows) {
    throw new ShapeError(`${op}: b2 must be 1×${W2.rows}, got ${shapeOf(b2)}`);
  }
  if (labels.length !== x.rows) {
    throw new ShapeError(`${op}: ${labels.length} labels for ${x.rows} rows of x`);
  }
  const layers = [{ w: W1, b: b1 }, { w: W2, b: b2 }];
  const { out, cache } = mlpForward(x, layers, { activation: act });
  const { loss, grad: dscores } = softmaxCrossEntropy(out, labels);
  const { grads } = mlpBackward(dscores, cache);
  return { loss, dW1: grads[0].dw, db1: grads[0].db, dW2: grads[1].dw, db2: grads[1].db };
}
