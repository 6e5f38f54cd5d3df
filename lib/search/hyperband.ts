/**
 * Early stopping of bad trials: successive halving and Hyperband (Li et al., 2018).
 *
 * **Successive halving** evaluates n configurations on a small budget r (a few epochs), keeps
 * the best 1/η, evaluates those on η·r, and so on until one budget reaches `maxBudget`. Most of
 * the budget goes to the configurations that looked good early. Its risk is the choice of n:
 * many configurations on a tiny budget may rank them wrongly (slow starters are cut).
 * **Hyperband** hedges over that choice: it runs several brackets of successive halving, from
 * "many configurations, tiny first budget" to "few configurations, full budget" (plain random
 * search), for s = s_max … 0 with n = ⌈(s_max + 1)/(s + 1)·η^s⌉ configurations starting at
 * budget maxBudget·η^{−s}.
 *
 * Every evaluation is a trial whose `cost` is the budget it was given (a configuration promoted
 * to the next rung is trained again from the start: the honest cost when checkpoints are not
 * kept). Evaluations stopped before the top budget are `pruned`; only evaluations at `maxBudget`
 * are `complete`, so the best trial is always judged on the full budget.
 *
 * @module
 */

import { Random } from "../core/random.ts";
import type { Config, SearchSpace } from "./space.ts";
import { bestTrial, type Evaluation, makeTrial, type Sampler, type Trial } from "./trial.ts";

/** An objective that may train asynchronously (with `fit`): configuration and budget → evaluation. */
export type AsyncObjective = (config: Config, budget: number) => Evaluation | Promise<Evaluation>;

/** Options of {@link successiveHalving} and {@link hyperband}. */
export interface HalvingOptions {
  /** The smallest budget (e.g. 1 epoch). */
  minBudget: number;
  /** The full budget. */
  maxBudget: number;
  /** Keep 1/η of each rung. Default 3. */
  eta?: number;
  /** Seed of the generator (when no `rng`). Default 0. */
  seed?: number;
  /** A generator to continue from (Hyperband passes its own). */
  rng?: Random;
  /** Trials already run, which the sampler also sees (Hyperband passes the earlier brackets'). */
  trials?: Trial[];
}

/** What a schedule returns: every evaluation in order, the best full-budget trial, the total budget spent. */
export interface ScheduleResult {
  readonly trials: readonly Trial[];
  readonly best: Trial;
  readonly totalCost: number;
}

function checkHalving(op: string, o: HalvingOptions): number {
  const eta = o.eta ?? 3;
  if (
    !(Number.isFinite(o.minBudget) && o.minBudget > 0 && o.maxBudget >= o.minBudget &&
      Number.isFinite(o.maxBudget))
  ) {
    throw new RangeError(
      `${op}: need 0 < minBudget ≤ maxBudget, got ${o.minBudget}, ${o.maxBudget}`,
    );
  }
  if (!(eta >= 2)) throw new RangeError(`${op}: eta must be ≥ 2, got ${eta}`);
  return eta;
}

/** The rung budgets r, r·η, r·η², … capped at maxBudget (the last one is maxBudget). */
export function rungBudgets(minBudget: number, maxBudget: number, eta: number): number[] {
  const out: number[] = [];
  let r = minBudget;
  while (r < maxBudget * (1 - 1e-12)) {
    out.push(r);
    r *= eta;
  }
  out.push(maxBudget);
  return out;
}

/** Successive halving of `n` configurations proposed by `sampler`, from `minBudget` up to `maxBudget`. */
export async function successiveHalving(
  sp: SearchSpace,
  sampler: Sampler,
  objective: AsyncObjective,
  n: number,
  o: HalvingOptions,
): Promise<ScheduleResult> {
  const eta = checkHalving("successiveHalving", o);
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new RangeError(`successiveHalving: n must be a positive integer, got ${n}`);
  }
  const rng = o.rng ?? new Random(o.seed ?? 0), trials = o.trials ?? [];
  const start = trials.length;
  let alive = Array.from({ length: n }, () => sampler.suggest(sp, trials, rng));
  const rungs = rungBudgets(o.minBudget, o.maxBudget, eta);
  for (let k = 0; k < rungs.length && alive.length > 0; k++) {
    const last = k === rungs.length - 1;
    const results: Trial[] = [];
    for (const params of alive) {
      const e = await objective(params, rungs[k]);
      const value = typeof e === "number" ? e : e.value;
      const curve = typeof e === "number" ? undefined : e.curve;
      const t = makeTrial(trials.length, params, { value, cost: rungs[k], curve }, {
        state: last ? "complete" : "pruned",
      });
      trials.push(t);
      sampler.tell?.(t);
      results.push(t);
    }
    const keep = Math.max(1, Math.floor(alive.length / eta));
    alive = results.filter((t) => t.state !== "failed").sort((a, b) => a.value - b.value).slice(
      0,
      keep,
    ).map((t) => t.params);
  }
  const mine = trials.slice(start);
  return { trials: mine, best: bestTrial(mine), totalCost: mine.reduce((s, t) => s + t.cost, 0) };
}

/** The brackets of Hyperband: for s = s_max … 0, the number of configurations and their first budget. */
export function hyperbandBrackets(
  minBudget: number,
  maxBudget: number,
  eta = 3,
): { n: number; minBudget: number }[] {
  const sMax = Math.floor(Math.log(maxBudget / minBudget) / Math.log(eta) + 1e-9);
  const out = [];
  for (let s = sMax; s >= 0; s--) {
    out.push({ n: Math.ceil((sMax + 1) / (s + 1) * eta ** s), minBudget: maxBudget * eta ** -s });
  }
  return out;
}

/** Hyperband: every bracket of {@link hyperbandBrackets} run by successive halving, one generator throughout. */
export async function hyperband(
  sp: SearchSpace,
  sampler: Sampler,
  objective: AsyncObjective,
  o: HalvingOptions,
): Promise<ScheduleResult> {
  const eta = checkHalving("hyperband", o);
  const rng = o.rng ?? new Random(o.seed ?? 0), trials: Trial[] = o.trials ?? [];
  const start = trials.length;
  for (const b of hyperbandBrackets(o.minBudget, o.maxBudget, eta)) {
    await successiveHalving(sp, sampler, objective, b.n, {
      ...o,
      minBudget: b.minBudget,
      eta,
      rng,
      trials,
    });
  }
  const mine = trials.slice(start);
  return { trials: mine, best: bestTrial(mine), totalCost: mine.reduce((s, t) => s + t.cost, 0) };
}
