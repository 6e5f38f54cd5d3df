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

/**
 * `deno run -A grader/notebook.ts NAME [--all-hints] [--dir DIR]` prints the report of
 * `check(NAME)` as its MIME bundle in JSON: how `@course/grader` on tslab (Node) grades, with
 * the Deno grader in a subprocess (tools/node/grader.ts). A usage error exits 2 with its
 * message on stderr.
 */
if (import.meta.main) {
  const args = [...Deno.args];
  const allHints = args.includes("--all-hints");
  const at = args.indexOf("--dir");
  const dir = at >= 0 ? args[at + 1] : undefined;
  const name = args.find((a, i) => !a.startsWith("--") && (at < 0 || i !== at + 1));
  try {
    if (!name) throw new Error("usage: grader/notebook.ts NAME [--all-hints] [--dir DIR]");
    const report = await check(name, { allHints, dir }) as unknown as Record<symbol, () => unknown>;
    console.log(JSON.stringify(report[Symbol.for("Jupyter.display")]()));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(2);
  }
  Deno.exit(0);
}
