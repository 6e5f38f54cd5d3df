import { describe, expect, it } from "vitest";
import {
  binaryHinge,
  l1Penalty,
  l2Penalty,
  mse,
  multiMarginLoss,
  pairwiseHinge,
  softmaxCrossEntropy,
} from "../../lib/nn/losses.ts";
import { Matrix, NonFiniteError, ShapeError } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/activations_losses.json" with { type: "json" };

function randomMatrix(rng: Random, rows: number, cols: number, std = 1): Matrix {
  return new Matrix(rows, cols).map(() => rng.normal(0, std));
}

type Reduction = "mean" | "sum";

describe("softmaxCrossEntropy", () => {
  for (const c of ref.softmaxCrossEntropy) {
    it(`matches F.cross_entropy: ${c.name}`, () => {
      const reduction = c.reduction as Reduction;
      const { loss, grad } = softmaxCrossEntropy(Matrix.from(c.scores), c.labels, { reduction });
      expectClose(loss, c.loss);
      expectClose(grad, c.grad);
    });
  }

  it("stays finite for logits of 1e4 and their gradient rows sum to 0", () => {
    const scores = Matrix.from([[1e4, -1e4, 5e3], [2e4, 2e4, 2e4]]);
    const { loss, grad: dscores } = softmaxCrossEntropy(scores, [1, 0]);
    expectClose(loss, (2e4 + Math.log(3)) / 2, 1e-14);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(dscores.row(i).reduce((a, b) => a + b, 0))).toBeLessThan(1e-16);
    }
  });

  it("passes a numerical gradient check", () => {
    const rng = new Random(1);
    const scores = randomMatrix(rng, 6, 5, 2);
    const labels = [0, 4, 2, 2, 1, 3];
    const { grad: dscores } = softmaxCrossEntropy(scores, labels);
    const numeric = numericalGradient(() => softmaxCrossEntropy(scores, labels).loss, scores);
    expect(relError(dscores, numeric)).toBeLessThan(1e-7);
  });
});

describe("multiMarginLoss", () => {
  for (const c of ref.multiMarginLoss) {
    it(`matches F.multi_margin_loss: ${c.name}`, () => {
      const { loss, grad } = multiMarginLoss(Matrix.from(c.scores), c.labels, {
        margin: c.margin,
        p: c.p as 1 | 2,
        reduction: c.reduction as Reduction,
      });
      expectClose(loss, c.loss);
      expectClose(grad, c.grad);
    });
  }

  it("gives no gradient to a term exactly at the margin (as torch)", () => {
    // margin − x_y + x_1 = 1 − 1 + 0 = 0: inactive; the term for class 2 is active.
    const { loss, grad: dscores } = multiMarginLoss(Matrix.from([[1, 0, 2]]), [0]);
    expectClose(loss, 2 / 3);
    expect(dscores.toArray()).toEqual([[-1 / 3, 0, 1 / 3]]);
  });

  for (const p of [1, 2] as const) {
    it(`passes a numerical gradient check, p = ${p}, away from the kinks`, () => {
      const rng = new Random(10 + p);
      const scores = randomMatrix(rng, 5, 4, 1.5);
      const labels = [3, 0, 1, 2, 1];
      const margin = 0.7;
      // The check is only meaningful if no term sits within h of its kink.
      let closest = Infinity;
      labels.forEach((y, i) => {
        for (let j = 0; j < 4; j++) {
          if (j !== y) {
            closest = Math.min(closest, Math.abs(margin - scores.get(i, y) + scores.get(i, j)));
          }
        }
      });
      expect(closest).toBeGreaterThan(1e-3);
      const { loss, grad: dscores } = multiMarginLoss(scores, labels, { margin, p });
      expect(loss).toBeGreaterThan(0);
      const numeric = numericalGradient(
        () => multiMarginLoss(scores, labels, { margin, p }).loss,
        scores,
      );
      expect(relError(dscores, numeric)).toBeLessThan(1e-7);
    });
  }
});

describe("pairwiseHinge (the notes' max-margin objective)", () => {
  for (const c of ref.pairwiseHinge) {
    it(`matches torch autograd of relu(Δ − s_true + s_corrupt): ${c.name}`, () => {
      const o = { margin: c.margin, reduction: c.reduction as Reduction };
      const { loss, grad } = pairwiseHinge(Matrix.from(c.scores), o);
      expectClose(loss, c.loss);
      expectClose(grad, c.grad);
    });
  }

  it("erratum 4: raising the true window's score lowers J (∂J/∂s_true = −1)", () => {
    const before = pairwiseHinge(Matrix.from([[0.2, 0.5]]));
    const after = pairwiseHinge(Matrix.from([[0.7, 0.5]]));
    expect(after.loss).toBeLessThan(before.loss);
    expect(before.grad.toArray()).toEqual([[-1, 1]]);
    // Once the true window wins by Δ, nothing is learned from the pair.
    expect(pairwiseHinge(Matrix.from([[2, 0.5]])).loss).toBe(0);
  });

  it("a pair exactly at the margin is inactive (strict > 0, as relu and MultiMarginLoss)", () => {
    const { loss, grad } = pairwiseHinge(Matrix.from([[1.5, 0.5], [0.25, 0.5]]));
    expect(loss).toBe(1.25 / 2);
    expect(grad.toArray()).toEqual([[0, 0], [-0.5, 0.5]]);
  });

  it("passes a numerical gradient check away from the kink", () => {
    const rng = new Random(3);
    const scores = randomMatrix(rng, 8, 2);
    for (let i = 0; i < 8; i++) {
      expect(Math.abs(0.8 - scores.get(i, 0) + scores.get(i, 1))).toBeGreaterThan(1e-3);
    }
    const f = () => pairwiseHinge(scores, { margin: 0.8 }).loss;
    const { grad } = pairwiseHinge(scores, { margin: 0.8 });
    expect(relError(grad, numericalGradient(f, scores))).toBeLessThan(1e-7);
  });
});

describe("binaryHinge", () => {
  for (const c of ref.binaryHinge) {
    it(`matches torch autograd of relu(margin − y·s).mean(): ${c.name}`, () => {
      const { loss, grad } = binaryHinge(Matrix.from(c.scores), c.labels, { margin: c.margin });
      expectClose(loss, c.loss);
      expectClose(grad, c.grad);
    });
  }

  it("passes a numerical gradient check away from the margin", () => {
    const s = Matrix.column([0.3, -2.1, 1.7, 0.05, -0.4, 2.5]);
    const y = [1, -1, -1, 1, 1, 1];
    const f = () => binaryHinge(s, y).loss;
    expect(relError(binaryHinge(s, y).grad, numericalGradient(f, s))).toBeLessThan(1e-7);
  });
});

describe("mse", () => {
  for (const c of ref.mse) {
    it(`matches F.mse_loss: ${c.name}`, () => {
      const o = { reduction: c.reduction as Reduction };
      const { loss, grad } = mse(Matrix.from(c.scores), Matrix.from(c.targets), o);
      expectClose(loss, c.loss);
      expectClose(grad, c.grad);
    });
  }

  it("passes a numerical gradient check", () => {
    const rng = new Random(4);
    const pred = randomMatrix(rng, 3, 4), target = randomMatrix(rng, 3, 4);
    const { grad } = mse(pred, target);
    expect(relError(grad, numericalGradient(() => mse(pred, target).loss, pred)))
      .toBeLessThan(1e-7);
  });
});

describe("every reduction is PyTorch's", () => {
  it('"sum" is N times "mean" for the per-example losses, loss and grad alike', () => {
    const rng = new Random(6);
    const scores = randomMatrix(rng, 5, 3), labels = [0, 2, 1, 1, 0];
    for (const f of [softmaxCrossEntropy, multiMarginLoss]) {
      const m = f(scores, labels), s = f(scores, labels, { reduction: "sum" });
      expectClose(s.loss, 5 * m.loss, 1e-14);
      expectClose(s.grad, m.grad.map((v) => 5 * v), 1e-14);
    }
  });

  it("refuses any other reduction, naming it", () => {
    const bad = { reduction: "none" as Reduction };
    expect(() => softmaxCrossEntropy(Matrix.from([[1, 2]]), [0], bad)).toThrow(
      'softmaxCrossEntropy: reduction must be "mean" or "sum", got none',
    );
    expect(() => mse(Matrix.from([[1]]), Matrix.from([[2]]), bad)).toThrow(/^mse: reduction/);
  });
});

describe("l1Penalty and l2Penalty", () => {
  for (const c of ref.penalties) {
    it(`match λ·Σ|w| and (λ/2)·Σw² with torch autograd: ${c.name}`, () => {
      const w = Matrix.from(c.w);
      const l1 = l1Penalty(w, { lambda: c.lambda }), l2 = l2Penalty(w, { lambda: c.lambda });
      expectClose(l1.loss, c.l1);
      expectClose(l1.grad, c.dl1);
      expectClose(l2.loss, c.l2);
      expectClose(l2.grad, c.dl2);
    });
  }

  it("L1 gives sign(0) = 0 at a zero weight", () => {
    const { grad } = l1Penalty(Matrix.from([[0, 2, -3]]), { lambda: 0.5 });
    expect(Array.from(grad.data)).toEqual([0, 0.5, -0.5]);
  });

  it("L2 adds λ·w to the gradient, the term of an optimiser's weightDecay = λ", () => {
    const w = Matrix.from([[0.5, -2]]);
    expect(l2Penalty(w, { lambda: 0.1 }).grad.toArray()).toEqual([[0.05, -0.2]]);
    expectClose(l2Penalty(w, { lambda: 0.1 }).loss, 0.05 * (0.25 + 4), 1e-15);
  });

  it("pass numerical gradient checks (L1 away from 0)", () => {
    const rng = new Random(5);
    const w = randomMatrix(rng, 4, 3).map((v) => (Math.abs(v) < 1e-2 ? v + 0.1 : v));
    for (const pen of [l1Penalty, l2Penalty]) {
      const o = { lambda: 0.3 };
      expect(relError(pen(w, o).grad, numericalGradient(() => pen(w, o).loss, w)))
        .toBeLessThan(1e-7);
    }
  });
});

describe("bad input names the operation", () => {
  const scores = Matrix.from([[0.1, 0.2, 0.3], [1, 2, 3]]);
  const classifiers = [
    ["softmaxCrossEntropy", (s: Matrix, y: number[]) => softmaxCrossEntropy(s, y)],
    ["multiMarginLoss", (s: Matrix, y: number[]) => multiMarginLoss(s, y)],
  ] as const;

  for (const [name, loss] of classifiers) {
    it(`${name}: label out of range or not an integer`, () => {
      expect(() => loss(scores, [0, 3])).toThrow(RangeError);
      expect(() => loss(scores, [0, 3])).toThrow(
        `${name}: label 1 is 3, must be an integer class index in [0, 2]`,
      );
      expect(() => loss(scores, [-1, 0])).toThrow(new RegExp(`^${name}: label 0 is -1`));
      expect(() => loss(scores, [0.5, 0])).toThrow(new RegExp(`^${name}: label 0 is 0.5`));
    });

    it(`${name}: wrong label count, empty batch, no classes`, () => {
      expect(() => loss(scores, [0])).toThrow(ShapeError);
      expect(() => loss(scores, [0])).toThrow(`${name}: 1 labels for 2 rows of scores (2×3)`);
      expect(() => loss(new Matrix(0, 3), [])).toThrow(`${name}: empty batch`);
      expect(() => loss(new Matrix(2, 0), [0, 0])).toThrow(`${name}: scores have no classes`);
    });

    it(`${name}: NaN or Infinity in scores`, () => {
      expect(() => loss(Matrix.from([[0, NaN, 1]]), [0])).toThrow(NonFiniteError);
      expect(() => loss(Matrix.from([[0, NaN, 1]]), [0])).toThrow(`${name}: entry (0, 1) is NaN`);
      expect(() => loss(Matrix.from([[Infinity, 0, 1]]), [0])).toThrow(new RegExp(`^${name}:`));
    });
  }

  it("multiMarginLoss: p and margin out of range", () => {
    expect(() => multiMarginLoss(scores, [0, 1], { p: 3 as 1 })).toThrow(
      "multiMarginLoss: p must be 1 or 2, got 3",
    );
    expect(() => multiMarginLoss(scores, [0, 1], { margin: -1 })).toThrow(RangeError);
    expect(() => multiMarginLoss(scores, [0, 1], { margin: NaN })).toThrow(
      /^multiMarginLoss: margin/,
    );
  });

  it("pairwiseHinge: shape, empty batch, NaN, margin", () => {
    expect(() => pairwiseHinge(new Matrix(2, 3))).toThrow(ShapeError);
    expect(() => pairwiseHinge(new Matrix(2, 3))).toThrow(
      "pairwiseHinge: scores must be N×2 (s_true, s_corrupt per row), got 2×3",
    );
    expect(() => pairwiseHinge(new Matrix(0, 2))).toThrow("pairwiseHinge: empty batch");
    expect(() => pairwiseHinge(Matrix.from([[1, NaN]]))).toThrow(NonFiniteError);
    expect(() => pairwiseHinge(Matrix.from([[1, NaN]]))).toThrow(
      "pairwiseHinge: entry (0, 1) is NaN",
    );
    expect(() => pairwiseHinge(Matrix.from([[1, 0]]), { margin: -0.5 })).toThrow(
      /^pairwiseHinge: margin must be/,
    );
  });

  it("binaryHinge: labels must be ±1, counts must match", () => {
    const two = Matrix.column([0.5, 1]);
    expect(() => binaryHinge(two, [1, 0])).toThrow(RangeError);
    expect(() => binaryHinge(two, [1, 0])).toThrow("binaryHinge: label 1 is 0, must be +1 or -1");
    expect(() => binaryHinge(Matrix.column([0.5]), [1, -1])).toThrow(
      "binaryHinge: 2 labels for 1 scores",
    );
    expect(() => binaryHinge(new Matrix(0, 1), [])).toThrow("binaryHinge: empty batch");
    expect(() => binaryHinge(Matrix.column([Infinity]), [1])).toThrow(
      "binaryHinge: entry (0, 0) is Infinity",
    );
  });

  it("mse: shapes, empty, NaN", () => {
    expect(() => mse(new Matrix(2, 3), new Matrix(3, 2))).toThrow(
      "mse: scores are 2×3 but targets are 3×2",
    );
    expect(() => mse(new Matrix(0, 3), new Matrix(0, 3))).toThrow("mse: empty batch");
    expect(() => mse(Matrix.from([[1, 2]]), Matrix.from([[NaN, 2]]))).toThrow(
      "mse (targets): entry (0, 0) is NaN",
    );
  });

  it("penalties: lambda out of range, NaN weights", () => {
    expect(() => l1Penalty(new Matrix(1, 2), { lambda: -1 })).toThrow(
      "l1Penalty: lambda must be a finite number ≥ 0, got -1",
    );
    expect(() => l2Penalty(new Matrix(1, 2), { lambda: Infinity })).toThrow(RangeError);
    expect(() => l2Penalty(Matrix.from([[NaN]]), { lambda: 1 })).toThrow(
      "l2Penalty: entry (0, 0) is NaN",
    );
  });
});
