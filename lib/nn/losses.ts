/**
 * Losses and penalties, all of one shape:
 *
 * ```ts
 * const { loss, grad } = softmaxCrossEntropy(scores, labels, { reduction: "mean" });
 * ```
 *
 * - arguments: the scores (or predictions) first, the targets second (when there are any), then
 *   one options object with PyTorch's names and defaults (`reduction: "mean" | "sum"` where
 *   PyTorch has it, `margin` for every margin);
 * - result: `{ loss, grad }`, the value and `grad = ∂loss/∂scores`, shaped like the scores;
 * - a batch is N×C (one example per row); at a kink the gradient is the one autograd gives; a
 *   hinge term exactly at its margin is inactive (strict `> 0`, as `relu` and
 *   `MultiMarginLoss`);
 * - L2: `l2Penalty(w, { lambda })` is `(λ/2)·‖w‖²` with gradient `λ·w`, so that it adds to the
 *   gradient exactly what an optimiser's `weightDecay = λ` adds.
 *
 * Bad input (an empty batch, a label count that does not match, a label out of range, NaN or
 * ±Infinity in the data, a hyper-parameter out of range) throws an error that starts with the
 * function's name.
 *
 * @module
 */

import { assertFinite, Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { nonNegative } from "../core/validate.ts";

/** What every loss and penalty returns: the value and its gradient with respect to the scores. */
export interface LossResult {
  /** The loss (a mean or a sum over the batch, as `reduction` says). */
  loss: number;
  /** `∂loss/∂scores` (for a penalty, `∂loss/∂w`), shaped like that first argument. */
  grad: Matrix;
}

/** PyTorch's `reduction`: average over the batch (`"mean"`, the default) or add up (`"sum"`). */
export type Reduction = "mean" | "sum";

/** The `reduction` option of the losses that have one. */
export interface ReductionOptions {
  /** `"mean"` (default) or `"sum"` over the batch, as PyTorch's `reduction`. */
  reduction?: Reduction;
}

// ---------------------------------------------------------------- input checks

/** The divisor of a reduction over `n` terms: n for "mean", 1 for "sum". */
function divisor(op: string, reduction: Reduction, n: number): number {
  if (reduction === "mean") return n;
  if (reduction === "sum") return 1;
  throw new RangeError(`${op}: reduction must be "mean" or "sum", got ${reduction}`);
}

function checkBatch(op: string, scores: Matrix, labels: readonly number[]): void {
  if (scores.rows === 0) throw new ShapeError(`${op}: empty batch (scores are ${shapeOf(scores)})`);
  if (scores.cols === 0) throw new ShapeError(`${op}: scores have no classes (${shapeOf(scores)})`);
  if (labels.length !== scores.rows) {
    throw new ShapeError(
      `${op}: ${labels.length} labels for ${scores.rows} rows of scores (${shapeOf(scores)})`,
    );
  }
  labels.forEach((y, i) => {
    if (!Number.isInteger(y) || y < 0 || y >= scores.cols) {
      throw new RangeError(
        `${op}: label ${i} is ${y}, must be an integer class index in [0, ${scores.cols - 1}]`,
      );
    }
  });
  assertFinite(op, scores);
}

// ---------------------------------------------------------------- classification

/**
 * Softmax cross-entropy, as `torch.nn.functional.cross_entropy(scores, labels, reduction=…)`.
 *
 * For a row of scores s and true class y: `L = −log softmax(s)_y = logsumexp(s) − s_y`.
 * Subtracting the row maximum m first, `logsumexp(s) = m + log Σ_j e^{s_j − m}`, keeps every
 * exponent ≤ 0, so logits of 1e4 neither overflow nor lose the answer.
 * Gradient: `∂L/∂s_j = softmax(s)_j − [j = y]`, divided by N for the batch mean.
 */
export function softmaxCrossEntropy(
  scores: Matrix,
  labels: readonly number[],
  o: ReductionOptions = {},
): LossResult {
  const op = "softmaxCrossEntropy";
  checkBatch(op, scores, labels);
  const N = scores.rows, C = scores.cols;
  const div = divisor(op, o.reduction ?? "mean", N);
  const s = scores.data, grad = new Matrix(N, C), g = grad.data;
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const o = i * C; // row i is s[o], …, s[o + C − 1]
    let m = -Infinity;
    for (let j = 0; j < C; j++) m = Math.max(m, s[o + j]);
    let z = 0;
    for (let j = 0; j < C; j++) {
      g[o + j] = Math.exp(s[o + j] - m);
      z += g[o + j];
    }
    loss += m + Math.log(z) - s[o + labels[i]];
    for (let j = 0; j < C; j++) g[o + j] = (g[o + j] / z - (j === labels[i] ? 1 : 0)) / div;
  }
  return { loss: loss / div, grad };
}

/** Options of {@link multiMarginLoss}; the defaults are PyTorch's. */
export interface MultiMarginOptions extends ReductionOptions {
  /** The exponent p ∈ {1, 2} of each hinge term (default 1). */
  p?: 1 | 2;
  /** The margin by which the true class should beat every other (default 1). */
  margin?: number;
}

/**
 * Multi-class hinge loss, `torch.nn.MultiMarginLoss(p, margin, reduction)`: for a row x with
 * true class y, `L = Σ_{j≠y} max(0, margin − x_y + x_j)^p / C`, p ∈ {1, 2}.
 * Note the division by the number of classes C, which the CS231n SVM loss does not have.
 *
 * Gradient of each active term z = margin − x_y + x_j > 0: `p·z^{p−1}/C` to x_j and the same
 * with a minus sign to x_y. A term exactly at the margin (z = 0) is inactive, as in PyTorch,
 * whose kernel tests `z > 0`.
 */
export function multiMarginLoss(
  scores: Matrix,
  labels: readonly number[],
  o: MultiMarginOptions = {},
): LossResult {
  const op = "multiMarginLoss";
  const { p = 1, margin = 1, reduction = "mean" } = o;
  if (p !== 1 && p !== 2) throw new RangeError(`${op}: p must be 1 or 2, got ${p}`);
  nonNegative(op, "margin", margin);
  checkBatch(op, scores, labels);
  const N = scores.rows, C = scores.cols;
  const div = divisor(op, reduction, N);
  const grad = new Matrix(N, C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const y = labels[i], sy = scores.get(i, y);
    for (let j = 0; j < C; j++) {
      if (j === y) continue;
      const z = margin - sy + scores.get(i, j);
      if (z > 0) { // strictly: at z = 0 the term is inactive, as in PyTorch
        loss += (p === 1 ? z : z * z) / C;
        const g = (p === 1 ? 1 : 2 * z) / (C * div);
        grad.data[i * C + j] += g;
        grad.data[i * C + y] -= g;
      }
    }
  }
  return { loss: loss / div, grad };
}

/** Options of {@link pairwiseHinge}. */
export interface MarginOptions extends ReductionOptions {
  /** The margin Δ ≥ 0 (default 1, as PyTorch's hinge losses). */
  margin?: number;
}

/**
 * The max-margin objective of the window-classification notes, over a batch of pairs:
 * `J = mean_i max(0, Δ − s_true[i] + s_corrupt[i])`. `scores` is N×2, one pair per row:
 * column 0 the score s_true of the true window, column 1 the score s_corrupt of the corrupted
 * one (the notes swap the names in the text, erratum 4; with this reading the formula and
 * `∂J/∂s_true = −1` agree). The loss is zero once the true window beats the corrupted one by
 * more than Δ. `torch.nn.MarginRankingLoss(margin)` with x1 = s_true, x2 = s_corrupt, y = 1.
 *
 * Sub-gradient per active pair: −1/N to s_true, +1/N to s_corrupt. A pair exactly at the
 * margin (Δ − s_true + s_corrupt = 0) is inactive, as `relu` and `MultiMarginLoss` (PyTorch's
 * `clamp(min=0)` would pass the gradient there; the library keeps one convention).
 */
export function pairwiseHinge(scores: Matrix, o: MarginOptions = {}): LossResult {
  const op = "pairwiseHinge";
  const { margin = 1, reduction = "mean" } = o;
  nonNegative(op, "margin", margin);
  if (scores.cols !== 2) {
    throw new ShapeError(
      `${op}: scores must be N×2 (s_true, s_corrupt per row), got ${shapeOf(scores)}`,
    );
  }
  if (scores.rows === 0) throw new ShapeError(`${op}: empty batch (no pairs)`);
  assertFinite(op, scores);
  const N = scores.rows, div = divisor(op, reduction, N);
  const grad = new Matrix(N, 2);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const z = margin - scores.data[2 * i] + scores.data[2 * i + 1];
    if (z > 0) { // strictly: a pair exactly at the margin is inactive
      loss += z;
      grad.data[2 * i] = -1 / div;
      grad.data[2 * i + 1] = 1 / div;
    }
  }
  return { loss: loss / div, grad };
}

/**
 * Binary hinge loss (linear SVM) with labels ±1: `L = mean_i max(0, margin − y_i·s_i)`.
 * `scores` is N×1, `labels[i]` is +1 or −1. Sub-gradient `−y_i/N` where `margin − y_i·s_i > 0`;
 * a score exactly at the margin is inactive (strict, as every hinge here).
 */
export function binaryHinge(
  scores: Matrix,
  labels: readonly number[],
  o: MarginOptions = {},
): LossResult {
  const op = "binaryHinge";
  const { margin = 1, reduction = "mean" } = o;
  nonNegative(op, "margin", margin);
  if (scores.cols !== 1) throw new ShapeError(`${op}: scores must be N×1, got ${shapeOf(scores)}`);
  if (labels.length !== scores.rows) {
    throw new ShapeError(`${op}: ${labels.length} labels for ${scores.rows} scores`);
  }
  if (scores.rows === 0) throw new ShapeError(`${op}: empty batch`);
  labels.forEach((y, i) => {
    if (y !== 1 && y !== -1) throw new RangeError(`${op}: label ${i} is ${y}, must be +1 or -1`);
  });
  assertFinite(op, scores);
  const N = scores.rows, div = divisor(op, reduction, N);
  const grad = new Matrix(N, 1);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const z = margin - labels[i] * scores.data[i];
    if (z > 0) { // strictly: a score exactly at the margin is inactive
      loss += z;
      grad.data[i] = -labels[i] / div;
    }
  }
  return { loss: loss / div, grad };
}

// ---------------------------------------------------------------- regression

/**
 * Mean squared error, as `torch.nn.MSELoss(reduction)`: the mean (or sum) of
 * `(scores − targets)²` over every entry (not only over rows). Gradient `2(scores − targets)/n`
 * with n the number of entries (1 for `"sum"`).
 */
export function mse(scores: Matrix, targets: Matrix, o: ReductionOptions = {}): LossResult {
  const op = "mse";
  if (scores.rows !== targets.rows || scores.cols !== targets.cols) {
    throw new ShapeError(
      `${op}: scores are ${shapeOf(scores)} but targets are ${shapeOf(targets)}`,
    );
  }
  if (scores.size === 0) throw new ShapeError(`${op}: empty batch (${shapeOf(scores)})`);
  assertFinite(`${op} (scores)`, scores);
  assertFinite(`${op} (targets)`, targets);
  const n = scores.size, div = divisor(op, o.reduction ?? "mean", n);
  const grad = new Matrix(scores.rows, scores.cols);
  let loss = 0;
  for (let k = 0; k < n; k++) {
    const d = scores.data[k] - targets.data[k];
    loss += d * d;
    grad.data[k] = 2 * d / div;
  }
  return { loss: loss / div, grad };
}

// ---------------------------------------------------------------- penalties

/** Options of {@link l1Penalty} and {@link l2Penalty}. */
export interface PenaltyOptions {
  /** The coefficient λ ≥ 0 (for L2, the same number as an optimiser's `weightDecay`). */
  lambda: number;
}

/**
 * L1 penalty `λ·Σ|w|`. Its sub-gradient is `λ·sign(w)` with sign(0) = 0, as PyTorch's
 * `abs` backward: a weight at exactly 0 gets no push, which is how L1 keeps weights sparse.
 * Apply it to weights only, not to biases.
 */
export function l1Penalty(w: Matrix, o: PenaltyOptions): LossResult {
  const op = "l1Penalty";
  nonNegative(op, "lambda", o.lambda);
  assertFinite(op, w);
  let s = 0;
  for (const v of w.data) s += Math.abs(v);
  return { loss: o.lambda * s, grad: w.map((v) => o.lambda * Math.sign(v)) };
}

/**
 * L2 penalty `(λ/2)·‖w‖²` (half λ times the squared Frobenius norm), gradient `λ·w`: the term
 * an optimiser's `weightDecay = λ` adds to the gradient, so with plain SGD the penalty and the
 * decay give the same steps. Apply it to weights only, not to biases.
 */
export function l2Penalty(w: Matrix, o: PenaltyOptions): LossResult {
  const op = "l2Penalty";
  nonNegative(op, "lambda", o.lambda);
  assertFinite(op, w);
  let s = 0;
  for (const v of w.data) s += v * v;
  return { loss: 0.5 * o.lambda * s, grad: w.map((v) => o.lambda * v) };
}
