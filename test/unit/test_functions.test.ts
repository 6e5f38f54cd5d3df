import { describe, expect, it } from "vitest";
import { Matrix, ShapeError } from "../../lib/core/matrix.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { adam, sgd } from "../../lib/optim/optimizers.ts";
import {
  beale,
  optimizerPath,
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
      const numeric = numericalGradient(() => fn.f(p), p);
      expect(relError(new Matrix(1, 2, fn.grad(p)), numeric)).toBeLessThan(1e-7);
    }
  });

  it("its Hessian agrees with central differences of the gradient, and is symmetric", () => {
    for (const pt of points) {
      const p = Matrix.from([pt]), H = fn.hessian(p);
      expect(H.get(0, 1)).toBe(H.get(1, 0));
      for (const k of [0, 1]) {
        const row = numericalGradient(() => fn.grad(p)[k], p);
        expect(relError(new Matrix(1, 2, H.row(k)), row)).toBeLessThan(1e-7);
      }
    }
  });

  it("has zero gradient and f = fMin at its minima, a positive-definite Hessian there", () => {
    for (const m of fn.minima) {
      expect(fn.f(m)).toBe(fn.fMin);
      expectClose(fn.grad(m), [0, 0], 0, 1e-12);
      const H = fn.hessian(m);
      const det = H.get(0, 0) * H.get(1, 1) - H.get(0, 1) ** 2;
      expect(H.get(0, 0)).toBeGreaterThan(0);
      expect(det).toBeGreaterThan(0);
    }
    // fMin is the least value on a grid over its window
    const [[x0, x1], [y0, y1]] = fn.window;
    for (let i = 0; i <= 40; i++) {
      for (let j = 0; j <= 40; j++) {
        const v = fn.f([x0 + (x1 - x0) * i / 40, y0 + (y1 - y0) * j / 40]);
        expect(v).toBeGreaterThanOrEqual(fn.fMin);
      }
    }
  });

  it("takes a point as an array, a Float64Array or a 1×2 Matrix, and refuses others", () => {
    const v = fn.f([0.3, -0.7]);
    expect(fn.f(Float64Array.of(0.3, -0.7))).toBe(v);
    expect(fn.f(Matrix.from([[0.3, -0.7]]))).toBe(v);
    expect(() => fn.grad([1, 2, 3])).toThrow(`${fn.name}.grad: a point has 2 coordinates, got 3`);
    expect(() => fn.f(Matrix.from([[1]]))).toThrow(ShapeError);
  });
});

describe("known values", () => {
  it("Rosenbrock and Beale at their customary starts", () => {
    expectClose(rosenbrock.f(rosenbrock.start), 2.2 ** 2 + 100 * 0.44 ** 2, 1e-14);
    expectClose(rosenbrock.grad([-1.2, 1]), [-215.6, -88], 1e-12);
    // Beale at (1, 1.5): residuals 1.5 − 1 + 1.5, 2.25 − 1 + 2.25, 2.625 − 1 + 3.375
    expectClose(beale.f([1, 1.5]), 4 + 3.5 ** 2 + 5 ** 2, 1e-14);
  });
  it("the saddle: Hessian diag(2, −1) at the origin, gradient zero there", () => {
    expectClose(saddle.hessian([0, 0]), [[2, 0], [0, -1]]);
    expectClose(saddle.grad([0, 0]), [0, 0]);
    expect(saddle.f([0, 0])).toBeGreaterThan(saddle.fMin);
  });
});

describe("optimizerPath", () => {
  it("records the start and every iterate, as stepping by hand does", () => {
    const path = optimizerPath(adam({ lr: 0.01 }), rosenbrock, { steps: 25 });
    expect(path.x.length).toBe(26);
    expect([path.x[0], path.y[0]]).toEqual([-1.2, 1]);
    const p = Matrix.from([[-1.2, 1]]), opt = adam({ lr: 0.01 });
    for (let t = 0; t < 25; t++) opt.step([p], [new Matrix(1, 2, rosenbrock.grad(p))]);
    expect([path.x[25], path.y[25]]).toEqual([p.data[0], p.data[1]]);
    expect(path.f[25]).toBe(rosenbrock.f(p));
    expect(path.diverged).toBe(false);
  });

  it("starts where asked", () => {
    const path = optimizerPath(sgd({ lr: 0.1 }), saddle, { steps: 1, start: [1, 0] });
    expectClose([path.x[1], path.y[1]], [1 - 0.1 * 2, 0]);
  });

  it("stops a run that blows up and says so", () => {
    const path = optimizerPath(sgd({ lr: 1 }), beale, { steps: 50 });
    expect(path.diverged).toBe(true);
    expect(path.x.length).toBeLessThan(51);
    expect(path.f.every(Number.isFinite)).toBe(true);
  });

  it("checks its input", () => {
    expect(() => optimizerPath(sgd({ lr: 1 }), beale, { steps: -1 })).toThrow(
      "optimizerPath: steps must be a whole number ≥ 0, got -1",
    );
    expect(() => optimizerPath(sgd({ lr: 1 }), beale, { steps: 2, start: [1] as never })).toThrow(
      "optimizerPath: start: a point has 2 coordinates, got 1",
    );
  });
});
