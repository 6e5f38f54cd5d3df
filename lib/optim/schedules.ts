/**
 * Learning-rate schedules as plain functions of the epoch (or step) `t = 0, 1, 2, …`,
 * giving the same values as PyTorch's `torch.optim.lr_scheduler` classes after `t` calls of
 * `scheduler.step()`. Use one with an optimiser from `optim.ts` by setting its learning
 * rate before each epoch:
 *
 * ```ts
 * const lrAt = cosineAnnealingLR({ lr0: 0.1, tMax: 50 });
 * for (let epoch = 0; epoch < 50; epoch++) { opt.lr = lrAt(epoch); train(opt); }
 * ```
 *
 * PyTorch computes several of these recursively (each lr from the previous one); here every
 * value comes from its closed form, which agrees to rounding (the tests check 1e-10).
 *
 * @module
 */

import { nonNegative, positive, positiveInteger } from "../core/validate.ts";

/** A learning-rate schedule: epoch or step number → learning rate. */
export type Schedule = (t: number) => number;

/** Wraps `f` so that it refuses epochs that are negative or not finite. */
function schedule(op: string, f: Schedule): Schedule {
  return (t) => {
    nonNegative(op, "t", t);
    return f(t);
  };
}

/** `StepLR`: multiply by γ every `stepSize` epochs, `lr0·γ^⌊t/stepSize⌋`. */
export function stepLR(o: { lr0: number; stepSize: number; gamma?: number }): Schedule {
  const { lr0, stepSize, gamma = 0.1 } = o;
  positive("stepLR", "lr0", lr0);
  positiveInteger("stepLR", "stepSize", stepSize);
  positive("stepLR", "gamma", gamma);
  return schedule("stepLR", (t) => lr0 * gamma ** Math.floor(t / stepSize));
}

/** `ExponentialLR`: multiply by γ every epoch, `lr0·γᵗ`. */
export function exponentialLR(o: { lr0: number; gamma: number }): Schedule {
  positive("exponentialLR", "lr0", o.lr0);
  positive("exponentialLR", "gamma", o.gamma);
  return schedule("exponentialLR", (t) => o.lr0 * o.gamma ** t);
}

/**
 * 1/t decay, `lr0/(1 + k·t)`: in PyTorch a `LambdaLR` with `lambda t: 1/(1 + k*t)`.
 * Decays like 1/t, the classic condition for SGD's convergence (Σ lr = ∞, Σ lr² < ∞).
 */
export function inverseTimeLR(o: { lr0: number; k: number }): Schedule {
  positive("inverseTimeLR", "lr0", o.lr0);
  nonNegative("inverseTimeLR", "k", o.k);
  return schedule("inverseTimeLR", (t) => o.lr0 / (1 + o.k * t));
}

/**
 * `LinearLR` (linear warm-up): the factor goes linearly from `startFactor` to `endFactor`
 * over `totalIters` epochs, then stays: `lr0·(s + (e − s)·min(t, T)/T)`.
 * PyTorch's defaults: s = 1/3, e = 1, T = 5.
 */
export function linearLR(
  o: { lr0: number; startFactor?: number; endFactor?: number; totalIters?: number },
): Schedule {
  const { lr0, startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = o;
  positive("linearLR", "lr0", lr0);
  if (!(startFactor > 0 && startFactor <= 1) || !(endFactor >= 0 && endFactor <= 1)) {
    throw new RangeError(
      `linearLR: factors must be in (0, 1] and [0, 1], got ${startFactor} and ${endFactor}`,
    );
  }
  positiveInteger("linearLR", "totalIters", totalIters);
  return schedule(
    "linearLR",
    (t) => lr0 * (startFactor + (endFactor - startFactor) * Math.min(t, totalIters) / totalIters),
  );
}

/** Half a cosine from `hi` (at x = 0) down to `lo` (at x = 1). */
function cosineDown(hi: number, lo: number, x: number): number {
  return lo + (hi - lo) * (1 + Math.cos(Math.PI * x)) / 2;
}

/**
 * `CosineAnnealingLR`: `η_min + (lr0 − η_min)·(1 + cos(π·t/T_max))/2`, from lr0 at t = 0
 * down to η_min at t = T_max. Like PyTorch's, it does not stop there: past T_max the cosine
 * climbs back up (period 2·T_max); use {@link cosineAnnealingWarmRestarts} for restarts.
 */
export function cosineAnnealingLR(o: { lr0: number; tMax: number; etaMin?: number }): Schedule {
  const { lr0, tMax, etaMin = 0 } = o;
  positive("cosineAnnealingLR", "lr0", lr0);
  positive("cosineAnnealingLR", "tMax", tMax);
  nonNegative("cosineAnnealingLR", "etaMin", etaMin);
  return schedule("cosineAnnealingLR", (t) => cosineDown(lr0, etaMin, t / tMax));
}

/**
 * `CosineAnnealingWarmRestarts` (SGDR): cosine annealing over a period of `t0` epochs, then
 * a jump back to lr0; each period is `tMult` times longer than the one before
 * (periods t0, t0·tMult, t0·tMult², …).
 */
export function cosineAnnealingWarmRestarts(
  o: { lr0: number; t0: number; tMult?: number; etaMin?: number },
): Schedule {
  const { lr0, t0, tMult = 1, etaMin = 0 } = o;
  positive("cosineAnnealingWarmRestarts", "lr0", lr0);
  positiveInteger("cosineAnnealingWarmRestarts", "t0", t0);
  positiveInteger("cosineAnnealingWarmRestarts", "tMult", tMult);
  nonNegative("cosineAnnealingWarmRestarts", "etaMin", etaMin);
  return schedule("cosineAnnealingWarmRestarts", (t) => {
    let tCur = t, period = t0; // PyTorch's T_cur and T_i
    while (tCur >= period) {
      tCur -= period;
      period *= tMult;
    }
    return cosineDown(lr0, etaMin, tCur / period);
  });
}

/**
 * `OneCycleLR` (per step, `totalSteps` of them): warm up from `maxLr/divFactor` to `maxLr`
 * over the first `pctStart` of the steps, then anneal down to `maxLr/(divFactor·finalDivFactor)`.
 * With `threePhase` it comes back down to the initial lr symmetrically first and anneals
 * to the minimum only in a third phase. `anneal` is `"cos"` (default) or `"linear"`.
 * Phases end at steps `pctStart·N − 1` (and `2·pctStart·N − 2`) and `N − 1`, as PyTorch's.
 * Only the learning rate is scheduled (PyTorch also cycles momentum by default).
 */
export function oneCycleLR(o: {
  maxLr: number;
  totalSteps: number;
  pctStart?: number;
  anneal?: "cos" | "linear";
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}): Schedule {
  const {
    maxLr,
    totalSteps,
    pctStart = 0.3,
    anneal = "cos",
    divFactor = 25,
    finalDivFactor = 1e4,
    threePhase = false,
  } = o;
  positive("oneCycleLR", "maxLr", maxLr);
  positiveInteger("oneCycleLR", "totalSteps", totalSteps);
  if (!(pctStart > 0 && pctStart < 1)) {
    throw new RangeError(`oneCycleLR: pctStart must be in (0, 1), got ${pctStart}`);
  }
  positive("oneCycleLR", "divFactor", divFactor);
  positive("oneCycleLR", "finalDivFactor", finalDivFactor);
  const initial = maxLr / divFactor, min = initial / finalDivFactor;
  const phases: [end: number, from: number, to: number][] = threePhase
    ? [
      [pctStart * totalSteps - 1, initial, maxLr],
      [2 * pctStart * totalSteps - 2, maxLr, initial],
      [totalSteps - 1, initial, min],
    ]
    : [[pctStart * totalSteps - 1, initial, maxLr], [totalSteps - 1, maxLr, min]];
  const interpolate = anneal === "cos"
    ? (a: number, b: number, x: number) => cosineDown(a, b, x)
    : (a: number, b: number, x: number) => a + (b - a) * x;
  return schedule("oneCycleLR", (t) => {
    if (t > totalSteps) {
      throw new RangeError(`oneCycleLR: step ${t} is past totalSteps = ${totalSteps}`);
    }
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const [end, from, to] = phases[i];
      if (t <= end || i === phases.length - 1) {
        return interpolate(from, to, (t - start) / (end - start));
      }
      start = end;
    }
    throw new Error("oneCycleLR: unreachable");
  });
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
