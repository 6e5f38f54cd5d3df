/**
 * Test functions for optimisers: small landscapes whose minima, saddles and curvature are known
 * exactly. Each is a {@link TestFunction} of a plain vector (`Float64Array`) with its exact
 * gradient and Hessian, the shape the minimisers of `second_order.ts` take
 * (`newton(fn.f, fn.grad, fn.hess, x0)`); {@link optimizerPath} runs a first-order optimiser on
 * one.
 *
 * - {@link rosenbrock}: the banana valley `(1 − x)² + 100·(y − x²)²`, minimum 0 at (1, 1).
 * - {@link beale}: `(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²`, minimum 0 at
 *   (3, 0.5).
 * - {@link saddle}: `½x² + ¼y⁴ − ½y²`, a saddle at the origin (curvatures +1 and −1) between two
 *   minima at (0, ±1), value −¼.
 *
 * @module
 */

import { Matrix, ShapeError } from "../core/matrix.ts";

/** A function of a vector with its exact gradient and Hessian and its known minimiser. */
export interface TestFunction {
  name: string;
  /** One line saying what f is. */
  formula: string;
  /** The number of unknowns. */
  dim: number;
  f(x: Float64Array): number;
  grad(x: Float64Array): Float64Array;
  /** The dim×dim Hessian. */
  hess(x: Float64Array): Matrix;
  /** A global minimiser. */
  minimum: Float64Array;
  /** f at the minimiser. */
  fMin: number;
}

/** `fn` with its arguments' length checked, so a wrong point fails with a clear message. */
function checked(fn: TestFunction): TestFunction {
  const arg = (op: string, x: Float64Array) => {
    if (x.length !== fn.dim) {
      throw new ShapeError(`${fn.name}.${op}: x has ${x.length} entries, expected ${fn.dim}`);
    }
  };
  return {
    ...fn,
    f: (x) => (arg("f", x), fn.f(x)),
    grad: (x) => (arg("grad", x), fn.grad(x)),
    hess: (x) => (arg("hess", x), fn.hess(x)),
  };
}

/**
 * Rosenbrock's banana valley `(1 − x)² + 100·(y − x²)²`; minimum 0 at (1, 1). The valley floor
 * `y = x²` is quickly reached and nearly flat along its length; across it the curvature near
 * the minimum is about 1000, so the condition number there is about 2500.
 */
export const rosenbrock: TestFunction = checked({
  name: "rosenbrock",
  formula: "f(x, y) = (1 − x)² + 100·(y − x²)²",
  dim: 2,
  f: ([x, y]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  grad: ([x, y]) => Float64Array.of(-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
  hess: ([x, y]) => Matrix.from([[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200]]),
  minimum: Float64Array.of(1, 1),
  fMin: 0,
});

// Beale's three residuals r_k = c_k − x + x·y^k, k = 1, 2, 3
const BEALE_C = [1.5, 2.25, 2.625];

/**
 * Beale's function; minimum 0 at (3, 0.5). The y² and y³ terms make it very steep for |y| > 1
 * and nearly flat elsewhere: its gradients span several orders of magnitude.
 */
export const beale: TestFunction = checked({
  name: "beale",
  formula: "f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
  dim: 2,
  f: ([x, y]) => BEALE_C.reduce((s, c, i) => s + (c - x + x * y ** (i + 1)) ** 2, 0),
  grad: ([x, y]) => {
    const g = new Float64Array(2);
    BEALE_C.forEach((c, i) => {
      const k = i + 1, r = c - x + x * y ** k;
      g[0] += 2 * r * (y ** k - 1);
      g[1] += 2 * r * k * x * y ** (k - 1);
    });
    return g;
  },
  hess: ([x, y]) => {
    let hxx = 0, hxy = 0, hyy = 0;
    BEALE_C.forEach((c, i) => {
      const k = i + 1, r = c - x + x * y ** k;
      const rx = y ** k - 1, ry = k * x * y ** (k - 1);
      hxx += 2 * rx * rx;
      hxy += 2 * (rx * ry + r * k * y ** (k - 1));
      hyy += 2 * (ry * ry + r * k * (k - 1) * x * y ** Math.max(k - 2, 0));
    });
    return Matrix.from([[hxx, hxy], [hxy, hyy]]);
  },
  minimum: Float64Array.of(3, 0.5),
  fMin: 0,
});

/**
 * `½x² + ¼y⁴ − ½y²`: a saddle at the origin (Hessian diag(1, −1): a critical point that is not a
 * minimum) between two minima at (0, ±1), value −¼. Gradient descent started on the x-axis
 * slides into the saddle and stays; started just off it, it leaves at a speed set by how far off.
 */
export const saddle: TestFunction = checked({
  name: "saddle",
  formula: "f(x, y) = ½x² + ¼y⁴ − ½y²",
  dim: 2,
  f: ([x, y]) => 0.5 * x * x + 0.25 * y ** 4 - 0.5 * y * y,
  grad: ([x, y]) => Float64Array.of(x, y ** 3 - y),
  hess: ([_x, y]) => Matrix.from([[1, 0], [0, 3 * y * y - 1]]),
  minimum: Float64Array.of(0, 1),
  fMin: -0.25,
});
