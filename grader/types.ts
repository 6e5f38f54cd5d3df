/**
 * The grading vocabulary: an exercise is a learner file plus checks; grading a check gives a
 * strict result record. Checks are written in test/checks/ and computed in the grader's own
 * process from lib/, so learner code never sees or touches a reference value.
 */

export interface Check {
  /** Shown in reports, e.g. "ema: β = 0.9 on a noisy series". */
  name: string;
  points: number;
  /** The learner function to call and its arguments. */
  fn: string;
  args: unknown[];
  /** The reference result (from lib/), compared with `rtol`/`atol`. */
  expected: unknown;
  rtol?: number;
  atol?: number;
  /**
   * Called when the result does not match: names the common mistake(s) the result looks like
   * (a transposed matrix, a missing 1/N, …), as a sentence or {@link Diagnosis} records, or
   * undefined. When it names none, the grader's own analysis (analyse.ts) describes the numbers.
   */
  diagnose?: (actual: unknown) => string | Diagnosis | Diagnosis[] | undefined;
  /**
   * First-attempt help: where to look, without the formula. Shown on every failure that no
   * known mistake explains.
   */
  nudge?: string;
  /**
   * The formula-level hint: shown only after `HINT_UNLOCK_ATTEMPTS` failed attempts at this
   * check (hints.ts), or to instructors (`--all-hints`, `{ allHints: true }`).
   */
  hint: string;
  /** Hidden checks report what failed but never the reference values. */
  hidden?: boolean;
  /** Per-check time limit; default `CALL_TIMEOUT_MS` (limits.ts). */
  timeoutMs?: number;
}

/** A known mistake a wrong answer matches. */
export interface Diagnosis {
  /**
   * Same id, same mistake: a report states it once and lists the checks it cost. Two prefixes
   * mark what is not a known mistake: "analysis:" numbers about the difference (analyse.ts),
   * "where:" where this check's answer departs (stated on the check only).
   */
  id: string;
  /** What is wrong, without the formula (shown at the first attempt). */
  says: string;
  /** The formula-level fix (shown once the check's hint is unlocked). */
  formula?: string;
}

export interface Exercise {
  /** The key for `deno task grade NAME`, and the file name in exercises/ and solutions/. */
  name: string;
  title: string;
  /** The notebook that teaches it, under notebooks/. */
  notebook: string;
  checks: () => Check[];
}

export type Status =
  | "passed"
  | "failed"
  | "error"
  | "timeout"
  | "crashed"
  | "skipped"
  | "not implemented";

/**
 * One check's result: the strict record every report is built from. Its text is clean:
 * learner-controlled parts are escaped and capped (untrusted.ts).
 */
export interface CheckResult {
  name: string;
  score: number;
  maxScore: number;
  status: Status;
  /** What happened, in a sentence; empty when passed. */
  message: string;
  /** The known mistakes (or the analysis of the numbers) this failure matches. */
  mistakes?: Diagnosis[];
  /** First-tier help (no formula). */
  hint?: string;
  /** The formula-level hint, present once unlocked. */
  formula?: string;
  /** Failed attempts at this check so far, this one included. */
  attempts?: number;
  /** Further failed attempts before the formula-level hint shows (0: shown). */
  unlockIn?: number;
  hidden: boolean;
  ms: number;
}

export interface ExerciseResult {
  name: string;
  title: string;
  file: string;
  score: number;
  maxScore: number;
  checks: CheckResult[];
  /** Type-checker diagnostics for the learner's file (they cost no points by themselves). */
  typeErrors: string[];
  /**
   * What the report should say besides the checks: edits outside the answer regions that do
   * not count, missing regions, a type check that did not finish.
   */
  notes: string[];
  /** Mistakes that cost several checks, each stated once. */
  diagnoses?: { says: string; checks: string[] }[];
}

export interface CourseResult {
  exercises: ExerciseResult[];
  score: number;
  maxScore: number;
}
