/**
 * The tree-structured Parzen estimator (Bergstra et al., 2011), after Optuna 3.1's
 * independent TPE sampler and its defaults.
 *
 * Instead of modelling p(y | x) as a GP does, TPE splits the trials at a quantile: the best
 * γ(n) = min(⌈0.1·n⌉, 25) are "good", the rest "bad", and it fits one density to each, l(x) to
 * the good and g(x) to the bad, per parameter. Expected improvement is monotone in l(x)/g(x), so
 * it draws 24 candidates from l and keeps the one with the largest l/g. Each density is a
 * mixture of truncated normals on the parameter's unit interval, one per observation (plus a
 * broad prior component), each as wide as the gap to its neighbours, clipped to [1/min(100,
 * n+2), 1] ("magic clip"); categories get weighted counts plus a uniform prior. Parameters are
 * modelled independently and only on the trials where they are active, so conditional spaces
 * come free. Older trials weigh less once there are more than 25 (Optuna's `default_weights`).
 *
 * @module
 */

import type { Random } from "../core/random.ts";
import { normalCdf } from "./normal.ts";
import {
  type CategoricalParam,
  type Config,
  isActive,
  type Param,
  paramFromUnit,
  paramToUnit,
  sample,
} from "./space.ts";
import { completed, type Sampler, type Trial } from "./trial.ts";

/** Optuna's default γ: the number of "good" trials out of n. */
export function tpeGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default weights for n observations, oldest first: a ramp up to 1 for all but the 25 newest. */
export function tpeWeights(n: number): number[] {
  if (n < 25) return new Array(n).fill(1);
  const ramp = Array.from(
    { length: n - 25 },
    (_, i) => n - 25 === 1 ? 1 / n : 1 / n + (1 - 1 / n) * i / (n - 26),
  );
  return [...ramp, ...new Array(25).fill(1)];
}

/** A mixture of normals truncated to [0, 1]: component means, widths and weights (summing to 1). */
export interface Parzen {
  mus: number[];
  sigmas: number[];
  weights: number[];
  /** Each component's probability mass inside [0, 1] (its truncation constant). */
  masses: number[];
}

/** The Parzen estimator of unit-interval observations (with their weights), with the prior N(0.5, 1) as one more component of weight `priorWeight`. */
export function parzenEstimator(
  obs: readonly number[],
  obsWeights: readonly number[],
  priorWeight = 1,
): Parzen {
  const n = obs.length;
  const mus = [...obs, 0.5];
  const order = mus.map((_, i) => i).sort((a, b) => mus[a] - mus[b]);
  const sigmas = new Array<number>(n + 1);
  // each kernel as wide as the larger gap to its sorted neighbours; the outermost ones use their
  // one inner gap (Optuna's consider_endpoints = False)
  order.forEach((idx, k) => {
    const left = k > 0 ? mus[idx] - mus[order[k - 1]] : -Infinity;
    const right = k < n ? mus[order[k + 1]] - mus[idx] : -Infinity;
    sigmas[idx] = Math.max(left, right);
  });
  const minSigma = 1 / Math.min(100, n + 2); // n + 1 kernels, the prior included
  for (let i = 0; i < n; i++) sigmas[i] = Math.min(1, Math.max(minSigma, sigmas[i]));
  sigmas[n] = 1; // the prior spans the range
  const w = [...obsWeights, priorWeight];
  const total = w.reduce((s, v) => s + v, 0);
  const masses = mus.map((m, i) => normalCdf((1 - m) / sigmas[i]) - normalCdf((0 - m) / sigmas[i]));
  return { mus, sigmas, weights: w.map((v) => v / total), masses };
}

/** The log density at x of a truncated-normal mixture on [0, 1]. */
export function parzenLogPdf(p: Parzen, x: number): number {
  let s = 0;
  for (let i = 0; i < p.mus.length; i++) {
    const m = p.mus[i], sd = p.sigmas[i];
    const z = (x - m) / sd;
    s += p.weights[i] * Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI) * p.masses[i]);
  }
  return Math.log(s);
}

/** One draw from a truncated-normal mixture on [0, 1]. */
export function parzenSample(p: Parzen, rng: Random): number {
  let r = rng.next(), i = 0;
  while (i < p.weights.length - 1 && r >= p.weights[i]) r -= p.weights[i++];
  for (let tries = 0; tries < 100; tries++) {
    const x = rng.normal(p.mus[i], p.sigmas[i]);
    if (x >= 0 && x <= 1) return x;
  }
  return Math.min(1, Math.max(0, p.mus[i]));
}

function categoricalProbs(
  p: CategoricalParam,
  values: readonly unknown[],
  weights: readonly number[],
  prior = 1,
): number[] {
  const k = p.choices.length, probs = new Array<number>(k).fill(prior / k);
  values.forEach((v, i) => probs[p.choices.indexOf(v as never)] += weights[i]);
  const total = probs.reduce((s, v) => s + v, 0);
  return probs.map((v) => v / total);
}

/** Options of {@link tpeSampler}. */
export interface TpeSamplerOptions {
  /** Random trials first. Default 10 (Optuna's `n_startup_trials`). */
  nStartup?: number;
  /** Candidates drawn from l(x) per parameter. Default 24 (`n_ei_candidates`). */
  nCandidates?: number;
  /** γ(n): how many trials count as good. Default {@link tpeGamma}. */
  gamma?: (n: number) => number;
  /** Weights of n observations, oldest first. Default {@link tpeWeights}. */
  weights?: (n: number) => number[];
  /** Weight of the prior component. Default 1. */
  priorWeight?: number;
}

function splitGoodBad(trials: readonly Trial[], nGood: number): { good: Trial[]; bad: Trial[] } {
  const order = trials.map((_, i) => i).sort((a, b) => trials[a].value - trials[b].value || a - b);
  const good = new Set(order.slice(0, nGood));
  return { good: trials.filter((_, i) => good.has(i)), bad: trials.filter((_, i) => !good.has(i)) };
}

function suggestParam(
  p: Param,
  name: string,
  good: Trial[],
  bad: Trial[],
  rng: Random,
  o: Required<Omit<TpeSamplerOptions, "nStartup" | "gamma">>,
) {
  const gt = good.filter((t) => name in t.params), bt = bad.filter((t) => name in t.params);
  if (p.kind === "categorical") {
    const lp = categoricalProbs(
      p,
      gt.map((t) => t.params[name]),
      o.weights(gt.length),
      o.priorWeight,
    );
    const gp = categoricalProbs(
      p,
      bt.map((t) => t.params[name]),
      o.weights(bt.length),
      o.priorWeight,
    );
    let bestK = -1, bestScore = -Infinity;
    for (let c = 0; c < o.nCandidates; c++) {
      let r = rng.next(), k = 0;
      while (k < lp.length - 1 && r >= lp[k]) r -= lp[k++];
      const s = Math.log(lp[k]) - Math.log(gp[k]);
      if (s > bestScore) [bestK, bestScore] = [k, s];
    }
    return p.choices[bestK];
  }
  const l = parzenEstimator(
    gt.map((t) => paramToUnit(p, t.params[name])),
    o.weights(gt.length),
    o.priorWeight,
  );
  const g = parzenEstimator(
    bt.map((t) => paramToUnit(p, t.params[name])),
    o.weights(bt.length),
    o.priorWeight,
  );
  let bestU = 0.5, bestScore = -Infinity;
  for (let c = 0; c < o.nCandidates; c++) {
    const u = paramToUnit(p, paramFromUnit(p, parzenSample(l, rng))); // snapped to what can be evaluated
    const s = parzenLogPdf(l, u) - parzenLogPdf(g, u);
    if (s > bestScore) [bestU, bestScore] = [u, s];
  }
  return paramFromUnit(p, bestU);
}

/** TPE as a sampler. */
export function tpeSampler(o: TpeSamplerOptions = {}): Sampler {
  const nStartup = o.nStartup ?? 10, gamma = o.gamma ?? tpeGamma;
  const opts = {
    nCandidates: o.nCandidates ?? 24,
    weights: o.weights ?? tpeWeights,
    priorWeight: o.priorWeight ?? 1,
  };
  return {
    name: "tpe",
    suggest(sp, trials, rng) {
      const done = completed(trials);
      if (done.length < nStartup) return sample(sp, rng);
      const { good, bad } = splitGoodBad(done, gamma(done.length));
      const config: Config = {};
      for (const name of sp.names) {
        const p = sp.params[name];
        if (isActive(p, config)) config[name] = suggestParam(p, name, good, bad, rng, opts);
      }
      return config;
    },
  };
}
