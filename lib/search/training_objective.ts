/**
 * A real, small training run as a search objective: an MLP on a Fashion-MNIST subset trained
 * with SGD by `fit`, scored by its held-out error. The images are average-pooled 2×2 (28×28 →
 * 14×14) and standardised with the training part's statistics, so that one run costs tens of milliseconds and a search can afford hundreds of them.
 *
 * The budget is the number of epochs, so successive halving and Hyperband can stop bad runs
 * early; the learning curve is the validation error after each epoch. A run that diverges
 * (a NaN or an infinity in a loss, from that epoch on) scores the error of guessing, 0.9, so that model-based strategies learn
 * to avoid that region rather than never seeing it.
 *
 * @module
 */

import { Matrix } from "../core/matrix.ts";
import type { Dataset } from "../data/synthetic.ts";
import { sgd } from "../optim/optimizers.ts";
import { standardizer } from "../data/standardize.ts";
import { fit } from "../train/fit.ts";
import { mlp } from "../train/model.ts";
import { type Config, float, int, type SearchSpace, space } from "./space.ts";
import type { Evaluation } from "./trial.ts";

/** The space the training objective reads: learning rate, momentum, weight decay, hidden width. */
export const TRAINING_SPACE: SearchSpace = space({
  lr: float(1e-3, 1, { log: true }),
  momentum: float(0, 0.99),
  weightDecay: float(1e-6, 1e-1, { log: true }),
  hidden: int(8, 64, { log: true }),
});

/** Average-pools every 28×28 image of a data set 2×2, to 14×14 (N×196). */
export function pool2x2(ds: Dataset): Dataset {
  if (ds.x.cols !== 784) {
    throw new RangeError(`pool2x2: expected 28×28 images (784 columns), got ${ds.x.cols}`);
  }
  const out = new Matrix(ds.x.rows, 196), x = ds.x.data;
  for (let n = 0; n < ds.x.rows; n++) {
    for (let i = 0; i < 14; i++) {
      for (let j = 0; j < 14; j++) {
        const b = n * 784 + 56 * i + 2 * j;
        out.data[n * 196 + 14 * i + j] = 0.25 * (x[b] + x[b + 1] + x[b + 28] + x[b + 29]);
      }
    }
  }
  return { x: out, y: ds.y };
}

/** Options of {@link trainingObjective}. */
export interface TrainingObjectiveOptions {
  /** Mini-batch size. Default 50. */
  batchSize?: number;
  /** Seed of the initial weights and of the batch order (the same for every configuration). Default 0. */
  seed?: number;
}

/**
 * The objective: train a 196 → hidden → 10 MLP for `budget` epochs with
 * `sgd({ lr, momentum, weightDecay })` on `data.train` (pooled images), return the validation
 * error of the last epoch, its cost in epochs and the per-epoch validation errors.
 */
export function trainingObjective(
  data: { train: Dataset; val: Dataset },
  o: TrainingObjectiveOptions = {},
): (config: Config, budget: number) => Promise<Evaluation> {
  const pooledTrain = data.train.x.cols === 784 ? pool2x2(data.train) : data.train;
  const pooledVal = data.val.x.cols === 784 ? pool2x2(data.val) : data.val;
  const scaler = standardizer(pooledTrain.x); // statistics of the training part only
  const train = { x: scaler.apply(pooledTrain.x), y: pooledTrain.y };
  const val = { x: scaler.apply(pooledVal.x), y: pooledVal.y };
  return async (c, budget) => {
    const epochs = Math.max(1, Math.round(budget));
    const net = mlp([train.x.cols, c.hidden as number, 10], { seed: o.seed ?? 0 });
    const optimizer = sgd({
      lr: c.lr as number,
      momentum: c.momentum as number,
      weightDecay: c.weightDecay as number,
    });
    const curve: number[] = [];
    let diverged = false;
    try {
      await fit(net, { train, val }, {
        optimizer,
        epochs,
        batchSize: o.batchSize ?? 50,
        seed: o.seed ?? 0,
        restoreBest: false,
        onEpoch: (r) => {
          diverged ||= !(Number.isFinite(r.trainLoss) && Number.isFinite(r.valLoss));
          curve.push(diverged ? 0.9 : 1 - r.valAcc!);
        },
      });
    } catch (e) {
      if (!(e instanceof Error && e.name === "NonFiniteError")) throw e;
      while (curve.length < epochs) curve.push(0.9);
    }
    const value = curve.at(-1)!;
    return { value: Number.isFinite(value) ? value : 0.9, cost: epochs, curve };
  };
}
