/**
 * `deno task test`: the whole test suite, step by step, stopping at nothing so that one run
 * shows every problem.
 *
 * 1. formatting (`deno fmt --check`) and lint (`deno lint`);
 * 2. type checks of every TypeScript file; the notebooks' formatting and code cells
 *    (tools/check_notebooks.ts);
 * 3. exercises/ in step with solutions/ (`deno task release --check`);
 * 4. vitest: unit tests of lib/ against PyTorch references and numerical gradients, grading
 *    tests (solutions full marks, untouched exercises 0, hostile code contained), and the
 *    end-to-end tests (notebooks on the real kernels, Deno and tslab; decks in headless Chromium).
 */

import { ROOT } from "./jupyter.ts";

const deno = Deno.execPath();
const TS_DIRS = ["lib", "tools", "grader", "test", "exercises", "solutions", "bench"];

const steps: [string, string[]][] = [
  ["format", ["fmt", "--check", "--ignore=notebooks,dist,node_modules,test/reference"]],
  ["lint", ["lint"]],
  ["type check", ["check", ...TS_DIRS]],
  ["notebooks: format, cells type-check and lint", ["run", "-A", "tools/check_notebooks.ts"]],
  ["exercises in step with solutions", ["run", "-A", "tools/release.ts", "--check"]],
  ["vitest: unit, grading, notebooks, decks", ["run", "-A", "npm:vitest@^4.1.9", "run"]],
];

let passed = 0, failed = 0;
const started = performance.now();
for (const [name, args] of steps) {
  const t0 = performance.now();
  console.log(`\n── ${name}: deno ${args.join(" ")}`);
  const child = new Deno.Command(deno, { args, cwd: ROOT, env: { NO_COLOR: "1" } }).spawn();
  const { code } = await child.status;
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  if (code === 0) passed++;
  else failed++;
  console.log(`${code === 0 ? "✓" : "✗"} ${name} (${seconds} s)`);
}
console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s in all`);
console.log(`steps: ${passed} passed, ${failed} failed`);
Deno.exit(failed ? 1 : 0);
