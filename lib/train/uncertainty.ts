/**
 * Monte Carlo dropout (Gal & Ghahramani, 2016): keep dropout on at prediction time, run the
 * network several times with fresh masks, and read the spread of the answers as the model's
 * uncertainty. The mean of the T softmax outputs is the prediction; the entropy of that mean,
 * `H(p̄) = −Σ_c p̄_c·ln p̄_c` (nats), is large where the passes disagree or are each unsure,
 * 0 for a certain answer and `ln C` for a uniform one over C classes.
 *
 * @module
 */

import { Matrix } from "../core/matrix.ts";
import { positiveInteger } from "../core/validate.ts";
import { softmaxForward } from "../nn/layers/softmax.ts";
import type { Model } from "./model.ts";

/** The entropy of each row of `probs` (each row a distribution over classes), in nats. */
export function predictiveEntropy(probs: Matrix): number[] {
  const out: number[] = [];
  for (let i = 0; i < probs.rows; i++) {
    let h = 0;
    for (let j = 0; j < probs.cols; j++) {
      const p = probs.data[i * probs.cols + j];
      if (!(p >= 0 && p <= 1)) {
        throw new RangeError(`predictiveEntropy: row ${i} holds ${p}, not a probability`);
      }
      if (p > 0) h -= p * Math.log(p);
    }
    out.push(h);
  }
  return out;
}

/** Options of {@link mcDropout}. */
export interface McDropoutOptions {
  /** How many forward passes, each with fresh dropout masks (default 32). */
  passes?: number;
}

/**
 * `passes` forward passes of `model` on `x` in "train" mode (so its dropout layers draw new
 * masks every time), each turned into class probabilities by a softmax. Returns every pass,
 * their mean (the MC-dropout prediction) and the entropy of the mean per row. Meant for models
 * whose only difference between modes is dropout: "train" mode would also make batch norm use,
 * and update, batch statistics.
 */
export function mcDropout(
  model: Model,
  x: Matrix,
  o: McDropoutOptions = {},
): { passes: Matrix[]; mean: Matrix; entropy: number[] } {
  const { passes: count = 32 } = o;
  positiveInteger("mcDropout", "passes", count);
  const passes: Matrix[] = [];
  let mean: Matrix | undefined;
  for (let t = 0; t < count; t++) {
    const probs = softmaxForward(model.forward(x, "train").out).out;
    passes.push(probs);
    if (!mean) mean = probs.clone();
    else for (let k = 0; k < probs.data.length; k++) mean.data[k] += probs.data[k];
  }
  mean = mean!.map((v) => v / count);
  return { passes, mean, entropy: predictiveEntropy(mean) };
}
