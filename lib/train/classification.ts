/**
 * Scores of a classifier's predicted classes beyond accuracy: the confusion matrix, and
 * precision, recall and F-score per class or averaged (macro, micro, weighted), with
 * scikit-learn's definitions and names (`confusion_matrix`, `precision_recall_fscore_support`).
 *
 * For class c, with TP, FP, FN its true positives, false positives and false negatives:
 * precision = TP/(TP + FP) (of the examples predicted c, the share that are c), recall =
 * TP/(TP + FN) (of the examples that are c, the share found), F_β = (1 + β²)·P·R/(β²·P + R).
 * A ratio 0/0 (a class never predicted, or never true) is `zeroDivision` (default 0, as
 * scikit-learn's default `"warn"`); F is 0 when P = R = 0.
 *
 * @module
 */

/** Options of {@link confusionMatrix} and {@link precisionRecallFscore}. */
export interface LabelOptions {
  /**
   * The classes, in the order of the rows and columns (default: every class that appears in
   * `yTrue` or `yPred`, sorted, as scikit-learn).
   */
  labels?: readonly number[];
}

/** Throws unless `yTrue` and `yPred` are non-empty lists of integers of the same length. */
function checkLabels(op: string, yTrue: readonly number[], yPred: readonly number[]): void {
  if (!Array.isArray(yTrue) || !Array.isArray(yPred)) {
    throw new TypeError(`${op}: yTrue and yPred must be arrays of class labels`);
  }
  if (yTrue.length !== yPred.length || yTrue.length === 0) {
    throw new RangeError(
      `${op}: need two non-empty lists of equal length, got ${yTrue.length} and ${yPred.length}`,
    );
  }
  const bad = [...yTrue, ...yPred].find((v) => !Number.isInteger(v));
  if (bad !== undefined) throw new TypeError(`${op}: labels must be integers, got ${bad}`);
}

function labelsOf(yTrue: readonly number[], yPred: readonly number[], o: LabelOptions): number[] {
  return o.labels ? [...o.labels] : [...new Set([...yTrue, ...yPred])].sort((a, b) => a - b);
}

/**
 * The confusion matrix: entry [i][j] counts the examples of class `labels[i]` predicted as
 * `labels[j]` (rows true, columns predicted, as scikit-learn). Examples whose true or predicted
 * class is not in `labels` are left out.
 */
export function confusionMatrix(
  yTrue: readonly number[],
  yPred: readonly number[],
  o: LabelOptions = {},
): number[][] {
  checkLabels("confusionMatrix", yTrue, yPred);
  const labels = labelsOf(yTrue, yPred, o);
  const at = new Map(labels.map((l, i) => [l, i]));
  const m = labels.map(() => labels.map(() => 0));
  yTrue.forEach((t, n) => {
    const i = at.get(t), j = at.get(yPred[n]);
    if (i !== undefined && j !== undefined) m[i][j]++;
  });
  return m;
}

/** How per-class scores are combined: scikit-learn's `average`. */
export type Average = "macro" | "micro" | "weighted";

/** Options of {@link precisionRecallFscore}. */
export interface ScoreOptions extends LabelOptions {
  /**
   * Unset: one score per class. "macro": the plain mean over classes. "micro": the ratios of the
   * counts summed over classes (for single-label data all three equal the accuracy when every
   * class is counted). "weighted": the mean weighted by each class's support.
   */
  average?: Average;
  /** The value of a ratio 0/0 (default 0). */
  zeroDivision?: 0 | 1;
  /** β of F_β (default 1: F1, the harmonic mean of precision and recall). */
  beta?: number;
}

/** Per-class scores and the number of true examples of each class (`support`). */
export interface ClassScores {
  labels: number[];
  precision: number[];
  recall: number[];
  f: number[];
  support: number[];
}

/** Averaged scores. */
export interface AveragedScores {
  precision: number;
  recall: number;
  f: number;
}

/**
 * Precision, recall and F_β of each class of `labels`, or their average (scikit-learn's
 * `precision_recall_fscore_support`, with `zero_division` 0 or 1).
 */
export function precisionRecallFscore(
  yTrue: readonly number[],
  yPred: readonly number[],
  o?: ScoreOptions & { average?: undefined },
): ClassScores;
export function precisionRecallFscore(
  yTrue: readonly number[],
  yPred: readonly number[],
  o: ScoreOptions & { average: Average },
): AveragedScores;
export function precisionRecallFscore(
  yTrue: readonly number[],
  yPred: readonly number[],
  o: ScoreOptions = {},
): ClassScores | AveragedScores {
  const op = "precisionRecallFscore";
  const { average, zeroDivision = 0, beta = 1 } = o;
  if (average !== undefined && !["macro", "micro", "weighted"].includes(average)) {
    throw new RangeError(`${op}: average must be "macro", "micro" or "weighted", got ${average}`);
  }
  if (zeroDivision !== 0 && zeroDivision !== 1) {
    throw new RangeError(`${op}: zeroDivision must be 0 or 1, got ${zeroDivision}`);
  }
  if (!(beta >= 0) || !Number.isFinite(beta)) {
    throw new RangeError(`${op}: beta must be a finite number ≥ 0, got ${beta}`);
  }
  checkLabels(op, yTrue, yPred);
  const labels = labelsOf(yTrue, yPred, o);
  const count = (y: readonly number[], l: number) => y.filter((v) => v === l).length;
  let tp = labels.map((l) => yTrue.filter((t, n) => t === l && yPred[n] === l).length);
  let predicted = labels.map((l) => count(yPred, l));
  let support = labels.map((l) => count(yTrue, l));
  if (average === "micro") {
    const sum = (v: number[]) => [v.reduce((s, x) => s + x, 0)];
    [tp, predicted, support] = [sum(tp), sum(predicted), sum(support)];
  }
  const ratio = (a: number, b: number) => (b === 0 ? zeroDivision : a / b);
  const precision = tp.map((t, i) => ratio(t, predicted[i]));
  const recall = tp.map((t, i) => ratio(t, support[i]));
  const b2 = beta * beta;
  const f = precision.map((p, i) => {
    const denom = b2 * p + recall[i];
    return denom === 0 ? 0 : (1 + b2) * p * recall[i] / denom;
  });
  if (average === undefined) return { labels, precision, recall, f, support };
  const weights = average === "weighted" ? support : support.map(() => 1);
  const total = weights.reduce((s, w) => s + w, 0);
  if (total === 0) {
    // weighted, and no class of `labels` is ever true (scikit-learn's special case)
    const none = predicted.every((p) => p === 0);
    return { precision: none ? zeroDivision : 0, recall: zeroDivision, f: none ? zeroDivision : 0 };
  }
  const mean = (v: number[]) => v.reduce((s, x, i) => s + x * weights[i], 0) / total;
  return { precision: mean(precision), recall: mean(recall), f: mean(f) };
}
