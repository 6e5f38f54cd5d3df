/**
 * Test functions for optimisers: small landscapes whose minima, saddles and curvature are known
 * exactly, so that a notebook can measure how fast a method gets where it should. Each is a
 * {@link TestFunction} of a plain vector (`Float64Array`) with its exact gradient and Hessian, the
 * shape the minimisers of `second_order.ts` take (`newton(fn.f, fn.grad, fn.hess, x0)`);
 * `descend` runs a first-order optimiser on one, `optimizerPath` records its path for drawing.
 *
 * - {@link rosenbrock}: the banana valley `(1 − x)² + 100·(y − x²)²`, minimum 0 at (1, 1).
 * - {@link beale}: `(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²`, minimum 0 at
 *   (3, 0.5).
 * - {@link quadratic}: `½·(x − x*)ᵀ·A·(x − x*)` for a symmetric positive-definite A; its
 *   condition number is the ratio of A's extreme eigenvalues. {@link diagonalQuadratic} builds
 *   one from its eigenvalues (optionally rotated, in 2-D), the ill-conditioned bowl of the notebooks.
 * - {@link saddle}: `½x² + ¼y⁴ − ½y²`, a saddle at the origin (curvatures +1 and −1) between two
 *   minima at (0, ±1), value −¼.
 * - {@link doubleWell}: `(x² − 1)² + 0.3·x + y²`, non-convex: a global minimum near x = −1.04, a
 *   local one near x = 0.96 and a saddle between them.
 *
 * @module
 */

import { Matrix, ShapeError } from "../core/matrix.ts";
import { quadraticBowl } from "../core/update_rule.ts";

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
 * The quadratic bowl `½·(x − x*)ᵀ·A·(x − x*)`, gradient `A·(x − x*)`, Hessian A, minimum 0 at
 * `x*` (default the origin): core's `quadraticBowl` (the exercises' form, on plain arrays) as a
 * test function with its Hessian. A must be symmetric; it should be positive definite for x* to be
 * the minimiser (not checked: the caller knows its eigenvalues).
 */
export function quadratic(A: Matrix, xStar?: readonly number[] | Float64Array): TestFunction {
  const n = A.rows;
  if (A.cols !== n || n === 0) {
    throw new ShapeError(`quadratic: A must be square and non-empty, got ${A.rows}×${A.cols}`);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (A.get(i, j) !== A.get(j, i)) {
        throw new RangeError(`quadratic: A must be symmetric; A[${i}][${j}] ≠ A[${j}][${i}]`);
      }
    }
  }
  const m = xStar === undefined ? new Float64Array(n) : Float64Array.from(xStar);
  if (m.length !== n) {
    throw new ShapeError(`quadratic: x* has ${m.length} entries, A is ${n}×${n}`);
  }
  const bowl = quadraticBowl({ a: A.toArray(), center: Array.from(m) });
  return checked({
    name: "quadratic",
    formula: "f(x) = ½·(x − x*)ᵀ·A·(x − x*)",
    dim: n,
    f: (x) => bowl.f(Array.from(x)),
    grad: (x) => Float64Array.from(bowl.grad(Array.from(x), 1)),
    hess: () => A.clone(),
    minimum: m,
    fMin: 0,
  });
}

/**
 * A {@link quadratic} with the given eigenvalues: `A = diag(λ)`, so `f = ½·Σ λᵢ·(xᵢ − x*ᵢ)²` and
 * the gradient costs O(n) (only the Hessian is an n×n matrix); or, in 2-D with `angle`
 * (radians), the same matrix rotated, `A = R·diag(λ₁, λ₂)·Rᵀ`, so that the valley runs along
 * neither axis. The condition number is `max λ / min λ`.
 */
export function diagonalQuadratic(
  eigenvalues: readonly number[],
  o: { angle?: number; xStar?: readonly number[] } = {},
): TestFunction {
  const { angle = 0 } = o;
  const n = eigenvalues.length;
  if (n === 0) throw new ShapeError("diagonalQuadratic: no eigenvalues");
  const bad = eigenvalues.findIndex((l) => !(Number.isFinite(l) && l > 0));
  if (bad >= 0) {
    throw new RangeError(
      `diagonalQuadratic: eigenvalues must be finite and > 0, got ${eigenvalues[bad]} at ${bad}`,
    );
  }
  if (angle !== 0) {
    if (n !== 2) throw new RangeError(`diagonalQuadratic: angle needs 2 eigenvalues, got ${n}`);
    const [l1, l2] = eigenvalues, c = Math.cos(angle), s = Math.sin(angle);
    const off = (l1 - l2) * c * s;
    return quadratic(
      Matrix.from([[l1 * c * c + l2 * s * s, off], [off, l1 * s * s + l2 * c * c]]),
      o.xStar,
    );
  }
  const m = o.xStar === undefined ? new Float64Array(n) : Float64Array.from(o.xStar);
  if (m.length !== n) {
    throw new ShapeError(`diagonalQuadratic: x* has ${m.length} entries, ${n} eigenvalues`);
  }
  const lambda = Float64Array.from(eigenvalues);
  return checked({
    name: "quadratic",
    formula: "f(x) = ½·Σ λᵢ·(xᵢ − x*ᵢ)²",
    dim: n,
    f: (x) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += lambda[i] * (x[i] - m[i]) ** 2;
      return s / 2;
    },
    grad: (x) => lambda.map((l, i) => l * (x[i] - m[i])),
    hess: () => {
      const H = new Matrix(n, n);
      for (let i = 0; i < n; i++) H.data[i * n + i] = lambda[i];
      return H;
    },
    minimum: m,
    fMin: 0,
  });
}

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

/** The global minimiser of {@link doubleWell}: the smaller root of 4x³ − 4x + 0.3 = 0. */
const WELL_MIN = newtonRoot(-1);

/** Root of the double well's x-derivative 4x³ − 4x + 0.3 from a starting point, by Newton. */
function newtonRoot(x: number): number {
  for (let k = 0; k < 50; k++) x -= (4 * x ** 3 - 4 * x + 0.3) / (12 * x * x - 4);
  return x;
}

/**
 * `(x² − 1)² + 0.3·x + y²`: two valleys along x, tilted so that the left one (x ≈ −1.04) is the
 * global minimum and the right one (x ≈ 0.96) a local minimum, with a saddle between them
 * (x ≈ 0.075, y = 0).
 */
export const doubleWell: TestFunction = checked({
  name: "double-well",
  formula: "f(x, y) = (x² − 1)² + 0.3·x + y²",
  dim: 2,
  f: ([x, y]) => (x * x - 1) ** 2 + 0.3 * x + y * y,
  grad: ([x, y]) => Float64Array.of(4 * x ** 3 - 4 * x + 0.3, 2 * y),
  hess: ([x]) => Matrix.from([[12 * x * x - 4, 0], [0, 2]]),
  minimum: Float64Array.of(WELL_MIN, 0),
  fMin: (WELL_MIN ** 2 - 1) ** 2 + 0.3 * WELL_MIN,
});

/** The local minimiser and the saddle of {@link doubleWell}, for the notebooks. */
export const DOUBLE_WELL_POINTS: { localMinimum: Float64Array; saddle: Float64Array } = {
  localMinimum: Float64Array.of(newtonRoot(1), 0),
  saddle: Float64Array.of(newtonRoot(0), 0),
};
