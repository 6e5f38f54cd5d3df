/**
 * Graded checks for exercises/regularisation.ts. Reference values come from lib/ (the penalties
 * of lib/nn/losses.ts, softThreshold of lib/optim/proximal.ts) and, for the gradients, from
 * central differences of the reference penalty; `diagnose` names the known mistakes, each
 * written out in {@link MISTAKES} (the unit test feeds every one through these checks).
 */

import { Matrix } from "../../lib/core/matrix.ts";
import { centralDifference } from "../../lib/core/numeric.ts";
import { Random } from "../../lib/core/random.ts";
import { l1Penalty, l2Penalty } from "../../lib/nn/losses.ts";
import { softThreshold } from "../../lib/optim/proximal.ts";
import type { Check, Exercise } from "../../grader/types.ts";
import { matches } from "./diagnose.ts";

type Penalty = { loss: number; grad: number[] };
type Layer = { w: number[]; b: number[] };

const row = (w: readonly number[]) => Matrix.from([w.slice()]);
const l1 = (w: number[], lambda: number): Penalty => {
  const r = l1Penalty(row(w), { lambda });
  return { loss: r.loss, grad: Array.from(r.grad.data) };
};
const l2 = (w: number[], lambda: number): Penalty => {
  const r = l2Penalty(row(w), { lambda });
  return { loss: r.loss, grad: Array.from(r.grad.data) };
};

/** ∂f/∂w_k by central differences, coordinate by coordinate. */
function numericGrad(f: (w: number[]) => number, w: number[]): number[] {
  return w.map((v, k) =>
    centralDifference((x) => f(w.map((u, j) => (j === k ? x : u))), v, { h: 1e-6 })
  );
}

/** The known mistakes, each as the wrong function a learner writes. */
export const MISTAKES = {
  l2NoHalf: (w: number[], lambda: number): Penalty => ({
    loss: 2 * l2(w, lambda).loss,
    grad: w.map((v) => 2 * lambda * v),
  }),
  signZeroPlus: (w: number[], lambda: number): Penalty => ({
    loss: l1(w, lambda).loss,
    grad: w.map((v) => lambda * (v >= 0 ? 1 : -1)),
  }),
  signZeroMinus: (w: number[], lambda: number): Penalty => ({
    loss: l1(w, lambda).loss,
    grad: w.map((v) => lambda * (v > 0 ? 1 : -1)),
  }),
  proxFlips: (w: number[], lambda: number, lr: number): number[] =>
    w.map((v) => v - lr * lambda * Math.sign(v)),
  proxWithoutLr: (w: number[], lambda: number, _lr: number): number[] =>
    Array.from(softThreshold(row(w), lambda).data),
  biasPenalised: (layer: Layer, lambda: number) => ({
    loss: l2([...layer.w, ...layer.b], lambda).loss,
    dw: l2(layer.w, lambda).grad,
    db: l2(layer.b, lambda).grad,
  }),
  decayLrTwice: (w: number[], d: number[], lr: number, wd: number): number[] =>
    w.map((v, k) => v * (1 - lr * lr * wd) - lr * d[k]),
  decayWithoutLr: (w: number[], d: number[], lr: number, wd: number): number[] =>
    w.map((v, k) => v * (1 - wd) - lr * d[k]),
};

const SAID = {
  l2NoHalf:
    "it looks like λ·‖w‖² without the 1/2: the gradient came out as 2λw; the course's convention (λ/2)‖w‖² has gradient λw, so λ equals an optimiser's weightDecay",
  signZero:
    "a weight that is exactly 0 got a push of ±λ: sign(0) must be 0 in the L1 sub-gradient (Math.sign(0) is 0; a test like v >= 0 ? 1 : -1 is not)",
  proxFlips:
    "weights crossed zero and changed sign: that is a sub-gradient step; the proximal step stops at zero (soft-thresholding)",
  proxWithoutLr: "the threshold should be lr·λ, not λ: the step on the penalty is scaled by lr",
  biasPenalised:
    "the bias was penalised: the penalty applies to the weights only, so db is zero and the loss sums over w alone",
  decayLrTwice: "the decay was multiplied by lr twice: the factor is 1 − lr·weightDecay",
  decayWithoutLr:
    "the decay was not multiplied by lr: the factor is 1 − lr·weightDecay, not 1 − weightDecay",
};

function penaltyMistakes(w: number[], lambda: number, which: "l1" | "l2") {
  return (actual: unknown) =>
    matches(
      actual,
      which === "l2" ? [[MISTAKES.l2NoHalf(w, lambda), SAID.l2NoHalf]] : [
        [MISTAKES.signZeroPlus(w, lambda), SAID.signZero],
        [MISTAKES.signZeroMinus(w, lambda), SAID.signZero],
        [l2(w, lambda), "that is the L2 penalty; L1 is λ·Σ|w| with sub-gradient λ·sign(w)"],
      ],
    ) ?? matches((actual as Penalty)?.grad, [[
      MISTAKES.l2NoHalf(w, lambda).grad,
      SAID.l2NoHalf,
    ]]);
}

function weights(seed: number, n: number, zeros = 0): number[] {
  const rng = new Random(seed);
  const w = Array.from({ length: n }, () => rng.normal(0, 1));
  for (let k = 0; k < zeros; k++) w[(3 * k + 1) % n] = 0;
  return w;
}

export function checks(): Check[] {
  const a = weights(1, 12), z = weights(2, 10, 3), big = weights(3, 40, 5);
  const near = [0.5, -0.05, 0.02, -0.8, 0.09, -0.1, 1.5, 0.0];
  const layer = { w: weights(4, 8), b: weights(5, 3) };
  const d = weights(6, 12);
  const out: Check[] = [
    {
      name: "l2Penalty: value and gradient, λ = 0.1",
      points: 2,
      fn: "l2Penalty",
      args: [a, 0.1],
      expected: { loss: l2(a, 0.1).loss, grad: numericGrad((w) => l2(w, 0.1).loss, a) },
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: penaltyMistakes(a, 0.1, "l2"),
      hint: "Half of λ times the sum of squares; differentiate it term by term.",
    },
    {
      name: "l2Penalty: λ = 0 is no penalty",
      points: 1,
      fn: "l2Penalty",
      args: [a, 0],
      expected: { loss: 0, grad: a.map(() => 0) },
      hint: "With λ = 0 both the penalty and its gradient vanish.",
    },
    {
      name: "l1Penalty: value and sub-gradient away from zero, λ = 0.3",
      points: 2,
      fn: "l1Penalty",
      args: [a, 0.3],
      expected: { loss: l1(a, 0.3).loss, grad: numericGrad((w) => l1(w, 0.3).loss, a) },
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: penaltyMistakes(a, 0.3, "l1"),
      hint: "Away from zero |w| is differentiable: its slope is +1 or −1.",
    },
    {
      name: "l1Penalty: weights that are exactly zero",
      points: 2,
      fn: "l1Penalty",
      args: [z, 0.5],
      expected: l1(z, 0.5),
      diagnose: penaltyMistakes(z, 0.5, "l1"),
      hint: "At w = 0 any slope in [−λ, λ] is a sub-gradient; the course (and PyTorch) picks 0.",
    },
    {
      name: "l1Penalty: a longer vector with zeros",
      points: 1,
      fn: "l1Penalty",
      args: [big, 0.01],
      expected: l1(big, 0.01),
      diagnose: penaltyMistakes(big, 0.01, "l1"),
      hidden: true,
      hint: "Check the zeros and the signs of every weight.",
    },
    {
      name: "proxL1: weights near zero, λ = 1, lr = 0.1",
      points: 3,
      fn: "proxL1",
      args: [near, 1, 0.1],
      expected: Array.from(softThreshold(row(near), 0.1).data),
      diagnose: (actual) =>
        matches(actual, [
          [MISTAKES.proxFlips(near, 1, 0.1), SAID.proxFlips],
          [MISTAKES.proxWithoutLr(near, 1, 0.1), SAID.proxWithoutLr],
        ]),
      hint:
        "Move each weight towards zero by the threshold; if it would go past zero, leave it at zero.",
    },
    {
      name: "proxL1: λ = 0 changes nothing",
      points: 1,
      fn: "proxL1",
      args: [a, 0, 0.5],
      expected: a,
      hint: "A threshold of 0 returns the weights as they are.",
    },
    {
      name: "proxL1: random weights, λ = 0.4, lr = 0.5",
      points: 2,
      fn: "proxL1",
      args: [big, 0.4, 0.5],
      expected: Array.from(softThreshold(row(big), 0.2).data),
      diagnose: (actual) =>
        matches(actual, [
          [MISTAKES.proxFlips(big, 0.4, 0.5), SAID.proxFlips],
          [MISTAKES.proxWithoutLr(big, 0.4, 0.5), SAID.proxWithoutLr],
        ]),
      hidden: true,
      hint: "The threshold is lr·λ; nothing within it survives, nothing changes sign.",
    },
    {
      name: "layerL2Penalty: weights penalised, bias not",
      points: 3,
      fn: "layerL2Penalty",
      args: [layer, 0.2],
      expected: {
        loss: l2(layer.w, 0.2).loss,
        dw: numericGrad((w) => l2(w, 0.2).loss, layer.w),
        db: layer.b.map(() => 0),
      },
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: (actual) =>
        matches(actual, [[MISTAKES.biasPenalised(layer, 0.2), SAID.biasPenalised]]) ??
          matches((actual as { db?: unknown })?.db, [[
            l2(layer.b, 0.2).grad,
            SAID.biasPenalised,
          ]]) ??
          matches((actual as { dw?: unknown })?.dw, [[
            MISTAKES.l2NoHalf(layer.w, 0.2).grad,
            SAID.l2NoHalf,
          ]]),
      hint: "A bias shifts a threshold; it does not make the function more complex.",
    },
    ...([[0.1, 0.01], [0.5, 0.2], [1e-3, 0.05]] as const).map(([lr, wd], i): Check => ({
      name: `decoupledStep: lr = ${lr}, weightDecay = ${wd}`,
      points: 2,
      fn: "decoupledStep",
      args: [a, d, lr, wd],
      expected: a.map((v, k) => v - lr * wd * v - lr * d[k]),
      diagnose: (actual) =>
        matches(actual, [
          [MISTAKES.decayLrTwice(a, d, lr, wd), SAID.decayLrTwice],
          [MISTAKES.decayWithoutLr(a, d, lr, wd), SAID.decayWithoutLr],
        ]),
      hidden: i === 2,
      hint: "Shrink by a factor that depends on lr and weightDecay, then step along the direction.",
    })),
  ];
  return out;
}

export const regularisationExercise: Exercise = {
  name: "regularisation",
  title: "L1, L2 and weight decay",
  notebook: "17_weight_decay.ipynb",
  checks,
};
