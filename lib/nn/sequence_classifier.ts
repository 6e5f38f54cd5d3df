/**
 * A recurrent classifier: one recurrent layer (RNN, LSTM or GRU, as PyTorch's) followed by a
 * linear read-out applied to the hidden state at every scored step, trained with softmax
 * cross-entropy by backpropagation through time, in full or truncated.
 *
 * Truncated BPTT with chunks of k steps: the forward pass runs over the whole sequence as
 * usual (the state is carried from chunk to chunk, so the loss is the same number), but the
 * backward pass stops at every chunk boundary, as `h.detach()` does between chunks in
 * PyTorch. A loss at step t then teaches only what the steps of its own chunk did, never
 * anything earlier.
 *
 * @module
 */

import { addRow, matmul, matmulNT, matmulTN, Matrix, ShapeError, sumRows } from "../core/matrix.ts";
import { Random } from "../core/random.ts";
import { positiveInteger } from "../core/validate.ts";
import { softmaxCrossEntropy } from "./losses.ts";
import type { CellParams, GruOptions } from "./layers/rnn.ts";
import {
  type CellKind,
  GATES,
  gruBackward,
  type GruCache,
  gruForward,
  lstmBackward,
  type LstmCache,
  lstmForward,
  rnnBackward,
  type RnnCache,
  rnnForward,
  type SequenceGrads,
  type Upstream,
} from "./layers/rnn_sequence.ts";

/** A recurrent layer and its linear read-out. */
export interface SequenceClassifier {
  kind: CellKind;
  cell: CellParams;
  /** The read-out `scores = h·wᵀ + b`: w is classes×hidden, b is 1×classes. */
  head: { w: Matrix; b: Matrix };
  /** For the GRU: where the reset gate acts (see `gruCellForward`). */
  gru: GruOptions;
  /** Every parameter, in the order of the gradients: wIh, wHh, bIh, bHh, head w, head b. */
  params: Matrix[];
}

/** Options of {@link sequenceClassifier}. */
export interface SequenceClassifierOptions {
  inputSize: number;
  hiddenSize: number;
  classes: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
  /** GRU only: `false` for the original paper's reset gate (default true, PyTorch's). */
  resetAfter?: boolean;
}

/**
 * A classifier with PyTorch's default initialisation: every weight and bias of the recurrent
 * layer from U(−1/√H, 1/√H), the read-out as `nn.Linear` (U(−1/√H, 1/√H) for both).
 */
export function sequenceClassifier(
  kind: CellKind,
  o: SequenceClassifierOptions,
): SequenceClassifier {
  const { inputSize: I, hiddenSize: H, classes: C, seed = 0, resetAfter = true } = o;
  const op = "sequenceClassifier";
  if (!(kind in GATES)) {
    throw new RangeError(`${op}: kind must be "rnn", "lstm" or "gru", got ${kind}`);
  }
  positiveInteger(op, "inputSize", I);
  positiveInteger(op, "hiddenSize", H);
  positiveInteger(op, "classes", C);
  const rng = new Random(seed);
  const bound = 1 / Math.sqrt(H);
  const G = GATES[kind] * H;
  const cell = {
    wIh: rng.rand(G, I, -bound, bound),
    wHh: rng.rand(G, H, -bound, bound),
    bIh: rng.rand(1, G, -bound, bound),
    bHh: rng.rand(1, G, -bound, bound),
  };
  const head = { w: rng.rand(C, H, -bound, bound), b: rng.rand(1, C, -bound, bound) };
  return {
    kind,
    cell,
    head,
    gru: { resetAfter },
    params: [cell.wIh, cell.wHh, cell.bIh, cell.bHh, head.w, head.b],
  };
}

type Cache = RnnCache | LstmCache | GruCache;

/** The recurrent layer over `xs` from zero states: every hidden state and the caches. */
function layerForward(
  m: SequenceClassifier,
  xs: readonly Matrix[],
): { hs: Matrix[]; cache: Cache } {
  const B = xs[0]?.rows ?? 0, H = m.cell.wHh.cols;
  const zero = new Matrix(B, H);
  if (m.kind === "lstm") return lstmForward(xs, zero, new Matrix(B, H), m.cell);
  if (m.kind === "gru") return gruForward(xs, zero, m.cell, m.gru);
  return rnnForward(xs, zero, m.cell);
}

/** The layer's backward pass over the steps `[from, to)` of the cache. */
function layerBackward(
  m: SequenceClassifier,
  dhs: Upstream,
  cache: Cache,
  from: number,
  to: number,
): SequenceGrads {
  const steps = cache.steps.slice(from, to);
  const d = dhs.slice(from, to);
  if (m.kind === "lstm") return lstmBackward(d, { steps } as LstmCache);
  if (m.kind === "gru") return gruBackward(d, { steps } as GruCache);
  return rnnBackward(d, { steps } as RnnCache);
}

function checkData(op: string, m: SequenceClassifier, xs: readonly Matrix[], targets: unknown[]) {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ShapeError(`${op}: xs must be a non-empty list of B×I matrices`);
  }
  if (!Array.isArray(targets) || targets.length !== xs.length) {
    throw new ShapeError(`${op}: targets must have one entry per step (${xs.length})`);
  }
  if (xs[0].cols !== m.cell.wIh.cols) {
    throw new ShapeError(
      `${op}: the inputs have ${xs[0].cols} features but the model takes ${m.cell.wIh.cols}`,
    );
  }
}

/** Options of {@link sequenceClassifierLoss}. */
export interface SequenceLossOptions {
  /** Truncated BPTT: stop the backward pass every `truncate` steps (default: never). */
  truncate?: number;
}

/** Loss, gradients and how many scored predictions were right. */
export interface SequenceLossResult {
  /** Mean cross-entropy over every scored (step, sequence) pair. */
  loss: number;
  /** One gradient per entry of `model.params`, same order and shapes. */
  grads: Matrix[];
  /** Scored predictions that were right, and how many were scored. */
  correct: number;
  scored: number;
}

/**
 * The mean softmax cross-entropy of the read-out at every scored step (`targets[t]` defined)
 * and its gradients by backpropagation through time, in full or truncated to chunks of
 * `o.truncate` steps (see the module doc).
 */
export function sequenceClassifierLoss(
  m: SequenceClassifier,
  data: { xs: readonly Matrix[]; targets: readonly (readonly number[] | undefined)[] },
  o: SequenceLossOptions = {},
): SequenceLossResult {
  const op = "sequenceClassifierLoss";
  const { xs, targets } = data;
  checkData(op, m, xs, targets as unknown[]);
  const T = xs.length;
  const k = o.truncate ?? T;
  positiveInteger(op, "truncate", k);
  const { hs, cache } = layerForward(m, xs);
  const scored = targets.reduce((s, y) => s + (y ? y.length : 0), 0);
  if (scored === 0) throw new RangeError(`${op}: no step has targets`);
  let loss = 0, correct = 0;
  const dw = new Matrix(m.head.w.rows, m.head.w.cols);
  const db = new Matrix(1, m.head.w.rows);
  const dhs: (Matrix | undefined)[] = hs.map((h, t) => {
    const y = targets[t];
    if (y === undefined) return undefined;
    const scores = addRow(matmulNT(h, m.head.w), m.head.b);
    const r = softmaxCrossEntropy(scores, y, { reduction: "sum" });
    correct += countCorrect(scores, y);
    loss += r.loss;
    const ds = r.grad.map((g) => g / scored);
    addInto(dw, matmulTN(ds, h));
    addInto(db, sumRows(ds));
    return matmul(ds, m.head.w);
  });
  const grads = [0, 0, 0, 0].map((_, i) => new Matrix(m.params[i].rows, m.params[i].cols));
  for (let from = 0; from < T; from += k) {
    const g = layerBackward(m, dhs, cache, from, Math.min(T, from + k));
    [g.dwIh, g.dwHh, g.dbIh, g.dbHh].forEach((d, i) => addInto(grads[i], d));
  }
  return { loss: loss / scored, grads: [...grads, dw, db], correct, scored };
}

/** The fraction of scored predictions that are right (forward pass only). */
export function sequenceAccuracy(
  m: SequenceClassifier,
  data: { xs: readonly Matrix[]; targets: readonly (readonly number[] | undefined)[] },
): number {
  checkData("sequenceAccuracy", m, data.xs, data.targets as unknown[]);
  const { hs } = layerForward(m, data.xs);
  let correct = 0, scored = 0;
  hs.forEach((h, t) => {
    const y = data.targets[t];
    if (y === undefined) return;
    const scores = addRow(matmulNT(h, m.head.w), m.head.b);
    correct += countCorrect(scores, y);
    scored += y.length;
  });
  return correct / scored;
}

function countCorrect(scores: Matrix, y: readonly number[]): number {
  let c = 0;
  for (let i = 0; i < scores.rows; i++) {
    const row = scores.data.subarray(i * scores.cols, (i + 1) * scores.cols);
    let best = 0;
    for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
    if (best === y[i]) c++;
  }
  return c;
}

function addInto(total: Matrix, d: Matrix): void {
  for (let i = 0; i < total.data.length; i++) total.data[i] += d.data[i];
}
