/**
 * Exercise: Adam and AdamW with bias correction, and AMSGrad's maximum, exactly as PyTorch
 * updates them (`torch.optim.Adam`, `torch.optim.AdamW`, `amsgrad=True`).
 *
 * Notebook: notebooks/11_adaptive_methods.ipynb (EMAs and their bias correction:
 * notebooks/10_ema_bias_correction.ipynb). Write `adam` and `adamw` between BEGIN YOUR CODE and
 * END YOUR CODE, then grade them with `deno task grade adam`.
 *
 * The shape of an optimiser in the exercises (the same as `sgd` in exercises/sgd_momentum.ts)
 * is CS231n's `update(w, dw, config) → { w, config }`:
 * - `w` and `dw` are plain arrays of numbers of the same length (the parameters and their
 *   gradient); do not change them, return a new `w`.
 * - `config` holds the hyper-parameters, under PyTorch's names (in camel case) with PyTorch's
 *   defaults, and the state the optimiser keeps between steps, under the names PyTorch gives it
 *   in `optimizer.state` (`step`, `expAvg`, `expAvgSq`, `maxExpAvgSq`). The state is absent on
 *   the first call; return the config to be passed to the next call, with the state updated.
 * - A learning-rate schedule changes `config.lr` between calls, as a PyTorch scheduler changes
 *   `param_group["lr"]`.
 *
 * The checks run your functions for whole trajectories through `runAdam` and `runAdamW` below
 * (provided, not graded) and compare every step — the step count, both moments, AMSGrad's
 * maximum and the parameters — with the course library, which matches PyTorch. You may import
 * only lib/core/.
 */

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

import {
  type QuadraticBowl,
  quadraticBowl,
  type RunOptions,
  runRule,
} from "../lib/core/update_rule.ts";

/** The hyper-parameters of Adam and AdamW (PyTorch's names and defaults) and their state. */
export interface AdamConfig {
  /** Default 1e-3. */
  lr?: number;
  /** (β₁, β₂), the decay rates of the two moments; default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the denominator; default 1e-8. */
  eps?: number;
  /** Adam: L2 penalty λ (default 0). AdamW: decoupled weight decay λ (default 1e-2). */
  weightDecay?: number;
  /** Use the largest second moment seen so far (AMSGrad); default false. */
  amsgrad?: boolean;
  /** State: the number of steps taken, counting this one. */
  step?: number;
  /** State: m, the running average of the gradient. */
  expAvg?: number[];
  /** State: v, the running average of the squared gradient. */
  expAvgSq?: number[];
  /** State (AMSGrad only): the running maximum PyTorch keeps. */
  maxExpAvgSq?: number[];
}

/** What `adam` and `adamw` return. */
export interface AdamResult {
  w: number[];
  config: AdamConfig;
}

/**
 * One step of `torch.optim.Adam`: running averages of the gradient and of its square, each
 * corrected for starting at zero, and a step of length about `lr` per coordinate. With
 * `weightDecay` the L2 term is part of the gradient; with `amsgrad` the denominator never
 * shrinks (keep the maximum PyTorch keeps).
 */
export function adam(w: readonly number[], dw: readonly number[], config: AdamConfig): AdamResult {
  // BEGIN YOUR CODE: adam
  return todo("adam");
  // END YOUR CODE
}

/**
 * One step of `torch.optim.AdamW`: Adam on the raw gradient, with the weight decay applied to
 * the weights directly (decoupled from the gradient) before the step; default `weightDecay`
 * 1e-2.
 */
export function adamw(
  w: readonly number[],
  dw: readonly number[],
  config: AdamConfig,
): AdamResult {
  // BEGIN YOUR CODE: adamw
  return todo("adamw");
  // END YOUR CODE
}

/** Provided, not graded: runs your `adam` from `w0` along the gradient of `problem`. */
export function runAdam(problem: QuadraticBowl, w0: number[], config: AdamConfig, o: RunOptions) {
  return runRule(adam, quadraticBowl(problem).grad, w0, config, { ...o, name: "adam" });
}

/** Provided, not graded: runs your `adamw` from `w0` along the gradient of `problem`. */
export function runAdamW(problem: QuadraticBowl, w0: number[], config: AdamConfig, o: RunOptions) {
  return runRule(adamw, quadraticBowl(problem).grad, w0, config, { ...o, name: "adamw" });
}
