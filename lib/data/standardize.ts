/**
 * Standardisation: shift and scale the inputs so that each feature has mean 0 and standard
 * deviation 1 on the training data, `x' = (x − μ)/σ`.
 *
 * μ and σ are measured on the training part only, then the same μ and σ are applied to the
 * validation and test parts: statistics taken from held-out data would leak it into training,
 * and the held-out score would no longer measure data the model has never seen. As
 * scikit-learn's `StandardScaler`, σ is the population standard deviation (divide by N), and a
 * feature that is constant in the training data is only shifted (σ taken as 1), never divided
 * by 0. Fashion-MNIST has such pixels near the corners.
 *
 * @module
 */

import { assertFinite, Matrix, ShapeError, shapeOf } from "../core/matrix.ts";

/** Options of {@link standardizer}. */
export interface StandardizeOptions {
  /** One μ, σ per column (default), or one pair for all entries (as `Normalize((μ,), (σ,))`). */
  perFeature?: boolean;
}

/** Statistics measured on training data, and the map that applies them to any data. */
export interface Standardizer {
  /** 1×D: μ per column (all equal without `perFeature`). */
  mean: Matrix;
  /** 1×D: σ per column, 1 where the training column is constant. */
  std: Matrix;
  /** `(x − μ)/σ` column by column, as a new matrix; `x` must have D columns. */
  apply(x: Matrix): Matrix;
}

/** Measures μ and σ on `train` (N×D, N ≥ 1) and returns them with the map that applies them. */
export function standardizer(train: Matrix, o: StandardizeOptions = {}): Standardizer {
  const { perFeature = true } = o;
  if (train.rows === 0) throw new ShapeError("standardizer: the training data has no rows");
  assertFinite("standardizer", train);
  const n = train.rows, d = train.cols, x = train.data;
  const mean = new Matrix(1, d), std = new Matrix(1, d);
  // Sums per column, walking the rows in memory order: first of x, then of (x − μ)².
  const sums = new Float64Array(d), squares = new Float64Array(d);
  for (let i = 0, k = 0; i < n; i++) for (let j = 0; j < d; j++, k++) sums[j] += x[k];
  if (perFeature) mean.data.set(sums.map((s) => s / n));
  else mean.data.fill(sums.reduce((a, b) => a + b, 0) / (n * d));
  const m = mean.data;
  for (let i = 0, k = 0; i < n; i++) {
    for (let j = 0; j < d; j++, k++) squares[j] += (x[k] - m[j]) ** 2;
  }
  if (perFeature) std.data.set(squares.map((s) => s / n));
  else std.data.fill(squares.reduce((a, b) => a + b, 0) / (n * d));
  for (let j = 0; j < d; j++) std.data[j] = std.data[j] > 0 ? Math.sqrt(std.data[j]) : 1;
  const apply = (z: Matrix): Matrix => {
    if (z.cols !== d) {
      throw new ShapeError(
        `standardizer: fitted on ${d} columns, cannot apply to ${shapeOf(z)} data`,
      );
    }
    const out = new Matrix(z.rows, d), s = std.data;
    for (let i = 0, k = 0; i < z.rows; i++) {
      for (let j = 0; j < d; j++, k++) out.data[k] = (z.data[k] - m[j]) / s[j];
    }
    return out;
  };
  return { mean, std, apply };
}
