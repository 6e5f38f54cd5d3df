/**
 * Evaluating an architecture: train its network from scratch for a few epochs with the course's
 * training loop and measure it on held-out data. The evaluation is cheap on purpose (a small
 * subset, few epochs), as in every NAS study that has to try hundreds of architectures; its
 * accuracy is a noisy, biased proxy for what the architecture reaches when trained fully.
 *
 * @module
 */

import type { Dataset } from "../data/synthetic.ts";
import { adam } from "../optim/optimizers.ts";
import { fit } from "../train/fit.ts";
import { cellModel } from "./cell.ts";
import type { Architecture, CellSpace } from "./space.ts";

/** Options of {@link evaluateArchitecture}. */
export interface EvaluateOptions {
  /** Width of the cell (default 32). */
  width?: number;
  /** Epochs of training (default 3). */
  epochs?: number;
  /** Examples per step (default 64). */
  batchSize?: number;
  /** Adam's learning rate (default 3e-3). */
  lr?: number;
  /** Seed of the initial weights and of the order of examples (default 0). */
  seed?: number;
}

/**
 * What one evaluation measured, in the shape of an objective's result in `lib/search/`
 * (`{ value, cost, curve }`, values minimised), with the accuracy and the time besides.
 */
export interface ArchitectureEvaluation {
  /** Held-out error `1 − accuracy` after the last epoch: the value a search minimises. */
  value: number;
  /** Epochs trained. */
  cost: number;
  /** Held-out error after each epoch: the learning curve. */
  curve: number[];
  /** Held-out accuracy after the last epoch. */
  accuracy: number;
  /** Wall time of the training and measuring, in seconds. */
  seconds: number;
}

/**
 * Trains the network of `arch` on `data.train` with Adam and measures it on `data.val` after
 * the last epoch (not the best epoch: no choice is made on held-out data).
 */
export async function evaluateArchitecture(
  space: CellSpace,
  arch: Architecture,
  data: { train: Dataset; val: Dataset },
  o: EvaluateOptions = {},
): Promise<ArchitectureEvaluation> {
  const { width = 32, epochs = 3, batchSize = 64, lr = 3e-3, seed = 0 } = o;
  const start = performance.now();
  const model = cellModel(space, arch, { inputs: data.train.x.cols, width, seed });
  const { history } = await fit(model, data, {
    optimizer: adam({ lr }),
    epochs,
    batchSize,
    seed,
    restoreBest: false,
  });
  const accuracy = history.at(-1)!.valAcc!;
  return {
    value: 1 - accuracy,
    cost: epochs,
    curve: history.map((h) => 1 - h.valAcc!),
    accuracy,
    seconds: (performance.now() - start) / 1000,
  };
}
