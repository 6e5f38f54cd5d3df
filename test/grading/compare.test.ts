/** The grader's comparison of a learner's result with the reference, including lists of matrices. */
import { describe, expect, it } from "vitest";
import { compare } from "../../grader/compare.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { Tensor } from "../../lib/core/tensor.ts";

const tol = { rtol: 1e-9, atol: 1e-12 };
const grads = () => [Matrix.from([[1, 2]]), Matrix.from([[3], [4]])];

describe("compare", () => {
  it("accepts equal lists of matrices and names the first entry that differs", () => {
    expect(compare(grads(), grads(), tol)).toBeUndefined();
    const off = grads();
    off[1].data[1] = 4.5;
    expect(compare({ grads: off }, { grads: grads() }, tol)).toEqual({
      problem: "result.grads[1][1][0] differs from the reference",
      detail: "got 4.5000000, expected 4.0000000",
    });
  });

  it("prints integers as integers when both sides are integers, else both to 8 digits", () => {
    // a class label, an index, a count: "got 3, expected 2", not "got 3.0000000"
    expect(compare(3, 2, tol)).toEqual({
      problem: "result differs from the reference",
      detail: "got 3, expected 2",
    });
    expect(compare([0, 4, 1], [0, 2, 1], tol)?.detail).toBe("got 4, expected 2");
    expect(compare(Matrix.from([[1, -7]]), Matrix.from([[1, 12]]), tol)?.detail)
      .toBe("got -7, expected 12");
    expect(compare({ count: 0 }, { count: 10 }, tol)?.detail).toBe("got 0, expected 10");
    // one side not an integer: both as before
    expect(compare(3, 2.5, tol)?.detail).toBe("got 3.0000000, expected 2.5000000");
    expect(compare(2.5, 3, tol)?.detail).toBe("got 2.5000000, expected 3.0000000");
    expect(compare(1e300, 2e300, tol)?.detail).toBe("got 1.0000000e+300, expected 2.0000000e+300");
  });

  it("says when a list has the wrong length or is not a list", () => {
    expect(compare(grads().slice(0, 1), grads(), tol)?.problem).toBe(
      "result has length 1, expected 2",
    );
    expect(compare(Matrix.from([[1]]), grads(), tol)?.problem).toBe(
      "result is a 1×1 Matrix, expected an array of length 2",
    );
    expect(compare([Matrix.from([[1, 2]]), [3, 4]], grads(), tol)?.problem).toBe(
      "result[1] is an array of length 2, expected a 2×1 Matrix",
    );
  });

  it("compares only the fields the reference has, in its order", () => {
    expect(compare({ totalNorm: 5, grads: [] }, { totalNorm: 5 }, tol)).toBeUndefined();
    expect(compare({ grads: grads() }, { totalNorm: 5, grads: grads() }, tol)?.problem).toBe(
      'result has no field "totalNorm"',
    );
  });

  it("compares tensors by shape, then names the first entry that differs as [n][c][y][x]", () => {
    const t = () => new Tensor([2, 2, 2, 3], Array.from({ length: 24 }, (_, k) => k));
    expect(compare(t(), t(), tol)).toBeUndefined();
    const off = t();
    off.data[19] = 0; // n 1, c 1, y 0, x 1
    expect(compare({ dx: off }, { dx: t() }, tol)?.problem).toBe(
      "result.dx[1][1][0][1] differs from the reference",
    );
    expect(compare(new Tensor([2, 2, 3, 2]), t(), tol)?.problem).toBe(
      "result has shape 2×2×3×2, expected 2×2×2×3",
    );
    expect(compare(Matrix.from([[1]]), t(), tol)?.problem).toBe(
      "result is a 1×1 Matrix, expected a 2×2×2×3 Tensor",
    );
  });
});
