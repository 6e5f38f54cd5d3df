/**
 * `deno task grade [NAME ...] [--solutions | --dir DIR] [--json FILE] [--all-hints]`
 *
 * Grades exercises/ (or solutions/ with --solutions, or the files in DIR): every check with its
 * points, each exercise's total, and progress over the course. `--json FILE` also writes
 * Gradescope's results.json. Failed attempts are counted in DIR/.attempts.json (hints.ts);
 * `--all-hints` shows every formula-level hint at once, for instructors. Exits 0 whatever the learner's code does; 2 on a usage error.
 * Every learner process ends with this one, on Ctrl-C and SIGTERM too.
 */

import { gradeCourse, ROOT } from "./grade.ts";
import { endWithProcess } from "./processes.ts";
import { courseText, gradescope } from "./report.ts";

const USAGE =
  "usage: deno task grade [NAME ...] [--solutions | --dir DIR] [--json FILE] [--all-hints]";

function parseArgs(
  args: string[],
): { names: string[]; dir: string; json?: string; allHints: boolean } {
  let allHints = false;
  const names: string[] = [];
  let dir = `${ROOT}exercises`;
  let json: string | undefined;
  const value = (i: number, option: string) => {
    if (!args[i] || args[i].startsWith("-")) throw new Error(`${option} needs a value`);
    return args[i];
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--solutions") dir = `${ROOT}solutions`;
    else if (a === "--dir") dir = Deno.realPathSync(value(++i, "--dir"));
    else if (a === "--json") json = value(++i, "--json");
    else if (a === "--all-hints") allHints = true;
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else names.push(a);
  }
  return { names, dir, json, allHints };
}

endWithProcess();
try {
  const { names, dir, json, allHints } = parseArgs(Deno.args);
  const started = performance.now();
  const course = await gradeCourse(dir, names.length ? names : undefined, { allHints });
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
Deno.exit(0);
