/**
 * Feedback that teaches without giving the answer away: common mistakes, written here as
 * learner code, go through the real checks and the grader's judging and tiering (judge.ts,
 * hints.ts); the tests assert what the report says at the first attempt and after several.
 * The sandbox is left out here (test/grading/hints.test.ts runs it).
 */
import { describe, expect, it } from "vitest";
import { analyse } from "../../grader/analyse.ts";
import { judge } from "../../grader/judge.ts";
import { type Attempts, HINT_UNLOCK_ATTEMPTS, tier } from "../../grader/hints.ts";
import { exerciseText, gradescope } from "../../grader/report.ts";
import type { Check, ExerciseResult } from "../../grader/types.ts";
import { findExercise } from "../../grader/grade.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { EMA_MISTAKE } from "../checks/ema.ts";
import { EXERCISES } from "../checks/mod.ts";

const TOL = { rtol: 1e-9, atol: 1e-12 };

/** Grades `impl` (the learner's functions by name) on every check of `exercise`, as the grader does. */
function gradeWith(
  exercise: string,
  impl: Record<string, (...a: never[]) => unknown>,
  attempts: Attempts = {},
  allHints = false,
): ExerciseResult {
  const checks = findExercise(exercise).checks();
  const results = checks.map((c: Check) => {
    const fn = impl[c.fn];
    if (!fn) {
      const error = `Error: ${c.fn} is not implemented yet`;
      return judge(c, { kind: "threw", error, notImplemented: true } as never, 0, "f.ts", []);
    }
    const value = fn(...(structuredClone(c.args) as never[]));
    return judge(c, { kind: "value", value } as never, 0, "f.ts", []);
  });
  return tier(
    {
      name: exercise,
      title: exercise,
      file: `${exercise}.ts`,
      score: results.reduce((s, r) => s + r.score, 0),
      maxScore: results.reduce((s, r) => s + r.maxScore, 0),
      checks: results,
      notes: [],
      typeErrors: [],
    },
    checks,
    attempts,
    { allHints },
  );
}

// ---- learner EMAs, each with one mistake ----
const emaRight = (xs: number[], beta: number) => {
  let v = 0;
  return xs.map((x) => (v = beta * v + (1 - beta) * x));
};
/** Records the average before adding the sample. */
const emaBeforeUpdate = (xs: number[], beta: number) => {
  let v = 0;
  return xs.map((x) => {
    const before = v;
    v = beta * v + (1 - beta) * x;
    return before;
  });
};
/** Bias correction with β^i, i counted from 0. */
const debiasedFromZero = (xs: number[], beta: number) =>
  emaRight(xs, beta).map((v, i) => v / (1 - beta ** i));
/** β^(t−1), with the first step left alone to avoid the division by zero. */
const debiasedTMinusOne = (xs: number[], beta: number) =>
  emaRight(xs, beta).map((v, i) => (i === 0 ? v : v / (1 - beta ** i)));
const debiasedRight = (xs: number[], beta: number) =>
  emaRight(xs, beta).map((v, i) => v / (1 - beta ** (i + 1)));

const checkOf = (r: ExerciseResult, part: string) => r.checks.find((c) => c.name.includes(part))!;

describe("the numbers when no known mistake matches (analyse.ts)", () => {
  it("names a constant ratio, a sign flip, a shift by one and the entries that differ", () => {
    const e = [1, -2, 3, 0.5];
    expect(analyse(e.map((x) => x / 6), e, TOL)?.says).toMatch(/6 times too small in every entry/);
    expect(analyse(e.map((x) => 2.5 * x), e, TOL)?.says).toMatch(/2\.5 times too large/);
    expect(analyse(e.map((x) => -x), e, TOL)?.says).toMatch(/wrong sign in every entry/);
    expect(analyse([0, 1, -2, 3], e, TOL)?.says).toMatch(/lags one position behind/);
    expect(analyse([-2, 3, 0.5, 9], e, TOL)?.says).toMatch(/one position ahead/);
    expect(analyse([1, -2, 7, 0.5], e, TOL)?.says).toBe("1 of 4 entries of result differ: [2]");
    expect(analyse([1, NaN, 3, 0.5], e, TOL)?.says).toMatch(/1 of 4 entries that are NaN/);
    const m = new Matrix(2, 2, [1, 2, 3, 4]);
    expect(analyse({ g: new Matrix(2, 2, [1, 2, 3, 5]) }, { g: m }, TOL)?.says)
      .toBe("1 of 4 entries of result.g differ: [1][1]");
  });

  it("says nothing about a wrong type or shape (compare.ts's message says it)", () => {
    expect(analyse([1, 2], [1, 2, 3], TOL)).toBeUndefined();
    expect(analyse("x", [1], TOL)).toBeUndefined();
  });
});

describe("ema: mistakes through the real checks", () => {
  it("an EMA that records the value before updating: the shift by one is named", () => {
    const r = gradeWith("ema", { ema: emaBeforeUpdate });
    const c = checkOf(r, "β = 0.9 on a noisy series");
    expect(c.status).toBe("failed");
    expect(c.message).toMatch(/lags one position behind/);
    // its formula-level hint is not shown at the first attempt
    expect(c.formula).toBeUndefined();
    expect(c.unlockIn).toBe(HINT_UNLOCK_ATTEMPTS - 1);
    expect(exerciseText(r)).not.toMatch(/v = β·v/);
  });

  it("β^i with i counted from 0: named as such, not only 'is Infinity'", () => {
    const r = gradeWith("ema", { ema: emaRight, emaDebiased: debiasedFromZero });
    const c = checkOf(r, "emaDebiased: a constant series");
    expect(c.message).toMatch(/is Infinity|is NaN/);
    expect(c.message).toContain(EMA_MISTAKE.exponentFromZero.says);
    expect(c.hint).toBeUndefined(); // the check's own nudge does not fit a named mistake
    expect(checkOf(r, "emaDebiased: β = 0.9 on a noisy series").message).toMatch(
      /the same mistake as “emaDebiased: a constant series/,
    );
    // the same mistake on the constant series and the hidden check is stated once
    const d = r.diagnoses!.find((d) => d.says === EMA_MISTAKE.exponentFromZero.says)!;
    expect(d.checks.length).toBeGreaterThanOrEqual(3);
    expect(exerciseText(r).split(EMA_MISTAKE.exponentFromZero.says).length - 1).toBe(2); // summary + first check
  });

  it("β^(t−1) with the first step left uncorrected is named", () => {
    const r = gradeWith("ema", { ema: emaRight, emaDebiased: debiasedTMinusOne });
    expect(checkOf(r, "emaDebiased: a constant series").message).toContain(
      EMA_MISTAKE.exponentFromZeroGuarded.says,
    );
    const moments = gradeWith("ema", {
      ema: emaRight,
      adamMoments: (g: number[], b1: number, b2: number) => ({
        m: debiasedTMinusOne(g, b1),
        v: debiasedRight(g.map((x) => x * x), b2),
      }),
    });
    expect(checkOf(moments, "adamMoments").message).toContain(
      EMA_MISTAKE.exponentFromZeroGuarded.says,
    );
  });
});

describe("tiers: the formula only after several failed attempts", () => {
  it("counts failed attempts per check and unlocks the formula at the third", () => {
    const attempts: Attempts = {};
    const seen: ExerciseResult[] = [];
    for (let i = 0; i < HINT_UNLOCK_ATTEMPTS; i++) {
      seen.push(gradeWith("ema", { ema: emaRight, emaDebiased: debiasedRight }, attempts));
    }
    // alphaCorrection and adamMoments are unanswered: "not implemented" is not counted
    expect(attempts.ema).toEqual({});
    const wrong = (xs: number[], b: number) => emaRight(xs, b).map((v) => v * 2);
    const at = () => gradeWith("ema", { ema: wrong }, attempts);
    const first = at(), second = at(), third = at();
    const name = "ema: β = 0.9 on a noisy series";
    expect(attempts.ema[name]).toBe(3);
    const c1 = first.checks.find((c) => c.name === name)!;
    const c3 = third.checks.find((c) => c.name === name)!;
    expect(c1.message).toMatch(/2 times too large in every entry/);
    expect(c1.hint).toMatch(/running value/); // the nudge, no formula
    expect(c1.hint).not.toMatch(/β·v/);
    expect(c1.formula).toBeUndefined();
    expect(second.checks.find((c) => c.name === name)!.unlockIn).toBe(1);
    expect(c3.formula).toMatch(/v = β·v \+ \(1 − β\)·x/);
    expect(exerciseText(first)).toMatch(/formula-level hint shows after 2 more failed attempts/);
    expect(exerciseText(third)).toMatch(/formula: Keep one running value v = 0/);
    const json = gradescope({ exercises: [third], score: 0, maxScore: 1 }) as {
      tests: { name: string; output: string }[];
    };
    expect(json.tests.find((t) => t.name.endsWith(name))!.output).toMatch(/formula: Keep one/);
  });

  it("allHints shows every formula at once", () => {
    const wrong = (xs: number[], b: number) => emaRight(xs, b).map((v) => v * 2);
    const c = checkOf(gradeWith("ema", { ema: wrong }, {}, true), "β = 0.9 on a noisy series");
    expect(c.attempts).toBe(1);
    expect(c.formula).toMatch(/v = β·v/);
  });
});

describe("Part A mistakes: named at once, the formula later", () => {
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  it("a neuron without its bias: 'the bias is missing', σ(w·x + b) only with the formula", () => {
    const noBias = (x: number[], w: number[]) => sig(x.reduce((s, v, i) => s + v * w[i], 0));
    const first = gradeWith("neuron", { neuronForward: noBias });
    const c = checkOf(first, "neuronForward");
    expect(c.message).toMatch(/— the bias is missing$/);
    expect(exerciseText(first)).not.toContain("σ(w·x + b)");
    const instructors = gradeWith("neuron", { neuronForward: noBias }, {}, true);
    expect(checkOf(instructors, "neuronForward").formula).toBe("The unit computes σ(w·x + b).");
  });

  it("tanh without the 2 inside, a tanhGrad at the activation: named without the formula", () => {
    const r = gradeWith("activations", {
      tanh: (xs: number[]) => xs.map((x) => 2 * sig(x) - 1),
      tanhGrad: (xs: number[]) => xs.map((x) => 1 - x * x),
    });
    expect(checkOf(r, "tanh via").message).toMatch(/— the input of σ is not scaled$/);
    expect(checkOf(r, "tanhGrad: against the reference").message).toMatch(
      /the derivative was taken at the activation instead of the input/,
    );
    for (const c of r.checks.filter((c) => c.name.startsWith("tanh"))) {
      expect(`${c.message} ${c.hint ?? ""}`).not.toMatch(/2σ\(2x\) − 1|1 − t²/);
    }
  });
});

describe("every check has two tiers", () => {
  it("a first-attempt nudge without a formula, and a different formula-level hint", () => {
    for (const exercise of EXERCISES) {
      for (const c of exercise.checks()) {
        const at = `${exercise.name}: ${c.name}`;
        expect(c.nudge, at).toBeTruthy();
        expect(c.hint, at).toBeTruthy();
        expect(c.nudge, at).not.toBe(c.hint);
        expect(c.nudge, at).not.toMatch(/[·ᵀΣ√⊙]|\bMath\.|[a-z]\(.*\) =/);
      }
    }
  });
});
