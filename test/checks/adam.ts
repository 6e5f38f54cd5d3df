/**
 * Graded checks for exercises/adam.ts (`adam` and `adamw`, torch.optim.Adam and AdamW as update
 * rules, with AMSGrad).
 *
 * Every check runs the learner's function for a whole trajectory (through the exercise's
 * `runAdam`/`runAdamW`) and compares each step's step count, moments, AMSGrad maximum and
 * parameters with the library's `adam`/`adamw` (matched to PyTorch) on the same problem; see
 * trajectory.ts. The known mistakes are flags of {@link adamVariant}, an implementation written
 * apart from lib/.
 */

import type { UpdateRule } from "../../lib/core/update_rule.ts";
import { adam, adamw, asUpdateRule } from "../../lib/optim/optimizers.ts";
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

/** The config of the exercise's `adam` and `adamw`: PyTorch's hyper-parameters and state. */
export interface AdamConfig {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  step?: number;
  expAvg?: number[];
  expAvgSq?: number[];
  maxExpAvgSq?: number[];
}

/** The graded quantities, in the order a step computes them. */
export const ADAM_QUANTITIES: readonly Quantity[] = [
  { key: "step", name: "step count", bookkeeping: true },
  { key: "expAvg", name: "m" },
  { key: "expAvgSq", name: "v" },
  { key: "maxExpAvgSq", name: "AMSGrad maximum" },
  { key: "w" },
];

export type AdamFlag =
  | "noBiasCorrection"
  | "noFirstCorrection"
  | "noSecondCorrection"
  | "tFromZero"
  | "epsInsideRoot"
  | "maxOfCorrected"
  | "coupledDecay"
  | "decoupledDecay"
  | "decayWithoutLr"
  | "decayAfterStep"
  | "decayIgnored";

/** Each known mistake in two tiers: what is wrong (at once), then the formula-level fix. */
const MISTAKE: Record<AdamFlag, Omit<Mistake<AdamFlag>, "flag">> = {
  noBiasCorrection: {
    says: "Adam without bias correction: m and v start at zero and are used as they are, so " +
      "the early steps have the wrong size",
    formula: "m̂ = m/(1 − β1^t) and v̂ = v/(1 − β2^t), t counted from 1; the step uses m̂ and v̂.",
  },
  noFirstCorrection: {
    says: "only v is bias-corrected; m needs its own correction too",
    formula: "m̂ = m/(1 − β1^t) beside v̂ = v/(1 − β2^t); the step is lr·m̂/(√v̂ + ε).",
  },
  noSecondCorrection: {
    says: "only m is bias-corrected; v needs its own correction too",
    formula: "v̂ = v/(1 − β2^t) beside m̂ = m/(1 − β1^t); the step is lr·m̂/(√v̂ + ε).",
  },
  tFromZero: {
    says: "the step count in the bias corrections starts from 0, one step behind PyTorch's, " +
      "so the first correction divides by zero",
    formula: "Increment step first, so the first step has t = 1: m̂ = m/(1 − β1^t), " +
      "v̂ = v/(1 − β2^t).",
  },
  epsInsideRoot: {
    says: "ε is inside the square root; PyTorch adds it after taking the root",
    formula: "w = w − lr·m̂/(√v̂ + ε).",
  },
  maxOfCorrected: {
    says: "AMSGrad keeps the maximum of the corrected v̂; PyTorch keeps the maximum of the raw " +
      "v (maxExpAvgSq) and corrects it with the current step's factor",
    formula: "maxExpAvgSq = max(maxExpAvgSq, v) on the raw v; the step divides by " +
      "√(maxExpAvgSq/(1 − β2^t)) + ε.",
  },
  coupledDecay: {
    says: "the weight decay is coupled (added to the gradient, Adam's L2 penalty) instead of " +
      "decoupled as in AdamW",
    formula: "AdamW: first w = w − lr·λ·w, then the Adam step with the plain gradient g = ∇w.",
  },
  decoupledDecay: {
    says: "the weight decay is decoupled (AdamW's); Adam's weightDecay is an L2 term added to " +
      "the gradient",
    formula: "Adam: g = ∇w + λ·w, and m and v are built from that g.",
  },
  decayWithoutLr: {
    says: "the weights shrink by a factor that ignores the learning rate; PyTorch's decoupled " +
      "decay scales with lr",
    formula: "w = w·(1 − lr·λ) before the Adam step.",
  },
  decayAfterStep: {
    says: "the decay is applied after the Adam step; PyTorch shrinks the weights first",
    formula: "First w = w·(1 − lr·λ), then w = w − lr·m̂/(√v̂ + ε).",
  },
  decayIgnored: {
    says: "weightDecay is ignored",
    formula: "λ = weightDecay (AdamW's default 0.01): Adam adds λ·w to the gradient, AdamW " +
      "first sets w = w − lr·λ·w.",
  },
};

const mistakes = (flags: AdamFlag[]): Mistake<AdamFlag>[] =>
  flags.map((flag) => ({ flag, ...MISTAKE[flag] }));

const COMMON: AdamFlag[] = [
  "noBiasCorrection",
  "noFirstCorrection",
  "noSecondCorrection",
  "tFromZero",
  "epsInsideRoot",
  "maxOfCorrected",
  "decayIgnored",
];
/** The mistakes looked for in `adam`'s checks. */
export const ADAM_MISTAKES = mistakes([...COMMON, "decoupledDecay"]);
/** The mistakes looked for in `adamw`'s checks. */
export const ADAMW_MISTAKES = mistakes([
  ...COMMON,
  "coupledDecay",
  "decayWithoutLr",
  "decayAfterStep",
]);

/**
 * Adam (`decoupled` false) or AdamW (true) as an update rule, written apart from lib/,
 * committing the `flags` mistakes.
 */
export function adamVariant(decoupled: boolean) {
  return (flags: readonly AdamFlag[]): UpdateRule<AdamConfig> => {
    const has = (f: AdamFlag) => flags.includes(f);
    return (w, dw, c) => {
      const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, amsgrad = false } = c;
      const [b1, b2] = betas;
      const lambda = has("decayIgnored") ? 0 : c.weightDecay ?? (decoupled ? 1e-2 : 0);
      const dec = decoupled ? !has("coupledDecay") : has("decoupledDecay");
      const shrink = has("decayWithoutLr") ? 1 - lambda : 1 - lr * lambda;
      const t = (c.step ?? 0) + 1;
      let p = dec && !has("decayAfterStep") ? w.map((x) => x * shrink) : w.slice();
      const g = dec ? dw.slice() : dw.map((x, k) => x + lambda * w[k]);
      const m = g.map((x, k) => b1 * (c.expAvg?.[k] ?? 0) + (1 - b1) * x);
      const v = g.map((x, k) => b2 * (c.expAvgSq?.[k] ?? 0) + (1 - b2) * x * x);
      const e = has("tFromZero") ? t - 1 : t;
      const bc1 = has("noBiasCorrection") || has("noFirstCorrection") ? 1 : 1 - b1 ** e;
      const bc2 = has("noBiasCorrection") || has("noSecondCorrection") ? 1 : 1 - b2 ** e;
      const vhat = v.map((x) => x / bc2);
      const kept = has("maxOfCorrected") ? vhat : v;
      const vmax = amsgrad ? kept.map((x, k) => Math.max(c.maxExpAvgSq?.[k] ?? 0, x)) : undefined;
      const denomV = vmax === undefined
        ? vhat
        : has("maxOfCorrected")
        ? vmax
        : vmax.map((x) => x / bc2);
      p = p.map((x, k) => {
        const denom = has("epsInsideRoot")
          ? Math.sqrt(denomV[k] + eps)
          : Math.sqrt(denomV[k]) + eps;
        return x - lr * (m[k] / bc1) / denom;
      });
      if (dec && has("decayAfterStep")) p = p.map((x) => x * shrink);
      return {
        w: p,
        config: { ...c, step: t, expAvg: m, expAvgSq: v, ...(vmax ? { maxExpAvgSq: vmax } : {}) },
      };
    };
  };
}

/** The formula-level hint of every check: PyTorch's Adam and AdamW steps. */
const ADAM_FORMULA = "PyTorch's step t (from 1): Adam adds λ·w to the gradient g, AdamW instead " +
  "first sets w = w − lr·λ·w; m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; " +
  "m̂ = m/(1 − β1^t); v̂ = v/(1 − β2^t) (amsgrad: keep the running max of v and use it in v̂); " +
  "w = w − lr·m̂/(√v̂ + ε).";

function check(
  kind: "adam" | "adamw",
  name: string,
  points: number,
  c: TrajectoryCase<AdamConfig>,
  nudge: string,
  hidden = false,
): Check {
  const { lr, betas, eps, weightDecay, amsgrad } = c.config;
  const options = { lr, betas, eps, weightDecay, amsgrad };
  const opt = kind === "adam" ? adam(options) : adamw(options);
  return trajectoryCheck({
    name,
    points,
    fn: kind === "adam" ? "runAdam" : "runAdamW",
    case: c,
    reference: asUpdateRule(opt) as unknown as UpdateRule<AdamConfig>,
    quantities: ADAM_QUANTITIES,
    mistakes: kind === "adam" ? ADAM_MISTAKES : ADAMW_MISTAKES,
    variant: adamVariant(kind === "adamw"),
    nudge,
    hint: ADAM_FORMULA,
    hidden,
  });
}

/** Bowls with small gradients, where the place of ε shows. */
const SHALLOW = { a: [[0.01, 0], [0, 0.05]], center: [0.3, -0.2] };

/** The checks: Adam's, then AdamW's. */
export function checks(): Check[] {
  const w0 = [-2, 1], w3 = [2, 1, -1], w4 = [0, 0, 0, 0];
  return [
    check(
      "adam",
      "adam: PyTorch's defaults on a ravine (only lr given)",
      3,
      { problem: RAVINE, w0, config: { lr: 0.05 }, steps: 40 },
      "Two running averages start at zero; undo their bias towards zero, and count the steps " +
        "the way PyTorch does. Options you are not given take PyTorch's defaults.",
    ),
    check(
      "adam",
      "adam: other betas, a larger ε and small gradients",
      3,
      {
        problem: SHALLOW,
        w0: [0.5, 0.4],
        config: { lr: 0.01, betas: [0.8, 0.99], eps: 1e-3 },
        steps: 40,
      },
      "ε keeps the denominator away from zero. When the gradients are tiny its exact place in " +
        "the formula matters: check where PyTorch puts it.",
    ),
    check(
      "adam",
      "adam: weight decay (an L2 penalty)",
      2,
      { problem: ROTATED, w0: w3, config: { lr: 0.05, weightDecay: 0.1 }, steps: 40 },
      "In Adam, weight decay is the gradient of an L2 penalty, so it passes through both moments.",
    ),
    check(
      "adam",
      "adam: AMSGrad on a noisy problem",
      3,
      { problem: noisyBowl(5, 60), w0: w4, config: { lr: 0.05, amsgrad: true }, steps: 60 },
      "AMSGrad never lets the denominator shrink: it keeps a running maximum. Which quantity " +
        "does PyTorch take the maximum of, and when is it corrected?",
    ),
    check(
      "adam",
      "adam: a learning-rate schedule, AMSGrad and weight decay",
      2,
      {
        problem: noisyBowl(6, 50),
        w0: w4,
        config: { lr: 0.05, betas: [0.85, 0.995], weightDecay: 0.05, amsgrad: true },
        steps: 50,
        lrs: warmupCosine(0.05, 8, 50),
      },
      "A changing learning rate leaves the moments alone; only the step uses it.",
      true,
    ),
    check(
      "adamw",
      "adamw: decoupled weight decay",
      3,
      { problem: ROTATED, w0: w3, config: { lr: 0.05, weightDecay: 0.5 }, steps: 40 },
      "AdamW shrinks the weights directly, by an amount that scales with the learning rate, " +
        "and leaves the gradient alone. Mind the order.",
    ),
    check(
      "adamw",
      "adamw: the default weight decay",
      1,
      { problem: RAVINE, w0, config: { lr: 0.1 }, steps: 30 },
      "AdamW's default weightDecay is not zero.",
    ),
    check(
      "adamw",
      "adamw: AMSGrad with a learning rate that drops",
      2,
      {
        problem: noisyBowl(7, 50),
        w0: w4,
        config: { lr: 0.05, weightDecay: 0.2, amsgrad: true },
        steps: 50,
        lrs: stepDrop(0.05, 25, 0.2, 50),
      },
      "AdamW's decay, the running maximum and a changing learning rate together.",
      true,
    ),
  ];
}

export const adamExercise: Exercise = {
  name: "adam",
  title: "Adam and AdamW with bias correction, and AMSGrad (PyTorch's update)",
  notebook: "11_adaptive_methods.ipynb",
  checks,
};
