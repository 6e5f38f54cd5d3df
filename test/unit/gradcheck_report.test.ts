import { describe, expect, it } from "vitest";
import { checkGradients, checkMlp, nearKink, stepSweep, verdict } from "../../lib/check/report.ts";
import { gradcheckProblem, PROBLEM_NAMES } from "../../lib/check/problems.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { mlpBackward, mlpInit } from "../../lib/nn/layers/mlp.ts";
import { relu } from "../../lib/nn/activations.ts";
import { logLogSlope, logSpace } from "../../lib/core/numeric.ts";
import { expectClose } from "./_compare.ts";

const x0 = () => Matrix.from([[0.7], [-0.4], [1.3]]);

describe("gradcheck problems: the stated gradients are right", () => {
  for (const name of PROBLEM_NAMES) {
    it(`${name}: analytic gradient agrees with a central difference (relError < 1e-7)`, () => {
      const p = gradcheckProblem(name);
      const x = name === "softmax-linear" ? new Random(2).randn(3, 4) : x0();
      expect(relError(p.grad(x), numericalGradient(() => p.f(x), x))).toBeLessThan(1e-7);
    });
  }
  it("closed forms at a point", () => {
    const x = Matrix.from([[1, 2]]);
    expect(gradcheckProblem("cubic").f(x)).toBe(9);
    expectClose(gradcheckProblem("cubic").grad(x), [3, 12]);
    // (1−1)² + 10(2 − 1)² + (1 − 2)² = 11; ∂/∂x0 = −2(0) − 40·1·1 = −40; ∂/∂x1 = 20·1 − 2·(−1) = 22
    expect(gradcheckProblem("rosenbrock").f(x)).toBe(11);
    expectClose(gradcheckProblem("rosenbrock").grad(x), [-40, 22]);
    expectClose(gradcheckProblem("logsumexp").f(Matrix.from([[0, 0]])), Math.log(2));
    expectClose(gradcheckProblem("logsumexp").grad(Matrix.from([[0, 0]])), [0.5, 0.5]);
  });
  it("unknown names and wrong shapes say so", () => {
    expect(() => gradcheckProblem("nope")).toThrow(/^gradcheckProblem: no test function "nope"/);
    expect(() => gradcheckProblem("softmax-linear").f(new Matrix(2, 2))).toThrow(
      /^softmax-linear: W must be 3×4/,
    );
  });
});

describe("stepSweep and logLogSlope: the error-vs-h trade-off", () => {
  const p = gradcheckProblem("cubic");
  const x = x0();
  const rows = stepSweep(() => p.f(x), x, p.grad(x), logSpace(-14, -1, 27));

  it("truncation: slope 2 for central, 1 for forward at large h", () => {
    const big = rows.filter((r) => r.h >= 1e-3);
    expect(logLogSlope(big.map((r) => r.h), big.map((r) => r.central))).toBeCloseTo(2, 2);
    const mid = rows.filter((r) => r.h >= 1e-6);
    expect(logLogSlope(mid.map((r) => r.h), mid.map((r) => r.forward))).toBeCloseTo(1, 1);
  });

  it("round-off: slope about −1 for both at tiny h", () => {
    const small = rows.filter((r) => r.h <= 1e-9);
    for (const key of ["central", "forward"] as const) {
      const s = logLogSlope(small.map((r) => r.h), small.map((r) => r[key]));
      expect(s).toBeGreaterThan(-1.3);
      expect(s).toBeLessThan(-0.7);
    }
  });

  it("the best h is near ∛ε for central and √ε for forward; central wins", () => {
    const best = (key: "central" | "forward") => rows.reduce((a, b) => (b[key] < a[key] ? b : a));
    expect(best("central").h).toBeGreaterThan(1e-7);
    expect(best("central").h).toBeLessThan(1e-4);
    expect(best("forward").h).toBeGreaterThan(1e-10);
    expect(best("forward").h).toBeLessThan(1e-6);
    expect(best("central").central).toBeLessThan(best("forward").forward / 10);
  });

  it("leaves x as it was", () => {
    expectClose(x, x0(), 0, 0);
  });

  it("logSpace and logLogSlope on exact data", () => {
    expectClose(logSpace(-2, 1, 4), [0.01, 0.1, 1, 10]);
    const xs = [1, 2, 4, 8];
    expectClose(logLogSlope(xs, xs.map((v) => 3 * v ** -1.5)), -1.5);
    expect(logLogSlope([1, 2, 3], [0, 1, 1])).toBe(0); // y = 0 is skipped
  });

  it("bad input names the operation", () => {
    expect(() => logSpace(0, 1, 1)).toThrow(/^logSpace: count/);
    expect(() => logLogSlope([1, 2], [1])).toThrow(/^logLogSlope: 2 x values but 1 y values/);
    expect(() => logLogSlope([1, 2], [0, 0])).toThrow(/^logLogSlope: need two points/);
    expect(() => stepSweep(() => p.f(x), x, p.grad(x), [0])).toThrow(/^stepSweep: every h/);
  });
});

describe("verdict follows the thresholds of lib/check/gradcheck.ts", () => {
  it("reads relative errors", () => {
    expect(verdict(1e-9)).toBe("agrees");
    expect(verdict(1e-6)).toBe("suspicious");
    expect(verdict(1e-6, { kinks: true })).toBe("acceptable with kinks");
    expect(verdict(1e-3, { kinks: true })).toBe("suspicious");
    expect(verdict(0.5)).toBe("wrong");
    expect(verdict(NaN)).toBe("wrong");
  });
});

describe("checkGradients and checkMlp", () => {
  const rng = new Random(0);
  const params = mlpInit([4, 6, 3], rng);
  const x = rng.randn(5, 4);
  const labels = [0, 1, 2, 1, 0];

  it("a correct MLP backward agrees on every parameter", () => {
    const report = checkMlp(params, x, labels);
    expect(report.map((r) => r.name)).toEqual(["W1", "b1", "W2", "b2"]);
    expect(report.map((r) => r.shape)).toEqual(["6×4", "1×6", "3×6", "1×3"]);
    for (const r of report) {
      expect(r.relError).toBeLessThan(1e-7);
      expect(r.verdict).toBe("agrees");
    }
  });

  it("a backward that ignores ReLU's gate is caught in layer 1 only", () => {
    const broken = checkMlp(params, x, labels, {
      backward: (dout, cache) =>
        mlpBackward(dout, { ...cache, activation: { ...relu, df: () => 1 } }),
    });
    expect(broken[0].verdict).toBe("wrong");
    expect(broken[1].verdict).toBe("wrong");
    expect(broken[2].verdict).toBe("agrees");
    expect(broken[3].verdict).toBe("agrees");
  });

  it("checkGradients: a gradient off by a factor 2 is wrong, parameters restored", () => {
    const w = Matrix.from([[1, -2, 0.5]]);
    const before = w.clone();
    const [r] = checkGradients(() => w.data.reduce((s, v) => s + v * v, 0), [
      { name: "w", value: w, grad: w.map((v) => v) },
    ]);
    expectClose(r.relError, 1 / 3, 1e-6); // |2w − w| / (|2w| + |w|)
    expect(r.verdict).toBe("wrong");
    expectClose(w, before, 0, 0);
  });

  it("nearKink counts entries within the width of 0", () => {
    expect(nearKink(Matrix.from([[1e-7, -3e-6, 0.2, 0]]), 1e-5)).toBe(3);
  });
});
