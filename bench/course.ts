/**
 * `deno task bench:course [--with-tests]`: how long the course takes to use, end to end.
 *
 * - grading the whole course (`deno task grade`, `deno task grade --solutions`), wall time of the
 *   command as a learner runs it (target: under 10 s);
 * - executing each notebook on the Deno kernel (target: under 10 s each);
 * - with `--with-tests`, the whole `deno task test` (target: under 10 minutes on 2 cores).
 *
 * Each figure is the median of `RUNS` runs (one run for the test suite).
 */

import { listNotebooks, ROOT } from "../tools/jupyter.ts";
import { runNotebooks } from "../tools/notebooks.ts";

const RUNS = 3;
const deno = Deno.execPath();

async function time(args: string[]): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(deno, { args, cwd: ROOT, stdout: "null", stderr: "null" })
    .output();
  if (!out.success) throw new Error(`deno ${args.join(" ")} failed`);
  return (performance.now() - t0) / 1000;
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function repeat(args: string[]): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await time(args));
  return median(xs);
}

const rows: [string, string, string][] = [];
rows.push([
  "deno task grade (exercises/)",
  `${(await repeat(["task", "grade"])).toFixed(2)} s`,
  "< 10 s",
]);
rows.push([
  "deno task grade --solutions",
  `${(await repeat(["task", "grade", "--solutions"])).toFixed(2)} s`,
  "< 10 s",
]);
const notebooks = await listNotebooks();
const seconds = new Map<string, number[]>();
for (let i = 0; i < RUNS; i++) {
  for (const [name, s] of (await runNotebooks(notebooks)).seconds) {
    seconds.set(name, [...(seconds.get(name) ?? []), s]);
  }
}
for (const [name, xs] of seconds) {
  rows.push([`execute ${name}`, `${median(xs).toFixed(2)} s`, "< 10 s"]);
}
if (Deno.args.includes("--with-tests")) {
  rows.push([
    "deno task test",
    `${((await time(["task", "test"])) / 60).toFixed(1)} min`,
    "< 10 min",
  ]);
}

console.log(`| what | median of ${RUNS} | target |\n|---|---:|---|`);
for (const [what, value, target] of rows) console.log(`| ${what} | ${value} | ${target} |`);
