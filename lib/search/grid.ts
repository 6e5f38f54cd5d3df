/**
 * Grid search and space-filling designs.
 *
 * A grid spends its budget on every combination of a few values per parameter: with k values
 * for each of d parameters it needs k^d trials, and when only one parameter matters it tries
 * just k distinct values of it. Random search tries a new value of *every* parameter in every
 * trial (Bergstra & Bengio, 2012). A Latin hypercube keeps random search's per-parameter
 * variety and adds evenness: each parameter's range is cut into n equal strata and each stratum
 * is used exactly once.
 *
 * @module
 */

import type { Random } from "../core/random.ts";
import { type Config, fromUnit, gridValues, isActive, type SearchSpace } from "./space.ts";
import type { Sampler } from "./trial.ts";

/** The largest grid {@link gridConfigs} builds. */
export const MAX_GRID = 100_000;

/** Every combination of `pointsPerParam` values per parameter (all values of small integer and categorical ones); an inactive conditional parameter does not multiply the grid. */
export function gridConfigs(sp: SearchSpace, pointsPerParam = 5): Config[] {
  const size = sp.names.reduce(
    (n, name) => n * gridValues(sp.params[name], pointsPerParam).length,
    1,
  );
  if (size > MAX_GRID) {
    throw new RangeError(
      `gridConfigs: the grid would have up to ${size} points (${pointsPerParam} values for each of ${sp.names.length} parameters), more than ${MAX_GRID}; use fewer points per parameter or random search`,
    );
  }
  let configs: Config[] = [{}];
  for (const name of sp.names) {
    const p = sp.params[name], values = gridValues(p, pointsPerParam);
    configs = configs.flatMap((c) =>
      isActive(p, c) ? values.map((v) => ({ ...c, [name]: v })) : [c]
    );
  }
  return configs;
}

/** Options of {@link gridSampler}. */
export interface GridSamplerOptions {
  /** Values per continuous parameter. Default 5. */
  pointsPerParam?: number;
  /** Visit the grid in a random order (as Optuna's GridSampler) rather than row by row. Default true. */
  shuffle?: boolean;
}

/** Visits the grid of {@link gridConfigs}, then starts over. */
export function gridSampler(o: GridSamplerOptions = {}): Sampler {
  let order: Config[] | undefined;
  return {
    name: "grid",
    suggest(sp, trials, rng) {
      if (!order) {
        const g = gridConfigs(sp, o.pointsPerParam ?? 5);
        order = (o.shuffle ?? true) ? rng.shuffle(g) : g;
      }
      return order[trials.length % order.length];
    },
  };
}

/** n points in [0, 1]^d, each coordinate's n strata used once, uniform within its stratum. */
export function latinHypercube(n: number, d: number, rng: Random): number[][] {
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(d) && d > 0)) {
    throw new RangeError(`latinHypercube: n and d must be positive integers, got ${n}, ${d}`);
  }
  const pts = Array.from({ length: n }, () => new Array<number>(d));
  for (let j = 0; j < d; j++) {
    const perm = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    for (let i = 0; i < n; i++) pts[i][j] = (perm[i] + rng.next()) / n;
  }
  return pts;
}

/** The first `n` trials from one Latin hypercube of size n (drawn at the first call), random ones after. */
export function latinHypercubeSampler(n: number): Sampler {
  let design: number[][] | undefined;
  return {
    name: "latin-hypercube",
    suggest(sp, trials, rng) {
      design ??= latinHypercube(n, sp.names.length, rng);
      const u = trials.length < n ? design[trials.length] : sp.names.map(() => rng.next());
      return fromUnit(sp, u);
    },
  };
}
