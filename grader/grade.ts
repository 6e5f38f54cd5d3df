/**
 * Grades learner files: every check runs the learner's function in the sandbox and compares
 * the result with the reference computed here. Whatever the learner's code does, each check
 * ends in a {@link CheckResult} with a message, and a point is given only for a match.
 */

import { compare } from "./compare.ts";
import { Sandbox } from "./sandbox.ts";
import {
  type Check,
  type CheckResult,
  type CourseResult,
  DEFAULT_TIMEOUT_MS,
  type Exercise,
  type ExerciseResult,
} from "./types.ts";
import { EXERCISES } from "../test/checks/mod.ts";

export const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

export function findExercise(name: string): Exercise {
  const exercise = EXERCISES.find((e) => e.name === name);
  if (!exercise) {
    throw new Error(
      `there is no exercise named "${name}"; the exercises are: ${
        EXERCISES.map((e) => e.name).join(", ")
      }`,
    );
  }
  return exercise;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function runCheck(sandbox: Sandbox, check: Check, file: string): Promise<CheckResult> {
  const started = performance.now();
  const base = { name: check.name, maxScore: check.points, hidden: !!check.hidden };
  const done = (status: CheckResult["status"], message: string): CheckResult => ({
    ...base,
    score: status === "passed" ? check.points : 0,
    status,
    message,
    hint: status === "passed" ? undefined : check.hint,
    ms: Math.round(performance.now() - started),
  });
  const ms = check.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const outcome = await sandbox.call(check.fn, check.args, ms);
  switch (outcome.kind) {
    case "unloadable":
      return done("error", `${file}: ${outcome.error}`);
    case "missing":
      return done("error", `${file} ${outcome.error}`);
    case "timeout":
      return done("timeout", `${check.fn} did not return within ${ms / 1000} s (an endless loop?)`);
    case "crashed":
      return done("crashed", `${check.fn} stopped the sandbox: ${outcome.error}`);
    case "threw":
      return outcome.notImplemented
        ? done(
          "not implemented",
          `${
            /(\w+) is not implemented/.exec(outcome.error)?.[1] ?? check.fn
          } is not implemented yet`,
        )
        : done("error", `${check.fn} threw ${outcome.error}`);
  }
  const miss = compare(outcome.value, check.expected, {
    rtol: check.rtol ?? 1e-9,
    atol: check.atol ?? 1e-12,
  });
  if (!miss) return done("passed", "");
  const parts = [`${check.fn}: ${miss.problem}`];
  if (!check.hidden && miss.detail) parts.push(`(${miss.detail})`);
  if (check.hidden) parts.push("(hidden check: the reference values are not shown)");
  let mistake: string | undefined;
  try {
    mistake = check.diagnose?.(outcome.value);
  } catch {
    // A diagnosis is a courtesy: one that cannot be computed for this answer says nothing.
  }
  if (mistake) parts.push(`— ${mistake}`);
  return done("failed", parts.join(" "));
}

/** Type-checks learner files in one `deno check` run; returns diagnostics per file. */
export async function typeCheck(files: string[]): Promise<Map<string, string[]>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "--no-config", ...files],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr);
  const byFile = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const block of text.split(/\n(?=TS\d+ )/)) {
    const file = files.find((f) => block.includes(f));
    if (file && /^TS\d+ /.test(block)) {
      byFile.get(file)!.push(
        block.trim().split("\n").filter((l) => l.trim()).slice(0, 3).join(" ").replace(/\s+/g, " "),
      );
    }
  }
  return byFile;
}

/** Grades one exercise in `dir` (exercises/ or solutions/). */
export async function gradeExercise(
  exercise: Exercise,
  dir: string,
  typeErrors: string[] = [],
): Promise<ExerciseResult> {
  const file = `${dir}/${exercise.name}.ts`;
  const shown = file.replace(ROOT, "");
  const checks = exercise.checks();
  const results: CheckResult[] = [];
  if (!(await exists(file))) {
    for (const c of checks) {
      results.push({
        name: c.name,
        score: 0,
        maxScore: c.points,
        status: "error",
        message: `${shown} is missing: restore it from the course repository`,
        hint: c.hint,
        hidden: !!c.hidden,
        ms: 0,
      });
    }
  } else {
    const sandbox = new Sandbox(file);
    try {
      for (const c of checks) results.push(await runCheck(sandbox, c, shown));
    } finally {
      sandbox.close();
    }
  }
  return {
    name: exercise.name,
    title: exercise.title,
    file: shown,
    score: results.reduce((s, r) => s + r.score, 0),
    maxScore: results.reduce((s, r) => s + r.maxScore, 0),
    checks: results,
    typeErrors,
  };
}

/** Grades several exercises (all by default), two at a time. */
export async function gradeCourse(dir: string, names?: string[]): Promise<CourseResult> {
  const exercises = names ? names.map(findExercise) : EXERCISES;
  const files = exercises.map((e) => `${dir}/${e.name}.ts`);
  const present: string[] = [];
  for (const f of files) if (await exists(f)) present.push(f);
  const diagnostics = present.length ? await typeCheck(present) : new Map<string, string[]>();
  const results: ExerciseResult[] = new Array(exercises.length);
  let next = 0;
  const worker = async () => {
    while (next < exercises.length) {
      const i = next++;
      results[i] = await gradeExercise(exercises[i], dir, diagnostics.get(files[i]) ?? []);
    }
  };
  await Promise.all([worker(), worker()]);
  return {
    exercises: results,
    score: results.reduce((s, r) => s + r.score, 0),
    maxScore: results.reduce((s, r) => s + r.maxScore, 0),
  };
}
