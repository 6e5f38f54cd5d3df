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
  TYPECHECK_TIMEOUT_MS,
} from "./limits.ts";
import { Sandbox } from "./sandbox.ts";
import { typeCheck } from "./typecheck.ts";
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

/**
 * Grades one exercise in `dir` (exercises/ or solutions/), within its budget and, as part of a
 * course, within what is left of the course's.
 */
export async function gradeExercise(
  exercise: Exercise,
  dir: string,
  options: GradeOptions = {},
  course?: CourseClock,
): Promise<ExerciseResult> {
  const file = `${dir}/${exercise.name}.ts`;
  const shown = file.replace(ROOT, "");
  const checks = exercise.checks();
  const summary = (checks: CheckResult[], notes: string[] = [], typeErrors: string[] = []) => ({
    name: exercise.name,
    title: exercise.title,
    file: shown,
    score: checks.reduce((s, r) => s + r.score, 0),
    maxScore: checks.reduce((s, r) => s + r.maxScore, 0),
    checks,
    notes,
    typeErrors,
  });
  if (!(await exists(file))) {
    const message = `${shown} is missing: restore it from the course repository`;
    return summary(checks.map((c) => result(c, "error", message)));
  }
  const own = options.budgetMs ?? EXERCISE_BUDGET_MS;
  const courseLeft = course ? course.deadline - performance.now() : Infinity;
  const budget = Math.min(own, courseLeft);
  const ranOut = budget < own
    ? {
      why: `the course's grading time (${course!.budgetMs / 1000} s) ran out`,
      advice: ` (\`deno task grade ${exercise.name}\` grades this exercise alone)`,
    }
    : { why: `this exercise's grading time (${own / 1000} s) ran out`, advice: "" };
  const stop = new AbortController();
  const typeCheckMs = Math.min(options.typeCheckMs ?? TYPECHECK_TIMEOUT_MS, courseLeft);
  const types = typeCheck(file, shown, typeCheckMs, stop.signal);
  const graded = await prepareGradedFile(exercise.name, file, shown);
  try {
    let results: CheckResult[];
    if (graded.problem) {
      results = checks.map((c) => result(c, "error", `${shown}: ${graded.problem}`));
    } else {
      const sandbox = new Sandbox(graded.url, graded.readable);
      try {
        const paths = [graded.url, graded.path];
        results = await runChecks(checks, sandbox, shown, paths, budget, ranOut);
      } finally {
        sandbox.close();
      }
    }
    const { errors, note } = await types;
    return summary(results, note ? [...graded.notes, note] : graded.notes, errors);
  } finally {
    stop.abort(); // the type check, if grading ended by an exception
    await graded.remove();
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

/** Grades several exercises (all by default), a few at a time. */
export async function gradeCourse(
  dir: string,
  names?: string[],
  options: GradeOptions = {},
): Promise<CourseResult> {
  const exercises = names ? names.map(findExercise) : EXERCISES;
  const results: ExerciseResult[] = new Array(exercises.length);
  const budgetMs = options.courseBudgetMs ?? COURSE_BUDGET_MS;
  const clock = { deadline: performance.now() + budgetMs, budgetMs };
  let next = 0;
  const worker = async () => {
    while (next < exercises.length) {
      const i = next++;
      results[i] = await gradeExercise(exercises[i], dir, options, clock).catch((e) =>
        failed(exercises[i], dir, e)
      );
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_EXERCISES }, worker));
  return {
    exercises: results,
    score: results.reduce((s, r) => s + r.score, 0),
    maxScore: results.reduce((s, r) => s + r.maxScore, 0),
  };
}
