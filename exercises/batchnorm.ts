/**
 * Exercise: batch normalisation, forward (training with running statistics, and evaluation)
 * and backward — CS231n's classic, with PyTorch's conventions (`nn.BatchNorm1d`).
 *
 * Notebook: notebooks/21_normalisation_residual.ipynb. Write `batchnormForward` and
 * `batchnormBackward` between BEGIN YOUR CODE and END YOUR CODE, then grade them with
 * `deno task grade batchnorm` (or run the grading cell at the end of the notebook).
 *
 * A batch `x` is N×D (one example per row); each of the D features (columns) is normalised on
 * its own. `gamma` and `beta` are 1×D rows; so are the running mean and variance.
 *
 * PyTorch's conventions, which the checks follow:
 * - training normalises with the batch mean and the biased batch variance (divide by N);
 * - the running statistics are updated with `momentum` (default 0.1) as the weight of the NEW
 *   batch statistic, and the running variance is updated with the unbiased batch variance
 *   (divide by N − 1);
 * - evaluation normalises with the running statistics and does not change them;
 * - ε (default 1e-5) is added to the variance inside the square root.
 *
 * You may use the Matrix class and the operations of lib/core/matrix.ts; the point is to write
 * the layer yourself, so do not import the course's layers.
 */

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

import { Matrix } from "../lib/core/matrix.ts";

/** The running statistics: two 1×D rows. */
export interface BatchNormRunning {
  mean: Matrix;
  var: Matrix;
}

/** The mode and the hyper-parameters, with PyTorch's names and defaults. */
export interface BatchNormParam {
  training: boolean;
  /** The weight of the new batch statistic in the running update (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** What the backward pass needs; yours to choose (the checks only pass it along). */
export interface BatchNormCache {
  training: boolean;
  xhat: Matrix;
  gamma: Matrix;
  invStd: number[];
}

/**
 * Forward pass: `out = γ ⊙ x̂ + β` with `x̂ = (x − μ)/√(σ² + ε)` per feature, μ and σ² the batch
 * statistics in training and the running ones in evaluation. Returns the output, your cache,
 * and the running statistics after this call (new matrices: in training updated with this
 * batch, in evaluation the same values). Do not modify the inputs.
 */
export function batchnormForward(
  x: Matrix,
  gamma: Matrix,
  beta: Matrix,
  running: BatchNormRunning,
  param: BatchNormParam,
): { out: Matrix; cache: BatchNormCache; running: BatchNormRunning } {
  // BEGIN YOUR CODE: batchnormForward
  return todo("batchnormForward");
  // END YOUR CODE
}

/**
 * Backward pass: `dx` (N×D), `dgamma` and `dbeta` (1×D) given `dout = ∂L/∂out`. In training
 * the batch mean and variance depend on every example of the batch: differentiate through them.
 */
export function batchnormBackward(
  dout: Matrix,
  cache: BatchNormCache,
): { dx: Matrix; dgamma: Matrix; dbeta: Matrix } {
  // BEGIN YOUR CODE: batchnormBackward
  return todo("batchnormBackward");
  // END YOUR CODE
}

/**
 * Provided, not graded: your forward pass, then your backward pass on its cache. The checks of
 * the backward pass call it; you can too.
 */
export function forwardBackward(
  x: Matrix,
  gamma: Matrix,
  beta: Matrix,
  running: BatchNormRunning,
  param: BatchNormParam,
  dout: Matrix,
) {
  const { out, cache, running: next } = batchnormForward(x, gamma, beta, running, param);
  return { out, running: next, ...batchnormBackward(dout, cache) };
}

/**
 * Provided, not graded: several training steps, each batch's forward pass fed the running
 * statistics the previous one returned. Returns the running statistics after every step.
 */
export function trainSteps(
  xs: Matrix[],
  gamma: Matrix,
  beta: Matrix,
  running: BatchNormRunning,
  param: BatchNormParam,
): BatchNormRunning[] {
  const out: BatchNormRunning[] = [];
  for (const x of xs) {
    running = batchnormForward(x, gamma, beta, running, { ...param, training: true }).running;
    out.push(running);
  }
  return out;
}
