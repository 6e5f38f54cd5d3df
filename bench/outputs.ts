/**
 * `deno task bench:outputs [--rounds N] [--ui N] [--plain-only | --course-only]`: are a cell's
 * outputs ever lost on the way to the learner's Jupyter?
 *
 * Every code cell of every notebook is run as a front end runs it, and each cell's outputs are
 * compared with a clean headless run (`deno task notebooks`, dist/executed/). Side by side in one
 * run: the course's kernel (tools/kernel/proxy.ts, as `deno task start` registers it) and the
 * plain Deno kernel (as `deno jupyter --install` registers it), each under its own Jupyter server.
 *
 * - `--rounds N` (default: enough for ≥ 1,000 executions over the course's code cells, whatever
 *   notebooks notebooks/ holds, and at least 2): each round runs every notebook on a fresh kernel
 *   through `@jupyterlab/services`, alternately sending all requests at once ("Run All") and one
 *   cell after another; `--plain-rounds N` sets the plain kernel's rounds apart (default: the
 *   same);
 * - `--ui N` (default 0): N more rounds in the classic Notebook UI, driven by Chromium.
 *
 * A cell "differs" when its outputs (type, MIME types, plain text) are not the headless run's;
 * "late" counts messages that reached the front end after the cell's request had closed.
 */

import { launchChromium } from "../tools/browser.ts";
import { outputSignature, runCells, runInClassicUI, startServer } from "../tools/frontend.ts";
import { listNotebooks } from "../tools/jupyter.ts";
import { joined, type Notebook } from "../tools/nbformat.ts";
import { EXECUTED, runNotebooks } from "../tools/notebooks.ts";

const arg = (name: string) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : undefined;
};
const uiRounds = arg("--ui") ?? 0;
const kernels = Deno.args.includes("--plain-only")
  ? ["plain"]
  : Deno.args.includes("--course-only")
  ? ["course"]
  : ["course", "plain"];

interface Tally {
  executions: number;
  differ: number;
  lost: number;
  extra: number;
  hung: number;
  late: Map<string, number>;
  seconds: number;
  examples: string[];
}
const tally = (): Tally => ({
  executions: 0,
  differ: 0,
  lost: 0,
  extra: 0,
  hung: 0,
  late: new Map(),
  seconds: 0,
  examples: [],
});

console.log("Clean headless run (deno task notebooks)…");
const paths = await listNotebooks();
const reference = await runNotebooks(paths);
if (reference.problems.length) {
  console.error(reference.problems.join("\n"));
  Deno.exit(1);
}
const notebooks = await Promise.all(paths.map(async (path) => {
  const name = path.split("/").pop()!;
  const nb: Notebook = JSON.parse(await Deno.readTextFile(`${EXECUTED}/${name}`));
  const code = nb.cells.filter((c) => c.cell_type === "code");
  return {
    name,
    codes: code.map((c) => joined(c.source)),
    expected: code.map((c) => outputSignature(c.outputs ?? [])),
  };
}));
const cellCount = notebooks.reduce((n, nb) => n + nb.codes.length, 0);
const rounds = arg("--rounds") ?? Math.max(2, Math.ceil(1000 / cellCount));
const plainRounds = arg("--plain-rounds") ?? rounds;
const mtimes = async () =>
  (await Promise.all(paths.map((p) => Deno.stat(p)))).map((s) => s.mtime?.getTime()).join();
const before = await mtimes();

function compare(
  t: Tally,
  name: string,
  got: string[],
  expected: string[],
  late: string[][],
  hung: (string | undefined)[] = [],
) {
  got.forEach((sig, i) => {
    t.executions++;
    if (hung[i]) {
      t.hung++;
      if (t.examples.length < 8) {
        t.examples.push(`${name} code cell ${i + 1} never finished (${hung[i]})`);
      }
    }
    for (const type of late[i] ?? []) t.late.set(type, (t.late.get(type) ?? 0) + 1);
    if (sig === expected[i]) return;
    t.differ++;
    const [n, m] = [JSON.parse(sig).length, JSON.parse(expected[i]).length];
    if (n < m) t.lost++;
    else if (n > m) t.extra++;
    if (t.examples.length < 8) t.examples.push(`${name} code cell ${i + 1}: ${sig.slice(0, 120)}`);
  });
}

const results: [string, string, Tally][] = [];
for (const kernel of kernels) {
  const server = await startServer({ plain: kernel === "plain" });
  try {
    const api = tally();
    const n = kernel === "plain" ? plainRounds : rounds;
    for (let r = 0; r < n; r++) {
      const runAll = r % 2 === 0;
      for (const nb of notebooks) {
        const { cells, seconds } = await runCells(server, nb.name, nb.codes, { runAll });
        api.seconds += seconds;
        compare(
          api,
          nb.name,
          cells.map((c) => outputSignature(c.outputs)),
          nb.expected,
          cells.map((c) => c.late),
          cells.map((c) => c.hung),
        );
      }
      console.log(
        `${kernel} kernel, round ${r + 1}/${n} (${runAll ? "run all" : "one by one"}): ` +
          `${api.differ} of ${api.executions} differ so far (${api.lost} lost, ${api.extra} extra, ${api.hung} unfinished; ${
            [...api.late.values()].reduce((a, b) => a + b, 0)
          } late messages)`,
      );
    }
    results.push([kernel, "@jupyterlab/services", api]);
    if (uiRounds > 0) {
      const ui = tally();
      const browser = await launchChromium();
      const page = await browser.newPage();
      for (let r = 0; r < uiRounds; r++) {
        for (const nb of notebooks) {
          const t0 = performance.now();
          const outputs = await runInClassicUI(page, server, nb.name);
          ui.seconds += (performance.now() - t0) / 1000;
          compare(ui, nb.name, outputs.map(outputSignature), nb.expected, []);
        }
        console.log(
          `${kernel} kernel, classic UI round ${
            r + 1
          }/${uiRounds}: ${ui.differ} of ${ui.executions} differ so far`,
        );
      }
      await browser.close();
      results.push([kernel, "classic Notebook UI", ui]);
    }
  } finally {
    await server.stop();
  }
}
if ((await mtimes()) !== before) throw new Error("a notebook file changed during the benchmark");

const label = (k: string) => k === "course" ? "course (proxy)" : "plain `deno jupyter`";
const lines = [
  `${cellCount} code cells in ${notebooks.length} notebooks; ${
    new Date().toISOString().slice(0, 10)
  }, Deno ${Deno.version.deno}.`,
  "",
  "| kernel | front end | executions | cells that differ | no/too few outputs | extra outputs | never finished | late messages | s per execution |",
  "| --- | --- | --: | --: | --: | --: | --: | --- | --: |",
  ...results.filter(([, , t]) => t.executions > 0).map(([k, fe, t]) =>
    `| ${label(k)} | ${fe} | ${t.executions} | ${t.differ} (${
      (100 * t.differ / t.executions).toFixed(1)
    } %) | ${t.lost} | ${t.extra} | ${t.hung} | ${
      [...t.late].map(([type, n]) => `${type} ${n}`).join(", ") || "none"
    } | ${(t.seconds / t.executions).toFixed(3)} |`
  ),
];
console.log("\n" + lines.join("\n"));
for (const [k, fe, t] of results) {
  for (const e of t.examples) console.log(`  ${k}, ${fe}: ${e}`);
}
Deno.exit(results.some(([k, , t]) => k === "course" && t.differ > 0) ? 1 : 0);
