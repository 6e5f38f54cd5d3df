/**
 * The recurrent cells of `rnn.ts` unrolled over a whole sequence: PyTorch's single-layer
 * `nn.RNN` (tanh), `nn.LSTM` and `nn.GRU`, forward, and backward through time (BPTT).
 *
 * A sequence is a list of T matrices `xs[t]` (B×I, time-major as PyTorch's default layout);
 * the layer returns the hidden state after every step, `hs[t]` = h_{t+1} (B×H), PyTorch's
 * `output`; the last one is `h_n`. The same parameters are used at every step.
 *
 * Backward takes `dhs[t] = ∂L/∂hs[t]`, the gradient the loss sends *directly* to each output
 * (`undefined` for a step the loss does not read, e.g. every step but the last in a
 * many-to-one task). Walking from the last step to the first, each step's gradient is its
 * direct share plus what the later steps send back through the recurrence:
 *
 *     δ_T = dhs[T−1],   δ_t = dhs[t−1] + (∂h_{t+1}/∂h_t)ᵀ δ_{t+1},
 *
 * and each parameter's gradient is the sum of its gradients at every step. The results hold
 * every `dh[t] = δ_t = ∂L/∂h_t` (t = 0 … T, `dh[0]` = `dh0`) so the flow can be measured.
 *
 * @module
 */

import { add, Matrix, NonFiniteError, ShapeError, shapeOf } from "../../core/matrix.ts";
import {
  type CellGrads,
  type CellParams,
  gruCellBackward,
  type GruCellCache,
  gruCellForward,
  type GruOptions,
  lstmCellBackward,
  type LstmCellCache,
  lstmCellForward,
  rnnCellBackward,
  type RnnCellCache,
  rnnCellForward,
} from "./rnn.ts";

/** Which cell a recurrent layer unrolls. */
export type CellKind = "rnn" | "lstm" | "gru";

/** The number of stacked gate blocks in a cell's weights: 1, 4 or 3. */
export const GATES: Readonly<Record<CellKind, number>> = { rnn: 1, lstm: 4, gru: 3 };

/** What {@link rnnBackward} needs: every step's cache, first step first. */
export interface RnnCache {
  steps: RnnCellCache[];
}
/** What {@link lstmBackward} needs. */
export interface LstmCache {
  steps: LstmCellCache[];
}
/** What {@link gruBackward} needs. */
export interface GruCache {
  steps: GruCellCache[];
}

/** The gradient the loss sends directly to each output `hs[t]`; `undefined` means none. */
export type Upstream = readonly (Matrix | undefined)[];

/** Gradients of a whole-sequence backward pass. */
export interface SequenceGrads extends CellGrads {
  /** ∂L/∂xs[t] for every step. */
  dxs: Matrix[];
  /** ∂L/∂h0. */
  dh0: Matrix;
  /** ∂L/∂h_t for t = 0 … T: `dh[0]` is `dh0`, `dh[T]` is `dhs[T−1]`. */
  dh: Matrix[];
}

/** Runs `step` for t = 0 … T−1, re-labelling a cell's error with the layer and the step. */
function unroll<R>(op: string, xs: readonly Matrix[], step: (x: Matrix, t: number) => R): R[] {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ShapeError(`${op}: xs must be a non-empty list of B×I matrices, one per step`);
  }
  return xs.map((x, t) => {
    if (!(x instanceof Matrix)) throw new TypeError(`${op}: xs[${t}] is not a Matrix`);
    try {
      return step(x, t);
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(`${op}: at step ${t}, ${e.message}`);
      if (e instanceof NonFiniteError) {
        throw new NonFiniteError(`${op}: at step ${t}, ${e.message}`);
      }
      throw e;
    }
  });
}

/** Checks the upstream list against the forward pass: T entries, each B×H or undefined. */
function checkUpstream(op: string, dhs: Upstream, T: number, like: Matrix): void {
  if (!Array.isArray(dhs) || dhs.length !== T) {
    throw new ShapeError(`${op}: dhs must have one entry per step (${T}), got ${dhs?.length}`);
  }
  dhs.forEach((d, t) => {
    if (d !== undefined && (d.rows !== like.rows || d.cols !== like.cols)) {
      throw new ShapeError(
        `${op}: dhs[${t}] is ${shapeOf(d)} but the outputs are ${shapeOf(like)}`,
      );
    }
  });
}

/** `a + b` where an undefined operand counts as zero. */
function plus(a: Matrix, b: Matrix | undefined): Matrix {
  return b === undefined ? a : add(a, b);
}

/** Adds the parameter gradients of one step into the running totals. */
function accumulate(total: CellGrads | undefined, g: CellGrads): CellGrads {
  if (total === undefined) return { dwIh: g.dwIh, dwHh: g.dwHh, dbIh: g.dbIh, dbHh: g.dbHh };
  return {
    dwIh: add(total.dwIh, g.dwIh),
    dwHh: add(total.dwHh, g.dwHh),
    dbIh: add(total.dbIh, g.dbIh),
    dbHh: add(total.dbHh, g.dbHh),
  };
}

/**
 * Backward through time, shared by the three cells: `step(δ, t)` runs one cell's backward with
 * the total gradient δ reaching that step's output and returns its gradients.
 */
function throughTime(
  dhs: Upstream,
  T: number,
  zero: Matrix,
  step: (delta: Matrix, t: number) => { dx: Matrix; dhPrev: Matrix } & CellGrads,
): SequenceGrads {
  const dxs: Matrix[] = new Array(T);
  const dh: Matrix[] = new Array(T + 1);
  let delta = plus(zero, dhs[T - 1]);
  dh[T] = delta;
  let total: CellGrads | undefined;
  for (let t = T - 1; t >= 0; t--) {
    const g = step(delta, t);
    dxs[t] = g.dx;
    total = accumulate(total, g);
    delta = t > 0 ? plus(g.dhPrev, dhs[t - 1]) : g.dhPrev;
    dh[t] = delta;
  }
  return { ...total!, dxs, dh0: dh[0], dh };
}

// ---------------------------------------------------------------------------------------

/** `nn.RNN` (tanh, one layer): `h_{t+1} = tanh(x_t·W_ihᵀ + b_ih + h_t·W_hhᵀ + b_hh)`. */
export function rnnForward(
  xs: readonly Matrix[],
  h0: Matrix,
  p: CellParams,
): { hs: Matrix[]; cache: RnnCache } {
  let h = h0;
  const steps = unroll("rnnForward", xs, (x) => {
    const r = rnnCellForward(x, h, p);
    h = r.out;
    return r.cache;
  });
  return { hs: steps.map((c) => c.out), cache: { steps } };
}

/** Backpropagation through time for {@link rnnForward}. */
export function rnnBackward(dhs: Upstream, cache: RnnCache): SequenceGrads {
  const { steps } = cache;
  const last = steps[steps.length - 1].out;
  checkUpstream("rnnBackward", dhs, steps.length, last);
  const zero = new Matrix(last.rows, last.cols);
  return throughTime(dhs, steps.length, zero, (delta, t) => rnnCellBackward(delta, steps[t]));
}

/**
 * `nn.LSTM` (one layer) from `(h0, c0)`: returns every hidden state `hs` and every cell state
 * `cs` (`cs[T−1]` is PyTorch's `c_n`).
 */
export function lstmForward(
  xs: readonly Matrix[],
  h0: Matrix,
  c0: Matrix,
  p: CellParams,
): { hs: Matrix[]; cs: Matrix[]; cache: LstmCache } {
  let h = h0, c = c0;
  const cs: Matrix[] = [];
  const steps = unroll("lstmForward", xs, (x) => {
    const r = lstmCellForward(x, h, c, p);
    h = r.out;
    c = r.c;
    cs.push(c);
    return { cache: r.cache, out: r.out };
  });
  return { hs: steps.map((s) => s.out), cs, cache: { steps: steps.map((s) => s.cache) } };
}

/** Options of {@link lstmBackward}. */
export interface LstmBackwardOptions {
  /** ∂L/∂c_n when the loss reads the last cell state (default: it does not). */
  dcN?: Matrix;
}

/**
 * Backpropagation through time for {@link lstmForward}. Besides the hidden-state gradients,
 * `dc[t] = ∂L/∂c_t` (t = 0 … T) and `dc0` = `dc[0]`: the cell state's own path, along which each
 * step multiplies the gradient by the forget gate `f` only.
 */
export function lstmBackward(
  dhs: Upstream,
  cache: LstmCache,
  o: LstmBackwardOptions = {},
): SequenceGrads & { dc0: Matrix; dc: Matrix[] } {
  const { steps } = cache;
  const T = steps.length;
  const like = steps[T - 1].h;
  checkUpstream("lstmBackward", dhs, T, like);
  if (o.dcN !== undefined && (o.dcN.rows !== like.rows || o.dcN.cols !== like.cols)) {
    throw new ShapeError(`lstmBackward: dcN is ${shapeOf(o.dcN)} but c_n is ${shapeOf(like)}`);
  }
  const dc: Matrix[] = new Array(T + 1);
  dc[T] = o.dcN ?? new Matrix(like.rows, like.cols);
  const g = throughTime(dhs, T, new Matrix(like.rows, like.cols), (delta, t) => {
    const r = lstmCellBackward(delta, dc[t + 1], steps[t]);
    dc[t] = r.dcPrev;
    return r;
  });
  return { ...g, dc0: dc[0], dc };
}

/** `nn.GRU` (one layer); `{ resetAfter: false }` unrolls the original paper's cell instead. */
export function gruForward(
  xs: readonly Matrix[],
  h0: Matrix,
  p: CellParams,
  o: GruOptions = {},
): { hs: Matrix[]; cache: GruCache } {
  let h = h0;
  const outs: Matrix[] = [];
  const steps = unroll("gruForward", xs, (x) => {
    const r = gruCellForward(x, h, p, o);
    h = r.out;
    outs.push(h);
    return r.cache;
  });
  return { hs: outs, cache: { steps } };
}

/** Backpropagation through time for {@link gruForward}. */
export function gruBackward(dhs: Upstream, cache: GruCache): SequenceGrads {
  const { steps } = cache;
  const like = steps[steps.length - 1].h;
  checkUpstream("gruBackward", dhs, steps.length, like);
  const zero = new Matrix(like.rows, like.cols);
  return throughTime(dhs, steps.length, zero, (delta, t) => gruCellBackward(delta, steps[t]));
}

// ---------------------------------------------------------------------------------------

/** Options of {@link stateJacobians}. */
export interface StateJacobianOptions extends GruOptions {
  /** The LSTM's initial cell state (default zeros). */
  c0?: Matrix;
}

/**
 * How the last hidden state h_T of one sequence depends on earlier states and inputs:
 * `dh[t] = ∂h_T/∂h_t` (H×H, t = 0 … T, so `dh[T]` is the identity) and `dx[t] = ∂h_T/∂xs[t]`
 * (H×I). Row i of each Jacobian is the gradient of `h_T[i]`: the sequence is copied into a
 * batch of H rows and backpropagated from the H unit vectors at once. For the LSTM, `dh[t]`
 * holds the cell state c_t fixed (the h-to-h block of the state Jacobian); `dx` includes
 * every path. `xs[t]` and `h0` must be single rows (one sequence).
 */
export function stateJacobians(
  kind: CellKind,
  xs: readonly Matrix[],
  h0: Matrix,
  p: CellParams,
  o: StateJacobianOptions = {},
): { dh: Matrix[]; dx: Matrix[] } {
  const op = "stateJacobians";
  if (h0.rows !== 1 || xs.some((x) => x.rows !== 1)) {
    throw new ShapeError(`${op}: h0 and every xs[t] must be one row (one sequence)`);
  }
  const H = h0.cols;
  const copies = (m: Matrix) => {
    const out = new Matrix(H, m.cols);
    for (let i = 0; i < H; i++) out.data.set(m.data, i * m.cols);
    return out;
  };
  const xr = xs.map(copies), hr = copies(h0);
  const dhs: (Matrix | undefined)[] = xs.map(() => undefined);
  dhs[xs.length - 1] = Matrix.identity(H);
  let g: SequenceGrads;
  if (kind === "rnn") g = rnnBackward(dhs, rnnForward(xr, hr, p).cache);
  else if (kind === "gru") g = gruBackward(dhs, gruForward(xr, hr, p, o).cache);
  else if (kind === "lstm") {
    const c0 = copies(o.c0 ?? new Matrix(1, H));
    g = lstmBackward(dhs, lstmForward(xr, hr, c0, p).cache);
  } else throw new RangeError(`${op}: kind must be "rnn", "lstm" or "gru", got ${kind}`);
  return { dh: g.dh, dx: g.dxs };
}
