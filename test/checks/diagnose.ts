/** Helpers for naming common mistakes: does a wrong answer equal a known wrong formula? */

import { compare } from "../../grader/compare.ts";

/**
 * The message (a sentence or a {@link Diagnosis}) of the first candidate `actual` matches (to
 * 1e-9), or undefined. When none matches, the grader's analysis (grader/analyse.ts) describes
 * the numbers instead: a constant ratio, a sign flip, a shift by one, the entries that differ.
 */
export function matches<T>(actual: unknown, candidates: [unknown, T][]): T | undefined {
  return candidates.find(([wrong]) => !compare(actual, wrong, { rtol: 1e-9, atol: 1e-12 }))?.[1];
}
