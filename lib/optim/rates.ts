/**
 * Rates of convergence, measured from a sequence of errors `e_k = ‖x_k − x*‖` (or `f(x_k) − f*`).
 *
 * - **Linear** with rate ρ < 1: `e_{k+1}/e_k → ρ`. Each step gains a fixed number of digits,
 *   `−log₁₀ ρ`. Gradient descent on a strongly convex function converges like this.
 * - **Superlinear**: `e_{k+1}/e_k → 0`; each step gains more digits than the one before (BFGS).
 * - **Quadratic** (order 2): `e_{k+1} ≤ C·e_k²`; the number of correct digits doubles each step
 *   (Newton's method near a minimum with a positive-definite Hessian).
 *
 * The order q in `e_{k+1} ≈ C·e_k^q` is the slope of `log e_{k+1}` against `log e_k`
 * ({@link convergenceOrder}).
 *
 * On a quadratic, gradient descent and the heavy ball are linear maps, and their rate along a
 * direction of curvature h is known in closed form ({@link heavyBallRate}); with h < 0 (a saddle)
 * the same number is the factor by which they move away from it per step.
 *
 * @module
 */

import { logLogSlope } from "../core/numeric.ts";

function checkErrors(op: string, errors: readonly number[], least: number): void {
  if (errors.length < least) {
    throw new RangeError(`${op}: need at least ${least} errors, got ${errors.length}`);
  }
  const bad = errors.findIndex((e) => !(Number.isFinite(e) && e > 0));
  if (bad >= 0) {
    throw new RangeError(
      `${op}: errors must be finite and > 0, got ${errors[bad]} at ${bad} ` +
        "(drop the iterates that reached the solution exactly)",
    );
  }
}

/** The distance `‖x_k − point‖` (Euclidean) of every iterate of a path. */
export function distancesTo(
  path: readonly (Float64Array | readonly number[])[],
  point: Float64Array | readonly number[],
): number[] {
  return path.map((x, k) => {
    if (x.length !== point.length) {
      throw new RangeError(
        `distancesTo: iterate ${k} has ${x.length} entries, the point ${point.length}`,
      );
    }
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (x[i] - point[i]) ** 2;
    return Math.sqrt(s);
  });
}

/** The ratios of successive errors, `e_{k+1}/e_k`, one fewer than the errors. */
export function errorRatios(errors: readonly number[]): number[] {
  checkErrors("errorRatios", errors, 2);
  return errors.slice(1).map((e, k) => e / errors[k]);
}

/**
 * The order of convergence fitted to a sequence of errors: the least-squares slope of
 * `log e_{k+1}` against `log e_k` (`logLogSlope`) (1 for a linear sequence, 2 for a quadratic one, in between for
 * a superlinear one such as BFGS's). One slope over all the pairs is steadier than the order
 * read off any three errors, `log(e_{k+2}/e_{k+1}) / log(e_{k+1}/e_k)`, which jumps about when
 * the error changes direction.
 */
export function convergenceOrder(errors: readonly number[]): number {
  checkErrors("convergenceOrder", errors, 3);
  if (errors.every((e) => e === errors[0])) {
    throw new RangeError("convergenceOrder: the errors do not change");
  }
  return logLogSlope(errors.slice(0, -1), errors.slice(1));
}

/**
 * The average rate per step between steps `from` and `to`, `(e_to/e_from)^(1/(to − from))`: the
 * geometric mean of the ratios in between, which smooths out oscillating sequences.
 */
export function averageRate(errors: readonly number[], from: number, to: number): number {
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from < to)) {
    throw new RangeError(`averageRate: need integers 0 ≤ from < to, got ${from} and ${to}`);
  }
  if (to >= errors.length) {
    throw new RangeError(`averageRate: to = ${to} is past the last error (${errors.length - 1})`);
  }
  checkErrors("averageRate", [errors[from], errors[to]], 2);
  return (errors[to] / errors[from]) ** (1 / (to - from));
}

/**
 * The rate of gradient descent with momentum (PyTorch's form, `b ← μ·b + g`, `x ← x − η·b`) along
 * a direction of curvature h of a quadratic: on `f = ½·h·x²` the iterates obey
 * `x_{k+1} = (1 + μ − η·h)·x_k − μ·x_{k−1}`, so the error is multiplied per step by the larger
 * root in modulus of `λ² − (1 + μ − η·h)·λ + μ = 0` (complex roots: `√μ`). With `momentum = 0`
 * this is plain gradient descent's `|1 − η·h|`. A value below 1 is a linear rate of convergence;
 * above 1, with h < 0, the factor by which the distance from a saddle grows each step.
 */
export function heavyBallRate(curvature: number, o: { lr: number; momentum?: number }): number {
  const { lr, momentum = 0 } = o;
  if (!Number.isFinite(curvature)) {
    throw new RangeError(`heavyBallRate: curvature must be finite, got ${curvature}`);
  }
  if (!(Number.isFinite(lr) && lr > 0)) {
    throw new RangeError(`heavyBallRate: lr must be finite and > 0, got ${lr}`);
  }
  if (!(momentum >= 0 && momentum < 1)) {
    throw new RangeError(`heavyBallRate: momentum must be in [0, 1), got ${momentum}`);
  }
  const b = 1 + momentum - lr * curvature, disc = b * b - 4 * momentum;
  if (disc < 0) return Math.sqrt(momentum);
  return (Math.abs(b) + Math.sqrt(disc)) / 2;
}
