/**
 * A minimal training loop for an MLP classifier: forward, softmax cross-entropy, backward,
 * one optimiser step, repeated. Everything is seeded, so a run is repeatable to the last bit.
 *
 * @module
 */

import { Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { Random } from "../core/random.ts";
import { takeRows } from "../core/numeric.ts";
import type { Activation } from "../nn/activations.ts";
import {
  type LayerParams,
  mlpBackward,
  mlpForward,
  type MlpInit,
  mlpInit,
} from "../nn/layers/mlp.ts";
import { softmaxCrossEntropy } from "../nn/losses.ts";
import { sgd } from "../optim/optimizers.ts";

/** Options of {@link trainClassifier}. */
export interface TrainOptions {
  /** Layer sizes, input first and number of classes last, e.g. `[2, 64, 3]`. */
  sizes: readonly number[];
  activation: Activation;
  /** Number of optimiser steps. */
  steps: number;
  /** SGD learning rate. */
  lr: number;
  /** SGD momentum (PyTorch's form, default 0.9). */
  momentum?: number;
  /** Examples per step; the whole set (full-batch) by default. */
  batchSize?: number;
  /** Seed for the initial weights and the mini-batch draws (default 0). */
  seed?: number;
  /** Initialisation of the weights (default "he"). */
  init?: MlpInit;
}

/** The trained parameters and the loss of every step (the loss of the batch it was taken on). */
export interface TrainResult {
  params: LayerParams[];
  losses: number[];
}

/**
 * Trains an MLP classifier on `(x, labels)` with SGD (momentum by default) on the mean softmax
 * cross-entropy. With a `batchSize` below N each step draws a fresh random mini-batch (without
 * replacement within the batch) from the seeded generator.
 */
export function trainClassifier(
  x: Matrix,
  labels: readonly number[],
  o: TrainOptions,
): TrainResult {
  const { sizes, activation, steps, lr, momentum = 0.9, seed = 0, init = "he" } = o;
  const batchSize = o.batchSize ?? x.rows;
  if (x.cols !== sizes[0]) {
    throw new ShapeError(`trainClassifier: x is ${shapeOf(x)} but sizes[0] is ${sizes[0]}`);
  }
  if (labels.length !== x.rows) {
    throw new ShapeError(`trainClassifier: ${labels.length} labels for ${x.rows} rows of x`);
  }
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`trainClassifier: steps must be an integer ≥ 0, got ${steps}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > x.rows) {
    throw new RangeError(
      `trainClassifier: batchSize must be an integer in [1, ${x.rows}], got ${batchSize}`,
    );
  }
  const rng = new Random(seed);
  const params = mlpInit(sizes, rng, { init });
  const opt = sgd({ lr, momentum });
  const flat = params.flatMap((p) => [p.w, p.b]);
  const all = Array.from({ length: x.rows }, (_, n) => n);
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    let xb = x, yb: readonly number[] = labels;
    if (batchSize < x.rows) {
      const idx = rng.shuffle(all).slice(0, batchSize);
      xb = takeRows(x, idx);
      yb = idx.map((n) => labels[n]);
    }
    const { out, cache } = mlpForward(xb, params, { activation });
    const { loss, grad: dscores } = softmaxCrossEntropy(out, yb);
    const { grads } = mlpBackward(dscores, cache);
    opt.step(flat, grads.flatMap((g) => [g.dw, g.db]));
    losses.push(loss);
  }
  return { params, losses };
}

/** The predicted class of every row of `x`: the index of the largest score (first on ties). */
export function predict(
  x: Matrix,
  params: readonly LayerParams[],
  activation: Activation,
): number[] {
  const { out } = mlpForward(x, params, { activation });
  return Array.from({ length: out.rows }, (_, n) => {
    const row = out.row(n);
    return row.indexOf(Math.max(...row));
  });
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
