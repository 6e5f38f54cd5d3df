/**
 * `deno task release [NAME ...] [--check]`: writes exercises/ from solutions/.
 *
 * In a solution, each answer sits between `// BEGIN YOUR CODE: fn` and `// END YOUR CODE`.
 * The released exercise keeps everything else (doc comments, signatures, types) and replaces
 * each answer with `return todo("fn");`, keeping any `// hint:` lines. So exercises cannot
 * drift from solutions: `--check` fails if any exercise differs from its solution anywhere
 * outside the answer regions, which is also what the test suite runs (a learner's own answers,
 * inside the regions, never make it fail).
 */

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);
const BEGIN = /^(\s*)\/\/ BEGIN YOUR CODE: (\w+)\s*$/;
const END = /^\s*\/\/ END YOUR CODE\s*$/;
const TODO_IMPORT = `import { todo } from "../lib/core/todo.ts";`;
/** Stubs leave their parameters unused until the learner writes the body. */
const LINT_IGNORE = "// deno-lint-ignore-file no-unused-vars";

/** Splits a file into the text outside answer regions and the regions themselves. */
function regions(source: string, file: string): { outside: string[]; answers: string[][] } {
  const outside: string[] = [];
  const answers: string[][] = [];
  let current: string[] | undefined;
  source.split("\n").forEach((line, i) => {
    if (BEGIN.test(line)) {
      if (current) throw new Error(`${file}:${i + 1}: BEGIN YOUR CODE inside another region`);
      current = [];
      outside.push(line);
    } else if (END.test(line)) {
      if (!current) throw new Error(`${file}:${i + 1}: END YOUR CODE without a BEGIN`);
      answers.push(current);
      current = undefined;
      outside.push(line);
    } else if (current) current.push(line);
    else outside.push(line);
  });
  if (current) throw new Error(`${file}: a BEGIN YOUR CODE region is never closed`);
  return { outside, answers };
}

/** The exercise released from a solution's source. */
export function release(solution: string, file = "solution"): string {
  const out: string[] = [];
  let inside = false;
  for (const line of solution.split("\n")) {
    const begin = BEGIN.exec(line);
    if (begin) {
      inside = true;
      out.push(line, `${begin[1]}return todo("${begin[2]}");`);
    } else if (END.test(line)) {
      inside = false;
      out.push(line);
    } else if (!inside) out.push(line);
    else if (/^\s*\/\/ hint:/.test(line)) out.splice(out.length - 1, 0, line);
  }
  regions(solution, file); // validates the markers
  const text = out.join("\n");
  // After the module's doc comment, if it opens with one.
  const at = text.startsWith("/**") ? text.indexOf("*/") + 3 : 0;
  return `${text.slice(0, at)}\n${LINT_IGNORE}\n${TODO_IMPORT}\n${text.slice(at)}`;
}

/** The non-blank lines outside answer regions, less what release adds: what must never drift. */
export function skeleton(source: string, file = "file"): string {
  return regions(source, file).outside
    .filter((l) => l.trim() !== "" && l.trim() !== TODO_IMPORT && l.trim() !== LINT_IGNORE)
    .join("\n");
}

async function solutionNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(`${ROOT}solutions`)) {
    if (e.isFile && e.name.endsWith(".ts")) names.push(e.name.slice(0, -3));
  }
  return names.sort();
}

/** Problems with exercises/ against solutions/, one message per file; empty when in step. */
export async function checkReleased(names?: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const name of names ?? await solutionNames()) {
    const solution = await Deno.readTextFile(`${ROOT}solutions/${name}.ts`);
    let exercise: string;
    try {
      exercise = await Deno.readTextFile(`${ROOT}exercises/${name}.ts`);
    } catch {
      problems.push(`exercises/${name}.ts is missing (run \`deno task release ${name}\`)`);
      continue;
    }
    const want = skeleton(solution, `solutions/${name}.ts`).split("\n");
    const have = skeleton(exercise, `exercises/${name}.ts`).split("\n");
    const i = want.findIndex((line, k) => line !== have[k]);
    if (i >= 0 || want.length !== have.length) {
      const k = i >= 0 ? i : Math.min(want.length, have.length);
      problems.push(
        `exercises/${name}.ts differs from solutions/${name}.ts outside the answer regions, ` +
          `first at skeleton line ${k + 1}:\n  solution: ${want[k] ?? "(end)"}\n  exercise: ${
            have[k] ?? "(end)"
          }`,
      );
    }
  }
  return problems;
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  const names = Deno.args.filter((a) => !a.startsWith("--"));
  if (check) {
    const problems = await checkReleased(names.length ? names : undefined);
    for (const p of problems) console.error(p);
    console.log(
      problems.length
        ? `${problems.length} exercise(s) out of step`
        : "exercises are in step with solutions",
    );
    Deno.exit(problems.length ? 1 : 0);
  }
  for (const name of names.length ? names : await solutionNames()) {
    const solution = await Deno.readTextFile(`${ROOT}solutions/${name}.ts`);
    await Deno.writeTextFile(
      `${ROOT}exercises/${name}.ts`,
      release(solution, `solutions/${name}.ts`),
    );
    console.log(`wrote exercises/${name}.ts`);
  }
}
