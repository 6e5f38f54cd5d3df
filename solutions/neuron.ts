/**
 * Exercise: one neuron, one layer, window vectors and a one-hidden-layer forward pass.
 *
 * Notebook: notebooks/01_neuron_and_layer.ipynb. Write each function between
 * BEGIN YOUR CODE and END YOUR CODE, then grade it with `deno task grade neuron` (or run the
 * grading cell at the end of the notebook).
 *
 * Layout, as in PyTorch: a batch `x` is N×in (one example per row), a weight matrix `w` is
 * out×in (one unit per row), a bias `b` is a 1×out row. `Matrix` (lib/core/matrix.ts) holds its
 * numbers row by row in `data`; `m.get(i, j)`, `new Matrix(rows, cols)`, `m.set(i, j, v)` and
 * `matmul`/`transpose`/`addRow` are there if you want them.
 */

import { addRow, matmul, Matrix, transpose } from "../lib/core/matrix.ts";

/**
 * One sigmoid unit: return `σ(w·x + b)` with `σ(z) = 1 / (1 + e^{−z})`.
 * `x` and `w` have the same length; `b` is a number. The result is a number in (0, 1).
 */
export function neuronForward(x: number[], w: number[], b: number): number {
  // BEGIN YOUR CODE: neuronForward
  let z = b;
  for (let i = 0; i < x.length; i++) z += w[i] * x[i];
  return 1 / (1 + Math.exp(-z));
  // END YOUR CODE
}

/**
 * The bias trick: return `{ x: [...x, 1], w: [...w, b] }`, the input with a constant 1
 * appended and the weights with the bias appended, so that their dot product is `w·x + b`.
 * Return new arrays (do not modify `x` or `w`).
 */
export function withBiasTrick(x: number[], w: number[], b: number): { x: number[]; w: number[] } {
  // BEGIN YOUR CODE: withBiasTrick
  return { x: [...x, 1], w: [...w, b] };
  // END YOUR CODE
}

/**
 * A sigmoid layer on a batch: `x` is N×in, `w` out×in, `b` 1×out. Return the activations
 * `a = σ(x·wᵀ + b)`, an N×out Matrix (row n is `σ(W xₙ + b)`).
 */
export function layerForward(x: Matrix, w: Matrix, b: Matrix): Matrix {
  // BEGIN YOUR CODE: layerForward
  return addRow(matmul(x, transpose(w)), b).map((z) => 1 / (1 + Math.exp(-z)));
  // END YOUR CODE
}

/**
 * The input vector of a window of words. `embeddings` is V×d (row k is the vector of word k);
 * `window` lists n word indices. Return a 1×(n·d) Matrix: the rows of the words in the window,
 * concatenated in window order (entries k·d … k·d + d − 1 are word `window[k]`'s vector).
 */
export function windowVector(embeddings: Matrix, window: number[]): Matrix {
  // BEGIN YOUR CODE: windowVector
  const d = embeddings.cols;
  const out = new Matrix(1, window.length * d);
  window.forEach((word, k) => {
    for (let j = 0; j < d; j++) out.data[k * d + j] = embeddings.get(word, j);
  });
  return out;
  // END YOUR CODE
}

/**
 * The forward pass of a network with one hidden layer: `h = σ(x·w1ᵀ + b1)` (N×hidden) and the
 * scores `s = h·w2ᵀ + b2` (N×out, no activation on the scores). `w1` is hidden×in, `b1`
 * 1×hidden, `w2` out×hidden, `b2` 1×out. Return `{ h, s }`.
 */
export function oneHiddenForward(
  x: Matrix,
  w1: Matrix,
  b1: Matrix,
  w2: Matrix,
  b2: Matrix,
): { h: Matrix; s: Matrix } {
  // BEGIN YOUR CODE: oneHiddenForward
  const h = layerForward(x, w1, b1);
  return { h, s: addRow(matmul(h, transpose(w2)), b2) };
  // END YOUR CODE
}
