/**
 * Exercise: the REINFORCE update of a categorical controller with a moving-average baseline.
 *
 * Notebook: notebooks/33_nas.ipynb. Write each function between BEGIN YOUR CODE and END YOUR
 * CODE, then grade them with `deno task grade reinforce` (or run the grading cell at the end of
 * the notebook).
 *
 * The controller chooses one option for each of several decisions (an operation per edge of a
 * cell). Decision d has a row of logits θ_d; its policy is `π_d = softmax(θ_d)`, and an
 * architecture `a` (one option index per decision) has probability `Π_d π_d[a_d]`. After `a`
 * earned a reward R (a validation accuracy), REINFORCE moves θ up the estimated gradient of the
 * expected reward, using the baseline b from before this reward, then updates b.
 *
 * Return new arrays; do not modify the arguments.
 */

/**
 * The policy of one decision: `softmax(logits)`, probabilities summing to 1. It must stay
 * finite for logits in the thousands (`Math.exp(710)` is `Infinity`).
 */
export function policy(logits: readonly number[]): number[] {
  // BEGIN YOUR CODE: policy
  const m = Math.max(...logits);
  const e = logits.map((t) => Math.exp(t - m));
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total);
  // END YOUR CODE
}

/**
 * `∇_θ log π_θ(a)` for choices `a` (one index per decision): one row per decision, shaped like
 * `logits`; row d is the gradient of `log π_d[a_d]` with respect to θ_d.
 */
export function logProbGrad(
  logits: readonly (readonly number[])[],
  choices: readonly number[],
): number[][] {
  // BEGIN YOUR CODE: logProbGrad
  return logits.map((row, d) => policy(row).map((p, k) => (k === choices[d] ? 1 : 0) - p));
  // END YOUR CODE
}

/**
 * One REINFORCE step after `choices` earned `reward`, with `baseline` the moving average from
 * before this reward:
 *
 * - the logits move by `lr · (reward − baseline) · ∇_θ log π_θ(choices)` (rewards are
 *   maximised);
 * - the baseline becomes `baselineDecay · baseline + (1 − baselineDecay) · reward`.
 *
 * Returns `{ logits, baseline }`: the new logits (same shape) and the new baseline.
 */
export function reinforceStep(
  logits: readonly (readonly number[])[],
  choices: readonly number[],
  reward: number,
  baseline: number,
  config: { lr: number; baselineDecay: number },
): { logits: number[][]; baseline: number } {
  // BEGIN YOUR CODE: reinforceStep
  const advantage = reward - baseline;
  const grad = logProbGrad(logits, choices);
  return {
    logits: logits.map((row, d) => row.map((t, k) => t + config.lr * advantage * grad[d][k])),
    baseline: config.baselineDecay * baseline + (1 - config.baselineDecay) * reward,
  };
  // END YOUR CODE
}
