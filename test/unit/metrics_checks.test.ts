/**
 * The `metrics` exercise's checks: the solution passes every check; each known mistake,
 * written as a learner would, fails the checks of its function and the feedback names it.
 */
import { describe, expect, it } from "vitest";
import { type Impl, moduleHarness } from "./_mistakes.ts";
import { said } from "../checks/diagnose.ts";
import { checks, foldProblem, MISTAKES } from "../checks/metrics.ts";
import * as solution from "../../solutions/metrics.ts";

const { grade } = moduleHarness(checks());

const base = solution as unknown as Impl;

describe("metrics checks", () => {
  it("the solution passes every check", () => {
    expect([...grade(base)]).toEqual([]);
  });

  const cases: [string, Partial<Impl>, string, RegExp][] = [
    [
      "precision and recall swapped",
      { precisionRecallF1: MISTAKES.swapped },
      "precisionRecallF1",
      /swapped/,
    ],
    [
      "0/0 left as NaN",
      { precisionRecallF1: MISTAKES.nanOnZeroDivision },
      "precisionRecallF1",
      /NaN where a class was never predicted/,
    ],
    [
      "micro where macro is asked",
      { macroScores: MISTAKES.microForMacro },
      "macroScores",
      /micro averages/,
    ],
    [
      "F1 of the macro P and R",
      { macroScores: MISTAKES.f1OfMeans },
      "macroScores",
      /harmonic mean of the macro precision and recall/,
    ],
    [
      "plain k-fold",
      { stratifiedKFold: MISTAKES.notStratified },
      "stratifiedKFold",
      /plain k-fold|not stratified/,
    ],
    [
      "a sample in two folds",
      { stratifiedKFold: MISTAKES.sampleInTwoFolds },
      "stratifiedKFold",
      /is in two folds/,
    ],
    [
      "classes in sorted order",
      { stratifiedKFold: MISTAKES.sortedClasses },
      "stratifiedKFold",
      /sorted order/,
    ],
    [
      "round-robin within a class",
      { stratifiedKFold: MISTAKES.roundRobin },
      "stratifiedKFold",
      /one example at a time/,
    ],
  ];
  for (const [name, patch, fn, said] of cases) {
    it(`${name}: fails ${fn}'s checks and is named`, () => {
      const failed = grade({ ...base, ...patch } as Impl);
      expect(failed.size).toBeGreaterThan(0);
      for (const [check, message] of failed) {
        expect(check.startsWith(fn)).toBe(true);
        expect(message).toMatch(said);
      }
    });
  }

  it("a macro average that is NaN (through a NaN per-class score) is named", () => {
    const failed = grade({
      ...base,
      macroScores: (yTrue: number[], yPred: number[], n: number) => {
        const s = MISTAKES.nanOnZeroDivision(yTrue, yPred, n);
        const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / n;
        return { precision: mean(s.precision), recall: mean(s.recall), f1: mean(s.f1) };
      },
    } as unknown as Impl);
    expect(failed.size).toBeGreaterThan(0);
    for (const message of failed.values()) expect(message).toMatch(/NaN/);
  });

  it("folds that miss a sample or are out of order are named", () => {
    const y = [0, 0, 0, 1, 1, 1];
    expect(said(foldProblem([[0, 3], [1, 4]], y, 2))).toMatch(/sample 2 is in no fold/);
    expect(said(foldProblem([[3, 0, 4], [1, 2, 5]], y, 2))).toMatch(/not in increasing order/);
    expect(said(foldProblem([[0, 9], [1, 2, 3, 4, 5]], y, 2))).toMatch(/not an index of y/);
    expect(said(foldProblem([[0, 1, 2], [3, 4, 5]], y, 2))).toMatch(/plain k-fold/);
  });
});
