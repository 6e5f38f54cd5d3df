/**
 * Every learner process ends with the grader: on a normal end, when grading throws, on
 * Ctrl-C (SIGINT), on SIGTERM, and even when the grader is killed outright (SIGKILL).
 * Learner processes are found through /proc (Linux, where the course is graded).
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findExercise, gradeExercise, ROOT } from "../../grader/grade.ts";
import { liveCount } from "../../grader/processes.ts";
import { release } from "../../tools/release.ts";
import { EXERCISES } from "../checks/mod.ts";
import { exercisesDir, solution, writeLearner } from "./learner.ts";

let parent: string;
let loops: string;
beforeAll(async () => {
  parent = await Deno.makeTempDir({ prefix: "processes-" });
  // Every answer of every exercise spins for ever.
  loops = await exercisesDir(parent);
  for (const e of EXERCISES) {
    const released = release(await solution(e.name));
    await Deno.writeTextFile(
      `${loops}/${e.name}.ts`,
      released.replace(/return todo\("\w+"\);/g, "while (true) { /* spin */ }"),
    );
  }
});
afterAll(async () => {
  await Deno.remove(parent, { recursive: true });
});

/** The state letter of process `pid` (R, S, Z, …), or undefined once it is gone. */
function state(pid: number): string | undefined {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/stat`).replace(/^.*\) /s, "")[0];
  } catch {
    return undefined;
  }
}

/** The processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`).replace(/^.*\) /s, "");
      if (Number(stat.split(" ")[1]) === pid) out.push(Number(e.name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const alive = (pid: number) => ![undefined, "Z", "X"].includes(state(pid));

function isSandbox(pid: number): boolean {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes("grader/child.ts");
  } catch {
    return false;
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether every learner process of this one has exited within a second. */
async function exitedSoon(): Promise<boolean> {
  for (let i = 0; i < 20 && liveCount() > 0; i++) await sleep(50);
  return liveCount() === 0;
}

/** Starts `deno task grade` on the looping answers; resolves once sandboxes are running. */
async function startGrader(): Promise<{ child: Deno.ChildProcess; learners: number[] }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}grader/cli.ts`, "--dir", loops],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 300; i++) {
    await sleep(100);
    const learners = childrenOf(child.pid).filter(alive);
    if (learners.filter(isSandbox).length >= 2) return { child, learners };
  }
  throw new Error("the grader did not start two sandboxes within 30 s");
}

describe("learner processes end with the grader", () => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
    it(`when it gets ${signal}`, async () => {
      const { child, learners } = await startGrader();
      child.kill(signal);
      const status = await child.status;
      expect(status.success).toBe(false);
      await sleep(500);
      expect(learners.filter(alive)).toEqual([]);
    }, 90_000);
  }

  it("when grading throws, and at a normal end", async () => {
    const ema = findExercise("ema");
    const circular: unknown[] = [];
    circular.push(circular);
    const throwing = {
      ...ema,
      // A first check starts the sandbox; the second cannot even be sent.
      checks: () => [ema.checks()[0], { ...ema.checks()[0], args: [circular, 0.9] }],
    };
    const dir = await writeLearner(parent, "ema", await solution("ema"));
    await expect(gradeExercise(throwing, dir)).rejects.toThrow(/nested more than/);
    expect(await exitedSoon()).toBe(true);
    const r = await gradeExercise(ema, dir);
    expect(r.score).toBe(r.maxScore);
    expect(await exitedSoon()).toBe(true);
  });
});
