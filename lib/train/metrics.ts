/**
 * Measuring a classifier: its predicted classes, their accuracy, and the loss and accuracy
 * on a whole data set.
 *
 * @module
 */

import { type LossResult, softmaxCrossEntropy } from "../nn/losses.ts";
import type { Matrix } from "../core/matrix.ts";
import type { Dataset } from "../data/synthetic.ts";
import { batches, checkDataset } from "../data/split.ts";
import type { Model } from "./model.ts";

/** A loss on a batch of scores and labels: its value and `grad` (as `softmaxCrossEntropy`). */
export type Loss = (scores: Matrix, labels: readonly number[]) => LossResult;

/** The index of the largest score of each row (the first one on ties). */
export function argmaxRows(scores: Matrix): number[] {
  const c = scores.cols, out = new Array<number>(scores.rows);
  for (let i = 0; i < scores.rows; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (scores.data[i * c + j] > scores.data[i * c + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** The fraction of predictions equal to the labels. */
export function accuracy(predicted: readonly number[], labels: readonly number[]): number {
  if (predicted.length !== labels.length || labels.length === 0) {
    throw new RangeError(
      `accuracy: need two non-empty lists of equal length, got ${predicted.length} and ${labels.length}`,
    );
  }
  return predicted.filter((p, n) => p === labels[n]).length / labels.length;
}

/** The predicted class of every row of `x` (the model in "eval" mode), 1000 rows at a time. */
export function predict(model: Model, x: Matrix): number[] {
  const y = new Array<number>(x.rows).fill(0);
  return [...batches({ x, y }, { batchSize: 1000 })]
    .flatMap((b) => argmaxRows(model.forward(b.x, "eval").out));
}

/**
 * The mean loss and the accuracy of `model` (in "eval" mode) on all of `ds`, computed 1000
 * examples at a time; the loss is weighted by batch size, so it is the mean over examples.
 */
export function evaluate(
  model: Model,
  ds: Dataset,
  o: { loss?: Loss } = {},
): { loss: number; accuracy: number } {
  const { loss = softmaxCrossEntropy } = o;
  checkDataset("evaluate", ds);
  let sum = 0, correct = 0;
  for (const b of batches(ds, { batchSize: 1000 })) {
    const { out } = model.forward(b.x, "eval");
    sum += loss(out, b.y).loss * b.y.length;
    correct += argmaxRows(out).filter((p, n) => p === b.y[n]).length;
  }
  return { loss: sum / ds.y.length, accuracy: correct / ds.y.length };
}
