/**
 * The proximal step of the L1 penalty: soft-thresholding.
 *
 * A sub-gradient step on `λ·Σ|w|` moves every weight by `lr·λ` towards 0 and past it, so weights
 * oscillate around 0 and almost never land on it. The proximal step instead minimises
 * `λ·|w| + (w − v)²/(2·lr)` for each coordinate after the loss step `v = w − lr·g`, which is
 * `sign(v)·max(|v| − lr·λ, 0)`: a weight within `lr·λ` of zero becomes exactly zero, and no weight
 * changes sign. PyTorch names it `torch.nn.functional.softshrink(v, lambd = lr·λ)`.
 *
 * @module
 */

import { assertFinite, Matrix } from "../core/matrix.ts";
import { nonNegative } from "../core/validate.ts";

/** `sign(x)·max(|x| − threshold, 0)` elementwise (PyTorch's `softshrink` with `lambd = threshold`). */
export function softThreshold(x: Matrix, threshold: number): Matrix {
  nonNegative("softThreshold", "threshold", threshold);
  assertFinite("softThreshold", x);
  return x.map((v) => (v > threshold ? v - threshold : v < -threshold ? v + threshold : 0));
}

/** Options of {@link proxL1}. */
export interface ProxL1Options {
  /** The L1 coefficient λ ≥ 0 of `λ·Σ|w|`. */
  lambda: number;
  /** The learning rate of the loss step just taken. */
  lr: number;
}

/**
 * The proximal L1 step, in place on each of `weights` (after the optimiser's step on the loss
 * alone): `w ← softThreshold(w, lr·λ)`. Pass weights only, not biases.
 */
export function proxL1(weights: readonly Matrix[], o: ProxL1Options): void {
  nonNegative("proxL1", "lambda", o.lambda);
  nonNegative("proxL1", "lr", o.lr);
  for (const w of weights) w.data.set(softThreshold(w, o.lr * o.lambda).data);
}
