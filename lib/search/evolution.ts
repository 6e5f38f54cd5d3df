/**
 * Evolutionary strategies on the unit-cube encoding of a space.
 *
 * - **Tournament + mutation** (regularised, "aging" evolution, Real et al. 2019): the population
 *   is the `populationSize` most recent completed trials; a tournament picks the best of
 *   `tournamentSize` of them at random, and its child is a mutation of it. The oldest member
 *   drops out as each child joins, so a lucky early trial cannot rule for ever.
 * - **(μ, λ)-ES with self-adaptive step size** (Schwefel): each generation has λ children; a
 *   child copies a random parent among the μ best of the previous generation, first mutating
 *   the parent's own step size σ' = σ·exp(τ·N(0, 1)), τ = 1/√(2d), then its position
 *   x' = x + σ'·N(0, I). Children that were good *because* of their σ pass that σ on, so the
 *   step size adapts without being set by hand. The comma means parents never survive.
 *
 * Mutations reflect at the cube's faces; a categorical coordinate is redrawn uniformly with the
 * mutation's probability.
 *
 * @module
 */

import type { Random } from "../core/random.ts";
import { fromUnit, sample, type SearchSpace, toUnit } from "./space.ts";
import { completed, type Sampler, type Trial } from "./trial.ts";

function reflect(u: number): number {
  let v = u;
  while (v < 0 || v > 1) v = v < 0 ? -v : 2 - v;
  return v;
}

/** Gaussian mutation of a unit-cube point: each coordinate with probability `rate` (at least one), categorical ones redrawn. */
export function mutate(
  sp: SearchSpace,
  u: readonly number[],
  rng: Random,
  o: { sigma: number; rate?: number },
): number[] {
  const d = u.length, rate = o.rate ?? 1 / d;
  const forced = rng.int(d);
  return u.map((v, j) => {
    if (j !== forced && !rng.bernoulli(rate)) return v;
    return sp.params[sp.names[j]].kind === "categorical"
      ? rng.next()
      : reflect(v + o.sigma * rng.normal());
  });
}

/** Options of {@link evolutionSampler}. */
export interface EvolutionOptions {
  /** Most recent completed trials that form the population. Default 20. */
  populationSize?: number;
  /** Contestants per tournament. Default 5. */
  tournamentSize?: number;
  /** Mutation's standard deviation in the unit cube. Default 0.1. */
  sigma?: number;
  /** Probability of mutating each coordinate. Default 1/d. */
  rate?: number;
}

/** Regularised evolution: random until the population is full, then tournament + mutation. Stateless: reads the trials. */
export function evolutionSampler(o: EvolutionOptions = {}): Sampler {
  const P = o.populationSize ?? 20, S = o.tournamentSize ?? 5, sigma = o.sigma ?? 0.1;
  if (!(S >= 1 && S <= P)) {
    throw new RangeError(
      `evolutionSampler: tournamentSize must be in [1, populationSize], got ${S}`,
    );
  }
  return {
    name: "evolution",
    suggest(sp, trials, rng) {
      const done = completed(trials);
      if (done.length < P) return sample(sp, rng);
      const pop = done.slice(-P);
      let winner: Trial | undefined;
      for (let k = 0; k < S; k++) {
        const c = pop[rng.int(P)];
        if (!winner || c.value < winner.value) winner = c;
      }
      return fromUnit(sp, mutate(sp, toUnit(sp, winner!.params), rng, { sigma, rate: o.rate }));
    },
  };
}

/** Options of {@link esSampler}. */
export interface EsOptions {
  /** Parents. Default 4. */
  mu?: number;
  /** Children per generation. Default 16. */
  lambda?: number;
  /** Initial step size in the unit cube. Default 0.2. */
  sigma0?: number;
}

/**
 * (μ, λ)-ES with self-adaptive σ. Keeps each child's σ in a closure, keyed by trial index: use
 * one sampler per study, with trials in the order it proposed them (as {@link optimize} does).
 */
export function esSampler(o: EsOptions = {}): Sampler {
  const mu = o.mu ?? 4, lambda = o.lambda ?? 16, sigma0 = o.sigma0 ?? 0.2;
  if (!(Number.isInteger(mu) && Number.isInteger(lambda) && mu >= 1 && lambda >= mu)) {
    throw new RangeError(
      `esSampler: need integers 1 ≤ mu ≤ lambda, got mu = ${mu}, lambda = ${lambda}`,
    );
  }
  const children: { u: number[]; sigma: number }[] = [];
  let parents: { u: number[]; sigma: number }[] = [];
  return {
    name: "(μ,λ)-ES",
    suggest(sp, trials, rng) {
      const i = trials.length, gen = Math.floor(i / lambda), d = sp.names.length;
      if (gen === 0) {
        const c = sample(sp, rng);
        children[i] = { u: toUnit(sp, c), sigma: sigma0 };
        return c;
      }
      if (i % lambda === 0) { // a generation ends: its μ best become the parents
        const prev = trials.slice(i - lambda, i).map((t, k) => ({ t, k: i - lambda + k }))
          .filter(({ t }) => t.state === "complete")
          .sort((a, b) => a.t.value - b.t.value)
          .slice(0, mu);
        if (prev.length > 0) {
          parents = prev.map(({ t, k }) => ({
            u: toUnit(sp, t.params),
            sigma: children[k]?.sigma ?? sigma0,
          }));
        }
      }
      if (parents.length === 0) return sample(sp, rng);
      const p = parents[rng.int(parents.length)];
      const tau = 1 / Math.sqrt(2 * d);
      const sigma = Math.min(0.5, Math.max(1e-4, p.sigma * Math.exp(tau * rng.normal())));
      const u = p.u.map((v, j) =>
        sp.params[sp.names[j]].kind === "categorical" && rng.bernoulli(sigma)
          ? rng.next()
          : reflect(v + sigma * rng.normal())
      );
      const c = fromUnit(sp, u);
      children[i] = { u: toUnit(sp, c), sigma };
      return c;
    },
  };
}
