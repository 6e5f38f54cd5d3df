/**
 * Exercise: two learning-rate schedules as PyTorch computes them — cosine annealing after a
 * linear warm-up, and the triangular cyclic schedule.
 *
 * Notebook: notebooks/13_lr_schedules.ipynb. Write each function between BEGIN YOUR CODE and
 * END YOUR CODE, then grade them with `deno task grade schedules` (or run the grading cell at
 * the end of the notebook). Each function returns a whole curve: the learning rate of every
 * step t = 0, 1, 2, … as a plain array of numbers. The checks compare whole curves and tell you
 * the first step where yours departs from the reference.
 */

/** Options of {@link warmupCosine}; all are given. */
export interface WarmupCosineOptions {
  /** The peak rate, reached when the warm-up ends. */
  baseLr: number;
  /** Steps of warm-up, `0 ≤ warmupSteps < totalSteps` (0: no warm-up at all). */
  warmupSteps: number;
  /** The step at which the cosine reaches `etaMin`. */
  totalSteps: number;
  /** The rate at t = 0 is `startFactor·baseLr` (0 < startFactor ≤ 1). */
  startFactor: number;
  /** The rate at the end, t = totalSteps. */
  etaMin: number;
}

/**
 * Linear warm-up, then cosine annealing, as PyTorch's `SequentialLR` of a `LinearLR`
 * (start_factor = startFactor, total_iters = warmupSteps) and a `CosineAnnealingLR`
 * (T_max = totalSteps − warmupSteps, eta_min = etaMin) with the milestone at warmupSteps.
 *
 * Return the rates of the steps t = 0, 1, …, totalSteps (totalSteps + 1 numbers). The rate
 * rises in a straight line from `startFactor·baseLr` at t = 0 and is exactly `baseLr` at
 * t = warmupSteps; from there half a cosine takes it down to `etaMin` at t = totalSteps.
 */
export function warmupCosine(o: WarmupCosineOptions): number[] {
  // BEGIN YOUR CODE: warmupCosine
  const { baseLr, warmupSteps, totalSteps, startFactor, etaMin } = o;
  const rates: number[] = [];
  for (let t = 0; t <= totalSteps; t++) {
    if (t < warmupSteps) {
      rates.push(baseLr * (startFactor + (1 - startFactor) * t / warmupSteps));
    } else {
      const progress = (t - warmupSteps) / (totalSteps - warmupSteps); // 0 … 1
      rates.push(etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * progress)) / 2);
    }
  }
  return rates;
  // END YOUR CODE
}

/** Options of {@link triangularLR}. */
export interface TriangularOptions {
  /** The lower bound, the rate at t = 0 and at the start of every cycle. */
  baseLr: number;
  /** The upper bound, reached at the top of every cycle. */
  maxLr: number;
  /** Steps from the bottom of a cycle to its top (a positive integer). */
  stepSizeUp: number;
  /** Steps from the top back to the bottom (a positive integer); `stepSizeUp` if omitted. */
  stepSizeDown?: number;
}

/**
 * The triangular cyclic schedule, PyTorch's `CyclicLR` with mode "triangular": the rate goes
 * from `baseLr` up to `maxLr` in `stepSizeUp` steps and back down to `baseLr` in `stepSizeDown`
 * steps, changing by the same amount at every step of a leg, and then the next cycle begins.
 *
 * Return the rates of the steps t = 0, 1, …, steps − 1 (`steps` numbers).
 */
export function triangularLR(o: TriangularOptions, steps: number): number[] {
  // BEGIN YOUR CODE: triangularLR
  const { baseLr, maxLr, stepSizeUp } = o;
  const stepSizeDown = o.stepSizeDown ?? stepSizeUp;
  const cycle = stepSizeUp + stepSizeDown;
  const rates: number[] = [];
  for (let t = 0; t < steps; t++) {
    const position = t % cycle; // steps since the cycle began
    const height = position <= stepSizeUp
      ? position / stepSizeUp // rising leg: 0 → 1
      : (cycle - position) / stepSizeDown; // falling leg: 1 → 0
    rates.push(baseLr + (maxLr - baseLr) * height);
  }
  return rates;
  // END YOUR CODE
}
