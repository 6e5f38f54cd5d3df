/**
 * A REINFORCE controller (Williams 1992; as a NAS controller, Zoph & Le 2017) over a
 * categorical search space: a policy π_θ with one independent categorical per decision d,
 * `π_d = softmax(θ_d)`, and a moving-average baseline b.
 *
 * The objective is the expected reward `J(θ) = E_{a∼π_θ}[R(a)]`. Since `∇π = π ∇log π`,
 * `∇J = E[R(a) ∇log π_θ(a)]`, which one sample estimates without differentiating R (R is a
 * trained network's accuracy: no gradient exists). For a softmax, `∂log π_d(a_d)/∂θ_d =
 * onehot(a_d) − π_d`. Because `E[∇log π] = 0`, any b not depending on a may be subtracted,
 * `∇J = E[(R − b) ∇log π]`, leaving the mean unchanged and the variance smaller when b is near
 * the typical reward. One step, after the reward R of a sampled a:
 *
 *     A = R − b                         (the advantage, with the baseline from before this R)
 *     θ_d ← θ_d + lr · A · (onehot(a_d) − π_d)     (ascent: rewards are maximised)
 *     b ← β·b + (1 − β)·R
 *
 * @module
 */

import { Matrix } from "../core/matrix.ts";
import type { Random } from "../core/random.ts";
import { coefficient, finiteValues, positive } from "../core/validate.ts";
import { softmaxForward } from "../nn/layers/softmax.ts";
import type { Config, SearchSpace } from "../search/space.ts";
import type { Sampler } from "../search/trial.ts";

/** One row of logits per decision. */
export type Logits = readonly (readonly number[])[];

/** The probabilities `softmax(θ_d)` of one decision. */
export function policyProbabilities(logits: readonly number[]): number[] {
  return [...softmaxForward(Matrix.from([logits])).out.data];
}

function checkChoices(op: string, logits: Logits, choices: readonly number[]): void {
  if (!Array.isArray(logits) || !Array.isArray(choices) || choices.length !== logits.length) {
    throw new RangeError(
      `${op}: need one choice per decision (${logits?.length} decisions), got ${choices?.length}`,
    );
  }
  choices.forEach((c, d) => {
    finiteValues(op, `logits[${d}]`, logits[d]);
    if (!Number.isInteger(c) || c < 0 || c >= logits[d].length) {
      throw new RangeError(
        `${op}: choice ${d} must be an index in [0, ${logits[d].length - 1}], got ${c}`,
      );
    }
  });
}

/** `log π_θ(a) = Σ_d log softmax(θ_d)[a_d]`. */
export function logProbability(logits: Logits, choices: readonly number[]): number {
  checkChoices("logProbability", logits, choices);
  return choices.reduce((s, c, d) => s + Math.log(policyProbabilities(logits[d])[c]), 0);
}

/** `∇_θ log π_θ(a)`: per decision `onehot(a_d) − softmax(θ_d)`. */
export function logProbabilityGrad(logits: Logits, choices: readonly number[]): number[][] {
  checkChoices("logProbabilityGrad", logits, choices);
  return logits.map((row, d) =>
    policyProbabilities(row).map((p, k) => (k === choices[d] ? 1 : 0) - p)
  );
}

/** A choice per decision, each drawn from its softmax (inverse CDF). */
export function sampleChoices(logits: Logits, rng: Random): number[] {
  return logits.map((row) => {
    const p = policyProbabilities(row);
    let u = rng.next(), k = 0;
    while (k < p.length - 1 && u >= p[k]) u -= p[k++];
    return k;
  });
}

/** Options of {@link reinforceStep} and {@link reinforceSampler}. */
export interface ReinforceOptions {
  /**
   * Step size of the ascent (default 1). Its scale is the reward's: with accuracies a few
   * hundredths apart the advantages are that small, and rates of several units are needed.
   */
  lr?: number;
  /** β of the baseline's moving average `b ← β·b + (1 − β)·R` (default 0.9). */
  baselineDecay?: number;
}

/**
 * One REINFORCE step after choices `a` earned `reward`: the new logits, the new baseline and
 * the advantage `R − b` used (computed with the baseline from before this reward).
 */
export function reinforceStep(
  logits: Logits,
  choices: readonly number[],
  reward: number,
  baseline: number,
  o: ReinforceOptions = {},
): { logits: number[][]; baseline: number; advantage: number } {
  const { lr = 1, baselineDecay = 0.9 } = o;
  positive("reinforceStep", "lr", lr);
  coefficient("reinforceStep", "baselineDecay", baselineDecay);
  finiteValues("reinforceStep", "reward and baseline", [reward, baseline]);
  const advantage = reward - baseline;
  const grad = logProbabilityGrad(logits, choices);
  return {
    logits: logits.map((row, d) => row.map((t, k) => t + lr * advantage * grad[d][k])),
    baseline: baselineDecay * baseline + (1 - baselineDecay) * reward,
    advantage,
  };
}

/**
 * The exact expected reward `J(θ) = Σ_a π_θ(a)·R(a)`, by enumerating every choice vector:
 * only for small spaces, to check the REINFORCE estimate against the true gradient.
 */
export function expectedReward(logits: Logits, reward: (choices: number[]) => number): number {
  const probs = logits.map(policyProbabilities);
  let total = 0;
  const walk = (d: number, choices: number[], p: number) => {
    if (d === probs.length) {
      total += p * reward(choices);
      return;
    }
    probs[d].forEach((q, k) => walk(d + 1, [...choices, k], p * q));
  };
  walk(0, [], 1);
  return total;
}

function categoricalChoices(op: string, sp: SearchSpace): (readonly unknown[])[] {
  return sp.names.map((name) => {
    const p = sp.params[name];
    if (p.kind !== "categorical" || p.when) {
      throw new TypeError(`${op}: "${name}" must be an unconditional categorical parameter`);
    }
    return p.choices;
  });
}

/**
 * The controller as a sampler of `lib/search/`: it proposes choices drawn from π_θ and, told
 * each trial, takes one REINFORCE step with reward `−value` (values are minimised, so the
 * reward of a validation error e is −e). The logits start at 0 (uniform, as random search);
 * the baseline starts at the first reward (a first advantage of 0).
 */
export function reinforceSampler(o: ReinforceOptions = {}): Sampler & {
  /** The current logits, one row per parameter (empty before the first proposal). */
  readonly logits: Logits;
  /** The current baseline (undefined before the first trial). */
  readonly baseline: number | undefined;
} {
  reinforceStep([[0]], [0], 0, 0, o); // validates the options before any state exists
  let logits: number[][] = [], baseline: number | undefined, choices: (readonly unknown[])[] = [];
  let names: readonly string[] = [];
  return {
    name: "REINFORCE",
    get logits() {
      return logits;
    },
    get baseline() {
      return baseline;
    },
    suggest(sp, _trials, rng) {
      if (names !== sp.names) {
        choices = categoricalChoices("reinforceSampler", sp);
        names = sp.names;
        logits = choices.map((c) => c.map(() => 0));
      }
      const a = sampleChoices(logits, rng);
      return Object.fromEntries(names.map((n, d) => [n, choices[d][a[d]]])) as Config;
    },
    tell(trial) {
      if (!Number.isFinite(trial.value)) return;
      const a = names.map((n, d) => choices[d].indexOf(trial.params[n]));
      const reward = -trial.value;
      const step = reinforceStep(logits, a, reward, baseline ?? reward, o);
      logits = step.logits;
      baseline = step.baseline;
    },
  };
}
