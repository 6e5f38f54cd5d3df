/**
 * Checks for hyper-parameters, shared by every part of the library. Each throws a RangeError
 * whose message starts with the operation's name and says what was wrong.
 *
 * @module
 */

import { NonFiniteError } from "./matrix.ts";

/** A finite number > 0 (a learning rate, an ε, a gain, a radius). */
export function positive(op: string, name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) {
    throw new RangeError(`${op}: ${name} must be a finite positive number, got ${v}`);
  }
}

/** A finite number ≥ 0 (a weight decay, a margin). */
export function nonNegative(op: string, name: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0)) {
    throw new RangeError(`${op}: ${name} must be a finite number ≥ 0, got ${v}`);
  }
}

/** Every entry of a series is finite: otherwise a NonFiniteError naming the entry. */
export function finiteValues(op: string, name: string, xs: ArrayLike<number>): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) {
      throw new NonFiniteError(`${op}: ${name}[${i}] is ${xs[i]}; the values must be finite`);
    }
  }
}

/** A decay or momentum coefficient: in [0, 1). */
export function coefficient(op: string, name: string, v: number): void {
  if (!(v >= 0 && v < 1)) {
    throw new RangeError(`${op}: ${name} must be in [0, 1), got ${v}`);
  }
}

/** A whole number > 0 (a step size in epochs, a period). */
export function positiveInteger(op: string, name: string, v: number): void {
  if (!(Number.isInteger(v) && v > 0)) {
    throw new RangeError(`${op}: ${name} must be a positive integer, got ${v}`);
  }
}

/** A size given as one number or a `[rows, cols]` pair (a stride, a padding), as a pair of whole numbers ≥ `min`. */
export function toPair(
  op: string,
  name: string,
  v: number | readonly [number, number],
  min: number,
): [number, number] {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (!p.every((k) => Number.isInteger(k) && k >= min)) {
    throw new RangeError(
      `${op}: ${name} must be ${
        min === 0 ? "a non-negative" : "a positive"
      } integer (or a pair), ` +
        `got ${typeof v === "number" ? v : `[${v.join(", ")}]`}`,
    );
  }
  return p;
}
