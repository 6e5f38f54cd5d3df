/**
 * Type-checks and lints the notebooks' code cells, which `deno check` and `deno lint` refuse
 * to read from .ipynb: each notebook's code cells are written, in order, to
 * dist/nbcheck/NAME.ts (a module, as the kernel runs them), then checked and linted there.
 * Errors point at the cell: every cell starts with a `// cell N` comment.
 */

import { listNotebooks, ROOT, run } from "./jupyter.ts";

const OUT = `${ROOT}dist/nbcheck`;

/** The code cells of a notebook as one TypeScript module. */
export function notebookModule(
  notebook: { cells: { cell_type: string; source: string | string[] }[] },
): string {
  const parts: string[] = [];
  notebook.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    parts.push(`// cell ${i + 1}\n${source.replaceAll('"../', '"../../')}\n`);
  });
  return parts.join("\n") + "\nexport {};\n";
}

if (import.meta.main) {
  await Deno.mkdir(OUT, { recursive: true });
  const files: string[] = [];
  for (const path of await listNotebooks()) {
    const name = path.split("/").pop()!.replace(/\.ipynb$/, "");
    const file = `${OUT}/${name}.ts`;
    await Deno.writeTextFile(file, notebookModule(JSON.parse(await Deno.readTextFile(path))));
    files.push(file);
  }
  let failed = false;
  for (
    const [what, args] of [["check", ["check", ...files]], ["lint", [
      "lint",
      "--no-config",
      ...files,
    ]]] as const
  ) {
    const out = await run(Deno.execPath(), [...args], { cwd: ROOT });
    if (out.code !== 0) {
      failed = true;
      console.error(`deno ${what} of notebook cells failed:\n${out.stdout}${out.stderr}`);
    }
  }
  console.log(
    `${files.length} notebook(s): code cells ${
      failed ? "have problems" : "type-check and lint clean"
    }`,
  );
  Deno.exit(failed ? 1 : 0);
}
