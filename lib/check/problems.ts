/**
 * Test functions with known gradients, for practising gradient checks: the notebook on gradient
 * checking sweeps the step h on them, and the `gradcheck` exercise grades a learner's numerical
 * gradient on them. Each takes its point as a Matrix of any shape and reads only `x.data`, so it
 * can be evaluated while a checker perturbs x in place.
 *
 * @module
 */

import { Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { softmaxCrossEntropy } from "../nn/losses.ts";
import { linearBackward, linearForward } from "../nn/layers/linear.ts";

/** A scalar function of a matrix with its exact gradient (same shape as x). */
export interface GradcheckProblem {
  name: string;
  /** One line saying what f is. */
  formula: string;
  f(x: Matrix): number;
  grad(x: Matrix): Matrix;
}

/** Σ x_k³: separable, with a third derivative that makes truncation error easy to see. */
const cubic: GradcheckProblem = {
  name: "cubic",
  formula: "f(x) = Σ x_k³",
  f: (x) => x.data.reduce((s, v) => s + v * v * v, 0),
  grad: (x) => x.map((v) => 3 * v * v),
};

/** The Rosenbrock chain Σ (1 − x_k)² + 10·(x_{k+1} − x_k²)²: neighbouring coordinates interact. */
const rosenbrock: GradcheckProblem = {
  name: "rosenbrock",
  formula: "f(x) = Σ_k (1 − x_k)² + 10·(x_{k+1} − x_k²)²",
  f: (x) => {
    const v = x.data;
    let s = 0;
    for (let k = 0; k < v.length; k++) {
      s += (1 - v[k]) ** 2;
      if (k + 1 < v.length) s += 10 * (v[k + 1] - v[k] * v[k]) ** 2;
    }
    return s;
  },
  grad: (x) => {
    const v = x.data, g = new Matrix(x.rows, x.cols);
    for (let k = 0; k < v.length; k++) {
      g.data[k] += -2 * (1 - v[k]);
      if (k + 1 < v.length) {
        const r = v[k + 1] - v[k] * v[k];
        g.data[k] += -40 * v[k] * r;
        g.data[k + 1] += 20 * r;
      }
    }
    return g;
  },
};

/** log Σ exp(x_k), computed stably; its gradient is softmax(x). */
const logsumexp: GradcheckProblem = {
  name: "logsumexp",
  formula: "f(x) = log Σ exp(x_k)",
  f: (x) => {
    const m = Math.max(...x.data);
    return m + Math.log(x.data.reduce((s, v) => s + Math.exp(v - m), 0));
  },
  grad: (x) => {
    const m = Math.max(...x.data);
    const z = x.data.reduce((s, v) => s + Math.exp(v - m), 0);
    return x.map((v) => Math.exp(v - m) / z);
  },
};

/** A fixed batch for the linear-classifier problem: 5 examples, 4 features, 3 classes. */
const LINEAR_X = Matrix.from([
  [0.5, -1.2, 0.3, 2.0],
  [-0.7, 0.4, 1.1, -0.2],
  [1.5, 0.9, -0.6, 0.1],
  [0.0, -0.3, 0.8, -1.4],
  [-1.1, 1.6, 0.2, 0.7],
]);
const LINEAR_Y = [2, 0, 1, 1, 0];

/** Softmax cross-entropy of a linear classifier `x·Wᵀ` on a fixed batch, as a function of W (3×4). */
const softmaxLinear: GradcheckProblem = {
  name: "softmax-linear",
  formula: "f(W) = mean cross-entropy of softmax(x·Wᵀ) on a fixed batch (W is 3×4)",
  f: (w) => softmaxCrossEntropy(forward(w).out, LINEAR_Y).loss,
  grad: (w) => {
    const { out, cache } = forward(w);
    return linearBackward(softmaxCrossEntropy(out, LINEAR_Y).grad, cache).dw;
  },
};

function forward(w: Matrix) {
  if (w.rows !== 3 || w.cols !== 4) {
    throw new ShapeError(`softmax-linear: W must be 3×4, got ${shapeOf(w)}`);
  }
  return linearForward(LINEAR_X, w, new Matrix(1, 3));
}

const PROBLEMS: Record<string, GradcheckProblem> = {
  cubic,
  rosenbrock,
  logsumexp,
  "softmax-linear": softmaxLinear,
};

/** The names of the test functions. */
export const PROBLEM_NAMES: readonly string[] = Object.keys(PROBLEMS);

/** The test function called `name` (see {@link PROBLEM_NAMES}). */
export function gradcheckProblem(name: string): GradcheckProblem {
  const p = PROBLEMS[name];
  if (!p) {
    throw new RangeError(
      `gradcheckProblem: no test function "${name}"; there are ${PROBLEM_NAMES.join(", ")}`,
    );
  }
  return p;
}
