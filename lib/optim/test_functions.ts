/**
 * Two-dimensional test functions for optimisers, with exact gradients and Hessians, and a
 * helper that records an optimiser's path on one of them.
 *
 * - {@link rosenbrock}: a curved, narrow valley; the minimum is easy to find and slow to reach.
 * - {@link beale}: flat plateaus and steep walls, gradients over many orders of magnitude.
 * - {@link saddle}: a saddle point at the origin between two minima, to be escaped.
 *
 * A point is `[x, y]` (a `Float64Array`, a number array or a 1×2 / 2×1 Matrix read row by row),
 * so the functions plug into the second-order minimisers (`newton(fn.f, fn.grad, fn.hessian,
 * x0)`) as they are.
 *
 * @module
 */

import { Matrix, NonFiniteError, ShapeError } from "../core/matrix.ts";
import type { Optimizer } from "./optimizers.ts";

/** A point of the plane: `[x, y]`. */
export type Point = Float64Array | readonly number[] | Matrix;

/** A function of two variables with its gradient, Hessian and known minima. */
export interface TestFunction {
  name: string;
  /** One line saying what f is. */
  formula: string;
  f(p: Point): number;
  /** `[∂f/∂x, ∂f/∂y]`. */
  grad(p: Point): Float64Array;
  /** The 2×2 matrix of second derivatives. */
  hessian(p: Point): Matrix;
  /** The global minimisers. */
  minima: readonly (readonly [number, number])[];
  /** The least value of f. */
  fMin: number;
  /** A customary starting point. */
  start: readonly [number, number];
  /** A window that shows the interesting part, for contour plots: `[[x0, x1], [y0, y1]]`. */
  window: readonly [readonly [number, number], readonly [number, number]];
}

function xy(op: string, p: Point): [number, number] {
  const v = p instanceof Matrix ? p.data : p;
  if (v.length !== 2) throw new ShapeError(`${op}: a point has 2 coordinates, got ${v.length}`);
  return [v[0], v[1]];
}

/**
 * Rosenbrock's banana `f = (1 − x)² + 100·(y − x²)²`, minimum 0 at (1, 1). The valley floor
 * `y = x²` is easy to reach and nearly flat along its length, while across it the curvature is
 * up to about 1000: the condition number near the minimum is about 2500.
 */
export const rosenbrock: TestFunction = {
  name: "rosenbrock",
  formula: "f(x, y) = (1 − x)² + 100·(y − x²)²",
  f(p) {
    const [x, y] = xy("rosenbrock.f", p);
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  },
  grad(p) {
    const [x, y] = xy("rosenbrock.grad", p);
    const r = y - x * x;
    return Float64Array.of(-2 * (1 - x) - 400 * x * r, 200 * r);
  },
  hessian(p) {
    const [x, y] = xy("rosenbrock.hessian", p);
    return Matrix.from([[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200]]);
  },
  minima: [[1, 1]],
  fMin: 0,
  start: [-1.2, 1],
  window: [[-2, 2], [-1, 3]],
};

// Beale's three terms r_i = c_i − x + x·y^i, i = 1, 2, 3.
const BEALE_C = [1.5, 2.25, 2.625];

/**
 * Beale's function `f = Σᵢ (cᵢ − x + x·yⁱ)²` with c = (1.5, 2.25, 2.625), minimum 0 at
 * (3, 0.5). The terms in y² and y³ make it very steep for |y| > 1 and nearly flat elsewhere.
 */
export const beale: TestFunction = {
  name: "beale",
  formula: "f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
  f(p) {
    const [x, y] = xy("beale.f", p);
    return BEALE_C.reduce((s, c, i) => s + (c - x + x * y ** (i + 1)) ** 2, 0);
  },
  grad(p) {
    const [x, y] = xy("beale.grad", p);
    let gx = 0, gy = 0;
    BEALE_C.forEach((c, i) => {
      const n = i + 1, r = c - x + x * y ** n;
      gx += 2 * r * (y ** n - 1);
      gy += 2 * r * n * x * y ** (n - 1);
    });
    return Float64Array.of(gx, gy);
  },
  hessian(p) {
    const [x, y] = xy("beale.hessian", p);
    let hxx = 0, hxy = 0, hyy = 0;
    BEALE_C.forEach((c, i) => {
      const n = i + 1, r = c - x + x * y ** n;
      const rx = y ** n - 1, ry = n * x * y ** (n - 1);
      const rxy = n * y ** (n - 1), ryy = n * (n - 1) * x * y ** Math.max(n - 2, 0);
      hxx += 2 * rx * rx;
      hxy += 2 * (rx * ry + r * rxy);
      hyy += 2 * (ry * ry + r * ryy);
    });
    return Matrix.from([[hxx, hxy], [hxy, hyy]]);
  },
  minima: [[3, 0.5]],
  fMin: 0,
  start: [1, 1.5],
  window: [[-4.5, 4.5], [-4.5, 4.5]],
};

/**
 * A saddle between two minima, `f = x² + y⁴/4 − y²/2`: at the origin the curvature is +2
 * along x and −1 along y (Hessian diag(2, −1)), so the origin is a critical point that is not
 * a minimum; the minima are (0, ±1) with f = −1/4. Started on the x-axis, gradient descent
 * slides into the saddle and stays; started just off it, it leaves at a speed set by how far
 * off it starts.
 */
export const saddle: TestFunction = {
  name: "saddle",
  formula: "f(x, y) = x² + y⁴/4 − y²/2",
  f(p) {
    const [x, y] = xy("saddle.f", p);
    return x * x + y ** 4 / 4 - y * y / 2;
  },
  grad(p) {
    const [x, y] = xy("saddle.grad", p);
    return Float64Array.of(2 * x, y ** 3 - y);
  },
  hessian(p) {
    const [, y] = xy("saddle.hessian", p);
    return Matrix.from([[2, 0], [0, 3 * y * y - 1]]);
  },
  minima: [[0, -1], [0, 1]],
  fMin: -0.25,
  start: [1, 1e-3],
  window: [[-1.5, 1.5], [-1.5, 1.5]],
};

/** An optimiser's path on a {@link TestFunction} (see {@link optimizerPath}). */
export interface OptimizerPath {
  /** x of every iterate, the start first. */
  x: number[];
  /** y of every iterate. */
  y: number[];
  /** f at every iterate. */
  f: number[];
  /** True when the run stopped early because f or its gradient stopped being finite. */
  diverged: boolean;
}

/**
 * Runs `opt` for `steps` steps on `fn` from `start` (default `fn.start`), feeding it the exact
 * gradient, and returns every iterate. A run that blows up (f or the gradient not finite)
 * stops there with `diverged: true` instead of throwing.
 */
export function optimizerPath(
  opt: Optimizer,
  fn: TestFunction,
  o: { steps: number; start?: readonly [number, number] },
): OptimizerPath {
  const { steps, start = fn.start } = o;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`optimizerPath: steps must be a whole number ≥ 0, got ${steps}`);
  }
  const p = new Matrix(1, 2, [...xy("optimizerPath: start", start)]);
  const path: OptimizerPath = { x: [p.data[0]], y: [p.data[1]], f: [fn.f(p)], diverged: false };
  for (let t = 0; t < steps; t++) {
    const g = new Matrix(1, 2, fn.grad(p));
    try {
      opt.step([p], [g]);
    } catch (e) {
      if (!(e instanceof NonFiniteError)) throw e;
      path.diverged = true;
      break;
    }
    const fx = fn.f(p);
    if (!Number.isFinite(fx)) {
      path.diverged = true;
      break;
    }
    path.x.push(p.data[0]);
    path.y.push(p.data[1]);
    path.f.push(fx);
  }
  return path;
}
