/**
 * Cross-validation splits: k-fold, stratified k-fold and leave-one-out, with scikit-learn's
 * fold membership (`KFold`, `StratifiedKFold`, `LeaveOneOut`, unshuffled). Each split is the
 * indices of its training part and of its test part; the test parts of all splits together
 * hold every example exactly once.
 *
 * @module
 */

import { Random } from "../core/random.ts";

/** One split: indices of the examples to train on and of the examples to test on (ascending). */
export interface Fold {
  train: number[];
  test: number[];
}

/** Options of {@link kFold} and {@link stratifiedKFold}. */
export interface KFoldOptions {
  /**
   * Shuffle before cutting (default false). Unshuffled folds match scikit-learn's; shuffled
   * ones are drawn from `lib/`'s own generator, so they differ from numpy's.
   */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
}

function checkK(op: string, k: number, n: number): void {
  if (!Number.isInteger(k) || k < 2) {
    throw new RangeError(`${op}: k must be an integer ≥ 2, got ${k}`);
  }
  if (k > n) throw new RangeError(`${op}: k = ${k} folds for only ${n} examples`);
}

/** The splits whose test parts are `testOf[0]`, `testOf[1]`, …: fold f trains on the rest. */
function foldsFrom(foldOf: readonly number[], k: number): Fold[] {
  return Array.from({ length: k }, (_, f) => ({
    train: foldOf.flatMap((g, i) => (g === f ? [] : [i])),
    test: foldOf.flatMap((g, i) => (g === f ? [i] : [])),
  }));
}

/**
 * k folds of `n` examples: consecutive blocks (after a shuffle with `shuffle`), the first
 * n mod k of them one example larger.
 */
export function kFold(n: number, k: number, o: KFoldOptions = {}): Fold[] {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`kFold: n must be a positive integer, got ${n}`);
  }
  checkK("kFold", k, n);
  const order = Array.from({ length: n }, (_, i) => i);
  const visit = o.shuffle ? new Random(o.seed ?? 0).shuffle(order) : order;
  const foldOf = new Array<number>(n);
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let j = start; j < start + size; j++) foldOf[visit[j]] = f;
    start += size;
  }
  return foldsFrom(foldOf, k);
}

/**
 * k folds in which every class keeps its share of `y` as nearly as whole numbers allow
 * (scikit-learn's `StratifiedKFold`): line the examples up class by class (classes in the order
 * in which they first appear in `y`) and deal that line round-robin to the k folds; that gives
 * how many examples of each class each fold gets. Then, within each class, in the order of
 * their index (shuffled with `shuffle`), the first ones go to fold 0, the next to fold 1, …
 *
 * Throws when k exceeds the size of every class; a class smaller than k simply cannot be in
 * every fold.
 */
export function stratifiedKFold(y: readonly number[], k: number, o: KFoldOptions = {}): Fold[] {
  const op = "stratifiedKFold";
  if (!Array.isArray(y) || y.length === 0) {
    throw new TypeError(`${op}: y must be a non-empty array of class labels`);
  }
  checkK(op, k, y.length);
  const classes: number[] = [];
  for (const c of y) if (!classes.includes(c)) classes.push(c);
  const members = classes.map((c) => y.flatMap((v, i) => (v === c ? [i] : [])));
  if (members.every((m) => m.length < k)) {
    throw new RangeError(
      `${op}: k = ${k} is more than the examples of every class (largest: ${
        Math.max(...members.map((m) => m.length))
      })`,
    );
  }
  const rng = o.shuffle ? new Random(o.seed ?? 0) : undefined;
  // allocation[f][c]: examples of class c in fold f, from dealing the class-sorted line
  const allocation = Array.from({ length: k }, () => classes.map(() => 0));
  let position = 0;
  members.forEach((m, c) => {
    for (let j = 0; j < m.length; j++, position++) allocation[position % k][c]++;
  });
  const foldOf = new Array<number>(y.length);
  members.forEach((m, c) => {
    const order = rng ? rng.shuffle(m) : m;
    let j = 0;
    for (let f = 0; f < k; f++) {
      for (let t = 0; t < allocation[f][c]; t++) foldOf[order[j++]] = f;
    }
  });
  return foldsFrom(foldOf, k);
}

/** `n` splits, each testing on one example and training on the other n − 1. */
export function leaveOneOut(n: number): Fold[] {
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`leaveOneOut: n must be an integer ≥ 2, got ${n}`);
  }
  return foldsFrom(Array.from({ length: n }, (_, i) => i), n);
}
