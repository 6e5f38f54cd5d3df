/**
 * lib/search/hypergradient.ts: softmax regression's gradient and Hessian-vector product against
 * central differences; the hyper-gradient of the validation loss through an unrolled run, and
 * hypergradient descent's one-step hyper-gradient, against central differences in η; and
 * hypergradient descent raising a rate that is too small and cutting one that is too large.
 */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import {
  lrHypergradient,
  oneStepLrHypergradient,
  sgdHd,
  softmaxRegression,
  unrolledGd,
} from "../../lib/search/hypergradient.ts";
import { expectClose } from "./_compare.ts";

const rng = new Random(11);
const N = 40, D = 5, C = 3;
const X = rng.randn(N, D), Xv = rng.randn(N, D);
const labels = (x: Matrix) =>
  Array.from(
    { length: x.rows },
    (_, i) => (x.data[i * D] > 0.5 ? 2 : x.data[i * D + 1] > 0 ? 1 : 0),
  );
const train = softmaxRegression(X, labels(X), C, { weightDecay: 0.01 });
const val = softmaxRegression(Xv, labels(Xv), C);
const w0 = Float64Array.from({ length: D * C }, () => 0.1 * rng.normal());

function numericGrad(f: (w: Float64Array) => number, w: Float64Array, h = 1e-6): Float64Array {
  return w.map((_, k) => {
    const up = w.slice(), down = w.slice();
    up[k] += h;
    down[k] -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

describe("softmax regression", () => {
  it("its gradient matches central differences of its loss", () => {
    expectClose(train.grad(w0), numericGrad(train.loss, w0), 1e-6, 1e-9);
  });
  it("its Hessian-vector product matches central differences of its gradient", () => {
    const v = Float64Array.from({ length: D * C }, () => rng.normal()), h = 1e-6;
    const up = w0.map((w, k) => w + h * v[k]), down = w0.map((w, k) => w - h * v[k]);
    const g1 = train.grad(up), g0 = train.grad(down);
    expectClose(train.hvp(w0, v), g1.map((g, k) => (g - g0[k]) / (2 * h)), 1e-6, 1e-9);
  });
  it("names a wrong label or weight length", () => {
    expect(() => softmaxRegression(X, labels(X).map(() => 3), C)).toThrow(/label 0 is 3/);
    expect(() => train.loss(new Float64Array(4))).toThrow(/length 4, expected 5×3/);
  });
});

describe("the learning-rate hyper-gradient", () => {
  for (const [lr, steps] of [[0.1, 5], [0.5, 20], [2, 10]]) {
    it(`through ${steps} unrolled steps at η = ${lr} matches central differences in η`, () => {
      const { valLoss, hypergrad } = lrHypergradient(train, val, w0, lr, steps);
      const f = (eta: number) => val.loss(unrolledGd(train, w0, eta, steps));
      expectClose(valLoss, f(lr), 1e-12);
      const h = 1e-6 * lr;
      expectClose(hypergrad, (f(lr + h) - f(lr - h)) / (2 * h), 1e-5, 1e-9);
    });
  }

  it("hypergradient descent's one-step hyper-gradient −g₁·g₀ matches central differences", () => {
    const f = (eta: number) => train.loss(w0.map((w, k) => w - eta * train.grad(w0)[k]));
    const h = 1e-6;
    expectClose(
      oneStepLrHypergradient(train, w0, 0.3),
      (f(0.3 + h) - f(0.3 - h)) / (2 * h),
      1e-5,
      1e-9,
    );
  });

  it("hypergradient descent raises a rate that is too small and cuts one that is too large", () => {
    // a quadratic bowl f(w) = ½ Σ a_k w_k², stable for η < 2/max a = 0.2
    const a = Float64Array.from([1, 3, 10]);
    const loss = (w: Float64Array) => 0.5 * w.reduce((s, v, k) => s + a[k] * v * v, 0);
    const grad = (w: Float64Array) => w.map((v, k) => a[k] * v);
    const start = Float64Array.from([1, 1, 1]);
    const slow = sgdHd(loss, grad, start, { lr: 0.001, hyperLr: 0.001, steps: 50 });
    expect(slow.lrs.at(-1)!).toBeGreaterThan(0.01);
    const fast = sgdHd(loss, grad, start, { lr: 0.21, hyperLr: 0.001, steps: 50 });
    expect(fast.lrs.at(-1)!).toBeLessThan(0.2);
    expect(fast.losses.at(-1)!).toBeLessThan(fast.losses[0]);
    // with β = 0 it is plain gradient descent
    const plain = sgdHd(loss, grad, start, { lr: 0.05, hyperLr: 0, steps: 7 });
    expect(Array.from(plain.w)).toEqual(
      Array.from(unrolledGd({ dim: 3, loss, grad, hvp: grad }, start, 0.05, 7)),
    );
  });
});
