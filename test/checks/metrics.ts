/**
 * Graded checks for exercises/metrics.ts. Reference values come from lib/
 * (`precisionRecallFscore` of lib/train/classification.ts and `stratifiedKFold` of
 * lib/data/folds.ts, both checked against scikit-learn); `diagnose` names the known mistakes,
 * each written out in {@link MISTAKES} (the unit test feeds every one through these checks).
 */

import { Random } from "../../lib/core/random.ts";
import { precisionRecallFscore } from "../../lib/train/classification.ts";
import { kFold, stratifiedKFold } from "../../lib/data/folds.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";
import { WHERE } from "../../grader/hints.ts";
import { compare } from "../../grader/compare.ts";

type PerClass = { precision: number[]; recall: number[]; f1: number[] };
type Macro = { precision: number; recall: number; f1: number };

const classes = (n: number) => Array.from({ length: n }, (_, c) => c);

/** The reference per-class scores, classes 0 … n − 1. */
function perClass(yTrue: number[], yPred: number[], n: number): PerClass {
  const s = precisionRecallFscore(yTrue, yPred, { labels: classes(n) });
  return { precision: s.precision, recall: s.recall, f1: s.f };
}

function macro(yTrue: number[], yPred: number[], n: number): Macro {
  const s = precisionRecallFscore(yTrue, yPred, { labels: classes(n), average: "macro" });
  return { precision: s.precision, recall: s.recall, f1: s.f };
}

function micro(yTrue: number[], yPred: number[], n: number): Macro {
  const s = precisionRecallFscore(yTrue, yPred, { labels: classes(n), average: "micro" });
  return { precision: s.precision, recall: s.recall, f1: s.f };
}

const testFolds = (y: number[], k: number) => stratifiedKFold(y, k).map((f) => f.test);

/** The docstring's rule with the classes taken in `order` (its step 1 decides the order). */
function dealt(y: number[], k: number, order: number[]): number[][] {
  const members = order.map((c) => y.flatMap((v, i) => (v === c ? [i] : [])));
  const count = Array.from({ length: k }, () => order.map(() => 0));
  let position = 0;
  members.forEach((m, c) => m.forEach(() => count[position++ % k][c]++));
  const folds: number[][] = Array.from({ length: k }, () => []);
  members.forEach((m, c) => {
    let j = 0;
    for (let f = 0; f < k; f++) for (let t = 0; t < count[f][c]; t++) folds[f].push(m[j++]);
  });
  return folds.map((f) => f.sort((a, b) => a - b));
}

/** The known mistakes, each as the wrong function a learner writes. */
export const MISTAKES = {
  swapped: (yTrue: number[], yPred: number[], n: number): PerClass => {
    const s = perClass(yTrue, yPred, n);
    return { precision: s.recall, recall: s.precision, f1: s.f1 };
  },
  nanOnZeroDivision: (yTrue: number[], yPred: number[], n: number): PerClass => {
    const count = (y: number[], c: number) => y.filter((v) => v === c).length;
    const tp = (c: number) => yTrue.filter((t, i) => t === c && yPred[i] === c).length;
    const precision = classes(n).map((c) => tp(c) / count(yPred, c));
    const recall = classes(n).map((c) => tp(c) / count(yTrue, c));
    const f1 = precision.map((p, c) => 2 * p * recall[c] / (p + recall[c]));
    return { precision, recall, f1 };
  },
  microForMacro: micro,
  f1OfMeans: (yTrue: number[], yPred: number[], n: number): Macro => {
    const m = macro(yTrue, yPred, n);
    return { ...m, f1: 2 * m.precision * m.recall / (m.precision + m.recall) };
  },
  sortedClasses: (y: number[], k: number): number[][] =>
    dealt(y, k, [...new Set(y)].sort((a, b) => a - b)),
  roundRobin: (y: number[], k: number): number[][] => {
    const folds: number[][] = Array.from({ length: k }, () => []);
    for (const c of new Set(y)) {
      y.flatMap((v, i) => (v === c ? [i] : [])).forEach((i, j) => folds[j % k].push(i));
    }
    return folds.map((f) => f.sort((a, b) => a - b));
  },
  notStratified: (y: number[], k: number): number[][] => kFold(y.length, k).map((f) => f.test),
  sampleInTwoFolds: (y: number[], k: number): number[][] => {
    // each class's block for fold f runs one example too far: its last index is in two folds
    const folds = testFolds(y, k);
    const blocks = folds.map((f) => [...f]);
    for (let f = 0; f + 1 < k; f++) {
      const next = folds[f + 1];
      const extra = [...new Set(next.map((i) => y[i]))].map((c) => next.find((i) => y[i] === c)!);
      blocks[f].push(...extra);
    }
    return blocks.map((b) => b.sort((a, c) => a - c));
  },
};

/** The known mistakes' messages, each in two tiers (what is wrong, then the formula-level fix). */
export const SAID = {
  swapped: mistake(
    "precision and recall are swapped",
    "Precision divides the hits by how often a class was predicted, recall by how often it is " +
      "true.",
    "swapped",
  ),
  nan: mistake(
    "NaN where a class was never predicted (or never present): a ratio with nothing to count " +
      "must be 0, as scikit-learn's zero_division gives",
    "A 0/0 ratio counts as 0, and F1 is 0 when P + R = 0.",
    "nan",
  ),
  micro: mistake(
    "these are micro averages (counts pooled over classes, all equal to the accuracy)",
    "Macro is the plain mean of the per-class scores.",
    "micro",
  ),
  f1OfMeans: mistake(
    "the macro F1 came out as the harmonic mean of the macro precision and recall",
    "Macro F1 is the mean of the per-class F1 scores, not 2PR/(P + R) of the means.",
    "f1OfMeans",
  ),
  notStratified: mistake(
    "the folds are not stratified: a class's share differs between folds by more than one " +
      "example",
    "Follow the docstring's steps class by class: the counts come from dealing the class-sorted " +
      "line round-robin, so a fold's share of a class differs from another's by at most one.",
    "notStratified",
  ),
  sortedClasses: mistake(
    "the classes were taken in sorted order, not in order of first appearance",
    "Step 1 orders the classes by first appearance in y, which decides which folds get a " +
      "class's extra examples.",
    "sortedClasses",
  ),
  roundRobin: mistake(
    "each class was dealt to the folds one example at a time",
    "Step 3 gives each fold a consecutive block of the class's examples.",
    "roundRobin",
  ),
  plainHere: mistake(
    "these are consecutive blocks of indices (plain k-fold), which for these labels happen to " +
      "be stratified",
    "They are not the folds the docstring describes: follow its steps class by class.",
    "plainHere",
  ),
  plainKFold: mistake(
    "these are plain k-fold blocks of consecutive indices, which ignore the classes",
    "Stratify them: follow the docstring's steps class by class.",
    "plainKFold",
  ),
  otherAssignment: mistake(
    "the folds are stratified and cover every example once, but not with the assignment the " +
      "docstring describes",
    "Per class, consecutive blocks in index order (the first ones to fold 0), with the counts " +
      "from dealing the class-sorted line round-robin.",
    "otherAssignment",
  ),
};

/** A fact about this check's answer alone (stated on the check, never above it). */
const where = (id: string, says: string): Diagnosis => ({ id: `${WHERE}${id}`, says });

/** Replaces NaN by 0 everywhere in a per-class or macro result (to spot the NaN mistake). */
function nanToZero(actual: unknown): unknown {
  if (typeof actual === "number") return Number.isNaN(actual) ? 0 : actual;
  if (Array.isArray(actual)) return actual.map(nanToZero);
  if (actual && typeof actual === "object") {
    return Object.fromEntries(Object.entries(actual).map(([k, v]) => [k, nanToZero(v)]));
  }
  return actual;
}

function hasNaN(actual: unknown): boolean {
  if (typeof actual === "number") return Number.isNaN(actual);
  if (Array.isArray(actual)) return actual.some(hasNaN);
  if (actual && typeof actual === "object") return Object.values(actual).some(hasNaN);
  return false;
}

function scoreMistakes(yTrue: number[], yPred: number[], n: number) {
  const expected = perClass(yTrue, yPred, n);
  return (actual: unknown) => {
    if (hasNaN(actual)) {
      return matches(nanToZero(actual), [[expected, SAID.nan]]) ??
        matches(nanToZero(actual), [[MISTAKES.swapped(yTrue, yPred, n), SAID.swapped]]) ??
        SAID.nan;
    }
    return matches(actual, [[MISTAKES.swapped(yTrue, yPred, n), SAID.swapped]]);
  };
}

function macroMistakes(yTrue: number[], yPred: number[], n: number) {
  return (actual: unknown) => {
    if (hasNaN(actual)) return SAID.nan;
    return matches(actual, [
      [micro(yTrue, yPred, n), SAID.micro],
      [MISTAKES.f1OfMeans(yTrue, yPred, n), SAID.f1OfMeans],
    ]);
  };
}

/** What is wrong with `actual` as the k test folds of `y`: overlaps, gaps, then the shares. */
export function foldProblem(
  actual: unknown,
  y: number[],
  k: number,
): Diagnosis | Diagnosis[] | undefined {
  if (!Array.isArray(actual) || actual.length !== k || !actual.every(Array.isArray)) {
    return undefined; // the comparison already says what the value is
  }
  const foldOf = new Map<number, number>();
  for (const [f, fold] of (actual as unknown[][]).entries()) {
    for (const i of fold) {
      if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= y.length) {
        return where(
          "index",
          `fold ${f} holds ${String(i)}, which is not an index of y (0 … ${y.length - 1})`,
        );
      }
      if (foldOf.has(i)) {
        return where(
          "twice",
          `sample ${i} is in two folds (${foldOf.get(i)} and ${f}): each example must be ` +
            "tested exactly once, or its score counts twice and it is trained on while tested",
        );
      }
      foldOf.set(i, f);
    }
  }
  const missing = y.findIndex((_, i) => !foldOf.has(i));
  if (missing >= 0) {
    return where("missing", `sample ${missing} is in no fold: the folds must cover every example`);
  }
  const plain = compare(actual, MISTAKES.notStratified(y, k), { rtol: 0, atol: 0 }) === undefined;
  for (const c of new Set(y)) {
    const counts = (actual as number[][]).map((fold) => fold.filter((i) => y[i] === c).length);
    if (Math.max(...counts) - Math.min(...counts) > 1) {
      return plain ? SAID.plainKFold : [
        SAID.notStratified,
        where("counts", `class ${c}: ${counts.join(", ")} examples per fold`),
      ];
    }
  }
  const named = matches<Diagnosis>(actual, [
    [MISTAKES.sortedClasses(y, k), SAID.sortedClasses],
    [MISTAKES.roundRobin(y, k), SAID.roundRobin],
  ]);
  if (named && plain) return [SAID.plainHere, named];
  if (named || plain) return named ?? SAID.plainHere;
  const unsorted = (actual as number[][]).findIndex((f) => f.some((v, j) => j > 0 && v < f[j - 1]));
  if (unsorted >= 0) return where("order", `fold ${unsorted} is not in increasing order of index`);
  return SAID.otherAssignment;
}

function labels(seed: number, n: number, c: number, accuracy: number) {
  const rng = new Random(seed);
  const yTrue = Array.from({ length: n }, () => rng.int(c));
  const yPred = yTrue.map((t) => (rng.next() < accuracy ? t : rng.int(c)));
  return { yTrue, yPred };
}

export function checks(): Check[] {
  const small = { yTrue: [0, 1, 2, 0, 1, 2, 0, 2, 2, 1], yPred: [0, 2, 1, 0, 0, 2, 0, 2, 1, 1] };
  // class 2 is never predicted; class 3 is never present
  const gaps = { yTrue: [0, 1, 2, 2, 1, 0, 2, 1], yPred: [0, 1, 1, 0, 3, 0, 1, 1] };
  // imbalanced: many 0s, few 1s and 2s, so macro, micro and F1 of the means all differ
  const skew = {
    yTrue: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 0, 0, 1],
    yPred: [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 2, 0, 0, 2, 1],
  };
  const big = labels(7, 300, 5, 0.6);
  /** The hidden checks' nudge: they differ from the visible ones only in their sizes. */
  const unseen = "Nothing may depend on the visible checks' number of classes or examples.";
  const foldCases = [
    {
      y: [0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
      k: 3,
      hidden: false,
      nudge:
        "Each fold should hold about 1/k of every class, and every example exactly one fold; follow the steps of the docstring in order.",
    },
    {
      y: [2, 0, 1, 0, 2, 2, 1, 0, 0, 2, 1, 2, 0],
      k: 3,
      hidden: false,
      nudge: "When a class does not split evenly, look at which folds get the extra examples.",
    },
    {
      y: [1, 1, 1, 1, 1, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 0, 1],
      k: 4,
      hidden: true,
      nudge: "Compare each fold's class counts with the docstring's dealing order.",
    },
    {
      y: labels(11, 100, 10, 0).yTrue,
      k: 10,
      hidden: true,
      nudge: "Nothing may depend on the visible checks' sizes or k.",
    },
  ];
  const scoreCheck = (
    name: string,
    nudge: string,
    d: { yTrue: number[]; yPred: number[] },
    n: number,
    points: number,
    hidden = false,
  ): Check => ({
    name: `precisionRecallF1: ${name}`,
    nudge,
    points,
    fn: "precisionRecallF1",
    args: [d.yTrue, d.yPred, n],
    expected: perClass(d.yTrue, d.yPred, n),
    diagnose: scoreMistakes(d.yTrue, d.yPred, n),
    hidden,
    hint:
      "Count, per class, the hits, how often it was predicted and how often it is true; precision and recall divide the hits by different counts.",
  });
  const macroCheck = (
    name: string,
    nudge: string,
    d: { yTrue: number[]; yPred: number[] },
    n: number,
    points: number,
    hidden = false,
  ): Check => ({
    name: `macroScores: ${name}`,
    nudge,
    points,
    fn: "macroScores",
    args: [d.yTrue, d.yPred, n],
    expected: macro(d.yTrue, d.yPred, n),
    diagnose: macroMistakes(d.yTrue, d.yPred, n),
    hidden,
    hint: "Macro: every class gets the same weight, whatever its size; average per-class scores.",
  });
  return [
    scoreCheck(
      "three classes",
      "Count, per class, the hits, how often it was predicted and how often it is truly present; precision and recall divide the hits by different counts.",
      small,
      3,
      2,
    ),
    scoreCheck(
      "a class never predicted, a class never present",
      "Look at classes whose count is zero: the score must be 0 there, never NaN.",
      gaps,
      4,
      2,
    ),
    scoreCheck("300 examples, 5 classes", unseen, big, 5, 1, true),
    macroCheck(
      "three classes",
      "Macro averaging gives every class the same weight, whatever its size.",
      small,
      3,
      1,
    ),
    macroCheck(
      "imbalanced classes",
      "With imbalanced classes, weighting by class size and weighting equally differ: which one is macro?",
      skew,
      3,
      2,
    ),
    macroCheck(
      "a class never predicted, a class never present",
      "A class that is neither predicted nor present still counts in the average, with its score of 0.",
      gaps,
      4,
      1,
    ),
    macroCheck("300 examples, 5 classes", unseen, big, 5, 1, true),
    ...foldCases.map(({ y, k, hidden, nudge }): Check => ({
      name: `stratifiedKFold: ${y.length} labels, k = ${k}`,
      nudge,
      points: 2,
      fn: "stratifiedKFold",
      args: [y, k],
      expected: testFolds(y, k),
      diagnose: (actual) => foldProblem(actual, y, k),
      hidden,
      hint:
        "Each fold should hold about 1/k of every class, and every example exactly one fold; follow the three steps of the docstring.",
    })),
  ];
}

export const metricsExercise: Exercise = {
  name: "metrics",
  title: "Precision, recall, F1 and stratified folds",
  notebook: "23_evaluation.ipynb",
  checks,
};
