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
  addRow,
  assertFinite,
  matmul,
  Matrix,
  mul,
  ShapeError,
  shapeOf,
  sub,
  sumRows,
  transpose,
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

/** Columns `[block·H, (block+1)·H)` of `m`: one gate's slice of the stacked pre-activations. */
function gate(m: Matrix, block: number, H: number): Matrix {
  const out = new Matrix(m.rows, H);
  for (let i = 0; i < m.rows; i++) {
    out.data.set(m.data.subarray(i * m.cols + block * H, i * m.cols + (block + 1) * H), i * H);
  }
  return out;
}

/** Puts B×H gate blocks side by side into one B×(G·H) matrix (the inverse of {@link gate}). */
function stackGates(blocks: Matrix[]): Matrix {
  const B = blocks[0].rows, H = blocks[0].cols, G = blocks.length;
  const out = new Matrix(B, G * H);
  blocks.forEach((m, g) => {
    for (let i = 0; i < B; i++) {
      out.data.set(m.data.subarray(i * H, (i + 1) * H), i * G * H + g * H);
    }
  });
  return out;
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

/** The two affine parts every cell starts with: `x·W_ihᵀ + b_ih` and `h·W_hhᵀ + b_hh`. */
function affine(x: Matrix, h: Matrix, p: CellParams): { gi: Matrix; gh: Matrix } {
  return {
    gi: addRow(matmul(x, transpose(p.wIh)), p.bIh),
    gh: addRow(matmul(h, transpose(p.wHh)), p.bHh),
  };
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
  return {
    dx: matmul(dgi, p.wIh),
    dhPrev: matmul(dgh, p.wHh),
    dwIh: matmul(transpose(dgi), x),
    dwHh: matmul(transpose(dgh), h),
    dbIh: sumRows(dgi),
    dbHh: sumRows(dgh),
  };
}

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
  const { gi, gh } = affine(x, h, p);
  const out = add(gi, gh).map(tanh.f);
  return { out, cache: { x, h, p, out } };
}

/** RNN step backward: with `tanh' = 1 − tanh²`, `da = dout ⊙ (1 − h'²)` flows to both sides. */
export function rnnCellBackward(
  dout: Matrix,
  cache: RnnCellCache,
): { dx: Matrix; dhPrev: Matrix } & CellGrads {
  const { x, h, p, out } = cache;
  checkUpstream("rnnCellBackward", "dout", dout, out);
  const da = mul(dout, out.map((t) => 1 - t * t));
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
  const { gi, gh } = affine(x, h, p);
  const a = add(gi, gh);
  const i = gate(a, 0, H).map(sigmoid.f);
  const f = gate(a, 1, H).map(sigmoid.f);
  const g = gate(a, 2, H).map(tanh.f);
  const o = gate(a, 3, H).map(sigmoid.f);
  const cNext = add(mul(f, c), mul(i, g));
  const tanhC = cNext.map(tanh.f);
  const out = mul(o, tanhC);
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
  const dcTotal = add(dc, mul(mul(dout, o), tanhC.map((t) => 1 - t * t)));
  const dSigmoid = (d: Matrix, s: Matrix) => mul(d, s.map((v) => v * (1 - v)));
  const da = stackGates([
    dSigmoid(mul(dcTotal, g), i),
    dSigmoid(mul(dcTotal, c), f),
    mul(mul(dcTotal, i), g.map((t) => 1 - t * t)),
    dSigmoid(mul(dout, tanhC), o),
  ]);
  return { ...affineBackward(da, da, x, h, p), dcPrev: mul(dcTotal, f) };
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
  hn: Matrix;
}

/**
 * GRU step (PyTorch `GRUCell`). With `gi = x·W_ihᵀ + b_ih` and `gh = h·W_hhᵀ + b_hh`, each
 * B×3H and split in the order reset, update, new:
 * `r = σ(gi_r + gh_r)`, `z = σ(gi_z + gh_z)`, `n = tanh(gi_n + r ⊙ gh_n)`,
 * `h' = (1 − z) ⊙ n + z ⊙ h`. Note the reset gate multiplies `W_hn·h + b_hn` *including its
 * bias* — PyTorch's (and cuDNN's) variant, not the original paper's `W_hn·(r ⊙ h)`.
 */
export function gruCellForward(
  x: Matrix,
  h: Matrix,
  p: CellParams,
): { out: Matrix; cache: GruCellCache } {
  const H = checkCell("gruCellForward", 3, x, h, p);
  const { gi, gh } = affine(x, h, p);
  const r = add(gate(gi, 0, H), gate(gh, 0, H)).map(sigmoid.f);
  const z = add(gate(gi, 1, H), gate(gh, 1, H)).map(sigmoid.f);
  const hn = gate(gh, 2, H);
  const n = add(gate(gi, 2, H), mul(r, hn)).map(tanh.f);
  const out = add(mul(z.map((v) => 1 - v), n), mul(z, h));
  return { out, cache: { x, h, p, r, z, n, hn } };
}

/**
 * GRU step backward: `dn = dout ⊙ (1−z)`, `dz = dout ⊙ (h − n)`, and `h` also gets
 * `dout ⊙ z` directly. Through the tanh, `dan = dn ⊙ (1 − n²)` reaches `gi_n` as is and
 * `gh_n` times `r`; the reset gate gets `dr = dan ⊙ gh_n`. The r and z pre-activations
 * feed both affine parts equally.
 */
export function gruCellBackward(
  dout: Matrix,
  cache: GruCellCache,
): { dx: Matrix; dhPrev: Matrix } & CellGrads {
  const { x, h, p, r, z, n, hn } = cache;
  checkUpstream("gruCellBackward", "dout", dout, h);
  const dan = mul(mul(dout, z.map((v) => 1 - v)), n.map((t) => 1 - t * t));
  const daz = mul(mul(dout, sub(h, n)), z.map((v) => v * (1 - v)));
  const dar = mul(mul(dan, hn), r.map((v) => v * (1 - v)));
  const dgi = stackGates([dar, daz, dan]);
  const dgh = stackGates([dar, daz, mul(dan, r)]);
  const grads = affineBackward(dgi, dgh, x, h, p);
  return { ...grads, dhPrev: add(grads.dhPrev, mul(dout, z)) };
}

function checkUpstream(op: string, name: string, d: Matrix, like: Matrix): void {
  if (d.rows !== like.rows || d.cols !== like.cols) {
    throw new ShapeError(`${op}: ${name} is ${shapeOf(d)} but must be ${shapeOf(like)}`);
  }
}
