/**
 * Regularized (aging) evolution, Real et al. 2019 ("Regularized evolution for image classifier
 * architecture search", Algorithm 1), as a sampler of `lib/search/`. It keeps a population of
 * the last `population` evaluated architectures. The first `population` proposals are random;
 * after that, each proposal samples `sample` members at random, takes the best of them as the
 * parent (a tournament) and returns a **mutation** of it: one parameter changed to a different
 * value. Every finished trial joins the population and the **oldest** member leaves, however
 * good it is: a model survives only by having good descendants, which keeps a lucky noisy
 * evaluation from ruling the search forever.
 *
 * @module
 */

import type { Random } from "../core/random.ts";
import { positiveInteger } from "../core/validate.ts";
import { type Config, sample as sampleConfig, type SearchSpace } from "../search/space.ts";
import type { Sampler, Trial } from "../search/trial.ts";

/**
 * A copy of `config` with one parameter, picked at random, changed to a different choice. The
 * space must be categorical (as a cell's is), each parameter with at least two choices.
 */
export function mutateChoice(sp: SearchSpace, config: Config, rng: Random): Config {
  const name = sp.names[rng.int(sp.names.length)], p = sp.params[name];
  if (p.kind !== "categorical") {
    throw new TypeError(`mutateChoice: "${name}" is ${p.kind}; only categorical spaces mutate`);
  }
  const n = p.choices.length;
  if (n < 2) throw new RangeError(`mutateChoice: "${name}" has a single choice, nothing to change`);
  const k = p.choices.indexOf(config[name]);
  if (k < 0) {
    throw new RangeError(`mutateChoice: ${JSON.stringify(config[name])} is no choice of "${name}"`);
  }
  return { ...config, [name]: p.choices[(k + 1 + rng.int(n - 1)) % n] };
}

/** Options of {@link regularizedEvolution}. */
export interface RegularizedEvolutionOptions {
  /** Members kept, P (default 20); also the number of random proposals to start. */
  population?: number;
  /** Members drawn for each tournament, S (default 5; 1 ≤ S ≤ P). */
  sample?: number;
}

/** The regularized-evolution sampler (values minimised, as every trial's). */
export function regularizedEvolution(o: RegularizedEvolutionOptions = {}): Sampler & {
  readonly members: readonly Trial[];
} {
  const { population = 20, sample = 5 } = o;
  positiveInteger("regularizedEvolution", "population", population);
  positiveInteger("regularizedEvolution", "sample", sample);
  if (sample > population) {
    throw new RangeError(
      `regularizedEvolution: sample (${sample}) cannot exceed population (${population})`,
    );
  }
  const members: Trial[] = [];
  return {
    name: "regularized evolution",
    members,
    suggest(sp, _trials, rng) {
      const alive = members.filter((t) => Number.isFinite(t.value));
      if (members.length < population || alive.length === 0) return sampleConfig(sp, rng);
      let parent = alive[rng.int(alive.length)];
      for (let s = 1; s < sample; s++) {
        const c = alive[rng.int(alive.length)];
        if (c.value < parent.value) parent = c;
      }
      return mutateChoice(sp, parent.params, rng);
    },
    tell(trial) {
      members.push(trial);
      if (members.length > population) members.shift(); // the oldest dies
    },
  };
}
