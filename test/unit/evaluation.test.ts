/**
 * lib/train/classification.ts, roc.ts, significance.ts and lib/data/folds.ts against
 * scikit-learn 1.2 and scipy (test/reference/gen_evaluation.py → evaluation.json), plus the
 * properties the reference cannot show (errors, shuffled folds, the bootstrap).
 */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { confusionMatrix, precisionRecallFscore } from "../../lib/train/classification.ts";
import { rocAucScore, rocCurve, trapezoidArea } from "../../lib/train/roc.ts";
import {
  bootstrapInterval,
  pairedTTest,
  quantile,
  studentTCdf,
} from "../../lib/train/significance.ts";
import { kFold, leaveOneOut, stratifiedKFold } from "../../lib/data/folds.ts";
import reference from "../reference/evaluation.json" with { type: "json" };
import { expectClose } from "./_compare.ts";

type Scores = { precision: number[]; recall: number[]; f: number[]; support: number[] | null };
type PrfCase = Record<string, unknown> & {
  name: string;
  y_true: number[];
  y_pred: number[];
  labels?: number[];
  confusion: number[][];
};

describe("precisionRecallFscore and confusionMatrix (scikit-learn)", () => {
  for (const c of reference.prf as PrfCase[]) {
    it(`${c.name}: every average, zero_division 0 and 1, β 1 and 2`, () => {
      const labels = c.labels ? { labels: c.labels } : {};
      expect(confusionMatrix(c.y_true, c.y_pred, labels)).toEqual(c.confusion);
      for (const zd of [0, 1] as const) {
        for (const beta of [1, 2]) {
          for (const average of [undefined, "macro", "micro", "weighted"] as const) {
            const ref = c[`${average ?? "none"}_zd${zd}_beta${beta}`] as Scores;
            const o = { ...labels, zeroDivision: zd, beta };
            if (average === undefined) {
              const got = precisionRecallFscore(c.y_true, c.y_pred, o);
              expectClose(got.precision, ref.precision, 1e-12, 1e-15);
              expectClose(got.recall, ref.recall, 1e-12, 1e-15);
              expectClose(got.f, ref.f, 1e-12, 1e-15);
              expect(got.support).toEqual(ref.support);
            } else {
              const got = precisionRecallFscore(c.y_true, c.y_pred, { ...o, average });
              expectClose(
                [got.precision, got.recall, got.f],
                [ref.precision[0], ref.recall[0], ref.f[0]],
                1e-12,
                1e-15,
              );
            }
          }
        }
      }
    });
  }

  it("micro-averaged scores of single-label data are the accuracy", () => {
    const c = reference.prf[4] as PrfCase;
    const got = precisionRecallFscore(c.y_true, c.y_pred, { average: "micro" });
    const acc = c.y_true.filter((t, n) => t === c.y_pred[n]).length / c.y_true.length;
    expectClose([got.precision, got.recall, got.f], [acc, acc, acc], 1e-12, 0);
  });

  it("refuses bad input with a message naming it", () => {
    expect(() => precisionRecallFscore([0, 1], [0])).toThrow(/equal length/);
    expect(() => precisionRecallFscore([0, 1.5], [0, 1])).toThrow(/integers/);
    // @ts-expect-error: not an average
    expect(() => precisionRecallFscore([0], [0], { average: "binary" })).toThrow(/average/);
    // @ts-expect-error: not 0 or 1
    expect(() => precisionRecallFscore([0], [0], { zeroDivision: NaN })).toThrow(/zeroDivision/);
    expect(() => confusionMatrix([], [])).toThrow(/non-empty/);
  });
});

describe("rocCurve and rocAucScore (scikit-learn)", () => {
  for (const c of reference.roc) {
    it(`${c.name}: the points with and without intermediates, the thresholds, the AUC`, () => {
      for (const [key, drop] of [["drop", true], ["keep", false]] as const) {
        const got = rocCurve(c.y, c.score, { dropIntermediate: drop });
        expectClose(got.fpr, c[key].fpr, 1e-12, 1e-15);
        expectClose(got.tpr, c[key].tpr, 1e-12, 1e-15);
        expectClose(got.thresholds, c[key].thresholds, 1e-12, 1e-15);
      }
      expect(rocAucScore(c.y, c.score)).toBeCloseTo(c.auc, 12);
    });
  }

  it("ties count one half: the AUC is the Mann–Whitney probability", () => {
    const c = reference.roc[3];
    const pos = c.score.filter((_, i) => c.y[i] === 1),
      neg = c.score.filter((_, i) => c.y[i] === 0);
    let wins = 0;
    for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
    expect(rocAucScore(c.y, c.score)).toBeCloseTo(wins / (pos.length * neg.length), 12);
    expect(rocAucScore([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it("one-vs-rest over the columns of a probability matrix, macro and weighted", () => {
    const { y, probs, macro, weighted } = reference.roc_ovr;
    const m = Matrix.from(probs);
    expect(rocAucScore(y, m)).toBeCloseTo(macro, 12);
    expect(rocAucScore(y, m, { average: "weighted" })).toBeCloseTo(weighted, 12);
  });

  it("needs both classes, finite scores and labels in {0, 1}", () => {
    expect(() => rocCurve([1, 1], [0.2, 0.3])).toThrow(/no negatives/);
    expect(() => rocCurve([0, 2], [0.2, 0.3])).toThrow(/0 \(negative\) or 1/);
    expect(() => rocCurve([0, 1], [NaN, 0.3])).toThrow(/finite/);
    expect(trapezoidArea([0, 1], [0, 1])).toBe(0.5);
  });
});

describe("kFold, stratifiedKFold, leaveOneOut (scikit-learn, unshuffled)", () => {
  for (const c of reference.folds) {
    it(`${c.y.length} labels, k = ${c.k}: the same test folds`, () => {
      expect(kFold(c.y.length, c.k).map((f) => f.test)).toEqual(c.kfold);
      expect(stratifiedKFold(c.y, c.k).map((f) => f.test)).toEqual(c.stratified);
    });
  }

  it("leave-one-out trains on all but one", () => {
    expect(leaveOneOut(4).map((f) => [f.train, f.test])).toEqual(reference.loo);
  });

  it("shuffled folds still partition the data and keep each class's share", () => {
    const y = reference.folds[4].y;
    for (
      const folds of [
        kFold(y.length, 10, { shuffle: true, seed: 3 }),
        stratifiedKFold(y, 10, { shuffle: true, seed: 3 }),
      ]
    ) {
      const tests = folds.flatMap((f) => f.test).sort((a, b) => a - b);
      expect(tests).toEqual(y.map((_, i) => i));
      for (const f of folds) {
        expect([...f.train, ...f.test].sort((a, b) => a - b)).toEqual(tests);
      }
    }
    const strat = stratifiedKFold(y, 10, { shuffle: true, seed: 3 });
    const unshuffled = stratifiedKFold(y, 10);
    expect(strat.map((f) => f.test)).not.toEqual(unshuffled.map((f) => f.test));
    for (const c of new Set(y)) {
      const counts = strat.map((f) => f.test.filter((i) => y[i] === c).length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it("refuses k < 2, k > n, and k larger than every class", () => {
    expect(() => kFold(5, 1)).toThrow(/k must be an integer ≥ 2/);
    expect(() => kFold(3, 4)).toThrow(/4 folds for only 3/);
    expect(() => stratifiedKFold([0, 0, 1, 1, 2], 3)).toThrow(/every class/);
    expect(() => leaveOneOut(1)).toThrow(/≥ 2/);
  });
});

describe("pairedTTest, studentTCdf (scipy), bootstrapInterval", () => {
  it("Student's t CDF matches scipy.stats.t.cdf", () => {
    for (const { t, df, cdf } of reference.tcdf) expect(studentTCdf(t, df)).toBeCloseTo(cdf, 12);
  });

  it("the paired t-test matches scipy.stats.ttest_rel", () => {
    const { a, b, t, p } = reference.ttest;
    const got = pairedTTest(a, b);
    expect(got.t).toBeCloseTo(t, 10);
    expect(got.p).toBeCloseTo(p, 12);
    expect(got.df).toBe(a.length - 1);
    expect(() => pairedTTest([1], [2])).toThrow(/≥ 2/);
  });

  it("a paired bootstrap: the interval holds the estimate, is repeatable, and shrinks to 0 for twins", () => {
    const a = Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? 0 : 1));
    const b = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 0 : 1));
    const diff = (x: number[], y: number[]) => (idx: readonly number[]) =>
      idx.reduce((s, i) => s + x[i] - y[i], 0) / idx.length;
    const r = bootstrapInterval(400, diff(a, b), { seed: 1 });
    expect(r.estimate).toBeCloseTo(0.05, 12);
    expect(r.low).toBeLessThan(r.estimate);
    expect(r.high).toBeGreaterThan(r.estimate);
    expect(bootstrapInterval(400, diff(a, b), { seed: 1 })).toEqual(r);
    const twins = bootstrapInterval(400, diff(a, a), { resamples: 200 });
    expect([twins.low, twins.high]).toEqual([0, 0]);
    // the 95% interval is about ±2 standard errors of the paired difference
    const d = a.map((v, i) => v - b[i]), m = d.reduce((s, v) => s + v, 0) / d.length;
    const se = Math.sqrt(d.reduce((s, v) => s + (v - m) ** 2, 0) / d.length / d.length);
    expect(Math.abs((r.high - r.low) / (2 * 1.96 * se) - 1)).toBeLessThan(0.15);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
});
