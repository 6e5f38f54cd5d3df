/**
 * Acquisition functions of Bayesian optimisation, for *minimisation*: they score a candidate
 * from the surrogate's posterior mean μ and standard deviation σ there.
 *
 * - Expected improvement over the best value f* so far:
 *   EI = E[max(0, f* − ξ − f)] = (f* − ξ − μ)·Φ(z) + σ·φ(z), z = (f* − ξ − μ)/σ
 *   (and max(0, f* − ξ − μ) when σ = 0). Large where the mean is low (exploitation) or the
 *   uncertainty is high (exploration).
 * - The lower confidence bound μ − κσ (UCB of −f), to be minimised; κ sets the trade-off.
 *
 * @module
 */

import { normalCdf, normalPdf } from "./normal.ts";

/** Expected improvement below `best` (minimisation), with an optional margin ξ ≥ 0. */
export function expectedImprovement(mean: number, std: number, best: number, xi = 0): number {
  if (!(std >= 0)) throw new RangeError(`expectedImprovement: std must be ≥ 0, got ${std}`);
  if (![mean, best, xi].every(Number.isFinite)) {
    throw new RangeError(
      `expectedImprovement: mean, best and xi must be finite, got ${mean}, ${best}, ${xi}`,
    );
  }
  const gain = best - xi - mean;
  if (std === 0) return Math.max(0, gain);
  const z = gain / std;
  return gain * normalCdf(z) + std * normalPdf(z);
}

/** The lower confidence bound μ − κσ (minimise it; the UCB of −f). */
export function lowerConfidenceBound(mean: number, std: number, kappa = 2): number {
  if (!(std >= 0)) throw new RangeError(`lowerConfidenceBound: std must be ≥ 0, got ${std}`);
  if (!(kappa >= 0)) throw new RangeError(`lowerConfidenceBound: kappa must be ≥ 0, got ${kappa}`);
  return mean - kappa * std;
}
