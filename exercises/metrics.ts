/**
 * Exercise: precision, recall and F1 per class and their macro average, and a stratified
 * k-fold split.
 *
 * Notebook: notebooks/23_evaluation.ipynb. Write each function between BEGIN YOUR CODE and
 * END YOUR CODE, then grade it with `deno task grade metrics` (or run the grading cell at the
 * end of notebook 23). Classes are the integers 0 … numClasses − 1; do not modify the inputs.
 */

// deno-lint-ignore-file no-unused-vars
import { todo } from "../lib/core/todo.ts";

/** One score per class, index c for class c. */
export interface PerClass {
  precision: number[];
  recall: number[];
  f1: number[];
}

/**
 * Precision, recall and F1 of every class c = 0 … numClasses − 1, from the true classes
 * `yTrue` and the predicted classes `yPred`:
 *
 * - precision_c: of the examples predicted c, the fraction that are c;
 * - recall_c: of the examples that are c, the fraction predicted c;
 * - F1_c: the harmonic mean of the two, 2·P·R/(P + R).
 *
 * A fraction whose denominator is 0 (a class never predicted, or never present) is 0, as
 * scikit-learn's default `zero_division`; so is F1 when P + R = 0.
 */
export function precisionRecallF1(
  yTrue: readonly number[],
  yPred: readonly number[],
  numClasses: number,
): PerClass {
  // BEGIN YOUR CODE: precisionRecallF1
  return todo("precisionRecallF1");
  // END YOUR CODE
}

/**
 * The macro averages: the plain mean over the numClasses classes of each per-class score
 * (every class counts the same, however many examples it has). The macro F1 is the mean of the
 * per-class F1 scores.
 */
export function macroScores(
  yTrue: readonly number[],
  yPred: readonly number[],
  numClasses: number,
): { precision: number; recall: number; f1: number } {
  // BEGIN YOUR CODE: macroScores
  return todo("macroScores");
  // END YOUR CODE
}

/**
 * Stratified k-fold (scikit-learn's `StratifiedKFold` without shuffling): the test indices of
 * each of the k folds, each list ascending. Every example is in exactly one fold, and each
 * class is spread over the folds as evenly as whole numbers allow:
 *
 * 1. Order the classes by their first appearance in `y`.
 * 2. Line up all examples class by class in that order and deal the line out round-robin to
 *    folds 0, 1, …, k − 1, 0, 1, …: this gives n[f][c], how many examples of class c fold f gets.
 * 3. For each class, take its examples in increasing index: the first n[0][c] go to fold 0, the
 *    next n[1][c] to fold 1, and so on.
 */
export function stratifiedKFold(y: readonly number[], k: number): number[][] {
  // BEGIN YOUR CODE: stratifiedKFold
  return todo("stratifiedKFold");
  // END YOUR CODE
}
