/**
 * Exercise: inverted dropout, forward and backward, in training and in evaluation.
 *
 * Notebook: notebooks/18_dropout.ipynb. Write `dropoutForward` and `dropoutBackward` between
 * BEGIN YOUR CODE and END YOUR CODE, then grade them with `deno task grade dropout` (or run the
 * grading cell at the end of the notebook).
 *
 * Conventions, as PyTorch's `nn.Dropout(p)`:
 * - `p` is the probability of DROPPING a unit (not of keeping it);
 * - inverted dropout: the rescaling happens in training, so that the expected output equals the
 *   input; evaluation does nothing at all.
 *
 * The checks need your masks to be reproducible: draw the mask from `new Random(seed)` (import
 * below), with exactly one `rng.bernoulli(q)` call per entry of `x`, row by row (entry (0, 0),
 * (0, 1), …, then row 1, …), where `bernoulli(q)` is true with probability q and a true entry is
 * a unit that is KEPT. You may use the Matrix class and the operations of lib/core/matrix.ts
 * (map, mul, …); the point is to write dropout yourself, so do not import the course's layers.
 */

import { Matrix } from "../lib/core/matrix.ts";
import { Random } from "../lib/core/random.ts";

/** Dropout's options: the drop probability, the mode, and the seed of the mask. */
export interface DropoutParam {
  /** Probability of dropping each unit, 0 ≤ p < 1. */
  p: number;
  /** true: draw a mask and rescale; false (evaluation): the identity. */
  training: boolean;
  /** Seed of the mask's random generator (used in training only). */
  seed: number;
}

/**
 * What the backward pass needs; the shape of it is yours to choose (the checks only pass it
 * from your forward pass to your backward pass). A suggestion: the mask (null in evaluation)
 * and the factor kept units were multiplied by.
 */
export interface DropoutCache {
  mask: Matrix | null;
  scale: number;
}

/**
 * Forward pass on a batch `x` (N×D): in training, `out` keeps each unit with the right
 * probability (mask drawn as described above) and rescales the kept ones so that E[out] = x;
 * in evaluation, `out` equals `x`. Do not modify `x`.
 */
export function dropoutForward(
  x: Matrix,
  param: DropoutParam,
): { out: Matrix; cache: DropoutCache } {
  // BEGIN YOUR CODE: dropoutForward
  const { p, training, seed } = param;
  if (!training) return { out: x.clone(), cache: { mask: null, scale: 1 } };
  const rng = new Random(seed);
  const mask = x.map(() => (rng.bernoulli(1 - p) ? 1 : 0)); // keep with probability 1 − p
  const scale = 1 / (1 - p);
  return { out: x.map((v, i, j) => v * mask.get(i, j) * scale), cache: { mask, scale } };
  // END YOUR CODE
}

/** Backward pass: `dx = ∂L/∂x` (N×D) given `dout = ∂L/∂out` and the forward pass's cache. */
export function dropoutBackward(dout: Matrix, cache: DropoutCache): { dx: Matrix } {
  // BEGIN YOUR CODE: dropoutBackward
  const { mask, scale } = cache;
  if (mask === null) return { dx: dout.clone() };
  return { dx: dout.map((g, i, j) => g * mask.get(i, j) * scale) };
  // END YOUR CODE
}

/**
 * Provided, not graded: your forward pass and then your backward pass on its cache. The
 * checks of the backward pass call it; you can too.
 */
export function forwardBackward(
  x: Matrix,
  dout: Matrix,
  param: DropoutParam,
): { out: Matrix; dx: Matrix } {
  const { out, cache } = dropoutForward(x, param);
  return { out, dx: dropoutBackward(dout, cache).dx };
}
