/**
 * Taking a data set apart: rows by index, a seeded train/validation split, a stratified
 * subset, and mini-batches. Every random choice comes from a seeded {@link Random}, so a
 * split, a subset or an epoch's order is the same every run.
 *
 * @module
 */

import { Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { Random } from "../core/random.ts";
import { takeRows } from "../core/numeric.ts";
import type { Dataset } from "./synthetic.ts";

/** Throws unless `ds` has as many labels as rows (and at least one row). */
export function checkDataset(op: string, ds: Dataset): void {
  if (!(ds?.x instanceof Matrix) || !Array.isArray(ds.y)) {
    throw new TypeError(`${op}: expected a data set { x: Matrix, y: number[] }`);
  }
  if (ds.y.length !== ds.x.rows) {
    throw new ShapeError(`${op}: ${ds.y.length} labels for ${ds.x.rows} rows of x`);
  }
  if (ds.x.rows === 0) throw new ShapeError(`${op}: the data set is empty (x is ${shapeOf(ds.x)})`);
}

/** The examples `idx` of `ds`, in that order. */
export function subset(ds: Dataset, idx: readonly number[]): Dataset {
  return { x: takeRows(ds.x, idx), y: idx.map((n) => ds.y[n]) };
}

/** A count, or a fraction of `n` when in (0, 1) (as scikit-learn's `test_size`). */
function countOf(op: string, name: string, size: number, n: number): number {
  const count = size > 0 && size < 1 ? Math.round(size * n) : size;
  if (!Number.isInteger(count) || count < 1 || count > n) {
    throw new RangeError(
      `${op}: ${name} must be a fraction in (0, 1) or a whole number in [1, ${n}], got ${size}`,
    );
  }
  return count;
}

/**
 * `size` indices of `y`, drawn without replacement so that each class keeps its share:
 * class c gets ⌊size·n_c/N⌋ places, and the places left over go to the classes with the
 * largest remainders. Returned in random order.
 */
function stratifiedIndices(y: readonly number[], size: number, rng: Random): number[] {
  const byClass = new Map<number, number[]>();
  y.forEach((c, n) => {
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(n);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const exact = classes.map((c) => size * byClass.get(c)!.length / y.length);
  const quota = exact.map(Math.floor);
  const order = classes.map((_, i) => i).sort((a, b) =>
    (exact[b] - quota[b]) - (exact[a] - quota[a]) || a - b
  );
  const left = size - quota.reduce((s, q) => s + q, 0);
  for (let k = 0; k < left; k++) quota[order[k]]++;
  const picked = classes.flatMap((c, i) => rng.shuffle(byClass.get(c)!).slice(0, quota[i]));
  return rng.shuffle(picked);
}

/** Options of {@link stratifiedSubset}. */
export interface SubsetOptions {
  /** Seed of the draw (default 0). */
  seed?: number;
}

/**
 * A random subset of `size` examples (a count, or a fraction in (0, 1)) in which every class
 * keeps its share of the whole set, in random order: a small set that looks like the big one.
 */
export function stratifiedSubset(ds: Dataset, size: number, o: SubsetOptions = {}): Dataset {
  checkDataset("stratifiedSubset", ds);
  const count = countOf("stratifiedSubset", "size", size, ds.x.rows);
  return subset(ds, stratifiedIndices(ds.y, count, new Random(o.seed ?? 0)));
}

/** Options of {@link trainValSplit}. */
export interface SplitOptions {
  /** Examples held out for validation: a count, or a fraction in (0, 1). */
  valSize: number;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Keep each class's share in both parts (scikit-learn's `stratify=y`; default false). */
  stratify?: boolean;
}

/**
 * Splits `ds` at random into a training part and a validation part of `valSize` examples
 * that the training never sees. Both parts come out in random order.
 */
export function trainValSplit(ds: Dataset, o: SplitOptions): { train: Dataset; val: Dataset } {
  checkDataset("trainValSplit", ds);
  const n = ds.x.rows, rng = new Random(o.seed ?? 0);
  const nVal = countOf("trainValSplit", "valSize", o.valSize, n);
  if (nVal === n) {
    throw new RangeError(`trainValSplit: valSize ${o.valSize} leaves no training data`);
  }
  let valIdx: number[], trainIdx: number[];
  if (o.stratify) {
    valIdx = stratifiedIndices(ds.y, nVal, rng);
    const inVal = new Uint8Array(n);
    for (const i of valIdx) inVal[i] = 1;
    trainIdx = rng.shuffle(Array.from({ length: n }, (_, i) => i).filter((i) => !inVal[i]));
  } else {
    const all = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    valIdx = all.slice(0, nVal);
    trainIdx = all.slice(nVal);
  }
  return { train: subset(ds, trainIdx), val: subset(ds, valIdx) };
}

/** Options of {@link batches}; the names and defaults are PyTorch's `DataLoader`'s. */
export interface BatchOptions {
  /** Examples per batch (default 1); the last batch may be smaller. */
  batchSize?: number;
  /** Visit the examples in a new random order on every call (default false: in order). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** The generator that shuffles; required with `shuffle`, and shared across epochs. */
  generator?: Random;
}

/**
 * The mini-batches of one pass (epoch) over `ds`: ⌈N/batchSize⌉ of them (⌊N/batchSize⌋ with
 * `dropLast`), together covering every example once. Shuffled batches are copies of the rows
 * they draw; in-order batches are views of consecutive rows of `ds.x` (no copy), so writing
 * into one writes into `ds.x`.
 */
export function* batches(ds: Dataset, o: BatchOptions = {}): Generator<Dataset> {
  const { batchSize = 1, shuffle = false, dropLast = false, generator } = o;
  checkDataset("batches", ds);
  const n = ds.x.rows;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (shuffle && !(generator instanceof Random)) {
    throw new TypeError(
      "batches: shuffle needs a generator (e.g. new Random(0)), kept across epochs so that " +
        "each epoch gets a new order and every run the same ones",
    );
  }
  const end = dropLast ? n - (n % batchSize) : n, d = ds.x.cols;
  const order = shuffle ? generator!.shuffle(Array.from({ length: n }, (_, i) => i)) : undefined;
  for (let start = 0; start < end; start += batchSize) {
    const stop = Math.min(start + batchSize, n);
    yield order ? subset(ds, order.slice(start, stop)) : {
      x: new Matrix(stop - start, d, ds.x.data.subarray(start * d, stop * d)),
      y: ds.y.slice(start, stop),
    };
  }
}
