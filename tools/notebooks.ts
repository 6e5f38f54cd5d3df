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
import { joined as text, type Notebook, type Output } from "./nbformat.ts";

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
 * What a code cell shows beyond plain text, kernel-neutral: for each rich output (one with a
 * MIME type besides `text/plain`: figures, tables, grading reports), its MIME types and its
 * text view, numbers masked (the last digits of a float may differ between V8 versions), with
 * the rules and spaces that pad them collapsed. Deno returns a value as `execute_result` and tslab as `display_data`, and
 * plain values come back from tslab as printed text: neither is a difference here.
 */
export function richSignature(outputs: Output[]): string[] {
  return outputs.filter((o) => o.data && Object.keys(o.data).some((m) => m !== "text/plain"))
    .map((o) =>
      `${Object.keys(o.data!).sort().join(",")} ${
        text(o.data!["text/plain"] as string).replace(/\d+(\.\d+)?/g, "#").replace(/-{2,}/g, "--")
          .replace(/\s+/g, " ")
      }`
    );
}

/** Where two executions of a notebook (Deno's and tslab's) differ in their rich outputs. */
export function richDifferences(a: Notebook, b: Notebook, name: string): string[] {
  const code = (n: Notebook) => n.cells.filter((c) => c.cell_type === "code");
  const [ca, cb] = [code(a), code(b)];
  if (ca.length !== cb.length) return [`${name}: ${ca.length} code cells against ${cb.length}`];
  const problems: string[] = [];
  ca.forEach((cell, i) => {
    const [sa, sb] = [richSignature(cell.outputs ?? []), richSignature(cb[i].outputs ?? [])];
    if (JSON.stringify(sa) !== JSON.stringify(sb)) {
      problems.push(
        `${name}, code cell ${i + 1}: ${JSON.stringify(sa)} against ${JSON.stringify(sb)}`,
      );
    }
  });
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
