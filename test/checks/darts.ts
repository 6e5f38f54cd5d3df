/**
 * Graded checks for exercises/darts.ts. Reference values come from lib/nas/darts.ts
 * (`mixedOpForward`, `mixedOpBackward`, run on stand-in operations that return the given
 * outputs), lib's softmax (`policyProbabilities`) and a numerical gradient with respect to α
 * (lib/check/gradcheck.ts), computed in the grader's process.
 *
 * `dalpha` and `doutputs` are checked apart. Where a wrong answer equals a known mistake
 * (computed by {@link dalphaVariant}), the feedback names it.
 */

import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradient } from "../../lib/check/gradcheck.ts";
import { mixedOpBackward, mixedOpForward } from "../../lib/nas/darts.ts";
import type { CellOp } from "../../lib/nas/ops.ts";
import { policyProbabilities } from "../../lib/nas/reinforce.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/** The messages naming each mistake; the unit test matches on these. */
export const MISTAKE = {
  noShift: () =>
    mistake(
      "NaN or Infinity for large α: the exponentials overflow; shifting every α by the same " +
        "amount leaves the weights unchanged",
      "Subtract the largest α first: softmax(α − max α) = softmax(α), and e^α overflows once " +
        "α > 709.",
      "noShift",
    ),
  notNormalised: () =>
    mistake(
      "the weights do not sum to 1",
      "w_m = e^{α_m} / Σ_k e^{α_k}: divide the exponentials by their sum.",
      "notNormalised",
    ),
  rawAlpha: () =>
    mistake(
      "the outputs are weighted by α itself: the mixed operation's weights must be positive and " +
        "sum to 1",
      "out = Σ_m softmax(α)_m · outputs[m].",
      "rawAlpha",
    ),
  uniform: () =>
    mistake(
      "the output is the plain average of the operations: the weights must come from α",
      "The weights are softmax(α), not 1/M.",
      "uniform",
    ),
  noJacobian: () =>
    mistake(
      "dalpha is the gradient with respect to the weights: α reaches the loss through the " +
        "softmax, and that step of the chain rule is missing",
      "Apply the softmax's Jacobian ∂w_m/∂α_k = w_m(δ_mk − w_k): dalpha_k = w_k·(g_k − Σ_m w_m g_m).",
      "noJacobian",
    ),
  noCentering: () =>
    mistake(
      "the softmax's off-diagonal terms are missing: the components of dalpha should sum to 0",
      "dalpha is w_k·g_k; subtract w_k·Σ_m w_m g_m.",
      "noCentering",
    ),
  noWeightFactor: () =>
    mistake(
      "a factor of the softmax's Jacobian is missing: each component lacks its own weight",
      "dalpha is g_k − Σ_m w_m g_m; multiply by w_k.",
      "noWeightFactor",
    ),
  diagonal: () =>
    mistake(
      "dalpha uses only the diagonal of the softmax's Jacobian: every other weight also " +
        "depends on each α",
      "Not w_k(1 − w_k)·g_k: ∂w_m/∂α_k = −w_m w_k for m ≠ k, so dalpha_k = w_k·(g_k − Σ_m w_m g_m).",
      "diagonal",
    ),
  plainMean: () =>
    mistake(
      "dalpha subtracts the plain mean of g: the softmax's Jacobian subtracts a mean weighted " +
        "by the operations' weights",
      "Subtract Σ_m w_m g_m, not the plain mean of g.",
      "plainMean",
    ),
  dalphaSign: () =>
    mistake(
      "dalpha has the wrong sign",
      "dalpha_k = w_k·(g_k − Σ_m w_m g_m).",
      "dalphaSign",
    ),
  doutNotScaled: () =>
    mistake(
      "each operation received dout itself: its output enters the sum scaled by its weight",
      "∂L/∂outputs[m] = w_m·dout.",
      "doutNotScaled",
    ),
  doutByAlpha: () =>
    mistake(
      "each operation's gradient is scaled by α: it should be scaled by the operation's weight",
      "∂L/∂outputs[m] = w_m·dout, w = softmax(α).",
      "doutByAlpha",
    ),
};

/** The known mistakes of {@link dalphaVariant}. */
export type DalphaBug =
  | "noJacobian"
  | "noCentering"
  | "noWeightFactor"
  | "diagonal"
  | "plainMean"
  | "dalphaSign";

/** g_m = ⟨dout, outputs[m]⟩. */
const inner = (dout: Matrix, outputs: readonly Matrix[]) =>
  outputs.map((y) => y.data.reduce((s, v, k) => s + v * dout.data[k], 0));

/** ∂L/∂α with the mistake `bug` (or none). */
export function dalphaVariant(
  dout: Matrix,
  outputs: readonly Matrix[],
  alpha: readonly number[],
  bug?: DalphaBug,
): number[] {
  const w = policyProbabilities([...alpha]), g = inner(dout, outputs);
  const mean = w.reduce((s, wm, m) => s + wm * g[m], 0);
  const plain = g.reduce((s, v) => s + v, 0) / g.length;
  return w.map((wk, k) => {
    switch (bug) {
      case "noJacobian":
        return g[k];
      case "noCentering":
        return wk * g[k];
      case "noWeightFactor":
        return g[k] - mean;
      case "diagonal":
        return wk * (1 - wk) * g[k];
      case "plainMean":
        return wk * (g[k] - plain);
      case "dalphaSign":
        return -wk * (g[k] - mean);
      default:
        return wk * (g[k] - mean);
    }
  });
}

/** Stand-in operations that return the given outputs, so lib's mixed operation can be reused. */
function given(outputs: readonly Matrix[]): CellOp[] {
  return outputs.map((y) => ({
    name: "linear",
    init: () => [],
    forward: () => ({ out: y, cache: null }),
    backward: (dout: Matrix) => ({ dx: dout, grads: [dout] }),
  }));
}

/** lib's forward and backward on the given outputs. */
export function reference(dout: Matrix, outputs: readonly Matrix[], alpha: readonly number[]) {
  const x = new Matrix(outputs[0].rows, outputs[0].cols);
  const ops = given(outputs), params = ops.map(() => []);
  const { out, cache } = mixedOpForward(x, [...alpha], ops, params);
  const r = mixedOpBackward(dout, cache);
  return { out, dalpha: r.dalpha, doutputs: r.grads.map((g) => g[0]) };
}

const finite = (v: unknown): boolean =>
  Array.isArray(v)
    ? v.every(finite)
    : v instanceof Matrix
    ? v.data.every(Number.isFinite)
    : typeof v === "number"
    ? Number.isFinite(v)
    : true;

function weightMistakes(alpha: number[]) {
  const m = Math.max(...alpha);
  return (actual: unknown): Diagnosis | undefined => {
    if (!finite(actual)) return m > 700 ? MISTAKE.noShift() : undefined;
    return matches(actual, [
      [alpha.map((a) => Math.exp(a - m)), MISTAKE.notNormalised()],
      [alpha.map(Math.exp), MISTAKE.notNormalised()],
    ]);
  };
}

function forwardMistakes(outputs: readonly Matrix[], alpha: number[]) {
  const blend = (w: number[]) => {
    const out = new Matrix(outputs[0].rows, outputs[0].cols);
    outputs.forEach((y, m) => y.data.forEach((v, k) => out.data[k] += w[m] * v));
    return out;
  };
  const top = Math.max(...alpha);
  return (actual: unknown): Diagnosis | undefined =>
    matches(actual, [
      [blend(alpha), MISTAKE.rawAlpha()],
      [blend(alpha.map(() => 1 / alpha.length)), MISTAKE.uniform()],
      [blend(alpha.map((a) => Math.exp(a - top))), MISTAKE.notNormalised()],
      [blend(alpha.map(Math.exp)), MISTAKE.notNormalised()],
    ]);
}

const BUGS: DalphaBug[] = [
  "noJacobian",
  "noCentering",
  "noWeightFactor",
  "diagonal",
  "plainMean",
  "dalphaSign",
];

function backwardMistakes(dout: Matrix, outputs: readonly Matrix[], alpha: number[]) {
  const w = policyProbabilities(alpha);
  return (actual: unknown): Diagnosis | undefined => {
    if (!actual || typeof actual !== "object") return undefined;
    const a = actual as { dalpha?: unknown; doutputs?: unknown };
    return matches(
      { dalpha: a.dalpha },
      BUGS.map((b) => [
        { dalpha: dalphaVariant(dout, outputs, alpha, b) },
        MISTAKE[b](),
      ]),
    ) ??
      matches({ doutputs: a.doutputs }, [
        [{ doutputs: outputs.map(() => dout) }, MISTAKE.doutNotScaled()],
        [{ doutputs: alpha.map((al) => dout.map((v) => al * v)) }, MISTAKE.doutByAlpha()],
        [{ doutputs: w.map(() => dout) }, MISTAKE.doutNotScaled()],
      ]);
  };
}

/** Every check of the exercise, in the order a learner meets them. */
export function checks(): Check[] {
  const rng = new Random(34);
  const alpha = [0.4, -0.3, 1.2, 0.1, -1];
  const outputs = alpha.map(() => rng.randn(3, 4));
  outputs[0] = new Matrix(3, 4); // the `none` operation: zero
  const dout = rng.randn(3, 4);
  const large = [1000, 998, 1003];
  const ref = reference(dout, outputs, alpha);
  const alphaM = Matrix.from([alpha]);
  const numeric = numericalGradient(() => {
    const out = reference(dout, outputs, [...alphaM.data]).out;
    return out.data.reduce((s, v, k) => s + v * dout.data[k], 0);
  }, alphaM);
  const hiddenAlpha = [2, -1, 0.5, 0];
  const hiddenOutputs = hiddenAlpha.map(() => rng.randn(6, 5));
  const hiddenDout = rng.randn(6, 5);
  const hidden = reference(hiddenDout, hiddenOutputs, hiddenAlpha);
  return [
    {
      name: "operationWeights: softmax of 5 architecture parameters",
      points: 1,
      fn: "operationWeights",
      args: [alpha],
      expected: policyProbabilities(alpha),
      diagnose: weightMistakes(alpha),
      nudge: "The weights must be positive and sum to 1.",
      hint: "w_m = e^{α_m} / Σ_k e^{α_k}.",
    },
    {
      name: "operationWeights: α in the thousands stays finite",
      points: 1,
      fn: "operationWeights",
      args: [large],
      expected: policyProbabilities(large),
      diagnose: weightMistakes(large),
      nudge:
        "Large α overflow the exponential: which shift of all of them leaves the weights unchanged?",
      hint: "softmax(α − max α) = softmax(α): subtract the largest α first.",
    },
    {
      name: "mixedOpForward: five operations' outputs, 3 × 4 each",
      points: 2,
      fn: "mixedOpForward",
      args: [outputs, alpha],
      expected: ref.out,
      diagnose: forwardMistakes(outputs, alpha),
      nudge: "Every operation contributes, each in proportion to its weight.",
      hint: "out = Σ_m softmax(α)_m · outputs[m], entry by entry.",
    },
    {
      name: "mixedOpBackward: dalpha on five operations",
      points: 2,
      fn: "mixedOpBackward",
      args: [dout, outputs, alpha],
      expected: { dalpha: ref.dalpha },
      diagnose: backwardMistakes(dout, outputs, alpha),
      nudge: "α reaches the loss in two steps: through the weights w, then through the sum.",
      hint: "g_m = Σ_{i,j} dout[i,j]·outputs[m][i,j]; ∂L/∂α_k = w_k·(g_k − Σ_m w_m g_m).",
    },
    {
      name: "mixedOpBackward: dalpha agrees with a numerical gradient (central difference)",
      points: 2,
      fn: "mixedOpBackward",
      args: [dout, outputs, alpha],
      expected: { dalpha: [...numeric.data] },
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: backwardMistakes(dout, outputs, alpha),
      nudge:
        "Adding the same constant to every α changes nothing: what must the components of dalpha sum to?",
      hint: "∂L/∂α_k = w_k·(g_k − Σ_m w_m g_m), g_m = ⟨dout, outputs[m]⟩.",
    },
    {
      name: "mixedOpBackward: doutputs",
      points: 2,
      fn: "mixedOpBackward",
      args: [dout, outputs, alpha],
      expected: { doutputs: ref.doutputs },
      diagnose: backwardMistakes(dout, outputs, alpha),
      nudge: "Each output enters the sum once, scaled by its weight.",
      hint: "∂L/∂outputs[m] = w_m·dout.",
    },
    {
      name: "mixedOpBackward: four operations, 6 × 5 outputs",
      points: 2,
      fn: "mixedOpBackward",
      args: [hiddenDout, hiddenOutputs, hiddenAlpha],
      expected: { dalpha: hidden.dalpha, doutputs: hidden.doutputs },
      diagnose: backwardMistakes(hiddenDout, hiddenOutputs, hiddenAlpha),
      hidden: true,
      nudge: "Read M from alpha and the shapes from the matrices.",
      hint: "dalpha_k = w_k·(g_k − Σ_m w_m g_m); doutputs[m] = w_m·dout.",
    },
  ];
}

export const dartsExercise: Exercise = {
  name: "darts",
  title: "DARTS: the mixed operation and its gradient with respect to α",
  notebook: "34_darts.ipynb",
  checks,
};
