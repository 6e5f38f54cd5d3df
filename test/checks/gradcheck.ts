/**
 * Graded checks for exercises/gradcheck.ts. Reference values come from lib/check/gradcheck.ts
 * (numericalGradient with the same h, relError) and from the exact gradients of the test
 * functions in lib/check/problems.ts, computed in the grader's process; `diagnose` names
 * the usual mistakes when a result matches one of them.
 */

import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { gradcheckProblem } from "../../lib/check/problems.ts";
import { Matrix, maxAbsDiff } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/** lib's numerical gradient of a named test function, on a copy of x. */
function reference(problem: string, x: Matrix, h: number, d: "central" | "forward" = "central") {
  const p = gradcheckProblem(problem), y = x.clone();
  return numericalGradient(() => p.f(y), y, { h, difference: d });
}

/** Central differences that never put the entry back: it is left at x − h. */
function unrestored(problem: string, x: Matrix, h: number): { grad: Matrix; after: Matrix } {
  const f = gradcheckProblem(problem).f, y = x.clone(), grad = new Matrix(x.rows, x.cols);
  for (let k = 0; k < y.data.length; k++) {
    const old = y.data[k];
    y.data[k] = old + h;
    const plus = f(y);
    y.data[k] = old - h;
    grad.data[k] = (plus - f(y)) / (2 * h);
  }
  return { grad, after: y };
}

/** `x += h; f; x -= h; f`: the minus side evaluated at x itself, over 2h. */
function minusAtX(problem: string, x: Matrix, h: number): Matrix {
  return reference(problem, x, h, "forward").map((v) => v / 2);
}

/** The known mistakes: what is wrong (at once), and the formula-level fix (later). */
export const GRADCHECK_MISTAKE = {
  forward: mistake(
    "it looks like a forward difference: only the plus side is measured",
    "Use the central difference (f(x + h) − f(x − h)) / 2h.",
    "forward",
  ),
  unrestored: mistake(
    "it looks like each entry was left at x − h, so the later entries are measured at a " +
      "moved point",
    "Keep old = x.data[k] and set x.data[k] = old after the two evaluations, before the next " +
      "entry.",
    "unrestored",
  ),
  minusAtX: mistake(
    "the minus side seems to be evaluated at x itself, not below it (after adding h, " +
      "subtracting h only goes back to x)",
    "Set x.data[k] = old − h for the second evaluation (or subtract 2h).",
    "minusAtX",
  ),
  fixedH: () =>
    mistake(
      "it looks like a fixed step of 1e-5 was used instead of the h argument",
      "Use the h you are given in (f(x + h) − f(x − h)) / 2h.",
      "fixedH",
    ),
  zeroOverZero: mistake(
    "NaN where both entries are 0: 0 / 0",
    "The denominator is max(1e-8, |a| + |b|).",
    "zeroOverZero",
  ),
  absolute: mistake(
    "that is the absolute error, not divided by the size of the entries",
    "Divide each |a − b| by max(1e-8, |a| + |b|).",
    "absolute",
  ),
  noFloor: mistake(
    "the floor under the denominator is missing",
    "The denominator is max(1e-8, |a| + |b|).",
    "noFloor",
  ),
  overB: mistake(
    "it looks like the difference is divided by the second gradient alone; CS231n's relative " +
      "error treats both sides alike",
    "Per entry |a − b| / max(1e-8, |a| + |b|), not |a − b| / |b|.",
    "overB",
  ),
  overMax: mistake(
    "it looks like the difference is divided by the larger of the two entries",
    "CS231n divides by |a| + |b|: |a − b| / max(1e-8, |a| + |b|).",
    "overMax",
  ),
  pooled: mistake(
    "that is one ratio of sums over all entries, not the worst entry's ratio",
    "Take the largest per-entry ratio, not Σ|a − b| / Σ(|a| + |b|).",
    "pooled",
  ),
};

function gradMistakes(problem: string, x: Matrix, h: number) {
  return (actual: unknown) =>
    matches<Diagnosis>(actual, [
      [reference(problem, x, h, "forward"), GRADCHECK_MISTAKE.forward],
      [unrestored(problem, x, h).grad, GRADCHECK_MISTAKE.unrestored],
      [minusAtX(problem, x, h), GRADCHECK_MISTAKE.minusAtX],
      [reference(problem, x, 1e-5), GRADCHECK_MISTAKE.fixedH()],
    ]);
}

function relMistakes(a: Matrix, b: Matrix) {
  const per = (g: (x: number, y: number) => number) =>
    Math.max(...Array.from(a.data, (x, k) => g(x, b.data[k])));
  let num = 0, den = 0;
  a.data.forEach((x, k) => {
    num += Math.abs(x - b.data[k]);
    den += Math.abs(x) + Math.abs(b.data[k]);
  });
  return (actual: unknown) =>
    (typeof actual === "number" && Number.isNaN(actual))
      ? GRADCHECK_MISTAKE.zeroOverZero
      : matches<Diagnosis>(actual, [
        [maxAbsDiff(a, b), GRADCHECK_MISTAKE.absolute],
        [per((x, y) => Math.abs(x - y) / (Math.abs(x) + Math.abs(y))), GRADCHECK_MISTAKE.noFloor],
        [per((x, y) => Math.abs(x - y) / Math.max(1e-8, Math.abs(y))), GRADCHECK_MISTAKE.overB],
        [
          per((x, y) => Math.abs(x - y) / Math.max(1e-8, Math.max(Math.abs(x), Math.abs(y)))),
          GRADCHECK_MISTAKE.overMax,
        ],
        [num / Math.max(1e-8, den), GRADCHECK_MISTAKE.pooled],
      ]);
}

function checks(): Check[] {
  const rng = new Random(606);
  const xCubic = Matrix.column([0.7, -0.4, 1.3]);
  const xRosen = Matrix.column([0.9, 1.2, -0.5, 0.3]);
  const xRosenBig = new Matrix(6, 1).map(() => rng.uniform(-1.5, 1.5));
  const xLse = Matrix.from([[0.3, -1.2], [2.0, 0.1]]);
  const wLin = rng.randn(3, 4, 0.5);
  const a1 = Matrix.from([[1, 2, 3]]), b1 = Matrix.from([[1, 2.2, 3]]);
  const a2 = a1.map((v) => v * 1e-6), b2 = b1.map((v) => v * 1e-6);
  const aTiny = Matrix.from([[1e-10, 0.5]]), bTiny = Matrix.from([[3e-10, 0.5]]);
  const aRand = rng.randn(5, 4), bRand = aRand.map((v) => v * (1 + rng.normal(0, 1e-3)));
  const grad = (
    problem: string,
    x: Matrix,
    h: number,
    name: string,
    extra: Partial<Check> = {},
  ) => ({
    name,
    points: 2,
    fn: "gradientOfProblem",
    args: [problem, x, h],
    expected: reference(problem, x, h),
    diagnose: gradMistakes(problem, x, h),
    nudge: "Nudge one entry of x at a time, both ways, and measure how f changes; leave x as " +
      "you found it.",
    hint: "For each entry k: save x.data[k]; evaluate f at old + h and at old − h; restore; " +
      "divide the difference by 2h.",
    ...extra,
  });
  const rel = (a: Matrix, b: Matrix, name: string, extra: Partial<Check> = {}): Check => ({
    name,
    points: 1,
    fn: "relError",
    args: [a, b],
    expected: relError(a, b),
    diagnose: relMistakes(a, b),
    nudge: "A relative error compares each pair of entries with their size, and reports the worst.",
    hint: "Per entry |a − b| / max(1e-8, |a| + |b|); return the largest.",
    ...extra,
  });
  return [
    grad("cubic", xCubic, 1e-5, "numericalGradient: Σ x³ at a 3×1 point, h = 1e-5"),
    grad("rosenbrock", xRosen, 1e-4, "numericalGradient: Rosenbrock chain (coupled), h = 1e-4"),
    grad("logsumexp", xLse, 1e-3, "numericalGradient: log Σ exp on a 2×2 point, h = 1e-3", {
      nudge: "Every entry of x needs its own estimate, with the step size you are given.",
      hint: "Use the h you are given; a 2×2 x has 4 entries, in x.data row by row.",
    }),
    {
      name: "numericalGradient: softmax classifier (W 3×4) agrees with the exact gradient",
      points: 2,
      fn: "gradientOfProblem",
      args: ["softmax-linear", wLin, 1e-5],
      expected: gradcheckProblem("softmax-linear").grad(wLin),
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: gradMistakes("softmax-linear", wLin, 1e-5),
      nudge: "On a real model your estimate should agree with the exact gradient to many digits.",
      hint: "A central difference with h = 1e-5 should agree with the exact gradient to ~1e-9.",
    },
    {
      name: "numericalGradient: x is restored exactly afterwards",
      points: 1,
      fn: "pointAfterGradient",
      args: ["rosenbrock", xRosen, 1e-4],
      expected: xRosen,
      rtol: 0,
      atol: 0,
      diagnose: (actual) =>
        matches<Diagnosis>(actual, [[
          unrestored("rosenbrock", xRosen, 1e-4).after,
          GRADCHECK_MISTAKE.unrestored,
        ]]),
      nudge: "After estimating, x must hold exactly the values it had before.",
      hint: "Keep the old value in a variable and assign it back (do not add and subtract h, " +
        "which can round).",
    },
    grad("rosenbrock", xRosenBig, 1e-5, "numericalGradient: Rosenbrock chain at a 6×1 point", {
      hidden: true,
    }),
    rel(a1, b1, "relError: [1, 2, 3] against [1, 2.2, 3]"),
    rel(a2, b2, "relError: the same pair scaled by 1e-6 gives the same error", {
      nudge: "Scaling both gradients by the same factor must not change a relative error.",
      hint:
        "A relative error does not change when both gradients are scaled: divide by |a| + |b|, floored at 1e-8.",
    }),
    rel(new Matrix(2, 2), new Matrix(2, 2), "relError: two zero gradients", {
      nudge: "Two zero gradients agree perfectly; watch out for 0 / 0.",
      hint: "0 / 0 is NaN: the denominator is max(1e-8, |a| + |b|).",
    }),
    rel(aTiny, bTiny, "relError: entries far below 1e-8", {
      nudge: "Tiny gradients need a floor under the denominator.",
      hint: "When |a| + |b| < 1e-8 the floor 1e-8 is the denominator.",
    }),
    rel(aRand, bRand, "relError: 5×4 gradients that differ by ~0.1%", { points: 2, hidden: true }),
  ];
}

export const gradcheckExercise: Exercise = {
  name: "gradcheck",
  title: "Gradient checking",
  notebook: "07_gradient_checking.ipynb",
  checks,
};
