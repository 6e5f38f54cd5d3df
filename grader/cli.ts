/**
 * `deno task grade [NAME ...] [--solutions] [--json FILE]`
 *
 * Grades exercises/ (or solutions/ with --solutions): every check with its points, each
 * exercise's total, and progress over the course. `--json FILE` also writes Gradescope's
 * results.json. Exits 0 whatever the score; 2 on a usage error.
 */

import { gradeCourse, ROOT } from "./grade.ts";
import { courseText, gradescope } from "./report.ts";

const USAGE = "usage: deno task grade [NAME ...] [--solutions] [--json FILE]";

function parseArgs(args: string[]): { names: string[]; solutions: boolean; json?: string } {
  const names: string[] = [];
  let solutions = false;
  let json: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--solutions") solutions = true;
    else if (a === "--json") {
      json = args[++i];
      if (!json) throw new Error("--json needs a file name");
    } else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else names.push(a);
  }
  return { names, solutions, json };
}

try {
  const { names, solutions, json } = parseArgs(Deno.args);
  const dir = `${ROOT}${solutions ? "solutions" : "exercises"}`;
  const started = performance.now();
  const course = await gradeCourse(dir, names.length ? names : undefined);
  console.log(courseText(course));
  console.log(`(graded in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (json) {
    await Deno.writeTextFile(json, JSON.stringify(gradescope(course), null, 2) + "\n");
    console.log(`wrote ${json}`);
  }
} catch (e) {
  console.error(`grade: ${e instanceof Error ? e.message : e}\n${USAGE}`);
  Deno.exit(2);
}
