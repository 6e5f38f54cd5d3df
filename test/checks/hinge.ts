/**
 * Graded checks for exercises/hinge.ts. Reference values come from lib/nn/losses.ts and from
 * numerical gradients (lib/check/gradcheck.ts) of those losses, computed in the grader's process;
 * `diagnose` names the usual mistakes when a result matches one of them.
 */

import { multiMarginLoss, pairwiseHinge } from "../../lib/nn/losses.ts";
import { numericalGradient } from "../../lib/check/gradcheck.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import type { Check, Exercise } from "../../grader/types.ts";
import { matches } from "./diagnose.ts";

type PairResult = { loss: number; dsTrue: number[]; dsCorrupt: number[] };

/** The pairwise hinge with one of the usual mistakes switched on. */
function pairVariant(
  st: number[],
  sc: number[],
  delta: number,
  { swapped = false, sum = false, strict = false, gradSign = 1 } = {},
): PairResult {
  const n = st.length, k = sum ? 1 : 1 / n;
  const out: PairResult = { loss: 0, dsTrue: Array(n).fill(0), dsCorrupt: Array(n).fill(0) };
  for (let i = 0; i < n; i++) {
    const z = swapped ? delta + st[i] - sc[i] : delta - st[i] + sc[i];
    if (strict ? z > 0 : z >= 0) {
      out.loss += z * k;
      out.dsTrue[i] = gradSign * (swapped ? k : -k);
      out.dsCorrupt[i] = gradSign * (swapped ? -k : k);
    }
  }
  return out;
}

function pairMistakes(st: number[], sc: number[], delta: number) {
  return (actual: unknown) =>
    matches(actual, [
      [
        pairVariant(st, sc, delta, { swapped: true }),
        "the signs are flipped: it looks like max(0, Δ + s_true − s_corrupt), the notes' " +
        "misreading (s is the TRUE window's score, s_c the corrupted one's)",
      ],
      [
        pairVariant(st, sc, delta, { sum: true }),
        "it looks like a sum over the batch: divide the loss and the gradients by N",
      ],
      [
        pairVariant(st, sc, delta, { gradSign: -1 }),
        "the loss is right but the gradients have the wrong sign: ∂J/∂s_true is −1/N",
      ],
      [
        pairVariant(st, sc, delta, { strict: true }),
        "on the corner (z = 0) the gradient should pass, as torch.clamp(min=0) gives: " +
        "use z >= 0, not z > 0",
      ],
    ]);
}

/** MultiMarginLoss (p = 1) with one of the usual mistakes switched on. */
function multiVariant(
  scores: Matrix,
  labels: number[],
  margin: number,
  { includeTrue = false, noClassMean = false, sum = false, inclusive = false, swapped = false } =
    {},
): { loss: number; dscores: Matrix } {
  const n = scores.rows, c = scores.cols;
  const k = (noClassMean ? 1 : 1 / c) * (sum ? 1 : 1 / n);
  const dscores = new Matrix(n, c);
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
        dscores.set(i, j, dscores.get(i, j) + s);
        dscores.set(i, y, dscores.get(i, y) - s);
      }
    }
  }
  return { loss, dscores };
}

function multiMistakes(scores: Matrix, labels: number[], margin: number) {
  return (actual: unknown) =>
    matches(actual, [
      [
        multiVariant(scores, labels, margin, { includeTrue: true }),
        "the loss is Δ/C too large per example: the sum must skip j = y (that term is always " +
        "max(0, Δ) = Δ)",
      ],
      [
        multiVariant(scores, labels, margin, { noClassMean: true }),
        "it looks like CS231n's SVM loss without the 1/C: PyTorch's MultiMarginLoss divides " +
        "each example's sum by the number of classes C",
      ],
      [
        multiVariant(scores, labels, margin, { sum: true }),
        "it looks like a sum over the batch: divide by N as well",
      ],
      [
        multiVariant(scores, labels, margin, { swapped: true }),
        "the signs are flipped: the term is max(0, Δ − s_y + s_j), the true class's score " +
        "enters with a minus",
      ],
      [
        multiVariant(scores, labels, margin, { inclusive: true }),
        "on the corner (z = 0) MultiMarginLoss gives no gradient: use z > 0, not z >= 0",
      ],
    ]);
}

function normals(rng: Random, n: number, std = 1): number[] {
  return Array.from({ length: n }, () => rng.normal(0, std));
}

/** Numerical gradients of lib's pairwise hinge with respect to both score arrays. */
function pairNumeric(st: number[], sc: number[], delta: number) {
  const t = new Matrix(1, st.length, st), c = new Matrix(1, sc.length, sc);
  const f = () => pairwiseHinge(Array.from(t.data), Array.from(c.data), delta).loss;
  return {
    dsTrue: Array.from(numericalGradient(f, t).data),
    dsCorrupt: Array.from(numericalGradient(f, c).data),
  };
}

function checks(): Check[] {
  const rng = new Random(303);
  const st = normals(rng, 8), sc = normals(rng, 8);
  const stBig = normals(rng, 50), scBig = normals(rng, 50);
  // Exactly on the corner for pair 0 (1 − 1.5 + 0.5 = 0), active for pair 1, inactive for pair 2.
  const stKink = [1.5, 0.25, 2], scKink = [0.5, 0.5, 0];
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
      name: "pairwiseHinge: 8 random pairs, Δ = 1",
      points: 2,
      fn: "pairwiseHinge",
      args: [st, sc, 1],
      expected: pairwiseHinge(st, sc, 1),
      diagnose: pairMistakes(st, sc, 1),
      hint: "For each pair z = Δ − sTrue[i] + sCorrupt[i]; active pairs add z to the loss and " +
        "get −1/N (true) and +1/N (corrupt); divide the loss by N.",
    },
    {
      name: "pairwiseHinge: gradients agree with a numerical gradient (central difference)",
      points: 2,
      fn: "pairwiseHinge",
      args: [st, sc, 1],
      expected: pairNumeric(st, sc, 1),
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: pairMistakes(st, sc, 1),
      hint: "The gradient is of the batch MEAN, so each entry is ±1/N or 0.",
    },
    {
      name: "pairwiseHinge: a pair exactly on the corner passes the gradient",
      points: 1,
      fn: "pairwiseHinge",
      args: [stKink, scKink, 1],
      expected: pairwiseHinge(stKink, scKink, 1),
      diagnose: pairMistakes(stKink, scKink, 1),
      hint: "PyTorch's clamp(min=0) passes the gradient where its input is ≥ 0.",
    },
    {
      name: "pairwiseHinge: Δ = 0 and every pair ranked correctly costs nothing",
      points: 1,
      fn: "pairwiseHinge",
      args: [[1, 2, 0.5], [0, 1.5, -1], 0],
      expected: { loss: 0, dsTrue: [0, 0, 0], dsCorrupt: [0, 0, 0] },
      hint: "With Δ = 0 a pair is satisfied as soon as sTrue > sCorrupt.",
    },
    {
      name: "pairwiseHinge: 50 pairs, Δ = 0.5",
      points: 2,
      fn: "pairwiseHinge",
      args: [stBig, scBig, 0.5],
      expected: pairwiseHinge(stBig, scBig, 0.5),
      diagnose: pairMistakes(stBig, scBig, 0.5),
      hidden: true,
      hint: "Use the delta argument, not a fixed margin of 1.",
    },
    {
      name: "multiMarginLoss: one row by hand, [2, 0.5, 1.5], true class 0",
      points: 1,
      fn: "multiMarginLoss",
      args: [Matrix.from([[2, 0.5, 1.5]]), [0], 1],
      expected: multiMarginLoss(Matrix.from([[2, 0.5, 1.5]]), [0], 1),
      diagnose: multiMistakes(Matrix.from([[2, 0.5, 1.5]]), [0], 1),
      hint: "Only class 2 is active: z = 1 − 2 + 1.5 = 0.5, and the loss is 0.5 / C with C = 3.",
    },
    {
      name: "multiMarginLoss: 4 × 5 random scores, margin 1",
      points: 2,
      fn: "multiMarginLoss",
      args: [scores, labels, 1],
      expected: multiMarginLoss(scores, labels, 1),
      diagnose: multiMistakes(scores, labels, 1),
      hint: "Sum max(0, margin − s_y + s_j) over j ≠ y, divide by C, then average over rows.",
    },
    {
      name: "multiMarginLoss: dscores agree with a numerical gradient (central difference)",
      points: 2,
      fn: "multiMarginLoss",
      args: [scores, labels, 1],
      expected: {
        dscores: numericalGradient(() => multiMarginLoss(scores, labels, 1).loss, scores),
      },
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: multiMistakes(scores, labels, 1),
      hint: "Each active term sends +1/(C·N) to s_j and −1/(C·N) to s_y.",
    },
    {
      name: "multiMarginLoss: a term exactly on the corner gives no gradient",
      points: 1,
      fn: "multiMarginLoss",
      args: [scoresKink, labelsKink, 1],
      expected: multiMarginLoss(scoresKink, labelsKink, 1),
      diagnose: multiMistakes(scoresKink, labelsKink, 1),
      hint: "PyTorch's MultiMarginLoss counts a term only when z > 0.",
    },
    {
      name: "multiMarginLoss: 20 × 10 scores, margin 0.5",
      points: 2,
      fn: "multiMarginLoss",
      args: [scoresBig, labelsBig, 0.5],
      expected: multiMarginLoss(scoresBig, labelsBig, 0.5),
      diagnose: multiMistakes(scoresBig, labelsBig, 0.5),
      hidden: true,
      hint: "Use the margin argument, and the number of columns for C.",
    },
  ];
}

export const hingeExercise: Exercise = {
  name: "hinge",
  title: "The max-margin (hinge) objective",
  notebook: "03_max_margin.ipynb",
  checks,
};
