/**
 * Batch normalisation over a batch of feature vectors (PyTorch's `BatchNorm1d` on N×D).
 *
 * Training: each feature (column) j is normalised with the statistics of the batch,
 * `x̂ = (x − μ_j) / √(σ²_j + ε)` where `σ²_j` is the biased batch variance (divide by N), then
 * scaled and shifted, `out = γ_j x̂ + β_j`. The running statistics used at evaluation are
 * exponential moving averages updated as PyTorch does:
 * `running_mean ← (1 − m)·running_mean + m·μ` and
 * `running_var ← (1 − m)·running_var + m·σ²_unbiased` (divide by N − 1), with momentum m = 0.1.
 * Note the two variances: biased to normalise, unbiased for the running estimate.
 *
 * Evaluation: the running statistics replace the batch ones, so the layer is a fixed affine map
 * and an example's output no longer depends on the rest of its batch.
 *
 * @module
 */

import { assertFinite, Matrix, ShapeError, shapeOf } from "../../core/matrix.ts";
import { positive } from "../../core/validate.ts";

/** The running statistics of a batch-norm layer: two 1×D rows. */
export interface BatchNormRunning {
  mean: Matrix;
  var: Matrix;
}

/** Options of {@link batchnormForward}; defaults are PyTorch's. */
export interface BatchNormOptions {
  training: boolean;
  momentum?: number;
  eps?: number;
}

/** What {@link batchnormBackward} needs from the forward pass, and the statistics to inspect. */
export interface BatchNormCache {
  training: boolean;
  /** The normalised input, N×D. */
  xhat: Matrix;
  gamma: Matrix;
  /** The mean used to normalise, 1×D: the batch mean in training, the running mean otherwise. */
  mean: Matrix;
  /** The variance used to normalise, 1×D: the biased batch variance in training, the running one otherwise. */
  var: Matrix;
  /** `1/√(var + ε)` per feature. */
  invStd: Float64Array;
}

/** Fresh running statistics as PyTorch initialises them: mean 0, variance 1. */
export function batchnormRunningInit(d: number): BatchNormRunning {
  return { mean: Matrix.zeros(1, d), var: Matrix.filled(1, d, 1) };
}

/**
 * Forward pass. `x` is N×D, `gamma`/`beta` are 1×D. Returns the output, the cache (with the
 * `mean` and `var` used to normalise, for inspection) and the running statistics after this step (new matrices; `running` itself is not modified; in
 * evaluation they are returned unchanged).
 *
 * Training needs N ≥ 2 (the unbiased variance divides by N − 1; PyTorch refuses N = 1 too).
 */
export function batchnormForward(
  x: Matrix,
  gamma: Matrix,
  beta: Matrix,
  running: BatchNormRunning,
  { training, momentum = 0.1, eps = 1e-5 }: BatchNormOptions,
): { out: Matrix; cache: BatchNormCache; running: BatchNormRunning } {
  const op = "batchnormForward";
  const n = x.rows, d = x.cols;
  const rows = { gamma, beta, "running.mean": running.mean, "running.var": running.var };
  for (const [name, m] of Object.entries(rows)) {
    if (m.rows !== 1 || m.cols !== d) {
      throw new ShapeError(`${op}: ${name} must be 1×${d} for x ${shapeOf(x)}, got ${shapeOf(m)}`);
    }
  }
  if (!(momentum >= 0 && momentum <= 1)) {
    throw new RangeError(`${op}: momentum must be in [0, 1], got ${momentum}`);
  }
  positive(op, "eps", eps);
  if (n === 0) throw new Error(`${op}: empty batch (x has 0 rows)`);
  if (training && n < 2) {
    throw new Error(`${op}: training needs at least 2 examples per feature, got 1`);
  }
  for (const m of [x, gamma, beta, running.mean, running.var]) assertFinite(op, m);

  const mean = new Float64Array(d), varB = new Float64Array(d);
  let newRunning = running;
  if (training) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j] / n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) varB[j] += (x.data[i * d + j] - mean[j]) ** 2 / n;
    }
    newRunning = {
      mean: running.mean.map((r, _i, j) => (1 - momentum) * r + momentum * mean[j]),
      var: running.var.map((r, _i, j) => (1 - momentum) * r + momentum * varB[j] * n / (n - 1)),
    };
  } else {
    mean.set(running.mean.data);
    varB.set(running.var.data);
  }
  const invStd = varB.map((v) => 1 / Math.sqrt(v + eps));
  const xhat = x.map((v, _i, j) => (v - mean[j]) * invStd[j]);
  const out = xhat.map((v, _i, j) => gamma.data[j] * v + beta.data[j]);
  const cache = {
    training,
    xhat,
    gamma,
    mean: new Matrix(1, d, mean),
    var: new Matrix(1, d, varB),
    invStd,
  };
  return { out, cache, running: newRunning };
}

/**
 * Backward pass. With `g = dout ⊙ γ` (the gradient reaching x̂), per feature:
 * - training: `dx = (1/σ̂)·(g − mean_n(g) − x̂·mean_n(g ⊙ x̂))`, because μ and σ² depend on
 *   every example, the gradient loses its batch mean and its component along x̂;
 * - evaluation: `dx = g/σ̂` (the statistics are constants);
 * - `dγ = Σₙ dout ⊙ x̂`, `dβ = Σₙ dout` (1×D each).
 */
export function batchnormBackward(
  dout: Matrix,
  cache: BatchNormCache,
): { dx: Matrix; dgamma: Matrix; dbeta: Matrix } {
  const { training, xhat, gamma, invStd } = cache;
  const n = xhat.rows, d = xhat.cols;
  if (dout.rows !== n || dout.cols !== d) {
    throw new ShapeError(
      `batchnormBackward: dout must be ${shapeOf(xhat)} (like out), got ${shapeOf(dout)}`,
    );
  }
  assertFinite("batchnormBackward", dout);
  const dgamma = new Matrix(1, d), dbeta = new Matrix(1, d);
  const meanG = new Float64Array(d), meanGX = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const k = i * d + j, g = dout.data[k] * gamma.data[j];
      dgamma.data[j] += dout.data[k] * xhat.data[k];
      dbeta.data[j] += dout.data[k];
      meanG[j] += g / n;
      meanGX[j] += g * xhat.data[k] / n;
    }
  }
  const dx = dout.map((v, i, j) => {
    const g = v * gamma.data[j];
    return training ? invStd[j] * (g - meanG[j] - xhat.data[i * d + j] * meanGX[j]) : invStd[j] * g;
  });
  return { dx, dgamma, dbeta };
}
