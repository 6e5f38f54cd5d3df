/**
 * Smaller images for cheap experiments: each `factor`×`factor` block of pixels replaced by its
 * mean (average pooling with stride = size, as PyTorch's `F.avg_pool2d(x, factor)`). A
 * 28×28 Fashion-MNIST image becomes 14×14 (factor 2) or 7×7 (factor 4): 4 or 16 times fewer
 * inputs, so a search can afford many more trainings, at the price of detail.
 *
 * @module
 */

import { Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { positiveInteger } from "../core/validate.ts";
import type { Dataset } from "./synthetic.ts";

/** The images of `ds` (rows of side×side pixels, row-major) average-pooled by `factor`. */
export function downsampleImages(ds: Dataset, factor: number): Dataset {
  positiveInteger("downsampleImages", "factor", factor);
  const x = ds.x, side = Math.round(Math.sqrt(x.cols));
  if (side * side !== x.cols || side % factor !== 0) {
    throw new ShapeError(
      `downsampleImages: rows must be square images whose side divides by ${factor}, got ${
        shapeOf(x)
      }`,
    );
  }
  const s = side / factor, out = new Matrix(x.rows, s * s), area = factor * factor;
  for (let n = 0; n < x.rows; n++) {
    const src = n * x.cols, dst = n * s * s;
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        out.data[dst + Math.floor(i / factor) * s + Math.floor(j / factor)] +=
          x.data[src + i * side + j] / area;
      }
    }
  }
  return { x: out, y: ds.y.slice() };
}
