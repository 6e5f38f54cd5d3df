/**
 * `deno task bench:tslab`: the course's notebooks on the two kernels, side by side in one run.
 *
 * 1. every notebook on Deno, then every notebook on tslab (one after the other, so each pass has
 *    the machine to itself), with each notebook's seconds and, from the executed notebooks'
 *    timestamps, how much of it its cells took (the rest is kernel start-up);
 * 2. both passes at once, as the suite runs them (test/e2e/course.test.ts): the wall time;
 * 3. why tslab's cells are slower where they loop: tslab keeps each cell's top-level names on a
 *    Proxy (`exports`) and rewrites later references to `exports.x`; a loop over such names,
 *    timed on a plain object and on a Proxy like tslab's, in one Node process.
 */

import { type KernelName, listNotebooks, ROOT } from "../tools/jupyter.ts";
import { executedDir, runNotebooks } from "../tools/notebooks.ts";
import { prepareTslab } from "../tools/node/tslab.ts";
import type { Notebook } from "../tools/nbformat.ts";

const notebooks = await listNotebooks();
await prepareTslab(`${ROOT}dist/jupyter`);
const load = async () => (await Deno.readTextFile("/proc/loadavg")).split(" ")[0];

/** Seconds spent in cells (busy → idle of each code cell), from an executed notebook. */
async function cellSeconds(kernel: KernelName, name: string): Promise<number> {
  const nb: Notebook & { cells: { metadata: { execution?: Record<string, string> } }[] } = JSON
    .parse(await Deno.readTextFile(`${executedDir(kernel)}/${name}`));
  let s = 0;
  for (const c of nb.cells) {
    const e = c.metadata.execution;
    if (e?.["iopub.status.busy"] && e["iopub.status.idle"]) {
      s += (Date.parse(e["iopub.status.idle"]) - Date.parse(e["iopub.status.busy"])) / 1000;
    }
  }
  return s;
}

const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);
const passes: Record<string, { seconds: Map<string, number>; cells: Map<string, number> }> = {};
for (const kernel of ["deno", "tslab"] as const) {
  const before = await load();
  const { seconds, problems } = await runNotebooks(notebooks, { kernel });
  if (problems.length) throw new Error(`${kernel}: ${problems.join("\n")}`);
  const cells = new Map<string, number>();
  for (const name of seconds.keys()) cells.set(name, await cellSeconds(kernel, name));
  passes[kernel] = { seconds, cells };
  console.log(`${kernel} pass: load ${before} before, ${await load()} after`);
}

console.log("\n| notebook | Deno s | tslab s | ratio | Deno cells s | tslab cells s |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const name of passes.deno.seconds.keys()) {
  const [d, t] = [passes.deno.seconds.get(name)!, passes.tslab.seconds.get(name)!];
  const [dc, tc] = [passes.deno.cells.get(name)!, passes.tslab.cells.get(name)!];
  console.log(
    `| ${name.replace(/\.ipynb$/, "")} | ${d.toFixed(1)} | ${t.toFixed(1)} | ${
      (t / d).toFixed(1)
    } | ` +
      `${dc.toFixed(1)} | ${tc.toFixed(1)} |`,
  );
}
const [D, T] = [sum(passes.deno.seconds.values()), sum(passes.tslab.seconds.values())];
const [DC, TC] = [sum(passes.deno.cells.values()), sum(passes.tslab.cells.values())];
console.log(
  `| all ${notebooks.length} | ${D.toFixed(0)} | ${T.toFixed(0)} | ${(T / D).toFixed(1)} | ` +
    `${DC.toFixed(0)} | ${TC.toFixed(0)} |`,
);

const t0 = performance.now();
const before = await load();
await Promise.all([runNotebooks(notebooks), runNotebooks(notebooks, { kernel: "tslab" })]);
console.log(
  `\nboth passes at once: ${((performance.now() - t0) / 1000).toFixed(0)} s wall ` +
    `(load ${before} before, ${await load()} after)`,
);

const PROXY = `
const vm = require("vm");
const target = {};
const tslabLike = new Proxy(target, { defineProperty: (_t, p, a) => {
  target[p] = a.get ? a.get() : a.value; return true; } });
for (const [name, exports] of [["plain object", {}], ["Proxy (tslab)", tslabLike]]) {
  exports.data = new Float64Array(1000).fill(1);
  exports.f = (v) => v * 2;
  globalThis.__x = exports;
  const t = performance.now();
  vm.runInThisContext("(function (exports) { let s = 0; for (let r = 0; r < 20000; r++) " +
    "for (let i = 0; i < 1000; i++) s += exports.f(exports.data[i]); return s; })(__x)");
  console.log(name + ": " + (performance.now() - t).toFixed(0) + " ms");
}`;
const out = await new Deno.Command("node", { args: ["-e", PROXY] }).output();
console.log(`\n2e7 reads of an earlier cell's names in a loop, on Node:`);
console.log(new TextDecoder().decode(out.stdout).trim());
