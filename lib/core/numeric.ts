/**
 * Small numerical helpers used across the library, each defined once: evenly spaced grids
 * (linear and logarithmic), the slope of a log–log plot, and picking rows or columns of a
 * matrix. (The central difference of a scalar function is in lib/check/gradcheck.ts, out of
 * the answers' reach: the gradcheck exercise asks for it.)
 *
 * @module
 */

import { Matrix, ShapeError, shapeOf } from "./matrix.ts";

/** `n` evenly spaced points from `lo` to `hi` inclusive (`n ≥ 2`), as `numpy.linspace`. */
export function linspace(lo: number, hi: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`linspace: n must be an integer ≥ 2, got ${n}`);
  }
  return Array.from({ length: n }, (_, i) => lo + (hi - lo) * i / (n - 1));
}

/** `count` points spaced evenly in log10 from `10^from` to `10^to` (inclusive), as `numpy.logspace`. */
export function logSpace(from: number, to: number, count: number): number[] {
  if (!Number.isInteger(count) || count < 2) {
    throw new RangeError(`logSpace: count must be an integer ≥ 2, got ${count}`);
  }
  return Array.from({ length: count }, (_, i) => 10 ** (from + (i * (to - from)) / (count - 1)));
}

/** The least-squares slope of the points `[x, y]` (at least two, not all x equal). */
function leastSquaresSlope(op: string, pts: readonly number[][]): number {
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  let sxy = 0, sxx = 0;
  for (const [a, b] of pts) {
    sxy += (a - mx) * (b - my);
    sxx += (a - mx) ** 2;
  }
  if (sxx === 0) throw new RangeError(`${op}: all x values are equal`);
  return sxy / sxx;
}

/**
 * The least-squares slope of log10(y) against log10(x): on a log–log plot, the exponent p of
 * `y ∝ x^p`. Points with y = 0 (no error at all) are skipped; fewer than two points left throws.
 */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) {
    throw new RangeError(`logLogSlope: ${xs.length} x values but ${ys.length} y values`);
  }
  const pts = xs.map((x, i) => [x, ys[i]]).filter(([x, y]) => x > 0 && y > 0)
    .map(([x, y]) => [Math.log10(x), Math.log10(y)]);
  if (pts.length < 2) throw new RangeError("logLogSlope: need two points with x > 0 and y > 0");
  return leastSquaresSlope("logLogSlope", pts);
}

/**
 * The factor r per unit of x fitted to `y ≈ C·r^x` (a geometric decay or growth): `exp` of the
 * least-squares slope of ln(y) against x, i.e. a straight line on a plot with a log y axis.
 * Every y must be finite and > 0; at least two points.
 */
export function geometricRate(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) {
    throw new RangeError(`geometricRate: ${xs.length} x values but ${ys.length} y values`);
  }
  if (xs.length < 2) throw new RangeError("geometricRate: need at least two points");
  const bad = ys.findIndex((y) => !(Number.isFinite(y) && y > 0));
  if (bad >= 0) throw new RangeError(`geometricRate: y[${bad}] is ${ys[bad]}, must be > 0`);
  return Math.exp(leastSquaresSlope("geometricRate", xs.map((x, i) => [x, Math.log(ys[i])])));
}

/** Rows `idx` of `x`, in that order (a mini-batch, a split), as a new matrix. */
export function takeRows(x: Matrix, idx: readonly number[]): Matrix {
  const out = new Matrix(idx.length, x.cols);
  idx.forEach((r, n) => {
    if (!Number.isInteger(r) || r < 0 || r >= x.rows) {
      throw new ShapeError(`takeRows: row ${r} is not a row of ${shapeOf(x)}`);
    }
    out.data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), n * x.cols);
  });
  return out;
}

/** Columns `idx` of `x`, in that order (the features kept by a selection), as a new matrix. */
export function takeColumns(x: Matrix, idx: readonly number[]): Matrix {
  for (const c of idx) {
    if (!Number.isInteger(c) || c < 0 || c >= x.cols) {
      throw new ShapeError(`takeColumns: column ${c} is not a column of ${shapeOf(x)}`);
    }
  }
  const out = new Matrix(x.rows, idx.length);
  for (let i = 0, k = 0; i < x.rows; i++) {
    for (const c of idx) out.data[k++] = x.data[i * x.cols + c];
  }
  return out;
}
