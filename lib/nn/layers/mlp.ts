/**
 * A multi-layer perceptron of any depth: linear layers with an activation between them.
 *
 * `sizes = [d₀, d₁, …, d_L]` gives L linear layers; layer l maps d_{l−1} features to d_l.
 * The forward pass is `z_l = a_{l−1}·W_lᵀ + b_l`, `a_l = σ(z_l)` for the hidden layers, and the
 * last layer stays linear (its output is the scores / logits a loss takes), as in
 * `nn.Sequential(Linear, ReLU, Linear, ReLU, Linear)`.
 *
 * The backward pass is backprop in matrix form: starting from `δ_L = ∂L/∂z_L = dout`, each layer
 * gives `∂L/∂W_l = δ_lᵀ·a_{l−1}`, `∂L/∂b_l = Σₙ δ_l`, and the error sent down is
 * `δ_{l−1} = (δ_l·W_l) ⊙ σ'(z_{l−1})`.
 *
 * @module
 */

import { ifShape, Matrix, ShapeError, shapeOf } from "../../core/matrix.ts";
import { Random } from "../../core/random.ts";
import { type Activation, relu } from "../activations.ts";
import { linearBackward, type LinearCache, linearForward } from "./linear.ts";

/** The parameters of one linear layer: `w` is out×in, `b` is 1×out. */
export interface LayerParams {
  w: Matrix;
  b: Matrix;
}

/**
 * How to draw the initial weights of a layer with `fanIn` inputs and `fanOut` outputs:
 * - `"torch"`: `torch.nn.Linear`'s default, W and b uniform on ±1/√fanIn;
 * - `"he"`: W normal with standard deviation √(2/fanIn) (keeps the variance of ReLU layers), b = 0;
 * - `"xavier"`: W uniform on ±√(6/(fanIn+fanOut)), i.e. variance 2/(fanIn+fanOut), b = 0;
 * - `"xavier-normal"`: W normal with standard deviation √(2/(fanIn+fanOut)) (that is the std;
 *   the variance is 2/(fanIn+fanOut)), b = 0.
 */
export type MlpInit = "torch" | "he" | "xavier" | "xavier-normal";

/**
 * Creates the parameters of an MLP with layer sizes `sizes` (input size first, output size
 * last), drawing from `rng` as `o.init` says (default `"torch"`). For each layer the weight is drawn before the bias, row by row.
 */
export function mlpInit(
  sizes: readonly number[],
  rng: Random,
  o: { init?: MlpInit } = {},
): LayerParams[] {
  const { init = "torch" } = o;
  if (sizes.length < 2) {
    throw new RangeError(`mlpInit: need at least an input and an output size, got [${sizes}]`);
  }
  for (const s of sizes) {
    if (!Number.isInteger(s) || s <= 0) {
      throw new RangeError(`mlpInit: layer sizes must be positive integers, got [${sizes}]`);
    }
  }
  const params: LayerParams[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const fanIn = sizes[l - 1], fanOut = sizes[l];
    let w: Matrix, b: Matrix;
    if (init === "torch") {
      const bound = 1 / Math.sqrt(fanIn);
      w = rng.rand(fanOut, fanIn, -bound, bound);
      b = rng.rand(1, fanOut, -bound, bound);
    } else if (init === "he") {
      w = rng.randn(fanOut, fanIn, Math.sqrt(2 / fanIn));
      b = Matrix.zeros(1, fanOut);
    } else if (init === "xavier") {
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      w = rng.rand(fanOut, fanIn, -bound, bound);
      b = Matrix.zeros(1, fanOut);
    } else if (init === "xavier-normal") {
      w = rng.randn(fanOut, fanIn, Math.sqrt(2 / (fanIn + fanOut)));
      b = Matrix.zeros(1, fanOut);
    } else {
      throw new RangeError(`mlpInit: unknown init "${init}"`);
    }
    params.push({ w, b });
  }
  return params;
}

/** What {@link mlpBackward} needs: each layer's linear cache and pre-activation `z`. */
export interface MlpCache {
  layers: { linear: LinearCache; z: Matrix }[];
  activation: Activation;
}

/** Options of {@link mlpForward}. */
export interface MlpForwardOptions {
  /** The activation between the layers (default ReLU). */
  activation?: Activation;
  /**
   * The cache of an earlier call, whose matrices of the right shape are overwritten instead
   * of allocating new ones: a training loop passes last step's. Its `out` is overwritten too.
   */
  reuse?: MlpCache;
}

/**
 * Forward pass through every layer: linear, then `o.activation` (default ReLU) on all but the
 * last layer.
 * `x` is N×sizes[0]; `out` is N×sizes[L] (the last layer's raw output).
 */
export function mlpForward(
  x: Matrix,
  params: readonly LayerParams[],
  o: MlpForwardOptions = {},
): { out: Matrix; cache: MlpCache } {
  const { activation = relu } = o;
  if (params.length === 0) throw new RangeError("mlpForward: params holds no layer");
  const old = o.reuse?.layers;
  const layers: MlpCache["layers"] = [];
  let a = x;
  params.forEach(({ w, b }, l) => {
    if (a.cols !== w.cols) {
      throw new ShapeError(
        `mlpForward: layer ${l} expects ${w.cols} inputs but gets ${shapeOf(a)}`,
      );
    }
    const { out: z, cache } = linearForward(a, w, b, { reuse: old?.[l]?.z });
    layers.push({ linear: cache, z });
    if (l === params.length - 1) a = z; // the scores stay linear
    else {
      // a = σ(z), into last step's input of the next layer when there is one
      a = ifShape(old?.[l + 1]?.linear.x, z.rows, z.cols) ?? new Matrix(z.rows, z.cols);
      const zs = z.data, as = a.data;
      for (let k = 0; k < zs.length; k++) as[k] = activation.f(zs[k]);
    }
  });
  return { out: a, cache: { layers, activation } };
}

/** What {@link mlpBackward} returns; `dx` is `null` when it was not asked for. */
export interface MlpGrads<DX extends Matrix | null = Matrix> {
  dx: DX;
  grads: { dw: Matrix; db: Matrix }[];
  /** `δ_l = ∂L/∂z_l` of every layer l; the last one is `dout` itself. */
  deltas: Matrix[];
}

/** Options of {@link mlpBackward}. */
export interface MlpBackwardOptions {
  /**
   * Whether to compute `dx`, the gradient of the input (default true). A training loop
   * passes `false`: its input is data, and the first layer then skips its largest product
   * (see `linearBackward`). `dx` is then `null`.
   */
  needsInputGrad?: boolean;
  /** The result of an earlier call, whose matrices of the right shape are overwritten. */
  reuse?: MlpGrads<Matrix | null>;
}

/**
 * Backward pass given `dout = ∂L/∂out`: returns `dx` and, for every layer in order, the
 * gradients `{ dw, db }` of its weight and bias (same shapes as `params`).
 */
export function mlpBackward(
  dout: Matrix,
  cache: MlpCache,
  o?: MlpBackwardOptions & { needsInputGrad?: true },
): MlpGrads;
export function mlpBackward(
  dout: Matrix,
  cache: MlpCache,
  o: MlpBackwardOptions,
): MlpGrads<Matrix | null>;
export function mlpBackward(
  dout: Matrix,
  cache: MlpCache,
  o: MlpBackwardOptions = {},
): MlpGrads<Matrix | null> {
  const { layers, activation } = cache;
  const { needsInputGrad = true, reuse } = o;
  const last = layers[layers.length - 1].z;
  if (dout.rows !== last.rows || dout.cols !== last.cols) {
    throw new ShapeError(
      `mlpBackward: dout must be ${shapeOf(last)} (like out), got ${shapeOf(dout)}`,
    );
  }
  const L = layers.length;
  const grads: { dw: Matrix; db: Matrix }[] = new Array(L);
  const deltas: Matrix[] = new Array(L);
  deltas[L - 1] = dout;
  for (let l = L - 1; l > 0; l--) {
    const { dx, dw, db } = linearBackward(deltas[l], layers[l].linear, {
      reuse: reuse && { dx: reuse.deltas[l - 1], ...reuse.grads[l] },
    });
    grads[l] = { dw, db };
    // δ of the layer below: dx ⊙ σ'(z), in place
    const zs = layers[l - 1].z.data, ds = dx.data;
    for (let k = 0; k < zs.length; k++) ds[k] *= activation.df(zs[k]);
    deltas[l - 1] = dx;
  }
  // The first layer's input x has no activation: its gradient is dx itself, if asked for.
  const { dx, dw, db } = linearBackward(deltas[0], layers[0].linear, {
    needsInputGrad,
    reuse: reuse && { dx: reuse.dx, ...reuse.grads[0] },
  });
  grads[0] = { dw, db };
  return { dx, grads, deltas };
}
