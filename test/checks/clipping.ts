/**
 * Graded checks for exercises/clipping.ts (globalNorm, clipGradNorm). Reference values come
 * from lib/optim/clip.ts (`gradNorm`, and `clipGradNorm`, matched to PyTorch's
 * `clip_grad_norm_`), computed in the grader's process on copies of the gradients.
 *
 * clipGradNorm is checked one field at a time — the returned norm, then the clipped
 * gradients — so a failing check points at one thing. Where a wrong answer equals a known
 * mistake (computed below), the feedback names it.
 */

import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { clipGradNorm, clipGradValue, gradNorm } from "../../lib/optim/clip.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

const copy = (gs: readonly Matrix[]) => gs.map((g) => g.clone());
const frobenius = (g: Matrix) => gradNorm([g]);

/** Gradients of a small network: matrices of several shapes, each entry N(0, scale²). */
export function gradients(seed: number, shapes: [number, number][], scale: number): Matrix[] {
  const rng = new Random(seed);
  return shapes.map(([r, c]) => rng.randn(r, c, scale));
}

/** The reference: lib's clipGradNorm on a copy. */
export function clipReference(grads: readonly Matrix[], maxNorm: number) {
  const out = copy(grads);
  const { totalNorm } = clipGradNorm(out, maxNorm);
  return { totalNorm, grads: out };
}

/**
 * The known mistakes, in two tiers: what is wrong (`says`, at the first attempt) and the
 * formula-level fix (once the check's hint unlocks). The unit test matches on these.
 */
export const MISTAKE = {
  sumOfNorms: mistake(
    "that is the sum of the matrices' own norms; the global norm takes all entries together, " +
      "as one long vector",
    "globalNorm = √(Σ over every matrix and every entry of g²), not Σ of each matrix's norm.",
    "sumOfNorms",
  ),
  largestNorm: mistake(
    "that is the largest of the matrices' own norms; the global norm takes every entry of " +
      "every matrix",
    "globalNorm = √(Σ over every matrix and every entry of g²).",
    "largestNorm",
  ),
  firstOnly: mistake(
    "that is the norm of the first matrix only; the global norm takes every matrix",
    "globalNorm = √(Σ over every matrix and every entry of g²).",
    "firstOnly",
  ),
  squared: mistake(
    "that is the squared norm: the square root is missing",
    "globalNorm = √(Σ g²).",
    "squared",
  ),
  postClip: mistake(
    "that is the norm after clipping; PyTorch returns the total norm measured before " +
      "clipping, so you can log how large the gradients really were",
    "Compute totalNorm first, return it, and scale the gradients with it.",
    "postClip",
  ),
  perMatrix: mistake(
    "each matrix was clipped by its own norm; clipping by global norm scales every matrix by " +
      "one common factor, which keeps the direction of the whole gradient",
    "One factor for all: factor = min(1, maxNorm / (globalNorm(grads) + 1e-6)).",
    "perMatrix",
  ),
  scaledUp: mistake(
    "gradients below the limit were scaled up; clipping only ever shrinks them",
    "factor = min(1, maxNorm / (totalNorm + 1e-6)): the factor is capped at 1.",
    "scaledUp",
  ),
  no1e6: mistake(
    "the factor is a hair too large: PyTorch divides by a slightly larger number than the " +
      "norm itself",
    "factor = min(1, maxNorm / (totalNorm + 1e-6)).",
    "no1e6",
  ),
  nanAtZero: mistake(
    "all-zero gradients came back as NaN: 0/0",
    "PyTorch divides by totalNorm + 1e-6, so a zero gradient stays zero.",
    "nanAtZero",
  ),
  byValue: mistake(
    "that is clipping by value (each entry capped at ±maxNorm), which changes the gradient's " +
      "direction; clip by the global norm",
    "Scale every entry by one factor, min(1, maxNorm / (totalNorm + 1e-6)).",
    "byValue",
  ),
  untouchedAtLimit: mistake(
    "a gradient whose norm equals maxNorm exactly was left alone; PyTorch still scales it, " +
      "very slightly",
    "factor = min(1, maxNorm / (totalNorm + 1e-6)) is below 1 at totalNorm = maxNorm.",
    "untouchedAtLimit",
  ),
};

/** Wrong global norms, for globalNorm and for clipGradNorm's totalNorm. */
function wrongNorms(grads: readonly Matrix[]): [unknown, Diagnosis][] {
  const norms = grads.map(frobenius);
  const out: [unknown, Diagnosis][] = [
    [norms.reduce((s, n) => s + n, 0), MISTAKE.sumOfNorms],
    [gradNorm(grads) ** 2, MISTAKE.squared],
  ];
  if (grads.length > 1) {
    out.push([Math.max(...norms), MISTAKE.largestNorm], [norms[0], MISTAKE.firstOnly]);
  }
  return out;
}

/** The gradients scaled by `factor(total)` for the whole list, or per matrix. */
function scaled(grads: readonly Matrix[], factor: (norm: number) => number, perMatrix = false) {
  const total = gradNorm(grads);
  return grads.map((g) => g.map((v) => v * factor(perMatrix ? frobenius(g) : total)));
}

export function diagnoseNorm(grads: readonly Matrix[]) {
  const wrong = wrongNorms(grads);
  return (actual: unknown) => matches<Diagnosis>(actual, wrong);
}

/** A diagnosis for clipGradNorm on the fields the check compares. */
export function diagnoseClip(
  grads: readonly Matrix[],
  maxNorm: number,
  fields: readonly ("totalNorm" | "grads")[],
) {
  const ref = clipReference(grads, maxNorm);
  const total = ref.totalNorm;
  const clippedByValue = copy(grads);
  clipGradValue(clippedByValue, maxNorm);
  // At the limit, leaving the gradients alone is what both a strict `>` test and a missing
  // 1e-6 give (and per-matrix clipping too): name the limit first there.
  const atLimit: [unknown, Diagnosis][] = Math.abs(total - maxNorm) <= 1e-12 * maxNorm
    ? [[copy(grads), MISTAKE.untouchedAtLimit]]
    : [];
  const wrongGrads: [unknown, Diagnosis][] = [
    ...atLimit,
    [scaled(grads, (n) => Math.min(1, maxNorm / (n + 1e-6)), true), MISTAKE.perMatrix],
    [scaled(grads, (n) => maxNorm / (n + 1e-6)), MISTAKE.scaledUp],
    [scaled(grads, (n) => Math.min(1, maxNorm / n)), MISTAKE.no1e6],
    [scaled(grads, (n) => maxNorm / n), MISTAKE.scaledUp], // both: above the limit it is no1e6
    [clippedByValue, MISTAKE.byValue],
  ];
  const wrongTotals: [unknown, Diagnosis][] = [
    [gradNorm(ref.grads), MISTAKE.postClip],
    ...wrongNorms(grads),
  ];
  return (actual: unknown): Diagnosis | undefined => {
    const got = (actual ?? {}) as Record<string, unknown>;
    for (const f of fields) {
      if (matches<string>(got[f], [[ref[f], "same"]]) === "same") continue;
      if (f === "totalNorm") return matches<Diagnosis>(got.totalNorm, wrongTotals);
      const list = Array.isArray(got.grads) ? got.grads : [];
      if (list.some((g) => g instanceof Matrix && g.data.some(Number.isNaN)) && total === 0) {
        return MISTAKE.nanAtZero;
      }
      return matches<Diagnosis>(got.grads, wrongGrads);
    }
    return undefined;
  };
}

/** The formula-level hints (after several failed attempts); the checks' own texts are nudges. */
const NORM_FORMULA = "globalNorm = √(Σ over every matrix and every entry of g²).";
const CLIP_FORMULA = "totalNorm = globalNorm(grads) before clipping; factor = min(1, maxNorm / " +
  "(totalNorm + 1e-6)); multiply every entry of every matrix by factor, in place.";

function clipCheck(
  name: string,
  grads: Matrix[],
  maxNorm: number,
  field: "totalNorm" | "grads",
  points: number,
  nudge: string,
  hidden = false,
): Check {
  const ref = clipReference(grads, maxNorm);
  return {
    name: `clipGradNorm: ${name}`,
    points,
    fn: "clipGradNorm",
    args: [copy(grads), maxNorm],
    expected: { [field]: ref[field] },
    diagnose: diagnoseClip(grads, maxNorm, [field]),
    nudge,
    hint: CLIP_FORMULA,
    hidden,
  };
}

function normCheck(
  name: string,
  grads: Matrix[],
  points: number,
  nudge: string,
  hidden = false,
): Check {
  return {
    name: `globalNorm: ${name}`,
    points,
    fn: "globalNorm",
    args: [copy(grads)],
    expected: gradNorm(grads),
    diagnose: diagnoseNorm(grads),
    nudge,
    hint: NORM_FORMULA,
    hidden,
  };
}

const SHAPES: [number, number][] = [[3, 2], [1, 3], [4, 3], [1, 4]]; // W1, b1, W2, b2

export function checks(): Check[] {
  const big = gradients(5, SHAPES, 2); // global norm ≈ 9: clipped at 1
  const small = gradients(2, SHAPES, 0.05); // global norm ≈ 0.25: left alone at 1
  const huge = gradients(3, [[16, 8], [1, 16], [4, 16], [1, 4]], 40);
  const zeros = SHAPES.map(([r, c]) => new Matrix(r, c));
  const atLimit = gradients(4, SHAPES, 1);
  const limit = gradNorm(atLimit);
  return [
    normCheck(
      "one matrix",
      [Matrix.from([[3, 0, -4], [12, 0, 0]])],
      1,
      "The norm of a matrix here is the length of all its entries taken as one vector.",
    ),
    normCheck(
      "four matrices of different shapes",
      big,
      2,
      "Treat the matrices as pieces of one long vector: every entry of every matrix counts once.",
    ),
    normCheck("no matrices at all", [], 1, "Nothing to add up: the norm of an empty list is 0."),
    normCheck(
      "large gradients",
      huge,
      1,
      "Check gradients with large entries and many matrices.",
      true,
    ),
    clipCheck(
      "above the limit, the norm returned",
      big,
      1,
      "totalNorm",
      2,
      "What does PyTorch return: the norm the gradients had, or the norm they have now?",
    ),
    clipCheck(
      "above the limit, the gradients clipped",
      big,
      1,
      "grads",
      3,
      "One factor for all the matrices, chosen from the global norm so that the result sits just under the limit.",
    ),
    clipCheck(
      "below the limit, left untouched",
      small,
      1,
      "grads",
      2,
      "Clipping is a ceiling, not a target: gradients already inside it must not change.",
    ),
    clipCheck(
      "below the limit, the norm returned",
      small,
      1,
      "totalNorm",
      1,
      "The returned norm is measured the same way whether or not anything is clipped.",
    ),
    clipCheck(
      "all-zero gradients",
      zeros,
      1,
      "grads",
      1,
      "A zero gradient has norm 0: make sure nothing divides by zero.",
    ),
    clipCheck(
      "exactly at the limit",
      atLimit,
      limit,
      "grads",
      1,
      "Follow PyTorch's factor to the letter, even when the norm equals maxNorm.",
      true,
    ),
    clipCheck(
      "large gradients, a tight limit",
      huge,
      0.5,
      "grads",
      2,
      "Check many matrices with large entries too.",
      true,
    ),
  ];
}

export const clippingExercise: Exercise = {
  name: "clipping",
  title: "Clipping by global norm, as PyTorch's clip_grad_norm_",
  notebook: "14_gradient_clipping.ipynb",
  checks,
};
