/**
 * The ROC curve and the area under it, as scikit-learn 1.2 computes them (`roc_curve`,
 * `roc_auc_score`), for one class against the rest.
 *
 * Sort the examples by score, highest first, and lower a threshold past them: every example
 * with a score ≥ the threshold is called positive. Each distinct score is one point
 * (false-positive rate, true-positive rate); examples with **tied scores** cross the threshold
 * together, so a tie is one diagonal step, never a staircase whose shape would depend on the
 * order of the tied examples. The AUC (trapezoids under those points) is then the probability
 * that a random positive scores above a random negative, counting a tie as one half.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";

/** Options of {@link rocCurve}. */
export interface RocOptions {
  /**
   * Drop the points that lie on a straight segment between their neighbours (default true, as
   * scikit-learn): they do not change the curve or its area.
   */
  dropIntermediate?: boolean;
}

/** The points of a ROC curve, from (0, 0) to (1, 1), with the threshold of each. */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /**
   * Scores at or above `thresholds[i]` are called positive at point i; the first is
   * max(score) + 1 (scikit-learn 1.2; 1.3 and later write Infinity there), where nothing is.
   */
  thresholds: number[];
}

function checkBinary(op: string, yTrue: readonly number[], score: readonly number[]): void {
  if (!Array.isArray(yTrue) || yTrue.length === 0 || yTrue.length !== score?.length) {
    throw new RangeError(
      `${op}: need labels and scores of equal, non-zero length, got ${yTrue?.length} and ${score?.length}`,
    );
  }
  if (yTrue.some((v) => v !== 0 && v !== 1)) {
    throw new RangeError(`${op}: labels must be 0 (negative) or 1 (positive)`);
  }
  if (score.some((s) => !Number.isFinite(s))) {
    throw new RangeError(`${op}: scores must be finite numbers`);
  }
  const positives = yTrue.filter((v) => v === 1).length;
  if (positives === 0 || positives === yTrue.length) {
    throw new RangeError(
      `${op}: the ROC curve needs both classes; yTrue has ${
        positives === 0 ? "no positives" : "no negatives"
      }`,
    );
  }
}

/** The ROC curve of scores `score` (higher = more positive) for labels `yTrue` in {0, 1}. */
export function rocCurve(
  yTrue: readonly number[],
  score: readonly number[],
  o: RocOptions = {},
): RocCurve {
  checkBinary("rocCurve", yTrue, score);
  const { dropIntermediate = true } = o;
  const order = score.map((_, i) => i).sort((a, b) => score[b] - score[a]);
  // one point after each run of tied scores: the counts of positives and negatives above it
  let tp = 0, fp = 0;
  let tps: number[] = [], fps: number[] = [], thresholds: number[] = [];
  order.forEach((i, k) => {
    if (yTrue[i] === 1) tp++;
    else fp++;
    if (k === order.length - 1 || score[order[k + 1]] !== score[i]) {
      tps.push(tp), fps.push(fp), thresholds.push(score[i]);
    }
  });
  if (dropIntermediate && fps.length > 2) {
    const keep = fps.map((_, k) =>
      k === 0 || k === fps.length - 1 ||
      fps[k + 1] - 2 * fps[k] + fps[k - 1] !== 0 || tps[k + 1] - 2 * tps[k] + tps[k - 1] !== 0
    );
    [tps, fps, thresholds] = [tps, fps, thresholds].map((v) => v.filter((_, k) => keep[k]));
  }
  const [P, N] = [tps.at(-1)!, fps.at(-1)!];
  return {
    fpr: [0, ...fps.map((v) => v / N)],
    tpr: [0, ...tps.map((v) => v / P)],
    thresholds: [thresholds[0] + 1, ...thresholds],
  };
}

/** The area under the points (x, y) by trapezoids (x non-decreasing). */
export function trapezoidArea(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let k = 1; k < x.length; k++) area += (x[k] - x[k - 1]) * (y[k] + y[k - 1]) / 2;
  return area;
}

/** Options of {@link rocAucScore}. */
export interface AucOptions {
  /** For a matrix of scores: the mean over classes ("macro", default) or weighted by support. */
  average?: "macro" | "weighted";
}

/**
 * The area under the ROC curve. With `score` a list: labels `yTrue` in {0, 1}. With `score` an
 * N×C matrix (a probability per class, rows summing to 1): one class against the rest for each
 * class 0…C−1, averaged (scikit-learn's `multi_class="ovr"`).
 */
export function rocAucScore(
  yTrue: readonly number[],
  score: readonly number[] | Matrix,
  o: AucOptions = {},
): number {
  if (Array.isArray(score)) {
    const { fpr, tpr } = rocCurve(yTrue, score, { dropIntermediate: false });
    return trapezoidArea(fpr, tpr);
  }
  const m = score as Matrix, { average = "macro" } = o;
  if (!["macro", "weighted"].includes(average)) {
    throw new RangeError(`rocAucScore: average must be "macro" or "weighted", got ${average}`);
  }
  if (m.rows !== yTrue.length) {
    throw new RangeError(`rocAucScore: ${yTrue.length} labels for ${m.rows} rows of scores`);
  }
  let sum = 0, weight = 0;
  for (let c = 0; c < m.cols; c++) {
    const y = yTrue.map((v) => (v === c ? 1 : 0));
    const w = average === "weighted" ? y.reduce((s: number, v) => s + v, 0) : 1;
    sum += w * rocAucScore(y, Array.from({ length: m.rows }, (_, i) => m.get(i, c)));
    weight += w;
  }
  return sum / weight;
}
