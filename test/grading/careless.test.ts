/**
 * A careless learner breaks things without trying: a Matrix whose data was replaced by an
 * array of the wrong size, a missing `return`, a helper written outside the answer regions,
 * deleted markers. Each costs exactly the checks it touches, with a message that says what
 * happened; the rest of the exercise, and of the course, is graded as usual.
 */

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ROOT } from "../../grader/grade.ts";
import { EXERCISES } from "../checks/mod.ts";
import { exercisesDir, grade, solution, split, withAnswer } from "./learner.ts";
import type { ExerciseResult } from "../../grader/types.ts";

// Each grade starts processes; on a machine loaded by the whole suite that takes a while.
vi.setConfig({ testTimeout: 120_000 });
let parent: string;
beforeAll(async () => {
  parent = await Deno.makeTempDir({ prefix: "careless-" });
});
afterAll(async () => {
  await Deno.remove(parent, { recursive: true });
});

/** Every check touching `fn` fails with `message`; every other check passes. */
function expectOnly(r: ExerciseResult, fn: string, status: string, message: RegExp) {
  const { touched, others } = split(r, fn);
  expect(touched.length).toBeGreaterThan(0);
  for (const c of touched) {
    expect(c, c.message).toMatchObject({ score: 0, status });
    expect(c.message).toMatch(message);
  }
  expect(others.length).toBeGreaterThan(0);
  for (const c of others) expect(c, c.message).toMatchObject({ status: "passed" });
}

/** The neuron solution with a windowVector that replaces its Matrix's data (a 3-value array). */
async function wrongSizedData(): Promise<string> {
  return withAnswer(
    await solution("neuron"),
    "windowVector",
    "  const out = new Matrix(1, window.length * embeddings.cols);\n" +
      "  (out as unknown as { data: Float64Array }).data = new Float64Array(3);\n" +
      "  return out;",
  );
}

describe("careless answers cost only their own checks", () => {
  it("a Matrix whose data does not fit its shape", async () => {
    const r = await grade(parent, "neuron", await wrongSizedData());
    expectOnly(
      r,
      "windowVector",
      "error",
      /windowVector returned a value the grader cannot read: a 1×\d+ Matrix whose data holds 3 values \(a 1×\d+ Matrix needs \d+\)/,
    );
  });

  it("a missing return", async () => {
    const r = await grade(
      parent,
      "activations",
      withAnswer(await solution("activations"), "relu", "  xs.map((x) => (x > 0 ? x : 0));"),
    );
    expectOnly(r, "relu", "failed", /relu: result is undefined, expected an array of \d+ numbers/);
  });

  it("a value of another kind (a Map)", async () => {
    const r = await grade(
      parent,
      "hinge",
      withAnswer(
        await solution("hinge"),
        "pairwiseHinge",
        '  return new Map([["loss", o.margin]]) as unknown as ReturnType<typeof pairwiseHinge>;',
      ),
    );
    expectOnly(r, "pairwiseHinge", "failed", /pairwiseHinge: result has no field "\w+"/);
  });

  it("a helper written outside the answer regions: not graded, and the report says why", async () => {
    const source =
      withAnswer(await solution("ema"), "alphaCorrection", "  return helper(t, alpha);") +
      "\nfunction helper(t: number, alpha: number): number {\n  return 1 - (1 - alpha) ** t;\n}\n";
    const r = await grade(parent, "ema", source);
    expectOnly(
      r,
      "alphaCorrection",
      "error",
      /alphaCorrection threw ReferenceError: helper is not defined/,
    );
    expect(r.notes.join("\n")).toMatch(
      /differs from the released exercise outside the answer regions \(first at line \d+: "function helper\(t: number, alpha: number\): number \{" where the release has "\(end of file\)"\)\. Only the code between BEGIN YOUR CODE and END YOUR CODE is graded/,
    );
  });

  it("the markers of one answer deleted: that answer is graded as not written", async () => {
    const source = (await solution("ema")).replace(
      /\s*\/\/ BEGIN YOUR CODE: alphaCorrection\n([\s\S]*?)\n\s*\/\/ END YOUR CODE/,
      "\n$1",
    );
    const r = await grade(parent, "ema", source);
    expectOnly(r, "alphaCorrection", "not implemented", /alphaCorrection is not implemented yet/);
    expect(r.notes.join("\n")).toMatch(/has no answer region for alphaCorrection/);
  });

  it("markers that do not pair up: every check says so, and the grade still ends", async () => {
    const source = (await solution("ema")).replace(/\n\s*\/\/ END YOUR CODE/, "");
    const r = await grade(parent, "ema", source);
    expect(r.score).toBe(0);
    for (const c of r.checks) {
      expect(c.status).toBe("error");
      expect(c.message).toMatch(/markers do not pair up \(.*BEGIN YOUR CODE inside another region/);
    }
  });
});

it("export removed from an answer's function: the released file is graded all the same", async () => {
  const source = (await solution("ema")).replace(
    "export function alphaCorrection",
    "function alphaCorrection",
  );
  const r = await grade(parent, "ema", source);
  expect(r.score).toBe(r.maxScore);
  expect(r.notes.join("\n")).toMatch(/first at line \d+: "function alphaCorrection\(/);
});

describe("deno task grade survives any one answer", () => {
  it("grades every other exercise, writes results.json and exits 0", async () => {
    const dir = await exercisesDir(parent);
    for (const e of EXERCISES) {
      await Deno.writeTextFile(`${dir}/${e.name}.ts`, await solution(e.name));
    }
    await Deno.writeTextFile(`${dir}/neuron.ts`, await wrongSizedData());
    const json = `${parent}/results.json`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}grader/cli.ts`, "--dir", dir, "--json", json],
      env: { NO_COLOR: "1" },
    }).output();
    expect(out.code, new TextDecoder().decode(out.stderr)).toBe(0);
    const results = JSON.parse(await Deno.readTextFile(json));
    const failed = results.tests.filter((t: { status: string }) => t.status !== "passed");
    expect(failed.map((t: { name: string }) => t.name)).toEqual([
      "neuron: windowVector: 5 words of 4 dimensions → 1×20",
      "neuron: windowVector: 7 words of 8 dimensions → 1×56",
    ]);
    expect(results.score).toBe(results.max_score - 3);
  });
});
