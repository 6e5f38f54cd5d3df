import { describe, expect, it } from "vitest";
import { Matrix, ShapeError } from "../../lib/core/matrix.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { adam, sgd } from "../../lib/optim/optimizers.ts";
import { optimizerPath } from "../../lib/optim/paths.ts";
import {
  beale,
  diagonalQuadratic,
  DOUBLE_WELL_POINTS,
  doubleWell,
  quadratic,
  rosenbrock,
  saddle,
  type TestFunction,
} from "../../lib/optim/test_functions.ts";
import { expectClose } from "./_compare.ts";

const functions: TestFunction[] = [rosenbrock, beale, saddle];
const points = [[-1.3, 0.8], [0.3, -0.7], [2.1, 0.4], [-0.5, 1.4], [1.7, -1.1]];

describe.each(functions.map((fn) => [fn.name, fn] as const))("%s", (_name, fn) => {
  it("its gradient agrees with central differences of f", () => {
    for (const pt of points) {
      const p = Matrix.from([pt]);
      const numeric = numericalGradient(() => fn.f(p.data), p);
      expect(relError(new Matrix(1, 2, fn.grad(p.data)), numeric)).toBeLessThan(1e-7);
    }
  });

  it("its Hessian agrees with central differences of the gradient, and is symmetric", () => {
    for (const pt of points) {
      const p = Matrix.from([pt]), H = fn.hess(p.data);
      expect(H.get(0, 1)).toBe(H.get(1, 0));
      for (const k of [0, 1]) {
        const row = numericalGradient(() => fn.grad(p.data)[k], p);
        expect(relError(new Matrix(1, 2, H.row(k)), row)).toBeLessThan(1e-7);
      }
    }
  });

  it("has zero gradient, f = fMin and a positive-definite Hessian at its minimum", () => {
    const m = fn.minimum;
    expect(fn.f(m)).toBe(fn.fMin);
    expectClose(fn.grad(m), [0, 0], 0, 1e-12);
    const H = fn.hess(m);
    expect(H.get(0, 0)).toBeGreaterThan(0);
    expect(H.get(0, 0) * H.get(1, 1) - H.get(0, 1) ** 2).toBeGreaterThan(0);
    // and fMin is the least value on a grid around it
    for (let i = -40; i <= 40; i++) {
      for (let j = -40; j <= 40; j++) {
        expect(fn.f(Float64Array.of(m[0] + i / 10, m[1] + j / 10))).toBeGreaterThanOrEqual(fn.fMin);
      }
    }
  });

  it("refuses a point of the wrong length, naming the function", () => {
    expect(() => fn.grad(Float64Array.of(1, 2, 3))).toThrow(
      `${fn.name}.grad: x has 3 entries, expected 2`,
    );
    expect(() => fn.f(Float64Array.of(1))).toThrow(ShapeError);
  });
});

describe("known values", () => {
  it("Rosenbrock and Beale at hand-computed points", () => {
    expectClose(rosenbrock.f(Float64Array.of(-1.2, 1)), 2.2 ** 2 + 100 * 0.44 ** 2, 1e-14);
    expectClose(rosenbrock.grad(Float64Array.of(-1.2, 1)), [-215.6, -88], 1e-12);
    // residuals at (1, 1.5): 1.5 − 1 + 1.5, 2.25 − 1 + 2.25, 2.625 − 1 + 3.375
    expectClose(beale.f(Float64Array.of(1, 1.5)), 2 ** 2 + 3.5 ** 2 + 5 ** 2, 1e-14);
  });
  it("the saddle: zero gradient and Hessian diag(1, −1) at the origin, the other minimum", () => {
    const o = Float64Array.of(0, 0);
    expectClose(saddle.hess(o), [[1, 0], [0, -1]]);
    expectClose(saddle.grad(o), [0, 0]);
    expect(saddle.f(o)).toBeGreaterThan(saddle.fMin);
    expect(saddle.f(Float64Array.of(0, -1))).toBe(saddle.fMin);
  });
});

const rotated = diagonalQuadratic([1, 50], { angle: 0.4, xStar: [1, -2] });
const separable = diagonalQuadratic([1, 3, 9], { xStar: [0.5, -1, 2] });
const dense = quadratic(Matrix.from([[4, 1, 0], [1, 3, -1], [0, -1, 2]]), [1, 2, 3]);
// The test functions of any dimension (the 2-D ones above are tested on a grid).
const more: [string, TestFunction, number[]][] = [
  ["rotated quadratic", rotated, [0.3, 0.9]],
  ["separable quadratic", separable, [1, 2, -0.5]],
  ["dense quadratic", dense, [-1, 0.5, 2]],
  ["double well", doubleWell, [0.8, -0.3]],
];

describe.each(more)("%s", (_name, fn, at) => {
  it("has a gradient and a Hessian that agree with central differences", () => {
    const p = new Matrix(1, fn.dim, at);
    const g = new Matrix(1, fn.dim, fn.grad(p.data));
    expect(relError(numericalGradient(() => fn.f(p.data), p), g)).toBeLessThan(1e-7);
    const H = fn.hess(p.data);
    expect(H.shape).toEqual([fn.dim, fn.dim]);
    for (let k = 0; k < fn.dim; k++) {
      const row = numericalGradient(() => fn.grad(p.data)[k], p);
      expect(relError(row, new Matrix(1, fn.dim, H.row(k)))).toBeLessThan(1e-6);
    }
  });

  it("has a zero gradient at its minimum, where f = fMin and f is no larger nearby", () => {
    expect(Math.max(...fn.grad(fn.minimum).map(Math.abs))).toBeLessThan(1e-12);
    expect(fn.f(fn.minimum)).toBeCloseTo(fn.fMin, 14);
    for (let k = 0; k < fn.dim; k++) {
      for (const d of [-1e-3, 1e-3]) {
        const x = fn.minimum.slice();
        x[k] += d;
        expect(fn.f(x)).toBeGreaterThan(fn.fMin);
      }
    }
  });

  it("names itself when given a point of the wrong size", () => {
    const wrong = new Float64Array(fn.dim + 1);
    expect(() => fn.f(wrong)).toThrow(ShapeError);
    expect(() => fn.grad(wrong)).toThrow(`${fn.name}.grad: x has ${fn.dim + 1} entries`);
  });
});

describe("the landscapes are what their docs say", () => {
  it("a rotated quadratic keeps its eigenvalues", () => {
    const H = rotated.hess(new Float64Array(2));
    const tr = H.get(0, 0) + H.get(1, 1), det = H.get(0, 0) * H.get(1, 1) - H.get(0, 1) ** 2;
    expect(tr).toBeCloseTo(51, 12);
    expect(det).toBeCloseTo(50, 10);
    expect(H.get(0, 1)).not.toBe(0); // the valley runs along neither axis
    expect(separable.f(Float64Array.of(1.5, -1, 2))).toBeCloseTo(0.5, 14);
  });

  it("the double well has a global minimum, a higher local one and a saddle between", () => {
    const { localMinimum, saddle: s } = DOUBLE_WELL_POINTS;
    for (const p of [doubleWell.minimum, localMinimum, s]) {
      expect(Math.abs(doubleWell.grad(p)[0])).toBeLessThan(1e-12);
    }
    expect(doubleWell.minimum[0]).toBeCloseTo(-1.035579, 6); // numpy.roots([4, 0, -4, 0.3])
    expect(localMinimum[0]).toBeCloseTo(0.960150, 6);
    expect(doubleWell.f(localMinimum)).toBeGreaterThan(doubleWell.fMin + 0.5);
    expect(s[0]).toBeCloseTo(0.075429, 6); // numpy.roots([4, 0, -4, 0.3])
    expect(doubleWell.hess(s).get(0, 0)).toBeLessThan(0);
    expect(doubleWell.hess(localMinimum).get(0, 0)).toBeGreaterThan(0);
  });
});

describe("bad input", () => {
  it("names the function and the problem", () => {
    expect(() => quadratic(new Matrix(2, 3))).toThrow("quadratic: A must be square");
    expect(() => quadratic(Matrix.from([[1, 2], [3, 1]]))).toThrow(
      "quadratic: A must be symmetric",
    );
    expect(() => quadratic(Matrix.identity(2), [1])).toThrow("quadratic: x* has 1 entries");
    expect(() => diagonalQuadratic([1, 0])).toThrow("diagonalQuadratic: eigenvalues must be");
    expect(() => diagonalQuadratic([1, 2, 3], { angle: 1 })).toThrow("angle needs 2 eigenvalues");
    expect(() => diagonalQuadratic([])).toThrow("diagonalQuadratic: no eigenvalues");
  });
});

describe("optimizerPath", () => {
  it("records the start and every iterate, as stepping by hand does", () => {
    const path = optimizerPath(adam({ lr: 0.01 }), rosenbrock, [-1.2, 1], { steps: 25 });
    expect(path.x.length).toBe(26);
    expect([path.x[0], path.y[0]]).toEqual([-1.2, 1]);
    const p = Matrix.from([[-1.2, 1]]), opt = adam({ lr: 0.01 });
    for (let t = 0; t < 25; t++) opt.step([p], [new Matrix(1, 2, rosenbrock.grad(p.data))]);
    expect([path.x[25], path.y[25]]).toEqual([p.data[0], p.data[1]]);
    expect(path.f[25]).toBe(rosenbrock.f(p.data));
    expect(path.diverged).toBe(false);
  });

  it("takes one plain gradient step as sgd does", () => {
    const path = optimizerPath(sgd({ lr: 0.1 }), saddle, [1, 0.5], { steps: 1 });
    expectClose([path.x[1], path.y[1]], [1 - 0.1 * 1, 0.5 - 0.1 * (0.125 - 0.5)]);
  });

  it("stops a run that blows up and says so", () => {
    const path = optimizerPath(sgd({ lr: 1 }), beale, [1, 1.5], { steps: 50 });
    expect(path.diverged).toBe(true);
    expect(path.x.length).toBeLessThan(51);
    expect(path.f.every(Number.isFinite)).toBe(true);
  });

  it("checks its input", () => {
    const opt = sgd({ lr: 1 });
    expect(() => optimizerPath(opt, beale, [1, 1], { steps: -1 })).toThrow(
      "optimizerPath: steps must be a whole number ≥ 0, got -1",
    );
    expect(() => optimizerPath(opt, beale, [1, NaN], { steps: 2 })).toThrow(
      "optimizerPath: start must be 2 finite numbers, got [1,NaN]",
    );
    const cube = { ...beale, name: "cube", dim: 3 };
    expect(() => optimizerPath(opt, cube, [1, 1], { steps: 1 })).toThrow(
      "optimizerPath: cube is not a function of 2 variables",
    );
  });
});
