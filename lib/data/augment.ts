/**
 * Data augmentation for small square greyscale images stored one per row (Fashion-MNIST's
 * N×784, pixels in [0, 1], background 0): shifts, horizontal flips and noise. Each returns a
 * new matrix; {@link imageAugmenter} draws a random mix per image, as a `transform` for `fit`.
 *
 * @module
 */

import { Matrix } from "../core/matrix.ts";
import type { Random } from "../core/random.ts";

function sideOf(op: string, x: Matrix): number {
  if (!(x instanceof Matrix)) {
    throw new TypeError(`${op}: x must be a Matrix of images, one per row`);
  }
  const side = Math.round(Math.sqrt(x.cols));
  if (side * side !== x.cols) {
    throw new RangeError(`${op}: rows of ${x.cols} pixels are not square images`);
  }
  return side;
}

/**
 * Each image of `x` moved `dx[n]` pixels right and `dy[n]` pixels down (negative: left, up);
 * pixels moved in from outside are 0 (background), pixels moved out are lost.
 */
export function shiftImages(x: Matrix, dx: readonly number[], dy: readonly number[]): Matrix {
  const side = sideOf("shiftImages", x);
  if (dx.length !== x.rows || dy.length !== x.rows) {
    throw new RangeError(`shiftImages: need one dx and one dy per image (${x.rows})`);
  }
  const out = new Matrix(x.rows, x.cols);
  for (let n = 0; n < x.rows; n++) {
    const base = n * x.cols, sx = dx[n], sy = dy[n];
    if (!Number.isInteger(sx) || !Number.isInteger(sy)) {
      throw new RangeError(`shiftImages: shifts must be whole pixels, got (${sx}, ${sy})`);
    }
    for (let r = Math.max(0, sy); r < Math.min(side, side + sy); r++) {
      for (let c = Math.max(0, sx); c < Math.min(side, side + sx); c++) {
        out.data[base + r * side + c] = x.data[base + (r - sy) * side + (c - sx)];
      }
    }
  }
  return out;
}

/** Each image of `x` whose `which[n]` is true (default all) mirrored left to right. */
export function flipImages(x: Matrix, which?: readonly boolean[]): Matrix {
  const side = sideOf("flipImages", x), out = x.clone();
  for (let n = 0; n < x.rows; n++) {
    if (which && !which[n]) continue;
    for (let r = 0; r < side; r++) {
      const row = n * x.cols + r * side;
      for (let c = 0; c < side; c++) out.data[row + c] = x.data[row + side - 1 - c];
    }
  }
  return out;
}

/** Options of {@link imageAugmenter}. */
export interface AugmentOptions {
  /** Largest shift in pixels, drawn uniformly in [−maxShift, maxShift] per axis (default 2). */
  maxShift?: number;
  /** Mirror each image left to right with probability 1/2 (default true). */
  flip?: boolean;
  /** Standard deviation of Gaussian noise added to every pixel, then clipped to [0, 1] (default 0). */
  noiseStd?: number;
}

/**
 * A transform for `fit`'s training batches: each image gets its own random shift, flip and
 * noise, drawn from `generator`, so every epoch sees different versions of the same images.
 */
export function imageAugmenter(
  o: AugmentOptions = {},
): (x: Matrix, generator: Random) => Matrix {
  const { maxShift = 2, flip = true, noiseStd = 0 } = o;
  if (!Number.isInteger(maxShift) || maxShift < 0) {
    throw new RangeError(`imageAugmenter: maxShift must be a whole number ≥ 0, got ${maxShift}`);
  }
  if (!(noiseStd >= 0)) {
    throw new RangeError(`imageAugmenter: noiseStd must be ≥ 0, got ${noiseStd}`);
  }
  return (x, generator) => {
    const pick = () => generator.int(2 * maxShift + 1) - maxShift;
    const dx = Array.from({ length: x.rows }, pick), dy = Array.from({ length: x.rows }, pick);
    let out = maxShift > 0 ? shiftImages(x, dx, dy) : x.clone();
    if (flip) out = flipImages(out, Array.from({ length: x.rows }, () => generator.bernoulli(0.5)));
    if (noiseStd > 0) {
      for (let k = 0; k < out.data.length; k++) {
        out.data[k] = Math.min(1, Math.max(0, out.data[k] + generator.normal(0, noiseStd)));
      }
    }
    return out;
  };
}
