/**
 * The harness the exercises' check tests share: a learner's answer with one deliberate bug is
 * run on the real checks of test/checks/ and compared as the grader compares (judge.ts: the
 * check's own tolerance, else rtol 1e-9 and atol 1e-12). Only `run`, how a buggy answer is
 * called on a check, differs from one exercise to the next.
 */

import { compare, type Mismatch } from "../../grader/compare.ts";
import { gradeExercise, ROOT } from "../../grader/grade.ts";
import type { Check, Exercise, ExerciseResult } from "../../grader/types.ts";
import { said } from "../checks/diagnose.ts";

/** The grader's tolerance for check `c`. */
export const tol = (c: Check) => ({ rtol: c.rtol ?? 1e-9, atol: c.atol ?? 1e-12 });

/** What the grader's comparison says of `got` on check `c`; undefined when `got` passes. */
export const differs = (got: unknown, c: Check): Mismatch | undefined =>
  compare(got, c.expected, tol(c));

/**
 * The lookups a check test needs, for the checks `all` and a `run` that calls the answer
 * with `bug` on a check: the one check whose name contains `part`, whether an answer fails a check, and the
 * names of the checks it fails, in order.
 */
export function mistakeHarness<Bug>(all: Check[], run: (bug: Bug, c: Check) => unknown) {
  const byName = (part: string): Check => {
    const found = all.filter((c) => c.name.includes(part));
    if (found.length !== 1) throw new Error(`${found.length} checks are named like "${part}"`);
    return found[0];
  };
  const fails = (bug: Bug, c: Check) => differs(run(bug, c), c) !== undefined;
  const failing = (bug: Bug) => all.filter((c) => fails(bug, c)).map((c) => c.name);
  return { all, byName, fails, failing };
}

/** A learner's module: its exported functions by name. */
export type Impl = Record<string, (...args: never[]) => unknown>;

/**
 * {@link mistakeHarness} for answers given as a whole module (the solution with some functions
 * swapped for buggy ones): each check calls its function on a copy of its arguments, and
 * `grade(impl)` gives, for every check `impl` fails, what its diagnosis says ("" when none).
 */
export function moduleHarness(all: Check[]) {
  const call = (impl: Impl, c: Check) => impl[c.fn](...(structuredClone(c.args) as never[]));
  const harness = mistakeHarness(all, call);
  const grade = (impl: Impl): Map<string, string> =>
    new Map(
      all.filter((c) => harness.fails(impl, c)).map((
        c,
      ) => [c.name, said(c.diagnose?.(call(impl, c)))]),
    );
  return { ...harness, grade };
}

/**
 * Grades `solutions/NAME.ts` with `edit` applied to its text, as if a learner had written it,
 * through the real grader (in a temporary folder, removed afterwards). Throws when the edit
 * changes nothing, so a test cannot pass on a bug that was never put in.
 */
export async function gradeEdited(
  exercise: Exercise,
  edit: (source: string) => string,
): Promise<ExerciseResult> {
  const dir = await Deno.makeTempDir({ prefix: `${exercise.name}-` });
  try {
    const source = await Deno.readTextFile(`${ROOT}solutions/${exercise.name}.ts`);
    const edited = edit(source);
    if (edited === source) {
      throw new Error(`gradeEdited: the edit left solutions/${exercise.name}.ts unchanged`);
    }
    const file = `${dir}/${exercise.name}.ts`;
    await Deno.writeTextFile(file, edited.replaceAll('"../lib/', `"${ROOT}lib/`));
    return await gradeExercise(exercise, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The names of the checks a graded exercise failed, in order. */
export const failedNames = (r: ExerciseResult) =>
  r.checks.filter((c) => c.status === "failed").map((c) => c.name);
