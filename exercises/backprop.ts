/**
 * Exercise: the forward and backward pass of a two-layer classifier, by hand.
 *
 * Notebooks: notebooks/04_backprop_one_example.ipynb (the rules, one unit at a time) and
 * notebooks/06_backprop_vectorised.ipynb (the same rules as matrix products). Write the function
 * between BEGIN YOUR CODE and END YOUR CODE, then grade it with `deno task grade backprop` (or
 * run the grading cell at the end of notebook 06).
 *
 * You may use the Matrix class and the generic operations of lib/core/matrix.ts (matmul, transpose,
 * add, mul, scale, …); the point is to write the backward pass yourself, so do not import the
 * course's layers or losses.
 */

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

import { matmul, Matrix, transpose } from "../lib/core/matrix.ts";

/** The parameters, in PyTorch's layout: W1 is H×D, b1 is 1×H, W2 is C×H, b2 is 1×C. */
export interface TwoLayerParams {
  W1: Matrix;
  b1: Matrix;
  W2: Matrix;
  b2: Matrix;
}

/** The mean loss over the batch, and its gradient with respect to each parameter. */
export interface TwoLayerGrads {
  loss: number;
  dW1: Matrix;
  db1: Matrix;
  dW2: Matrix;
  db2: Matrix;
}

/**
 * A two-layer classifier on a batch `x` (N×D, one example per row) with labels `y` (N class
 * indices in 0 … C−1):
 *
 *     z1 = x·W1ᵀ + b1        (N×H)
 *     a1 = f(z1)             f = "sigmoid" (1/(1 + e^−z)) or "relu" (max(0, z); take f'(0) = 0)
 *     scores = a1·W2ᵀ + b2   (N×C)
 *     loss = mean over the N rows of  −log softmax(scores row)[y_n]
 *
 * Return `{ loss, dW1, db1, dW2, db2 }`: the loss (a number) and the gradient of the loss with
 * respect to each parameter, each a Matrix of the same shape as the parameter (dW1 H×D, db1 1×H,
 * dW2 C×H, db2 1×C). Do not modify the inputs. Tip: subtract each row's maximum score before
 * exponentiating, so large scores cannot overflow.
 */
export function twoLayerLoss(
  x: Matrix,
  y: readonly number[],
  params: TwoLayerParams,
  activation: "sigmoid" | "relu",
): TwoLayerGrads {
  // BEGIN YOUR CODE: twoLayerLoss
  return todo("twoLayerLoss");
  // END YOUR CODE
}
