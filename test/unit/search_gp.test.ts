/**
 * lib/search/gp.ts, acquisition.ts, normal.ts: the GP posterior mean, standard deviation and log
 * marginal likelihood against scikit-learn's GaussianProcessRegressor with fixed kernel
 * parameters, EI against the closed form with scipy's normal, erfc against Python's math.erfc
 * (test/reference/gen_search_gp.py), the marginal likelihood's gradient against central
 * differences, and the hyper-parameter fit raising the likelihood.
 */

import { describe, expect, it } from "vitest";
import ref from "../reference/search_gp.json" with { type: "json" };
import { Random } from "../../lib/core/random.ts";
import {
  cholesky,
  gpFit,
  gpFitHyper,
  kernel,
  type KernelName,
  logMarginalLikelihoodGrad,
  solveLower,
  solveUpper,
} from "../../lib/search/gp.ts";
import { expectedImprovement, lowerConfidenceBound } from "../../lib/search/acquisition.ts";
import { normalCdf } from "../../lib/search/normal.ts";
import { erfc } from "../../lib/nn/activations.ts";
import { expectClose } from "./_compare.ts";

describe("normal distribution", () => {
  it("erfc (the library's, used by Φ) matches math.erfc to 1e-14 relative, in both tails", () => {
    for (const [x, v] of ref.erfc) expectClose(erfc(x), v, 1e-14, 0);
  });
  it("Φ matches scipy's norm.cdf to 1e-12 relative, down to z = −30 (where rounding −z/√2 alone costs ~1e-13)", () => {
    for (const [z, v] of ref.normalCdf) expectClose(normalCdf(z), v, 1e-12, 0);
  });
});

describe("Cholesky", () => {
  it("factors a positive-definite matrix and solves with it", () => {
    const A = [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]];
    const L = cholesky(A);
    const LLt = A.map((_, i) => A.map((_, j) => L[i].reduce((s, v, k) => s + v * L[j][k], 0)));
    expectClose(LLt, A, 1e-14);
    const b = [1, -2, 0.5], x = solveUpper(L, solveLower(L, b));
    expectClose(A.map((row) => row.reduce((s, v, k) => s + v * x[k], 0)), b, 1e-13);
  });
  it("names the pivot of a matrix that is not positive definite", () => {
    expect(() => cholesky([[1, 2], [2, 1]])).toThrow(/not positive definite \(pivot 1/);
  });
});

describe("GP regression against scikit-learn", () => {
  for (const c of ref.cases) {
    const label = `${c.kernel}, d = ${c.X[0].length}, noise ${c.noise}${
      c.normalizeY ? ", normalize_y" : ""
    }`;
    it(`posterior mean, std and log marginal likelihood: ${label}`, () => {
      const gp = gpFit(c.X, c.y, {
        kernel: c.kernel as KernelName,
        lengthScale: c.lengthScale,
        variance: c.variance,
        noise: c.noise,
        normalizeY: c.normalizeY,
      });
      const { mean, std } = gp.predict(c.Xs);
      expectClose(mean, c.mean, 1e-7, 1e-7);
      expectClose(std, c.std, 1e-6, 1e-6);
      expectClose(gp.logMarginalLikelihood, c.logMarginalLikelihood, 1e-6, 1e-8);
      expectClose(mean.map((m, i) => expectedImprovement(m, std[i], c.best)), c.ei, 1e-6, 1e-6);
    });
  }

  it("interpolates noise-free data: zero std at the observations", () => {
    const c = ref.cases[0];
    const { mean, std } = gpFit(c.X, c.y, { kernel: "rbf", lengthScale: 0.3, noise: 1e-10 })
      .predict(c.X);
    expectClose(mean, c.y, 1e-5);
    for (const s of std) expect(s).toBeLessThan(1e-3);
  });

  it("rejects bad input with a message naming it", () => {
    expect(() => gpFit([[0], [1]], [1])).toThrow(/2 points but 1 targets/);
    expect(() => gpFit([[0], [1, 2]], [1, 2])).toThrow(/point 1 has 2 coordinates/);
    expect(() => gpFit([[0]], [NaN])).toThrow(/target 0 is NaN/);
    expect(() => gpFit([[0]], [1], { lengthScale: [1, 2] })).toThrow(
      /2 length scales for 1-dimensional/,
    );
    // deno-lint-ignore no-explicit-any
    expect(() => gpFit([[0]], [1], { kernel: "matern32" as any })).toThrow(/"rbf" or "matern52"/);
  });
});

describe("kernels", () => {
  it("Matérn 5/2 and RBF are v at distance 0 and agree with their formulas", () => {
    for (const name of ["rbf", "matern52"] as const) {
      expect(kernel(name, [0.2], [0.2], { lengthScale: 0.5, variance: 3 })).toBe(3);
    }
    const r = 0.7 / 0.5, s = Math.sqrt(5) * r;
    expectClose(
      kernel("matern52", [0], [0.7], { lengthScale: 0.5 }),
      (1 + s + s * s / 3) * Math.exp(-s),
      1e-15,
    );
    expectClose(kernel("rbf", [0], [0.7], { lengthScale: 0.5 }), Math.exp(-r * r / 2), 1e-15);
  });
});

describe("hyper-parameters by marginal likelihood", () => {
  const c = ref.cases[2];
  const mean = c.y.reduce((s, v) => s + v, 0) / c.y.length;
  const y = c.y.map((v) => v - mean);
  for (const name of ["rbf", "matern52"] as const) {
    it(`the gradient of log p(y|X,θ) matches central differences (${name})`, () => {
      const theta = [Math.log(0.4), Math.log(0.7), Math.log(1.3), Math.log(1.5), Math.log(1e-2)];
      const { value, grad } = logMarginalLikelihoodGrad(name, c.X, y, theta);
      const gp = gpFit(c.X, y, {
        kernel: name,
        lengthScale: theta.slice(0, 3).map(Math.exp),
        variance: 1.5,
        noise: 1e-2,
      });
      expectClose(value, gp.logMarginalLikelihood, 1e-10);
      const h = 1e-5;
      const numeric = theta.map((_, i) => {
        const up = theta.slice(), down = theta.slice();
        up[i] += h;
        down[i] -= h;
        return (logMarginalLikelihoodGrad(name, c.X, y, up).value -
          logMarginalLikelihoodGrad(name, c.X, y, down).value) / (2 * h);
      });
      expectClose(grad, numeric, 1e-6, 1e-6);
    });
  }

  it("the fit raises the likelihood above the default start and predicts held-out points better", () => {
    const rng = new Random(0), f = (x: number[]) => Math.sin(8 * x[0]) + 0.1 * x[1];
    const X = Array.from({ length: 25 }, () => [rng.next(), rng.next()]), yy = X.map(f);
    const Xt = Array.from({ length: 50 }, () => [rng.next(), rng.next()]), yt = Xt.map(f);
    const fixed = gpFit(X, yy, { lengthScale: 0.5, noise: 1e-3, normalizeY: true });
    const fitted = gpFitHyper(X, yy, new Random(1));
    expect(fitted.logMarginalLikelihood).toBeGreaterThan(fixed.logMarginalLikelihood + 5);
    // x₂ barely matters: its length scale comes out longer than x₁'s
    expect(fitted.lengthScale[1]).toBeGreaterThan(3 * fitted.lengthScale[0]);
    const rmse = (gp: typeof fixed) => {
      const m = gp.predict(Xt).mean;
      return Math.sqrt(m.reduce((s, v, i) => s + (v - yt[i]) ** 2, 0) / m.length);
    };
    expect(rmse(fitted)).toBeLessThan(rmse(fixed));
  });
});

describe("acquisition", () => {
  it("EI is the improvement itself when σ = 0, grows with σ, and is never negative", () => {
    expect(expectedImprovement(1, 0, 3)).toBe(2);
    expect(expectedImprovement(4, 0, 3)).toBe(0);
    expect(expectedImprovement(4, 1, 3)).toBeGreaterThan(0);
    expect(expectedImprovement(4, 2, 3)).toBeGreaterThan(expectedImprovement(4, 1, 3));
    expect(expectedImprovement(2, 1, 3, 0.5)).toBeLessThan(expectedImprovement(2, 1, 3));
    // by Monte Carlo: E[max(0, best − f)], f ~ N(μ, σ²)
    const rng = new Random(3);
    let s = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) s += Math.max(0, 0.5 - rng.normal(1, 0.8));
    expectClose(expectedImprovement(1, 0.8, 0.5), s / n, 3e-3);
    expect(() => expectedImprovement(0, -1, 0)).toThrow(/std must be ≥ 0/);
  });
  it("the lower confidence bound is μ − κσ", () => {
    expect(lowerConfidenceBound(1, 0.5, 2)).toBe(0);
    expect(() => lowerConfidenceBound(1, 0.5, -1)).toThrow(/kappa/);
  });
});
