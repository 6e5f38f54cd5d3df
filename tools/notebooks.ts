/**
 * `deno task notebooks [--kernel tslab] [NAME ...]`: executes the notebooks top to bottom on the
 * Deno kernel (into dist/executed/; with `--kernel tslab`, on tslab into dist/executed-tslab/)
 * and verifies their outputs: every code cell not tagged `no-output` has an output, no cell
 * failed unless tagged `raises-exception`, figures carry all three MIME views, and no
 * plain-text output holds ANSI colour codes.
 */

import { executeNotebooks, type KernelName, ROOT, selectNotebooks } from "./jupyter.ts";
import { prepareTslab } from "./node/tslab.ts";
import { PLOTLY_MIME } from "../lib/display/plot.ts";
import { joined as text, type Notebook } from "./nbformat.ts";

export const EXECUTED = `${ROOT}dist/executed`;

/** Where the executed notebooks of `kernel` go. */
export const executedDir = (kernel: KernelName) =>
  kernel === "deno" ? EXECUTED : `${EXECUTED}-${kernel}`;

/** What is wrong with an executed notebook's outputs; empty when all is well. */
export function verifyOutputs(notebook: Notebook, name: string): string[] {
  const problems: string[] = [];
  let index = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    index++;
    const tags = cell.metadata.tags ?? [];
    const outputs = cell.outputs ?? [];
    const where = `${name}, code cell ${index} (${text(cell.source).split("\n")[0].slice(0, 50)})`;
    if (!tags.includes("no-output") && outputs.length === 0) problems.push(`${where}: no output`);
    for (const o of outputs) {
      if (o.output_type === "error" && !tags.includes("raises-exception")) {
        problems.push(`${where}: ${o.ename}: ${o.evalue}`);
      }
      const plain = o.data ? text(o.data["text/plain"] as string) : text(o.text);
      if (plain.includes("\u001b[")) problems.push(`${where}: ANSI colour codes in text output`);
      if (o.data && PLOTLY_MIME in o.data) {
        for (const mime of ["text/html", "text/plain"]) {
          if (!(mime in o.data)) problems.push(`${where}: figure without ${mime}`);
        }
      }
    }
  }
  return problems;
}

/**
 * Executes and verifies; returns one line per notebook, the problems found, and each
 * notebook's execution time in seconds.
 */
export async function runNotebooks(
  paths: string[],
  { kernel = "deno" }: { kernel?: KernelName } = {},
): Promise<{ lines: string[]; problems: string[]; seconds: Map<string, number> }> {
  const out = executedDir(kernel);
  if (kernel === "tslab") await prepareTslab(`${ROOT}dist/jupyter`);
  const results = await executeNotebooks(paths, out, { kernel });
  const lines: string[] = [];
  const problems: string[] = [];
  const seconds = new Map<string, number>();
  for (const r of results) {
    const name = r.notebook.split("/").pop()!;
    const found = r.ok
      ? verifyOutputs(JSON.parse(await Deno.readTextFile(`${out}/${name}`)), name)
      : [`${name}: ${r.error}`];
    problems.push(...found);
    seconds.set(name, r.seconds);
    lines.push(`${found.length ? "✗" : "✓"} ${name}  ${r.seconds.toFixed(1)} s`);
  }
  return { lines, problems, seconds };
}

if (import.meta.main) {
  const args = [...Deno.args];
  const at = args.indexOf("--kernel");
  const kernel = at >= 0 ? args.splice(at, 2)[1] : "deno";
  if (kernel !== "deno" && kernel !== "tslab") {
    console.error(`--kernel must be deno or tslab, not ${kernel}`);
    Deno.exit(2);
  }
  const paths = await selectNotebooks(args).catch((e: Error) => {
    console.error(e.message);
    Deno.exit(2);
  });
  const { lines, problems } = await runNotebooks(paths, { kernel });
  console.log(lines.join("\n"));
  for (const p of problems) console.error(`  ${p}`);
  Deno.exit(problems.length ? 1 : 0);
}
