/**
 * Grading from a notebook cell: `await check("ema")` grades exercises/ema.ts and shows the
 * report as the cell's output.
 */

import { findExercise, gradeCourse, ROOT } from "./grade.ts";
import { GradeReport } from "./report.ts";

export async function check(name: string, dir = `${ROOT}exercises`): Promise<GradeReport> {
  findExercise(name); // a clear error for a misspelt name, before anything runs
  const course = await gradeCourse(dir, [name]);
  return new GradeReport(course.exercises[0]);
}
