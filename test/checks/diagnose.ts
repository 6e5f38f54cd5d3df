/** Helpers for naming common mistakes: does a wrong answer equal a known wrong formula? */

import { compare } from "../../grader/compare.ts";
import type { CheckResult, Diagnosis } from "../../grader/types.ts";

/**
 * A known mistake in two tiers: what is wrong (shown at once) and the formula-level fix (shown
 * once the check's hint unlocks). `id` joins the checks one mistake costs.
 */
export function mistake(says: string, formula: string, id = says): Diagnosis {
  return { id, says, formula };
}

/**
 * The message (a sentence or a {@link Diagnosis}) of the first candidate `actual` matches (to
 * 1e-9), or undefined. When none matches, the grader's analysis (grader/analyse.ts) describes
 * the numbers instead: a constant ratio, a sign flip, a shift by one, the entries that differ.
 */
export function matches<T = string | Diagnosis>(
  actual: unknown,
  candidates: [unknown, NoInfer<T>][],
): T | undefined {
  recorder?.(actual, candidates);
  return candidates.find(([wrong]) => !compare(actual, wrong, { rtol: 1e-9, atol: 1e-12 }))?.[1];
}

/** What {@link matches} was asked: the value it looked at and the known wrong values. */
export type Candidates = (actual: unknown, candidates: [unknown, unknown][]) => void;
let recorder: Candidates | undefined;

/**
 * Runs `run` with every call of {@link matches} reported to `record` (for tests that feed each
 * known wrong value back through the real checks). Not reentrant.
 */
export function recordingCandidates<T>(record: Candidates, run: () => T): T {
  recorder = record;
  try {
    return run();
  } finally {
    recorder = undefined;
  }
}

/**
 * What a `diagnose` says, as one line: its records' sentences joined as a report joins them on
 * a check stating every one (for tests).
 */
export function said(found: string | Diagnosis | Diagnosis[] | undefined): string {
  if (found === undefined || typeof found === "string") return found ?? "";
  return [found].flat().map((d) => d.says).join(" — ");
}

/**
 * What a graded check's result says about its failure: its message and the mistakes it matched
 * (a mistake that cost several checks is stated once above them, and the check's message only
 * points to it), for tests.
 */
export function reportedOn(r: CheckResult): string {
  return [r.message, ...(r.mistakes ?? []).map((m) => m.says)].join(" — ");
}
