/**
 * Exercise: one step of an LSTM cell, forward and backward, exactly as PyTorch's `LSTMCell`.
 *
 * Notebook: notebooks/27_lstm_gru.ipynb. Write the two functions between BEGIN YOUR CODE and
 * END YOUR CODE, then grade them with `deno task grade lstm` (or run the grading cell at the end
 * of the notebook). The grader runs your forward, hands its `cache` to your backward, and checks
 * both against the library and against numerical gradients.
 *
 * You may use the Matrix class and the generic operations of lib/core/matrix.ts (matmul,
 * transpose, add, mul, sumRows, …); the point is to write the cell yourself, so do not import
 * the course's layers.
 */

import { Matrix } from "../lib/core/matrix.ts";

/**
 * The weights in PyTorch's layout, for input size I and hidden size H: the four gate blocks
 * are stacked row-wise in the order input i, forget f, candidate g, output o.
 * `wIh` is 4H×I, `wHh` is 4H×H, and the two biases `bIh`, `bHh` are 1×4H rows.
 */
export interface LstmParams {
  wIh: Matrix;
  wHh: Matrix;
  bIh: Matrix;
  bHh: Matrix;
}

/** Whatever your forward pass saves for the backward pass. */
export type LstmCache = Record<string, unknown>;

/** The gradients of one step: with respect to the inputs, the two states and the parameters. */
export interface LstmGrads {
  dx: Matrix;
  dhPrev: Matrix;
  dcPrev: Matrix;
  dwIh: Matrix;
  dwHh: Matrix;
  dbIh: Matrix;
  dbHh: Matrix;
}

/**
 * One LSTM step on a batch: `x` is B×I, the previous hidden state `h` and cell state `c` are
 * B×H. With `a = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh` (B×4H) split into four B×H blocks in the order
 * above,
 *
 *     i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
 *     c' = f ⊙ c + i ⊙ g        h' = o ⊙ tanh(c')
 *
 * (σ the logistic sigmoid, ⊙ element-wise). Return `{ out: h', c: c', cache }`. Do not modify
 * the inputs.
 */
export function lstmCellForward(
  x: Matrix,
  h: Matrix,
  c: Matrix,
  p: LstmParams,
): { out: Matrix; c: Matrix; cache: LstmCache } {
  // BEGIN YOUR CODE: lstmCellForward
  const B = x.rows, H = h.cols, I = x.cols;
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const gates = ["i", "f", "g", "o"].map(() => new Matrix(B, H));
  const [gi, gf, gg, go] = gates;
  const cNext = new Matrix(B, H), tanhC = new Matrix(B, H), out = new Matrix(B, H);
  for (let n = 0; n < B; n++) {
    for (let j = 0; j < H; j++) {
      // the pre-activation of unit j of each gate block
      const pre = [0, 1, 2, 3].map((blk) => {
        const row = blk * H + j;
        let s = p.bIh.get(0, row) + p.bHh.get(0, row);
        for (let k = 0; k < I; k++) s += p.wIh.get(row, k) * x.get(n, k);
        for (let k = 0; k < H; k++) s += p.wHh.get(row, k) * h.get(n, k);
        return s;
      });
      gi.set(n, j, sigmoid(pre[0]));
      gf.set(n, j, sigmoid(pre[1]));
      gg.set(n, j, Math.tanh(pre[2]));
      go.set(n, j, sigmoid(pre[3]));
      cNext.set(n, j, gf.get(n, j) * c.get(n, j) + gi.get(n, j) * gg.get(n, j));
      tanhC.set(n, j, Math.tanh(cNext.get(n, j)));
      out.set(n, j, go.get(n, j) * tanhC.get(n, j));
    }
  }
  return { out, c: cNext, cache: { x, h, c, p, gi, gf, gg, go, tanhC } };
  // END YOUR CODE
}

/**
 * The backward pass of {@link lstmCellForward}, given `dout = ∂L/∂h'` and `dc = ∂L/∂c'` (both
 * B×H; `dc` is what later steps send back along the cell state) and your `cache`. Return every
 * gradient with the shape of what it is the gradient of: `dx` B×I, `dhPrev` and `dcPrev` B×H,
 * `dwIh` 4H×I, `dwHh` 4H×H, `dbIh` and `dbHh` 1×4H.
 */
export function lstmCellBackward(dout: Matrix, dc: Matrix, cache: LstmCache): LstmGrads {
  // BEGIN YOUR CODE: lstmCellBackward
  const { x, h, c, p, gi, gf, gg, go, tanhC } = cache as Record<string, Matrix> & {
    p: LstmParams;
  };
  const B = x.rows, H = h.cols, I = x.cols;
  // ∂L/∂a, the pre-activations, B×4H in the gate order i, f, g, o
  const da = new Matrix(B, 4 * H);
  const dcPrev = new Matrix(B, H);
  for (let n = 0; n < B; n++) {
    for (let j = 0; j < H; j++) {
      const i = gi.get(n, j), f = gf.get(n, j), g = gg.get(n, j), o = go.get(n, j);
      const t = tanhC.get(n, j);
      // the cell state gets dc from later steps and, through h' = o ⊙ tanh(c'), dout·o·tanh'
      const dcTotal = dc.get(n, j) + dout.get(n, j) * o * (1 - t * t);
      da.set(n, j, dcTotal * g * i * (1 - i));
      da.set(n, H + j, dcTotal * c.get(n, j) * f * (1 - f));
      da.set(n, 2 * H + j, dcTotal * i * (1 - g * g));
      da.set(n, 3 * H + j, dout.get(n, j) * t * o * (1 - o));
      dcPrev.set(n, j, dcTotal * f);
    }
  }
  const dx = new Matrix(B, I), dhPrev = new Matrix(B, H);
  const dwIh = new Matrix(4 * H, I), dwHh = new Matrix(4 * H, H), db = new Matrix(1, 4 * H);
  for (let n = 0; n < B; n++) {
    for (let r = 0; r < 4 * H; r++) {
      const d = da.get(n, r);
      db.data[r] += d;
      for (let k = 0; k < I; k++) {
        dx.data[n * I + k] += d * p.wIh.get(r, k);
        dwIh.data[r * I + k] += d * x.get(n, k);
      }
      for (let k = 0; k < H; k++) {
        dhPrev.data[n * H + k] += d * p.wHh.get(r, k);
        dwHh.data[r * H + k] += d * h.get(n, k);
      }
    }
  }
  // both biases are added to the same pre-activation, so both get the same gradient
  return { dx, dhPrev, dcPrev, dwIh, dwHh, dbIh: db, dbHh: db.clone() };
  // END YOUR CODE
}

/** Forward then backward, as the grader runs them (not part of the exercise). */
export function lstmCellStep(
  x: Matrix,
  h: Matrix,
  c: Matrix,
  p: LstmParams,
  dout: Matrix,
  dc: Matrix,
): { out: Matrix; c: Matrix } & LstmGrads {
  const f = lstmCellForward(x, h, c, p);
  return { out: f.out, c: f.c, ...lstmCellBackward(dout, dc, f.cache) };
}
