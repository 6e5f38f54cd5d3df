/**
 * Exercise: precision, recall and F1 per class and their macro average, and a stratified
 * k-fold split.
 *
 * Notebook: notebooks/23_evaluation.ipynb. Write each function between BEGIN YOUR CODE and
 * END YOUR CODE, then grade it with `deno task grade metrics` (or run the grading cell at the
 * end of notebook 23). Classes are the integers 0 … numClasses − 1; do not modify the inputs.
 */

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
  const tp = new Array<number>(numClasses).fill(0);
  const predicted = new Array<number>(numClasses).fill(0);
  const actual = new Array<number>(numClasses).fill(0);
  yTrue.forEach((t, n) => {
    const p = yPred[n];
    predicted[p]++;
    actual[t]++;
    if (p === t) tp[t]++;
  });
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision = tp.map((v, c) => ratio(v, predicted[c]));
  const recall = tp.map((v, c) => ratio(v, actual[c]));
  const f1 = precision.map((p, c) => ratio(2 * p * recall[c], p + recall[c]));
  return { precision, recall, f1 };
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
  const s = precisionRecallF1(yTrue, yPred, numClasses);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / numClasses;
  return { precision: mean(s.precision), recall: mean(s.recall), f1: mean(s.f1) };
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
  const classes: number[] = [];
  for (const c of y) if (!classes.includes(c)) classes.push(c);
  const members = classes.map((c) => y.flatMap((v, i) => (v === c ? [i] : [])));
  const count = Array.from({ length: k }, () => classes.map(() => 0));
  let position = 0;
  members.forEach((m, c) => {
    for (let j = 0; j < m.length; j++, position++) count[position % k][c]++;
  });
  const folds: number[][] = Array.from({ length: k }, () => []);
  members.forEach((m, c) => {
    let j = 0;
    for (let f = 0; f < k; f++) {
      for (let t = 0; t < count[f][c]; t++) folds[f].push(m[j++]);
    }
  });
  return folds.map((f) => f.sort((a, b) => a - b));
  // END YOUR CODE
}
