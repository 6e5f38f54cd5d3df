/**
 * Trajectory feedback as a learner gets it: a learner file with a known mistake in its answer
 * region is graded in the sandbox (values crossing the wire, NaN included), and the report
 * names the step, the quantity and the mistake.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compare } from "../../grader/compare.ts";
import { findExercise, gradeExercise, ROOT } from "../../grader/grade.ts";
import { exerciseText } from "../../grader/report.ts";
import { ADAM_MISTAKES } from "../checks/adam.ts";

let dir: string;

/** The solution `name` with the answer region of `fn` replaced by `body`, importing lib/ by path. */
async function learnerFile(name: string, fn: string, body: string): Promise<void> {
  const source = await Deno.readTextFile(`${ROOT}solutions/${name}.ts`);
  const region = new RegExp(`(// BEGIN YOUR CODE: ${fn}\\n)[\\s\\S]*?(\\n\\s*// END YOUR CODE)`);
  expect(region.test(source)).toBe(true);
  const text = source.replace(region, (_, begin, end) => `${begin}${body}${end}`)
    .replaceAll('"../lib/', `"${ROOT}lib/`);
  await Deno.writeTextFile(`${dir}/${name}.ts`, text);
}

beforeAll(async () => {
  dir = await Deno.makeTempDir({ prefix: "trajectory-feedback-" });
});
afterAll(async () => {
  await Deno.remove(dir, { recursive: true });
});

describe("trajectory feedback through the sandbox", () => {
  it(
    "sgd with the learning rate inside the buffer: the buffer at step 1, and the mistake",
    async () => {
      await learnerFile(
        "sgd_momentum",
        "sgd",
        `  const { lr, momentum = 0, weightDecay = 0 } = config;
  const g = dw.map((x, k) => x + weightDecay * w[k]);
  const old = config.momentumBuffer ?? g.map(() => 0);
  const v = g.map((x, k) => momentum * old[k] + lr * x);
  return { w: w.map((x, k) => x - v[k]), config: { ...config, momentumBuffer: v } };`,
      );
      const result = await gradeExercise(findExercise("sgd_momentum"), dir);
      const byName = (part: string) => result.checks.find((c) => c.name.includes(part))!;
      expect(byName("plain gradient descent").status).toBe("passed");
      const drop = byName("a learning rate that drops");
      expect(drop.status).toBe("failed");
      const where = "your momentum buffer (momentumBuffer) departs from the reference at step 1, " +
        "the very first step";
      const says = "it looks like the learning rate is inside the momentum buffer";
      // where it departs on each check; the mistake stated once, above, with the checks it cost
      for (const c of [byName("momentum 0.9 on a ravine"), drop]) {
        expect(c.message).toMatch(
          new RegExp(`— ${where.replace(/[()]/g, "\\$&")} — see mistakes? 1\\b`),
        );
      }
      const d = result.diagnoses!.find((d) => d.says.startsWith(says))!;
      expect(d.checks).toContain(drop.name);
      expect(exerciseText(result).split(says).length - 1).toBe(1);
      expect(result.score).toBeGreaterThan(0);
      expect(result.score).toBeLessThan(result.maxScore);
    },
    30_000,
  );

  it("adam with t counted from 0: w is NaN at step 1, and the mistake", async () => {
    await learnerFile(
      "adam",
      "adam",
      `  const { lr = 1e-3, betas: [b1, b2] = [0.9, 0.999], eps = 1e-8, weightDecay = 0 } = config;
  const t = config.step ?? 0;
  const g = dw.map((x, k) => x + weightDecay * w[k]);
  const m = g.map((x, k) => b1 * (config.expAvg?.[k] ?? 0) + (1 - b1) * x);
  const v = g.map((x, k) => b2 * (config.expAvgSq?.[k] ?? 0) + (1 - b2) * x * x);
  const next = w.map((x, k) =>
    x - lr * (m[k] / (1 - b1 ** t)) / (Math.sqrt(v[k] / (1 - b2 ** t)) + eps)
  );
  return { w: next, config: { ...config, step: t + 1, expAvg: m, expAvgSq: v } };`,
    );
    const result = await gradeExercise(findExercise("adam"), dir);
    const first = result.checks.find((c) => c.name.includes("defaults on a ravine"))!;
    expect(first.status).toBe("failed");
    expect(first.message).toContain("is NaN");
    expect(first.message).toContain("your w becomes NaN at step 1, the very first step");
    const tFromZero = ADAM_MISTAKES.find((m) => m.flag === "tFromZero")!.says;
    expect(tFromZero).toMatch(/^the step count in the bias corrections starts from 0/);
    expect(exerciseText(result)).toContain(`it looks like ${tFromZero}`);
    // this adam has no AMSGrad: the hidden check with amsgrad says which state is missing
    const hidden = result.checks.find((c) => c.hidden && c.name.startsWith("adam:"))!;
    expect(hidden.message).toContain("the reference values are not shown");
    const says = "after step 1 your config has no maxExpAvgSq: keep the AMSGrad maximum there";
    // stated once, above: it costs a visible AMSGrad check and the hidden one
    const missing = result.diagnoses!.find((d) => d.says.startsWith(says))!;
    const costs = result.checks.filter((c) => missing.checks.includes(c.name));
    expect(costs.some((c) => !c.hidden && c.name.includes("AMSGrad"))).toBe(true);
    expect(costs).toContain(hidden);
    expect(hidden.message).toMatch(/— see mistakes? [\d ,and]+ above$/);
    expect(exerciseText(result).split(says).length - 1).toBe(1);
  }, 30_000);
});

describe("compare on a list of records (one per step)", () => {
  const tol = { rtol: 1e-9, atol: 1e-12 };
  const want = [{ config: { b: [1] }, w: [2] }, { config: { b: [3] }, w: [4] }];
  it("passes a match and names the first record and field that differ", () => {
    expect(compare(structuredClone(want), want, tol)).toBeUndefined();
    const got = structuredClone(want);
    got[1].config.b[0] = 3.5;
    expect(compare(got, want, tol)?.problem).toBe(
      "result[1].config.b[0] differs from the reference",
    );
  });
  it("says when the list is not a list, or too short", () => {
    expect(compare({ 0: want[0] }, want, tol)?.problem).toBe(
      "result is an object, expected an array of length 2",
    );
    expect(compare([want[0]], want, tol)?.problem).toBe("result has length 1, expected 2");
  });
});
