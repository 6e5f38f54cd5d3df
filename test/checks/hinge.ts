/**
 * Graded checks for exercises/hinge.ts. Reference values come from lib/nn/losses.ts and from
 * numerical gradients (lib/check/gradcheck.ts) of those losses, computed in the grader's process;
 * `diagnose` names the usual mistakes when a result matches one of them.
 */

import { multiMarginLoss, pairwiseHinge } from "../../lib/nn/losses.ts";
import { numericalGradient } from "../../lib/check/gradcheck.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

type Result = { loss: number; grad: Matrix };

/** The N×2 scores of pairs: column 0 the true window's score, column 1 the corrupted one's. */
const pairs = (st: number[], sc: number[]) => Matrix.from(st.map((s, i) => [s, sc[i]]));

/** The pairwise hinge with one of the usual mistakes switched on. */
function pairVariant(
  scores: Matrix,
  margin: number,
  { swapped = false, sum = false, inclusive = false, gradSign = 1 } = {},
): Result {
  const n = scores.rows, k = sum ? 1 : 1 / n;
  const out: Result = { loss: 0, grad: new Matrix(n, 2) };
  for (let i = 0; i < n; i++) {
    const st = scores.get(i, 0), sc = scores.get(i, 1);
    const z = swapped ? margin + st - sc : margin - st + sc;
    if (inclusive ? z >= 0 : z > 0) {
      out.loss += z * k;
      out.grad.set(i, 0, gradSign * (swapped ? k : -k));
      out.grad.set(i, 1, gradSign * (swapped ? -k : k));
    }
  }
  return out;
}

/** The known mistakes: what is wrong (at once), and the formula-level fix (later). */
export const HINGE_MISTAKE = {
  pairSwapped: mistake(
    "the signs are flipped: the pair costs when the corrupted window wins, not the true one " +
      "(the notes' misreading: column 0 is the TRUE window's score, column 1 the corrupted one's)",
    "z = Δ − s_true + s_corrupt, and the pair costs max(0, z).",
    "pairSwapped",
  ),
  pairSum: mistake(
    "the loss and gradients are N times too large: it looks like a sum over the batch",
    "Divide the loss and every gradient entry by N.",
    "pairSum",
  ),
  pairGradSign: mistake(
    "the loss is right but the gradients have the wrong sign",
    "An active pair gets ∂J/∂s_true = −1/N and ∂J/∂s_corrupt = +1/N.",
    "pairGradSign",
  ),
  atMargin: mistake(
    "a term exactly at the margin (z = 0) counts; relu and MultiMarginLoss treat it as inactive",
    "Count a term only when z > 0, not z >= 0.",
    "atMargin",
  ),
  includeTrue: mistake(
    "the loss is Δ/C too large per example: the true class's own term is counted",
    "Sum over j ≠ y only (the j = y term is always max(0, Δ) = Δ).",
    "includeTrue",
  ),
  noClassMean: mistake(
    "it looks like CS231n's SVM loss without the division by the number of classes, which " +
      "PyTorch's MultiMarginLoss makes",
    "Divide each example's sum by C, then average over the N rows.",
    "noClassMean",
  ),
  multiSum: mistake(
    "the loss and gradients are N times too large: it looks like a sum over the batch",
    "Divide by N as well as by C.",
    "multiSum",
  ),
  multiSwapped: mistake(
    "the signs are flipped: the true class's score enters the term with the wrong sign",
    "The term is max(0, Δ − s_y + s_j).",
    "multiSwapped",
  ),
};

function pairMistakes(scores: Matrix, margin: number) {
  return (actual: unknown) =>
    matches<Diagnosis>(actual, [
      [pairVariant(scores, margin, { swapped: true }), HINGE_MISTAKE.pairSwapped],
      [pairVariant(scores, margin, { sum: true }), HINGE_MISTAKE.pairSum],
      [pairVariant(scores, margin, { gradSign: -1 }), HINGE_MISTAKE.pairGradSign],
      [pairVariant(scores, margin, { inclusive: true }), HINGE_MISTAKE.atMargin],
    ]);
}

/** MultiMarginLoss (p = 1) with one of the usual mistakes switched on. */
function multiVariant(
  scores: Matrix,
  labels: number[],
  margin: number,
  { includeTrue = false, noClassMean = false, sum = false, inclusive = false, swapped = false } =
    {},
): Result {
  const n = scores.rows, c = scores.cols;
  const k = (noClassMean ? 1 : 1 / c) * (sum ? 1 : 1 / n);
  const grad = new Matrix(n, c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    for (let j = 0; j < c; j++) {
      if (j === y && !includeTrue) continue;
      const z = swapped
        ? margin + scores.get(i, y) - scores.get(i, j)
        : margin - scores.get(i, y) + scores.get(i, j);
      if (inclusive ? z >= 0 : z > 0) {
        loss += z * k;
        const s = swapped ? -k : k;
        grad.set(i, j, grad.get(i, j) + s);
        grad.set(i, y, grad.get(i, y) - s);
      }
    }
  }
  return { loss, grad };
}

function multiMistakes(scores: Matrix, labels: number[], margin: number) {
  return (actual: unknown) =>
    matches<Diagnosis>(actual, [
      [multiVariant(scores, labels, margin, { includeTrue: true }), HINGE_MISTAKE.includeTrue],
      [multiVariant(scores, labels, margin, { noClassMean: true }), HINGE_MISTAKE.noClassMean],
      [multiVariant(scores, labels, margin, { sum: true }), HINGE_MISTAKE.multiSum],
      [multiVariant(scores, labels, margin, { swapped: true }), HINGE_MISTAKE.multiSwapped],
      [multiVariant(scores, labels, margin, { inclusive: true }), HINGE_MISTAKE.atMargin],
    ]);
}

function normals(rng: Random, n: number, std = 1): number[] {
  return Array.from({ length: n }, () => rng.normal(0, std));
}

/** The numerical gradient of lib's pairwise hinge with respect to the N×2 scores. */
function pairNumeric(scores: Matrix, margin: number) {
  const x = scores.clone();
  return { grad: numericalGradient(() => pairwiseHinge(x, { margin }).loss, x) };
}

function checks(): Check[] {
  const rng = new Random(303);
  const st = normals(rng, 8), sc = normals(rng, 8);
  const stBig = normals(rng, 50), scBig = normals(rng, 50);
  const small = pairs(st, sc), big = pairs(stBig, scBig);
  // Exactly at the margin for pair 0 (1 − 1.5 + 0.5 = 0), active for pair 1, inactive for pair 2.
  const kink = pairs([1.5, 0.25, 2], [0.5, 0.5, 0]);
  const scores = new Matrix(4, 5).map(() => rng.normal());
  const labels = [2, 0, 4, 1];
  const scoresBig = new Matrix(20, 10).map(() => rng.normal(0, 0.5));
  const labelsBig = Array.from({ length: 20 }, (_, i) => (i * 7) % 10);
  // Row 0: class 2 is exactly on the corner (1 − 2 + 1 = 0); row 1: class 0 active.
  const scoresKink = Matrix.from([[2, -1, 1], [0.5, 0.25, -2]]);
  const labelsKink = [0, 1];
  const kinkFree = (s: Matrix, y: number[], m: number) =>
    s.data.every((v, k) => {
      const i = Math.floor(k / s.cols), j = k % s.cols;
      return j === y[i] || Math.abs(m - s.get(i, y[i]) + v) > 1e-3;
    });
  if (!kinkFree(scores, labels, 1) || st.some((s, i) => Math.abs(1 - s + sc[i]) < 1e-3)) {
    throw new Error("hinge checks: a numerical-gradient input lies on a corner; pick another seed");
  }

  return [
    {
      name: "pairwiseHinge: 8 random pairs, margin 1",
      points: 2,
      fn: "pairwiseHinge",
      args: [small, { margin: 1 }],
      expected: pairwiseHinge(small, { margin: 1 }),
      diagnose: pairMistakes(small, 1),
      nudge: "Each row is a pair (true score, corrupted score); a pair costs only when the true " +
        "score does not beat the corrupted one by the margin, and the loss is a batch mean.",
      hint: "For row i, z = margin − scores[i][0] + scores[i][1]; active pairs add z to the " +
        "loss and get −1/N (column 0) and +1/N (column 1); divide the loss by N.",
    },
    {
      name: "pairwiseHinge: grad agrees with a numerical gradient (central difference)",
      points: 2,
      fn: "pairwiseHinge",
      args: [small, { margin: 1 }],
      expected: pairNumeric(small, 1),
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: pairMistakes(small, 1),
      nudge: "The loss is a mean over the batch: how large can one entry of its gradient be?",
      hint: "The gradient is of the batch MEAN, so each entry is ±1/N or 0.",
    },
    {
      name: "pairwiseHinge: a pair exactly at the margin is inactive",
      points: 1,
      fn: "pairwiseHinge",
      args: [kink, { margin: 1 }],
      expected: pairwiseHinge(kink, { margin: 1 }),
      diagnose: pairMistakes(kink, 1),
      nudge: "A pair exactly at the margin: does it cost anything, and does it get a gradient?",
      hint: "Count a pair only when z > 0, as relu and PyTorch's MultiMarginLoss do.",
    },
    {
      name: "pairwiseHinge: margin 0 and every pair ranked correctly costs nothing",
      points: 1,
      fn: "pairwiseHinge",
      args: [pairs([1, 2, 0.5], [0, 1.5, -1]), { margin: 0 }],
      expected: { loss: 0, grad: new Matrix(3, 2) },
      nudge: "With margin 0 a correctly ranked pair costs nothing.",
      hint: "With margin 0 a pair is satisfied as soon as its true score beats the corrupted one.",
    },
    {
      name: "pairwiseHinge: 50 pairs, margin 0.5",
      points: 2,
      fn: "pairwiseHinge",
      args: [big, { margin: 0.5 }],
      expected: pairwiseHinge(big, { margin: 0.5 }),
      diagnose: pairMistakes(big, 0.5),
      hidden: true,
      nudge: "Nothing may assume a margin of 1.",
      hint: "Use o.margin, not a fixed margin of 1.",
    },
    {
      name: "multiMarginLoss: one row by hand, [2, 0.5, 1.5], true class 0",
      points: 1,
      fn: "multiMarginLoss",
      args: [Matrix.from([[2, 0.5, 1.5]]), [0], { margin: 1 }],
      expected: multiMarginLoss(Matrix.from([[2, 0.5, 1.5]]), [0], { margin: 1 }),
      diagnose: multiMistakes(Matrix.from([[2, 0.5, 1.5]]), [0], 1),
      nudge:
        "Work this row by hand: which classes come within the margin of the true one, and what is the loss divided by?",
      hint: "Only class 2 is active: z = 1 − 2 + 1.5 = 0.5, and the loss is 0.5 / C with C = 3.",
    },
    {
      name: "multiMarginLoss: 4 × 5 random scores, margin 1",
      points: 2,
      fn: "multiMarginLoss",
      args: [scores, labels, { margin: 1 }],
      expected: multiMarginLoss(scores, labels, { margin: 1 }),
      diagnose: multiMistakes(scores, labels, 1),
      nudge:
        "Each wrong class within the margin of the true one costs; PyTorch divides by the number of classes, then averages over rows.",
      hint: "Sum max(0, margin − s_y + s_j) over j ≠ y, divide by C, then average over rows.",
    },
    {
      name: "multiMarginLoss: grad agrees with a numerical gradient (central difference)",
      points: 2,
      fn: "multiMarginLoss",
      args: [scores, labels, { margin: 1 }],
      expected: {
        grad: numericalGradient(() => multiMarginLoss(scores, labels, { margin: 1 }).loss, scores),
      },
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: multiMistakes(scores, labels, 1),
      nudge:
        "Each active term touches two scores, the wrong class's and the true class's, in opposite directions.",
      hint: "Each active term sends +1/(C·N) to s_j and −1/(C·N) to s_y.",
    },
    {
      name: "multiMarginLoss: a term exactly at the margin is inactive",
      points: 1,
      fn: "multiMarginLoss",
      args: [scoresKink, labelsKink, { margin: 1 }],
      expected: multiMarginLoss(scoresKink, labelsKink, { margin: 1 }),
      diagnose: multiMistakes(scoresKink, labelsKink, 1),
      nudge: "A term exactly at the margin: does it cost anything, and does it get a gradient?",
      hint: "PyTorch's MultiMarginLoss counts a term only when z > 0.",
    },
    {
      name: "multiMarginLoss: 20 × 10 scores, margin 0.5",
      points: 2,
      fn: "multiMarginLoss",
      args: [scoresBig, labelsBig, { margin: 0.5 }],
      expected: multiMarginLoss(scoresBig, labelsBig, { margin: 0.5 }),
      diagnose: multiMistakes(scoresBig, labelsBig, 0.5),
      hidden: true,
      nudge: "Nothing may assume a margin of 1 or a number of classes.",
      hint: "Use o.margin, and the number of columns for C.",
    },
  ];
}

export const hingeExercise: Exercise = {
  name: "hinge",
  title: "The max-margin (hinge) objective",
  notebook: "03_max_margin.ipynb",
  checks,
};
