/**
 * Layer normalisation over the last dimension (PyTorch's `LayerNorm(D)` on N×D, elementwise
 * affine).
 *
 * Where batch norm normalises each feature across the batch, layer norm normalises each example
 * across its own features: for row n, `x̂ = (x − μₙ)/√(σ²ₙ + ε)` with the mean and the biased
 * variance (divide by D) of that row, then `out = γ ⊙ x̂ + β` with γ, β of size 1×D. No running
 * statistics: training and evaluation compute the same thing, and a batch of one is fine.
 *
 * @module
 */

import { assertFinite, Matrix, ShapeError, shapeOf } from "../../core/matrix.ts";
import { positive } from "../../core/validate.ts";

/** What {@link layernormBackward} needs from the forward pass, and the statistics to inspect. */
export interface LayerNormCache {
  /** The normalised input `(x − μₙ)/√(σ²ₙ + ε)`, N×D. */
  xhat: Matrix;
  gamma: Matrix;
  /** Each row's mean μₙ, N×1. */
  mean: Matrix;
  /** Each row's biased variance σ²ₙ (divide by D), N×1. */
  var: Matrix;
  /** `1/√(σ²ₙ + ε)` per row. */
  invStd: Float64Array;
}

/** Options of {@link layernormForward}; the default is PyTorch's. */
export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Forward pass. `x` is N×D, `gamma`/`beta` are 1×D. The cache holds each row's `mean` and
 * `var` (N×1) for inspection.
 */
export function layernormForward(
  x: Matrix,
  gamma: Matrix,
  beta: Matrix,
  o: LayerNormOptions = {},
): { out: Matrix; cache: LayerNormCache } {
  const op = "layernormForward";
  const { eps = 1e-5 } = o;
  const n = x.rows, d = x.cols;
  for (const [name, m] of [["gamma", gamma], ["beta", beta]] as const) {
    if (m.rows !== 1 || m.cols !== d) {
      throw new ShapeError(`${op}: ${name} must be 1×${d} for x ${shapeOf(x)}, got ${shapeOf(m)}`);
    }
  }
  positive(op, "eps", eps);
  if (n === 0) throw new Error(`${op}: empty batch (x has 0 rows)`);
  if (d === 0) throw new Error(`${op}: no features to normalise (x has 0 columns)`);
  for (const m of [x, gamma, beta]) assertFinite(op, m);

  const mean = new Matrix(n, 1), variance = new Matrix(n, 1), invStd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0, ss = 0;
    for (let j = 0; j < d; j++) s += x.data[i * d + j];
    mean.data[i] = s / d;
    for (let j = 0; j < d; j++) ss += (x.data[i * d + j] - mean.data[i]) ** 2;
    variance.data[i] = ss / d;
    invStd[i] = 1 / Math.sqrt(ss / d + eps);
  }
  const xhat = x.map((v, i) => (v - mean.data[i]) * invStd[i]);
  const out = xhat.map((v, _i, j) => gamma.data[j] * v + beta.data[j]);
  return { out, cache: { xhat, gamma, mean, var: variance, invStd } };
}

/**
 * Backward pass: the batch-norm formula with the roles of rows and columns swapped. With
 * `g = dout ⊙ γ`, per row: `dx = (1/σ̂)·(g − mean_j(g) − x̂·mean_j(g ⊙ x̂))`;
 * `dγ = Σₙ dout ⊙ x̂`, `dβ = Σₙ dout` (1×D).
 */
export function layernormBackward(
  dout: Matrix,
  cache: LayerNormCache,
): { dx: Matrix; dgamma: Matrix; dbeta: Matrix } {
  const { xhat, gamma, invStd } = cache;
  const n = xhat.rows, d = xhat.cols;
  if (dout.rows !== n || dout.cols !== d) {
    throw new ShapeError(
      `layernormBackward: dout must be ${shapeOf(xhat)} (like out), got ${shapeOf(dout)}`,
    );
  }
  assertFinite("layernormBackward", dout);
  const dx = new Matrix(n, d), dgamma = new Matrix(1, d), dbeta = new Matrix(1, d);
  for (let i = 0; i < n; i++) {
    let meanG = 0, meanGX = 0;
    for (let j = 0; j < d; j++) {
      const k = i * d + j, g = dout.data[k] * gamma.data[j];
      dgamma.data[j] += dout.data[k] * xhat.data[k];
      dbeta.data[j] += dout.data[k];
      meanG += g / d;
      meanGX += g * xhat.data[k] / d;
    }
    for (let j = 0; j < d; j++) {
      const k = i * d + j;
      dx.data[k] = invStd[i] * (dout.data[k] * gamma.data[j] - meanG - xhat.data[k] * meanGX);
    }
  }
  return { dx, dgamma, dbeta };
}
