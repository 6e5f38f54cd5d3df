/**
 * Gradient-based hyper-parameter search on the learning rate.
 *
 * **Through an unrolled run.** T steps of gradient descent w_{t+1} = w_t − η·∇f(w_t) make the
 * final weights a differentiable function of η. Forward-mode differentiation carries
 * z_t = ∂w_t/∂η along the run: z_0 = 0 and
 *
 *     z_{t+1} = z_t − ∇f(w_t) − η·H(w_t)·z_t       (H the Hessian of the training loss)
 *
 * so the hyper-gradient of the validation loss is ∂L_val(w_T)/∂η = ∇L_val(w_T)·z_T, at the
 * price of one Hessian-vector product per step ({@link lrHypergradient}).
 *
 * **Hypergradient descent** (Baydin et al., 2018) keeps only the last step: since
 * w_t = w_{t−1} − η·g_{t−1}, ∂f(w_t)/∂η = −g_t·g_{t−1}, so the rate itself takes a gradient
 * step before each weight step: η_t = η_{t−1} + β·g_t·g_{t−1} ({@link sgdHd}). Successive
 * gradients that agree (a too-small rate) raise η; gradients that flip sign (too large) cut it.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";

/** A twice-differentiable loss on a flat weight vector. */
export interface SmoothProblem {
  readonly dim: number;
  loss(w: Float64Array): number;
  grad(w: Float64Array): Float64Array;
  /** The Hessian at w times v. */
  hvp(w: Float64Array, v: Float64Array): Float64Array;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Softmax regression (a linear classifier with the cross-entropy loss, mean over examples) plus
 * (λ/2)‖W‖², on weights W (D×C, row-major, flattened). Add a column of ones to X for a bias.
 * Hessian-vector product: with p = softmax(xW) and u = xV per example,
 * Hv = (1/N)·Σ xᵀ(p⊙u − p·(pᵀu)) + λV.
 */
export function softmaxRegression(
  X: Matrix,
  y: readonly number[],
  classes: number,
  o: { weightDecay?: number } = {},
): SmoothProblem {
  const N = X.rows, D = X.cols, C = classes, lambda = o.weightDecay ?? 0;
  if (y.length !== N) {
    throw new RangeError(`softmaxRegression: ${N} rows of X but ${y.length} labels`);
  }
  y.forEach((c, i) => {
    if (!(Number.isInteger(c) && c >= 0 && c < C)) {
      throw new RangeError(
        `softmaxRegression: label ${i} is ${c}, expected an integer in [0, ${C})`,
      );
    }
  });
  const x = X.data;
  const check = (w: Float64Array) => {
    if (w.length !== D * C) {
      throw new RangeError(
        `softmaxRegression: weights of length ${w.length}, expected ${D}×${C} = ${D * C}`,
      );
    }
  };
  const probs = (w: Float64Array, i: number, p: Float64Array) => {
    p.fill(0);
    for (let d = 0; d < D; d++) {
      const xv = x[i * D + d];
      if (xv === 0) continue;
      for (let c = 0; c < C; c++) p[c] += xv * w[d * C + c];
    }
    const m = Math.max(...p);
    let s = 0;
    for (let c = 0; c < C; c++) s += p[c] = Math.exp(p[c] - m);
    for (let c = 0; c < C; c++) p[c] /= s;
  };
  const p = new Float64Array(C);
  return {
    dim: D * C,
    loss(w) {
      check(w);
      let l = 0;
      for (let i = 0; i < N; i++) {
        probs(w, i, p);
        l -= Math.log(p[y[i]]);
      }
      return l / N + 0.5 * lambda * dot(w, w);
    },
    grad(w) {
      check(w);
      const g = new Float64Array(D * C);
      for (let i = 0; i < N; i++) {
        probs(w, i, p);
        p[y[i]] -= 1;
        for (let d = 0; d < D; d++) {
          const xv = x[i * D + d] / N;
          if (xv === 0) continue;
          for (let c = 0; c < C; c++) g[d * C + c] += xv * p[c];
        }
      }
      for (let k = 0; k < g.length; k++) g[k] += lambda * w[k];
      return g;
    },
    hvp(w, v) {
      check(w);
      check(v);
      const h = new Float64Array(D * C), u = new Float64Array(C);
      for (let i = 0; i < N; i++) {
        probs(w, i, p);
        u.fill(0);
        for (let d = 0; d < D; d++) {
          const xv = x[i * D + d];
          if (xv === 0) continue;
          for (let c = 0; c < C; c++) u[c] += xv * v[d * C + c];
        }
        const pu = dot(p, u);
        for (let c = 0; c < C; c++) u[c] = p[c] * (u[c] - pu);
        for (let d = 0; d < D; d++) {
          const xv = x[i * D + d] / N;
          if (xv === 0) continue;
          for (let c = 0; c < C; c++) h[d * C + c] += xv * u[c];
        }
      }
      for (let k = 0; k < h.length; k++) h[k] += lambda * v[k];
      return h;
    },
  };
}

/** T steps of gradient descent at rate η from w0 (w0 unchanged). */
export function unrolledGd(
  problem: SmoothProblem,
  w0: Float64Array,
  lr: number,
  steps: number,
): Float64Array {
  const w = w0.slice();
  for (let t = 0; t < steps; t++) {
    const g = problem.grad(w);
    for (let k = 0; k < w.length; k++) w[k] -= lr * g[k];
  }
  return w;
}

/**
 * The validation loss after T steps of gradient descent at rate η on `train`, and its derivative
 * with respect to η by forward mode through the unrolled run.
 */
export function lrHypergradient(
  train: SmoothProblem,
  val: Pick<SmoothProblem, "loss" | "grad">,
  w0: Float64Array,
  lr: number,
  steps: number,
): { valLoss: number; hypergrad: number; w: Float64Array } {
  if (!(Number.isFinite(lr) && lr > 0)) {
    throw new RangeError(`lrHypergradient: lr must be a finite positive number, got ${lr}`);
  }
  if (!(Number.isInteger(steps) && steps >= 1)) {
    throw new RangeError(`lrHypergradient: steps must be a positive integer, got ${steps}`);
  }
  const w = w0.slice(), z = new Float64Array(w.length);
  for (let t = 0; t < steps; t++) {
    const g = train.grad(w), hz = train.hvp(w, z);
    for (let k = 0; k < w.length; k++) {
      z[k] = z[k] - g[k] - lr * hz[k];
      w[k] -= lr * g[k];
    }
  }
  return { valLoss: val.loss(w), hypergrad: dot(val.grad(w), z), w };
}

/** Options of {@link sgdHd}. */
export interface SgdHdOptions {
  /** The initial rate η_0. */
  lr: number;
  /** The rate's own step size β. */
  hyperLr: number;
  /** Number of weight steps. */
  steps: number;
}

/**
 * Gradient descent with hypergradient descent on its rate: before step t ≥ 1,
 * η_t = η_{t−1} + β·g_t·g_{t−1}; then w ← w − η_t·g_t. `grad(w, t)` may use a different
 * mini-batch at each step. Returns the weights, the rate and loss at every step.
 */
export function sgdHd(
  loss: (w: Float64Array) => number,
  grad: (w: Float64Array, t: number) => Float64Array,
  w0: Float64Array,
  o: SgdHdOptions,
): { w: Float64Array; lrs: number[]; losses: number[] } {
  if (!(Number.isFinite(o.lr) && o.lr > 0)) {
    throw new RangeError(`sgdHd: lr must be a finite positive number, got ${o.lr}`);
  }
  if (!(Number.isFinite(o.hyperLr) && o.hyperLr >= 0)) {
    throw new RangeError(`sgdHd: hyperLr must be a finite number ≥ 0, got ${o.hyperLr}`);
  }
  const w = w0.slice(), lrs: number[] = [], losses: number[] = [];
  let lr = o.lr, prev: Float64Array | undefined;
  for (let t = 0; t < o.steps; t++) {
    losses.push(loss(w));
    const g = grad(w, t);
    if (prev) lr += o.hyperLr * dot(g, prev);
    lrs.push(lr);
    for (let k = 0; k < w.length; k++) w[k] -= lr * g[k];
    prev = g;
  }
  return { w, lrs, losses };
}

/** ∂f(w − η·∇f(w))/∂η = −∇f(w − η·∇f(w))·∇f(w): the quantity hypergradient descent follows (negated). */
export function oneStepLrHypergradient(
  problem: Pick<SmoothProblem, "grad">,
  w: Float64Array,
  lr: number,
): number {
  const g0 = problem.grad(w), w1 = w.slice();
  for (let k = 0; k < w.length; k++) w1[k] -= lr * g0[k];
  return -dot(problem.grad(w1), g0);
}
