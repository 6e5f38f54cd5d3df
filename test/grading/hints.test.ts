/**
 * Tiered hints through the real grader and sandbox: a wrong backprop, graded three times in
 * the same folder, gets its mistakes named at once (each once, with the checks it cost) and
 * the formula only at the third failed attempt; the counts live in the folder's .attempts.json,
 * which the grader writes and the learner's code cannot.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeCourse } from "../../grader/grade.ts";
import { ATTEMPTS_FILE, HINT_UNLOCK_ATTEMPTS } from "../../grader/hints.ts";
import { exerciseHTML, exerciseText, gradescope } from "../../grader/report.ts";
import { solution, withAnswer, writeLearner } from "./learner.ts";
import { MISTAKE } from "../checks/backprop.ts";

let parent: string;
beforeAll(async () => {
  parent = await Deno.makeTempDir({ prefix: "hints-" });
});
afterAll(async () => {
  await Deno.remove(parent, { recursive: true });
});

/** The solution's body with `edits` applied (each must change it). */
async function backpropWith(...edits: [string, string][]): Promise<string> {
  const source = await solution("backprop");
  const body = /\/\/ BEGIN YOUR CODE: twoLayerLoss\n([\s\S]*?)\n\s*\/\/ END YOUR CODE/.exec(
    source,
  )![1];
  let edited = body;
  for (const [from, to] of edits) {
    if (!edited.includes(from)) throw new Error(`not in the solution: ${from}`);
    edited = edited.replace(from, to);
  }
  return withAnswer(source, "twoLayerLoss", edited);
}

const NO_MEAN: [string, string] = [
  "(e[c] / total - (c === y[n] ? 1 : 0)) / N",
  "e[c] / total - (c === y[n] ? 1 : 0)",
];
const TRANSPOSED_DW2: [string, string] = [
  "const dW2 = matmul(transpose(dscores), a1);",
  "const dW2 = matmul(transpose(a1), dscores);",
];

describe("tiered hints, graded in the sandbox", () => {
  it(
    "a transposed, unaveraged dW2: both named at once, each mistake once, the formula at the third attempt",
    async () => {
      const dir = await writeLearner(
        parent,
        "backprop",
        await backpropWith(NO_MEAN, TRANSPOSED_DW2),
      );
      const runs = [];
      for (let i = 0; i < HINT_UNLOCK_ATTEMPTS; i++) {
        runs.push((await gradeCourse(dir, ["backprop"])).exercises[0]);
      }
      const [first, , third] = runs;
      const dW2 = (r: typeof first) => r.checks.find((c) => c.name.includes("dW2 matches"))!;
      const c1 = dW2(first);
      // both mistakes are named (above, as each costs several checks), without their formulas
      expect(c1.message).toMatch(/— see mistakes 1 and 2 above$/);
      expect(c1.formula).toBeUndefined();
      expect(c1.unlockIn).toBe(HINT_UNLOCK_ATTEMPTS - 1);
      const text1 = exerciseText(first);
      expect(text1).not.toMatch(/δ2ᵀ·a1|\(softmax − one-hot\)\/N|= δᵀ/);
      // each is stated once and listed with the checks it cost
      const [transposed, mean] = first.diagnoses!;
      expect(transposed.says).toBe(MISTAKE.transposed("dW2").says);
      expect(mean.says).toBe(MISTAKE.missingMean().says);
      expect(mean.checks).toEqual(expect.arrayContaining(["db2 matches the reference (sigmoid)"]));
      expect(mean.checks.length).toBeGreaterThanOrEqual(6);
      expect(text1.split(MISTAKE.missingMean().says).length - 1).toBe(1);
      expect(text1.split(MISTAKE.transposed("dW2").says).length - 1).toBe(1);
      // hints that do not fit the failure are not shown
      expect(text1).not.toMatch(/ReLU: f\(z\)|Nothing may depend on the sizes/);
      for (const c of first.checks.filter((c) => c.status === "failed")) {
        expect(c.hint, c.name).toBeUndefined();
      }
      // after three failed attempts: the formulas of both mistakes
      const c3 = dW2(third);
      expect(c3.attempts).toBe(HINT_UNLOCK_ATTEMPTS);
      expect(c3.formula).toContain(MISTAKE.transposed("dW2").formula);
      expect(c3.formula).toContain(MISTAKE.missingMean().formula);
      expect(exerciseText(third)).toContain(`formula: ${c3.formula}`);
      expect(exerciseHTML(third)).toContain("<i>formula:</i>");
      expect(exerciseHTML(first)).toContain("<i>next:</i>");
      const json = gradescope({ exercises: [third], score: 0, maxScore: 1 }) as {
        tests: { name: string; output: string }[];
      };
      expect(json.tests.find((t) => t.name.includes("dW2 matches"))!.output).toContain("formula: ");
      // the counts are in the folder, per check; passed checks are not counted
      const stored = JSON.parse(await Deno.readTextFile(`${dir}/${ATTEMPTS_FILE}`));
      expect(stored.failed.backprop["backprop: dW2 matches the reference (sigmoid)"]).toBe(3);
      expect(stored.failed.backprop["backprop: loss, sigmoid hidden layer (N=6, D=4, H=5, C=3)"])
        .toBeUndefined();
    },
    120_000,
  );

  it(
    "a softmax without the max shift, forgotten bias gradients, averaging twice: each named at the first attempt",
    async () => {
      const dir = await writeLearner(
        parent,
        "backprop",
        await backpropWith(
          ["const m = Math.max(...row);", "const m = 0;"],
          ["const db2 = sumOverBatch(dscores, C);", "const db2 = new Matrix(1, C);"],
          ["const db1 = sumOverBatch(delta1, H);", "const db1 = new Matrix(1, H);"],
          [
            "const dW1 = matmul(transpose(delta1), x);",
            "const dW1 = matmul(transpose(delta1), x).map((v) => v / N);",
          ],
        ),
      );
      const r = (await gradeCourse(dir, ["backprop"], { allHints: false })).exercises[0];
      const text = exerciseText(r);
      expect(text).toContain(MISTAKE.overflow().says);
      expect(text).toContain(MISTAKE.zeroBias("db2").says);
      expect(text).toContain(MISTAKE.zeroBias("db1").says);
      expect(text).toContain(MISTAKE.twiceMean().says);
      expect(text).not.toContain(MISTAKE.overflow().formula!);
      // the instructors' view shows every formula at once
      const all = (await gradeCourse(dir, ["backprop"], { allHints: true, countAttempts: false }))
        .exercises[0];
      expect(exerciseText(all)).toContain(MISTAKE.overflow().formula!);
    },
    120_000,
  );

  it("the learner's code cannot write the attempts file", async () => {
    const body = "  try {\n" +
      "    Deno.writeTextFileSync(new URL('./.attempts.json', import.meta.url), " +
      '\'{"failed":{"backprop":{"x":99}}}\');\n' +
      "  } catch (e) {\n" +
      "    throw new Error('write refused: ' + (e as Error).name);\n" +
      "  }\n" +
      "  return todo('twoLayerLoss') as never;";
    const source = withAnswer(await solution("backprop"), "twoLayerLoss", body).replace(
      'import { matmul, Matrix, transpose } from "../lib/core/matrix.ts";',
      'import { matmul, Matrix, transpose } from "../lib/core/matrix.ts";\nimport { todo } from "../lib/core/todo.ts";',
    );
    const dir = await writeLearner(parent, "backprop", source);
    const r = (await gradeCourse(dir, ["backprop"])).exercises[0];
    expect(r.checks[0].message).toMatch(/write refused: (NotCapable|PermissionDenied)/);
    const stored = JSON.parse(await Deno.readTextFile(`${dir}/${ATTEMPTS_FILE}`));
    expect(stored.failed.backprop.x).toBeUndefined();
    expect(Object.values(stored.failed.backprop)).toEqual(r.checks.map(() => 1));
  }, 120_000);
});
