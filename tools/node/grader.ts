/**
 * `@course/grader` on tslab (Node): `await check("ema")` grades with the course's Deno grader,
 * run as a subprocess (`deno run -A grader/notebook.ts NAME`, sandbox and limits as on Deno),
 * and shows the same report (HTML table and text). The Deno binary is `$COURSE_DENO` (the
 * tslab kernelspec sets it), else `deno` on the PATH.
 *
 * @module
 */

import { execFile } from "node:child_process";
import process from "node:process";
import { type Bundle, installInspectHooks } from "./display.ts";
import { ROOT } from "./root.ts";

/** Options of {@link check}, as on Deno (grader/notebook.ts). */
export interface CheckOptions {
  /** Show every formula-level hint at once (instructors). */
  allHints?: boolean;
  /** The folder of the graded file; exercises/ by default. */
  dir?: string;
}

/** A graded exercise as a notebook output: the Deno grader's HTML and text report. */
export class GradeReport {
  constructor(readonly bundle: Record<string, string>) {}

  [Symbol.for("Jupyter.display")](): Bundle {
    return this.bundle;
  }

  toString(): string {
    return this.bundle["text/plain"];
  }
}
installInspectHooks([GradeReport]);

/** Grades exercise `name` (see the module doc); a misspelt name is an error that says so. */
export function check(name: string, options: CheckOptions = {}): Promise<GradeReport> {
  const deno = process.env.COURSE_DENO || "deno";
  const args = ["run", "-A", `${ROOT}grader/notebook.ts`, name];
  if (options.allHints) args.push("--all-hints");
  if (options.dir) args.push("--dir", options.dir);
  return new Promise((resolve, reject) => {
    execFile(
      deno,
      args,
      { cwd: ROOT, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: "1" } },
      (err, stdout, stderr) => {
        if (err) {
          const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
          reject(
            new Error(
              missing
                ? `grading needs Deno (${deno} was not found): install it with \`npm i -g deno\``
                : stderr.trim() || err.message,
            ),
          );
          return;
        }
        resolve(new GradeReport(JSON.parse(stdout)));
      },
    );
  });
}
