/**
 * One time step of the three classic recurrent cells — vanilla RNN, LSTM and GRU — with the
 * exact equations, parameter layout and gate order of PyTorch's `RNNCell`, `LSTMCell` and
 * `GRUCell`, so weights copied from PyTorch give the same numbers.
 *
 * Shapes (B = batch, I = input size, H = hidden size, G = number of gate blocks: 1 for the
 * RNN, 4 for the LSTM, 3 for the GRU):
 * - input `x`: B×I, previous hidden state `h`: B×H (and cell state `c`: B×H for the LSTM);
 * - `wIh`: (G·H)×I and `wHh`: (G·H)×H, the gate blocks stacked row-wise;
 * - `bIh`, `bHh`: 1×(G·H) rows. PyTorch keeps two biases; only their sum matters for the
 *   output, but each gets (the same) gradient.
 *
 * A sequence is processed by calling the cell once per step, feeding `out` back in as `h`;
 * backpropagation through time calls the backward functions in reverse order and adds up
 * the weight gradients of all steps.
 *
 * @module
 */

import {
  add,
  assertFinite,
  matmul,
  matmulNT,
  matmulTN,
  Matrix,
  mul,
  ShapeError,
  shapeOf,
  sumRows,
} from "../../core/matrix.ts";
import { sigmoid, tanh } from "../activations.ts";

/** Weights and biases of a cell, laid out as PyTorch's `weight_ih`, `weight_hh`, ... */
export interface CellParams {
  wIh: Matrix;
  wHh: Matrix;
  bIh: Matrix;
  bHh: Matrix;
}

/** Gradients of a cell's parameters, same shapes as {@link CellParams}. */
export interface CellGrads {
  dwIh: Matrix;
  dwHh: Matrix;
  dbIh: Matrix;
  dbHh: Matrix;
}

/** Shape and finiteness checks shared by the three cells; returns the hidden size H. */
function checkCell(
  op: string,
  gates: number,
  x: Matrix,
  h: Matrix,
  p: CellParams,
  c?: Matrix,
): number {
  const H = h.cols;
  const GH = gates * H;
  if (x.rows === 0) throw new ShapeError(`${op}: empty batch (x is ${shapeOf(x)})`);
  if (h.rows !== x.rows) {
    throw new ShapeError(`${op}: x ${shapeOf(x)} and h ${shapeOf(h)} have different batch sizes`);
  }
  if (c !== undefined && (c.rows !== h.rows || c.cols !== H)) {
    throw new ShapeError(
      `${op}: cell state c ${shapeOf(c)} must have the shape of h ${shapeOf(h)}`,
    );
  }
  if (p.wIh.rows !== GH || p.wIh.cols !== x.cols) {
    throw new ShapeError(
      `${op}: wIh must be ${GH}×${x.cols} for x ${shapeOf(x)} and h ${shapeOf(h)}, got ${
        shapeOf(p.wIh)
      }`,
    );
  }
  if (p.wHh.rows !== GH || p.wHh.cols !== H) {
    throw new ShapeError(
      `${op}: wHh must be ${GH}×${H} for h ${shapeOf(h)}, got ${shapeOf(p.wHh)}`,
    );
  }
  for (const [name, b] of [["bIh", p.bIh], ["bHh", p.bHh]] as const) {
    if (b.rows !== 1 || b.cols !== GH) {
      throw new ShapeError(`${op}: ${name} must be 1×${GH}, got ${shapeOf(b)}`);
    }
  }
  for (const m of [x, h, p.wIh, p.wHh, p.bIh, p.bHh]) assertFinite(op, m);
  if (c !== undefined) assertFinite(op, c);
  return H;
}

/** `x·Wᵀ + b` for a B×in batch, an (G·H)×in weight and a 1×(G·H) bias. */
function affine1(x: Matrix, w: Matrix, b: Matrix): Matrix {
  const out = matmulNT(x, w);
  for (let i = 0, k = 0; i < out.rows; i++) {
    for (let j = 0; j < out.cols; j++, k++) out.data[k] += b.data[j];
  }
  return out;
}

/** The two affine parts every cell starts with: `x·W_ihᵀ + b_ih` and `h·W_hhᵀ + b_hh`. */
function affine(x: Matrix, h: Matrix, p: CellParams): { gi: Matrix; gh: Matrix } {
  return { gi: affine1(x, p.wIh, p.bIh), gh: affine1(h, p.wHh, p.bHh) };
}

/**
 * Back through the two affine parts, given the gradients `dgi`, `dgh` of their outputs:
 * `dx = dgi·W_ih`, `dW_ih = dgiᵀ·x`, `db_ih = Σ_batch dgi` (and the same for the h side).
 */
function affineBackward(
  dgi: Matrix,
  dgh: Matrix,
  x: Matrix,
  h: Matrix,
  p: CellParams,
): { dx: Matrix; dhPrev: Matrix } & CellGrads {
  const dbIh = sumRows(dgi);
  return {
    dx: matmul(dgi, p.wIh),
    dhPrev: matmul(dgh, p.wHh),
    dwIh: matmulTN(dgi, x),
    dwHh: matmulTN(dgh, h),
    dbIh,
    dbHh: dgh === dgi ? dbIh.clone() : sumRows(dgh),
  };
}

const sig = sigmoid.f;

// ---------------------------------------------------------------------------------------
// Vanilla RNN

/** What {@link rnnCellBackward} needs. */
export interface RnnCellCache {
  x: Matrix;
  h: Matrix;
  p: CellParams;
  out: Matrix;
}

/** RNN step (PyTorch `RNNCell`, tanh): `h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)`. */
export function rnnCellForward(
  x: Matrix,
  h: Matrix,
  p: CellParams,
): { out: Matrix; cache: RnnCellCache } {
  checkCell("rnnCellForward", 1, x, h, p);
  const { gi: out, gh } = affine(x, h, p);
  for (let k = 0; k < out.data.length; k++) out.data[k] = tanh.f(out.data[k] + gh.data[k]);
  return { out, cache: { x, h, p, out } };
}

/** RNN step backward: with `tanh' = 1 − tanh²`, `da = dout ⊙ (1 − h'²)` flows to both sides. */
export function rnnCellBackward(
  dout: Matrix,
  cache: RnnCellCache,
): { dx: Matrix; dhPrev: Matrix } & CellGrads {
  const { x, h, p, out } = cache;
  checkUpstream("rnnCellBackward", "dout", dout, out);
  const da = new Matrix(out.rows, out.cols);
  for (let k = 0; k < da.data.length; k++) {
    da.data[k] = dout.data[k] * (1 - out.data[k] * out.data[k]);
  }
  return affineBackward(da, da, x, h, p);
}

// ---------------------------------------------------------------------------------------
// LSTM

/** What {@link lstmCellBackward} needs. */
export interface LstmCellCache {
  x: Matrix;
  h: Matrix;
  c: Matrix;
  p: CellParams;
  i: Matrix;
  f: Matrix;
  g: Matrix;
  o: Matrix;
  tanhC: Matrix;
}

/**
 * LSTM step (PyTorch `LSTMCell`). The pre-activations `a = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh`
 * (B×4H) split, in this order, into input gate `i = σ(a₀)`, forget gate `f = σ(a₁)`,
 * candidate `g = tanh(a₂)` and output gate `o = σ(a₃)`. Then
 * `c' = f ⊙ c + i ⊙ g` and `h' = o ⊙ tanh(c')`. Returns `out = h'` and `c = c'`.
 */
export function lstmCellForward(
  x: Matrix,
  h: Matrix,
  c: Matrix,
  p: CellParams,
): { out: Matrix; c: Matrix; cache: LstmCellCache } {
  const H = checkCell("lstmCellForward", 4, x, h, p, c);
  const { gi: a, gh } = affine(x, h, p);
  const B = x.rows;
  const [i, f, g, o, cNext, tanhC, out] = Array.from({ length: 7 }, () => new Matrix(B, H));
  for (let n = 0, k = 0; n < B; n++) {
    const row = n * 4 * H;
    for (let j = 0; j < H; j++, k++) {
      const at = (gate: number) => a.data[row + gate * H + j] + gh.data[row + gate * H + j];
      i.data[k] = sig(at(0));
      f.data[k] = sig(at(1));
      g.data[k] = tanh.f(at(2));
      o.data[k] = sig(at(3));
      cNext.data[k] = f.data[k] * c.data[k] + i.data[k] * g.data[k];
      tanhC.data[k] = tanh.f(cNext.data[k]);
      out.data[k] = o.data[k] * tanhC.data[k];
    }
  }
  return { out, c: cNext, cache: { x, h, c, p, i, f, g, o, tanhC } };
}

/**
 * LSTM step backward, given `dout = ∂L/∂h'` and `dc = ∂L/∂c'` (zeros at the last step if
 * the loss does not read the cell state). The cell state collects
 * `dc' = dc + dout ⊙ o ⊙ (1 − tanh²c')`; then `do = dout ⊙ tanh c'`, `di = dc'⊙g`,
 * `df = dc'⊙c`, `dg = dc'⊙i`, `dc_prev = dc'⊙f`, and each gate's derivative
 * (`σ' = σ(1−σ)`, `tanh' = 1 − tanh²`) turns these into the pre-activation gradients.
 */
export function lstmCellBackward(
  dout: Matrix,
  dc: Matrix,
  cache: LstmCellCache,
): { dx: Matrix; dhPrev: Matrix; dcPrev: Matrix } & CellGrads {
  const { x, h, c, p, i, f, g, o, tanhC } = cache;
  checkUpstream("lstmCellBackward", "dout", dout, h);
  checkUpstream("lstmCellBackward", "dc", dc, c);
  const B = h.rows, H = h.cols;
  const da = new Matrix(B, 4 * H), dcPrev = new Matrix(B, H);
  for (let n = 0, k = 0; n < B; n++) {
    const row = n * 4 * H;
    for (let j = 0; j < H; j++, k++) {
      const [ik, fk, gk, ok, tk] = [i.data[k], f.data[k], g.data[k], o.data[k], tanhC.data[k]];
      const dcTotal = dc.data[k] + dout.data[k] * ok * (1 - tk * tk);
      da.data[row + j] = dcTotal * gk * ik * (1 - ik);
      da.data[row + H + j] = dcTotal * c.data[k] * fk * (1 - fk);
      da.data[row + 2 * H + j] = dcTotal * ik * (1 - gk * gk);
      da.data[row + 3 * H + j] = dout.data[k] * tk * ok * (1 - ok);
      dcPrev.data[k] = dcTotal * fk;
    }
  }
  return { ...affineBackward(da, da, x, h, p), dcPrev };
}

// ---------------------------------------------------------------------------------------
// GRU

/** What {@link gruCellBackward} needs. */
export interface GruCellCache {
  x: Matrix;
  h: Matrix;
  p: CellParams;
  r: Matrix;
  z: Matrix;
  n: Matrix;
  /** `W_hn·h + b_hn` (reset after) or `W_hn·(r ⊙ h) + b_hn` (reset before). */
  hn: Matrix;
  resetAfter: boolean;
}

/** Options of {@link gruCellForward}. */
export interface GruOptions {
  /**
   * Where the reset gate acts (Keras's name for the choice). `true` (default, PyTorch's and
   * cuDNN's only form): on the product, `n = tanh(gi_n + r ⊙ (W_hn·h + b_hn))`. `false` (the
   * original paper, Cho et al. 2014): on the state before the product,
   * `n = tanh(gi_n + W_hn·(r ⊙ h) + b_hn)`.
   */
  resetAfter?: boolean;
}

/**
 * GRU step (PyTorch `GRUCell`). With `gi = x·W_ihᵀ + b_ih` and `gh = h·W_hhᵀ + b_hh`, each
 * B×3H and split in the order reset, update, new:
 * `r = σ(gi_r + gh_r)`, `z = σ(gi_z + gh_z)`, `n = tanh(gi_n + r ⊙ gh_n)`,
 * `h' = (1 − z) ⊙ n + z ⊙ h`. Note the reset gate multiplies `W_hn·h + b_hn` *including its
 * bias* — PyTorch's (and cuDNN's) variant, not the original paper's `W_hn·(r ⊙ h) + b_hn`,
 * which `{ resetAfter: false }` computes instead.
 */
export function gruCellForward(
  x: Matrix,
  h: Matrix,
  p: CellParams,
  o: GruOptions = {},
): { out: Matrix; cache: GruCellCache } {
  const { resetAfter = true } = o;
  const H = checkCell("gruCellForward", 3, x, h, p);
  const { gi, gh } = affine(x, h, p);
  const B = x.rows;
  const [r, z, n, out] = Array.from({ length: 4 }, () => new Matrix(B, H));
  for (let b = 0, k = 0; b < B; b++) {
    for (let j = 0; j < H; j++, k++) {
      const row = b * 3 * H + j;
      r.data[k] = sig(gi.data[row] + gh.data[row]);
      z.data[k] = sig(gi.data[row + H] + gh.data[row + H]);
    }
  }
  // W_hn·h + b_hn (reset after), or W_hn·(r ⊙ h) + b_hn (reset before)
  const hn = resetAfter
    ? block(gh, 2, H)
    : affine1(mul(r, h), rowBlock(p.wHh, 2, H), block(p.bHh, 2, H));
  for (let b = 0, k = 0; b < B; b++) {
    for (let j = 0; j < H; j++, k++) {
      const reset = resetAfter ? r.data[k] * hn.data[k] : hn.data[k];
      n.data[k] = tanh.f(gi.data[b * 3 * H + 2 * H + j] + reset);
      out.data[k] = (1 - z.data[k]) * n.data[k] + z.data[k] * h.data[k];
    }
  }
  return { out, cache: { x, h, p, r, z, n, hn, resetAfter } };
}

/**
 * GRU step backward: `dn = dout ⊙ (1−z)`, `dz = dout ⊙ (h − n)`, and `h` also gets
 * `dout ⊙ z` directly. Through the tanh, `dan = dn ⊙ (1 − n²)` reaches `gi_n` as is. Reset
 * after (PyTorch): `gh_n` gets `dan ⊙ r` and the reset gate `dr = dan ⊙ gh_n`. Reset before:
 * `W_hn` sees the input `r ⊙ h`, so `d(r ⊙ h) = dan·W_hn` splits into `dr = d(r⊙h) ⊙ h` and a
 * share `d(r⊙h) ⊙ r` for `h`. The r and z pre-activations feed both affine parts equally.
 */
export function gruCellBackward(
  dout: Matrix,
  cache: GruCellCache,
): { dx: Matrix; dhPrev: Matrix } & CellGrads {
  const { x, h, p, r, z, n, hn, resetAfter } = cache;
  checkUpstream("gruCellBackward", "dout", dout, h);
  const B = h.rows, H = h.cols;
  const dan = new Matrix(B, H);
  const dgi = new Matrix(B, 3 * H), dgh = new Matrix(B, 3 * H);
  for (let k = 0; k < B * H; k++) {
    const nk = n.data[k], zk = z.data[k];
    dan.data[k] = dout.data[k] * (1 - zk) * (1 - nk * nk);
  }
  // reset before: ∂L/∂(r ⊙ h) = dan·W_hn
  const drh = resetAfter ? undefined : matmul(dan, rowBlock(p.wHh, 2, H));
  for (let b = 0, k = 0; b < B; b++) {
    for (let j = 0; j < H; j++, k++) {
      const row = b * 3 * H + j, rk = r.data[k], zk = z.data[k];
      const dr = resetAfter ? dan.data[k] * hn.data[k] : drh!.data[k] * h.data[k];
      const dar = dr * rk * (1 - rk);
      const daz = dout.data[k] * (h.data[k] - n.data[k]) * zk * (1 - zk);
      dgi.data[row] = dgh.data[row] = dar;
      dgi.data[row + H] = dgh.data[row + H] = daz;
      dgi.data[row + 2 * H] = dan.data[k];
      // reset after: gh_n is multiplied by r; reset before: W_hn acts on r ⊙ h (added below)
      dgh.data[row + 2 * H] = resetAfter ? dan.data[k] * rk : 0;
    }
  }
  const grads = affineBackward(dgi, dgh, x, h, p);
  const direct = mul(dout, z);
  if (resetAfter) return { ...grads, dhPrev: add(grads.dhPrev, direct) };
  const rh = mul(r, h);
  const dwHn = matmulTN(dan, rh);
  grads.dwHh.data.set(dwHn.data, 2 * H * H);
  grads.dbHh.data.set(sumRows(dan).data, 2 * H);
  return { ...grads, dhPrev: add(add(grads.dhPrev, mul(drh!, r)), direct) };
}

/** Columns `[index·H, (index+1)·H)` of `m`: one gate's block of stacked pre-activations. */
function block(m: Matrix, index: number, H: number): Matrix {
  const out = new Matrix(m.rows, H);
  for (let i = 0; i < m.rows; i++) {
    out.data.set(m.data.subarray(i * m.cols + index * H, i * m.cols + (index + 1) * H), i * H);
  }
  return out;
}

/** Rows `[index·H, (index+1)·H)` of `m`: one gate's block of a stacked weight. */
function rowBlock(m: Matrix, index: number, H: number): Matrix {
  return new Matrix(H, m.cols, m.data.slice(index * H * m.cols, (index + 1) * H * m.cols));
}

function checkUpstream(op: string, name: string, d: Matrix, like: Matrix): void {
  if (d.rows !== like.rows || d.cols !== like.cols) {
    throw new ShapeError(`${op}: ${name} is ${shapeOf(d)} but must be ${shapeOf(like)}`);
  }
}
