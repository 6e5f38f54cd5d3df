/**
 * The trial record every strategy shares, the strategy shape, and the study loop.
 *
 * A **trial** is one evaluated configuration: its parameters, the objective's value (always
 * *minimised*: pass `1 − accuracy` or a validation loss), what it cost (epochs, evaluations,
 * seconds: the unit is the study's) and its learning curve (the value after each unit of
 * budget, when the objective reports one; successive halving and Hyperband read it).
 *
 * A **sampler** proposes the next configuration from the space and the trials so far, in
 * Optuna's spirit (`optuna/samplers/_base.py`): `suggest(space, trials, rng)`. Grid, random,
 * TPE and GP-EI are stateless and read `trials`; evolution and particle swarm keep their
 * population in a closure and may also be told each finished trial (`tell`). The random
 * generator belongs to the study, so one seed fixes a whole run.
 *
 * @module
 */

import { Random } from "../core/random.ts";
import { type Config, type SearchSpace, validateConfig } from "./space.ts";

/** A finished trial: `complete`, `pruned` (stopped early by a scheduler) or `failed` (value not finite). */
export type TrialState = "complete" | "pruned" | "failed";

/** One evaluated configuration. */
export interface Trial {
  /** 0, 1, 2, … in the order the trials were asked for. */
  readonly id: number;
  readonly params: Config;
  /** The objective (minimised); NaN for a failed trial. */
  readonly value: number;
  /** Budget spent on it, in the study's unit (1 per evaluation unless the objective says). */
  readonly cost: number;
  /** The value after each unit of budget (empty when the objective reports no curve). */
  readonly curve: readonly number[];
  readonly state: TrialState;
}

/** A strategy: proposes the next configuration from the trials so far. */
export interface Sampler {
  /** A short name for tables and legends ("random", "tpe", "gp-ei", …). */
  readonly name: string;
  /** The next configuration to evaluate; must be valid in `space`. */
  suggest(space: SearchSpace, trials: readonly Trial[], rng: Random): Config;
  /** Called with every finished trial, for samplers that keep state (evolution, swarms). */
  tell?(trial: Trial): void;
}

/** What an objective returns: a value, or a value with its cost and learning curve. */
export type Evaluation = number | { value: number; cost?: number; curve?: readonly number[] };

/** The function searched over: a configuration (and the budget to spend on it) → an evaluation. */
export type SearchObjective = (config: Config, budget: number) => Evaluation;

/** Builds a validated trial record from an evaluation. A non-finite value gives a `failed` trial. */
export function makeTrial(
  id: number,
  params: Config,
  evaluation: Evaluation,
  o: { state?: "complete" | "pruned" } = {},
): Trial {
  if (!(Number.isInteger(id) && id >= 0)) {
    throw new RangeError(`makeTrial: id must be an integer ≥ 0, got ${id}`);
  }
  const e = typeof evaluation === "number" ? { value: evaluation } : evaluation;
  if (e === null || typeof e !== "object" || typeof e.value !== "number") {
    throw new TypeError(
      `makeTrial: an objective must return a number or { value, cost?, curve? }, got ${
        JSON.stringify(evaluation)
      }`,
    );
  }
  const curve = e.curve ?? [];
  if (!Array.isArray(curve) || curve.some((c) => typeof c !== "number")) {
    throw new TypeError("makeTrial: curve must be an array of numbers");
  }
  const cost = e.cost ?? (curve.length > 0 ? curve.length : 1);
  if (!(Number.isFinite(cost) && cost >= 0)) {
    throw new RangeError(`makeTrial: cost must be a finite number ≥ 0, got ${cost}`);
  }
  const failed = !Number.isFinite(e.value);
  return Object.freeze({
    id,
    params: Object.freeze({ ...params }),
    value: failed ? NaN : e.value,
    cost,
    curve: Object.freeze(curve.slice()),
    state: failed ? "failed" : o.state ?? "complete",
  });
}

/** The completed trials (pruned and failed ones left out). */
export function completed(trials: readonly Trial[]): Trial[] {
  return trials.filter((t) => t.state === "complete");
}

/** The completed trial with the lowest value (the first one on ties); throws if there is none. */
export function bestTrial(trials: readonly Trial[]): Trial {
  let best: Trial | undefined;
  for (const t of trials) if (t.state === "complete" && (!best || t.value < best.value)) best = t;
  if (!best) throw new RangeError("bestTrial: no completed trial yet");
  return best;
}

/** The best value found after each trial (the incumbent's trajectory); Infinity before the first completed one. */
export function incumbent(trials: readonly Trial[]): number[] {
  let best = Infinity;
  return trials.map((t) => (best = t.state === "complete" ? Math.min(best, t.value) : best));
}

/** Options of {@link optimize}. */
export interface OptimizeOptions {
  /** Number of trials. */
  nTrials: number;
  /** Seed of the study's generator. Default 0. */
  seed?: number;
  /** Budget passed to the objective for each trial. Default 1. */
  budget?: number;
  /** Called after each trial (to draw progress). */
  onTrial?: (trial: Trial, trials: readonly Trial[]) => void;
}

/** A finished study: every trial, the best one and the incumbent trajectory. */
export interface Study {
  readonly trials: readonly Trial[];
  readonly best: Trial;
  readonly incumbent: readonly number[];
}

/** The study loop: ask the sampler, check the configuration, evaluate, record, tell. */
export function optimize(
  sp: SearchSpace,
  sampler: Sampler,
  objective: SearchObjective,
  o: OptimizeOptions,
): Study {
  if (!(Number.isInteger(o.nTrials) && o.nTrials > 0)) {
    throw new RangeError(`optimize: nTrials must be a positive integer, got ${o.nTrials}`);
  }
  const rng = new Random(o.seed ?? 0), budget = o.budget ?? 1;
  const trials: Trial[] = [];
  for (let id = 0; id < o.nTrials; id++) {
    const params = sampler.suggest(sp, trials, rng);
    validateConfig(sp, params);
    const trial = makeTrial(id, params, objective(params, budget));
    trials.push(trial);
    sampler.tell?.(trial);
    o.onTrial?.(trial, trials);
  }
  return { trials, best: bestTrial(trials), incumbent: incumbent(trials) };
}
