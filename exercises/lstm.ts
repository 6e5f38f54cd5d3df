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

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

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
  return todo("lstmCellForward");
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
  return todo("lstmCellBackward");
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
