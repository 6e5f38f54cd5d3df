import { describe, expect, it } from "vitest";
import { Matrix, NonFiniteError, ShapeError } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradientArray, relError } from "../../lib/check/gradcheck.ts";
import { attentionBackward, attentionForward } from "../../lib/nn/layers/attention.ts";
import { rowEntropy, softmaxForward } from "../../lib/nn/layers/softmax.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/attention.json" with { type: "json" };

type Stored = { shape: number[]; data: number[] };
const matrix = (r: Stored) => new Matrix(r.shape[0], r.shape[1], r.data);

describe("attention", () => {
  ref.forEach((c, n) => {
    const o = {
      mask: "mask" in c ? (c.mask as boolean[][]) : undefined,
      isCausal: "isCausal" in c ? (c.isCausal as boolean) : undefined,
      scale: "scale" in c ? (c.scale as number) : undefined,
    };
    const what = Object.entries(o).filter(([, v]) => v !== undefined).map(([k]) => k).join(", ");
    it(`matches softmax(scale·QKᵀ)·V in torch and autograd, case ${n}${what ? ` (${what})` : ""}`, () => {
      const { out, weights, scores, cache } = attentionForward(
        matrix(c.q),
        matrix(c.k),
        matrix(c.v),
        o,
      );
      expectClose(scores, c.scores.data); // before the mask
      expectClose(out, c.out.data);
      expectClose(weights, c.weights.data);
      const { dq, dk, dv } = attentionBackward(matrix(c.dout), cache);
      expectClose(dq, c.dq.data);
      expectClose(dk, c.dk.data);
      expectClose(dv, c.dv.data);
    });
  });

  it("weights are a distribution per query; blocked keys get exactly 0", () => {
    const rng = new Random(3);
    const mask = [[true, false, true], [false, false, true]];
    const { weights } = attentionForward(rng.randn(2, 4), rng.randn(3, 4), rng.randn(3, 2), {
      mask: mask,
    });
    expectClose(weights.toArray().map((r) => r.reduce((s, v) => s + v, 0)), [1, 1]);
    expect([weights.get(0, 1), weights.get(1, 0), weights.get(1, 1)]).toEqual([0, 0, 0]);
    expect(weights.get(1, 2)).toBe(1);
  });

  it("isCausal: query i sees keys 0 … i, and the first query only the first key", () => {
    const rng = new Random(6);
    const { weights } = attentionForward(rng.randn(4, 3), rng.randn(4, 3), rng.randn(4, 2), {
      isCausal: true,
    });
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) expect(weights.get(i, j) > 0).toBe(j <= i);
    }
    expect(weights.get(0, 0)).toBe(1);
  });

  for (const o of [{}, { mask: true }, { isCausal: true, scale: 0.7 }]) {
    it(`passes a numerical gradient check (${JSON.stringify(o)})`, () => {
      const rng = new Random(4 + Object.keys(o).length);
      const q = rng.randn(3, 4), k = rng.randn(5, 4), v = rng.randn(5, 2);
      const T = true, F = false;
      const opts = {
        mask: "mask" in o ? [[T, T, F, F, T], [F, T, T, T, F], [T, F, F, F, F]] : undefined,
        isCausal: "isCausal" in o,
        scale: "scale" in o ? o.scale : undefined,
      };
      const { out, cache } = attentionForward(q, k, v, opts);
      const dout = rng.randn(out.rows, out.cols);
      const g = attentionBackward(dout, cache);
      const f = () => attentionForward(q, k, v, opts).out;
      expect(relError(numericalGradientArray(f, q, dout), g.dq)).toBeLessThan(1e-7);
      expect(relError(numericalGradientArray(f, k, dout), g.dk)).toBeLessThan(1e-7);
      expect(relError(numericalGradientArray(f, v, dout), g.dv)).toBeLessThan(1e-7);
      // dscores: the gradient with respect to the scores, perturbed through softmax(masked)·V
      const scores = attentionForward(q, k, v, opts).scores;
      const blocked = (i: number, j: number) =>
        (opts.mask !== undefined && !opts.mask[i][j]) || (opts.isCausal && j > i);
      const fromScores = () => {
        const masked = scores.map((x, i, j) => (blocked(i, j) ? -1e300 : x));
        const a = softmaxForward(masked).out;
        const o2 = new Matrix(a.rows, v.cols);
        for (let i = 0; i < a.rows; i++) {
          for (let c = 0; c < v.cols; c++) {
            let t = 0;
            for (let j = 0; j < a.cols; j++) t += a.get(i, j) * v.get(j, c);
            o2.set(i, c, t);
          }
        }
        return o2;
      };
      expect(relError(numericalGradientArray(fromScores, scores, dout), g.dscores)).toBeLessThan(
        1e-7,
      );
    });
  }

  it("a wrong gradient fails the check (the check can fail)", () => {
    const rng = new Random(9);
    const q = rng.randn(3, 4), k = rng.randn(5, 4), v = rng.randn(5, 2);
    const { cache } = attentionForward(q, k, v);
    const dout = rng.randn(3, 2);
    const wrong = attentionBackward(dout, cache).dq.map((g) => g * Math.sqrt(4)); // no 1/√d
    const f = () => attentionForward(q, k, v).out;
    expect(relError(numericalGradientArray(f, q, dout), wrong)).toBeGreaterThan(1e-2);
  });

  it("rejects bad input with messages naming attention", () => {
    const q = Matrix.zeros(2, 3), k = Matrix.zeros(4, 3), v = Matrix.zeros(4, 2);
    expect(() => attentionForward(q, Matrix.zeros(4, 2), v)).toThrow(ShapeError);
    expect(() => attentionForward(q, Matrix.zeros(4, 2), v)).toThrow(
      "attentionForward: queries Q 2×3 and keys K 4×2 must have the same width",
    );
    expect(() => attentionForward(q, k, Matrix.zeros(3, 2))).toThrow(
      "attentionForward: keys K 4×3 and values V 3×2 must have the same number of rows",
    );
    expect(() => attentionForward(q, k, v, { mask: [[true, true, true, true]] })).toThrow(
      /^attentionForward: mask must be 2×4/,
    );
    expect(() =>
      attentionForward(q, k, v, { mask: [[true, true, true, true], [false, false, false, false]] })
    )
      .toThrow("attentionForward: mask row 1 blocks every key (softmax would be 0/0)");
    expect(() =>
      attentionForward(q, k, v, {
        mask: [[false, true, true, true], [true, true, true, true]],
        isCausal: true,
      })
    ).toThrow("attentionForward: mask row 0 blocks every key (softmax would be 0/0)");
    expect(() => attentionForward(q, k, v, { scale: 0 })).toThrow(
      "attentionForward: scale must be a finite positive number, got 0",
    );
    expect(() => attentionForward(Matrix.zeros(0, 3), k, v)).toThrow(
      /^attentionForward: no queries/,
    );
    expect(() => attentionForward(q, k, Matrix.filled(4, 2, NaN))).toThrow(NonFiniteError);
    const { cache } = attentionForward(q, k, v);
    expect(() => attentionBackward(Matrix.zeros(2, 3), cache)).toThrow(
      "attentionBackward: dout is 2×3 but the output was 2×2",
    );
  });
});

describe("rowEntropy", () => {
  it("is ln M for a uniform row, 0 for a one-hot row, and −Σ p ln p otherwise", () => {
    const h = rowEntropy(Matrix.from([[0.25, 0.25, 0.25, 0.25], [0, 1, 0, 0], [0.5, 0.5, 0, 0]]));
    expectClose(h, [Math.log(4), 0, Math.log(2)]);
    const p = [0.1, 0.2, 0.7];
    expectClose(rowEntropy(Matrix.from([p])), [-p.reduce((s, v) => s + v * Math.log(v), 0)]);
  });
  it("rejects rows that are not distributions", () => {
    expect(() => rowEntropy(Matrix.from([[0.5, 0.6]]))).toThrow(
      "rowEntropy: row 0 sums to 1.1, not 1",
    );
    expect(() => rowEntropy(Matrix.from([[1.5, -0.5]]))).toThrow(
      "rowEntropy: row 0 has a negative entry -0.5",
    );
  });
});
