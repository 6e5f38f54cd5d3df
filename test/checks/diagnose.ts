/** Helpers for naming common mistakes: does a wrong answer equal a known wrong formula? */

import { compare } from "../../grader/compare.ts";

/** The message of the first candidate `actual` matches (to 1e-9), or undefined. */
export function matches(actual: unknown, candidates: [unknown, string][]): string | undefined {
  return candidates.find(([wrong]) => !compare(actual, wrong, { rtol: 1e-9, atol: 1e-12 }))?.[1];
}
