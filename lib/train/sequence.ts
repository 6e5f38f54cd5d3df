/**
 * Training a {@link SequenceClassifier} on freshly generated sequences: each step draws a new
 * batch (so there is no fixed training set to overfit), computes the loss and its gradients by
 * backpropagation through time (truncated if asked), optionally clips their total norm, and
 * takes one optimiser step. Held-out accuracy is measured on sequences from another seed.
 *
 * Why not `fit` (./fit.ts): `fit` passes over a fixed data set in epochs, one label per example;
 * here every batch is generated fresh, a sequence may be scored at many steps, and the gradient
 * may be truncated, so there is no epoch, no data set to split and nothing to restore.
 *
 * @module
 */

import type { SequenceData } from "../data/sequences.ts";
import { type SequenceClassifier, sequenceClassifierLoss } from "../nn/sequence_classifier.ts";
import { clipGradNorm } from "../optim/clip.ts";
import type { Optimizer } from "../optim/optimizers.ts";
import { positiveInteger } from "../core/validate.ts";

/** Options of {@link trainSequenceClassifier}. */
export interface SequenceTrainOptions {
  /** Updates the model's parameters in place, e.g. `adam({ lr: 0.01 })`. */
  optimizer: Optimizer;
  /** Number of optimiser steps (one batch each). */
  steps: number;
  /** Truncated BPTT: chunks of this many steps (default: full BPTT). */
  truncate?: number;
  /** Clip the gradients' total norm to this (PyTorch's `clip_grad_norm_`; default: no clipping). */
  clipNorm?: number;
}

/** Each step's training loss and accuracy (on the batch, before the step). */
export interface SequenceTrainResult {
  losses: number[];
  accuracies: number[];
}

/** Trains `model` in place on `batch(step)` for `o.steps` steps (see the module doc). */
export function trainSequenceClassifier(
  model: SequenceClassifier,
  batch: (step: number) => SequenceData,
  o: SequenceTrainOptions,
): SequenceTrainResult {
  const { optimizer, steps, truncate, clipNorm } = o;
  positiveInteger("trainSequenceClassifier", "steps", steps);
  const losses: number[] = [], accuracies: number[] = [];
  for (let s = 0; s < steps; s++) {
    const r = sequenceClassifierLoss(model, batch(s), { truncate });
    if (clipNorm !== undefined) clipGradNorm(r.grads, clipNorm);
    optimizer.step(model.params, r.grads);
    losses.push(r.loss);
    accuracies.push(r.correct / r.scored);
  }
  return { losses, accuracies };
}
