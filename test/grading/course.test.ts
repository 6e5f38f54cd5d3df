/**
 * The course's own grading guarantees, for every registered exercise: the reference solutions
 * get full marks; the released (untouched) exercises get 0, with a message on every check;
 * exercises/ is in step with solutions/; the CLI writes a valid Gradescope results.json.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeCourse, type GradeOptions, ROOT } from "../../grader/grade.ts";
import { EXERCISES } from "../checks/mod.ts";
import { checkReleased, release } from "../../tools/release.ts";
import { exercisesDir } from "./learner.ts";

let parent: string;
let fresh: string;
/**
 * The whole suite loads the machine: these tests are about the verdicts, so the type checks and
 * the course get all the wall time they need.
 */
const COURSE_BUDGET_MS = 300_000;
const patient: GradeOptions = { typeCheckMs: 120_000, courseBudgetMs: COURSE_BUDGET_MS };
/**
 * A whole-course test waits as long as the grader may take: a course run, its type checks
 * included, ends by its budget whatever the number of exercises, plus 30 s to start and report.
 * (A fixed 150 s, set for 10 exercises, ran out on a loaded machine once there were 14.)
 */
const COURSE_TEST_MS = COURSE_BUDGET_MS + 30_000;

beforeAll(async () => {
  // Grade what a learner receives, whatever the working copy of exercises/ holds.
  parent = await Deno.makeTempDir({ prefix: "released-" });
  fresh = await exercisesDir(parent);
  for (const e of EXERCISES) {
    const solution = await Deno.readTextFile(`${ROOT}solutions/${e.name}.ts`);
    await Deno.writeTextFile(`${fresh}/${e.name}.ts`, release(solution));
  }
});
afterAll(async () => {
  await Deno.remove(parent, { recursive: true });
});

describe("every exercise", () => {
  it("has solutions that get full marks", async () => {
    const course = await gradeCourse(`${ROOT}solutions`, undefined, patient);
    for (const e of course.exercises) {
      for (const c of e.checks) {
        expect(c, `${e.name}: ${c.name}: ${c.message}`).toMatchObject({ status: "passed" });
      }
      expect(e.typeErrors).toEqual([]);
      expect(e.notes).toEqual([]);
    }
    expect(course.score).toBe(course.maxScore);
    expect(course.maxScore).toBeGreaterThan(0);
  }, COURSE_TEST_MS);

  it("gets 0 when untouched, with a message and a hint on every check", async () => {
    const course = await gradeCourse(fresh, undefined, patient);
    expect(course.score).toBe(0);
    for (const e of course.exercises) {
      expect(e.typeErrors).toEqual([]);
      expect(e.notes).toEqual([]);
      for (const c of e.checks) {
        expect(c.status).toBe("not implemented");
        expect(c.message).toMatch(/is not implemented yet/);
        // a hidden check's hint waits until the visible checks of its function pass
        if (!c.hidden) expect(c.hint?.length).toBeGreaterThan(10);
        else expect(c.hint).toBeUndefined();
        expect(c.maxScore).toBeGreaterThan(0);
      }
    }
  }, COURSE_TEST_MS);

  it("is in step with its solution outside the answer regions", async () => {
    expect(await checkReleased()).toEqual([]);
    // And every solution has a registered exercise with at least one check.
    const names = EXERCISES.map((e) => e.name);
    for await (const f of Deno.readDir(`${ROOT}solutions`)) {
      // solutions/answers/ holds the instructors' answers to the notebooks' questions
      if (f.isFile) expect(names).toContain(f.name.replace(/\.ts$/, ""));
    }
  });
});

describe("deno task grade", () => {
  it("writes Gradescope's results.json and reports per-check points", async () => {
    const json = `${parent}/results.json`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}grader/cli.ts`, "--solutions", "--json", json],
      env: { NO_COLOR: "1" },
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    expect(out.code).toBe(0);
    expect(text).toMatch(/Total: (\d+)\/\1 points \(100%\)/);
    const results = JSON.parse(await Deno.readTextFile(json));
    expect(results.score).toBe(results.max_score);
    expect(results.tests.length).toBeGreaterThan(0);
    for (const t of results.tests) {
      expect(Object.keys(t)).toEqual(
        expect.arrayContaining(["name", "score", "max_score", "output", "status"]),
      );
      expect(t.status).toBe("passed");
    }
  }, COURSE_TEST_MS);

  it("names the problem for an unknown exercise and exits 2", async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}grader/cli.ts`, "no_such_thing"],
      env: { NO_COLOR: "1" },
    }).output();
    expect(out.code).toBe(2);
    expect(new TextDecoder().decode(out.stderr)).toMatch(
      /there is no exercise named "no_such_thing"; the exercises are: .*\bema\b/,
    );
  });
});
