/**
 * Exercise: SGD with momentum, dampening, Nesterov momentum and weight decay, exactly as PyTorch
 * updates them (`torch.optim.SGD`).
 *
 * Notebook: notebooks/09_momentum.ipynb. Write `sgd` between BEGIN YOUR CODE and END YOUR CODE,
 * then grade it with `deno task grade sgd_momentum` (or run the grading cell at the end of the
 * notebook).
 *
 * The shape of an optimiser in the exercises (the same for `sgd` here and `adam`/`adamw` in
 * exercises/adam.ts) is CS231n's `update(w, dw, config) → { w, config }`:
 * - `w` and `dw` are plain arrays of numbers of the same length (the parameters and their
 *   gradient); do not change them, return a new `w`.
 * - `config` holds the hyper-parameters, under PyTorch's names (in camel case) with PyTorch's
 *   defaults, and the state the optimiser keeps between steps, under the names PyTorch gives it
 *   in `optimizer.state` (here `momentumBuffer`). The state is absent on the first call; return
 *   the config to be passed to the next call, with the state updated.
 * - A learning-rate schedule changes `config.lr` between calls, as a PyTorch scheduler changes
 *   `param_group["lr"]`.
 *
 * The checks run your `sgd` for whole trajectories through `runSgd` below (provided, not graded)
 * and compare every step — the parameters and the momentum buffer — with the course library,
 * which matches PyTorch. The library's optimisers are objects (`sgd({ lr }).step(params,
 * grads)`), and `asUpdateRule` turns one into this shape; you may import only lib/core/.
 */

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

import {
  type QuadraticBowl,
  quadraticBowl,
  type RunOptions,
  runRule,
} from "../lib/core/update_rule.ts";

/** SGD's hyper-parameters (PyTorch's names and defaults) and its state. */
export interface SgdConfig {
  /** The learning rate (required). */
  lr: number;
  /** μ; 0 (the default) means plain SGD, with no buffer. */
  momentum?: number;
  /** How much of each new gradient is held back from the buffer (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** L2 penalty coefficient λ: the gradient of (λ/2)·‖w‖² is added to dw (default 0). */
  weightDecay?: number;
  /** State: the momentum buffer, absent until the first step with momentum. */
  momentumBuffer?: number[];
}

/**
 * One step of `torch.optim.SGD` from `w` with gradient `dw`. With `momentum` 0 it is plain
 * gradient descent on the (decayed) gradient; with momentum it keeps `config.momentumBuffer`
 * as PyTorch does — mind what PyTorch does on the very first step, where the buffer starts,
 * and where the learning rate enters.
 */
export function sgd(
  w: readonly number[],
  dw: readonly number[],
  config: SgdConfig,
): { w: number[]; config: SgdConfig } {
  // BEGIN YOUR CODE: sgd
  return todo("sgd");
  // END YOUR CODE
}

/**
 * Provided, not graded: runs your `sgd` from `w0` along the gradient of the quadratic bowl
 * `problem` (see lib/core/update_rule.ts) and returns what every step returned. The checks call
 * it; you can call it too, e.g. `runSgd({ a: [[1, 0], [0, 10]], center: [0, 0] }, [1, 1],
 * { lr: 0.05, momentum: 0.9 }, { steps: 50 })`.
 */
export function runSgd(problem: QuadraticBowl, w0: number[], config: SgdConfig, o: RunOptions) {
  return runRule(sgd, quadraticBowl(problem).grad, w0, config, { ...o, name: "sgd" });
}
