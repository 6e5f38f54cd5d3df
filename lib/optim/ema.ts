/**
 * The exponential moving average (EMA) and its bias correction.
 *
 * Convention used throughout the course (and by Adam, RMSProp and PyTorch):
 *
 *     v_0 = 0,   v_t = β·v_{t−1} + (1 − β)·x_t,   v̂_t = v_t / (1 − β^t)
 *
 * Unrolled, `v_t = (1 − β)·Σ_{k=1..t} β^{t−k}·x_k`: the weights `(1 − β)·β^{t−k}` sum to
 * `1 − β^t`, not 1, because the weight that would have gone to samples before the first one
 * went to `v_0 = 0`. Dividing by that sum is the bias correction.
 *
 * Seed 003 writes the same average with the weight on the new sample, `S_t = α·X_t +
 * (1 − α)·S_{t−1}`, i.e. `α = 1 − β`, and then corrects with `1 − α^t`; with its convention the
 * right divisor is `1 − (1 − α)^t` (curriculum erratum 1). Both are here so the notebook can
 * show the difference.
 *
 * @module
 */

import { coefficient as checkDecay, finiteValues } from "../core/validate.ts";

/** The raw EMA `v_1 … v_n` of `xs`, started at `o.v0` (default 0). */
export function ema(xs: readonly number[], beta: number, o: { v0?: number } = {}): number[] {
  const { v0 = 0 } = o;
  finiteValues("ema", "xs", xs);
  checkDecay("ema", "beta", beta);
  const out: number[] = [];
  let v = v0;
  for (const x of xs) {
    v = beta * v + (1 - beta) * x;
    out.push(v);
  }
  return out;
}

/** The divisor `1 − β^t` that removes the pull towards `v_0 = 0` at step t (t ≥ 1). */
export function biasCorrection(t: number, beta: number): number {
  if (!Number.isInteger(t) || t < 1) {
    throw new RangeError(`biasCorrection: t must be an integer ≥ 1, got ${t}`);
  }
  checkDecay("biasCorrection", "beta", beta);
  return 1 - beta ** t;
}

/** The bias-corrected EMA `v̂_t = v_t / (1 − β^t)`. Its first value is always `x_1`. */
export function emaDebiased(xs: readonly number[], beta: number): number[] {
  return ema(xs, beta).map((v, i) => v / biasCorrection(i + 1, beta));
}

/** Seed 003's form: `S_t = α·X_t + (1 − α)·S_{t−1}` from `S_0 = 0` (α is the weight of the new sample). */
export function emaAlpha(xs: readonly number[], alpha: number): number[] {
  checkDecay("emaAlpha", "1 − alpha", 1 - alpha);
  return ema(xs, 1 - alpha);
}

/** Seed 003's form, corrected correctly: divide by `1 − (1 − α)^t`. */
export function emaAlphaDebiased(xs: readonly number[], alpha: number): number[] {
  return emaDebiased(xs, 1 - alpha);
}

/** Seed 003's form corrected as the seed writes it, dividing by `1 − α^t` (wrong: erratum 1). */
export function emaAlphaSeedCorrection(xs: readonly number[], alpha: number): number[] {
  return emaAlpha(xs, alpha).map((s, i) => s / (1 - alpha ** (i + 1)));
}

/** The weight `(1 − β)·β^{t−k}` that `v_t` gives each sample `x_k`, for k = 1 … t. */
export function emaWeights(t: number, beta: number): number[] {
  checkDecay("emaWeights", "beta", beta);
  return Array.from({ length: t }, (_, i) => (1 - beta) * beta ** (t - 1 - i));
}

/**
 * The effective window `1 / (1 − β)`: the mean age of the weights on an infinite series
 * (plus one), and the number of recent samples that carry `1 − 1/e ≈ 63%` of the weight for
 * β near 1. β = 0.9 averages about 10 steps, β = 0.98 about 50, β = 0.999 about 1000.
 */
export function effectiveWindow(beta: number): number {
  checkDecay("effectiveWindow", "beta", beta);
  return 1 / (1 - beta);
}
