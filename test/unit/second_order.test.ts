import { describe, expect, it } from "vitest";
import { Matrix, NonFiniteError, ShapeError } from "../../lib/core/matrix.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { bfgs, descend, lbfgs, newton } from "../../lib/optim/second_order.ts";
import { adam, sgd } from "../../lib/optim/optimizers.ts";
import { rosenbrock } from "../../lib/optim/test_functions.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/second_order.json" with { type: "json" };

// Rosenbrock f = (1 − x)² + 100·(y − x²)², minimum 0 at (1, 1); its gradient and Hessian are
// checked against numerical ones in test_functions.test.ts
const { f: rosen, grad: rosenGrad, hess: rosenHess } = rosenbrock;

// quadratic ½xᵀAx − bᵀx with A symmetric positive definite, minimum A⁻¹b
const A = Matrix.from(ref.A), b = ref.b;
const Ax = (v: Float64Array) => A.toArray().map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
const quad = (v: Float64Array) => Ax(v).reduce((s, a, i) => s + 0.5 * a * v[i] - b[i] * v[i], 0);
const quadGrad = (v: Float64Array) => Ax(v).map((a, i) => a - b[i]);

describe("test problems", () => {
  it("the quadratic's analytic gradient agrees with the numerical one", () => {
    const q = Matrix.from([[0.3, -1, 2]]);
    const qg = new Matrix(1, 3, quadGrad(q.data));
    expect(relError(numericalGradient(() => quad(q.data), q), qg)).toBeLessThan(1e-7);
  });
});

describe("quadratic", () => {
  it("Newton lands on the minimiser in one step", () => {
    const r = newton(quad, quadGrad, () => A, [5, -3, 2]);
    expect(r.iterations).toBe(1);
    expect(r.converged).toBe(true);
    expectClose(r.x, ref.quadraticMinimum, 1e-12, 1e-14);
  });
  it("BFGS and L-BFGS reach A⁻¹b (torch.optim.LBFGS's answer)", () => {
    for (const method of [bfgs, lbfgs]) {
      const r = method(quad, quadGrad, [0, 0, 0]);
      expect(r.converged).toBe(true);
      expectClose(r.x, ref.quadraticMinimum, 1e-8, 1e-10);
      expectClose(r.x, ref.quadratic.x, 1e-8, 1e-8);
      expect(r.iterations).toBeLessThanOrEqual(20);
    }
  });
});

describe("Rosenbrock from (−1.2, 1)", () => {
  const x0 = [-1.2, 1];
  const newtonRun = newton(rosen, rosenGrad, rosenHess, x0);
  const bfgsRun = bfgs(rosen, rosenGrad, x0);
  const lbfgsRun = lbfgs(rosen, rosenGrad, x0);

  it.each([["newton", newtonRun], ["bfgs", bfgsRun], ["lbfgs", lbfgsRun]] as const)(
    "%s converges to (1, 1)",
    (_name, r) => {
      expect(r.converged).toBe(true);
      expectClose(r.x, [1, 1], 1e-7, 1e-7);
      expect(r.f).toBeLessThan(1e-14);
      expect(r.path.length).toBe(r.iterations + 1);
    },
  );

  it("iterations: Newton < BFGS and L-BFGS ≪ gradient descent", () => {
    // torch.optim.LBFGS (cubic-interpolation strong Wolfe) needs ref.rosenbrock.iterations
    expect(newtonRun.iterations).toBeLessThan(bfgsRun.iterations);
    expect(newtonRun.iterations).toBeLessThan(lbfgsRun.iterations);
    expect(lbfgsRun.iterations).toBeLessThanOrEqual(2 * ref.rosenbrock.iterations);
    expect(bfgsRun.iterations).toBeLessThanOrEqual(2 * ref.rosenbrock.iterations);
    // plain gradient descent is still far from (1, 1) after 1000 steps
    const p = new Matrix(1, 2, x0), opt = sgd({ lr: 1e-3 });
    for (let t = 0; t < 1000; t++) opt.step([p], [new Matrix(1, 2, rosenGrad(p.data))]);
    expect(Math.hypot(p.data[0] - 1, p.data[1] - 1)).toBeGreaterThan(0.1);
  });

  it("Newton's convergence is quadratic near the minimum", () => {
    const err = newtonRun.path.map((x) => Math.hypot(x[0] - 1, x[1] - 1));
    const k = err.findIndex((e) => e < 1e-2);
    expect(k).toBeGreaterThan(0);
    // e_{k+1} ≤ C·e_k² with a modest C (here about 20) for every step from there on
    for (let j = k; j + 1 < err.length; j++) expect(err[j + 1]).toBeLessThan(50 * err[j] ** 2);
    expect(err.length - k).toBeGreaterThanOrEqual(3);
  });

  it("L-BFGS still converges with a memory of one pair", () => {
    const r = lbfgs(rosen, rosenGrad, x0, { m: 1 });
    expect(r.converged).toBe(true);
    expectClose(r.x, [1, 1], 1e-7, 1e-7);
  });
});

describe("descend: a first-order optimiser with the minimisers' interface", () => {
  it("takes exactly the steps of the optimiser, with the gradient at each iterate", () => {
    const r = descend(sgd({ lr: 1e-3, momentum: 0.9 }), rosen, rosenGrad, [-1.2, 1], {
      maxIter: 50,
    });
    const p = new Matrix(1, 2, [-1.2, 1]), opt = sgd({ lr: 1e-3, momentum: 0.9 });
    for (let t = 0; t < 50; t++) opt.step([p], [new Matrix(1, 2, rosenGrad(p.data))]);
    expect(Array.from(r.x)).toEqual(Array.from(p.data));
    expect(r.iterations).toBe(50);
    expect(r.path.length).toBe(51);
    expect(r.evaluations).toBe(51);
    expect(r.converged).toBe(false);
    expect(r.f).toBe(rosen(r.x));
  });

  it("stops at gtol like the minimisers, and counts gradient descent's many steps", () => {
    const gd = descend(sgd({ lr: 1e-3 }), rosen, rosenGrad, [-1.2, 1], {
      gtol: 1e-6,
      maxIter: 100000,
    });
    expect(gd.converged).toBe(true);
    expect(gd.gradNorm).toBeLessThanOrEqual(1e-6);
    expectClose(gd.x, [1, 1], 0, 1e-5);
    expect(gd.iterations).toBeGreaterThan(100 * bfgs(rosen, rosenGrad, [-1.2, 1]).iterations);
    const q = descend(adam({ lr: 0.1 }), quad, quadGrad, [0, 0, 0], { gtol: 1e-6, maxIter: 5000 });
    expect(q.converged).toBe(true);
    expectClose(q.x, ref.quadraticMinimum, 0, 1e-5);
  });

  it("with gtol = 0 takes exactly maxIter steps, even through a zero gradient", () => {
    // ½x² with lr 1: the first step lands exactly on 0, where the gradient is exactly 0
    const half = (x: Float64Array) => 0.5 * x[0] ** 2, halfGrad = (x: Float64Array) => [x[0]];
    const all = descend(sgd({ lr: 1 }), half, halfGrad, [1], { gtol: 0, maxIter: 5 });
    expect(all.iterations).toBe(5);
    expect(all.path.map((x) => x[0])).toEqual([1, 0, 0, 0, 0, 0]);
    expect(descend(sgd({ lr: 1 }), half, halfGrad, [1], { gtol: 1e-8 }).iterations).toBe(1);
  });

  it("stops a run that blows up, keeping the finite iterates, and says so", () => {
    const r = descend(sgd({ lr: 0.1 }), rosen, rosenGrad, [-1.2, 1], { maxIter: 100 });
    expect(r.diverged).toBe(true);
    expect(r.converged).toBe(false);
    expect(r.iterations).toBeLessThan(100);
    expect(r.path.length).toBe(r.iterations + 1);
    expect(r.path.every((x) => x.every(Number.isFinite) && Number.isFinite(rosen(x)))).toBe(true);
    expect(Array.from(r.x)).toEqual(Array.from(r.path.at(-1)!));
    expect(descend(sgd({ lr: 1e-3 }), rosen, rosenGrad, [-1.2, 1]).diverged).toBe(false);
  });

  it("names itself on bad input", () => {
    expect(() => descend(sgd({ lr: 1 }), rosen, rosenGrad, [NaN, 0])).toThrow(
      "descend: x0 entry 0 is NaN",
    );
    expect(() => descend(sgd({ lr: 1 }), rosen, () => [1], [0, 0])).toThrow(
      "descend: grad returned 1 values for 2 unknowns",
    );
  });
});

describe("bad input", () => {
  it("names the operation and the problem", () => {
    expect(() => newton(rosen, rosenGrad, rosenHess, [NaN, 1])).toThrow(NonFiniteError);
    expect(() => newton(rosen, rosenGrad, rosenHess, [NaN, 1])).toThrow(
      "newton: x0 entry 0 is NaN",
    );
    expect(() => newton(rosen, rosenGrad, () => Matrix.identity(3), [0, 0])).toThrow(
      "newton: hess returned 3×3, expected 2×2",
    );
    expect(() => bfgs(rosen, () => [1, 2, 3], [0, 0])).toThrow(ShapeError);
    expect(() => bfgs(rosen, () => [1, 2, 3], [0, 0])).toThrow(
      "bfgs: grad returned 3 values for 2 unknowns",
    );
    expect(() => lbfgs(rosen, rosenGrad, [0, 0], { m: 0 })).toThrow("lbfgs: m must be");
    expect(() => lbfgs(() => NaN, rosenGrad, [0, 0])).toThrow("lbfgs: f(x) is NaN");
    expect(() => bfgs(rosen, rosenGrad, [], {})).toThrow("bfgs: x0 is empty");
    expect(() => bfgs(rosen, rosenGrad, [0, 0], { gtol: -1 })).toThrow("bfgs: gtol");
  });
});
