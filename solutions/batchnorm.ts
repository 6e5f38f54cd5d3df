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
  const { training, momentum = 0.1, eps = 1e-5 } = param;
  const n = x.rows, d = x.cols;
  const mean = new Array<number>(d).fill(0), variance = new Array<number>(d).fill(0);
  let next: BatchNormRunning;
  if (training) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.get(i, j) / n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) variance[j] += (x.get(i, j) - mean[j]) ** 2 / n; // biased
    }
    next = {
      mean: running.mean.map((r, _i, j) => (1 - momentum) * r + momentum * mean[j]),
      var: running.var.map((r, _i, j) => (1 - momentum) * r + momentum * variance[j] * n / (n - 1)),
    };
  } else {
    for (let j = 0; j < d; j++) {
      [mean[j], variance[j]] = [running.mean.data[j], running.var.data[j]];
    }
    next = { mean: running.mean.clone(), var: running.var.clone() };
  }
  const invStd = variance.map((v) => 1 / Math.sqrt(v + eps));
  const xhat = x.map((v, _i, j) => (v - mean[j]) * invStd[j]);
  const out = xhat.map((v, _i, j) => gamma.data[j] * v + beta.data[j]);
  return { out, cache: { training, xhat, gamma, invStd }, running: next };
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
  const { training, xhat, gamma, invStd } = cache;
  const n = dout.rows, d = dout.cols;
  const dgamma = new Matrix(1, d), dbeta = new Matrix(1, d);
  const meanG = new Array<number>(d).fill(0), meanGX = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const g = dout.get(i, j) * gamma.data[j]; // ∂L/∂x̂
      dgamma.data[j] += dout.get(i, j) * xhat.get(i, j);
      dbeta.data[j] += dout.get(i, j);
      meanG[j] += g / n;
      meanGX[j] += g * xhat.get(i, j) / n;
    }
  }
  // dx = (1/σ̂)(g − mean(g) − x̂·mean(g ⊙ x̂)) in training; g/σ̂ in evaluation
  const dx = dout.map((v, i, j) => {
    const g = v * gamma.data[j];
    return training ? invStd[j] * (g - meanG[j] - xhat.get(i, j) * meanGX[j]) : invStd[j] * g;
  });
  return { dx, dgamma, dbeta };
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
