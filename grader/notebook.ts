/**
 * Grading from a notebook cell: `await check("ema")` grades exercises/ema.ts and shows the
 * report as the cell's output. Each failed attempt is counted (hints.ts);
 * `await check("ema", { allHints: true })` shows every formula-level hint at once.
 */

import { findExercise, gradeCourse, ROOT } from "./grade.ts";
import { GradeReport } from "./report.ts";

export interface CheckOptions {
  /** Show every formula-level hint at once (instructors). */
  allHints?: boolean;
  /** The folder of the graded file; exercises/ by default. */
  dir?: string;
}

export async function check(name: string, options: CheckOptions = {}): Promise<GradeReport> {
  findExercise(name); // a clear error for a misspelt name, before anything runs
  const dir = options.dir ?? `${ROOT}exercises`;
  const course = await gradeCourse(dir, [name], { allHints: options.allHints });
  return new GradeReport(course.exercises[0]);
}
