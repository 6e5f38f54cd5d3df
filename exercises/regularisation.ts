/**
 * Exercise: the L1 and L2 penalties, their (sub-)gradients, the proximal L1 step, the penalty of
 * a layer (weights, not bias) and the decoupled weight-decay step.
 *
 * Notebooks: notebooks/16_l1_l2.ipynb and notebooks/17_weight_decay.ipynb. Write each function
 * between BEGIN YOUR CODE and END YOUR CODE, then grade it with `deno task grade regularisation`
 * (or run the grading cell at the end of notebook 17). Plain arrays of numbers in, plain arrays
 * out; do not modify the inputs.
 */

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

/** A penalty's value and its (sub-)gradient with respect to each weight. */
export interface Penalty {
  loss: number;
  grad: number[];
}

/**
 * The L1 penalty `λ·Σ|w_k|` and its sub-gradient `λ·sign(w_k)`, taking sign(0) = 0 (as PyTorch
 * does): a weight that is exactly zero gets no push.
 */
export function l1Penalty(w: readonly number[], lambda: number): Penalty {
  // BEGIN YOUR CODE: l1Penalty
  return todo("l1Penalty");
  // END YOUR CODE
}

/**
 * The L2 penalty `(λ/2)·Σ w_k²` (half λ times the squared Frobenius norm) and its gradient.
 */
export function l2Penalty(w: readonly number[], lambda: number): Penalty {
  // BEGIN YOUR CODE: l2Penalty
  return todo("l2Penalty");
  // END YOUR CODE
}

/**
 * The proximal step of `λ·Σ|w_k|` after a loss step with learning rate `lr`: each weight moves
 * `lr·λ` towards zero and stops at zero if it would cross it (soft-thresholding).
 */
export function proxL1(w: readonly number[], lambda: number, lr: number): number[] {
  // BEGIN YOUR CODE: proxL1
  return todo("proxL1");
  // END YOUR CODE
}

/** A linear layer's parameters, flattened: its weights `w` and its biases `b`. */
export interface LayerParams {
  w: number[];
  b: number[];
}

/**
 * The L2 penalty of one layer as it is used in practice: `(λ/2)·‖w‖²` over the weights only.
 * Return the penalty and its gradient for the weights (`dw`) and for the biases (`db`).
 */
export function layerL2Penalty(
  layer: LayerParams,
  lambda: number,
): { loss: number; dw: number[]; db: number[] } {
  // BEGIN YOUR CODE: layerL2Penalty
  return todo("layerL2Penalty");
  // END YOUR CODE
}

/**
 * One step with decoupled weight decay (PyTorch's AdamW, and SGDW): shrink the weights by the
 * factor `1 − lr·weightDecay`, then subtract `lr·direction`, where `direction` is what the
 * optimiser would step along without decay (the gradient for SGD, `m̂/(√v̂ + ε)` for Adam).
 * The decay never enters the direction.
 */
export function decoupledStep(
  w: readonly number[],
  direction: readonly number[],
  lr: number,
  weightDecay: number,
): number[] {
  // BEGIN YOUR CODE: decoupledStep
  return todo("decoupledStep");
  // END YOUR CODE
}
