import { describe, expect, it } from "vitest";
import { add, matmul, Matrix, ShapeError, transpose } from "../../lib/core/matrix.ts";
import { log, Random } from "../../lib/core/random.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { geometricRate } from "../../lib/core/numeric.ts";

describe("Matrix", () => {
  it("multiplies", () => {
    const a = Matrix.from([[1, 2], [3, 4], [5, 6]]);
    const b = Matrix.from([[1, 0, 2], [0, 1, 3]]);
    expect(matmul(a, b).toArray()).toEqual([[1, 2, 8], [3, 4, 18], [5, 6, 28]]);
  });
  it("names the operation and shapes on mismatch", () => {
    const a = new Matrix(3, 2), b = new Matrix(3, 2);
    expect(() => matmul(a, b)).toThrow(ShapeError);
    expect(() => matmul(a, b)).toThrow("matmul: cannot multiply 3×2 by 3×2 (inner sizes 2 ≠ 3)");
    expect(() => add(a, transpose(b))).toThrow("add: shapes 3×2 and 2×3 differ");
  });
});

describe("Random", () => {
  it("repeats for a seed and differs across seeds", () => {
    const a = new Random(42), b = new Random(42), c = new Random(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });
});

describe("gradcheck", () => {
  it("agrees with an analytic gradient", () => {
    const x = Matrix.from([[0.3, -1.2, 2]]);
    const f = () => x.data.reduce((s, v) => s + Math.sin(v) * v, 0);
    const analytic = x.map((v) => Math.cos(v) * v + Math.sin(v));
    expect(relError(numericalGradient(f, x), analytic)).toBeLessThan(1e-8);
  });
});

describe("log (fdlibm)", () => {
  it("is within one ulp of Math.log and exact at the special points", () => {
    let worst = 0;
    for (let e = -1074; e <= 1023; e += 3) {
      for (const m of [1, 1.1, 1.41421356, 1.5, 1.9999999]) {
        const x = m * 2 ** e;
        if (x === 0 || !Number.isFinite(x)) continue;
        const ulp = Math.abs(log(x) - Math.log(x)) /
          Math.max(Math.abs(Math.log(x)) * 2 ** -52, 5e-324);
        worst = Math.max(worst, ulp);
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect([log(1), log(0), log(-1), log(Infinity)]).toEqual([0, -Infinity, NaN, Infinity]);
  });

  it("gives normals with mean 0 and variance 1", () => {
    const rng = new Random(3);
    const xs = Array.from({ length: 200_000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
  });
});

describe("geometricRate", () => {
  it("recovers r from y = C·r^x exactly, and a least-squares r from noisy data", () => {
    const xs = [0, 1, 2, 3, 4, 5];
    expect(geometricRate(xs, xs.map((x) => 3 * 0.6 ** x))).toBeCloseTo(0.6, 14);
    expect(geometricRate(xs, xs.map((x) => 0.1 * 1.5 ** x))).toBeCloseTo(1.5, 14);
    // alternating ±10 % around 0.5^x: the fitted rate stays close to 0.5
    const noisy = xs.map((x) => 0.5 ** x * (x % 2 ? 1.1 : 0.9));
    expect(Math.abs(geometricRate(xs, noisy) - 0.5)).toBeLessThan(0.03);
  });
  it("rejects non-positive values and too few points", () => {
    expect(() => geometricRate([0, 1], [1, 0])).toThrow("geometricRate: y[1] is 0, must be > 0");
    expect(() => geometricRate([0], [1])).toThrow("geometricRate: need at least two points");
    expect(() => geometricRate([1, 1], [1, 2])).toThrow("geometricRate: all x values are equal");
  });
});
