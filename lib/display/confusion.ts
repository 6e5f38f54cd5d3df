/**
 * A confusion matrix drawn as a plotly heat map: true classes down the rows, predicted classes
 * along the columns, each cell labelled with its count (or its share of the row).
 *
 * @module
 */

import { Figure } from "./plot.ts";

/** Options of {@link confusionFigure}. */
export interface ConfusionFigureOptions {
  /** Figure title. */
  title?: string;
  /**
   * "true": divide each row by its total, so a cell is the share of that true class predicted
   * as the column's class and the diagonal is each class's recall (default: counts).
   */
  normalize?: "true";
}

/**
 * The heat map of `matrix` (entry [i][j]: examples of class `labels[i]` predicted as
 * `labels[j]`, as `confusionMatrix` returns it), with the first class at the top.
 */
export function confusionFigure(
  matrix: readonly (readonly number[])[],
  labels: readonly string[],
  o: ConfusionFigureOptions = {},
): Figure {
  const n = labels.length;
  if (!Array.isArray(matrix) || matrix.length !== n || matrix.some((r) => r?.length !== n)) {
    throw new RangeError(`confusionFigure: need a ${n}×${n} matrix, one row and column per label`);
  }
  if (o.normalize !== undefined && o.normalize !== "true") {
    throw new RangeError(`confusionFigure: normalize must be "true" or absent, got ${o.normalize}`);
  }
  const z: number[][] = matrix.map((row: readonly number[]): number[] => {
    const total = row.reduce((s, v) => s + v, 0);
    return o.normalize
      ? row.map((v) => (total ? Math.round((1000 * v) / total) / 1000 : 0))
      : [...row];
  });
  const offDiagonal = z.flatMap((row, i) => row.filter((_, j) => j !== i));
  return new Figure([{
    type: "heatmap",
    z,
    x: [...labels],
    y: [...labels],
    colorscale: [[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]],
    // the colour scale stops at the largest mistake, so the diagonal does not wash the rest out
    zmin: 0,
    zmax: Math.max(...offDiagonal, 1e-9),
    texttemplate: o.normalize ? "%{z:.2f}" : "%{z}",
    hovertemplate: "true %{y}, predicted %{x}: %{z}<extra></extra>",
    colorbar: { title: { text: o.normalize ? "share of row" : "examples" } },
  }], {
    title: o.title,
    xaxis: { title: { text: "predicted class" }, side: "bottom", tickangle: -35 },
    yaxis: { title: { text: "true class" }, autorange: "reversed" },
    height: 560,
    margin: { l: 110, b: 110 },
  });
}
