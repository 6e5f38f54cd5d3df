/**
 * Compares what a learner's function returned with the reference value, and says in words
 * what is wrong: the kind of value, its shape, a NaN, or the first entry that is off.
 * `detail` carries the numbers; hidden checks leave it out.
 */

import { Matrix } from "../lib/core/matrix.ts";
import { Tensor } from "../lib/core/tensor.ts";

export interface Mismatch {
  /** What is wrong, without reference values (safe to show for hidden checks). */
  problem: string;
  /** The numbers involved. */
  detail?: string;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

function kind(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (v instanceof Matrix) return `a ${v.rows}×${v.cols} Matrix`;
  if (v instanceof Tensor) return `a ${v.shape.join("×")} Tensor`;
  if (v instanceof Float64Array) return `a Float64Array of length ${v.length}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "object" && "$function" in v) return "a function";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

function numbers(v: unknown): number[] | undefined {
  if (v instanceof Float64Array) return Array.from(v);
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return v;
  return undefined;
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toPrecision(8) : String(x));

/**
 * "got 3, expected 2" when both are integers (an index, a count, a class label), else both to
 * eight significant digits ("got 4.5000000, expected 4.0000000").
 */
function gotExpected(a: number, e: number): string {
  const whole = Number.isSafeInteger(a) && Number.isSafeInteger(e);
  return whole ? `got ${a}, expected ${e}` : `got ${fmt(a)}, expected ${fmt(e)}`;
}

function compareNumbers(
  where: string,
  actual: readonly number[],
  expected: readonly number[],
  tol: Tolerance,
): Mismatch | undefined {
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    const at = `${where}[${i}]`;
    if (typeof a !== "number") return { problem: `${at} is ${kind(a)}, not a number` };
    if (Number.isNaN(a)) return { problem: `${at} is NaN` };
    if (!Number.isFinite(a) && Number.isFinite(e)) return { problem: `${at} is ${a}` };
    if (!(Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e)) && a !== e) {
      return {
        problem: `${at} differs from the reference`,
        detail: gotExpected(a, e),
      };
    }
  }
  return undefined;
}

/** `undefined` when `actual` matches `expected` within the tolerance. */
export function compare(
  actual: unknown,
  expected: unknown,
  tol: Tolerance,
  where = "result",
): Mismatch | undefined {
  if (typeof expected === "number") {
    if (typeof actual !== "number") {
      return { problem: `${where} is ${kind(actual)}, expected a number` };
    }
    const miss = compareNumbers(where, [actual], [expected], tol);
    return miss && { ...miss, problem: miss.problem.replace(`${where}[0]`, where) };
  }
  if (expected instanceof Matrix) {
    const m = actual as Matrix;
    if (!(actual instanceof Matrix)) {
      return {
        problem: `${where} is ${kind(actual)}, expected a ${expected.rows}×${expected.cols} Matrix`,
      };
    }
    if (m.rows !== expected.rows || m.cols !== expected.cols) {
      return {
        problem:
          `${where} has shape ${m.rows}×${m.cols}, expected ${expected.rows}×${expected.cols}`,
      };
    }
    const miss = compareNumbers(where, Array.from(m.data), Array.from(expected.data), tol);
    if (!miss) return undefined;
    // Say (row, col) rather than a flat index.
    const k = Number(/\[(\d+)\]/.exec(miss.problem.slice(where.length))?.[1] ?? 0);
    const rc = `[${Math.floor(k / m.cols)}][${k % m.cols}]`;
    return { ...miss, problem: miss.problem.replace(`${where}[${k}]`, `${where}${rc}`) };
  }
  if (expected instanceof Tensor) {
    const shape = expected.shape.join("×");
    if (!(actual instanceof Tensor)) {
      return { problem: `${where} is ${kind(actual)}, expected a ${shape} Tensor` };
    }
    if (actual.shape.join("×") !== shape) {
      return { problem: `${where} has shape ${actual.shape.join("×")}, expected ${shape}` };
    }
    const miss = compareNumbers(where, Array.from(actual.data), Array.from(expected.data), tol);
    if (!miss) return undefined;
    // Say [n][c][y][x] rather than a flat index.
    const k = Number(/\[(\d+)\]/.exec(miss.problem.slice(where.length))?.[1] ?? 0);
    const [, C, H, W] = expected.shape;
    const at = `[${Math.floor(k / (C * H * W))}][${Math.floor(k / (H * W)) % C}][${
      Math.floor(k / W) % H
    }][${k % W}]`;
    return { ...miss, problem: miss.problem.replace(`${where}[${k}]`, `${where}${at}`) };
  }
  const e = numbers(expected);
  if (e) {
    const a = numbers(actual);
    if (!a) {
      return { problem: `${where} is ${kind(actual)}, expected an array of ${e.length} numbers` };
    }
    if (a.length !== e.length) {
      return { problem: `${where} has length ${a.length}, expected ${e.length}` };
    }
    return compareNumbers(where, a, e, tol);
  }
  if (Array.isArray(expected)) {
    // A list of values that are not all numbers (e.g. one record per step of a trajectory).
    if (!Array.isArray(actual)) {
      return {
        problem: `${where} is ${kind(actual)}, expected an array of length ${expected.length}`,
      };
    }
    if (actual.length !== expected.length) {
      return { problem: `${where} has length ${actual.length}, expected ${expected.length}` };
    }
    for (let i = 0; i < expected.length; i++) {
      const miss = compare(actual[i], expected[i], tol, `${where}[${i}]`);
      if (miss) return miss;
    }
    return undefined;
  }
  if (expected && typeof expected === "object") {
    if (!actual || typeof actual !== "object" || Array.isArray(actual)) {
      return {
        problem: `${where} is ${kind(actual)}, expected an object with ${
          Object.keys(expected).join(", ")
        }`,
      };
    }
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return { problem: `${where} has no field "${key}"` };
      const miss = compare((actual as Record<string, unknown>)[key], value, tol, `${where}.${key}`);
      if (miss) return miss;
    }
    return undefined;
  }
  return actual === expected ? undefined : {
    problem: `${where} differs from the reference`,
    detail: `got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
  };
}
