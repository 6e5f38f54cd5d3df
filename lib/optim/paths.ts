/**
 * The path an optimiser takes on a test function, step by step, for drawing and for measuring
 * where it goes: {@link optimizerPath}.
 *
 * @module
 */

import { ShapeError } from "../core/matrix.ts";
import type { Optimizer } from "./optimizers.ts";
import { descend } from "./second_order.ts";
import type { TestFunction } from "./test_functions.ts";

/** An optimiser's path on a 2-D {@link TestFunction} (see {@link optimizerPath}). */
export interface OptimizerPath {
  /** x of every iterate, the start first. */
  x: number[];
  /** y of every iterate. */
  y: number[];
  /** f at every iterate. */
  f: number[];
  /** True when the run stopped early because f or its gradient stopped being finite. */
  diverged: boolean;
}

/**
 * Runs `opt` for exactly `steps` steps on the 2-D function `fn` from `start`, feeding it the
 * exact gradient, and returns every iterate: {@link descend} with `gtol = 0`, laid out for
 * drawing. A run that blows up (f or the gradient not finite) stops there with
 * `diverged: true` instead of throwing, so that it can be drawn. The optimiser keeps its
 * state: pass a fresh one for each run.
 */
export function optimizerPath(
  opt: Optimizer,
  fn: TestFunction,
  start: readonly [number, number],
  o: { steps: number },
): OptimizerPath {
  const { steps } = o;
  if (fn.dim !== 2) {
    throw new ShapeError(`optimizerPath: ${fn.name} is not a function of 2 variables`);
  }
  if (start.length !== 2 || !start.every(Number.isFinite)) {
    throw new RangeError(`optimizerPath: start must be 2 finite numbers, got [${start}]`);
  }
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`optimizerPath: steps must be a whole number ≥ 0, got ${steps}`);
  }
  const r = descend(opt, fn.f, fn.grad, start, { gtol: 0, maxIter: steps });
  return {
    x: r.path.map((p) => p[0]),
    y: r.path.map((p) => p[1]),
    f: r.path.map((p) => fn.f(p)),
    diverged: r.diverged,
  };
}
