/**
 * Learning-rate schedules as plain functions of the epoch (or step) `t = 0, 1, 2, …`,
 * giving the same values as PyTorch's `torch.optim.lr_scheduler` classes after `t` calls of
 * `scheduler.step()`. The rate at t = 0 is `baseLr` in every schedule (PyTorch's `base_lrs`,
 * the optimiser's initial `lr`; CyclicLR's `base_lr`), except `oneCycleLR`, which PyTorch
 * defines by its peak `maxLr`. Use one with an optimiser (lib/optim/optimizers.ts) by setting
 * its learning rate before each epoch:
 *
 * ```ts
 * const lrAt = cosineAnnealingLR({ baseLr: 0.1, tMax: 50 });
 * for (let epoch = 0; epoch < 50; epoch++) { opt.lr = lrAt(epoch); train(opt); }
 * ```
 *
 * PyTorch computes several of these recursively (each lr from the previous one); here every
 * value comes from its closed form, which agrees to rounding (the tests check 1e-10).
 *
 * @module
 */

import { coefficient, nonNegative, positive, positiveInteger } from "../core/validate.ts";

/** A learning-rate schedule: epoch or step number → learning rate. */
export type Schedule = (t: number) => number;

/** Wraps `f` so that it refuses epochs that are negative or not finite. */
function schedule(op: string, f: Schedule): Schedule {
  return (t) => {
    nonNegative(op, "t", t);
    return f(t);
  };
}

/** `StepLR`: multiply by γ every `stepSize` epochs, `baseLr·γ^⌊t/stepSize⌋`. */
export function stepLR(o: { baseLr: number; stepSize: number; gamma?: number }): Schedule {
  const { baseLr, stepSize, gamma = 0.1 } = o;
  positive("stepLR", "baseLr", baseLr);
  positiveInteger("stepLR", "stepSize", stepSize);
  positive("stepLR", "gamma", gamma);
  return schedule("stepLR", (t) => baseLr * gamma ** Math.floor(t / stepSize));
}

/** `ExponentialLR`: multiply by γ every epoch, `baseLr·γᵗ`. */
export function exponentialLR(o: { baseLr: number; gamma: number }): Schedule {
  positive("exponentialLR", "baseLr", o.baseLr);
  positive("exponentialLR", "gamma", o.gamma);
  return schedule("exponentialLR", (t) => o.baseLr * o.gamma ** t);
}

/**
 * 1/t decay, `baseLr/(1 + k·t)`: in PyTorch a `LambdaLR` with `lambda t: 1/(1 + k*t)`.
 * Decays like 1/t, the classic condition for SGD's convergence (Σ lr = ∞, Σ lr² < ∞).
 */
export function inverseTimeLR(o: { baseLr: number; k: number }): Schedule {
  positive("inverseTimeLR", "baseLr", o.baseLr);
  nonNegative("inverseTimeLR", "k", o.k);
  return schedule("inverseTimeLR", (t) => o.baseLr / (1 + o.k * t));
}

/**
 * `LinearLR` (linear warm-up): the factor goes linearly from `startFactor` to `endFactor`
 * over `totalIters` epochs, then stays: `baseLr·(s + (e − s)·min(t, T)/T)`.
 * PyTorch's defaults: s = 1/3, e = 1, T = 5.
 */
export function linearLR(
  o: { baseLr: number; startFactor?: number; endFactor?: number; totalIters?: number },
): Schedule {
  const { baseLr, startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = o;
  positive("linearLR", "baseLr", baseLr);
  if (!(startFactor > 0 && startFactor <= 1) || !(endFactor >= 0 && endFactor <= 1)) {
    throw new RangeError(
      `linearLR: factors must be in (0, 1] and [0, 1], got ${startFactor} and ${endFactor}`,
    );
  }
  positiveInteger("linearLR", "totalIters", totalIters);
  return schedule(
    "linearLR",
    (t) =>
      baseLr * (startFactor + (endFactor - startFactor) * Math.min(t, totalIters) / totalIters),
  );
}

/** Half a cosine from `hi` (at x = 0) down to `lo` (at x = 1). */
function cosineDown(hi: number, lo: number, x: number): number {
  return lo + (hi - lo) * (1 + Math.cos(Math.PI * x)) / 2;
}

/**
 * `CosineAnnealingLR`: `η_min + (baseLr − η_min)·(1 + cos(π·t/T_max))/2`, from baseLr at t = 0
 * down to η_min at t = T_max. Like PyTorch's, it does not stop there: past T_max the cosine
 * climbs back up (period 2·T_max); use {@link cosineAnnealingWarmRestarts} for restarts.
 */
export function cosineAnnealingLR(o: { baseLr: number; tMax: number; etaMin?: number }): Schedule {
  const { baseLr, tMax, etaMin = 0 } = o;
  positive("cosineAnnealingLR", "baseLr", baseLr);
  positive("cosineAnnealingLR", "tMax", tMax);
  nonNegative("cosineAnnealingLR", "etaMin", etaMin);
  return schedule("cosineAnnealingLR", (t) => cosineDown(baseLr, etaMin, t / tMax));
}

/**
 * `CosineAnnealingWarmRestarts` (SGDR): cosine annealing over a period of `t0` epochs, then
 * a jump back to baseLr; each period is `tMult` times longer than the one before
 * (periods t0, t0·tMult, t0·tMult², …).
 */
export function cosineAnnealingWarmRestarts(
  o: { baseLr: number; t0: number; tMult?: number; etaMin?: number },
): Schedule {
  const { baseLr, t0, tMult = 1, etaMin = 0 } = o;
  positive("cosineAnnealingWarmRestarts", "baseLr", baseLr);
  positiveInteger("cosineAnnealingWarmRestarts", "t0", t0);
  positiveInteger("cosineAnnealingWarmRestarts", "tMult", tMult);
  nonNegative("cosineAnnealingWarmRestarts", "etaMin", etaMin);
  return schedule("cosineAnnealingWarmRestarts", (t) => {
    let tCur = t, period = t0; // PyTorch's T_cur and T_i
    while (tCur >= period) {
      tCur -= period;
      period *= tMult;
    }
    return cosineDown(baseLr, etaMin, tCur / period);
  });
}

/**
 * `SequentialLR`: `schedules[0]` until step `milestones[0]`, then `schedules[1]` counted again
 * from 0, and so on (one more schedule than milestones, milestones increasing). Give every
 * schedule the same `baseLr`, as PyTorch's share the optimiser's initial rate.
 *
 * Linear warm-up then cosine annealing over the remaining steps is the common case:
 *
 * ```ts
 * const w = 5, total = 100;
 * const lrAt = sequentialLR({
 *   schedules: [
 *     linearLR({ baseLr: 0.1, startFactor: 0.1, totalIters: w }),
 *     cosineAnnealingLR({ baseLr: 0.1, tMax: total - w }),
 *   ],
 *   milestones: [w],
 * }); // lrAt(w) = 0.1, the peak; lrAt(total) = 0
 * ```
 */
export function sequentialLR(
  o: { schedules: readonly Schedule[]; milestones: readonly number[] },
): Schedule {
  const { schedules, milestones } = o;
  if (!Array.isArray(schedules) || schedules.some((s) => typeof s !== "function")) {
    throw new TypeError("sequentialLR: schedules must be an array of schedules");
  }
  if (!Array.isArray(milestones) || milestones.length !== schedules.length - 1) {
    throw new RangeError(
      `sequentialLR: need one milestone fewer than schedules, got ${milestones?.length} milestones for ${schedules.length} schedules`,
    );
  }
  milestones.forEach((m, i) => {
    positiveInteger("sequentialLR", `milestones[${i}]`, m);
    if (i > 0 && !(m > milestones[i - 1])) {
      throw new RangeError(`sequentialLR: milestones must increase, got [${milestones}]`);
    }
  });
  return schedule("sequentialLR", (t) => {
    let i = 0;
    while (i < milestones.length && t >= milestones[i]) i++;
    return schedules[i](i === 0 ? t : t - milestones[i - 1]);
  });
}

/** Options of {@link oneCycleLR}: PyTorch's names and defaults. */
export interface OneCycleOptions {
  /** The peak learning rate. */
  maxLr: number;
  /** The number of steps in the cycle. */
  totalSteps: number;
  /** The share of the steps spent warming up (default 0.3). */
  pctStart?: number;
  /** `"cos"` (default) or `"linear"` (PyTorch's `anneal_strategy`). */
  anneal?: "cos" | "linear";
  /** The initial rate is `maxLr/divFactor` (default 25). */
  divFactor?: number;
  /** The final rate is the initial one over `finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Three phases instead of two (default false). */
  threePhase?: boolean;
  /** Cycle the momentum (β₁ for the Adam family) inversely to the rate (default true). */
  cycleMomentum?: boolean;
  /** The momentum at the peak rate (default 0.85). */
  baseMomentum?: number;
  /** The momentum at the lowest rates (default 0.95). */
  maxMomentum?: number;
}

/**
 * A {@link Schedule} of the learning rate that also carries the momentum schedule that goes
 * with it (undefined when `cycleMomentum` is false).
 */
export type OneCycleSchedule = Schedule & { readonly momentum?: Schedule };

/**
 * `OneCycleLR` (per step, `totalSteps` of them): warm up from `maxLr/divFactor` to `maxLr`
 * over the first `pctStart` of the steps, then anneal down to `maxLr/(divFactor·finalDivFactor)`.
 * With `threePhase` it comes back down to the initial lr symmetrically first and anneals
 * to the minimum only in a third phase. `anneal` is `"cos"` (default) or `"linear"`.
 * Phases end at steps `pctStart·N − 1` (and `2·pctStart·N − 2`) and `N − 1`, as PyTorch's.
 *
 * As PyTorch's by default (`cycleMomentum`), the momentum moves inversely: from `maxMomentum`
 * down to `baseMomentum` while the rate rises, back up while it falls (and stays at
 * `maxMomentum` in a third phase). The result's `.momentum(t)` gives it; set
 * `opt.momentum = s.momentum(t)` beside `opt.lr = s(t)` (for Adam this is β₁, as PyTorch).
 */
export function oneCycleLR(o: OneCycleOptions): OneCycleSchedule {
  const {
    maxLr,
    totalSteps,
    pctStart = 0.3,
    anneal = "cos",
    divFactor = 25,
    finalDivFactor = 1e4,
    threePhase = false,
    cycleMomentum = true,
    baseMomentum = 0.85,
    maxMomentum = 0.95,
  } = o;
  positive("oneCycleLR", "maxLr", maxLr);
  positiveInteger("oneCycleLR", "totalSteps", totalSteps);
  if (!(pctStart > 0 && pctStart < 1)) {
    throw new RangeError(`oneCycleLR: pctStart must be in (0, 1), got ${pctStart}`);
  }
  positive("oneCycleLR", "divFactor", divFactor);
  positive("oneCycleLR", "finalDivFactor", finalDivFactor);
  if (cycleMomentum) {
    coefficient("oneCycleLR", "baseMomentum", baseMomentum);
    coefficient("oneCycleLR", "maxMomentum", maxMomentum);
  }
  const initial = maxLr / divFactor, min = initial / finalDivFactor;
  const ends = threePhase
    ? [pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1]
    : [pctStart * totalSteps - 1, totalSteps - 1];
  const lrs: [number, number][] = threePhase
    ? [[initial, maxLr], [maxLr, initial], [initial, min]]
    : [[initial, maxLr], [maxLr, min]];
  const moms: [number, number][] = threePhase
    ? [[maxMomentum, baseMomentum], [baseMomentum, maxMomentum], [maxMomentum, maxMomentum]]
    : [[maxMomentum, baseMomentum], [baseMomentum, maxMomentum]];
  const interpolate = anneal === "cos"
    ? (a: number, b: number, x: number) => cosineDown(a, b, x)
    : (a: number, b: number, x: number) => a + (b - a) * x;
  const along = (values: [number, number][]) => (t: number) => {
    if (t > totalSteps) {
      throw new RangeError(`oneCycleLR: step ${t} is past totalSteps = ${totalSteps}`);
    }
    let start = 0;
    for (let i = 0; i < ends.length; i++) {
      if (t <= ends[i] || i === ends.length - 1) {
        return interpolate(values[i][0], values[i][1], (t - start) / (ends[i] - start));
      }
      start = ends[i];
    }
    throw new Error("oneCycleLR: unreachable");
  };
  const lr = schedule("oneCycleLR", along(lrs));
  const momentum = cycleMomentum ? schedule("oneCycleLR", along(moms)) : undefined;
  return Object.assign(lr, { momentum });
}

/**
 * `CyclicLR` (per step): the learning rate goes *linearly* up from `baseLr` to `maxLr` over
 * `stepSizeUp` steps and linearly back down over `stepSizeDown` (default the same) — a
 * triangle wave. Erratum 7: the notes' "cyclic" formula `η_min + ½(η_max − η_min)(1 + cos(…))`
 * is cosine annealing ({@link cosineAnnealingLR}), not this.
 * Modes: `"triangular"` (same height every cycle), `"triangular2"` (height halves each
 * cycle), `"exp_range"` (height times `gamma^t`).
 */
export function cyclicLR(o: {
  baseLr: number;
  maxLr: number;
  stepSizeUp?: number;
  stepSizeDown?: number;
  mode?: "triangular" | "triangular2" | "exp_range";
  gamma?: number;
}): Schedule {
  const { baseLr, maxLr, stepSizeUp = 2000, mode = "triangular", gamma = 1 } = o;
  const stepSizeDown = o.stepSizeDown ?? stepSizeUp;
  positive("cyclicLR", "baseLr", baseLr);
  positive("cyclicLR", "maxLr", maxLr);
  positive("cyclicLR", "stepSizeUp", stepSizeUp);
  positive("cyclicLR", "stepSizeDown", stepSizeDown);
  positive("cyclicLR", "gamma", gamma);
  const total = stepSizeUp + stepSizeDown, upRatio = stepSizeUp / total;
  return schedule("cyclicLR", (t) => {
    const cycle = Math.floor(1 + t / total); // 1, 2, …
    const x = 1 + t / total - cycle; // position in the cycle, [0, 1)
    const height = x <= upRatio ? x / upRatio : (x - 1) / (upRatio - 1);
    const scale = mode === "triangular"
      ? 1
      : mode === "triangular2"
      ? 1 / 2 ** (cycle - 1)
      : gamma ** t;
    return baseLr + (maxLr - baseLr) * height * scale;
  });
}
