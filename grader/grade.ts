/**
 * Grades learner files: every check runs the learner's function in the sandbox and compares
 * the result with the reference computed here. Whatever the learner's code does, each check
 * ends in a {@link CheckResult} with a message, a point is given only for a match, and one
 * exercise takes at most its time budget (limits.ts): once a function has timed out (or run
 * out of memory) its remaining checks are skipped, and so is every check once the budget is
 * spent.
 */

import { prepareGradedFile } from "./graded_file.ts";
import { judge, result, skipReason } from "./judge.ts";
import {
  CALL_TIMEOUT_MS,
  COURSE_BUDGET_MS,
  EXERCISE_BUDGET_MS,
  PARALLEL_EXERCISES,
} from "./limits.ts";
import { Sandbox } from "./sandbox.ts";
import { type TypeCheck, typeCheck, typeCheckAll } from "./typecheck.ts";
import { type Attempts, loadAttempts, saveAttempts, tier } from "./hints.ts";
import type { Check, CheckResult, CourseResult, Exercise, ExerciseResult } from "./types.ts";
import { EXERCISES } from "../test/checks/mod.ts";

export const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

export function findExercise(name: string): Exercise {
  const exercise = EXERCISES.find((e) => e.name === name);
  if (!exercise) {
    throw new Error(
      `there is no exercise named "${name}"; the exercises are: ${
        EXERCISES.map((e) => e.name).join(", ")
      }`,
    );
  }
  return exercise;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Limits a caller (a test, the benchmark) may tighten; the defaults are limits.ts's. */
export interface GradeOptions {
  budgetMs?: number;
  typeCheckMs?: number;
  courseBudgetMs?: number;
  /** Show every formula-level hint whatever the attempt count (instructors). */
  allHints?: boolean;
  /** Count failed attempts in `dir`'s attempts file (gradeCourse; default true). */
  countAttempts?: boolean;
}

/** When the course's grading time ends (performance.now()), for the exercises of one run. */
interface CourseClock {
  deadline: number;
  budgetMs: number;
}

/** Runs the checks in order within the budget, skipping what cannot be graded in time. */
async function runChecks(
  checks: Check[],
  sandbox: Sandbox,
  shown: string,
  paths: string[],
  budgetMs: number,
  ranOut: { why: string; advice: string },
): Promise<CheckResult[]> {
  const deadline = performance.now() + budgetMs;
  const skip = new Map<string, string>();
  const results: CheckResult[] = [];
  for (const c of checks) {
    const left = deadline - performance.now();
    const reason = skip.get(c.fn) ?? (left <= 0 ? ranOut.why + ranOut.advice : undefined);
    if (reason) {
      results.push(result(c, "skipped", `skipped: ${reason}`));
      continue;
    }
    const ms = c.timeoutMs ?? CALL_TIMEOUT_MS;
    const started = performance.now();
    const outcome = await sandbox.call(c.fn, c.args, ms, left);
    const took = performance.now() - started;
    if (outcome.kind === "timeout" && outcome.cut) {
      const when = outcome.cut === "loading" ? "the file was loading" : `${c.fn} was running`;
      results.push(result(c, "skipped", `${ranOut.why} while ${when}${ranOut.advice}`, took));
      continue;
    }
    const skipRest = skipReason(outcome, c.fn);
    if (skipRest) skip.set(c.fn, skipRest);
    results.push(judge(c, outcome, took, shown, paths));
  }
  return results;
}

/** An exercise's checks graded, before its type check is added. */
type Checked = Omit<ExerciseResult, "typeErrors">;

/**
 * Grades the checks of one exercise in `dir` (exercises/ or solutions/) within its budget and,
 * as part of a course, within what is left of the course's.
 */
async function gradeChecks(
  exercise: Exercise,
  file: string,
  options: GradeOptions,
  course?: CourseClock,
  attempts: Attempts = {},
): Promise<Checked> {
  const shown = file.replace(ROOT, "");
  const checks = exercise.checks();
  const summary = (results: CheckResult[], notes: string[] = []) =>
    tier(
      {
        name: exercise.name,
        title: exercise.title,
        file: shown,
        score: results.reduce((s, r) => s + r.score, 0),
        maxScore: results.reduce((s, r) => s + r.maxScore, 0),
        checks: results,
        notes,
      },
      checks,
      attempts,
      options,
    );
  if (!(await exists(file))) {
    const message = `${shown} is missing: restore it from the course repository`;
    return summary(checks.map((c) => result(c, "error", message)));
  }
  const own = options.budgetMs ?? EXERCISE_BUDGET_MS;
  const budget = Math.min(own, course ? course.deadline - performance.now() : Infinity);
  const ranOut = budget < own
    ? {
      why: `the course's grading time (${course!.budgetMs / 1000} s) ran out`,
      advice: ` (\`deno task grade ${exercise.name}\` grades this exercise alone)`,
    }
    : { why: `this exercise's grading time (${own / 1000} s) ran out`, advice: "" };
  const graded = await prepareGradedFile(exercise.name, file, shown);
  try {
    if (graded.problem) {
      return summary(checks.map((c) => result(c, "error", `${shown}: ${graded.problem}`)));
    }
    const sandbox = new Sandbox(graded.url, graded.readable);
    try {
      const paths = [graded.url, graded.path];
      return summary(
        await runChecks(checks, sandbox, shown, paths, budget, ranOut),
        graded.notes,
      );
    } finally {
      sandbox.close();
    }
  } finally {
    await graded.remove();
  }
}

/** `checked` with its type check's errors and note. */
function withTypes(checked: Checked, types: TypeCheck | undefined): ExerciseResult {
  const notes = types?.note ? [...checked.notes, types.note] : checked.notes;
  return { ...checked, notes, typeErrors: types?.errors ?? [] };
}

/** Grades one exercise in `dir` (exercises/ or solutions/); its type check runs beside. */
export async function gradeExercise(
  exercise: Exercise,
  dir: string,
  options: GradeOptions = {},
): Promise<ExerciseResult> {
  const file = `${dir}/${exercise.name}.ts`;
  const stop = new AbortController();
  const types = (await exists(file))
    ? typeCheck(file, file.replace(ROOT, ""), options.typeCheckMs, stop.signal)
    : undefined;
  try {
    const checked = await gradeChecks(exercise, file, options);
    return withTypes(checked, await types);
  } finally {
    stop.abort(); // the type check, if grading ended by an exception
  }
}

/** The result when grading itself failed: a message on every check, never an abort. */
function failed(exercise: Exercise, dir: string, e: unknown): ExerciseResult {
  const message = `the grader failed on this exercise: ${e instanceof Error ? e.message : e}`;
  const checks = exercise.checks().map((c) => result(c, "error", message));
  return {
    name: exercise.name,
    title: exercise.title,
    file: `${dir}/${exercise.name}.ts`.replace(ROOT, ""),
    score: 0,
    maxScore: checks.reduce((s, r) => s + r.maxScore, 0),
    checks,
    notes: [],
    typeErrors: [],
  };
}

/**
 * Grades several exercises (all by default), a few at a time, within the course's budget;
 * their type checks run beside, two at a time, and never hold up the grading.
 */
export async function gradeCourse(
  dir: string,
  names?: string[],
  options: GradeOptions = {},
): Promise<CourseResult> {
  const exercises = names ? names.map(findExercise) : EXERCISES;
  const files = exercises.map((e) => `${dir}/${e.name}.ts`);
  const budgetMs = options.courseBudgetMs ?? COURSE_BUDGET_MS;
  const clock = { deadline: performance.now() + budgetMs, budgetMs };
  const stop = new AbortController();
  const present = await Promise.all(files.map(exists));
  const toCheck = files.filter((_, i) => present[i]).map((f) => ({
    file: f,
    shown: f.replace(ROOT, ""),
  }));
  const checking = typeCheckAll(
    toCheck,
    { concurrency: 2, deadline: clock.deadline, timeoutMs: options.typeCheckMs },
    stop.signal,
  );
  const types = new Map(toCheck.map((f, i) => [f.file, checking[i]]));
  const results: ExerciseResult[] = new Array(exercises.length);
  const counting = options.countAttempts ?? true;
  const attempts = counting ? await loadAttempts(dir) : {};
  let next = 0;
  const worker = async () => {
    while (next < exercises.length) {
      const i = next++;
      const checked = await gradeChecks(exercises[i], files[i], options, clock, attempts).catch((
        e,
      ) => failed(exercises[i], dir, e));
      results[i] = withTypes(checked, undefined);
    }
  };
  try {
    await Promise.all(Array.from({ length: PARALLEL_EXERCISES }, worker));
    for (let i = 0; i < exercises.length; i++) {
      results[i] = withTypes(results[i], await types.get(files[i]));
    }
  } finally {
    stop.abort();
  }
  if (counting && results.some((r) => r.checks.some((c) => c.attempts))) {
    await saveAttempts(dir, attempts);
  }
  return {
    exercises: results,
    score: results.reduce((s, r) => s + r.score, 0),
    maxScore: results.reduce((s, r) => s + r.maxScore, 0),
  };
}
