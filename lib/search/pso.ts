/**
 * Particle swarm optimisation (Kennedy & Eberhart, 1995) in the unit cube, with the constriction
 * coefficients of Clerc & Kennedy (inertia w = 0.7298, c₁ = c₂ = 1.49618). Each particle keeps a
 * velocity and remembers its own best point; each step it is pulled towards that point and
 * towards the best point of the whole swarm:
 *
 *     v ← w·v + c₁·r₁⊙(p_best − x) + c₂·r₂⊙(g_best − x),   x ← x + v     (r₁, r₂ ~ U[0, 1]ᵈ)
 *
 * A particle that leaves the cube is put back on its face with that velocity component zeroed.
 * Trials are taken in turn by the particles (trial i moves particle i mod n).
 *
 * @module
 */

import { fromUnit, toUnit } from "./space.ts";
import type { Sampler } from "./trial.ts";

/** Options of {@link psoSampler}. */
export interface PsoOptions {
  /** Particles. Default 10. */
  particles?: number;
  /** Inertia. Default 0.7298. */
  inertia?: number;
  /** Pull to the particle's own best. Default 1.49618. */
  cognitive?: number;
  /** Pull to the swarm's best. Default 1.49618. */
  social?: number;
}

/** Particle swarm as a sampler; keeps the swarm in a closure: one sampler per study. */
export function psoSampler(o: PsoOptions = {}): Sampler {
  const n = o.particles ?? 10,
    w = o.inertia ?? 0.7298,
    c1 = o.cognitive ?? 1.49618,
    c2 = o.social ?? 1.49618;
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new RangeError(`psoSampler: particles must be a positive integer, got ${n}`);
  }
  let x: number[][] = [], v: number[][] = [];
  const pBest: { u: number[]; value: number }[] = [];
  return {
    name: "pso",
    suggest(sp, trials, rng) {
      const i = trials.length, k = i % n, d = sp.names.length;
      if (i < n) {
        if (i === 0) [x, v] = [[], []];
        x[k] = Array.from({ length: d }, () => rng.next());
        v[k] = Array.from({ length: d }, () => 0.2 * (rng.next() - 0.5));
        return fromUnit(sp, x[k]);
      }
      // the particle's previous position was evaluated as trial i − n
      const prev = trials[i - n];
      if (prev.state === "complete" && !(pBest[k]?.value <= prev.value)) {
        pBest[k] = { u: x[k].slice(), value: prev.value };
      }
      let g: { u: number[]; value: number } | undefined;
      for (const p of pBest) if (p && (!g || p.value < g.value)) g = p;
      const pb = pBest[k]?.u ?? x[k], gb = g?.u ?? x[k];
      for (let j = 0; j < d; j++) {
        v[k][j] = w * v[k][j] + c1 * rng.next() * (pb[j] - x[k][j]) +
          c2 * rng.next() * (gb[j] - x[k][j]);
        x[k][j] += v[k][j];
        if (x[k][j] < 0 || x[k][j] > 1) {
          x[k][j] = x[k][j] < 0 ? 0 : 1;
          v[k][j] = 0;
        }
      }
      const c = fromUnit(sp, x[k]);
      x[k] = toUnit(sp, c).map((u, j) => sp.params[sp.names[j]].kind === "float" ? x[k][j] : u);
      return c;
    },
  };
}
