import { describe, expect, it } from "vitest";
import { Matrix, ShapeError } from "../../lib/core/matrix.ts";
import { hessianVectorProduct } from "../../lib/check/gradcheck.ts";
import { beale, quadratic, rosenbrock } from "../../lib/optim/test_functions.ts";
import { expectClose } from "./_compare.ts";

const matVec = (H: Matrix, v: Float64Array) =>
  H.toArray().map((r) => r.reduce((s, h, j) => s + h * v[j], 0));

describe("hessianVectorProduct", () => {
  it.each([[rosenbrock, [-0.7, 1.3], [0.6, -0.8]], [beale, [1.2, 0.4], [1, 2]]] as const)(
    "matches the exact Hessian times v ($0.name)",
    (fn, at, dir) => {
      const p = new Matrix(1, 2, at), v = new Matrix(1, 2, dir);
      const [hv] = hessianVectorProduct(() => [new Matrix(1, 2, fn.grad(p.data))], [p], [v]);
      expectClose(hv, matVec(fn.hess(p.data), v.data), 1e-7, 1e-7);
    },
  );

  it("works across several parameter matrices, as the curvature of a whole network", () => {
    // f(a, b) = ½·[a b]·A·[a b]ᵀ with a 1×2 and b 1×1: H = A, so H·v = A·v exactly (up to rounding)
    const A = Matrix.from([[4, 1, 0], [1, 3, -1], [0, -1, 2]]);
    const q = quadratic(A);
    const a = new Matrix(1, 2, [0.3, -0.2]), b = new Matrix(1, 1, [0.7]);
    const grads = () => {
      const g = q.grad(Float64Array.of(a.data[0], a.data[1], b.data[0]));
      return [new Matrix(1, 2, g.subarray(0, 2)), new Matrix(1, 1, g.subarray(2))];
    };
    const v = [new Matrix(1, 2, [1, 2]), new Matrix(1, 1, [-1])];
    const hv = hessianVectorProduct(grads, [a, b], v);
    expectClose([...hv[0].data, ...hv[1].data], matVec(A, Float64Array.of(1, 2, -1)), 1e-9, 1e-9);
  });

  it("restores the parameters exactly, even when grads() throws", () => {
    const p = new Matrix(1, 2, [0.1 + 0.2, 1 / 3]), before = p.data.slice();
    hessianVectorProduct(() => [new Matrix(1, 2, rosenbrock.grad(p.data))], [p], [
      new Matrix(1, 2, [1e3, -7]),
    ]);
    expect(p.data).toEqual(before);
    expect(() =>
      hessianVectorProduct(
        () => {
          throw new Error("boom");
        },
        [p],
        [new Matrix(1, 2, [1, 1])],
      )
    ).toThrow("boom");
    expect(p.data).toEqual(before);
  });

  it("names itself and the problem on bad input", () => {
    const p = new Matrix(1, 2);
    const g = () => [new Matrix(1, 2)];
    expect(() => hessianVectorProduct(g, [p], [])).toThrow(
      "hessianVectorProduct: 0 directions for 1 parameters",
    );
    expect(() => hessianVectorProduct(g, [p], [new Matrix(2, 1)])).toThrow(ShapeError);
    expect(() => hessianVectorProduct(() => [new Matrix(2, 1)], [p], [new Matrix(1, 2)])).toThrow(
      "hessianVectorProduct: grads()[0] is 2×1 but params[0] is 1×2",
    );
    expect(() => hessianVectorProduct(g, [p], [new Matrix(1, 2)], { h: 0 })).toThrow(
      "hessianVectorProduct: h must be finite and > 0",
    );
  });
});
