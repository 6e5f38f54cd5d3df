/**
 * lib/optim/ema.ts: every statement the EMA notebook makes, checked; and the link to Adam checked
 * against lib/optim/optimizers.ts, whose Adam matches torch.optim.Adam (test/unit/optim.test.ts).
 */

import { describe, expect, it } from "vitest";
import {
  biasCorrection,
  effectiveWindow,
  ema,
  emaAlpha,
  emaAlphaDebiased,
  emaAlphaSeedCorrection,
  emaDebiased,
  emaWeights,
} from "../../lib/optim/ema.ts";
import { adam } from "../../lib/optim/optimizers.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { expectClose } from "./_compare.ts";

const rng = new Random(5);
const xs = Array.from({ length: 50 }, () => rng.normal(2, 1));

describe("ema", () => {
  it("follows the recursion v_t = β v_{t−1} + (1 − β) x_t from v_0 = 0", () => {
    const v = ema(xs, 0.9);
    expect(v[0]).toBe((1 - 0.9) * xs[0]);
    for (let t = 1; t < xs.length; t++) expect(v[t]).toBe(0.9 * v[t - 1] + (1 - 0.9) * xs[t]);
  });

  it("is the weighted sum with weights (1 − β)β^{t−k}, which add up to 1 − β^t", () => {
    for (const beta of [0.5, 0.9, 0.98]) {
      const t = 30, w = emaWeights(t, beta);
      expectClose(w.reduce((s, x) => s + x, 0), 1 - beta ** t, 1e-14);
      expectClose(
        ema(xs.slice(0, t), beta)[t - 1],
        w.reduce((s, wk, k) => s + wk * xs[k], 0),
        1e-13,
      );
    }
  });

  it("reads c(1 − β^t) on a constant series; the correction recovers c exactly", () => {
    const c = Array(40).fill(3.5);
    expectClose(ema(c, 0.9), c.map((x, i) => x * (1 - 0.9 ** (i + 1))), 1e-14);
    expectClose(emaDebiased(c, 0.9), c, 1e-14);
  });

  it("corrected, starts at the first sample for any β", () => {
    for (const beta of [0, 0.5, 0.999]) expectClose(emaDebiased([0.7, 2], beta)[0], 0.7, 1e-14);
  });

  it("names the operation on bad input", () => {
    expect(() => ema([1, NaN], 0.9)).toThrow("ema: xs[1] is NaN; the values must be finite");
    expect(() => ema([1], 1)).toThrow("ema: beta must be in [0, 1), got 1");
    expect(() => biasCorrection(0, 0.9)).toThrow("biasCorrection: t must be an integer ≥ 1, got 0");
  });
});

describe("the seed's α convention (erratum 1)", () => {
  it("is the same average with α = 1 − β, corrected by 1 − (1 − α)^t", () => {
    expect(emaAlpha(xs, 0.1)).toEqual(ema(xs, 0.9));
    expectClose(emaAlphaDebiased(Array(10).fill(1), 0.1), Array(10).fill(1), 1e-14);
  });

  it("corrected by the seed's 1 − α^t it stays biased", () => {
    const wrong = emaAlphaSeedCorrection(Array(10).fill(1), 0.1);
    expectClose(wrong[0], 0.1 / 0.9, 1e-15);
    expect(wrong.every((v) => v < 0.7)).toBe(true);
  });
});

describe("effective window", () => {
  it("is 1/(1 − β), the mean age of the weights plus one", () => {
    for (const beta of [0.9, 0.98]) {
      expectClose(effectiveWindow(beta), 1 / (1 - beta), 1e-15);
      const w = emaWeights(20000, beta).reverse(); // w[age]
      const meanAge = w.reduce((s, wk, age) => s + wk * age, 0) / w.reduce((s, x) => s + x, 0);
      expectClose(meanAge + 1, effectiveWindow(beta), 1e-9);
    }
  });
});

describe("Adam is two corrected EMAs", () => {
  it("its step equals lr · m̂/(√v̂ + ε) with m̂, v̂ from emaDebiased", () => {
    const grads = Array.from({ length: 25 }, () => rng.normal(0, 1));
    const w = new Matrix(1, 1, [0.3]);
    const opt = adam({ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8 });
    const m = emaDebiased(grads, 0.9), v = emaDebiased(grads.map((g) => g * g), 0.999);
    grads.forEach((g, t) => {
      const before = w.data[0];
      opt.step([w], [new Matrix(1, 1, [g])]);
      expectClose(before - w.data[0], (0.01 * m[t]) / (Math.sqrt(v[t]) + 1e-8), 1e-12);
    });
  });
});
