/**
 * The covariance of the features, and the two linear maps that decorrelate them, measured on
 * training data and applied to any data.
 *
 * With `x̄ = x − μ` the centred data (N×D) and `C = x̄ᵀx̄/(N − 1) = U·diag(λ)·Uᵀ` its covariance
 * (U's columns the principal directions, λ the variance along each, largest first):
 *
 * - **PCA** rotates the data onto the principal directions, `z = x̄·U_k` (the first k columns):
 *   the new features are uncorrelated, with variances λ₁ ≥ … ≥ λ_k, and the first k keep the
 *   most variance any k linear features can. **PCA whitening** also divides each by its standard
 *   deviation, `z = x̄·U_k·diag(λ_k + ε)^(−1/2)`: covariance I. As scikit-learn's
 *   `PCA(n_components=k, whiten=True)` (with ε = 0; scikit-learn has no ε).
 * - **ZCA whitening** rotates the whitened data back, `z = x̄·U·diag(λ + ε)^(−1/2)·Uᵀ`: also
 *   covariance I (with ε = 0), and of all whitening maps the one whose output is closest to the
 *   input (least mean squared change), so whitened images still look like images.
 *
 * ε (`eps`) keeps directions of almost no variance from being blown up: a direction with
 * λ ≪ ε is shrunk instead of scaled to unit variance. The statistics (μ, U, λ) come from the
 * training data only; validation and test data go through the same map.
 *
 * The covariance divides by N − 1, as numpy's `np.cov` and scikit-learn's PCA do.
 *
 * @module
 */

import { assertFinite, matmul, matmulTN, Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { symmetricEigen } from "../core/eigen.ts";
import { nonNegative } from "../core/validate.ts";

/** The 1×D column means of `x`. */
function columnMeans(x: Matrix): Matrix {
  const mean = new Matrix(1, x.cols);
  for (let i = 0, k = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++, k++) mean.data[j] += x.data[k];
  }
  for (let j = 0; j < x.cols; j++) mean.data[j] /= x.rows;
  return mean;
}

/** `x − mean`, row by row, as a new matrix; `op` names the caller in a shape error. */
function centre(op: string, x: Matrix, mean: Matrix): Matrix {
  if (x.cols !== mean.cols) {
    throw new ShapeError(
      `${op}: fitted on ${mean.cols} columns, cannot apply to ${shapeOf(x)} data`,
    );
  }
  assertFinite(op, x);
  const out = new Matrix(x.rows, x.cols);
  for (let i = 0, k = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++, k++) out.data[k] = x.data[k] - mean.data[j];
  }
  return out;
}

function checkTrain(op: string, train: Matrix): void {
  if (!(train instanceof Matrix)) throw new TypeError(`${op}: expected a Matrix of training data`);
  if (train.rows < 2) {
    throw new ShapeError(`${op}: a covariance needs at least 2 rows, got ${shapeOf(train)}`);
  }
  assertFinite(op, train);
}

/** The D×D covariance `(x − μ)ᵀ(x − μ)/(N − 1)` of the rows of `x` (N×D, N ≥ 2), as `np.cov(x, rowvar=False)`. */
export function covariance(x: Matrix): Matrix {
  checkTrain("covariance", x);
  const xc = centre("covariance", x, columnMeans(x));
  const c = matmulTN(xc, xc);
  for (let k = 0; k < c.data.length; k++) c.data[k] /= x.rows - 1;
  return c;
}

/** The mean, the principal directions and their variances, largest first. */
function principal(op: string, train: Matrix) {
  checkTrain(op, train);
  const mean = columnMeans(train);
  const xc = centre(op, train, mean);
  const c = matmulTN(xc, xc);
  for (let k = 0; k < c.data.length; k++) c.data[k] /= train.rows - 1;
  const { values, vectors } = symmetricEigen(c);
  // Rounding can leave a variance of 0 slightly negative.
  return { mean, variances: values.map((l) => Math.max(l, 0)), directions: vectors };
}

/**
 * `1/√(λ + ε)` per direction; throws, naming the direction, where that would divide by (about)
 * zero: a variance below 1e-12 of the largest with ε = 0.
 */
function inverseStd(op: string, variances: readonly number[], eps: number): number[] {
  const floor = 1e-12 * variances[0];
  return variances.map((l, k) => {
    if (l + eps <= floor) {
      throw new RangeError(
        `${op}: direction ${k + 1} has variance ${l} in the training data; whitening would ` +
          `divide by about 0. Pass eps > 0, or keep fewer components`,
      );
    }
    return 1 / Math.sqrt(l + eps);
  });
}

/** Options of {@link pca}; the names are scikit-learn's `PCA`'s. */
export interface PcaOptions {
  /** How many principal directions to keep (default all D; at most D). */
  components?: number;
  /** Divide each kept feature by its standard deviation (default false). */
  whiten?: boolean;
  /** Added to each variance before the square root when whitening (default 0). */
  eps?: number;
}

/** A PCA fitted on training data, and the map that applies it. */
export interface Pca {
  /** 1×D: μ of the training data. */
  mean: Matrix;
  /** k×D: row i the i-th principal direction (scikit-learn's `components_`). */
  components: Matrix;
  /** The variance of the training data along each kept direction (λ₁ ≥ … ≥ λ_k). */
  explainedVariance: number[];
  /** Each λ_i over the total variance of the training data (all D directions). */
  explainedVarianceRatio: number[];
  /** `(x − μ)·U_k`, divided by `√(λ + ε)` per column when whitening: N×k. */
  apply(x: Matrix): Matrix;
}

/** Fits a PCA (optionally whitening) on `train` (N×D, N ≥ 2). */
export function pca(train: Matrix, o: PcaOptions = {}): Pca {
  const op = "pca";
  const { whiten = false, eps = 0 } = o;
  nonNegative(op, "eps", eps);
  const { mean, variances, directions } = principal(op, train);
  const d = train.cols, k = o.components ?? d;
  if (!Number.isInteger(k) || k < 1 || k > d) {
    throw new RangeError(`${op}: components must be a whole number in [1, ${d}], got ${k}`);
  }
  const components = new Matrix(k, d);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < d; j++) components.data[i * d + j] = directions.data[j * d + i];
  }
  const scales = whiten ? inverseStd(op, variances.slice(0, k), eps) : undefined;
  // U_k with each column scaled: one product applies the whole map.
  const map = new Matrix(d, k);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < k; i++) {
      map.data[j * k + i] = directions.data[j * d + i] * (scales?.[i] ?? 1);
    }
  }
  const total = variances.reduce((s, l) => s + l, 0);
  return {
    mean,
    components,
    explainedVariance: variances.slice(0, k),
    explainedVarianceRatio: variances.slice(0, k).map((l) => l / total),
    apply: (x) => matmul(centre(op, x, mean), map),
  };
}

/** Options of {@link zca}. */
export interface ZcaOptions {
  /** Added to each variance before the square root (default 0). */
  eps?: number;
}

/** A ZCA whitening fitted on training data, and the map that applies it. */
export interface Zca {
  /** 1×D: μ of the training data. */
  mean: Matrix;
  /** D×D, symmetric: `W = U·diag(λ + ε)^(−1/2)·Uᵀ`. */
  matrix: Matrix;
  /** `(x − μ)·W`: N×D. */
  apply(x: Matrix): Matrix;
}

/** Fits a ZCA whitening on `train` (N×D, N ≥ 2). */
export function zca(train: Matrix, o: ZcaOptions = {}): Zca {
  const op = "zca";
  const { eps = 0 } = o;
  nonNegative(op, "eps", eps);
  const { mean, variances, directions } = principal(op, train);
  const scales = inverseStd(op, variances, eps), d = train.cols, u = directions.data;
  const matrix = new Matrix(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += u[i * d + k] * scales[k] * u[j * d + k];
      matrix.data[i * d + j] = matrix.data[j * d + i] = s;
    }
  }
  return { mean, matrix, apply: (x) => matmul(centre(op, x, mean), matrix) };
}
