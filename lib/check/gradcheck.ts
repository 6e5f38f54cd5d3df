/**
 * Numerical gradients by central difference, and the relative error CS231n compares with.
 *
 * The central difference `(f(x + h) − f(x − h)) / 2h` has a truncation error of order h²,
 * the forward difference `(f(x + h) − f(x)) / h` one of order h. Round-off grows like ε/h
 * (ε ≈ 2.2e-16 for float64), so h ≈ 1e-5 balances the two for the central difference.
 *
 * How to read {@link relError} (float64, smooth functions):
 * - above 1e-2: the analytic gradient is almost certainly wrong;
 * - 1e-2 to 1e-4: suspicious, unless the function has kinks (ReLU, hinge) near x;
 * - 1e-4 to 1e-7: fine for functions with kinks, suspicious for smooth ones;
 * - below 1e-7: the analytic gradient agrees.
 *
 * The same central difference applied to a gradient gives a Hessian–vector product,
 * `H·v ≈ (∇f(x + h·v) − ∇f(x − h·v)) / 2h` ({@link hessianVectorProduct}): the curvature along
 * one direction, for the price of two gradients and without ever forming H.
 *
 * @module
 */

import { Matrix, ShapeError, shapeOf } from "../core/matrix.ts";

/** The three ways to difference: central is the default, the others are there to compare. */
export type Difference = "central" | "forward" | "backward";

/** Options of the numerical gradients. */
export interface NumericalGradientOptions {
  /** The step (default 1e-5). */
  h?: number;
  /** `"central"` (default), `"forward"` or `"backward"`. */
  difference?: Difference;
}

/**
 * The central difference `(f(x + h) − f(x − h)) / 2h` of a function of one number: the
 * numerical derivative an analytic one is checked against (error of order h², best near
 * h = 1e-5 in float64, the default of `o.h`). For functions of a matrix see {@link numericalGradient}.
 */
export function centralDifference(
  f: (x: number) => number,
  x: number,
  o: { h?: number } = {},
): number {
  const { h = 1e-5 } = o;
  return (f(x + h) - f(x - h)) / (2 * h);
}

/**
 * Gradient of a scalar function `f` at `x`, one coordinate at a time.
 * `x` is perturbed in place and restored, so `f` may read it through a closure.
 */
export function numericalGradient(
  f: () => number,
  x: Matrix,
  o: NumericalGradientOptions = {},
): Matrix {
  const { h = 1e-5, difference = "central" } = o;
  const grad = new Matrix(x.rows, x.cols);
  const fx = difference === "central" ? 0 : f();
  for (let k = 0; k < x.data.length; k++) {
    const old = x.data[k];
    x.data[k] = old + h;
    const plus = difference === "backward" ? fx : f();
    x.data[k] = old - h;
    const minus = difference === "forward" ? fx : f();
    x.data[k] = old;
    grad.data[k] = difference === "central" ? (plus - minus) / (2 * h) : (plus - minus) / h;
  }
  return grad;
}

/**
 * Gradient of `sum(f(x) ⊙ dout)` with respect to `x`, for a matrix-valued `f`: the numerical
 * counterpart of a layer's backward pass given the upstream gradient `dout`.
 */
export function numericalGradientArray(
  f: () => Matrix,
  x: Matrix,
  dout: Matrix,
  o: NumericalGradientOptions = {},
): Matrix {
  return numericalGradient(
    () => {
      const out = f();
      if (out.rows !== dout.rows || out.cols !== dout.cols) {
        throw new ShapeError(
          `numericalGradientArray: f returned ${shapeOf(out)} but dout is ${shapeOf(dout)}`,
        );
      }
      let s = 0;
      for (let k = 0; k < out.data.length; k++) s += out.data[k] * dout.data[k];
      return s;
    },
    x,
    o,
  );
}

/**
 * CS231n's relative error: `max |a − b| / max(1e-8, |a| + |b|)`, element-wise.
 * Scale-free, so a gradient of size 1e-3 and one of size 1e3 are judged alike; the 1e-8
 * floor keeps two zeros from dividing by zero.
 */
export function relError(a: Matrix | number, b: Matrix | number): number {
  if (typeof a === "number" || typeof b === "number") {
    if (typeof a !== "number" || typeof b !== "number") {
      throw new TypeError("relError: compare two numbers or two matrices");
    }
    return Math.abs(a - b) / Math.max(1e-8, Math.abs(a) + Math.abs(b));
  }
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(`relError: shapes ${shapeOf(a)} and ${shapeOf(b)} differ`);
  }
  let worst = 0;
  for (let k = 0; k < a.data.length; k++) {
    const d = Math.abs(a.data[k] - b.data[k]) /
      Math.max(1e-8, Math.abs(a.data[k]) + Math.abs(b.data[k]));
    if (!(d <= worst)) worst = d; // NaN wins: a NaN gradient is never "close"
  }
  return worst;
}

/**
 * The Hessian–vector product `H·v ≈ (∇f(p + h·v) − ∇f(p − h·v)) / 2h` of a function of several
 * parameter matrices, by central differences of its gradient (error of order h²·‖v‖³).
 * `grads()` returns the gradient with respect to each of `params` at their current values;
 * `params` are moved along `v` in place and restored exactly, as {@link numericalGradient}
 * perturbs x. The curvature along v is then `vᵀ·H·v / vᵀ·v`.
 */
export function hessianVectorProduct(
  grads: () => readonly Matrix[],
  params: readonly Matrix[],
  v: readonly Matrix[],
  o: { h?: number } = {},
): Matrix[] {
  const { h = 1e-5 } = o;
  if (!(Number.isFinite(h) && h > 0)) {
    throw new RangeError(`hessianVectorProduct: h must be finite and > 0, got ${h}`);
  }
  if (v.length !== params.length) {
    throw new ShapeError(
      `hessianVectorProduct: ${v.length} directions for ${params.length} parameters`,
    );
  }
  params.forEach((p, i) => {
    if (p.rows !== v[i].rows || p.cols !== v[i].cols) {
      throw new ShapeError(
        `hessianVectorProduct: v[${i}] is ${shapeOf(v[i])} but params[${i}] is ${shapeOf(p)}`,
      );
    }
  });
  const saved = params.map((p) => p.data.slice());
  const at = (t: number) => {
    params.forEach((p, i) => {
      for (let k = 0; k < p.data.length; k++) p.data[k] = saved[i][k] + t * v[i].data[k];
    });
    const g = grads();
    if (g.length !== params.length) {
      throw new ShapeError(
        `hessianVectorProduct: grads() returned ${g.length} matrices for ${params.length} parameters`,
      );
    }
    return g.map((m, i) => {
      if (m.rows !== params[i].rows || m.cols !== params[i].cols) {
        throw new ShapeError(
          `hessianVectorProduct: grads()[${i}] is ${shapeOf(m)} but params[${i}] is ${
            shapeOf(params[i])
          }`,
        );
      }
      return m.clone();
    });
  };
  try {
    const plus = at(h), minus = at(-h);
    return plus.map((gp, i) => gp.map((value, r, c) => (value - minus[i].get(r, c)) / (2 * h)));
  } finally {
    params.forEach((p, i) => p.data.set(saved[i]));
  }
}
