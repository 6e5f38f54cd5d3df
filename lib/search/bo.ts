/**
 * Bayesian optimisation with a GP surrogate: after `nStartup` random trials, fit a GP to the
 * trials in the unit cube (hyper-parameters by marginal likelihood), then propose the point that
 * maximises the acquisition (expected improvement, or minimises the lower confidence bound),
 * found without gradients: many random candidates, perturbations of the best trials, and two
 * rounds of local refinement around the best candidate. Integer and categorical coordinates
 * are snapped to their bin centres, so the GP scores only points that can be evaluated.
 *
 * @module
 */

import type { Random } from "../core/random.ts";
import { expectedImprovement, lowerConfidenceBound } from "./acquisition.ts";
import { type GaussianProcess, gpFitHyper, type KernelName } from "./gp.ts";
import { fromUnit, sample, type SearchSpace, toUnit } from "./space.ts";
import { completed, type Sampler, type Trial } from "./trial.ts";

/** Options of {@link gpSampler}. */
export interface GpSamplerOptions {
  /** Default "matern52". */
  kernel?: KernelName;
  /** "ei" (default) or "lcb". */
  acquisition?: "ei" | "lcb";
  /** Random trials before the GP is used. Default 10. */
  nStartup?: number;
  /** Random candidates scored per suggestion. Default 500. */
  nCandidates?: number;
  /** EI's margin ξ (in the units of the objective). Default 0. */
  xi?: number;
  /** LCB's κ. Default 2. */
  kappa?: number;
}

function reflect(u: number): number {
  let v = u;
  while (v < 0 || v > 1) v = v < 0 ? -v : 2 - v;
  return v;
}

/**
 * The GP of the completed trials (in the unit cube), or undefined before there are two.
 * With `warm` (the previous fit), one short ascent from it; otherwise three starts.
 */
export function fitTrials(
  sp: SearchSpace,
  trials: readonly Trial[],
  rng: Random,
  o: { kernel?: KernelName; warm?: GaussianProcess } = {},
): GaussianProcess | undefined {
  const done = completed(trials);
  if (done.length < 2) return undefined;
  const X = done.map((t) => toUnit(sp, t.params)), y = done.map((t) => t.value);
  return o.warm
    ? gpFitHyper(X, y, rng, { kernel: o.kernel, restarts: 1, steps: 15, init: o.warm })
    : gpFitHyper(X, y, rng, { kernel: o.kernel, restarts: 3, steps: 40 });
}

/** GP-EI (or GP-LCB) as a sampler. */
export function gpSampler(o: GpSamplerOptions = {}): Sampler {
  const nStartup = o.nStartup ?? 10, nCand = o.nCandidates ?? 500;
  const acq = o.acquisition ?? "ei", xi = o.xi ?? 0, kappa = o.kappa ?? 2;
  if (acq !== "ei" && acq !== "lcb") {
    throw new RangeError(`gpSampler: acquisition must be "ei" or "lcb", got "${acq}"`);
  }
  let last: GaussianProcess | undefined, fits = 0;
  return {
    name: acq === "ei" ? "gp-ei" : "gp-lcb",
    suggest(sp, trials, rng) {
      const done = completed(trials);
      if (done.length < Math.max(2, nStartup)) return sample(sp, rng);
      // a full fit every 8th time, warm-started short ascents between
      const gp = fitTrials(sp, done, rng, {
        kernel: o.kernel,
        warm: fits++ % 8 === 0 ? undefined : last,
      })!;
      last = gp;
      const best = Math.min(...done.map((t) => t.value));
      const d = sp.names.length;
      const snap = (u: number[]) => toUnit(sp, fromUnit(sp, u));
      const score = (us: number[][]): number[] => {
        const { mean, std } = gp.predict(us);
        return mean.map((m, i) =>
          acq === "ei"
            ? expectedImprovement(m, std[i], best, xi)
            : -lowerConfidenceBound(m, std[i], kappa)
        );
      };
      const cands: number[][] = [];
      for (let i = 0; i < nCand; i++) cands.push(snap(Array.from({ length: d }, () => rng.next())));
      const top = done.slice().sort((a, b) => a.value - b.value).slice(0, 5);
      for (const t of top) {
        const u = toUnit(sp, t.params);
        for (let k = 0; k < 20; k++) {
          cands.push(snap(u.map((v) => reflect(v + 0.05 * rng.normal()))));
        }
      }
      let scores = score(cands);
      let bi = scores.indexOf(Math.max(...scores));
      let bu = cands[bi], bs = scores[bi];
      for (const sigma of [0.02, 0.005]) {
        const local = Array.from(
          { length: 50 },
          () => snap(bu.map((v) => reflect(v + sigma * rng.normal()))),
        );
        scores = score(local);
        bi = scores.indexOf(Math.max(...scores));
        if (scores[bi] > bs) [bu, bs] = [local[bi], scores[bi]];
      }
      return fromUnit(sp, bu);
    },
  };
}
