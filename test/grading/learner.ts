/**
 * Learner files for the grading tests: an exercise's reference solution with some answer
 * regions rewritten, written where a learner's file sits (a folder `exercises/` beside a link
 * to `lib/`), so that its text outside the regions is exactly the released one unless a test
 * changes it on purpose.
 */

import { gradeExercise, type GradeOptions, ROOT } from "../../grader/grade.ts";
import { findExercise } from "../../grader/grade.ts";
import type { ExerciseResult } from "../../grader/types.ts";

/** The folder that holds the test's learner folders; remove it after the tests. */
export async function scratch(prefix: string): Promise<string> {
  return await Deno.makeTempDir({ prefix });
}

/** A folder `exercises/` under `parent` with a link to lib/ beside it; returns its path. */
export async function exercisesDir(parent: string): Promise<string> {
  const dir = await Deno.makeTempDir({ dir: parent });
  await Deno.symlink(`${ROOT}lib`, `${dir}/lib`);
  await Deno.mkdir(`${dir}/exercises`);
  return `${dir}/exercises`;
}

/** `source` with the body of the answer region of `fn` replaced by `body`. */
export function withAnswer(source: string, fn: string, body: string): string {
  const region = new RegExp(`(// BEGIN YOUR CODE: ${fn}\\n)[\\s\\S]*?(\\n\\s*// END YOUR CODE)`);
  if (!region.test(source)) throw new Error(`no answer region for ${fn}`);
  let out = source.replace(region, (_, begin, end) => `${begin}${body}${end}`);
  if (/\bawait\b/.test(body)) {
    out = out.replace(new RegExp(`export function ${fn}\\(`), `export async function ${fn}(`);
  }
  return out;
}

/** The solution of exercise `name`. */
export function solution(name: string): Promise<string> {
  return Deno.readTextFile(`${ROOT}solutions/${name}.ts`);
}

/** Writes `source` as exercises/NAME.ts in a fresh folder under `parent`; returns the folder. */
export async function writeLearner(parent: string, name: string, source: string): Promise<string> {
  const dir = await exercisesDir(parent);
  await Deno.writeTextFile(`${dir}/${name}.ts`, source);
  return dir;
}

/** Grades exercise `name` on `source`. */
export async function grade(
  parent: string,
  name: string,
  source: string,
  options?: GradeOptions,
): Promise<ExerciseResult> {
  return gradeExercise(findExercise(name), await writeLearner(parent, name, source), options);
}

/** The checks of `result` that call `fn`, and those that call none of `fn` and `callers`. */
export function split(result: ExerciseResult, fn: string, callers: string[] = []) {
  const fnOf = new Map(findExercise(result.name).checks().map((c) => [c.name, c.fn]));
  return {
    touched: result.checks.filter((c) => fnOf.get(c.name) === fn),
    others: result.checks.filter((c) => ![fn, ...callers].includes(fnOf.get(c.name)!)),
  };
}
