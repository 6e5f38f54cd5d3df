/**
 * Training with a penalty through {@link fit}: `penalized(model, { weights, l1, l2 })` is the
 * same model whose `backward` adds the penalty's gradient to the chosen weights, so the
 * objective minimised is the data loss plus `l1·Σ|w| + (l2/2)·‖w‖²` over `weights`.
 *
 * ```ts
 * const net = mlp([784, 32, 10]);
 * const model = penalized(net, { weights: net.layers.map((l) => l.w), l2: 1e-3 });
 * await fit(model, { train, val }, { optimizer: sgd({ lr: 0.1 }), epochs: 2 });
 * ```
 *
 * The weights are named explicitly because biases are usually left out: a bias only shifts a
 * unit's threshold and does not make the function any more complex, and pulling it to zero
 * biases the decision towards the threshold of 0. The losses `fit` reports stay the data loss;
 * {@link penaltyValue} gives the penalty itself.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import { l1Penalty, l2Penalty } from "../nn/losses.ts";
import { nonNegative } from "../core/validate.ts";
import type { Model } from "./model.ts";

/** Options of {@link penalized}. */
export interface PenaltyTerms {
  /** The matrices penalised, among `model.params` (usually the weights, not the biases). */
  weights: readonly Matrix[];
  /** L1 coefficient of `λ·Σ|w|` (default 0). */
  l1?: number;
  /** L2 coefficient of `(λ/2)·‖w‖²` (default 0), the same number as an optimiser's `weightDecay`. */
  l2?: number;
}

/** The penalty `l1·Σ|w| + (l2/2)·‖w‖²` summed over `o.weights`. */
export function penaltyValue(o: PenaltyTerms): number {
  const { l1 = 0, l2 = 0 } = o;
  return o.weights.reduce(
    (s, w) => s + l1Penalty(w, { lambda: l1 }).loss + l2Penalty(w, { lambda: l2 }).loss,
    0,
  );
}

/** `model` with the penalty's (sub-)gradient added to the gradients of `o.weights`. */
export function penalized<C>(model: Model<C>, o: PenaltyTerms): Model<C> {
  const op = "penalized";
  const { l1 = 0, l2 = 0 } = o;
  nonNegative(op, "l1", l1);
  nonNegative(op, "l2", l2);
  if (!Array.isArray(o.weights)) throw new TypeError(`${op}: weights must be an array of matrices`);
  const index = o.weights.map((w) => model.params.indexOf(w));
  const missing = index.indexOf(-1);
  if (missing >= 0) {
    throw new RangeError(`${op}: weights[${missing}] is not one of the model's params`);
  }
  return {
    params: model.params,
    buffers: model.buffers, // batch norm's running statistics, saved and restored by fit too
    forward: (x, mode) => model.forward(x, mode),
    backward(dout, cache) {
      const grads = model.backward(dout, cache);
      for (const i of index) {
        const w = model.params[i], g = grads[i];
        const d1 = l1 ? l1Penalty(w, { lambda: l1 }).grad.data : undefined;
        for (let k = 0; k < g.size; k++) g.data[k] += (d1?.[k] ?? 0) + l2 * w.data[k];
      }
      return grads;
    },
  };
}
