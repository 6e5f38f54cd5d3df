/**
 * A tiny shared helper for tests: element-wise closeness, numpy's `allclose` rule
 * `|actual − expected| ≤ atol + rtol·|expected|`, with a message that says where it failed.
 *
 * @module
 */
import { expect } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";

/** Numbers, nested arrays of numbers, typed arrays or a Matrix. */
export type Numeric = number | Matrix | Float64Array | readonly Numeric[];

function flatten(x: Numeric): { values: number[]; shape: string } {
  if (typeof x === "number") return { values: [x], shape: "scalar" };
  if (x instanceof Matrix) return { values: Array.from(x.data), shape: `${x.rows}×${x.cols}` };
  if (x instanceof Float64Array) return { values: Array.from(x), shape: `[${x.length}]` };
  const parts = x.map(flatten);
  return {
    values: parts.flatMap((p) => p.values),
    shape: `[${x.length}${parts.length > 0 ? "×" + parts[0].shape : ""}]`,
  };
}

/**
 * Asserts `actual` and `expected` have the same number of entries and agree element-wise
 * within `atol + rtol·|expected|`. A Matrix compares with a nested array by its row-major data.
 */
export function expectClose(
  actual: Numeric,
  expected: Numeric,
  rtol = 1e-10,
  atol = 1e-12,
): void {
  const a = flatten(actual), e = flatten(expected);
  expect(a.values.length, `size: actual ${a.shape}, expected ${e.shape}`).toBe(e.values.length);
  for (let k = 0; k < a.values.length; k++) {
    const diff = Math.abs(a.values[k] - e.values[k]);
    const ok = diff <= atol + rtol * Math.abs(e.values[k]);
    if (!ok) {
      expect.fail(
        `entry ${k}: actual ${a.values[k]}, expected ${e.values[k]} ` +
          `(|diff| = ${diff}, rtol = ${rtol}, atol = ${atol})`,
      );
    }
  }
}
