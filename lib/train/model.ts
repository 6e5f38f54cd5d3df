/**
 * What {@link fit} trains: a model is its parameters and a forward/backward pair in the
 * CS231n style, `forward(x) → { out, cache }` and `backward(dout, cache) → gradients`.
 *
 * Any object of this shape can be trained, so a notebook can build a model from whichever
 * layers it teaches; {@link mlp} builds the multi-layer perceptron of `lib/nn/layers/mlp.ts`.
 *
 * ```ts
 * const model = mlp([784, 256, 10], { seed: 0 });
 * const { out, cache } = model.forward(x, "train");           // scores, N×10
 * const { loss, grad } = softmaxCrossEntropy(out, y);
 * optimizer.step(model.params, model.backward(grad, cache)); // updates in place
 * ```
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import { Random } from "../core/random.ts";
import { type Activation, relu } from "../nn/activations.ts";
import {
  type LayerParams,
  mlpBackward,
  type MlpCache,
  mlpForward,
  type MlpInit,
  mlpInit,
} from "../nn/layers/mlp.ts";

/** A trainable model: parameters updated in place, scores forward, gradients backward. */
export interface Model<C = unknown> {
  /** The matrices an optimiser updates, in place and in this order. */
  readonly params: readonly Matrix[];
  /**
   * State that is not trained but is part of the model, updated in place while training
   * (batch norm's running statistics; PyTorch's buffers). `fit` saves and restores it with
   * the parameters.
   */
  readonly buffers?: readonly Matrix[];
  /**
   * The scores (N×classes) for a batch `x` (N×D). `mode` is "train" while fitting and "eval"
   * when measuring: layers such as dropout and batch norm behave differently in the two.
   */
  forward(x: Matrix, mode: "train" | "eval"): { out: Matrix; cache: C };
  /** The gradient of the loss for each of `params` (same order, same shapes), from ∂L/∂out. */
  backward(dout: Matrix, cache: C): Matrix[];
}

/** Options of {@link mlp}. */
export interface MlpModelOptions {
  /** Between the linear layers (default ReLU); the last layer stays linear. */
  activation?: Activation;
  /** How the weights are drawn (default "he", suited to ReLU; see `mlpInit`). */
  init?: MlpInit;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/**
 * A multi-layer perceptron with layer sizes `sizes` (input first, classes last), e.g.
 * `[784, 256, 10]`: `params` are `[W1, b1, W2, b2, …]`, `layers` the same matrices per layer.
 */
export function mlp(
  sizes: readonly number[],
  o: MlpModelOptions = {},
): Model<MlpCache> & { layers: LayerParams[] } {
  const { activation = relu, init = "he", seed = 0 } = o;
  const layers = mlpInit(sizes, new Random(seed), { init });
  return {
    layers,
    params: layers.flatMap((p) => [p.w, p.b]),
    forward: (x) => mlpForward(x, layers, { activation }),
    // The input is data: no gradient for it, so the first layer skips its largest product.
    backward: (dout, cache) =>
      mlpBackward(dout, cache, { needsInputGrad: false }).grads.flatMap((g) => [g.dw, g.db]),
  };
}
