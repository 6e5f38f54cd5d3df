/**
 * The short version of `deno task bench:outputs`: three notebooks run through
 * `@jupyterlab/services` (the kernel client JupyterLab uses) against a Jupyter server with the
 * course's kernel, once as "Run All" and once cell by cell; every cell must show exactly what
 * a clean headless run of the same notebooks shows, with no message arriving after its cell has
 * closed. (On the plain Deno kernel about one cell in twenty loses or gains an output this way:
 * bench/RESULTS.md.)
 */

import { afterAll, beforeAll, expect, it } from "vitest";
import { outputSignature, runCells, type Server, startServer } from "../../tools/frontend.ts";
import { executeNotebooks, listNotebooks } from "../../tools/jupyter.ts";
import { joined, type Notebook } from "../../tools/nbformat.ts";

const all = await listNotebooks();
const picked = ["03", "07", "10"].map((n) => all.find((p) => p.includes(`/${n}_`)))
  .filter((p) => p !== undefined);
const paths = picked.length === 3 ? picked : all.slice(0, 3);
let server: Server;
let reference: { name: string; codes: string[]; expected: string[] }[];

beforeAll(async () => {
  const dir = await Deno.makeTempDir({ prefix: "outputs-reference-" });
  const results = await executeNotebooks(paths, dir);
  expect(results.filter((r) => !r.ok)).toEqual([]);
  reference = await Promise.all(paths.map(async (path) => {
    const name = path.split("/").pop()!;
    const nb: Notebook = JSON.parse(await Deno.readTextFile(`${dir}/${name}`));
    const code = nb.cells.filter((c) => c.cell_type === "code");
    return {
      name,
      codes: code.map((c) => joined(c.source)),
      expected: code.map((c) => outputSignature(c.outputs ?? [])),
    };
  }));
  server = await startServer();
}, 300_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

it.each([["Run All", true], ["cell by cell", false]] as const)(
  "a front end sees every output of every cell (%s)",
  async (_, runAll) => {
    const differ: string[] = [];
    let executions = 0;
    for (const nb of reference) {
      const { cells } = await runCells(server, nb.name, nb.codes, { runAll });
      cells.forEach((cell, i) => {
        executions++;
        const got = outputSignature(cell.outputs);
        if (got !== nb.expected[i] || cell.late.length || cell.hung) {
          differ.push(`${nb.name} code cell ${i + 1}: ${got.slice(0, 100)} late ${cell.late}`);
        }
      });
    }
    expect(executions).toBeGreaterThan(20);
    expect(differ).toEqual([]);
  },
  240_000,
);
