/**
 * Training a linear window scorer with the max-margin objective, to see what the margin Δ does.
 *
 * The scorer gives a window x (a row of d features) the score `s(x) = w·x`, with `w` a 1×d row.
 * Each training pair is a true window and a corrupted one; only their score difference, the
 * gap `w·(x_true − x_corrupt)`, enters the loss, so a bias term would cancel and is left out.
 * The objective is the pairwise hinge of lib/nn/losses.ts plus an optional L2 penalty (the
 * library's convention, (λ/2)‖w‖²):
 *
 *     J(w) = mean_i max(0, Δ − w·x_true[i] + w·x_corrupt[i]) + (λ/2)‖w‖²
 *
 * Two facts the notebook checks with these functions:
 * - the hinge is piecewise linear, so without a penalty gradient descent with margin Δ and step
 *   η is exactly Δ times gradient descent with margin 1 and step η/Δ (from w = 0): Δ only sets
 *   the scale of w, not the direction it learns;
 * - with Δ = 0 the loss is already zero at w = 0, so any penalty pulls the scorer back to
 *   (almost) nothing: the margin is what makes "beat the corrupted window" a non-trivial goal.
 *
 * @module
 */

import { matmul, Matrix, ShapeError, shapeOf, transpose } from "../core/matrix.ts";
import { l2Penalty, type LossResult, pairwiseHinge } from "./losses.ts";
import { positive } from "../core/validate.ts";

function checkPairs(op: string, w: Matrix, xTrue: Matrix, xCorrupt: Matrix): void {
  if (xTrue.rows !== xCorrupt.rows || xTrue.cols !== xCorrupt.cols) {
    throw new ShapeError(
      `${op}: xTrue is ${shapeOf(xTrue)} but xCorrupt is ${shapeOf(xCorrupt)}`,
    );
  }
  if (w.rows !== 1 || w.cols !== xTrue.cols) {
    throw new ShapeError(`${op}: w must be 1×${xTrue.cols}, got ${shapeOf(w)}`);
  }
  if (xTrue.rows === 0) throw new ShapeError(`${op}: empty batch (no pairs)`);
}

/** The scores `x·wᵀ` of every row of `x`, as a plain array. */
export function linearScores(w: Matrix, x: Matrix): number[] {
  return Array.from(matmul(x, transpose(w)).data);
}

/** The gap `s(x_true[i]) − s(x_corrupt[i])` of every pair: positive means ranked correctly. */
export function pairGaps(w: Matrix, xTrue: Matrix, xCorrupt: Matrix): number[] {
  checkPairs("pairGaps", w, xTrue, xCorrupt);
  const st = linearScores(w, xTrue), sc = linearScores(w, xCorrupt);
  return st.map((s, i) => s - sc[i]);
}

/** The scores of each pair as the N×2 matrix {@link pairwiseHinge} takes: `[w·x_true, w·x_corrupt]`. */
export function pairScores(w: Matrix, xTrue: Matrix, xCorrupt: Matrix): Matrix {
  checkPairs("pairScores", w, xTrue, xCorrupt);
  const st = linearScores(w, xTrue), sc = linearScores(w, xCorrupt);
  return Matrix.from(st.map((s, i) => [s, sc[i]]));
}

/** Options of {@link marginObjective}. */
export interface MarginObjectiveOptions {
  /** The margin Δ ≥ 0 (default 1). */
  margin?: number;
  /** The L2 coefficient λ ≥ 0 of the penalty (λ/2)‖w‖² (default 0). */
  lambda?: number;
}

/** The objective J(w) above and its gradient with respect to w (1×d): `{ loss, grad }`. */
export function marginObjective(
  w: Matrix,
  xTrue: Matrix,
  xCorrupt: Matrix,
  o: MarginObjectiveOptions = {},
): LossResult {
  const { margin = 1, lambda = 0 } = o;
  const hinge = pairwiseHinge(pairScores(w, xTrue, xCorrupt), { margin });
  const penalty = l2Penalty(w, { lambda });
  // s_true[i] = w·x_true[i], so ∂J/∂w = Σ_i (∂J/∂s_true[i])·x_true[i] + (∂J/∂s_corrupt[i])·x_corrupt[i].
  const grad = penalty.grad.clone();
  for (let i = 0; i < xTrue.rows; i++) {
    const gt = hinge.grad.get(i, 0), gc = hinge.grad.get(i, 1);
    for (let j = 0; j < w.cols; j++) {
      grad.data[j] += gt * xTrue.get(i, j) + gc * xCorrupt.get(i, j);
    }
  }
  return { loss: hinge.loss + penalty.loss, grad };
}

/** Options of {@link trainLinearScorer}. */
export interface ScorerTrainingOptions {
  /** The margin Δ ≥ 0. */
  margin: number;
  /** The step size η > 0 of full-batch gradient descent. */
  lr: number;
  /** How many steps to take. */
  steps: number;
  /** The L2 coefficient λ ≥ 0 (the penalty is (λ/2)‖w‖², as l2Penalty). Default 0. */
  lambda?: number;
  /** The starting weights (1×d); default zeros. Not modified. */
  w0?: Matrix;
}

/**
 * Full-batch (sub-)gradient descent `w ← w − η·∂J/∂w` on {@link marginObjective}.
 * Returns the final weights and `losses[t]`, the objective before step t (so `steps` values).
 */
export function trainLinearScorer(
  xTrue: Matrix,
  xCorrupt: Matrix,
  o: ScorerTrainingOptions,
): { w: Matrix; losses: number[] } {
  const op = "trainLinearScorer";
  const { margin, lr, steps, lambda = 0, w0 } = o;
  positive(op, "lr", lr);
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`${op}: steps must be a non-negative integer, got ${steps}`);
  }
  let w = w0 ? w0.clone() : new Matrix(1, xTrue.cols);
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    const { loss, grad } = marginObjective(w, xTrue, xCorrupt, { margin, lambda });
    losses.push(loss);
    w = w.map((v, _i, j) => v - lr * grad.data[j]);
  }
  return { w, losses };
}

/**
 * What a trained scorer achieved on its pairs: ‖w‖, the smallest gap, the geometric margin
 * `min gap / ‖w‖` (the gap measured in input units, which rescaling w cannot change), the share
 * of pairs ranked correctly (gap > 0) and the share that clear the margin (gap ≥ Δ).
 */
export function marginSummary(
  w: Matrix,
  xTrue: Matrix,
  xCorrupt: Matrix,
  o: { margin: number },
): { norm: number; minGap: number; geometricMargin: number; ranked: number; clearing: number } {
  const gaps = pairGaps(w, xTrue, xCorrupt);
  const norm = Math.hypot(...w.data);
  const minGap = Math.min(...gaps);
  return {
    norm,
    minGap,
    geometricMargin: norm > 0 ? minGap / norm : 0,
    ranked: gaps.filter((g) => g > 0).length / gaps.length,
    clearing: gaps.filter((g) => g >= o.margin).length / gaps.length,
  };
}
