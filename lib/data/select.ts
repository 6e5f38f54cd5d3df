/**
 * Univariate feature selection: score each feature (column) by how well it separates the
 * classes on its own, keep the k best. The score is the one-way ANOVA F statistic,
 *
 *     F = [Σ_c n_c·(μ_c − μ)² / (C − 1)] / [Σ_c Σ_{i in c} (x_i − μ_c)² / (N − C)],
 *
 * the spread of the class means over the spread within the classes (scikit-learn's
 * `f_classif`). The selection looks at the labels: fitted on data that includes the held-out
 * part, it picks features that happen to separate those very examples, and the held-out score
 * stops measuring new data. Fit it on the training part only.
 *
 * @module
 */

import { assertFinite, Matrix, ShapeError, shapeOf } from "../core/matrix.ts";

/**
 * The F statistic of each column of `x` (N×D) against the classes `y` (N labels, at least two
 * classes, N greater than the number of classes). A column constant everywhere gives NaN and
 * one constant within every class but not across them +∞, as in scikit-learn.
 */
export function fClassif(x: Matrix, y: readonly number[]): number[] {
  const op = "fClassif";
  if (!(x instanceof Matrix)) throw new TypeError(`${op}: expected a Matrix of features`);
  if (y.length !== x.rows) {
    throw new ShapeError(`${op}: ${y.length} labels for ${x.rows} rows of x (${shapeOf(x)})`);
  }
  assertFinite(op, x);
  const classes = [...new Set(y)].sort((a, b) => a - b);
  const n = x.rows, d = x.cols, k = classes.length;
  if (k < 2) throw new RangeError(`${op}: need at least 2 classes, got ${k}`);
  if (n <= k) throw new RangeError(`${op}: need more examples (${n}) than classes (${k})`);
  const index = new Map(classes.map((c, i) => [c, i]));
  const counts = new Float64Array(k), sums = new Float64Array(k * d), total = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = index.get(y[i])!;
    counts[c]++;
    for (let j = 0; j < d; j++) {
      sums[c * d + j] += x.data[i * d + j];
      total[j] += x.data[i * d + j];
    }
  }
  const within = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = index.get(y[i])!;
    for (let j = 0; j < d; j++) within[j] += (x.data[i * d + j] - sums[c * d + j] / counts[c]) ** 2;
  }
  return Array.from({ length: d }, (_, j) => {
    let between = 0;
    for (let c = 0; c < k; c++) {
      between += counts[c] * (sums[c * d + j] / counts[c] - total[j] / n) ** 2;
    }
    return (between / (k - 1)) / (within[j] / (n - k));
  });
}

/**
 * The indices of the `k` largest `scores`, largest first (scikit-learn's `SelectKBest`); NaN
 * counts as the lowest score, and equal scores keep their order.
 */
export function selectKBest(scores: readonly number[], k: number): number[] {
  if (!Number.isInteger(k) || k < 1 || k > scores.length) {
    throw new RangeError(
      `selectKBest: k must be a whole number in [1, ${scores.length}], got ${k}`,
    );
  }
  const key = (i: number) => (Number.isNaN(scores[i]) ? -Infinity : scores[i]);
  return scores.map((_, i) => i).sort((a, b) => key(b) - key(a) || a - b).slice(0, k);
}
