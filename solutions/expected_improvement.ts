/**
 * Exercise: expected improvement from a GP's mean and standard deviation, and its maximisation
 * over candidates.
 *
 * Notebook: notebooks/30_bayesian_optimisation.ipynb. Write each function between BEGIN YOUR
 * CODE and END YOUR CODE, then grade it with `deno task grade expected_improvement` (or run the
 * grading cell at the end of the notebook). Values are *minimised*: an improvement is a value
 * below the best so far. The standard normal's density and distribution function are given
 * (`normalPdf`, `normalCdf`).
 *
 * The functions at the end of the file let the grader call your code on many values at once and
 * on a GP it fits; leave them as they are.
 */

import { normalCdf, normalPdf } from "../lib/search/normal.ts";
import { gpFit } from "../lib/search/gp.ts";

export { normalCdf, normalPdf };

/**
 * The expected improvement below `best` of a prediction f ~ N(mean, std²), with a margin
 * xi ≥ 0: E[max(0, best − xi − f)]. When std is 0 the prediction is certain: return
 * max(0, best − xi − mean).
 */
export function expectedImprovement(mean: number, std: number, best: number, xi: number): number {
  // BEGIN YOUR CODE: expectedImprovement
  const gain = best - xi - mean;
  if (std === 0) return Math.max(0, gain);
  const z = gain / std;
  return gain * normalCdf(z) + std * normalPdf(z);
  // END YOUR CODE
}

/**
 * The candidate to evaluate next: the index of the largest expected improvement over the
 * candidates' predicted means and standard deviations (the first one on ties), with that EI.
 */
export function maximiseEi(
  means: readonly number[],
  stds: readonly number[],
  best: number,
  xi: number,
): { index: number; ei: number } {
  // BEGIN YOUR CODE: maximiseEi
  let index = 0, ei = -Infinity;
  means.forEach((m, i) => {
    const e = expectedImprovement(m, stds[i], best, xi);
    if (e > ei) [index, ei] = [i, e];
  });
  return { index, ei };
  // END YOUR CODE
}

/** For the grader: your `expectedImprovement` at each (mean, std). */
export function eiMany(means: number[], stds: number[], best: number, xi: number): number[] {
  return means.map((m, i) => expectedImprovement(m, stds[i], best, xi));
}

/**
 * For the grader: fits a GP (Matérn 5/2, length scale 0.2, variance 1, noise 1e-6, normalised
 * targets) to the observations, predicts at the candidates and returns your `maximiseEi` on
 * them, with the best observed value as `best`.
 */
export function suggestNext(
  X: number[][],
  y: number[],
  candidates: number[][],
  xi: number,
): { index: number; ei: number } {
  const gp = gpFit(X, y, { kernel: "matern52", lengthScale: 0.2, noise: 1e-6, normalizeY: true });
  const { mean, std } = gp.predict(candidates);
  return maximiseEi(mean, std, Math.min(...y), xi);
}
