/**
 * Graded checks for exercises/expected_improvement.ts. Reference values come from
 * lib/search/acquisition.ts (`expectedImprovement`, the closed form checked against scipy in
 * test/unit/search_gp.test.ts) and lib/search/gp.ts, computed in the grader's process.
 *
 * Where a wrong answer equals a known mistake (the improvement measured upwards, the
 * exploration term left out, z not divided by σ, σ = 0 not handled, the lowest mean or the
 * largest σ chosen instead of the largest EI), the feedback names it.
 */

import { Random } from "../../lib/core/random.ts";
import { expectedImprovement as ei } from "../../lib/search/acquisition.ts";
import { gpFit } from "../../lib/search/gp.ts";
import { normalCdf, normalPdf } from "../../lib/search/normal.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";
import { compare } from "../../grader/compare.ts";

/**
 * The known mistakes, each in two tiers: what is wrong (at once) and the formula-level fix
 * (once the check's hint unlocks); the unit test matches on these.
 */
export const MISTAKE = {
  upwards: () =>
    mistake(
      "the improvement is measured upwards, the mean above the best: the search minimises, so " +
        "an improvement is a value below the best",
      "The gain is best − ξ − μ, positive when the mean is below the best.",
      "upwards",
    ),
  noExploration: () =>
    mistake(
      "the uncertainty term is missing: EI then rewards only a low mean and never the " +
        "uncertainty, so the search stops exploring",
      "EI = (best − ξ − μ)·Φ(z) + σ·φ(z): keep the σ·φ(z) term.",
      "noExploration",
    ),
  noExploitationTerm: () =>
    mistake(
      "the term for the expected gain of the mean is missing: only the uncertainty is rewarded",
      "EI = (best − ξ − μ)·Φ(z) + σ·φ(z): keep the (best − ξ − μ)·Φ(z) term.",
      "noExploitationTerm",
    ),
  zNotScaled: () =>
    mistake(
      "z is not measured in standard deviations: the gain is used as it is",
      "z = (best − ξ − μ)/σ, the gain in standard deviations.",
      "zNotScaled",
    ),
  xiSign: () =>
    mistake(
      "ξ pushes the wrong way: it is added to the best value, so EI demands less improvement " +
        "instead of more",
      "The gain is best − ξ − μ: EI asks for improvement by at least ξ.",
      "xiSign",
    ),
  zeroStd: () =>
    mistake(
      "NaN where σ = 0: a prediction without uncertainty makes z a division by zero, yet its " +
        "improvement is simply certain",
      "Where σ = 0, EI = max(0, best − ξ − μ).",
      "zeroStd",
    ),
  lowestMean: () =>
    mistake(
      "the candidate with the lowest mean was chosen: that ignores the uncertainty (pure " +
        "exploitation)",
      "Choose the candidate with the largest expected improvement.",
      "lowestMean",
    ),
  largestStd: () =>
    mistake(
      "the candidate with the largest σ was chosen: that ignores the mean (pure exploration)",
      "Choose the candidate with the largest expected improvement.",
      "largestStd",
    ),
  smallestEi: () =>
    mistake(
      "the smallest expected improvement was chosen",
      "Take the largest expected improvement (the argmax, not the argmin).",
      "smallestEi",
    ),
  eiFirst: () =>
    mistake(
      "the EI reported for the chosen candidate is not its expected improvement: the choice is " +
        "made with your expectedImprovement, so that mistake decides it",
      "Put expectedImprovement right first (its own checks say how); maximiseEi then keeps the " +
        "candidate with the largest EI = (best − ξ − μ)·Φ(z) + σ·φ(z).",
      "eiFirst",
    ),
  lastOnTies: () =>
    mistake(
      "on equal EI the last candidate was kept: the first one counts",
      "Replace the best candidate only on a strictly larger EI (>, not ≥).",
      "lastOnTies",
    ),
};

type EiBug = "upwards" | "noExploration" | "noExploitationTerm" | "zNotScaled" | "xiSign";

/** EI with one known mistake, written independently of lib/. */
function eiVariant(mean: number, std: number, best: number, xi: number, bug: EiBug): number {
  const gain = bug === "upwards"
    ? mean - best - xi
    : bug === "xiSign"
    ? best + xi - mean
    : best - xi - mean;
  if (std === 0) return Math.max(0, gain);
  const z = bug === "zNotScaled" ? gain : gain / std;
  if (bug === "noExploration") return gain * normalCdf(z);
  if (bug === "noExploitationTerm") return std * normalPdf(z);
  return gain * normalCdf(z) + std * normalPdf(z);
}

function eiMistakes(means: number[], stds: number[], best: number, xi: number) {
  const all = (bug: EiBug) => means.map((m, i) => eiVariant(m, stds[i], best, xi, bug));
  return (actual: unknown) => {
    if (Array.isArray(actual) && stds.some((s, i) => s === 0 && Number.isNaN(actual[i]))) {
      return MISTAKE.zeroStd();
    }
    return matches(actual, [
      [all("upwards"), MISTAKE.upwards()],
      [all("noExploration"), MISTAKE.noExploration()],
      [all("noExploitationTerm"), MISTAKE.noExploitationTerm()],
      [all("zNotScaled"), MISTAKE.zNotScaled()],
      [all("xiSign"), MISTAKE.xiSign()],
    ]);
  };
}

/** The reference of `maximiseEi`. */
export function referenceMax(
  means: readonly number[],
  stds: readonly number[],
  best: number,
  xi: number,
) {
  let index = 0, value = -Infinity;
  means.forEach((m, i) => {
    const e = ei(m, stds[i], best, xi);
    if (e > value) [index, value] = [i, e];
  });
  return { index, ei: value };
}

const LOOSE = { rtol: 1e-6, atol: 1e-12 };

function maxMistakes(means: number[], stds: number[], best: number, xi: number) {
  const eis = means.map((m, i) => ei(m, stds[i], best, xi));
  const argBy = (v: number[], better: (a: number, b: number) => boolean) =>
    v.reduce((bi, x, i) => (better(x, v[bi]) ? i : bi), 0);
  const last = eis.lastIndexOf(Math.max(...eis));
  return (actual: unknown) => {
    if (!actual || typeof actual !== "object") return undefined;
    const { index, ei: reported } = actual as { index?: unknown; ei?: unknown };
    // The learner's own EI ranked the candidates: when it is wrong, that is the mistake to name
    // (the choice then often looks like another known mistake, or like nothing).
    const at = typeof index === "number" ? eis[index] : undefined;
    // (loosely: suggestNext's GP predictions may differ from the grader's in the last digits)
    if (typeof reported === "number" && at !== undefined && compare(reported, at, LOOSE)) {
      return MISTAKE.eiFirst();
    }
    const idx = { index };
    if (idx.index === referenceMax(means, stds, best, xi).index) return undefined; // the EI is off
    return matches(idx, [
      [{ index: argBy(means, (a, b) => a < b) }, MISTAKE.lowestMean()],
      [{ index: argBy(stds, (a, b) => a > b) }, MISTAKE.largestStd()],
      [{ index: argBy(eis, (a, b) => a < b) }, MISTAKE.smallestEi()],
      ...(last !== referenceMax(means, stds, best, xi).index
        ? [[{ index: last }, MISTAKE.lastOnTies()] as [unknown, Diagnosis]]
        : []),
    ]);
  };
}

/** A GP problem for `suggestNext`: observations of a 2-D function and candidates. */
export function gpProblem(seed: number, n: number, nCand: number) {
  const rng = new Random(seed);
  const f = (x: number[]) => Math.sin(6 * x[0]) + (x[1] - 0.4) ** 2;
  const X = Array.from({ length: n }, () => [rng.next(), rng.next()]);
  const y = X.map(f);
  const candidates = Array.from({ length: nCand }, () => [rng.next(), rng.next()]);
  const gp = gpFit(X, y, { kernel: "matern52", lengthScale: 0.2, noise: 1e-6, normalizeY: true });
  const { mean, std } = gp.predict(candidates);
  return { X, y, candidates, mean, std, best: Math.min(...y) };
}

/** Every check of the exercise, in the order a learner meets them. */
export function checks(): Check[] {
  const means = [0.2, 0.5, 0.8, -0.1, 0.45, 3];
  const stds = [0.3, 0.1, 0.6, 0.05, 1, 0.5];
  const best = 0.4;
  const zeroMeans = [0.3, 0.7, 0.4], zeroStds = [0, 0, 0];
  // the lowest mean (a sure small gain), the largest σ (a mean far above best) and the largest
  // EI are three different candidates
  const cMeans = [0.35, 0.6, 0.5, 1.5, 0.9], cStds = [0.01, 0.5, 0.45, 0.8, 0.05];
  const tieMeans = [0.5, 0.3, 0.3, 0.6], tieStds = [0.2, 0.1, 0.1, 0.4];
  const rng = new Random(77);
  const hMeans = Array.from({ length: 40 }, () => rng.normal(0, 1));
  const hStds = Array.from({ length: 40 }, (_, i) => (i % 7 === 0 ? 0 : rng.next() * 2));
  const g = gpProblem(5, 12, 200), gh = gpProblem(9, 20, 300);
  const many = (m: number[], s: number[], b: number, xi: number) =>
    m.map((v, i) => ei(v, s[i], b, xi));
  return [
    {
      name: "expectedImprovement: six predictions, best 0.4, ξ = 0",
      nudge:
        "The expected improvement has two parts: one for how far the mean lies below the best, one for how wide the prediction is.",
      points: 3,
      fn: "eiMany",
      args: [means, stds, best, 0],
      expected: many(means, stds, best, 0),
      rtol: 1e-10,
      diagnose: eiMistakes(means, stds, best, 0),
      hint:
        "Split the expectation of max(0, best − f) where f crosses best: one term for how far " +
        "below the mean is, one for how wide the distribution is.",
    },
    {
      name: "expectedImprovement: the same with ξ = 0.1",
      nudge: "ξ raises the bar: only values below the best minus ξ count as an improvement.",
      points: 1,
      fn: "eiMany",
      args: [means, stds, best, 0.1],
      expected: many(means, stds, best, 0.1),
      rtol: 1e-10,
      diagnose: eiMistakes(means, stds, best, 0.1),
      hint: "ξ raises the bar: only values below best − ξ count as an improvement.",
    },
    {
      name: "expectedImprovement: σ = 0 (a certain prediction) is max(0, best − ξ − μ)",
      nudge: "With no uncertainty the improvement is certain: what is it, and can it be negative?",
      points: 1,
      fn: "eiMany",
      args: [zeroMeans, zeroStds, best, 0],
      expected: many(zeroMeans, zeroStds, best, 0),
      diagnose: eiMistakes(zeroMeans, zeroStds, best, 0),
      hint: "With no uncertainty, what is the expected value of max(0, best − μ)?",
    },
    {
      name: "maximiseEi: five candidates (largest EI, not lowest mean nor largest σ)",
      nudge:
        "Rank candidates by their expected improvement, not by their mean or their uncertainty.",
      points: 2,
      fn: "maximiseEi",
      args: [cMeans, cStds, best, 0],
      expected: referenceMax(cMeans, cStds, best, 0),
      rtol: 1e-10,
      diagnose: maxMistakes(cMeans, cStds, best, 0),
      hint: "Score every candidate with your expectedImprovement and keep the best score.",
    },
    {
      name: "maximiseEi: two candidates with the same largest EI: the first",
      nudge:
        "On a tie the first candidate must stay: look at the comparison that replaces the current choice.",
      points: 1,
      fn: "maximiseEi",
      args: [tieMeans, tieStds, best, 0],
      expected: referenceMax(tieMeans, tieStds, best, 0),
      rtol: 1e-10,
      diagnose: maxMistakes(tieMeans, tieStds, best, 0),
      hint: "Replace the current choice only when a later EI is strictly larger.",
    },
    {
      name: "suggestNext: a GP fitted to 12 observations, 200 candidates",
      nudge:
        "Check what the best is (we minimise) and that the GP's predictions go to your maximiseEi.",
      points: 2,
      fn: "suggestNext",
      args: [g.X, g.y, g.candidates, 0],
      expected: referenceMax(g.mean, g.std, g.best, 0),
      rtol: 1e-8,
      diagnose: maxMistakes(g.mean, g.std, g.best, 0),
      hint:
        "The GP's predictions are passed to your maximiseEi; the best is the lowest observed y.",
    },
    {
      name: "expectedImprovement: 40 predictions, some with σ = 0",
      nudge: "Look at what your code does when a prediction has no uncertainty.",
      points: 2,
      fn: "eiMany",
      args: [hMeans, hStds, 0.1, 0.01],
      expected: many(hMeans, hStds, 0.1, 0.01),
      rtol: 1e-10,
      diagnose: eiMistakes(hMeans, hStds, 0.1, 0.01),
      hidden: true,
      hint: "Handle σ = 0 before dividing by it.",
    },
    {
      name: "suggestNext: 20 observations, 300 candidates, ξ = 0.05",
      nudge: "Check that ξ reaches every expected improvement.",
      points: 1,
      fn: "suggestNext",
      args: [gh.X, gh.y, gh.candidates, 0.05],
      expected: referenceMax(gh.mean, gh.std, gh.best, 0.05),
      rtol: 1e-8,
      diagnose: maxMistakes(gh.mean, gh.std, gh.best, 0.05),
      hidden: true,
      hint: "Pass ξ through to every EI.",
    },
  ];
}

export const expectedImprovementExercise: Exercise = {
  name: "expected_improvement",
  title: "Expected improvement and its maximisation over candidates",
  notebook: "30_bayesian_optimisation.ipynb",
  checks,
};
