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
import type { Check, Diagnosis, ExerciseResult } from "../../grader/types.ts";
import { findExercise } from "../../grader/grade.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { Tensor } from "../../lib/core/tensor.ts";
import { compare } from "../../grader/compare.ts";
import { recordingCandidates } from "../checks/diagnose.ts";
import {
  type QuadraticBowl,
  quadraticBowl,
  type RunOptions,
  runRule,
  type UpdateRule,
} from "../../lib/core/update_rule.ts";
import { EMA_MISTAKE } from "../checks/ema.ts";
import { ADAM_MISTAKES, ADAMW_MISTAKES } from "../checks/adam.ts";
import { SGD_MISTAKES } from "../checks/sgd_momentum.ts";
import { MISTAKE as BACKPROP } from "../checks/backprop.ts";
import { MISTAKE as SOFTMAX } from "../checks/softmax.ts";
import { HINGE_MISTAKE as HINGE } from "../checks/hinge.ts";
import { GRADCHECK_MISTAKE as GRADCHECK } from "../checks/gradcheck.ts";
import { gradcheckProblem } from "../../lib/check/problems.ts";
import { type Bug, learner } from "./_backprop_learner.ts";
import { EXERCISES } from "../checks/mod.ts";
import { stratifiedKFold } from "../../solutions/metrics.ts";

const TOL = { rtol: 1e-9, atol: 1e-12 };

/** A deep copy of a check's arguments that keeps matrices matrices (as the wire does). */
const copy = (v: unknown): unknown =>
  v instanceof Matrix
    ? v.clone()
    : Array.isArray(v)
    ? v.map(copy)
    : v && typeof v === "object"
    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]))
    : v;

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
    const value = fn(...(copy(c.args) as never[]));
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

/** A learner's twoLayerLoss with one bug (written apart from lib/, _backprop_learner.ts). */
const backprop = (bug: Bug) => learner(bug) as (...a: never[]) => unknown;

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

  it("an integer result that is wrong prints as integers: 'got 9, expected 8'", () => {
    // indices of the test folds: the last example of folds 1 and 2 swapped
    const swapped = (y: number[], k: number) => {
      const f = stratifiedKFold(y, k);
      [f[1][f[1].length - 1], f[2][f[2].length - 1]] = [
        f[2][f[2].length - 1],
        f[1][f[1].length - 1],
      ];
      return f;
    };
    const r = gradeWith("metrics", { stratifiedKFold: swapped as never });
    const c = checkOf(r, "stratifiedKFold: 10 labels, k = 3");
    expect(c.message).toMatch(/^stratifiedKFold: result\[1\]\[2\] differs .*\(got 9, expected 8\)/);
    expect(exerciseText(r)).not.toMatch(/got \d+\.0+, expected \d+\.0+/);
  });

  it("says nothing about a wrong type or shape (compare.ts's message says it)", () => {
    expect(analyse([1, 2], [1, 2, 3], TOL)).toBeUndefined();
    expect(analyse("x", [1], TOL)).toBeUndefined();
  });
});

/** The failing check whose name contains `part`, as the report's record. */
const at = (r: ExerciseResult, part: string) => checkOf(r, part);

/** Grades the same answer `times` times in a row, as a learner retrying; every report. */
function retry(
  exercise: string,
  impl: Record<string, (...a: never[]) => unknown>,
  times = HINT_UNLOCK_ATTEMPTS,
): ExerciseResult[] {
  const attempts: Attempts = {};
  return Array.from({ length: times }, () => gradeWith(exercise, impl, attempts));
}

// ---- a learner's softmax cross-entropy, without and with the max shift ----
const softmaxRows = (s: Matrix, shift: boolean) =>
  s.map((_, i, j) => {
    const row = s.row(i), m = shift ? Math.max(...row) : 0;
    return Math.exp(s.get(i, j) - m) / row.reduce((t, v) => t + Math.exp(v - m), 0);
  });
const crossEntropy = (shift: boolean) => (s: Matrix, y: number[]) => {
  const p = softmaxRows(s, shift), N = s.rows;
  const loss = y.reduce((t, c, i) => t - Math.log(p.get(i, c)), 0) / N;
  return { loss, grad: p.map((v, i, j) => (v - (j === y[i] ? 1 : 0)) / N) };
};

/**
 * Each mistake issue 11 lists, fed through the real checks: at the first attempt the report
 * names it (once) without its formula; after several failed attempts the formula shows.
 */
const ISSUE_MISTAKES: {
  what: string;
  exercise: string;
  impl: Record<string, (...a: never[]) => unknown>;
  check: string;
  mistakes: Diagnosis[];
}[] = [
  {
    what: "β^i with i counted from 0",
    exercise: "ema",
    impl: { ema: emaRight, emaDebiased: debiasedFromZero },
    check: "emaDebiased: a constant series",
    mistakes: [EMA_MISTAKE.exponentFromZero],
  },
  {
    what: "β^(t−1), the first step left uncorrected",
    exercise: "ema",
    impl: { ema: emaRight, emaDebiased: debiasedTMinusOne },
    check: "emaDebiased: a constant series",
    mistakes: [EMA_MISTAKE.exponentFromZeroGuarded],
  },
  {
    what: "averaging twice",
    exercise: "backprop",
    impl: { twoLayerLoss: backprop("twiceMean") },
    check: "dW2 matches",
    mistakes: [BACKPROP.twiceMean()],
  },
  {
    what: "the bias gradient of the second layer forgotten",
    exercise: "backprop",
    impl: { twoLayerLoss: backprop("zeroBias") },
    check: "db2 matches",
    mistakes: [BACKPROP.zeroBias("db2")],
  },
  {
    what: "the bias gradient of the first layer forgotten",
    exercise: "backprop",
    impl: { twoLayerLoss: backprop("zeroDb1") },
    check: "db1 matches",
    mistakes: [BACKPROP.zeroBias("db1")],
  },
  {
    what: "backprop's softmax without the max shift",
    exercise: "backprop",
    impl: { twoLayerLoss: backprop("noMaxShift") },
    check: "must not overflow",
    mistakes: [BACKPROP.overflow()],
  },
  {
    what: "softmax without the max shift",
    exercise: "softmax",
    impl: {
      softmax: (s: Matrix) => softmaxRows(s, false),
      softmaxCrossEntropy: crossEntropy(false),
    },
    check: "softmax: the same rows shifted",
    mistakes: [SOFTMAX.noShift()],
  },
  {
    what: "dW2 transposed and not averaged",
    exercise: "backprop",
    impl: { twoLayerLoss: backprop("transposedNoMeanDW2") },
    check: "dW2 matches",
    mistakes: [BACKPROP.transposed("dW2"), BACKPROP.missingMean()],
  },
];

describe("the mistakes of issue 11, at the first attempt and after several", () => {
  for (const { what, exercise, impl, check, mistakes } of ISSUE_MISTAKES) {
    it(what, () => {
      const [first, second, third] = retry(exercise, impl);
      const c1 = at(first, check), text1 = exerciseText(first);
      expect(c1.status).toBe("failed");
      for (const m of mistakes) {
        // named at once, stated once in the whole report, without its formula
        expect(text1.split(m.says).length - 1, m.says).toBe(1);
        expect(text1).not.toContain(m.formula!);
        expect(c1.mistakes!.map((d) => d.id)).toContain(m.id);
      }
      expect(c1.formula).toBeUndefined();
      expect(c1.mistakes!.every((d) => d.formula === undefined)).toBe(true);
      expect(c1.hint).toBeUndefined(); // a known mistake explains it: no nudge beside it
      expect(exerciseText(second)).not.toContain(mistakes[0].formula!);
      // after several failed attempts: every formula of the mistakes, once
      const text3 = exerciseText(third);
      expect(at(third, check).attempts).toBe(HINT_UNLOCK_ATTEMPTS);
      for (const m of mistakes) {
        expect(text3).toContain(m.formula!);
        expect(text3.split(m.formula!).length - 1, m.formula).toBe(1);
      }
    });
  }

  it("the transposed, unaveraged dW2 names both mistakes on the same check", () => {
    const [first] = retry("backprop", { twoLayerLoss: backprop("transposedNoMeanDW2") }, 1);
    // both cost several checks (dW2's own, the numerical and the hidden ones): stated above,
    // both referred to from dW2's check
    const line = at(first, "dW2 matches").message;
    expect(line).toMatch(/has shape 5×3, expected 3×5 — see mistakes 1 and 2 above$/);
    const [one, two] = first.diagnoses!;
    expect(one.says).toBe(BACKPROP.transposed("dW2").says);
    expect(two.says).toBe(BACKPROP.missingMean().says);
    for (const d of [one, two]) expect(d.checks).toContain("dW2 matches the reference (sigmoid)");
    expect(exerciseText(first)).toMatch(
      /! mistake 1: dW2 is transposed.*\n {2}! mistake 2: the gradients are N times too large/,
    );
  });
});

describe("one diagnosis once", () => {
  it("a mistake that costs several checks is stated above them, once; each refers to it", () => {
    const [r] = retry("softmax", {
      softmax: (s: Matrix) => softmaxRows(s, false),
      softmaxCrossEntropy: crossEntropy(false),
    }, 1);
    const says = SOFTMAX.noShift().says;
    const text = exerciseText(r);
    expect(text.split(says).length - 1).toBe(1);
    expect(text).toMatch(new RegExp(`! mistake: ${says.slice(0, 30).replace(/[()]/g, "\\$&")}`));
    const cost = r.checks.filter((c) => c.status === "failed");
    expect(r.diagnoses).toEqual([{ says, checks: cost.map((c) => c.name) }]);
    expect(cost.length).toBe(3);
    for (const c of cost) expect(c.message).toMatch(/— see the mistake above$/);
  });

  it("the missing 1/N, on checks with batches of 6, 9 and 5, is stated once, true of each", () => {
    const [r] = retry("backprop", { twoLayerLoss: backprop("noMean") }, 1);
    const [d] = r.diagnoses!;
    expect(d.says).toBe(BACKPROP.missingMean().says);
    // the checks it cost have different N (6, the hidden 9, the batch of 5 near 1000) and
    // different gradients: the statement above them names no number and no gradient
    expect(d.checks).toEqual(expect.arrayContaining([
      "db1 matches the reference (sigmoid)",
      "sigmoid, another seed and shape (N=9, D=3, H=7, C=4)",
    ]));
    expect(exerciseText(r)).toMatch(
      /! mistake: the gradients are N times too large, N being the batch size: .*\. It cost 9 checks: /,
    );
    expect(d.says).not.toMatch(/\d|dW|db/);
  });

  it("β^i from 0 costs the constant series, the noisy series and the hidden check: once", () => {
    const [r] = retry("ema", { ema: emaRight, emaDebiased: debiasedFromZero }, 1);
    expect(at(r, "emaDebiased: a constant series").message).toMatch(/is Infinity|is NaN/);
    const d = r.diagnoses!.find((d) => d.says === EMA_MISTAKE.exponentFromZero.says)!;
    expect(d.checks.length).toBeGreaterThanOrEqual(3);
    expect(exerciseText(r).split(EMA_MISTAKE.exponentFromZero.says).length - 1).toBe(1);
  });

  it("hints that do not fit the failure are not shown", () => {
    // the missing 1/N explains every gradient: no ReLU hint, no 'sizes' hint on hidden checks
    const [r] = retry("backprop", { twoLayerLoss: backprop("noMean") }, 1);
    const text = exerciseText(r);
    expect(text).not.toMatch(/ReLU's derivative|Nothing may depend on the sizes/);
    for (const c of r.checks.filter((c) => c.status === "failed")) {
      expect(c.hint, c.name).toBeUndefined();
    }
  });
});

describe("numbers a learner can use when no known mistake matches", () => {
  const scaled = (k: number) => (xs: number[], b: number) => emaRight(xs, b).map((v) => v * k);
  const cases: [string, (xs: number[], b: number) => number[], RegExp][] = [
    ["a constant ratio", scaled(1 / 6), /result is 6 times too small in every entry/],
    ["a sign flip", scaled(-1), /result has the wrong sign in every entry/],
    [
      "a shift by one (the value recorded before the update)",
      emaBeforeUpdate,
      /lags one position behind/,
    ],
  ];
  for (const [what, ema, says] of cases) {
    it(`${what}: named at once with the nudge; the check's formula after several attempts`, () => {
      const [first, , third] = retry("ema", { ema });
      const c = at(first, "ema: β = 0.9 on a noisy series");
      const text = exerciseText(first);
      expect(text).toMatch(says);
      expect(text.split(says).length - 1).toBe(1); // several checks: stated once, above
      expect(c.hint).toMatch(/running value/); // the nudge, no formula
      expect(text).not.toMatch(/v = β·v/);
      expect(exerciseText(third)).toMatch(/formula: Keep one running value v = 0/);
    });
  }

  it("which entries differ, when nothing simpler fits", () => {
    const off = (xs: number[], b: number) => emaRight(xs, b).map((v, i) => (i === 3 ? v + 1 : v));
    const [r] = retry("ema", { ema: off }, 1);
    expect(at(r, "ema: β = 0.9 on a noisy series").message).toMatch(
      /1 of \d+ entries of result differ: \[3\]/,
    );
  });
});

describe("tiers: the formula only after several failed attempts", () => {
  it("counts failed attempts per check and unlocks the formula at the third", () => {
    const attempts: Attempts = {};
    for (let i = 0; i < HINT_UNLOCK_ATTEMPTS; i++) {
      gradeWith("ema", { ema: emaRight, emaDebiased: debiasedRight }, attempts);
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
    expect(c1.formula).toBeUndefined();
    expect(second.checks.find((c) => c.name === name)!.unlockIn).toBe(1);
    expect(c3.formula).toMatch(/v = β·v \+ \(1 − β\)·x/);
    expect(exerciseText(first)).toMatch(
      /next: 2 more failed attempts at this check \(1 so far\) unlock the formula-level hint/,
    );
    expect(exerciseText(third)).toMatch(/formula: Keep one running value v = 0/);
    const json = gradescope({ exercises: [third], score: 0, maxScore: 1 }) as {
      tests: { name: string; output: string }[];
    };
    expect(json.tests.find((t) => t.name.endsWith(name))!.output).toMatch(/formula: Keep one/);
  });

  it("a formula announced on an earlier check still shows once this check has unlocked it", () => {
    // the missing 1/N fails dW2 first (now its first failure), then db2 (its third)
    const attempts: Attempts = { backprop: { "backprop: db2 matches the reference (sigmoid)": 2 } };
    const r = gradeWith("backprop", { twoLayerLoss: backprop("noMean") }, attempts);
    const formula = BACKPROP.missingMean().formula!;
    expect(checkOf(r, "dW2 matches").formula).toBeUndefined();
    expect(checkOf(r, "dW2 matches").unlockIn).toBe(HINT_UNLOCK_ATTEMPTS - 1);
    expect(checkOf(r, "db2 matches").formula).toBe(formula);
    expect(exerciseText(r).split(formula).length - 1).toBe(1);
  });

  it("allHints shows every formula at once", () => {
    const wrong = (xs: number[], b: number) => emaRight(xs, b).map((v) => v * 2);
    const c = checkOf(gradeWith("ema", { ema: wrong }, {}, true), "β = 0.9 on a noisy series");
    expect(c.attempts).toBe(1);
    expect(c.formula).toMatch(/v = β·v/);
  });

  it("a known mistake without a formula of its own falls back on the check's formula", () => {
    // PyTorch's SGD with the buffer kept under another name: "your config has no momentumBuffer"
    const renamed: UpdateRule<SgdState & { v?: number[] }> = (w, dw, c) => {
      const mu = c.momentum ?? 0;
      if (mu === 0) return { w: w.map((x, k) => x - c.lr * dw[k]), config: c };
      const v = dw.map((g, k) => (c.v ? mu * c.v[k] + g : g));
      return { w: w.map((x, k) => x - c.lr * v[k]), config: { ...c, v } };
    };
    const [first, , third] = retry("sgd_momentum", { runSgd: runWith(renamed) });
    const says = "after step 1 your config has no momentumBuffer";
    const c1 = at(first, "momentum 0.9 on a ravine");
    expect(c1.mistakes!.map((m) => m.id)).toContain("missing:momentumBuffer:1");
    expect(exerciseText(first)).toContain(says);
    expect(c1.hint).toBeUndefined();
    expect(exerciseText(first)).not.toContain("PyTorch's step: g = ∇w");
    expect(exerciseText(third)).toContain("formula: PyTorch's step: g = ∇w");
  });
});

/** The state of the exercises' sgd and adam (PyTorch's names). */
interface SgdState {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  momentumBuffer?: number[];
}
interface AdamState {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  step?: number;
  expAvg?: number[];
  expAvgSq?: number[];
}

/** The exercise's provided driver (runSgd, runAdam) around a learner's update rule. */
const runWith = <C extends object>(rule: UpdateRule<C>) =>
  ((p: QuadraticBowl, w0: number[], config: C, o: RunOptions) =>
    runRule(rule, quadraticBowl(p).grad, w0, config, o)) as never;

// ---- learners' optimisers, each with one mistake, written apart from the checks' variants ----
/** Adam with its bias corrections one step behind: 1 − β^(t−1). */
const adamTMinusOne: UpdateRule<AdamState> = (w, dw, c) => {
  const lr = c.lr ?? 1e-3, [b1, b2] = c.betas ?? [0.9, 0.999], eps = c.eps ?? 1e-8;
  const t = (c.step ?? 0) + 1;
  const m = dw.map((g, k) => b1 * (c.expAvg?.[k] ?? 0) + (1 - b1) * g);
  const v = dw.map((g, k) => b2 * (c.expAvgSq?.[k] ?? 0) + (1 - b2) * g * g);
  const mHat = m.map((x) => x / (1 - b1 ** (t - 1)));
  const vHat = v.map((x) => x / (1 - b2 ** (t - 1)));
  return {
    w: w.map((x, k) => x - lr * mHat[k] / (Math.sqrt(vHat[k]) + eps)),
    config: { ...c, step: t, expAvg: m, expAvgSq: v },
  };
};
/** SGD that steps first and adds the new gradient to the momentum after the step. */
const sgdStepThenMomentum: UpdateRule<SgdState> = (w, dw, c) => {
  const mu = c.momentum ?? 0, g = dw.map((x, k) => x + (c.weightDecay ?? 0) * w[k]);
  if (mu === 0) return { w: w.map((x, k) => x - c.lr * g[k]), config: c };
  const old = c.momentumBuffer;
  const stepped = w.map((x, k) => x - c.lr * (old?.[k] ?? 0));
  const b = g.map((x, k) => (old ? mu * old[k] + (1 - (c.dampening ?? 0)) * x : x));
  return { w: stepped, config: { ...c, momentumBuffer: b } };
};
/** CS231n's Nesterov code: v = μ·v − lr·g, x += −μ·v_prev + (1 + μ)·v. */
const cs231nNesterov: UpdateRule<SgdState> = (w, dw, c) => {
  const mu = c.momentum ?? 0, prev = c.momentumBuffer ?? w.map(() => 0);
  const v = dw.map((g, k) => mu * prev[k] - c.lr * g);
  return {
    w: w.map((x, k) => x - mu * prev[k] + (1 + mu) * v[k]),
    config: { ...c, momentumBuffer: v },
  };
};

describe("the optimisers' known mistakes through their trajectory checks, at attempt 1 and 3", () => {
  const known = (flag: string) => [...ADAM_MISTAKES, ...SGD_MISTAKES].find((m) => m.flag === flag)!;
  const cases: [string, string, Record<string, (...a: never[]) => unknown>, string, string][] = [
    [
      "bias correction with t − 1",
      "adam",
      { runAdam: runWith(adamTMinusOne) },
      "adam: PyTorch's defaults on a ravine",
      "tFromZero",
    ],
    [
      "the momentum added after the step",
      "sgd_momentum",
      { runSgd: runWith(sgdStepThenMomentum) },
      "sgd: momentum 0.9 on a ravine",
      "stepBeforeBuffer",
    ],
    [
      "CS231n's Nesterov form instead of PyTorch's",
      "sgd_momentum",
      { runSgd: runWith(cs231nNesterov) },
      "sgd: Nesterov momentum on a ravine",
      "negativeVelocity",
    ],
  ];
  for (const [what, exercise, impl, check, flag] of cases) {
    it(what, () => {
      const m = known(flag);
      const says = `it looks like ${m.says}`;
      const [first, second, third] = retry(exercise, impl);
      const c1 = checkOf(first, check), text1 = exerciseText(first);
      expect(c1.status).toBe("failed");
      expect(c1.mistakes!.map((d) => d.id)).toContain(flag);
      // named at once, stated once in the report, no formula and no nudge beside it
      expect(text1.split(says).length - 1, says).toBe(1);
      expect(text1).not.toContain(m.formula);
      expect(c1.formula).toBeUndefined();
      expect(c1.hint).toBeUndefined();
      expect(exerciseText(second)).not.toContain(m.formula);
      // the third failed attempt: the mistake's own formula, once
      const c3 = checkOf(third, check), text3 = exerciseText(third);
      expect(c3.attempts).toBe(HINT_UNLOCK_ATTEMPTS);
      expect(c3.formula).toContain(m.formula);
      expect(text3.split(m.formula).length - 1, m.formula).toBe(1);
    });
  }

  it("every mistake of the trajectory checks has two tiers; what it says states no formula", () => {
    for (const m of [...ADAM_MISTAKES, ...ADAMW_MISTAKES, ...SGD_MISTAKES]) {
      expect(m.formula, m.flag).toBeTruthy();
      expect(m.says, m.flag).not.toMatch(FORMULA);
      expect(m.says, m.flag).not.toContain(m.formula);
    }
  });
});

describe("Part A mistakes: named at once, the formula later", () => {
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  it("a neuron without its bias: 'the bias is missing', σ(w·x + b) only with the formula", () => {
    const noBias = (x: number[], w: number[]) => sig(x.reduce((s, v, i) => s + v * w[i], 0));
    const first = gradeWith("neuron", { neuronForward: noBias });
    expect(exerciseText(first)).toMatch(/the bias is missing/);
    expect(exerciseText(first)).not.toContain("σ(w·x + b)");
    const instructors = gradeWith("neuron", { neuronForward: noBias }, {}, true);
    expect(exerciseText(instructors)).toContain("formula: The unit computes σ(w·x + b).");
  });

  it("the bias missing from the neuron and the layer is one mistake, also in the hidden layer", () => {
    const noBias = (x: Matrix, w: Matrix) => {
      const z = new Matrix(x.rows, w.rows);
      for (let n = 0; n < x.rows; n++) {
        for (let j = 0; j < w.rows; j++) {
          z.set(n, j, sig(x.row(n).reduce((t, v, i) => t + v * w.get(j, i), 0)));
        }
      }
      return z;
    };
    const impl = {
      neuronForward: (x: number[], w: number[]) => sig(x.reduce((t, v, i) => t + v * w[i], 0)),
      layerForward: noBias,
      // the learner's own layerForward for the hidden layer
      oneHiddenForward: (x: Matrix, w1: Matrix, _b1: Matrix, w2: Matrix, b2: Matrix) => {
        const h = noBias(x, w1), s = new Matrix(h.rows, w2.rows);
        for (let n = 0; n < h.rows; n++) {
          for (let k = 0; k < w2.rows; k++) {
            s.set(n, k, b2.get(0, k) + h.row(n).reduce((t, v, j) => t + v * w2.get(k, j), 0));
          }
        }
        return { h, s };
      },
    };
    const [first, , third] = retry("neuron", impl as never);
    const [d] = first.diagnoses!;
    expect(first.diagnoses!.length).toBe(1);
    expect(d.says).toBe("the bias is missing");
    expect(d.checks.map((c) => c.split(":")[0])).toEqual([
      "neuronForward",
      "neuronForward",
      "layerForward",
      "layerForward",
      "oneHiddenForward",
    ]);
    expect(exerciseText(first)).not.toMatch(/entries of result\.h differ|σ\(/);
    expect(exerciseText(third)).toContain("formula: h = σ(x·w1ᵀ + b1).");
  });

  it("tanh without the 2 inside, a tanhGrad at the activation: named without the formula", () => {
    const r = gradeWith("activations", {
      tanh: (xs: number[]) => xs.map((x) => 2 * sig(x) - 1),
      tanhGrad: (xs: number[]) => xs.map((x) => 1 - x * x),
    });
    const text = exerciseText(r);
    expect(text).toMatch(/the input of σ is not scaled/);
    expect(text).toMatch(/the derivative was taken at the activation instead of the input/);
    // (the check's name says what is built, "tanh via 2σ(2x) − 1"; no help line gives a formula)
    for (const c of r.checks.filter((c) => c.name.startsWith("tanh"))) {
      expect(`${c.message} ${c.hint ?? ""} ${c.formula ?? ""}`).not.toMatch(/2σ\(2x\) − 1|1 − t²/);
    }
  });
});

describe("the kink of ReLU and leaky ReLU: one mistake, on every check it costs", () => {
  it("1 at x = 0 is named on both kink checks and the hidden wide one, not as a shift", () => {
    const [first, , third] = retry("activations", {
      reluGrad: (xs: number[]) => xs.map((x) => (x >= 0 ? 1 : 0)),
      leakyReluGrad: (xs: number[], slope: number) => xs.map((x) => (x >= 0 ? 1 : slope)),
    });
    const [d] = first.diagnoses!;
    expect(d.says).toMatch(/^at x = 0 you return 1; PyTorch takes the left branch there/);
    expect(d.checks).toEqual([
      "reluGrad: at the kink, ReLU'(0) = 0 as in PyTorch",
      "leakyReluGrad: at the kink, PyTorch uses the slope at x = 0",
      "leakyReluGrad: slope 0.25 on a wide range",
    ]);
    const text1 = exerciseText(first);
    expect(text1).not.toMatch(/one position ahead/);
    expect(text1).toContain("(got 1, expected 0)"); // an integer mismatch, printed as integers
    expect(text1).not.toContain("(strict)");
    expect(exerciseText(third).split("1 where x > 0 (strict)").length - 1).toBe(1);
  });
});

describe("hinge and gradient-checking mistakes: what is wrong first, the formula later", () => {
  /** CS231n's multi-class SVM loss: MultiMarginLoss without the division by C. */
  const svm = (scores: Matrix, labels: number[], o: { margin: number }) => {
    const N = scores.rows, grad = new Matrix(N, scores.cols);
    let loss = 0;
    labels.forEach((y, i) => {
      for (let j = 0; j < scores.cols; j++) {
        const z = o.margin - scores.get(i, y) + scores.get(i, j);
        if (j === y || !(z > 0)) continue;
        loss += z / N;
        grad.set(i, j, grad.get(i, j) + 1 / N);
        grad.set(i, y, grad.get(i, y) - 1 / N);
      }
    });
    return { loss, grad };
  };
  /** A forward difference, (f(x + h) − f(x)) / h. */
  const forward = (problem: string, x: Matrix, h: number) => {
    const f = gradcheckProblem(problem).f;
    return x.map((_, i, j) => {
      const old = x.get(i, j), base = f(x);
      x.set(i, j, old + h);
      const up = f(x);
      x.set(i, j, old);
      return (up - base) / h;
    });
  };
  /** |a − b| / |b|, the largest over the entries. */
  const overB = (a: Matrix, b: Matrix) =>
    Math.max(
      ...a.data.map((v, k) => Math.abs(v - b.data[k]) / Math.max(1e-8, Math.abs(b.data[k]))),
    );
  const cases: [string, string, Record<string, (...a: never[]) => unknown>, Diagnosis][] = [
    ["hinge", "multiMarginLoss: 4 × 5", { multiMarginLoss: svm as never }, HINGE.noClassMean],
    ["gradcheck", "Σ x³", { gradientOfProblem: forward as never }, GRADCHECK.forward],
    ["gradcheck", "relError: [1, 2, 3]", { relError: overB as never }, GRADCHECK.overB],
  ];
  for (const [exercise, check, impl, mistake] of cases) {
    it(`${exercise}: ${mistake.id}`, () => {
      const [first, , third] = retry(exercise, impl);
      expect(at(first, check).status).toBe("failed");
      const text1 = exerciseText(first);
      expect(text1.split(mistake.says).length - 1).toBe(1);
      expect(text1).not.toContain(mistake.formula!);
      expect(exerciseText(third)).toContain(mistake.formula!);
    });
  }
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

/** A plain record (not a Matrix, a Tensor or an array). */
const isRecord = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;

/** `v` with every number changed: wrong everywhere, and like no known mistake. */
const perturb = (v: unknown): unknown => {
  const f = (x: number) => x * 1.37 + 0.11;
  if (typeof v === "number") return f(v);
  if (v instanceof Matrix) return v.map(f);
  if (v instanceof Tensor) return new Tensor(v.shape, Array.from(v.data, f));
  if (Array.isArray(v)) return v.map(perturb);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, perturb(x)]));
  return v;
};

/**
 * The known wrong answers of a check: its `diagnose` is given a wrong answer (wholly, and one
 * field at a time), and every candidate it compares with (diagnose.ts's `matches`) becomes an
 * answer of its own: the candidate, or the reference with that field replaced by it.
 */
function knownWrongAnswers(c: Check): unknown[] {
  if (!c.diagnose) return [];
  const expected = c.expected;
  const probes = [perturb(expected)];
  if (isRecord(expected)) {
    for (const k of Object.keys(expected)) probes.push({ ...expected, [k]: perturb(expected[k]) });
  }
  const out: unknown[] = [];
  for (const probe of probes) {
    recordingCandidates((actual, candidates) => {
      // what `matches` looked at: the answer, one of its fields, or some of its fields
      const answer = (wrong: unknown): unknown => {
        if (actual === probe) return wrong;
        if (!isRecord(probe)) return undefined;
        const field = Object.keys(probe).find((k) => probe[k] === actual);
        if (field !== undefined) return { ...(expected as object), [field]: wrong };
        const picked = isRecord(actual) && Object.keys(actual).length > 0 &&
          Object.entries(actual).every(([k, v]) => probe[k] === v);
        return picked && isRecord(wrong) ? { ...(expected as object), ...wrong } : undefined;
      };
      for (const [wrong] of candidates) {
        const a = answer(wrong);
        if (a !== undefined) out.push(a);
      }
    }, () => {
      try {
        c.diagnose!(probe);
      } catch {
        // a diagnose that cannot read this probe consults nothing
      }
    });
  }
  return out;
}

/** Text that states a formula (the nudges' rule). */
const FORMULA = /[·ᵀΣ√⊙]|\bMath\.|[a-z]\(.*\) =/;

describe("every known mistake, fed through the real checks", () => {
  for (const exercise of EXERCISES) {
    it(`${exercise.name}: named at the first attempt without a formula; one id, one statement`, () => {
      const problems: string[] = [];
      const statement = new Map<string, string>();
      let fed = 0;
      for (const c of exercise.checks()) {
        const tol = { rtol: c.rtol ?? 1e-9, atol: c.atol ?? 1e-12 };
        for (const answer of knownWrongAnswers(c)) {
          if (!compare(answer, c.expected, tol)) continue; // right on this check's data
          const r = judge(c, { kind: "value", value: answer } as never, 0, "f.ts", []);
          const first = tier(
            {
              name: exercise.name,
              title: exercise.name,
              file: "f.ts",
              score: 0,
              maxScore: c.points,
              checks: [r],
              notes: [],
              typeErrors: [],
            },
            [c],
            {},
          );
          const text = exerciseText(first);
          if (text.includes(c.hint)) {
            problems.push(`${c.name}: its formula-level hint shows at once`);
          }
          const known = (r.mistakes ?? []).filter((m) => !/^(analysis|where):/.test(m.id));
          if (!known.length) continue; // a candidate another field's mistake hides
          fed++;
          for (const m of known) {
            const at = `${c.name}: "${m.says}"`;
            if (!m.formula) problems.push(`${at}: no formula tier`);
            if (m.formula && text.includes(m.formula)) {
              problems.push(`${at}: formula shows at once`);
            }
            if (FORMULA.test(m.says)) problems.push(`${at} states a formula`);
            const said = statement.get(m.id) ?? m.says;
            if (said !== m.says) problems.push(`id ${m.id} says both "${said}" and "${m.says}"`);
            statement.set(m.id, said);
          }
        }
      }
      expect([...new Set(problems)]).toEqual([]);
      // every exercise whose checks name mistakes through diagnose.ts's `matches` is covered
      // (the optimisers' trajectory checks name theirs apart: test/unit/*_checks.test.ts)
      if (!["adam", "sgd_momentum"].includes(exercise.name)) expect(fed).toBeGreaterThan(0);
    });
  }
});
