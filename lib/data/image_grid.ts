/**
 * A grid of small greyscale images with a caption under each: a look at the data (and, given
 * predictions, at what a model gets wrong).
 *
 * @module
 */

import { Figure, type Trace } from "../display/plot.ts";
import type { Dataset } from "./synthetic.ts";
import { checkDataset } from "./split.ts";
import { FASHION_LABELS } from "./fashion_mnist.ts";

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** The rows of `ds` to show, in order (default: the first `count`). */
  indices?: readonly number[];
  /** How many images when `indices` is not given (default 10). */
  count?: number;
  /** Images per row of the grid (default 5). */
  cols?: number;
  /** The class names for the captions (default {@link FASHION_LABELS}). */
  labels?: readonly string[];
  /** A predicted class per row of `ds`: captions read "predicted (true)", red when wrong. */
  predicted?: readonly number[];
  /** Figure title. */
  title?: string;
  /**
   * The pixel values drawn white and black, the same for every image (default: each image's
   * own smallest and largest value, so an all-zero image would be drawn mid-grey).
   */
  range?: readonly [number, number];
}

/**
 * A plotly figure of the images in rows `indices` of `ds` (each row a square image of √D×√D
 * pixels, row-major), drawn dark on white, captioned with their class names.
 */
export function imageGrid(ds: Dataset, o: ImageGridOptions = {}): Figure {
  checkDataset("imageGrid", ds);
  const { count = 10, cols = 5, labels = FASHION_LABELS, predicted, title, range } = o;
  if (range !== undefined && !(range.length === 2 && range[0] < range[1])) {
    throw new RangeError(
      `imageGrid: range must be [white, black] with white < black, got [${range}]`,
    );
  }
  const indices = o.indices ?? Array.from({ length: Math.min(count, ds.x.rows) }, (_, i) => i);
  const side = Math.round(Math.sqrt(ds.x.cols));
  if (side * side !== ds.x.cols) {
    throw new RangeError(`imageGrid: rows of ${ds.x.cols} pixels are not square images`);
  }
  if (!Number.isInteger(cols) || cols < 1) {
    throw new RangeError(`imageGrid: cols must be a positive integer, got ${cols}`);
  }
  if (indices.length === 0) throw new RangeError("imageGrid: no image to show");
  if (predicted && predicted.length !== ds.x.rows) {
    throw new RangeError(
      `imageGrid: ${predicted.length} predictions for ${ds.x.rows} images`,
    );
  }
  const rows = Math.ceil(indices.length / cols);
  const name = (c: number) => labels[c] ?? `class ${c}`;
  const traces: Trace[] = [], annotations: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {};
  indices.forEach((n, k) => {
    if (!Number.isInteger(n) || n < 0 || n >= ds.x.rows) {
      throw new RangeError(`imageGrid: index ${n} is not a row of the data set`);
    }
    const ax = k === 0 ? "" : String(k + 1);
    const pixels = ds.x.row(n).map((v) => Math.round(v * 1000) / 1000);
    traces.push({
      type: "heatmap",
      name: name(ds.y[n]),
      z: Array.from({ length: side }, (_, r) => pixels.slice(r * side, (r + 1) * side)),
      colorscale: [[0, "white"], [1, "black"]],
      ...(range ? { zmin: range[0], zmax: range[1] } : {}),
      showscale: false,
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      hovertemplate: "row %{y}, column %{x}: %{z}<extra></extra>",
    });
    const col = k % cols, row = Math.floor(k / cols), gap = 0.04;
    layout[`xaxis${ax}`] = {
      visible: false,
      domain: [col / cols + gap / 2, (col + 1) / cols - gap / 2],
      constrain: "domain",
    };
    layout[`yaxis${ax}`] = {
      visible: false,
      domain: [1 - (row + 1) / rows + 0.12 / rows, 1 - row / rows],
      autorange: "reversed",
      scaleanchor: `x${ax}`,
      constrain: "domain",
    };
    const wrong = predicted !== undefined && predicted[n] !== ds.y[n];
    annotations.push({
      text: predicted ? `${name(predicted[n])} (${name(ds.y[n])})` : name(ds.y[n]),
      xref: `x${ax} domain`,
      yref: `y${ax} domain`,
      x: 0.5,
      y: 0,
      yanchor: "top",
      showarrow: false,
      font: { size: 12, color: wrong ? "#d62728" : "#333" },
    });
  });
  return new Figure(traces, {
    ...layout,
    annotations,
    title,
    height: 60 + 150 * rows,
    margin: { t: title ? 48 : 16, r: 8, b: 24, l: 8 },
    showlegend: false,
  });
}
