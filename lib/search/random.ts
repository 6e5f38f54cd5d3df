/**
 * Random search: every parameter drawn independently, uniform on its own (log) scale, as
 * Optuna's `RandomSampler`. The honest baseline of every other strategy.
 *
 * @module
 */

import { sample } from "./space.ts";
import type { Sampler } from "./trial.ts";

/** A sampler that ignores the history and draws each configuration afresh. */
export function randomSampler(): Sampler {
  return { name: "random", suggest: (sp, _trials, rng) => sample(sp, rng) };
}
