/**
 * Exercise: numerical gradients by central difference, and the relative error.
 *
 * Notebook: notebooks/07_gradient_checking.ipynb. Write `numericalGradient` and `relError`
 * between BEGIN YOUR CODE and END YOUR CODE, then grade them with `deno task grade gradcheck`
 * (or run the grading cell at the end of the notebook). A Matrix stores its entries row by row
 * in `x.data` (a Float64Array); `new Matrix(rows, cols)` is all zeros.
 *
 * The two functions at the end of the file let the grader call your `numericalGradient` on
 * its test functions (a function cannot be sent to the grader); leave them as they are.
 */

import { Matrix } from "../lib/core/matrix.ts";
import { gradcheckProblem } from "../lib/check/problems.ts";

/**
 * The gradient of the scalar function `f` at `x`, by central differences with step `h`:
 * entry k of the result is `(f(x + h·e_k) − f(x − h·e_k)) / (2h)`, where `e_k` changes only
 * entry k. Perturb `x.data[k]` in place, call `f(x)`, and put the entry back to its original
 * value before moving on: when the function returns, `x` must hold exactly what it held
 * before. Return a new Matrix with the shape of `x`.
 */
export function numericalGradient(f: (x: Matrix) => number, x: Matrix, h: number): Matrix {
  // BEGIN YOUR CODE: numericalGradient
  const grad = new Matrix(x.rows, x.cols);
  for (let k = 0; k < x.data.length; k++) {
    const old = x.data[k];
    x.data[k] = old + h;
    const plus = f(x);
    x.data[k] = old - h;
    const minus = f(x);
    x.data[k] = old;
    grad.data[k] = (plus - minus) / (2 * h);
  }
  return grad;
  // END YOUR CODE
}

/**
 * CS231n's relative error between two matrices of the same shape: the largest, over the
 * entries k, of `|a_k − b_k| / max(1e-8, |a_k| + |b_k|)`. Return a number (0 when a equals b).
 */
export function relError(a: Matrix, b: Matrix): number {
  // BEGIN YOUR CODE: relError
  let worst = 0;
  for (let k = 0; k < a.data.length; k++) {
    const d = Math.abs(a.data[k] - b.data[k]) /
      Math.max(1e-8, Math.abs(a.data[k]) + Math.abs(b.data[k]));
    worst = Math.max(worst, d);
  }
  return worst;
  // END YOUR CODE
}

/** For the grader: your `numericalGradient` of the named test function at `x`. */
export function gradientOfProblem(problem: string, x: Matrix, h: number): Matrix {
  return numericalGradient(gradcheckProblem(problem).f, x, h);
}

/** For the grader: what `x` holds after your `numericalGradient` has run on it. */
export function pointAfterGradient(problem: string, x: Matrix, h: number): Matrix {
  numericalGradient(gradcheckProblem(problem).f, x, h);
  return x;
}
