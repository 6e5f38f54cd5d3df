/**
 * The training loop the notebooks share: `fit(model, data, options)`, after CS231n's
 * `Solver`. One epoch is one pass over the training data in a new random order, cut into
 * mini-batches; each batch is a forward pass, a loss, a backward pass and one optimiser step.
 * After each epoch the model is measured on the validation data, and at the end the
 * parameters of the best validation epoch are put back. With `patience`, training stops early
 * once the validation accuracy has not improved for that many epochs in a row; with
 * `transform`, each training batch is transformed first (data augmentation).
 *
 * ```ts
 * const model = mlp([784, 256, 10], { seed: 0 });
 * const { history } = await fit(model, { train, val }, {
 *   optimizer: sgd({ lr: 0.1, momentum: 0.9 }),
 *   epochs: 5,
 *   batchSize: 64,
 * });
 * ```
 *
 * `fit` is async only so that `onEpoch` may await (a notebook's live display needs the event
 * loop to send its updates); the training itself runs synchronously.
 *
 * @module
 */

import { Matrix, NonFiniteError } from "../core/matrix.ts";
import { Random } from "../core/random.ts";
import { positiveInteger } from "../core/validate.ts";
import { Optimizer } from "../optim/optimizers.ts";
import type { OneCycleSchedule, Schedule } from "../optim/schedules.ts";
import { softmaxCrossEntropy } from "../nn/losses.ts";
import type { Dataset } from "../data/synthetic.ts";
import { batches, checkDataset } from "../data/split.ts";
import type { Model } from "./model.ts";
import { argmaxRows, evaluate, type Loss } from "./metrics.ts";

/** What happened in one epoch. Losses are means over examples. */
export interface EpochRecord {
  /** 1 for the first epoch. */
  epoch: number;
  /** The learning rate of the epoch (of its last step when the schedule moves every step). */
  lr: number;
  /** Training examples seen so far, this epoch included. */
  examples: number;
  /** Mean of the epoch's batch losses, each measured just before the step on that batch. */
  trainLoss: number;
  /** Accuracy on the epoch's batches, measured the same way (the weights move meanwhile). */
  trainAcc: number;
  /** Loss and accuracy on the validation data after the epoch ("eval" mode). */
  valLoss?: number;
  valAcc?: number;
  /** Wall time of the epoch, validation included. */
  seconds: number;
}

/** One optimiser step: examples seen so far (this batch included), the batch's loss, the rate. */
export interface StepRecord {
  examples: number;
  loss: number;
  /** The learning rate of this step. */
  lr: number;
}

/** Options of {@link fit}. */
export interface FitOptions {
  /** From `lib/optim/optimizers.ts`, e.g. `sgd({ lr: 0.1, momentum: 0.9 })`; it holds the rate. */
  optimizer: Optimizer;
  /** Passes over the training data. */
  epochs: number;
  /** Examples per step (default 64); the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** Default `softmaxCrossEntropy`. */
  loss?: Loss;
  /**
   * Learning rate per epoch (`t` = 0 for the first), set on the optimiser before each epoch; or
   * per step with `scheduleEvery: "step"`. A schedule that carries a momentum schedule
   * (`oneCycleLR`) sets the optimiser's momentum too, as PyTorch's `OneCycleLR` does.
   */
  schedule?: Schedule | OneCycleSchedule;
  /**
   * When the schedule moves (default `"epoch"`): `"step"` evaluates it before every optimiser step,
   * `t` = 0, 1, … over the whole run, as PyTorch's `OneCycleLR` and `CyclicLR` are meant to be used.
   */
  scheduleEvery?: "epoch" | "step";
  /** Seed of the order in which examples are visited (default 0). */
  seed?: number;
  /** Put back the parameters (and buffers) of the best validation accuracy at the end (default true). */
  restoreBest?: boolean;
  /**
   * Early stopping: stop after `patience` epochs in a row without a better validation accuracy
   * than the best so far (default: never stop early). Needs validation data.
   */
  patience?: number;
  /**
   * Applied to the inputs of each training batch before the forward pass (data augmentation,
   * e.g. `imageAugmenter()`), with fit's seeded generator; never to the validation data.
   */
  transform?: (x: Matrix, generator: Random) => Matrix;
  /** Called after each epoch (awaited), e.g. to draw progress. */
  onEpoch?: (record: EpochRecord, history: readonly EpochRecord[]) => void | Promise<void>;
}

/** What {@link fit} returns: the epochs, the steps, and the best validation epoch. */
export interface FitResult {
  history: EpochRecord[];
  steps: StepRecord[];
  best?: { epoch: number; valAcc: number; valLoss: number };
  /** The epoch after which `patience` stopped the run (undefined when it ran every epoch). */
  stoppedAt?: number;
}

/** Trains `model` in place on `data.train`, measuring it on `data.val` after each epoch. */
export async function fit(
  model: Model,
  data: { train: Dataset; val?: Dataset },
  o: FitOptions,
): Promise<FitResult> {
  checkFit(model, data, o);
  const { optimizer, epochs, batchSize = 64, loss = softmaxCrossEntropy } = o;
  const { schedule, scheduleEvery = "epoch", seed = 0, restoreBest = true, onEpoch } = o;
  const { patience, transform } = o;
  const { train, val } = data, n = train.y.length, generator = new Random(seed);
  const history: EpochRecord[] = [], steps: StepRecord[] = [];
  const state = [...model.params, ...(model.buffers ?? [])]; // what "the best model" is
  let best: FitResult["best"], bestState: Float64Array[] = [], stoppedAt: number | undefined;
  const momentum = schedule && "momentum" in schedule ? schedule.momentum : undefined;
  const follow = (t: number) => {
    if (!schedule) return;
    optimizer.lr = schedule(t);
    if (momentum) optimizer.momentum = momentum(t);
  };
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const start = performance.now();
    if (scheduleEvery === "epoch") follow(epoch - 1);
    let lossSum = 0, correct = 0;
    try {
      for (const batch of batches(train, { batchSize, shuffle: true, generator })) {
        if (scheduleEvery === "step") follow(steps.length);
        const x = transform ? transformed(transform, batch.x, generator) : batch.x;
        const { out, cache } = model.forward(x, "train");
        const { loss: value, grad } = loss(out, batch.y);
        optimizer.step(model.params, model.backward(grad, cache));
        lossSum += value * batch.y.length;
        correct += argmaxRows(out).filter((p, i) => p === batch.y[i]).length;
        steps.push({
          examples: (steps.at(-1)?.examples ?? 0) + batch.y.length,
          loss: value,
          lr: optimizer.lr,
        });
      }
    } catch (e) {
      throw diverged(e, epoch, optimizer.lr);
    }
    const record: EpochRecord = {
      epoch,
      lr: optimizer.lr,
      examples: epoch * n,
      trainLoss: lossSum / n,
      trainAcc: correct / n,
      seconds: 0,
    };
    if (val) {
      const v = evaluate(model, val, { loss });
      [record.valLoss, record.valAcc] = [v.loss, v.accuracy];
      if (!best || v.accuracy > best.valAcc) {
        best = { epoch, valAcc: v.accuracy, valLoss: v.loss };
        bestState = state.map((p) => p.data.slice());
      }
    }
    record.seconds = (performance.now() - start) / 1000;
    history.push(record);
    await onEpoch?.(record, history);
    if (patience !== undefined && best && epoch - best.epoch >= patience) {
      stoppedAt = epoch;
      break;
    }
  }
  if (restoreBest && best) state.forEach((p, i) => p.data.set(bestState[i]));
  return { history, steps, best, stoppedAt };
}

/** `transform(x, generator)`, refused unless it is a matrix of the same shape as `x`. */
function transformed(
  transform: NonNullable<FitOptions["transform"]>,
  x: Matrix,
  generator: Random,
): Matrix {
  const out = transform(x, generator);
  if (!(out instanceof Matrix) || out.rows !== x.rows || out.cols !== x.cols) {
    throw new TypeError(
      `fit: transform must return a ${x.rows}×${x.cols} Matrix (the batch's shape), got ${
        out instanceof Matrix ? `${out.rows}×${out.cols}` : typeof out
      }`,
    );
  }
  return out;
}

/** A NaN or an infinity met while training is reported as a diverged run, with the remedy. */
function diverged(e: unknown, epoch: number, lr: number): unknown {
  if (!(e instanceof NonFiniteError)) return e;
  return new NonFiniteError(
    `fit: the run diverged in epoch ${epoch} (${e.message}); try a learning rate below ${lr}`,
  );
}

const OPTIONS = [
  "optimizer",
  "epochs",
  "batchSize",
  "loss",
  "schedule",
  "scheduleEvery",
  "seed",
  "restoreBest",
  "patience",
  "transform",
  "onEpoch",
];

/** Refuses what fit cannot use, before any training, with a message saying what to pass. */
function checkFit(model: Model, data: { train: Dataset; val?: Dataset }, o: FitOptions): void {
  const op = "fit";
  for (const key of Object.keys(o ?? {})) {
    if (!OPTIONS.includes(key)) {
      const hint = ["lr", "momentum", "weightDecay"].includes(key)
        ? `; ${key} belongs to the optimiser, e.g. optimizer: sgd({ ${key}: … })`
        : ` (options: ${OPTIONS.join(", ")})`;
      throw new TypeError(`${op}: unknown option "${key}"${hint}`);
    }
  }
  if (!(o.optimizer instanceof Optimizer)) {
    throw new TypeError(
      `${op}: optimizer must be an optimiser from lib/optim/, e.g. sgd({ lr: 0.1 })`,
    );
  }
  positiveInteger(op, "epochs", o.epochs);
  positiveInteger(op, "batchSize", o.batchSize ?? 64);
  if (o.scheduleEvery !== undefined && !["epoch", "step"].includes(o.scheduleEvery)) {
    throw new RangeError(
      `${op}: scheduleEvery must be "epoch" or "step", got ${JSON.stringify(o.scheduleEvery)}`,
    );
  }
  if (o.patience !== undefined) {
    positiveInteger(op, "patience", o.patience);
    if (!data?.val) {
      throw new RangeError(`${op}: patience needs validation data to watch (data.val)`);
    }
  }
  for (const name of ["loss", "schedule", "onEpoch", "transform"] as const) {
    if (o[name] !== undefined && typeof o[name] !== "function") {
      throw new TypeError(`${op}: ${name} must be a function, got ${typeof o[name]}`);
    }
  }
  if (
    !Array.isArray(model?.params) || typeof model.forward !== "function" ||
    typeof model.backward !== "function"
  ) {
    throw new TypeError(
      `${op}: model must have params, forward(x, mode) and backward(dout, cache)`,
    );
  }
  checkDataset(`${op} (train)`, data?.train);
  if (data.val !== undefined) {
    checkDataset(`${op} (val)`, data.val);
    if (data.val.x.cols !== data.train.x.cols) {
      throw new RangeError(
        `${op}: train has ${data.train.x.cols} features per example, val has ${data.val.x.cols}`,
      );
    }
  }
}
