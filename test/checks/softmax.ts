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
import type { Check, Exercise } from "../../grader/types.ts";
import { compare } from "../../grader/compare.ts";
import { matches } from "./diagnose.ts";

/** The messages naming each mistake; the unit test matches on these. */
export const MISTAKE = {
  noShift: () =>
    "NaN or Infinity on large scores: e^s overflows to Infinity once s > 709 (and is 0 once " +
    "s < −745, so p = 0/0); subtract each row's maximum before exponentiating — " +
    "softmax(s − max s) = softmax(s), and every exponent is then ≤ 0",
  logOfSoftmax: () =>
    "the loss is Infinity: the true class's probability underflowed to 0 (it scores hundreds " +
    "below the best class) and log 0 = −∞; take log-softmax directly, " +
    "log p_y = (s_y − m) − log Σ_j e^{s_j − m}, which never takes the log of 0",
  lossSum: (N: number) =>
    `the loss is N = ${N} times too large: it is summed over the batch; return the mean`,
  lseOnly: () =>
    "the loss is log Σ_j e^{s_j}, the log of the sum alone: cross-entropy subtracts the true " +
    "class's score, L = log Σ_j e^{s_j} − s_y = −log softmax(s)_y",
  shiftNotAddedBack: () =>
    "the loss is off by each row's maximum score m: the shift was taken out of the exponent but " +
    "not added back, log Σ_j e^{s_j} = m + log Σ_j e^{s_j − m}",
  lossSign: () => "the loss has the wrong sign: cross-entropy is −log softmax(s)_y ≥ 0",
  gradNoMean: (N: number) =>
    `grad is N = ${N} times too large: the loss is the mean over the N rows, so each row's ` +
    "gradient, softmax − one-hot, is divided by N",
  gradSign: () =>
    "grad has the wrong sign: ∂L/∂s = (softmax − one-hot)/N, not (one-hot − softmax)/N",
  noOnehot: () =>
    "grad is softmax/N: the one-hot of the true class is not subtracted (the −s_y term of the " +
    "loss gives −1 at j = y), so every row of the gradient should sum to 0",
  columns: () =>
    "each column sums to 1, not each row: softmax normalises over the C classes of one example " +
    "(a row), not over the batch",
  notNormalised: () => "the rows do not sum to 1: divide each row's exponentials by their sum",
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
  const N = scores.rows;
  const wrong = (bugs: SoftmaxBugs, field: "loss" | "grad") => ({
    [field]: softmaxVariant(scores, labels, bugs)[field],
  });
  return (actual: unknown): string | undefined => {
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
        ? matches({ loss: a.loss }, [
          [wrong({ lossSum: true }, "loss"), MISTAKE.lossSum(N)],
          [wrong({ lseOnly: true }, "loss"), MISTAKE.lseOnly()],
          [wrong({ shiftNotAddedBack: true }, "loss"), MISTAKE.shiftNotAddedBack()],
          [wrong({ lossSign: true }, "loss"), MISTAKE.lossSign()],
        ])
        : matches({ grad: a.grad }, [
          [wrong({ gradNoMean: true }, "grad"), MISTAKE.gradNoMean(N)],
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
  return (actual: unknown): string | undefined => {
    if (actual instanceof Matrix && !finite(actual)) {
      return maxAbs(scores) > 700 ? MISTAKE.noShift() : undefined;
    }
    return matches(actual, [
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
      hint: "Exponentiate each score and divide by the sum of its row's exponentials.",
    },
    {
      name: "softmax: the same rows shifted by +1000 and by −1000 (unchanged, and finite)",
      points: 2,
      fn: "softmax",
      args: [shifted],
      expected: softmaxForward(shifted).out,
      diagnose: softmaxMistakes(shifted),
      hint: "softmax(s + c) = softmax(s) for any constant c: choose c so that no exponent is " +
        "positive.",
    },
    {
      name: "softmaxCrossEntropy: the loss on 4 × 5 scores",
      points: 2,
      fn: "softmaxCrossEntropy",
      args: [scores, labels],
      expected: only("loss", scores, labels),
      diagnose: lossMistakes(scores, labels, ["loss"]),
      hint: "For each row, −log softmax(s)_y = log Σ_j e^{s_j} − s_y; then average over the rows.",
    },
    {
      name: "softmaxCrossEntropy: grad on 4 × 5 scores",
      points: 2,
      fn: "softmaxCrossEntropy",
      args: [scores, labels],
      expected: only("grad", scores, labels),
      diagnose: lossMistakes(scores, labels, ["grad"]),
      hint: "Differentiate log Σ_j e^{s_j} − s_y with respect to each s_j, then divide by N.",
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
      hint: "The gradient of the batch MEAN: every entry carries a factor 1/N.",
    },
    {
      name: "softmaxCrossEntropy: all scores 0 gives loss log C",
      points: 1,
      fn: "softmaxCrossEntropy",
      args: [zeros, zeroLabels],
      expected: ref(zeros, zeroLabels),
      diagnose: lossMistakes(zeros, zeroLabels, ["loss", "grad"]),
      hint: "With equal scores every class has probability 1/C, so each row costs log C.",
    },
    {
      name: "softmaxCrossEntropy: scores in the thousands stay finite",
      points: 2,
      fn: "softmaxCrossEntropy",
      args: [large, largeLabels],
      expected: ref(large, largeLabels),
      diagnose: lossMistakes(large, largeLabels, ["loss", "grad"]),
      hint: "Subtract each row's maximum before exponentiating, and add it back in the loss.",
    },
    {
      name: "softmaxCrossEntropy: a true class 800 below the best costs 800, not Infinity",
      points: 1,
      fn: "softmaxCrossEntropy",
      args: [hopeless, hopelessLabels],
      expected: ref(hopeless, hopelessLabels),
      diagnose: lossMistakes(hopeless, hopelessLabels, ["loss", "grad"]),
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
