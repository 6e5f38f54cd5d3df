import { describe, expect, it } from "vitest";
import {
  linearScores,
  marginObjective,
  marginSummary,
  pairGaps,
  trainLinearScorer,
} from "../../lib/nn/max_margin.ts";
import { Matrix, ShapeError } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/max_margin.json" with { type: "json" };

const row = (v: readonly number[]) => new Matrix(1, v.length, Float64Array.from(v));

describe("trainLinearScorer matches torch.optim.SGD on relu(Δ − s_true + s_corrupt) + (λ/2)‖w‖²", () => {
  for (const c of ref.train) {
    it(c.name, () => {
      const xt = Matrix.from(c.xTrue), xc = Matrix.from(c.xCorrupt), w0 = row(c.w0);
      const first = marginObjective(w0, xt, xc, { margin: c.margin, lambda: c.lambda });
      expectClose(first.grad, c.firstGrad);
      const { w, losses } = trainLinearScorer(xt, xc, {
        margin: c.margin,
        lr: c.lr,
        steps: c.steps,
        lambda: c.lambda,
        w0,
      });
      expectClose(losses, c.losses, 1e-8);
      expectClose(w, c.w, 1e-8);
      expectClose(w0, c.w0, 0, 0); // w0 is not modified
    });
  }

  it("the kink case really puts a pair exactly at the margin (inactive there)", () => {
    const c = ref.train[2];
    const gap = pairGaps(row(c.w0), Matrix.from(c.xTrue), Matrix.from(c.xCorrupt))[0];
    expect(gap).toBe(c.margin);
  });
});

describe("marginObjective", () => {
  it("passes a numerical gradient check away from the kinks", () => {
    const rng = new Random(12);
    const xt = rng.randn(9, 4), xc = rng.randn(9, 4), w = rng.randn(1, 4, 0.5);
    for (const z of pairGaps(w, xt, xc)) expect(Math.abs(1.3 - z)).toBeGreaterThan(1e-3);
    const o = { margin: 1.3, lambda: 0.02 };
    const { grad } = marginObjective(w, xt, xc, o);
    const numeric = numericalGradient(() => marginObjective(w, xt, xc, o).loss, w);
    expect(relError(grad, numeric)).toBeLessThan(1e-7);
  });

  it("is the mean hinge of the gaps plus (λ/2)‖w‖²", () => {
    const xt = Matrix.from([[1, 0], [0, 2]]), xc = Matrix.from([[0, 1], [1, 1]]);
    const w = row([0.5, 0.25]);
    // gaps: 0.5 − 0.25 = 0.25 and 0.5 − 0.75 = −0.25; hinge with Δ = 1: 0.75 and 1.25
    expectClose(pairGaps(w, xt, xc), [0.25, -0.25]);
    expectClose(linearScores(w, xt), [0.5, 0.5]);
    expectClose(
      marginObjective(w, xt, xc, { margin: 1, lambda: 0.1 }).loss,
      1 + 0.05 * (0.25 + 0.0625),
    );
  });
});

describe("what Δ does", () => {
  const rng = new Random(5);
  const xt = rng.randn(20, 3).map((v, _i, j) => v + (j === 0 ? 1.5 : 0));
  const xc = rng.randn(20, 3);

  it("without a penalty, margin Δ with step η is Δ × (margin 1 with step η/Δ)", () => {
    for (const delta of [0.5, 2, 3]) {
      const big = trainLinearScorer(xt, xc, { margin: delta, lr: 0.1, steps: 40 }).w;
      const unit = trainLinearScorer(xt, xc, { margin: 1, lr: 0.1 / delta, steps: 40 }).w;
      expectClose(big, unit.map((v) => delta * v), 1e-12, 1e-14);
    }
  });

  it("with Δ = 0 an L2 penalty keeps the scorer near zero; with Δ = 1 it does not", () => {
    const zero = trainLinearScorer(xt, xc, { margin: 0, lr: 0.1, steps: 300, lambda: 0.02 }).w;
    const one = trainLinearScorer(xt, xc, { margin: 1, lr: 0.1, steps: 300, lambda: 0.02 }).w;
    const norm = (w: Matrix) => Math.hypot(...w.data);
    expect(norm(zero)).toBeLessThan(0.1 * norm(one));
  });

  it("marginSummary reports norm, smallest gap, geometric margin and shares", () => {
    const w = row([3, 4]);
    const s = marginSummary(w, Matrix.from([[1, 0], [0, 1]]), Matrix.from([[0, 0], [0, 0]]), {
      margin: 3.5,
    });
    expect(s.norm).toBe(5);
    expect(s.minGap).toBe(3);
    expectClose(s.geometricMargin, 0.6);
    expect(s.ranked).toBe(1);
    expect(s.clearing).toBe(0.5);
  });
});

describe("bad input names the operation", () => {
  const xt = Matrix.from([[1, 2]]), xc = Matrix.from([[0, 1]]);
  it("shapes and empty batches", () => {
    expect(() => pairGaps(row([1, 2, 3]), xt, xc)).toThrow(ShapeError);
    expect(() => pairGaps(row([1, 2, 3]), xt, xc)).toThrow(/^pairGaps: w must be 1×2/);
    expect(() => marginObjective(row([1, 2]), xt, Matrix.from([[0, 1], [1, 1]]))).toThrow(
      /^pairScores: xTrue is 1×2 but xCorrupt is 2×2/,
    );
    expect(() => pairGaps(row([1, 2]), new Matrix(0, 2), new Matrix(0, 2))).toThrow(
      /^pairGaps: empty batch/,
    );
  });
  it("hyper-parameters out of range", () => {
    expect(() => trainLinearScorer(xt, xc, { margin: 1, lr: -1, steps: 3 })).toThrow(
      "trainLinearScorer: lr must be a finite positive number, got -1",
    );
    expect(() => trainLinearScorer(xt, xc, { margin: 1, lr: 0.1, steps: 1.5 })).toThrow(
      /^trainLinearScorer: steps/,
    );
    expect(() => trainLinearScorer(xt, xc, { margin: -1, lr: 0.1, steps: 2 })).toThrow(
      /^pairwiseHinge: margin/,
    );
  });
});
