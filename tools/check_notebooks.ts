/**
 * Checks the notebooks as source: formatting, and type checks and lint of their code cells.
 *
 * - Formatting goes through `deno fmt --ext ipynb -` (stdin): `deno fmt --check` reports
 *   correctly formatted notebooks as unformatted when its cache is cold (Deno 2.9), so the
 *   suite's format step leaves notebooks to this tool.
 * - The grading cell (`await check(…)`) is left out of the slides (`slide_type: skip`).
 * - Questions at the end and speaker notes follow tools/notebook_rules.ts (answers in
 *   solutions/answers/NAME.md).
 * - `deno check` and `deno lint` refuse .ipynb: each notebook's code cells are written, in
 *   order, to dist/nbcheck/NAME.ts (a module, as the kernel runs them), then checked and linted
 *   there. Errors point at the cell: every cell starts with a `// cell N` comment. The cells'
 *   `@course/…` imports resolve through deno.json's import map, given to `deno check` as a file
 *   (dist/nbcheck/import_map.json), as the Deno kernel resolves them.
 */

import { listNotebooks, ROOT, run } from "./jupyter.ts";
import { notebookRuleProblems } from "./notebook_rules.ts";

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

/** True when `deno fmt` would leave the notebook as it is. */
async function formatted(path: string): Promise<boolean> {
  const source = await Deno.readFile(path);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "ipynb", "-"],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(source);
  await writer.close();
  const out = await child.output();
  return out.success && new TextDecoder().decode(out.stdout) === new TextDecoder().decode(source);
}

if (import.meta.main) {
  await Deno.mkdir(OUT, { recursive: true });
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  // The map's relative targets are relative to the map's own file.
  const imports = Object.fromEntries(
    Object.entries(config.imports as Record<string, string>)
      .map(([k, v]) => [k, v.startsWith("./") ? `../.${v}` : v]),
  );
  const importMap = `${OUT}/import_map.json`;
  await Deno.writeTextFile(importMap, JSON.stringify({ imports }, null, 2));
  const files: string[] = [];
  let failed = false;
  for (const path of await listNotebooks()) {
    const notebook = JSON.parse(await Deno.readTextFile(path));
    for (const cell of notebook.cells) {
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      if (/await check\(/.test(source) && cell.metadata?.slideshow?.slide_type !== "skip") {
        failed = true;
        console.error(`${path.replace(ROOT, "")}: the grading cell must be "skip" on slides`);
      }
    }
    if (!(await formatted(path))) {
      failed = true;
      console.error(
        `${path.replace(ROOT, "")} is not formatted: run \`deno fmt ${path.replace(ROOT, "")}\``,
      );
    }
    const name = path.split("/").pop()!.replace(/\.ipynb$/, "");
    const answers = await Deno.readTextFile(`${ROOT}solutions/answers/${name}.md`).catch(() =>
      undefined
    );
    for (const problem of notebookRuleProblems(name, notebook, answers)) {
      failed = true;
      console.error(problem);
    }
    const file = `${OUT}/${name}.ts`;
    await Deno.writeTextFile(file, notebookModule(notebook));
    files.push(file);
  }
  for (
    // --no-config: deno.json excludes dist/, and an excluded file given by name is skipped
    // ("No matching files found"), which would pass every notebook unchecked.
    const [what, args] of [["check", [
      "check",
      "--no-config",
      `--import-map=${importMap}`,
      ...files,
    ]], ["lint", [
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
    `${files.length} notebook(s): ${
      failed ? "have problems" : "formatted; code cells type-check and lint clean"
    }`,
  );
  Deno.exit(failed ? 1 : 0);
}
