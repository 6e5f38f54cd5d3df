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
   * Called when the result does not match: returns a sentence naming a common mistake the
   * result looks like (a transposed matrix, a missing 1/N, …), or undefined.
   */
  diagnose?: (actual: unknown) => string | undefined;
  /** Shown when the check fails. */
  hint: string;
  /** Hidden checks report what failed but never the reference values. */
  hidden?: boolean;
  /** Per-check time limit; default `CALL_TIMEOUT_MS` (limits.ts). */
  timeoutMs?: number;
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
  hint?: string;
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
}

export interface CourseResult {
  exercises: ExerciseResult[];
  score: number;
  maxScore: number;
}
