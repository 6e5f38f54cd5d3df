/**
 * Graded checks for exercises/reinforce.ts. Reference values come from lib/nas/reinforce.ts
 * (`policyProbabilities`, `logProbabilityGrad`, `reinforceStep`) and a numerical gradient of
 * lib's `logProbability` (lib/check/gradcheck.ts), computed in the grader's process.
 *
 * The logits and the baseline of a step are checked apart, so a right update with a wrong
 * baseline earns the update's points. Where a wrong answer equals a known mistake (computed by
 * {@link reinforceVariant}), the feedback names it.
 */

import { Matrix } from "../../lib/core/matrix.ts";
import { numericalGradient } from "../../lib/check/gradcheck.ts";
import {
  logProbability,
  logProbabilityGrad,
  policyProbabilities,
  reinforceStep,
} from "../../lib/nas/reinforce.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/** The messages naming each mistake; the unit test matches on these. */
export const MISTAKE = {
  noShift: () =>
    mistake(
      "NaN or Infinity on large logits: the exponentials overflow; shifting every logit by the " +
        "same amount leaves the probabilities unchanged",
      "Subtract the largest logit first: softmax(θ − max θ) = softmax(θ), and e^θ overflows " +
        "once θ > 709.",
      "noShift",
    ),
  notNormalised: () =>
    mistake(
      "the probabilities do not sum to 1",
      "π_k = e^{θ_k} / Σ_j e^{θ_j}: divide the exponentials by their sum.",
      "notNormalised",
    ),
  gradSign: () =>
    mistake(
      "the gradient has the wrong sign: it is the gradient of −log π",
      "∂log π_d(a_d)/∂θ_d = onehot(a_d) − π_d.",
      "gradSign",
    ),
  onehotOnly: () =>
    mistake(
      "the gradient is the one-hot alone: the softmax's normaliser also depends on every logit, " +
        "and each row should sum to 0",
      "The normaliser's term, −log Σ_k e^{θ_k}, contributes −π_d: the gradient is onehot − π_d.",
      "onehotOnly",
    ),
  probsOnly: () =>
    mistake(
      "the gradient is minus the probabilities alone: the chosen logit's own term is missing",
      "The chosen logit contributes +1 at a_d: the gradient is onehot(a_d) − π_d.",
      "probsOnly",
    ),
  diagonal: () =>
    mistake(
      "the gradient uses only the diagonal of the softmax's Jacobian at the chosen option: that " +
        "is the gradient of π, not of log π, and the off-diagonal terms are missing",
      "Not π(1 − π) at the chosen option: ∂log π_d(a_d)/∂θ_d[k] = [k = a_d] − π_d[k], the " +
        "off-diagonal terms −π_a·π_k included.",
      "diagonal",
    ),
  noBaseline: () =>
    mistake(
      "the update uses the reward itself, not reward − baseline: without the baseline every " +
        "sampled architecture is pushed up and the estimate is far noisier",
      "θ ← θ + lr·(R − b)·∇log π.",
      "noBaseline",
    ),
  ascentSign: () =>
    mistake(
      "the logits moved the wrong way: REINFORCE ascends (rewards are maximised)",
      "θ ← θ + lr·(R − b)·∇log π.",
      "ascentSign",
    ),
  newBaseline: () =>
    mistake(
      "the advantage used the baseline after this reward's update: use the baseline from " +
        "before, then update it",
      "Compute R − b with the baseline passed in, then b ← β·b + (1 − β)·R.",
      "newBaseline",
    ),
  noLr: () =>
    mistake(
      "the step is not scaled by the learning rate lr",
      "θ ← θ + lr·(R − b)·∇log π.",
      "noLr",
    ),
  decaySwapped: () =>
    mistake(
      "the baseline's weights are swapped: the decay is the weight of the old average",
      "b ← β·b + (1 − β)·R keeps β of the old average.",
      "decaySwapped",
    ),
  baselineKept: () =>
    mistake(
      "the baseline was not updated after the reward",
      "b ← β·b + (1 − β)·R after each reward.",
      "baselineKept",
    ),
};

/** The known mistakes of {@link reinforceVariant}, one flag each. */
export interface ReinforceBugs {
  gradSign?: boolean;
  onehotOnly?: boolean;
  probsOnly?: boolean;
  diagonal?: boolean;
  noBaseline?: boolean;
  ascentSign?: boolean;
  newBaseline?: boolean;
  noLr?: boolean;
  decaySwapped?: boolean;
  baselineKept?: boolean;
}

type Logits = number[][];

/** ∇log π with the gradient mistakes of `bugs` switched on. */
export function gradVariant(logits: Logits, choices: number[], bugs: ReinforceBugs = {}): Logits {
  return logits.map((row, d) => {
    const p = policyProbabilities(row);
    return p.map((q, k) => {
      const hit = k === choices[d] ? 1 : 0;
      if (bugs.onehotOnly) return hit;
      if (bugs.probsOnly) return -q;
      if (bugs.diagonal) return hit * q * (1 - q);
      return bugs.gradSign ? q - hit : hit - q;
    });
  });
}

/** One REINFORCE step with the mistakes of `bugs` switched on. */
export function reinforceVariant(
  logits: Logits,
  choices: number[],
  reward: number,
  baseline: number,
  config: { lr: number; baselineDecay: number },
  bugs: ReinforceBugs = {},
): { logits: Logits; baseline: number } {
  const beta = config.baselineDecay;
  const next = bugs.baselineKept
    ? baseline
    : bugs.decaySwapped
    ? (1 - beta) * baseline + beta * reward
    : beta * baseline + (1 - beta) * reward;
  const advantage = bugs.noBaseline ? reward : reward - (bugs.newBaseline ? next : baseline);
  const grad = gradVariant(logits, choices, bugs);
  const lr = bugs.noLr ? 1 : config.lr, sign = bugs.ascentSign ? -1 : 1;
  return {
    logits: logits.map((row, d) => row.map((t, k) => t + sign * lr * advantage * grad[d][k])),
    baseline: next,
  };
}

const finite = (v: unknown): boolean =>
  Array.isArray(v) ? v.every(finite) : typeof v === "number" ? Number.isFinite(v) : true;

function policyMistakes(logits: number[]) {
  const m = Math.max(...logits);
  return (actual: unknown): Diagnosis | undefined => {
    if (Array.isArray(actual) && !finite(actual)) {
      return m > 700 ? MISTAKE.noShift() : undefined;
    }
    return matches(actual, [
      [logits.map((t) => Math.exp(t - m)), MISTAKE.notNormalised()],
      [logits.map(Math.exp), MISTAKE.notNormalised()],
    ]);
  };
}

function gradMistakes(logits: Logits, choices: number[]) {
  return (actual: unknown): Diagnosis | undefined =>
    matches(actual, [
      [gradVariant(logits, choices, { gradSign: true }), MISTAKE.gradSign()],
      [gradVariant(logits, choices, { onehotOnly: true }), MISTAKE.onehotOnly()],
      [gradVariant(logits, choices, { probsOnly: true }), MISTAKE.probsOnly()],
      [gradVariant(logits, choices, { diagonal: true }), MISTAKE.diagonal()],
    ]);
}

const STEP_BUGS: [ReinforceBugs, () => Diagnosis][] = [
  [{ noBaseline: true }, MISTAKE.noBaseline],
  [{ ascentSign: true }, MISTAKE.ascentSign],
  [{ newBaseline: true }, MISTAKE.newBaseline],
  [{ noLr: true }, MISTAKE.noLr],
  [{ gradSign: true }, MISTAKE.ascentSign], // the same numbers: descent along ∇log π
  [{ onehotOnly: true }, MISTAKE.onehotOnly],
  [{ probsOnly: true }, MISTAKE.probsOnly],
  [{ diagonal: true }, MISTAKE.diagonal],
  [{ decaySwapped: true }, MISTAKE.decaySwapped],
  [{ baselineKept: true }, MISTAKE.baselineKept],
];

/** Names the mistake behind a wrong step, comparing only `field`. */
function stepMistakes(
  args: [Logits, number[], number, number, { lr: number; baselineDecay: number }],
  field: "logits" | "baseline",
) {
  return (actual: unknown): Diagnosis | undefined => {
    if (!actual || typeof actual !== "object") return undefined;
    const got = { [field]: (actual as Record<string, unknown>)[field] };
    return matches(
      got,
      STEP_BUGS.map(([bugs, say]) => [{ [field]: reinforceVariant(...args, bugs)[field] }, say()]),
    );
  };
}

/** Every check of the exercise, in the order a learner meets them. */
export function checks(): Check[] {
  const small = [0.5, -1, 2, 0];
  const large = [1000, 1002, 998];
  const logits: Logits = [[0.3, -0.5, 1.1], [0.0, 0.7, -0.2, 0.4], [1.5, -0.3]];
  const choices = [2, 0, 1];
  const theta = Matrix.from([[0.3, -0.5, 1.1]]);
  const numeric = numericalGradient(() => logProbability([[...theta.data]], [0]), theta);
  const config = { lr: 2, baselineDecay: 0.8 };
  const stepArgs: [Logits, number[], number, number, typeof config] = [
    logits,
    choices,
    0.71,
    0.64,
    config,
  ];
  const lowArgs: [Logits, number[], number, number, typeof config] = [
    [[0, 0, 0], [0.2, -0.2]],
    [1, 0],
    0.5,
    0.62,
    { lr: 5, baselineDecay: 0.9 },
  ];
  const hiddenLogits: Logits = [[0.1, 0.2, -0.4, 0.9, 0], [-1, 1], [0.3, 0.3, 0.3]];
  const hiddenArgs: [Logits, number[], number, number, typeof config] = [
    hiddenLogits,
    [3, 1, 0],
    -0.28,
    -0.35,
    { lr: 10, baselineDecay: 0.7 },
  ];
  const ref = (a: typeof stepArgs) => {
    const r = reinforceStep(...a);
    return { logits: r.logits, baseline: r.baseline };
  };
  const only = (field: "logits" | "baseline", a: typeof stepArgs) => ({ [field]: ref(a)[field] });
  return [
    {
      name: "policy: softmax of 4 logits",
      points: 1,
      fn: "policy",
      args: [small],
      expected: policyProbabilities(small),
      diagnose: policyMistakes(small),
      nudge: "Turn the logits into probabilities: positive, and summing to 1.",
      hint: "π_k = e^{θ_k} / Σ_j e^{θ_j}.",
    },
    {
      name: "policy: logits in the thousands stay finite",
      points: 1,
      fn: "policy",
      args: [large],
      expected: policyProbabilities(large),
      diagnose: policyMistakes(large),
      nudge:
        "Large logits overflow the exponential: which shift of all of them leaves the probabilities unchanged?",
      hint: "softmax(θ − max θ) = softmax(θ): subtract the largest logit before exponentiating.",
    },
    {
      name: "logProbGrad: three decisions of 3, 4 and 2 options",
      points: 2,
      fn: "logProbGrad",
      args: [logits, choices],
      expected: logProbabilityGrad(logits, choices),
      diagnose: gradMistakes(logits, choices),
      nudge:
        "log π_d(a_d) has two parts that depend on θ_d: the chosen logit, and the normaliser over all options.",
      hint: "∂log π_d(a_d)/∂θ_d[k] = [k = a_d] − π_d[k]: one-hot minus the probabilities.",
    },
    {
      name: "logProbGrad: agrees with a numerical gradient of log π (central difference)",
      points: 2,
      fn: "logProbGrad",
      args: [[[0.3, -0.5, 1.1]], [0]],
      expected: [[...numeric.data]],
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: gradMistakes([[0.3, -0.5, 1.1]], [0]),
      nudge: "Each row of the gradient of a log-softmax sums to 0.",
      hint: "∂log π_d(a_d)/∂θ_d[k] = [k = a_d] − π_d[k].",
    },
    {
      name: "reinforceStep: the logits after a reward above the baseline",
      points: 2,
      fn: "reinforceStep",
      args: stepArgs,
      expected: only("logits", stepArgs),
      diagnose: stepMistakes(stepArgs, "logits"),
      nudge: "REINFORCE climbs: choices that did better than the baseline become more likely.",
      hint: "θ ← θ + lr·(R − b)·∇log π, with b the baseline passed in (from before this reward).",
    },
    {
      name: "reinforceStep: a reward below the baseline makes the choices less likely",
      points: 2,
      fn: "reinforceStep",
      args: lowArgs,
      expected: only("logits", lowArgs),
      diagnose: stepMistakes(lowArgs, "logits"),
      nudge: "The advantage R − b is negative here: the chosen options must lose probability.",
      hint: "θ ← θ + lr·(R − b)·(onehot − π), with R − b < 0.",
    },
    {
      name: "reinforceStep: the baseline's moving average",
      points: 1,
      fn: "reinforceStep",
      args: stepArgs,
      expected: only("baseline", stepArgs),
      diagnose: stepMistakes(stepArgs, "baseline"),
      nudge: "The baseline is an exponential moving average of the rewards.",
      hint: "b ← β·b + (1 − β)·R, with β = baselineDecay.",
    },
    {
      name: "reinforceStep: five options, negative rewards",
      points: 2,
      fn: "reinforceStep",
      args: hiddenArgs,
      expected: ref(hiddenArgs),
      diagnose: (actual) =>
        stepMistakes(hiddenArgs, "logits")(actual) ?? stepMistakes(hiddenArgs, "baseline")(actual),
      hidden: true,
      nudge: "Read the number of decisions and options from the logits themselves.",
      hint: "θ ← θ + lr·(R − b)·(onehot − π), then b ← β·b + (1 − β)·R.",
    },
  ];
}

export const reinforceExercise: Exercise = {
  name: "reinforce",
  title: "REINFORCE: the update of a categorical controller with a baseline",
  notebook: "33_nas.ipynb",
  checks,
};
