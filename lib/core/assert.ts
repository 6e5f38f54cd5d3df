/**
 * Assertions for notebooks: a notebook states a fact, then checks it in code, and the cell
 * fails loudly (so the executed notebook fails its test) if the fact is not true.
 *
 * @module
 */

/** Throws unless every `actual[i]` is within `atol + rtol·|expected[i]|` of `expected[i]`. */
export function assertClose(
  label: string,
  actual: number | readonly number[] | Float64Array,
  expected: number | readonly number[] | Float64Array,
  { rtol = 1e-12, atol = 1e-12 }: { rtol?: number; atol?: number } = {},
): string {
  const a = typeof actual === "number" ? [actual] : Array.from(actual);
  const e = typeof expected === "number" ? [expected] : Array.from(expected);
  if (a.length !== e.length) {
    throw new Error(`${label}: ${a.length} values, expected ${e.length}`);
  }
  a.forEach((x, i) => {
    if (!(Math.abs(x - e[i]) <= atol + rtol * Math.abs(e[i]))) {
      throw new Error(`${label}: value ${i} is ${x}, expected ${e[i]}`);
    }
  });
  return `✓ ${label}`;
}

/** Throws with `label` unless `condition` holds. */
export function assertTrue(label: string, condition: boolean): string {
  if (!condition) throw new Error(`${label}: not true`);
  return `✓ ${label}`;
}
