/**
 * Graded checks for exercises/softmax.ts. Reference values come from lib/nn/layers/softmax.ts
 * (`softmaxForward`), lib/nn/losses.ts (`softmaxCrossEntropy`) and a numerical gradient of that
 * loss (lib/check/gradcheck.ts), computed in the grader's process.
 *
 * The loss and its gradient are checked apart, so a right loss with a wrong gradient earns the
 * loss's points. Where a wrong answer equals a known mistake (computed below by
 * {@link softmaxVariant}), or is NaN/Infinity where large scores make the usual mistakes blow up,
 * the feedback names it.
 */

import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { softmaxForward } from "../../lib/nn/layers/softmax.ts";
import { softmaxCrossEntropy } from "../../lib/nn/losses.ts";
import { numericalGradient } from "../../lib/check/gradcheck.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { compare } from "../../grader/compare.ts";
import { matches } from "./diagnose.ts";

/**
 * The known mistakes, each in two tiers: what is wrong (`says`, shown at the first attempt, no
 * formula) and the formula-level fix (shown once the check's hint unlocks). One id per mistake,
 * so a mistake that fails several checks is stated once. The unit test matches on these.
 */
export const MISTAKE = {
  noShift: (): Diagnosis => ({
    id: "noShift",
    says: "NaN or Infinity on large scores, where the reference is finite: the exponentials " +
      "overflow (e^s is Infinity once s > 709, and 0 once s < −745, which makes 0/0)",
    formula: "Subtract each row's maximum m before exponentiating: softmax(s − m) = softmax(s), " +
      "and every exponent is then ≤ 0.",
  }),
  logOfSoftmax: (): Diagnosis => ({
    id: "logOfSoftmax",
    says: "the loss is Infinity: the true class scores hundreds below the best class, its " +
      "probability underflowed to 0, and the log of 0 is −∞",
    formula: "Take log-softmax directly, log p_y = (s_y − m) − log Σ_j e^{s_j − m}, which never " +
      "takes the log of 0.",
  }),
  lossSum: (): Diagnosis => ({
    id: "lossSum",
    says: "the loss is N times too large, N being the number of rows: it is summed over the " +
      "batch, not averaged",
    formula: "L = (1/N)·Σ_i (log Σ_j e^{s_ij} − s_{i,y_i}).",
  }),
  lseOnly: (): Diagnosis => ({
    id: "lseOnly",
    says: "the loss is the log of the sum of the exponentials alone: the true class's score " +
      "is not subtracted",
    formula: "L = log Σ_j e^{s_j} − s_y = −log softmax(s)_y.",
  }),
  shiftNotAddedBack: (): Diagnosis => ({
    id: "shiftNotAddedBack",
    says: "the loss is off by each row's maximum score: the shift was taken out of the " +
      "exponent but not added back",
    formula: "log Σ_j e^{s_j} = m + log Σ_j e^{s_j − m}.",
  }),
  lossSign: (): Diagnosis => ({
    id: "lossSign",
    says: "the loss has the wrong sign: cross-entropy is never below 0",
    formula: "cross-entropy is −log softmax(s)_y ≥ 0.",
  }),
  gradNoMean: (): Diagnosis => ({
    id: "gradNoMean",
    says: "grad is N times too large, N being the number of rows: the loss is the mean over " +
      "the rows, but its gradient is not divided by N",
    formula: "∂L/∂s = (softmax − one-hot)/N.",
  }),
  gradSign: (): Diagnosis => ({
    id: "gradSign",
    says: "grad has the wrong sign: it points downhill instead of uphill",
    formula: "∂L/∂s = (softmax − one-hot)/N, not (one-hot − softmax)/N.",
  }),
  noOnehot: (): Diagnosis => ({
    id: "noOnehot",
    says: "grad is the softmax divided by N: the true class's −1 is missing, so the rows of " +
      "grad do not sum to 0",
    formula: "The −s_y term of the loss gives −1 at j = y: ∂L/∂s_j = (p_j − [j = y])/N.",
  }),
  columns: (): Diagnosis => ({
    id: "columns",
    says: "each column sums to 1, not each row: softmax normalises over the classes of one " +
      "example (a row), not over the batch",
    formula: "p[i][j] = e^{s_ij} / Σ_k e^{s_ik}, the sum running over row i.",
  }),
  notNormalised: (): Diagnosis => ({
    id: "notNormalised",
    says: "the rows do not sum to 1: the exponentials are not divided by their row's sum",
    formula: "p[i][j] = e^{s_ij − m_i} / Σ_k e^{s_ik − m_i}.",
  }),
};

/** The known mistakes {@link softmaxVariant} can make, one flag each. */
export interface SoftmaxBugs {
  lossSum?: boolean;
  lseOnly?: boolean;
  shiftNotAddedBack?: boolean;
  lossSign?: boolean;
  gradNoMean?: boolean;
  gradSign?: boolean;
  noOnehot?: boolean;
}

/** Softmax cross-entropy computed stably, with the mistakes of `bugs` switched on. */
export function softmaxVariant(
  scores: Matrix,
  labels: readonly number[],
  bugs: SoftmaxBugs = {},
): { loss: number; grad: Matrix } {
  const N = scores.rows, C = scores.cols;
  const grad = new Matrix(N, C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const row = scores.row(i), y = labels[i];
    const m = Math.max(...row);
    const e = row.map((s) => Math.exp(s - m));
    const lse = Math.log(e.reduce((t, v) => t + v, 0));
    const term = bugs.lseOnly ? m + lse : bugs.shiftNotAddedBack ? lse - row[y] : m + lse - row[y];
    loss += bugs.lossSign ? -term : term;
    for (let j = 0; j < C; j++) {
      const g = Math.exp(row[j] - m - lse) - (bugs.noOnehot || j !== y ? 0 : 1);
      grad.set(i, j, (bugs.gradSign ? -g : g) / (bugs.gradNoMean ? 1 : N));
    }
  }
  return { loss: bugs.lossSum ? loss : loss / N, grad };
}

const finite = (v: unknown): boolean =>
  typeof v === "number"
    ? Number.isFinite(v)
    : v instanceof Matrix
    ? v.data.every(Number.isFinite)
    : true;

const maxAbs = (m: Matrix) => m.data.reduce((t, v) => Math.max(t, Math.abs(v)), 0);

/** True when some true class scores so far below its row's best that e^{s_y − m} is 0. */
const underflows = (scores: Matrix, labels: readonly number[]) =>
  labels.some((y, i) => Math.exp(scores.get(i, y) - Math.max(...scores.row(i))) === 0);

/** Names the mistake behind a wrong `{ loss, grad }` (only the fields the check compares). */
function lossMistakes(scores: Matrix, labels: readonly number[], fields: ("loss" | "grad")[]) {
  const wrong = (bugs: SoftmaxBugs, field: "loss" | "grad") => ({
    [field]: softmaxVariant(scores, labels, bugs)[field],
  });
  return (actual: unknown): Diagnosis | undefined => {
    if (!actual || typeof actual !== "object") return undefined;
    const a = actual as { loss?: unknown; grad?: unknown };
    const blown = fields.filter((f) => !finite(a[f]));
    if (blown.length) {
      if (
        blown.length === 1 && blown[0] === "loss" && a.loss === Infinity &&
        underflows(scores, labels)
      ) return MISTAKE.logOfSoftmax();
      return maxAbs(scores) > 700 ? MISTAKE.noShift() : undefined;
    }
    const right = softmaxVariant(scores, labels);
    for (const field of fields) {
      if (!compare(a[field], right[field], { rtol: 1e-9, atol: 1e-12 })) continue; // not wrong
      const message = field === "loss"
        ? matches<Diagnosis>({ loss: a.loss }, [
          [wrong({ lossSum: true }, "loss"), MISTAKE.lossSum()],
          [wrong({ lseOnly: true }, "loss"), MISTAKE.lseOnly()],
          [wrong({ shiftNotAddedBack: true }, "loss"), MISTAKE.shiftNotAddedBack()],
          [wrong({ lossSign: true }, "loss"), MISTAKE.lossSign()],
        ])
        : matches<Diagnosis>({ grad: a.grad }, [
          [wrong({ gradNoMean: true }, "grad"), MISTAKE.gradNoMean()],
          [wrong({ gradSign: true }, "grad"), MISTAKE.gradSign()],
          [wrong({ noOnehot: true }, "grad"), MISTAKE.noOnehot()],
        ]);
      if (message) return message;
    }
    return undefined;
  };
}

/** Names the mistake behind a wrong softmax. */
function softmaxMistakes(scores: Matrix) {
  const exps = scores.map((v, i) => Math.exp(v - Math.max(...scores.row(i))));
  const byColumn = scores.map((v, _i, j) => {
    const col = Array.from({ length: scores.rows }, (_, k) => scores.get(k, j));
    const m = Math.max(...col);
    return Math.exp(v - m) / col.reduce((t, s) => t + Math.exp(s - m), 0);
  });
  return (actual: unknown): Diagnosis | undefined => {
    if (actual instanceof Matrix && !finite(actual)) {
      return maxAbs(scores) > 700 ? MISTAKE.noShift() : undefined;
    }
    return matches<Diagnosis>(actual, [
      [byColumn, MISTAKE.columns()],
      [exps, MISTAKE.notNormalised()],
      [scores.map(Math.exp), MISTAKE.notNormalised()],
    ]);
  };
}

/** Every check of the exercise, in the order a learner meets them. */
export function checks(): Check[] {
  const rng = new Random(505);
  const scores = new Matrix(4, 5).map(() => rng.normal(0, 2));
  const labels = [1, 4, 0, 2];
  // The same rows shifted by ±1000: softmax and the loss do not change, naive code overflows.
  const shifted = new Matrix(8, 5).map((_, i, j) => scores.get(i % 4, j) + (i < 4 ? 1000 : -1000));
  const large = Matrix.from([
    [800, 805, 790, 812],
    [-750, -760, -748, -755],
    [1500, 1490, 1510, 1505],
  ]);
  const largeLabels = [1, 0, 3];
  // Row 0: the true class scores 800 below the best: loss ≈ 800, probability 0 in float64.
  const hopeless = Matrix.from([[0, 800, 10], [1, 2, 3]]);
  const hopelessLabels = [0, 2];
  const zeros = new Matrix(3, 4);
  const zeroLabels = [0, 3, 1];
  const hiddenScores = new Matrix(30, 10).map(() => rng.normal(0, 3));
  const hiddenLabels = Array.from({ length: 30 }, (_, i) => (i * 7) % 10);
  const hiddenSoftmax = new Matrix(12, 7).map(() => rng.normal(0, 4));
  const x = scores.clone();
  const numeric = numericalGradient(() => softmaxCrossEntropy(x, labels).loss, x);

  const ref = softmaxCrossEntropy;
  const only = (field: "loss" | "grad", s: Matrix, y: number[]) => ({ [field]: ref(s, y)[field] });
  return [
    {
      name: "softmax: 4 × 5 scores",
      points: 2,
      fn: "softmax",
      args: [scores],
      expected: softmaxForward(scores).out,
      diagnose: softmaxMistakes(scores),
      nudge: "Each row of the result is one example's probability vector: positive entries " +
        "that sum to 1 over its classes.",
      hint: "p[i][j] = e^{s_ij} / Σ_k e^{s_ik}: exponentiate each score and divide by the sum " +
        "of its row's exponentials.",
    },
    {
      name: "softmax: the same rows shifted by +1000 and by −1000 (unchanged, and finite)",
      points: 2,
      fn: "softmax",
      args: [shifted],
      expected: softmaxForward(shifted).out,
      diagnose: softmaxMistakes(shifted),
      nudge: "Adding the same number to every score of a row does not change its " +
        "probabilities, but e^1000 is Infinity in float64: no exponent may be large.",
      hint: "softmax(s + c) = softmax(s) for any constant c: take c = −max s, so that no " +
        "exponent is positive.",
    },
    {
      name: "softmaxCrossEntropy: the loss on 4 × 5 scores",
      points: 2,
      fn: "softmaxCrossEntropy",
      args: [scores, labels],
      expected: only("loss", scores, labels),
      diagnose: lossMistakes(scores, labels, ["loss"]),
      nudge: "A row's loss is small when its true class gets a high probability, and never " +
        "below 0; the batch's loss is the average over its rows.",
      hint: "For each row, −log softmax(s)_y = log Σ_j e^{s_j} − s_y; then average over the rows.",
    },
    {
      name: "softmaxCrossEntropy: grad on 4 × 5 scores",
      points: 2,
      fn: "softmaxCrossEntropy",
      args: [scores, labels],
      expected: only("grad", scores, labels),
      diagnose: lossMistakes(scores, labels, ["grad"]),
      nudge: "grad has the shape of the scores, each of its rows sums to 0, and it is the " +
        "gradient of the batch's mean loss.",
      hint: "Differentiate log Σ_j e^{s_j} − s_y with respect to each s_j, then divide by N: " +
        "∂L/∂s_ij = (softmax(s)_ij − [j = y_i])/N.",
    },
    {
      name: "softmaxCrossEntropy: grad agrees with a numerical gradient (central difference)",
      points: 2,
      fn: "softmaxCrossEntropy",
      args: [scores, labels],
      expected: { grad: numeric },
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: lossMistakes(scores, labels, ["grad"]),
      nudge: "Your grad disagrees with the slope of the loss measured by finite differences: " +
        "it is not the derivative of the loss you return.",
      hint: "The reference is (L(s + h) − L(s − h))/2h, one score at a time; the gradient of " +
        "the batch mean is (softmax − one-hot)/N.",
    },
    {
      name: "softmaxCrossEntropy: all scores 0 gives loss log C",
      points: 1,
      fn: "softmaxCrossEntropy",
      args: [zeros, zeroLabels],
      expected: ref(zeros, zeroLabels),
      diagnose: lossMistakes(zeros, zeroLabels, ["loss", "grad"]),
      nudge: "With equal scores every class is equally likely.",
      hint: "With equal scores every class has probability 1/C, so each row costs log C and " +
        "grad[i][j] = (1/C − [j = y_i])/N.",
    },
    {
      name: "softmaxCrossEntropy: scores in the thousands stay finite",
      points: 2,
      fn: "softmaxCrossEntropy",
      args: [large, largeLabels],
      expected: ref(large, largeLabels),
      diagnose: lossMistakes(large, largeLabels, ["loss", "grad"]),
      nudge: "e^710 is already Infinity in float64: the loss and grad must come out without " +
        "any large exponent.",
      hint: "Subtract each row's maximum m before exponentiating, and add it back in the loss: " +
        "log Σ_j e^{s_j} = m + log Σ_j e^{s_j − m}.",
    },
    {
      name: "softmaxCrossEntropy: a true class 800 below the best costs 800, not Infinity",
      points: 1,
      fn: "softmaxCrossEntropy",
      args: [hopeless, hopelessLabels],
      expected: ref(hopeless, hopelessLabels),
      diagnose: lossMistakes(hopeless, hopelessLabels, ["loss", "grad"]),
      nudge: "The true class's probability here is about e^−800, which is 0 in float64: the " +
        "loss must not go through that probability.",
      hint: "e^{−800} is 0 in float64: never take the log of a probability, use " +
        "log Σ_j e^{s_j} − s_y.",
    },
    {
      name: "softmax: 12 × 7 scores",
      points: 1,
      fn: "softmax",
      args: [hiddenSoftmax],
      expected: softmaxForward(hiddenSoftmax).out,
      diagnose: softmaxMistakes(hiddenSoftmax),
      hidden: true,
      nudge: "Nothing may depend on the sizes of the visible checks.",
      hint: "Read the sizes from the Matrix (scores.rows, scores.cols).",
    },
    {
      name: "softmaxCrossEntropy: 30 × 10 scores",
      points: 2,
      fn: "softmaxCrossEntropy",
      args: [hiddenScores, hiddenLabels],
      expected: ref(hiddenScores, hiddenLabels),
      diagnose: lossMistakes(hiddenScores, hiddenLabels, ["loss", "grad"]),
      hidden: true,
      nudge: "Nothing may depend on the sizes of the visible checks.",
      hint: "Read the sizes from the Matrix: N is scores.rows, C is scores.cols.",
    },
  ];
}

export const softmaxExercise: Exercise = {
  name: "softmax",
  title: "Softmax and the cross-entropy loss",
  notebook: "05_softmax_cross_entropy.ipynb",
  checks,
};
