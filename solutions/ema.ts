/**
 * Exercise: the exponential moving average and its bias correction.
 *
 * Notebook: notebooks/10_ema_bias_correction.ipynb. Write each function between
 * BEGIN YOUR CODE and END YOUR CODE, then grade it with `deno task grade ema` (or run the
 * grading cell at the end of the notebook). Plain arrays of numbers in, plain arrays out.
 */

/**
 * The raw EMA of `xs`: `v_0 = 0`, `v_t = β·v_{t−1} + (1 − β)·x_t`. Return `[v_1, …, v_n]`
 * (the same length as `xs`; an empty series gives an empty array).
 */
export function ema(xs: readonly number[], beta: number): number[] {
  // BEGIN YOUR CODE: ema
  const out: number[] = [];
  let v = 0;
  for (const x of xs) {
    v = beta * v + (1 - beta) * x;
    out.push(v);
  }
  return out;
  // END YOUR CODE
}

/**
 * The bias-corrected EMA: `v̂_t = v_t / (1 − β^t)`, with t counted from 1 for the first sample.
 */
export function emaDebiased(xs: readonly number[], beta: number): number[] {
  // BEGIN YOUR CODE: emaDebiased
  let v = 0;
  return xs.map((x, i) => {
    v = beta * v + (1 - beta) * x;
    return v / (1 - beta ** (i + 1));
  });
  // END YOUR CODE
}

/**
 * Seed 003 writes the EMA as `S_t = α·X_t + (1 − α)·S_{t−1}` from `S_0 = 0`. Return the number
 * that `S_t` must be divided by to remove the bias at step t, in that convention.
 */
export function alphaCorrection(t: number, alpha: number): number {
  // BEGIN YOUR CODE: alphaCorrection
  return 1 - (1 - alpha) ** t;
  // END YOUR CODE
}

/**
 * Adam's bias-corrected moments for a sequence of gradients of one parameter:
 * `m̂_t` (EMA of g with β1) and `v̂_t` (EMA of g² with β2), both corrected.
 * Return `{ m: [m̂_1, …], v: [v̂_1, …] }`.
 */
export function adamMoments(
  grads: readonly number[],
  beta1: number,
  beta2: number,
): { m: number[]; v: number[] } {
  // BEGIN YOUR CODE: adamMoments
  return { m: emaDebiased(grads, beta1), v: emaDebiased(grads.map((g) => g * g), beta2) };
  // END YOUR CODE
}
