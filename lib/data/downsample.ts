/**
 * Smaller images: each `factor`×`factor` block of pixels replaced by its mean (PyTorch's
 * `F.avg_pool2d(x, factor)`). Fashion-MNIST at 14×14 keeps the shapes of the clothes and costs
 * a quarter of the arithmetic in a network's first layer, which is what lets a notebook train
 * a dozen networks in seconds.
 *
 * @module
 */

import { Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { positiveInteger } from "../core/validate.ts";

/** Options of {@link downsample}. */
export interface DownsampleOptions {
  /** The side of the blocks averaged (default 2). */
  factor?: number;
}

/**
 * `x` holds one square image per row (√D×√D pixels, row-major, as Fashion-MNIST's 784); the
 * result holds the same images with each side divided by `factor`, which must divide it.
 */
export function downsample(x: Matrix, o: DownsampleOptions = {}): Matrix {
  const op = "downsample";
  const { factor = 2 } = o;
  positiveInteger(op, "factor", factor);
  const side = Math.round(Math.sqrt(x.cols));
  if (side * side !== x.cols) {
    throw new ShapeError(
      `${op}: rows of ${x.cols} pixels are not square images (x is ${shapeOf(x)})`,
    );
  }
  if (side % factor !== 0) {
    throw new RangeError(`${op}: factor ${factor} does not divide the image side ${side}`);
  }
  const s = side / factor, area = factor * factor;
  const out = new Matrix(x.rows, s * s);
  for (let n = 0; n < x.rows; n++) {
    const src = n * x.cols, dst = n * s * s;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        out.data[dst + Math.floor(r / factor) * s + Math.floor(c / factor)] +=
          x.data[src + r * side + c] / area;
      }
    }
  }
  return out;
}
