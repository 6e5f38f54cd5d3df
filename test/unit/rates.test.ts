import { describe, expect, it } from "vitest";
import {
  averageRate,
  convergenceOrder,
  distancesTo,
  errorRatios,
  heavyBallRate,
} from "../../lib/optim/rates.ts";
import { descend } from "../../lib/optim/second_order.ts";
import { sgd } from "../../lib/optim/optimizers.ts";
import { diagonalQuadratic } from "../../lib/optim/test_functions.ts";

const linear = Array.from({ length: 12 }, (_, k) => 3 * 0.5 ** k);
const quadratic = [0.5, 0.25, 0.0625, 0.00390625, 1.52587890625e-5]; // e_{k+1} = e_k²
const factorial = Array.from(
  { length: 10 },
  (_, k) => 1 / [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880][k],
);

describe("measured rates", () => {
  it("distances are Euclidean, iterate by iterate", () => {
    expect(distancesTo([[3, 4], Float64Array.of(0, 0), [1, 1]], [0, 0])).toEqual([
      5,
      0,
      Math.SQRT2,
    ]);
  });

  it("a linear sequence has constant ratios and order 1", () => {
    expect(errorRatios(linear)).toEqual(Array(11).fill(0.5));
    expect(convergenceOrder(linear)).toBeCloseTo(1, 12);
    expect(averageRate(linear, 2, 9)).toBeCloseTo(0.5, 14);
  });

  it("a quadratic sequence has order 2 and ratios that fall to 0", () => {
    expect(convergenceOrder(quadratic)).toBeCloseTo(2, 12);
    const r = errorRatios(quadratic);
    r.slice(1).forEach((v, k) => expect(v).toBeLessThan(r[k]));
  });

  it("a superlinear sequence (1/k!) has ratios 1/(k+1) and an order between 1 and 2", () => {
    errorRatios(factorial).forEach((v, k) => expect(v).toBeCloseTo(1 / (k + 1), 14));
    const q = convergenceOrder(factorial.slice(3));
    expect(q).toBeGreaterThan(1);
    expect(q).toBeLessThan(2);
  });

  it("averageRate is the geometric mean of the ratios in between", () => {
    const e = [1, 0.5, 0.4, 0.1, 0.08];
    const r = errorRatios(e);
    expect(averageRate(e, 0, 4)).toBeCloseTo((r[0] * r[1] * r[2] * r[3]) ** 0.25, 14);
    // only the two errors it divides must be positive: a run that later hits 0 exactly is fine
    expect(averageRate([1, 0.5, 0.25, 0], 0, 2)).toBeCloseTo(0.5, 15);
    expect(() => averageRate([1, 0.5, 0], 0, 2)).toThrow(
      "averageRate: errors must be finite and > 0",
    );
  });

  it("bad input names the function and the problem", () => {
    expect(() => errorRatios([1])).toThrow("errorRatios: need at least 2 errors, got 1");
    expect(() => convergenceOrder([1, 0, 0])).toThrow(
      "convergenceOrder: errors must be finite and > 0, got 0 at 1",
    );
    expect(() => convergenceOrder([1, 1, 1])).toThrow("convergenceOrder: the errors do not change");
    expect(() => averageRate(linear, 3, 3)).toThrow("averageRate: need integers 0 ≤ from < to");
    expect(() => averageRate(linear, 0, 12)).toThrow("averageRate: to = 12 is past the last error");
    expect(() => distancesTo([[1, 2, 3]], [0, 0])).toThrow("distancesTo: iterate 0 has 3 entries");
  });
});

describe("heavyBallRate", () => {
  // The measured factor per step of sgd on ½·h·x² (h < 0: a saddle direction): from the mean
  // error over two windows of 100 steps, 250 steps apart (which averages out the oscillation of
  // complex roots), or for a growing error the average rate over its last 20 of 60 steps.
  function measured(h: number, lr: number, momentum: number): number {
    const f = diagonalQuadratic([Math.abs(h)]);
    const grad = (x: Float64Array) => x.map((v) => h * v);
    const steps = h < 0 ? 60 : 400;
    const r = descend(sgd({ lr, momentum }), f.f, grad, [1], { gtol: 0, maxIter: steps });
    const e = distancesTo(r.path, [0]);
    if (h < 0) return averageRate(e, 40, 60);
    const mean = (from: number) => e.slice(from, from + 100).reduce((a, v) => a + v, 0) / 100;
    return (mean(steps - 100) / mean(steps - 350)) ** (1 / 250);
  }

  it.each([
    [1, 0.1, 0], // GD, 1 − ηh = 0.9
    [10, 0.15, 0], // GD overshooting, |1 − 1.5| = 0.5
    [1, 0.01, 0.5], // real roots
    [1, 0.1, 0.9], // complex roots: √μ
    [-1, 0.1, 0], // a saddle direction: GD grows by 1.1
    [-1, 0.1, 0.9], // heavy ball grows faster
  ])("curvature %d, lr %d, momentum %d: the measured rate", (h, lr, momentum) => {
    expect(measured(h, lr, momentum)).toBeCloseTo(heavyBallRate(h, { lr, momentum }), 3);
  });

  it("is |1 − ηh| without momentum, √μ for complex roots, > 1 on negative curvature", () => {
    expect(heavyBallRate(4, { lr: 0.1 })).toBeCloseTo(0.6, 15);
    expect(heavyBallRate(1, { lr: 0.1, momentum: 0.9 })).toBeCloseTo(Math.sqrt(0.9), 15);
    expect(heavyBallRate(-1, { lr: 0.1, momentum: 0.9 })).toBeGreaterThan(
      heavyBallRate(-1, { lr: 0.1 }),
    );
  });

  it("rejects bad hyper-parameters by name", () => {
    expect(() => heavyBallRate(1, { lr: 0 })).toThrow("heavyBallRate: lr must be");
    expect(() => heavyBallRate(1, { lr: 0.1, momentum: 1 })).toThrow("heavyBallRate: momentum");
    expect(() => heavyBallRate(NaN, { lr: 0.1 })).toThrow("heavyBallRate: curvature");
  });
});
