/**
 * Losses and penalties, each returning its value and the gradient of that value.
 *
 * The conventions are PyTorch's: a batch is N×C (one example per row), `reduction="mean"`,
 * and at a kink the gradient is the one autograd gives (each function says which). Bad input
 * — an empty batch, a label count that does not match, a label out of range, NaN or ±Infinity
 * in the data, a hyper-parameter out of range — throws an error that starts with the
 * function's name.
 *
 * @module
 */

import { assertFinite, Matrix, NonFiniteError, ShapeError, shapeOf } from "../core/matrix.ts";

// ---------------------------------------------------------------- input checks

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

function checkVector(op: string, what: string, v: readonly number[]): void {
  v.forEach((x, i) => {
    if (!Number.isFinite(x)) throw new NonFiniteError(`${op}: ${what}[${i}] is ${x}`);
  });
}

function checkHyper(op: string, name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${op}: ${name} must be a finite non-negative number, got ${value}`);
  }
}

// ---------------------------------------------------------------- classification

/**
 * Softmax cross-entropy, as `torch.nn.functional.cross_entropy` (mean over the batch).
 *
 * For a row of scores s and true class y: `L = −log softmax(s)_y = logsumexp(s) − s_y`.
 * Subtracting the row maximum m first, `logsumexp(s) = m + log Σ_j e^{s_j − m}`, keeps every
 * exponent ≤ 0, so logits of 1e4 neither overflow nor lose the answer.
 * Gradient: `∂L/∂s_j = softmax(s)_j − [j = y]`, divided by N for the batch mean.
 */
export function softmaxCrossEntropy(
  scores: Matrix,
  labels: readonly number[],
): { loss: number; dscores: Matrix } {
  const op = "softmaxCrossEntropy";
  checkBatch(op, scores, labels);
  const N = scores.rows, C = scores.cols;
  const dscores = new Matrix(N, C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const row = scores.data.subarray(i * C, (i + 1) * C);
    let m = -Infinity;
    for (const s of row) m = Math.max(m, s);
    let z = 0;
    for (const s of row) z += Math.exp(s - m);
    loss += m + Math.log(z) - row[labels[i]];
    for (let j = 0; j < C; j++) {
      dscores.data[i * C + j] = (Math.exp(row[j] - m) / z - (j === labels[i] ? 1 : 0)) / N;
    }
  }
  return { loss: loss / N, dscores };
}

/**
 * Multi-class hinge loss with PyTorch's `MultiMarginLoss` semantics (mean over the batch):
 * for a row x with true class y, `L = Σ_{j≠y} max(0, margin − x_y + x_j)^p / C`, p ∈ {1, 2}.
 * Note the division by the number of classes C, which the CS231n SVM loss does not have.
 *
 * Gradient of each active term z = margin − x_y + x_j > 0: `p·z^{p−1}/C` to x_j and the same
 * with a minus sign to x_y. A term exactly at the margin (z = 0) contributes nothing, as in
 * PyTorch, whose kernel tests `z > 0`.
 */
export function multiMarginLoss(
  scores: Matrix,
  labels: readonly number[],
  margin = 1,
  p: 1 | 2 = 1,
): { loss: number; dscores: Matrix } {
  const op = "multiMarginLoss";
  if (p !== 1 && p !== 2) throw new RangeError(`${op}: p must be 1 or 2, got ${p}`);
  checkHyper(op, "margin", margin);
  checkBatch(op, scores, labels);
  const N = scores.rows, C = scores.cols;
  const dscores = new Matrix(N, C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const y = labels[i], sy = scores.get(i, y);
    for (let j = 0; j < C; j++) {
      if (j === y) continue;
      const z = margin - sy + scores.get(i, j);
      if (z > 0) { // strictly: at z = 0 the gradient is 0, as in PyTorch
        loss += (p === 1 ? z : z * z) / C;
        const g = (p === 1 ? 1 : 2 * z) / (C * N);
        dscores.data[i * C + j] += g;
        dscores.data[i * C + y] -= g;
      }
    }
  }
  return { loss: loss / N, dscores };
}

/**
 * The max-margin objective of the window-classification notes, batch mean:
 * `J = mean_i max(0, Δ − s_true[i] + s_corrupt[i])`, where s_true is the score of the true
 * window and s_corrupt the score of the corrupted one (the notes swap the names in the text,
 * erratum 4; with this reading the formula and `∂J/∂s_true = −1` agree). The loss is zero once
 * the true window beats the corrupted one by at least Δ.
 *
 * Sub-gradient per active pair: −1/N to s_true, +1/N to s_corrupt. Exactly on the kink
 * (Δ − s_true + s_corrupt = 0) the pair counts as active, as PyTorch's autograd gives for
 * `clamp(Δ − s_true + s_corrupt, min=0)` and for `F.margin_ranking_loss` (its `clamp_min`
 * passes the gradient where the input is ≥ 0). `torch.relu` would give 0 there instead.
 */
export function pairwiseHinge(
  sTrue: readonly number[],
  sCorrupt: readonly number[],
  delta = 1,
): { loss: number; dsTrue: number[]; dsCorrupt: number[] } {
  const op = "pairwiseHinge";
  checkHyper(op, "delta", delta);
  if (sTrue.length !== sCorrupt.length) {
    throw new ShapeError(
      `${op}: ${sTrue.length} true scores but ${sCorrupt.length} corrupt scores`,
    );
  }
  if (sTrue.length === 0) throw new ShapeError(`${op}: empty batch`);
  checkVector(op, "sTrue", sTrue);
  checkVector(op, "sCorrupt", sCorrupt);
  const N = sTrue.length;
  const dsTrue = new Array<number>(N).fill(0), dsCorrupt = new Array<number>(N).fill(0);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const z = delta - sTrue[i] + sCorrupt[i];
    if (z >= 0) { // at z = 0 the gradient passes, as torch.clamp(min=0) gives
      loss += z;
      dsTrue[i] = -1 / N;
      dsCorrupt[i] = 1 / N;
    }
  }
  return { loss: loss / N, dsTrue, dsCorrupt };
}

/**
 * Binary hinge loss (linear SVM) with labels ±1: `L = mean_i max(0, 1 − y_i·s_i)`.
 * Sub-gradient `−y_i/N` where `1 − y_i·s_i ≥ 0`; on the margin the term counts as active,
 * matching autograd of `clamp(1 − y·s, min=0).mean()` in PyTorch.
 */
export function binaryHinge(
  scores: readonly number[],
  labels: readonly number[],
): { loss: number; dscores: number[] } {
  const op = "binaryHinge";
  if (labels.length !== scores.length) {
    throw new ShapeError(`${op}: ${labels.length} labels for ${scores.length} scores`);
  }
  if (scores.length === 0) throw new ShapeError(`${op}: empty batch`);
  labels.forEach((y, i) => {
    if (y !== 1 && y !== -1) throw new RangeError(`${op}: label ${i} is ${y}, must be +1 or -1`);
  });
  checkVector(op, "scores", scores);
  const N = scores.length;
  const dscores = new Array<number>(N).fill(0);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const z = 1 - labels[i] * scores[i];
    if (z >= 0) { // on the margin the gradient passes, as torch.clamp(min=0) gives
      loss += z;
      dscores[i] = -labels[i] / N;
    }
  }
  return { loss: loss / N, dscores };
}

// ---------------------------------------------------------------- regression

/**
 * Mean squared error, as `torch.nn.MSELoss()`: the mean of `(pred − target)²` over every
 * entry (not only over rows). Gradient `2(pred − target)/n` with n the number of entries.
 */
export function mse(pred: Matrix, target: Matrix): { loss: number; dpred: Matrix } {
  const op = "mse";
  if (pred.rows !== target.rows || pred.cols !== target.cols) {
    throw new ShapeError(`${op}: pred is ${shapeOf(pred)} but target is ${shapeOf(target)}`);
  }
  if (pred.size === 0) throw new ShapeError(`${op}: empty batch (${shapeOf(pred)})`);
  assertFinite(`${op} (pred)`, pred);
  assertFinite(`${op} (target)`, target);
  const n = pred.size;
  const dpred = new Matrix(pred.rows, pred.cols);
  let loss = 0;
  for (let k = 0; k < n; k++) {
    const d = pred.data[k] - target.data[k];
    loss += d * d;
    dpred.data[k] = 2 * d / n;
  }
  return { loss: loss / n, dpred };
}

// ---------------------------------------------------------------- penalties

/**
 * L1 penalty `λ·Σ|w|`. Its sub-gradient is `λ·sign(w)` with sign(0) = 0, as PyTorch's
 * `abs` backward: a weight at exactly 0 gets no push, which is how L1 keeps weights sparse.
 * Apply it to weights only, not to biases.
 */
export function l1Penalty(w: Matrix, lambda: number): { loss: number; dw: Matrix } {
  const op = "l1Penalty";
  checkHyper(op, "lambda", lambda);
  assertFinite(op, w);
  let s = 0;
  for (const v of w.data) s += Math.abs(v);
  return { loss: lambda * s, dw: w.map((v) => lambda * Math.sign(v)) };
}

/**
 * L2 penalty `λ·Σw²` (λ times the squared Frobenius norm; no ½ in front), gradient `2λw`.
 * With plain SGD this is the same as weight decay with coefficient 2λ.
 */
export function l2Penalty(w: Matrix, lambda: number): { loss: number; dw: Matrix } {
  const op = "l2Penalty";
  checkHyper(op, "lambda", lambda);
  assertFinite(op, w);
  let s = 0;
  for (const v of w.data) s += v * v;
  return { loss: lambda * s, dw: w.map((v) => 2 * lambda * v) };
}
