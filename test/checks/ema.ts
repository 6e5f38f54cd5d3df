/**
 * Graded checks for exercises/ema.ts. Reference values come from lib/optim/ema.ts, computed in the
 * grader's process; `diagnose` names the usual mistakes when a result matches one of them.
 */

import {
  biasCorrection,
  ema,
  emaAlpha,
  emaAlphaSeedCorrection,
  emaDebiased,
} from "../../lib/optim/ema.ts";
import { Random } from "../../lib/core/random.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/** A noisy sine, the kind of series an EMA is for. */
function noisy(seed: number, n: number): number[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, t) => 2 + Math.sin(t / 8) + rng.normal(0, 0.5));
}

function emaMistakes(xs: number[], beta: number) {
  return (actual: unknown) =>
    matches(actual, [
      [emaAlpha(xs, beta), EMA_MISTAKE.swapped],
      [ema(xs, beta, { v0: xs[0] ?? 0 }), EMA_MISTAKE.startsAtFirst],
      [emaDebiased(xs, beta), EMA_MISTAKE.corrected],
    ]);
}

/** Step i (from 0) of the raw EMA divided by 1 − β^i: the exponent one too small. */
function exponentFromZero(xs: number[], beta: number, guarded: boolean): number[] {
  return ema(xs, beta).map((v, i) => (guarded && i === 0 ? v : v / (1 - beta ** i)));
}

/** Does `actual` equal `expected` except for a first entry that is NaN or ±Infinity? */
function sameButFirstNotFinite(actual: unknown, expected: number[]): boolean {
  if (!Array.isArray(actual) || actual.length !== expected.length || actual.length < 2) {
    return false;
  }
  return !Number.isFinite(actual[0]) &&
    matches(actual.slice(1), [[expected.slice(1), "same"]]) === "same";
}

/**
 * The known mistakes, each in two tiers: what is wrong (at once) and the formula-level fix
 * (once the check's hint unlocks); one id each.
 */
export const EMA_MISTAKE = {
  swapped: mistake(
    "it looks like β and 1 − β are swapped: β weighs the new sample instead of the past",
    "v = β·v + (1 − β)·x: the past keeps the weight β, the new sample gets 1 − β.",
    "swapped",
  ),
  startsAtFirst: mistake(
    "it looks like the average starts from the first sample instead of from 0",
    "Start from v_0 = 0, so v_1 = (1 − β)·x_1.",
    "startsAtFirst",
  ),
  corrected: mistake(
    "it looks bias-corrected; ema returns the raw average",
    "Return v_t itself; dividing by 1 − β^t is emaDebiased's job.",
    "corrected",
  ),
  raw: mistake(
    "it looks like the raw EMA: nothing corrects its bias towards 0",
    "Divide step t (counted from 1) of the raw EMA by 1 − β^t.",
    "raw",
  ),
  exponentAhead: mistake(
    "off by one: the correction is one step ahead (its steps are counted from 2)",
    "The first sample is t = 1, so it is divided by 1 − β^1 = 1 − β.",
    "exponentAhead",
  ),
  seedMixUp: mistake(
    "it looks like the seed's mix-up of the two conventions: the correction raises the new " +
      "sample's weight to the power t, where the past's weight belongs",
    "Divide by 1 − β^t, β being the weight of the past, not by 1 − (1 − β)^t.",
    "seedMixUp",
  ),
  alphaSeed: mistake(
    "that is the seed's correction, with the new sample's weight α where the weight of the " +
      "past belongs",
    "With α the new sample's weight the past decays by 1 − α per step: 1 − (1 − α)^t.",
    "alphaSeed",
  ),
  vRaw: mistake(
    "v is not bias-corrected",
    "v̂ = v/(1 − β2^t), as m̂ = m/(1 − β1^t).",
    "vRaw",
  ),
  exponentFromZero: {
    id: "exponentFromZero",
    says: "the first corrected value is NaN or Infinity and the others are corrected too much: " +
      "the bias correction counts the steps from 0 (β^i with i from 0, or β^(t−1)), so the first " +
      "step divides by 1 − β⁰ = 0",
    formula:
      "The first sample is step t = 1: divide v_t by 1 − β^t, so the first divisor is 1 − β.",
  },
  exponentFromZeroGuarded: {
    id: "exponentFromZeroGuarded",
    says: "the first value is left uncorrected and every later one is corrected too much: the " +
      "exponent of the correction is one step behind (β^(t−1))",
    formula: "Divide v_t by 1 − β^t with t = 1 for the first sample; no step is special.",
  },
};

function debiasedMistakes(xs: number[], beta: number) {
  return (actual: unknown) => {
    if (sameButFirstNotFinite(actual, exponentFromZero(xs, beta, false))) {
      return EMA_MISTAKE.exponentFromZero;
    }
    return matches<Diagnosis>(actual, [
      [ema(xs, beta), EMA_MISTAKE.raw],
      [exponentFromZero(xs, beta, true), EMA_MISTAKE.exponentFromZeroGuarded],
      [ema(xs, beta).map((v, i) => v / biasCorrection(i + 2, beta)), EMA_MISTAKE.exponentAhead],
      [emaAlphaSeedCorrection(xs, 1 - beta), EMA_MISTAKE.seedMixUp],
    ]);
  };
}

function checks(): Check[] {
  const a = noisy(1, 60), b = noisy(2, 200), c = noisy(3, 40);
  const constant = Array(30).fill(3.5);
  const grads = noisy(4, 25).map((g) => g - 2);
  const out: Check[] = [
    {
      name: "ema: β = 0.9 on a noisy series",
      points: 2,
      fn: "ema",
      args: [a, 0.9],
      expected: ema(a, 0.9),
      diagnose: emaMistakes(a, 0.9),
      nudge:
        "One running value, starting from 0, updated once per sample; each entry of the result is that value after the update.",
      hint: "Keep one running value v = 0; for each x, set v = β·v + (1 − β)·x and record v.",
    },
    {
      name: "ema: β = 0 returns the series itself",
      points: 1,
      fn: "ema",
      args: [[4, -1, 2.5], 0],
      expected: [4, -1, 2.5],
      nudge: "With β = 0 the average keeps nothing of the past.",
      hint: "With β = 0 nothing is remembered: v_t = x_t.",
    },
    {
      name: "ema: empty series",
      points: 1,
      fn: "ema",
      args: [[], 0.9],
      expected: [],
      nudge: "What should an empty series give?",
      hint: "No samples, no averages: return an empty array.",
    },
    {
      name: "ema: β = 0.98, 200 steps",
      points: 2,
      fn: "ema",
      args: [b, 0.98],
      expected: ema(b, 0.98),
      diagnose: emaMistakes(b, 0.98),
      hidden: true,
      nudge:
        "A long series with β close to 1: nothing may be limited to the first steps or to β = 0.9.",
      hint: "v_t = β·v_{t−1} + (1 − β)·x_t from v_0 = 0, for every t up to the series' length.",
    },
    {
      name: "emaDebiased: a constant series is recovered exactly",
      points: 2,
      fn: "emaDebiased",
      args: [constant, 0.9],
      expected: constant,
      diagnose: debiasedMistakes(constant, 0.9),
      nudge:
        "Bias correction exists so that a constant series comes back unchanged from the very first step.",
      hint: "For x_t = c the raw EMA is c·(1 − β^t); dividing by 1 − β^t gives c back.",
    },
    {
      name: "emaDebiased: the first value is the first sample (β = 0.999)",
      points: 1,
      fn: "emaDebiased",
      args: [[0.7], 0.999],
      expected: [0.7],
      nudge: "After the correction the first average is the first sample itself.",
      hint: "v_1 = (1 − β)·x_1, and 1 − β^1 = 1 − β.",
    },
    {
      name: "emaDebiased: β = 0.9 on a noisy series",
      points: 2,
      fn: "emaDebiased",
      args: [a, 0.9],
      expected: emaDebiased(a, 0.9),
      diagnose: debiasedMistakes(a, 0.9),
      nudge:
        "Correct each step of the raw average by how much weight it has gathered so far; count the steps from 1.",
      hint: "Compute the raw EMA and divide step t (counting from 1) by 1 − β^t.",
    },
    {
      name: "emaDebiased: β = 0.98 on a short series",
      points: 2,
      fn: "emaDebiased",
      args: [c, 0.98],
      expected: emaDebiased(c, 0.98),
      diagnose: debiasedMistakes(c, 0.98),
      hidden: true,
      nudge: "With β = 0.98 the correction matters over many more steps than with β = 0.9.",
      hint: "The correction matters most while t is small compared with 1/(1 − β).",
    },
    ...[[1, 0.1], [5, 0.1], [20, 0.3]].map(([t, alpha]): Check => ({
      name: `alphaCorrection: t = ${t}, α = ${alpha}`,
      points: 1,
      fn: "alphaCorrection",
      args: [t, alpha],
      expected: biasCorrection(t, 1 - alpha),
      diagnose: (actual) => matches(actual, [[1 - alpha ** t, EMA_MISTAKE.alphaSeed]]),
      nudge: "In the α convention α weighs the new sample; in the β convention β weighs the past.",
      hint: "Rewrite S_t = α·X_t + (1 − α)·S_{t−1} as v_t = β·v_{t−1} + (1 − β)·x_t: what is β?",
    })),
    {
      name: "adamMoments: β1 = 0.9, β2 = 0.999",
      points: 3,
      fn: "adamMoments",
      args: [grads, 0.9, 0.999],
      expected: { m: emaDebiased(grads, 0.9), v: emaDebiased(grads.map((g) => g * g), 0.999) },
      diagnose: (actual) => {
        const got = (actual ?? {}) as Record<string, unknown>;
        const squares = grads.map((g) => g * g);
        for (const [f, xs, beta] of [["m", grads, 0.9], ["v", squares, 0.999]] as const) {
          if (sameButFirstNotFinite(got[f], exponentFromZero(xs, beta, false))) {
            return EMA_MISTAKE.exponentFromZero;
          }
          const guarded = exponentFromZero(xs, beta, true);
          if (matches(got[f], [[guarded, "hit"]])) return EMA_MISTAKE.exponentFromZeroGuarded;
        }
        return matches(got.v, [[ema(squares, 0.999), EMA_MISTAKE.vRaw]]);
      },
      nudge:
        "m and v are both averages of past gradients, one of the gradients and one of their squares, each with its own β.",
      hint:
        "m̂ is the corrected EMA of the gradients (β1); v̂ the corrected EMA of their squares (β2).",
    },
  ];
  return out;
}

export const emaExercise: Exercise = {
  name: "ema",
  title: "EMA and bias correction",
  notebook: "10_ema_bias_correction.ipynb",
  checks,
};
