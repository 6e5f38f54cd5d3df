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

/** A line of a file outside the answer regions, with its 1-based number. */
export interface Line {
  n: number;
  text: string;
}

/** An answer region: the name on its BEGIN line and the lines between the markers. */
export interface Answer {
  name: string;
  lines: string[];
}

/** Splits a file into the lines outside answer regions and the regions themselves. */
export function regions(source: string, file: string): { outside: Line[]; answers: Answer[] } {
  const outside: Line[] = [];
  const answers: Answer[] = [];
  let current: Answer | undefined;
  source.split("\n").forEach((text, i) => {
    const begin = BEGIN.exec(text);
    if (begin) {
      if (current) throw new Error(`${file}:${i + 1}: BEGIN YOUR CODE inside another region`);
      current = { name: begin[2], lines: [] };
      outside.push({ n: i + 1, text });
    } else if (END.test(text)) {
      if (!current) throw new Error(`${file}:${i + 1}: END YOUR CODE without a BEGIN`);
      answers.push(current);
      current = undefined;
      outside.push({ n: i + 1, text });
    } else if (current) current.lines.push(text);
    else outside.push({ n: i + 1, text });
  });
  if (current) throw new Error(`${file}: the region of ${current.name} is never closed`);
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
export function skeletonLines(source: string, file = "file"): Line[] {
  return regions(source, file).outside.filter((l) =>
    l.text.trim() !== "" && l.text.trim() !== TODO_IMPORT && l.text.trim() !== LINT_IGNORE
  );
}

export function skeleton(source: string, file = "file"): string {
  return skeletonLines(source, file).map((l) => l.text).join("\n");
}

/** The first skeleton line where `file` differs from `released`, or undefined. */
export function firstDifference(
  released: string,
  source: string,
  file = "file",
): { line: number; have: string; want: string } | undefined {
  const want = skeletonLines(released, "released");
  const have = skeletonLines(source, file);
  const k = want.findIndex((l, i) => l.text !== have[i]?.text);
  if (k < 0 && want.length === have.length) return undefined;
  const at = k < 0 ? want.length : k;
  return {
    line: have[at]?.n ?? source.split("\n").length,
    have: have[at]?.text.trim() ?? "(end of file)",
    want: want[at]?.text.trim() ?? "(end of file)",
  };
}

/**
 * The released exercise with each answer region replaced by the region of the same name in
 * `source` (a learner's file): exactly what a learner wrote between the markers, and nothing
 * they changed elsewhere. `missing` names the regions `source` lacks (their stubs stay).
 */
export function splice(
  released: string,
  source: string,
  file = "file",
): { text: string; missing: string[] } {
  const mine = new Map<string, string[]>();
  for (const a of regions(source, file).answers) if (!mine.has(a.name)) mine.set(a.name, a.lines);
  const out: string[] = [];
  const missing: string[] = [];
  let inside = false;
  for (const line of released.split("\n")) {
    const begin = BEGIN.exec(line);
    if (begin) {
      out.push(line);
      const answer = mine.get(begin[2]);
      if (answer) {
        out.push(...answer);
        inside = true;
      } else missing.push(begin[2]);
    } else if (END.test(line)) {
      inside = false;
      out.push(line);
    } else if (!inside) out.push(line);
  }
  return { text: out.join("\n"), missing };
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
    const diff = firstDifference(solution, exercise, `exercises/${name}.ts`);
    if (diff) {
      problems.push(
        `exercises/${name}.ts differs from solutions/${name}.ts outside the answer regions, ` +
          `first at line ${diff.line}:\n  solution: ${diff.want}\n  exercise: ${diff.have}`,
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
