/**
 * Graded checks for exercises/sgd_momentum.ts (`sgd`, torch.optim.SGD as an update rule).
 *
 * Every check runs the learner's `sgd` for a whole trajectory (through the exercise's `runSgd`)
 * and compares each step's momentum buffer and parameters with the library's `sgd` (matched to
 * PyTorch) on the same problem; see trajectory.ts. The known mistakes are flags of
 * {@link sgdVariant}, an implementation written apart from lib/.
 */

import type { UpdateRule } from "../../lib/core/update_rule.ts";
import { asUpdateRule, sgd } from "../../lib/optim/optimizers.ts";
import type { Check, Exercise } from "../../grader/types.ts";
import {
  type Mistake,
  noisyBowl,
  type Quantity,
  RAVINE,
  ROTATED,
  stepDrop,
  type TrajectoryCase,
  trajectoryCheck,
  warmupCosine,
} from "./trajectory.ts";

/** The config of the exercise's `sgd`: PyTorch's hyper-parameters and state. */
export interface SgdConfig {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  momentumBuffer?: number[];
}

/** The graded quantities, in the order a step computes them. */
export const SGD_QUANTITIES: readonly Quantity[] = [
  { key: "momentumBuffer", name: "momentum buffer" },
  { key: "w" },
];

export type SgdFlag =
  | "lrInBuffer"
  | "negativeVelocity"
  | "stepBeforeBuffer"
  | "dampenedFirstStep"
  | "averagedBuffer"
  | "dampeningIgnored"
  | "nesterovOldBuffer"
  | "decayOutsideBuffer"
  | "decayIgnored";

/**
 * The known mistakes, each in two tiers: a phrase completing "it looks like …" (at once), then
 * the formula-level fix.
 */
export const SGD_MISTAKES: readonly Mistake<SgdFlag>[] = [
  {
    flag: "lrInBuffer",
    says: "the learning rate is inside the momentum buffer (the notes' velocity form). " +
      "PyTorch's buffer holds gradients only and the learning rate scales the step taken from " +
      "it, which makes a difference as soon as the learning rate changes",
    formula: "b = μ·b + g (b = g on the first step) holds gradients only; then w = w − lr·b.",
  },
  {
    flag: "negativeVelocity",
    says: "the buffer holds CS231n's negative velocity (the momentum and Nesterov forms of " +
      "its code), with the learning rate and the minus sign inside it. PyTorch's buffer holds " +
      "gradients only; the learning rate and the sign come with the step",
    formula: "CS231n's v is −lr·b while lr is constant. PyTorch: b = μ·b + g (b = g on the " +
      "first step), then w = w − lr·b, or w = w − lr·(g + μ·b) with nesterov.",
  },
  {
    flag: "stepBeforeBuffer",
    says: "the step is taken with the buffer from before this step's gradient is added (the " +
      "momentum is updated after the step), so every step lags one gradient behind",
    formula: "Update the buffer first, b = μ·b + g (b = g on the first step), then step with " +
      "it: w = w − lr·b.",
  },
  {
    flag: "dampenedFirstStep",
    says: "the buffer starts at zero, so dampening already shrinks the first gradient; " +
      "PyTorch's first buffer is the (decayed) gradient itself",
    formula: "On the first step b = g, undampened; after that b = μ·b + (1 − τ)·g.",
  },
  {
    flag: "averagedBuffer",
    says: "the buffer averages the gradients (the notes' EMA form, weighting the new one by " +
      "1 − μ); PyTorch's buffer adds each gradient in full, unless dampening is set",
    formula: "b = g on the first step, then b = μ·b + (1 − τ)·g with dampening τ (0 by default).",
  },
  {
    flag: "dampeningIgnored",
    says: "dampening is ignored",
    formula: "After the first step b = μ·b + (1 − τ)·g, τ = dampening.",
  },
  {
    flag: "nesterovOldBuffer",
    // g + μ·b_old is the updated buffer itself: this mistake and ignoring nesterov are one.
    says: "Nesterov's extra momentum term uses the buffer from before this step's update, " +
      "which makes the step plain momentum again (as if nesterov were ignored); PyTorch uses " +
      "the buffer just updated",
    formula: "Update b = μ·b + g first, then step with g + μ·b, the new b: w = w − lr·(g + μ·b).",
  },
  {
    flag: "decayOutsideBuffer",
    says: "the weight decay is added to the step, not to the gradient, so it bypasses the " +
      "momentum buffer",
    formula: "g = ∇w + λ·w first; the buffer is built from that g: b = μ·b + g.",
  },
  {
    flag: "decayIgnored",
    says: "weightDecay is ignored",
    formula: "g = ∇w + λ·w (λ = weightDecay) before anything else uses the gradient.",
  },
];

/** `torch.optim.SGD` as an update rule, written apart from lib/, committing the `flags` mistakes. */
export function sgdVariant(flags: readonly SgdFlag[]): UpdateRule<SgdConfig> {
  const has = (f: SgdFlag) => flags.includes(f);
  return (w, dw, c) => {
    const { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = c;
    const lambda = has("decayIgnored") ? 0 : weightDecay;
    const inGrad = has("decayOutsideBuffer") ? 0 : lambda;
    const g = dw.map((x, k) => x + inGrad * w[k]);
    const decayStep = (k: number) => (has("decayOutsideBuffer") ? lr * lambda * w[k] : 0);
    if (momentum === 0) {
      return { w: w.map((x, k) => x - lr * g[k] - decayStep(k)), config: c };
    }
    // what a gradient is multiplied by in the buffer
    const unit = has("lrInBuffer") ? lr : has("negativeVelocity") ? -lr : 1;
    const share = has("averagedBuffer")
      ? 1 - momentum
      : has("dampeningIgnored")
      ? 1
      : 1 - dampening;
    const fromZero = has("dampenedFirstStep") || has("averagedBuffer");
    const old = c.momentumBuffer;
    const buf = g.map((x, k) =>
      old === undefined && !fromZero ? unit * x : momentum * (old?.[k] ?? 0) + share * unit * x
    );
    const ahead = has("nesterovOldBuffer") ? g.map((_, k) => old?.[k] ?? 0) : buf;
    const before = g.map((_, k) => old?.[k] ?? 0);
    const d = nesterov
      ? g.map((x, k) => unit * x + momentum * ahead[k])
      : has("stepBeforeBuffer")
      ? before
      : buf;
    const stepLr = has("lrInBuffer") ? 1 : has("negativeVelocity") ? -1 : lr;
    return {
      w: w.map((x, k) => x - stepLr * d[k] - decayStep(k)),
      config: { ...c, momentumBuffer: buf },
    };
  };
}

/** The formula-level hint of every check: PyTorch's SGD step, option by option. */
const SGD_FORMULA = "PyTorch's step: g = ∇w + λ·w (weight decay λ); on the first step b = g, " +
  "then b = μ·b + (1 − τ)·g (dampening τ); with nesterov g = g + μ·b, else g = b; " +
  "finally w = w − lr·g. Without momentum g is used directly.";

function check(
  name: string,
  points: number,
  c: TrajectoryCase<SgdConfig>,
  nudge: string,
  hidden = false,
): Check {
  const { lr, ...options } = c.config;
  return trajectoryCheck({
    name,
    points,
    fn: "runSgd",
    case: c,
    reference: asUpdateRule(sgd({ lr, ...options })) as unknown as UpdateRule<SgdConfig>,
    quantities: SGD_QUANTITIES,
    mistakes: SGD_MISTAKES,
    variant: sgdVariant,
    nudge,
    hint: SGD_FORMULA,
    hidden,
  });
}

/** The checks, in the order a learner meets the options. */
export function checks(): Check[] {
  const w0 = [-2, 1], w3 = [2, 1, -1], w4 = [0, 0, 0, 0];
  return [
    check(
      "sgd: plain gradient descent on a ravine (only lr given)",
      2,
      { problem: RAVINE, w0, config: { lr: 0.05 }, steps: 30 },
      "Plain SGD steps against the gradient, scaled by the learning rate. Options you are not " +
        "given take PyTorch's defaults.",
    ),
    check(
      "sgd: weight decay, no momentum",
      2,
      { problem: ROTATED, w0: w3, config: { lr: 0.1, weightDecay: 0.2 }, steps: 30 },
      "Weight decay is the gradient of an L2 penalty on w: it joins the gradient before " +
        "anything else uses it.",
    ),
    check(
      "sgd: momentum 0.9 on a ravine",
      3,
      { problem: RAVINE, w0, config: { lr: 0.04, momentum: 0.9 }, steps: 50 },
      "The buffer remembers past gradients and shrinks them by μ at every step. Look at what " +
        "PyTorch puts in the buffer on the very first step.",
    ),
    check(
      "sgd: momentum with a learning rate that drops",
      3,
      {
        problem: ROTATED,
        w0: w3,
        config: { lr: 0.05, momentum: 0.8 },
        steps: 40,
        lrs: stepDrop(0.05, 20, 0.1, 40),
      },
      "A schedule changes lr between steps. Think about which quantity the learning rate " +
        "multiplies in PyTorch: the gradients stored in the buffer, or the step taken from it?",
    ),
    check(
      "sgd: momentum with dampening 0.5",
      2,
      { problem: RAVINE, w0, config: { lr: 0.05, momentum: 0.9, dampening: 0.5 }, steps: 40 },
      "Dampening scales the new gradient's share of the buffer. What does PyTorch do on the " +
        "step that creates the buffer?",
    ),
    check(
      "sgd: Nesterov momentum on a ravine",
      3,
      { problem: RAVINE, w0, config: { lr: 0.04, momentum: 0.9, nesterov: true }, steps: 50 },
      "Nesterov looks one momentum step ahead: the step is the gradient plus a momentum term. " +
        "Which buffer does PyTorch use for that term, the one before or after this step's update?",
    ),
    check(
      "sgd: momentum, dampening and weight decay on a noisy problem",
      2,
      {
        problem: noisyBowl(11, 60),
        w0: w4,
        config: { lr: 0.03, momentum: 0.7, dampening: 0.2, weightDecay: 0.05 },
        steps: 60,
      },
      "Every option at once, with a stochastic gradient: each must act where PyTorch applies it.",
      true,
    ),
    check(
      "sgd: Nesterov with weight decay and a warm-up schedule",
      2,
      {
        problem: ROTATED,
        w0: w3,
        config: { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1 },
        steps: 50,
        lrs: warmupCosine(0.05, 10, 50),
      },
      "Nesterov, weight decay and a changing learning rate together.",
      true,
    ),
  ];
}

export const sgdMomentumExercise: Exercise = {
  name: "sgd_momentum",
  title: "SGD with momentum, Nesterov and weight decay (PyTorch's update)",
  notebook: "09_momentum.ipynb",
  checks,
};
