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

/** Wraps a number[] function so numericalGradient can perturb it through a 1×n matrix. */
function asRow(values: number[]): Matrix {
  return new Matrix(1, values.length, Float64Array.from(values));
}

describe("softmaxCrossEntropy", () => {
  for (const c of ref.softmaxCrossEntropy) {
    it(`matches F.cross_entropy: ${c.name}`, () => {
      const { loss, dscores } = softmaxCrossEntropy(Matrix.from(c.scores), c.labels);
      expectClose(loss, c.loss);
      expectClose(dscores, c.dscores);
    });
  }

  it("stays finite for logits of 1e4 and their gradient rows sum to 0", () => {
    const scores = Matrix.from([[1e4, -1e4, 5e3], [2e4, 2e4, 2e4]]);
    const { loss, dscores } = softmaxCrossEntropy(scores, [1, 0]);
    expectClose(loss, (2e4 + Math.log(3)) / 2, 1e-14);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(dscores.row(i).reduce((a, b) => a + b, 0))).toBeLessThan(1e-16);
    }
  });

  it("passes a numerical gradient check", () => {
    const rng = new Random(1);
    const scores = randomMatrix(rng, 6, 5, 2);
    const labels = [0, 4, 2, 2, 1, 3];
    const { dscores } = softmaxCrossEntropy(scores, labels);
    const numeric = numericalGradient(() => softmaxCrossEntropy(scores, labels).loss, scores);
    expect(relError(dscores, numeric)).toBeLessThan(1e-7);
  });
});

describe("multiMarginLoss", () => {
  for (const c of ref.multiMarginLoss) {
    it(`matches F.multi_margin_loss: ${c.name}`, () => {
      const { loss, dscores } = multiMarginLoss(
        Matrix.from(c.scores),
        c.labels,
        c.margin,
        c.p as 1 | 2,
      );
      expectClose(loss, c.loss);
      expectClose(dscores, c.dscores);
    });
  }

  it("gives no gradient to a term exactly at the margin (as torch)", () => {
    // margin − x_y + x_1 = 1 − 1 + 0 = 0: inactive; the term for class 2 is active.
    const { loss, dscores } = multiMarginLoss(Matrix.from([[1, 0, 2]]), [0]);
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
      const { loss, dscores } = multiMarginLoss(scores, labels, margin, p);
      expect(loss).toBeGreaterThan(0);
      const numeric = numericalGradient(
        () => multiMarginLoss(scores, labels, margin, p).loss,
        scores,
      );
      expect(relError(dscores, numeric)).toBeLessThan(1e-7);
    });
  }
});

describe("pairwiseHinge (the notes' max-margin objective)", () => {
  for (const c of ref.pairwiseHinge) {
    it(`matches torch autograd of clamp(Δ − s_true + s_corrupt, min=0).mean(): ${c.name}`, () => {
      const { loss, dsTrue, dsCorrupt } = pairwiseHinge(c.sTrue, c.sCorrupt, c.delta);
      expectClose(loss, c.loss);
      expectClose(dsTrue, c.dsTrue);
      expectClose(dsCorrupt, c.dsCorrupt);
    });
  }

  it("erratum 4: raising the true window's score lowers J (∂J/∂s_true = −1)", () => {
    const before = pairwiseHinge([0.2], [0.5]);
    const after = pairwiseHinge([0.7], [0.5]);
    expect(after.loss).toBeLessThan(before.loss);
    expect(before.dsTrue).toEqual([-1]);
    expect(before.dsCorrupt).toEqual([1]);
    // Once the true window wins by Δ, nothing is learned from the pair.
    expect(pairwiseHinge([2], [0.5]).loss).toBe(0);
  });

  it("passes a numerical gradient check away from the kink", () => {
    const rng = new Random(3);
    const st = asRow(Array.from({ length: 8 }, () => rng.normal()));
    const sc = asRow(Array.from({ length: 8 }, () => rng.normal()));
    const f = () => pairwiseHinge(Array.from(st.data), Array.from(sc.data), 0.8).loss;
    for (let i = 0; i < 8; i++) {
      expect(Math.abs(0.8 - st.data[i] + sc.data[i])).toBeGreaterThan(1e-3);
    }
    const { dsTrue, dsCorrupt } = pairwiseHinge(Array.from(st.data), Array.from(sc.data), 0.8);
    expect(relError(asRow(dsTrue), numericalGradient(f, st))).toBeLessThan(1e-7);
    expect(relError(asRow(dsCorrupt), numericalGradient(f, sc))).toBeLessThan(1e-7);
  });
});

describe("binaryHinge", () => {
  for (const c of ref.binaryHinge) {
    it(`matches torch autograd of clamp(1 − y·s, min=0).mean(): ${c.name}`, () => {
      const { loss, dscores } = binaryHinge(c.scores, c.labels);
      expectClose(loss, c.loss);
      expectClose(dscores, c.dscores);
    });
  }

  it("passes a numerical gradient check away from the margin", () => {
    const s = asRow([0.3, -2.1, 1.7, 0.05, -0.4, 2.5]);
    const y = [1, -1, -1, 1, 1, 1];
    const f = () => binaryHinge(Array.from(s.data), y).loss;
    const { dscores } = binaryHinge(Array.from(s.data), y);
    expect(relError(asRow(dscores), numericalGradient(f, s))).toBeLessThan(1e-7);
  });
});

describe("mse", () => {
  for (const c of ref.mse) {
    it(`matches F.mse_loss: ${c.name}`, () => {
      const { loss, dpred } = mse(Matrix.from(c.pred), Matrix.from(c.target));
      expectClose(loss, c.loss);
      expectClose(dpred, c.dpred);
    });
  }

  it("passes a numerical gradient check", () => {
    const rng = new Random(4);
    const pred = randomMatrix(rng, 3, 4), target = randomMatrix(rng, 3, 4);
    const { dpred } = mse(pred, target);
    expect(relError(dpred, numericalGradient(() => mse(pred, target).loss, pred)))
      .toBeLessThan(1e-7);
  });
});

describe("l1Penalty and l2Penalty", () => {
  for (const c of ref.penalties) {
    it(`match λ·Σ|w| and λ·Σw² with torch autograd: ${c.name}`, () => {
      const w = Matrix.from(c.w);
      const l1 = l1Penalty(w, c.lambda), l2 = l2Penalty(w, c.lambda);
      expectClose(l1.loss, c.l1);
      expectClose(l1.dw, c.dl1);
      expectClose(l2.loss, c.l2);
      expectClose(l2.dw, c.dl2);
    });
  }

  it("L1 gives sign(0) = 0 at a zero weight", () => {
    expect(Array.from(l1Penalty(Matrix.from([[0, 2, -3]]), 0.5).dw.data)).toEqual([0, 0.5, -0.5]);
  });

  it("pass numerical gradient checks (L1 away from 0)", () => {
    const rng = new Random(5);
    const w = randomMatrix(rng, 4, 3).map((v) => (Math.abs(v) < 1e-2 ? v + 0.1 : v));
    expect(relError(l2Penalty(w, 0.3).dw, numericalGradient(() => l2Penalty(w, 0.3).loss, w)))
      .toBeLessThan(1e-7);
    expect(relError(l1Penalty(w, 0.3).dw, numericalGradient(() => l1Penalty(w, 0.3).loss, w)))
      .toBeLessThan(1e-7);
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
    expect(() => multiMarginLoss(scores, [0, 1], 1, 3 as 1)).toThrow(
      "multiMarginLoss: p must be 1 or 2, got 3",
    );
    expect(() => multiMarginLoss(scores, [0, 1], -1)).toThrow(RangeError);
    expect(() => multiMarginLoss(scores, [0, 1], NaN)).toThrow(/^multiMarginLoss: margin/);
  });

  it("pairwiseHinge: lengths, empty batch, NaN, delta", () => {
    expect(() => pairwiseHinge([1, 2], [1])).toThrow(ShapeError);
    expect(() => pairwiseHinge([1, 2], [1])).toThrow(
      "pairwiseHinge: 2 true scores but 1 corrupt scores",
    );
    expect(() => pairwiseHinge([], [])).toThrow("pairwiseHinge: empty batch");
    expect(() => pairwiseHinge([1, NaN], [0, 0])).toThrow(NonFiniteError);
    expect(() => pairwiseHinge([1, NaN], [0, 0])).toThrow("pairwiseHinge: sTrue[1] is NaN");
    expect(() => pairwiseHinge([1], [0], -0.5)).toThrow(/^pairwiseHinge: delta must be/);
  });

  it("binaryHinge: labels must be ±1, counts must match", () => {
    expect(() => binaryHinge([0.5, 1], [1, 0])).toThrow(RangeError);
    expect(() => binaryHinge([0.5, 1], [1, 0])).toThrow(
      "binaryHinge: label 1 is 0, must be +1 or -1",
    );
    expect(() => binaryHinge([0.5], [1, -1])).toThrow("binaryHinge: 2 labels for 1 scores");
    expect(() => binaryHinge([], [])).toThrow("binaryHinge: empty batch");
    expect(() => binaryHinge([Infinity], [1])).toThrow("binaryHinge: scores[0] is Infinity");
  });

  it("mse: shapes, empty, NaN", () => {
    expect(() => mse(new Matrix(2, 3), new Matrix(3, 2))).toThrow(
      "mse: pred is 2×3 but target is 3×2",
    );
    expect(() => mse(new Matrix(0, 3), new Matrix(0, 3))).toThrow("mse: empty batch");
    expect(() => mse(Matrix.from([[1, 2]]), Matrix.from([[NaN, 2]]))).toThrow(
      "mse (target): entry (0, 0) is NaN",
    );
  });

  it("penalties: lambda out of range, NaN weights", () => {
    expect(() => l1Penalty(new Matrix(1, 2), -1)).toThrow(
      "l1Penalty: lambda must be a finite non-negative number, got -1",
    );
    expect(() => l2Penalty(new Matrix(1, 2), Infinity)).toThrow(RangeError);
    expect(() => l2Penalty(Matrix.from([[NaN]]), 1)).toThrow("l2Penalty: entry (0, 0) is NaN");
  });
});
