/**
 * The path an optimiser takes on a test function, step by step, for drawing and for measuring
 * where it goes: {@link optimizerPath}.
 *
 * @module
 */

import { Matrix, NonFiniteError, ShapeError } from "../core/matrix.ts";
import type { Optimizer } from "./optimizers.ts";
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
 * exact gradient, and returns every iterate. A run that blows up (f or the gradient not
 * finite) stops there with `diverged: true` instead of throwing, so that it can be drawn.
 * The optimiser keeps its state: pass a fresh one for each run.
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
  const p = new Matrix(1, 2, start);
  const path: OptimizerPath = { x: [start[0]], y: [start[1]], f: [fn.f(p.data)], diverged: false };
  for (let t = 0; t < steps; t++) {
    try {
      opt.step([p], [new Matrix(1, 2, fn.grad(p.data))]);
    } catch (e) {
      if (!(e instanceof NonFiniteError)) throw e;
      path.diverged = true;
      break;
    }
    const fx = fn.f(p.data);
    if (!Number.isFinite(fx)) {
      path.diverged = true;
      break;
    }
    path.x.push(p.data[0]);
    path.y.push(p.data[1]);
    path.f.push(fx);
  }
  return path;
}
