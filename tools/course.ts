/**
 * What the tools read off a notebook and the exercises: a notebook's title, its subtitle (the
 * "Part · notebook" line), the exercise it grades, and the functions an exercise asks for.
 */

import { ROOT } from "./jupyter.ts";
import { type Cell, joined } from "./nbformat.ts";

export interface NotebookInfo {
  /** File name without `.ipynb`, e.g. `10_ema_bias_correction`. */
  name: string;
  title: string;
  /** The italic line under the title, e.g. "Part B · Optimisation — notebook 10". */
  subtitle: string;
  /** The exercise graded by the notebook's `await check("NAME")`, if any. */
  exercise?: string;
}

export function notebookInfo(name: string, cells: Cell[]): NotebookInfo {
  const first = joined(cells.find((c) => c.cell_type === "markdown")?.source);
  const exercise = cells.map((c) => joined(c.source).match(/\bcheck\(\s*"([\w-]+)"/)?.[1])
    .find(Boolean);
  return {
    name,
    title: first.match(/^#\s+(.+)$/m)?.[1].trim() ?? name,
    subtitle: first.match(/^_([^_\n]+)_\s*$/m)?.[1].trim() ?? "",
    exercise,
  };
}

/** The functions an exercise asks for (its `// BEGIN YOUR CODE: fn` markers), in file order. */
export async function exerciseFunctions(exercise: string, dir = `${ROOT}exercises`) {
  const source = await Deno.readTextFile(`${dir}/${exercise}.ts`);
  return [...source.matchAll(/\/\/ BEGIN YOUR CODE: (\w+)/g)].map((m) => m[1]);
}
