/**
 * Exercise: the L1 and L2 penalties, their (sub-)gradients, the proximal L1 step, the penalty of
 * a layer (weights, not bias) and the decoupled weight-decay step.
 *
 * Notebooks: notebooks/16_l1_l2.ipynb and notebooks/17_weight_decay.ipynb. Write each function
 * between BEGIN YOUR CODE and END YOUR CODE, then grade it with `deno task grade regularisation`
 * (or run the grading cell at the end of notebook 17). Plain arrays of numbers in, plain arrays
 * out; do not modify the inputs.
 */

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
  let loss = 0;
  for (const v of w) loss += Math.abs(v);
  return { loss: lambda * loss, grad: w.map((v) => lambda * Math.sign(v)) };
  // END YOUR CODE
}

/**
 * The L2 penalty `(λ/2)·Σ w_k²` (half λ times the squared Frobenius norm) and its gradient.
 */
export function l2Penalty(w: readonly number[], lambda: number): Penalty {
  // BEGIN YOUR CODE: l2Penalty
  let loss = 0;
  for (const v of w) loss += v * v;
  return { loss: 0.5 * lambda * loss, grad: w.map((v) => lambda * v) };
  // END YOUR CODE
}

/**
 * The proximal step of `λ·Σ|w_k|` after a loss step with learning rate `lr`: each weight moves
 * `lr·λ` towards zero and stops at zero if it would cross it (soft-thresholding).
 */
export function proxL1(w: readonly number[], lambda: number, lr: number): number[] {
  // BEGIN YOUR CODE: proxL1
  const t = lr * lambda;
  return w.map((v) => (v > t ? v - t : v < -t ? v + t : 0));
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
  const { loss, grad } = l2Penalty(layer.w, lambda);
  return { loss, dw: grad, db: layer.b.map(() => 0) };
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
  return w.map((v, k) => v * (1 - lr * weightDecay) - lr * direction[k]);
  // END YOUR CODE
}
