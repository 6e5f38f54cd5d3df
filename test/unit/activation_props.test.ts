import { describe, expect, it } from "vitest";
import {
  type Activation,
  elu,
  gelu,
  hardTanh,
  leakyRelu,
  relu,
  selu,
  sigmoid,
  softsign,
  tanh,
} from "../../lib/nn/activations.ts";
import {
  deadUnitFraction,
  derivativeError,
  formatRange,
  formatSaturation,
  isOdd,
  kinks,
  meanOutputStdNormal,
  nanosecondsPerCall,
  outputRange,
  saturation,
  zeroCentring,
  zeroGradientFraction,
} from "../../lib/check/activation_props.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { linspace } from "../../lib/core/numeric.ts";
import { centralDifference } from "../../lib/check/gradcheck.ts";
import { expectClose } from "./_compare.ts";

describe("linspace", () => {
  it("spans both ends evenly", () => {
    expect(linspace(-1, 1, 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(() => linspace(0, 1, 1)).toThrow(/^linspace:/);
  });
});

describe("outputRange", () => {
  const cases: [Activation, string][] = [
    [sigmoid, "(0, 1)"],
    [tanh, "(−1, 1)"],
    [hardTanh, "[−1, 1]"],
    [softsign, "(−1, 1)"],
    [relu, "[0, ∞)"],
    [leakyRelu, "(−∞, ∞)"],
    [elu, "(−1, ∞)"],
    [gelu, "[−0.17, ∞)"],
    [selu, "(−1.76, ∞)"],
  ];
  for (const [act, text] of cases) {
    it(`${act.name}: ${text}`, () => expect(formatRange(outputRange(act))).toBe(text));
  }

  it("finds GELU's minimum, ≈ −0.16997 near x ≈ −0.7518", () => {
    const { lo } = outputRange(gelu);
    // the grid step is 1e-3, so the grid minimum is off by at most ~½·f''·(5e-4)² ≈ 2e-7
    expectClose(lo.value, gelu.f(-0.7517915), 2e-6);
    expect(lo.value).toBeGreaterThanOrEqual(gelu.f(-0.7517915));
    expect(lo.attained).toBe(true);
  });

  it("an activation that only approaches its bound is open there; one that reaches it, closed", () => {
    const r = outputRange(sigmoid);
    expect(r.lo).toEqual({ value: 0, attained: false });
    expect(r.hi).toEqual({ value: 1, attained: false });
    expect(outputRange(hardTanh).hi).toEqual({ value: 1, attained: true });
    expect(() => outputRange(relu, { radius: -1 })).toThrow(/^outputRange:/);
  });
});

describe("zero-centring", () => {
  it("odd: tanh, hard tanh, softsign; not sigmoid, ReLU, leaky ReLU, ELU, GELU", () => {
    for (const act of [tanh, hardTanh, softsign]) expect(isOdd(act)).toBe(true);
    for (const act of [sigmoid, relu, leakyRelu, elu, gelu]) expect(isOdd(act)).toBe(false);
  });

  it("mean output for N(0,1) inputs matches closed forms", () => {
    // E[σ(Z)] = 1/2 by symmetry; E[ReLU(Z)] = 1/√(2π); E[GELU(Z)] = 1/(2√π);
    // leaky: (1 − 0.01)/√(2π); odd functions: 0.
    expectClose(meanOutputStdNormal(sigmoid), 0.5, 1e-12);
    expectClose(meanOutputStdNormal(relu), 1 / Math.sqrt(2 * Math.PI), 1e-6);
    expectClose(meanOutputStdNormal(leakyRelu), 0.99 / Math.sqrt(2 * Math.PI), 1e-6);
    expectClose(meanOutputStdNormal(gelu), 1 / (2 * Math.sqrt(Math.PI)), 1e-10);
    expectClose(meanOutputStdNormal(tanh), 0, 0, 1e-15);
    // SELU's constants make the mean output 0 for N(0, 1) inputs (to the constants' precision).
    expectClose(meanOutputStdNormal(selu), 0, 0, 1e-6);
  });

  it("zeroCentring reports f(0), oddness and the mean", () => {
    const s = zeroCentring(sigmoid);
    expect(s.f0).toBe(0.5);
    expect(s.zeroCentred).toBe(false);
    expect(zeroCentring(tanh).zeroCentred).toBe(true);
    expect(zeroCentring(relu)).toMatchObject({ f0: 0, odd: false, zeroCentred: false });
  });
});

describe("saturation", () => {
  it("finds where |f'| drops below the tolerance, matching closed forms", () => {
    // σ'(x) = σ(1 − σ) = tol  ⇔  x = ln((1 + √(1 − 4 tol))/(1 − √(1 − 4 tol)))
    const tol = 1e-3;
    const q = Math.sqrt(1 - 4 * tol);
    const xs = Math.log((1 + q) / (1 - q));
    const s = saturation(sigmoid, { tol });
    expectClose(s.right!, xs, 1e-6);
    expectClose(s.left!, -xs, 1e-6);
    // tanh' = sech² = tol  ⇔  x = acosh(1/√tol)
    expectClose(saturation(tanh, { tol }).right!, Math.acosh(1 / Math.sqrt(tol)), 1e-6);
    // softsign' = 1/(1 + |x|)² = tol  ⇔  |x| = 1/√tol − 1
    expectClose(saturation(softsign, { tol }).right!, 1 / Math.sqrt(tol) - 1, 1e-6);
    // ELU' = eˣ = tol on the left only
    expect(saturation(elu, { tol })).toEqual({
      left: Number(Math.log(tol).toFixed(6)),
      right: null,
    });
  });

  it("piecewise-linear activations: exact edges, and leaky ReLU never saturates", () => {
    expect(saturation(hardTanh)).toEqual({ left: -1, right: 1 });
    expect(saturation(relu)).toEqual({ left: 0, right: null });
    expect(saturation(leakyRelu)).toEqual({ left: null, right: null });
    expect(formatSaturation(saturation(relu))).toBe("x ≤ 0");
    expect(formatSaturation(saturation(leakyRelu))).toBe("never");
    expect(formatSaturation({ left: -6.9057, right: 6.9057 })).toBe("x ≤ −6.91, x ≥ 6.91");
    expect(() => saturation(relu, { tol: 0 })).toThrow(/^saturation:/);
  });
});

describe("kinks and derivative checks", () => {
  it("kinks: ReLU and leaky ReLU at 0, hard tanh at ±1, SELU at 0, none for smooth ones", () => {
    expect(kinks(relu)).toEqual([0]);
    expect(kinks(leakyRelu)).toEqual([0]);
    expect(kinks(hardTanh)).toEqual([-1, 1]);
    expect(kinks(selu)).toEqual([0]);
    for (const act of [sigmoid, tanh, softsign, elu, gelu]) expect(kinks(act)).toEqual([]);
  });

  it("centralDifference is second order", () => {
    const e1 = Math.abs(centralDifference(Math.sin, 1, { h: 1e-2 }) - Math.cos(1));
    const e2 = Math.abs(centralDifference(Math.sin, 1, { h: 1e-3 }) - Math.cos(1));
    expect(e1 / e2).toBeGreaterThan(90);
    expect(e1 / e2).toBeLessThan(110);
  });

  it("every lib derivative agrees with the central difference away from kinks", () => {
    // x = 0 is skipped for softsign and ELU as well: f is C¹ there but f'' jumps, so the
    // central difference is only first-order accurate at that point.
    const xs = linspace(-6, 6, 1201);
    const skip: Record<string, number[]> = { softsign: [0], elu: [0] };
    for (const act of [sigmoid, tanh, hardTanh, softsign, relu, leakyRelu, elu, gelu, selu]) {
      const err = derivativeError(act, xs, {
        kinkPoints: [...kinks(act), ...(skip[act.name] ?? [])],
      });
      expect(err, act.name).toBeLessThan(1e-7);
    }
  });

  it("derivativeError catches a wrong derivative", () => {
    const wrong: Activation = { ...sigmoid, df: (x) => sigmoid.f(x) * (1 + sigmoid.f(x)) };
    expect(derivativeError(wrong, linspace(-3, 3, 61))).toBeGreaterThan(0.1);
  });
});

describe("cost, dead units", () => {
  it("nanosecondsPerCall returns a positive finite time", () => {
    const t = nanosecondsPerCall(relu, { n: 1000, repeats: 2 });
    expect(t).toBeGreaterThan(0);
    expect(Number.isFinite(t)).toBe(true);
    expect(() => nanosecondsPerCall(relu, { n: 0 })).toThrow(/^nanosecondsPerCall:/);
  });

  it("deadUnitFraction counts columns with zero gradient for every example", () => {
    const z = Matrix.from([
      [-1, 2, -3, 0],
      [-2, -1, -1, 0],
      [-0.5, 3, 4, 0],
    ]);
    // column 0: all negative → dead; column 3: all exactly 0 → dead (ReLU'(0) = 0)
    expect(deadUnitFraction(z, relu)).toBe(0.5);
    expect(deadUnitFraction(z, leakyRelu)).toBe(0);
    expect(zeroGradientFraction(z, relu)).toBe(9 / 12);
    expect(() => deadUnitFraction(new Matrix(0, 3), relu)).toThrow(/^deadUnitFraction:/);
    expect(() => zeroGradientFraction(new Matrix(0, 0), relu)).toThrow(/^zeroGradientFraction:/);
  });
});
