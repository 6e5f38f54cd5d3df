/**
 * What a learner can use when no known mistake matches a wrong answer: numbers about how it
 * differs from the reference. One place, used by every check (judge.ts): a constant ratio
 * ("6 times too small"), a sign flip, a shift by one position (a value recorded before or
 * after the update), entries that are not finite, and which entries differ. None of it shows a
 * reference value, so it is safe for hidden checks.
 */

import { Matrix } from "../lib/core/matrix.ts";
import type { Diagnosis } from "./types.ts";
import type { Tolerance } from "./compare.ts";

interface Leaf {
  where: string;
  actual: number[];
  expected: number[];
  /** Columns, when the leaf is a matrix (indices are then shown as [row][col]). */
  cols?: number;
}

function asNumbers(v: unknown): number[] | undefined {
  if (v instanceof Matrix) return Array.from(v.data);
  if (v instanceof Float64Array) return Array.from(v);
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return v;
  if (typeof v === "number") return [v];
  return undefined;
}

const close = (a: number, e: number, tol: Tolerance) =>
  a === e || Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);

/** The first numeric part of `expected` that `actual` gets wrong (same length), if any. */
function firstWrongLeaf(
  actual: unknown,
  expected: unknown,
  tol: Tolerance,
  where: string,
): Leaf | undefined {
  const e = asNumbers(expected);
  if (e) {
    const a = asNumbers(actual);
    if (!a || a.length !== e.length) return undefined;
    if (expected instanceof Matrix && !(actual instanceof Matrix)) return undefined;
    if (a.every((x, i) => typeof x === "number" && close(x, e[i], tol))) return undefined;
    return {
      where,
      actual: a,
      expected: e,
      cols: expected instanceof Matrix ? expected.cols : undefined,
    };
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return undefined;
    for (let i = 0; i < expected.length; i++) {
      const leaf = firstWrongLeaf(actual[i], expected[i], tol, `${where}[${i}]`);
      if (leaf) return leaf;
    }
    return undefined;
  }
  if (expected && typeof expected === "object" && actual && typeof actual === "object") {
    for (const [key, value] of Object.entries(expected)) {
      const leaf = firstWrongLeaf(
        (actual as Record<string, unknown>)[key],
        value,
        tol,
        `${where}.${key}`,
      );
      if (leaf) return leaf;
    }
  }
  return undefined;
}

/** 6 → "6", 0.1666… → "6" (as a factor), 2.5 → "2.5". */
function factor(r: number): string {
  const k = Math.round(r);
  return Math.abs(r - k) < 1e-6 * Math.max(1, Math.abs(r))
    ? String(k)
    : String(Number(r.toPrecision(3)));
}

function index(i: number, cols?: number): string {
  return cols ? `[${Math.floor(i / cols)}][${i % cols}]` : `[${i}]`;
}

/** The ratio actual/expected when it is the same for every entry that is not ~0. */
function constantRatio(a: number[], e: number[]): number | undefined {
  const scale = Math.max(...e.map(Math.abs));
  if (!(scale > 0)) return undefined;
  let ratio: number | undefined;
  for (let i = 0; i < e.length; i++) {
    if (Math.abs(e[i]) <= 1e-9 * scale) {
      if (Math.abs(a[i]) > 1e-6 * scale * Math.abs(ratio ?? 1)) return undefined;
      continue;
    }
    const r = a[i] / e[i];
    if (!Number.isFinite(r)) return undefined;
    if (ratio === undefined) ratio = r;
    else if (Math.abs(r - ratio) > 1e-6 * Math.abs(ratio)) return undefined;
  }
  return ratio;
}

/** Does a[i] equal e[i + by] wherever both exist (at least two entries compared)? */
function shifted(a: number[], e: number[], by: number, tol: Tolerance): boolean {
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const j = i + by;
    if (j < 0 || j >= e.length) continue;
    if (!close(a[i], e[j], tol)) return false;
    n++;
  }
  return n >= 2;
}

/**
 * A description of how `actual` differs from `expected` in numbers, or undefined when the
 * difference is not numeric (a wrong type or shape, which compare.ts already names). Its id is
 * its sentence: checks whose numbers differ in the same words share it, and a report states it
 * once.
 */
export function analyse(actual: unknown, expected: unknown, tol: Tolerance): Diagnosis | undefined {
  const found = describe(actual, expected, tol);
  return found && { id: `analysis:${found.says}`, says: found.says };
}

function describe(actual: unknown, expected: unknown, tol: Tolerance): Diagnosis | undefined {
  const leaf = firstWrongLeaf(actual, expected, tol, "result");
  if (!leaf) return undefined;
  const { where, actual: a, expected: e, cols } = leaf;
  const at = (i: number) => `${where}${e.length > 1 ? index(i, cols) : ""}`;
  const bad = a.flatMap((x, i) => (Number.isFinite(x) ? [] : [i]));
  if (bad.length && e.every(Number.isFinite)) {
    const first = bad.slice(0, 3).map(at).join(", ");
    return {
      id: `analysis:${where}:not-finite`,
      says: `${where} has ${bad.length} of ${a.length} entries that are NaN or ±Infinity (${first}${
        bad.length > 3 ? ", …" : ""
      }), where the reference is finite: look for a division by zero or an overflowing exp`,
    };
  }
  const r = constantRatio(a, e);
  if (r !== undefined && r !== 1) {
    const everywhere = e.length > 1 ? " in every entry" : "";
    if (Math.abs(r + 1) < 1e-6) {
      return { id: `analysis:${where}:sign`, says: `${where} has the wrong sign${everywhere}` };
    }
    const says = r > 0
      ? `${where} is ${
        r > 1 ? `${factor(r)} times too large` : `${factor(1 / r)} times too small`
      }${everywhere}: a constant factor is missing or applied twice`
      : `${where} is ${
        factor(r)
      } times the reference${everywhere}: the sign is flipped and a constant factor is off`;
    if (r !== 0) return { id: `analysis:${where}:ratio:${factor(r)}`, says };
  }
  if (a.length >= 3) {
    if (shifted(a, e, -1, tol)) {
      return {
        id: `analysis:${where}:lags`,
        says:
          `${where} lags one position behind: entry i holds what the reference has at i − 1 (a value recorded before it was updated?)`,
      };
    }
    if (shifted(a, e, 1, tol)) {
      return {
        id: `analysis:${where}:leads`,
        says:
          `${where} runs one position ahead: entry i holds what the reference has at i + 1 (an index counted from 0 where it should start at 1, or the other way round?)`,
      };
    }
  }
  const wrong = a.flatMap((x, i) => (close(x, e[i], tol) ? [] : [i]));
  if (e.length === 1) return undefined; // compare.ts's message already says it
  const list = wrong.slice(0, 6).map((i) => index(i, cols)).join(", ");
  return {
    id: `analysis:${where}:entries`,
    says: `${wrong.length} of ${e.length} entries of ${where} differ: ${list}${
      wrong.length > 6 ? ", …" : ""
    }${wrong.length === e.length ? " (all of them)" : ""}`,
  };
}
