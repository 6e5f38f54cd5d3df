/**
 * Graded checks for exercises/regularisation.ts. Reference values come from lib/ (the penalties
 * of lib/nn/losses.ts, softThreshold of lib/optim/proximal.ts) and, for the gradients, from
 * central differences of the reference penalty; `diagnose` names the known mistakes, each
 * written out in {@link MISTAKES} (the unit test feeds every one through these checks).
 */

import { Matrix } from "../../lib/core/matrix.ts";
import { centralDifference } from "../../lib/check/gradcheck.ts";
import { Random } from "../../lib/core/random.ts";
import { l1Penalty, l2Penalty } from "../../lib/nn/losses.ts";
import { softThreshold } from "../../lib/optim/proximal.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

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

/**
 * What each mistake is called, in two tiers: what is wrong (`says`, at the first attempt) and
 * the formula-level fix (once the check's hint unlocks). One id each, so a mistake that fails
 * several checks is stated once.
 */
export const SAID = {
  l2NoHalf: mistake(
    "the L2 penalty and its gradient are twice the course's: the 1/2 in front of the penalty " +
      "is missing (with the 1/2, λ equals an optimiser's weightDecay)",
    "(λ/2)·Σ w_k², whose gradient is λ·w.",
    "l2NoHalf",
  ),
  signZero: mistake(
    "a weight that is exactly 0 got a push of ±λ: its sub-gradient must be 0, as in PyTorch",
    "grad = λ·sign(w) with sign(0) = 0: Math.sign(0) is 0, a test like v >= 0 ? 1 : -1 is not.",
    "signZero",
  ),
  l1IsL2: mistake(
    "that is the L2 penalty (a sum of squares), not L1",
    "L1 is λ·Σ|w| with sub-gradient λ·sign(w).",
    "l1IsL2",
  ),
  proxFlips: mistake(
    "weights crossed zero and changed sign: that is a sub-gradient step; the proximal step " +
      "stops at zero",
    "Soft-threshold with t = lr·λ: w − t if w > t, w + t if w < −t, else 0.",
    "proxFlips",
  ),
  proxWithoutLr: mistake(
    "the weights moved by λ: the step on the penalty is not scaled by the learning rate",
    "The threshold is t = lr·λ.",
    "proxWithoutLr",
  ),
  biasPenalised: mistake(
    "the bias was penalised: the penalty applies to the weights only",
    "loss = (λ/2)·Σ w_k² over w alone; dw = λ·w and db = 0.",
    "biasPenalised",
  ),
  decayLrTwice: mistake(
    "the decay was multiplied by lr twice",
    "w ← (1 − lr·weightDecay)·w − lr·direction.",
    "decayLrTwice",
  ),
  decayWithoutLr: mistake(
    "the decay was not multiplied by lr",
    "w ← (1 − lr·weightDecay)·w − lr·direction, not (1 − weightDecay)·w − lr·direction.",
    "decayWithoutLr",
  ),
};

function penaltyMistakes(w: number[], lambda: number, which: "l1" | "l2") {
  return (actual: unknown) =>
    matches<Diagnosis>(
      actual,
      which === "l2" ? [[MISTAKES.l2NoHalf(w, lambda), SAID.l2NoHalf]] : [
        [MISTAKES.signZeroPlus(w, lambda), SAID.signZero],
        [MISTAKES.signZeroMinus(w, lambda), SAID.signZero],
        [l2(w, lambda), SAID.l1IsL2],
      ],
    ) ?? matches<Diagnosis>((actual as Penalty)?.grad, [[
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
      nudge: "Half of λ times the sum of squares; differentiate it term by term.",
      hint: "loss = (λ/2)·Σ w_k², grad_k = λ·w_k.",
    },
    {
      name: "l2Penalty: λ = 0 is no penalty",
      points: 1,
      fn: "l2Penalty",
      args: [a, 0],
      expected: { loss: 0, grad: a.map(() => 0) },
      nudge: "With λ = 0 both the penalty and its gradient vanish.",
      hint:
        "loss = (λ/2)·Σ w_k² and grad = λ·w are both 0 at λ = 0: return zeros, not an empty or missing field.",
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
      nudge: "Away from zero |w| is differentiable: its slope is +1 or −1.",
      hint: "loss = λ·Σ|w_k|, grad_k = λ·sign(w_k).",
    },
    {
      name: "l1Penalty: weights that are exactly zero",
      points: 2,
      fn: "l1Penalty",
      args: [z, 0.5],
      expected: l1(z, 0.5),
      diagnose: penaltyMistakes(z, 0.5, "l1"),
      nudge: "At w = 0 any slope in [−λ, λ] is a sub-gradient; the course (and PyTorch) picks 0.",
      hint: "grad_k = λ·sign(w_k) with sign(0) = 0: Math.sign does exactly this.",
    },
    {
      name: "l1Penalty: a longer vector with zeros",
      points: 1,
      fn: "l1Penalty",
      args: [big, 0.01],
      expected: l1(big, 0.01),
      diagnose: penaltyMistakes(big, 0.01, "l1"),
      hidden: true,
      nudge: "Check the zeros and the signs of every weight.",
      hint: "loss = λ·Σ|w_k| over every weight; grad_k = λ·sign(w_k), 0 where w_k = 0.",
    },
    {
      name: "proxL1: weights near zero, λ = 1, lr = 0.1",
      points: 3,
      fn: "proxL1",
      args: [near, 1, 0.1],
      expected: Array.from(softThreshold(row(near), 0.1).data),
      diagnose: (actual) =>
        matches<Diagnosis>(actual, [
          [MISTAKES.proxFlips(near, 1, 0.1), SAID.proxFlips],
          [MISTAKES.proxWithoutLr(near, 1, 0.1), SAID.proxWithoutLr],
        ]),
      nudge:
        "Move each weight towards zero by the threshold; if it would go past zero, leave it at zero.",
      hint: "Soft-thresholding with t = lr·λ: w − t if w > t, w + t if w < −t, else 0.",
    },
    {
      name: "proxL1: λ = 0 changes nothing",
      points: 1,
      fn: "proxL1",
      args: [a, 0, 0.5],
      expected: a,
      nudge: "A threshold of 0 returns the weights as they are.",
      hint:
        "With t = lr·λ = 0, w − t, w + t and the weights themselves are all equal: return a copy of w.",
    },
    {
      name: "proxL1: random weights, λ = 0.4, lr = 0.5",
      points: 2,
      fn: "proxL1",
      args: [big, 0.4, 0.5],
      expected: Array.from(softThreshold(row(big), 0.2).data),
      diagnose: (actual) =>
        matches<Diagnosis>(actual, [
          [MISTAKES.proxFlips(big, 0.4, 0.5), SAID.proxFlips],
          [MISTAKES.proxWithoutLr(big, 0.4, 0.5), SAID.proxWithoutLr],
        ]),
      hidden: true,
      nudge: "Nothing within the threshold survives, nothing changes sign, and the threshold " +
        "depends on the learning rate.",
      hint: "The threshold is t = lr·λ; w − t if w > t, w + t if w < −t, else 0.",
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
        matches<Diagnosis>(actual, [[MISTAKES.biasPenalised(layer, 0.2), SAID.biasPenalised]]) ??
          matches<Diagnosis>((actual as { db?: unknown })?.db, [[
            l2(layer.b, 0.2).grad,
            SAID.biasPenalised,
          ]]) ??
          matches<Diagnosis>((actual as { dw?: unknown })?.dw, [[
            MISTAKES.l2NoHalf(layer.w, 0.2).grad,
            SAID.l2NoHalf,
          ]]),
      nudge: "A bias shifts a threshold; it does not make the function more complex.",
      hint: "loss = (λ/2)·Σ w_k² over the weights alone; dw = λ·w, db = 0 for every bias.",
    },
    ...([[0.1, 0.01], [0.5, 0.2], [1e-3, 0.05]] as const).map(([lr, wd], i): Check => ({
      name: `decoupledStep: lr = ${lr}, weightDecay = ${wd}`,
      points: 2,
      fn: "decoupledStep",
      args: [a, d, lr, wd],
      expected: a.map((v, k) => v - lr * wd * v - lr * d[k]),
      diagnose: (actual) =>
        matches<Diagnosis>(actual, [
          [MISTAKES.decayLrTwice(a, d, lr, wd), SAID.decayLrTwice],
          [MISTAKES.decayWithoutLr(a, d, lr, wd), SAID.decayWithoutLr],
        ]),
      hidden: i === 2,
      nudge:
        "Shrink by a factor that depends on lr and weightDecay, then step along the direction.",
      hint: "w ← (1 − lr·weightDecay)·w − lr·direction.",
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
