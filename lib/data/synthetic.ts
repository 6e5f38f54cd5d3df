/**
 * Small synthetic 2-D data sets for classification demos, generated from a seed so every
 * figure and test sees the same points.
 *
 * @module
 */

import { Matrix } from "../core/matrix.ts";
import { Random } from "../core/random.ts";
import { linspace } from "../core/numeric.ts";

/**
 * A labelled data set: `x` is N×D (one example per row: a point of the plane here, an image's
 * pixels for Fashion-MNIST), `y[n]` the class of row n.
 */
export interface Dataset {
  x: Matrix;
  y: number[];
}

/** Options of {@link spirals}. */
export interface SpiralOptions {
  /** Points per class (default 100). */
  perClass?: number;
  /** Number of arms, one class each (default 3). */
  classes?: number;
  /** Standard deviation of the Gaussian noise added to the angle (default 0.2). */
  noise?: number;
  /** Seed of the generator (default 0). */
  seed?: number;
}

/**
 * Interleaved spirals, the classic data set that no linear classifier can separate.
 *
 * Arm k holds `perClass` points at radii `r = i/(perClass − 1)` running from 0 to 1, at angle
 * `θ = 4·(k + r) + noise` (each arm sweeps 4 radians, about two-thirds of a turn, starting
 * where the previous one started plus 4 radians), placed at `(r·sin θ, r·cos θ)`. Rows are
 * ordered class by class.
 */
export function spirals(o: SpiralOptions = {}): Dataset {
  const { perClass = 100, classes = 3, noise = 0.2, seed = 0 } = o;
  if (!Number.isInteger(perClass) || perClass < 2) {
    throw new RangeError(`spirals: perClass must be an integer ≥ 2, got ${perClass}`);
  }
  if (!Number.isInteger(classes) || classes < 1) {
    throw new RangeError(`spirals: classes must be a positive integer, got ${classes}`);
  }
  if (!(Number.isFinite(noise) && noise >= 0)) {
    throw new RangeError(`spirals: noise must be a finite number ≥ 0, got ${noise}`);
  }
  const rng = new Random(seed);
  const x = new Matrix(perClass * classes, 2);
  const y: number[] = [];
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      const r = i / (perClass - 1);
      const theta = 4 * (k + r) + rng.normal(0, noise);
      const n = k * perClass + i;
      x.set(n, 0, r * Math.sin(theta));
      x.set(n, 1, r * Math.cos(theta));
      y.push(k);
    }
  }
  return { x, y };
}

/**
 * A regular grid over the box `[x0, x1] × [y0, y1]` with `steps` points per side, as an
 * (steps²)×2 matrix whose row `iy·steps + ix` is the point `(xs[ix], ys[iy])`: the layout a
 * plotly heatmap wants when the predictions are reshaped to `steps` rows of `steps` values.
 */
export function grid2d(
  [x0, x1]: readonly [number, number],
  [y0, y1]: readonly [number, number],
  steps: number,
): { xs: number[]; ys: number[]; points: Matrix } {
  if (!Number.isInteger(steps) || steps < 2) {
    throw new RangeError(`grid2d: steps must be an integer ≥ 2, got ${steps}`);
  }
  if (![x0, x1, y0, y1].every(Number.isFinite) || !(x1 > x0) || !(y1 > y0)) {
    throw new RangeError(`grid2d: the box must be finite with x0 < x1 and y0 < y1`);
  }
  const xs = linspace(x0, x1, steps), ys = linspace(y0, y1, steps);
  const points = new Matrix(steps * steps, 2);
  ys.forEach((yv, iy) =>
    xs.forEach((xv, ix) => {
      points.set(iy * steps + ix, 0, xv);
      points.set(iy * steps + ix, 1, yv);
    })
  );
  return { xs, ys, points };
}
