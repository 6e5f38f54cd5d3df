/**
 * Exercise: activation functions and their derivatives.
 *
 * Notebook: notebooks/02_activations.ipynb. Write each function between BEGIN YOUR CODE and
 * END YOUR CODE, then grade it with `deno task grade activations` (or run the grading cell at
 * the end of the notebook).
 *
 * Every function takes an array `xs` of pre-activations (the inputs z of the activation, not
 * its outputs) and returns a new array of the same length, computed entry by entry. The
 * derivative functions return f'(x) at each x. Where f has a kink, use PyTorch's choice, which
 * each doc comment states.
 */

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

/** The logistic sigmoid `σ(x) = 1 / (1 + e^{−x})`, entry by entry. */
export function sigmoid(xs: number[]): number[] {
  // BEGIN YOUR CODE: sigmoid
  return todo("sigmoid");
  // END YOUR CODE
}

/** The derivative of the sigmoid at each x, `σ'(x)` (write it with σ(x) itself). */
export function sigmoidGrad(xs: number[]): number[] {
  // BEGIN YOUR CODE: sigmoidGrad
  return todo("sigmoidGrad");
  // END YOUR CODE
}

/**
 * tanh, written with the sigmoid: `tanh(x) = 2σ(2x) − 1` (do not call Math.tanh).
 */
export function tanh(xs: number[]): number[] {
  // BEGIN YOUR CODE: tanh
  return todo("tanh");
  // END YOUR CODE
}

/** The derivative of tanh at each x, written with tanh(x) itself. */
export function tanhGrad(xs: number[]): number[] {
  // BEGIN YOUR CODE: tanhGrad
  return todo("tanhGrad");
  // END YOUR CODE
}

/** Softsign `x / (1 + |x|)`, entry by entry. */
export function softsign(xs: number[]): number[] {
  // BEGIN YOUR CODE: softsign
  return todo("softsign");
  // END YOUR CODE
}

/** The derivative of softsign at each x (it is smooth at 0, where it equals 1). */
export function softsignGrad(xs: number[]): number[] {
  // BEGIN YOUR CODE: softsignGrad
  return todo("softsignGrad");
  // END YOUR CODE
}

/** ReLU `max(0, x)`, entry by entry. */
export function relu(xs: number[]): number[] {
  // BEGIN YOUR CODE: relu
  return todo("relu");
  // END YOUR CODE
}

/** The derivative of ReLU: 1 for x > 0, 0 for x < 0, and 0 at x = 0 (PyTorch's choice). */
export function reluGrad(xs: number[]): number[] {
  // BEGIN YOUR CODE: reluGrad
  return todo("reluGrad");
  // END YOUR CODE
}

/** Leaky ReLU with negative slope `slope` (0 < slope < 1): x for x > 0, slope·x otherwise. */
export function leakyRelu(xs: number[], slope: number): number[] {
  // BEGIN YOUR CODE: leakyRelu
  return todo("leakyRelu");
  // END YOUR CODE
}

/** The derivative of leaky ReLU: 1 for x > 0, `slope` for x < 0, and `slope` at x = 0 (PyTorch). */
export function leakyReluGrad(xs: number[], slope: number): number[] {
  // BEGIN YOUR CODE: leakyReluGrad
  return todo("leakyReluGrad");
  // END YOUR CODE
}
