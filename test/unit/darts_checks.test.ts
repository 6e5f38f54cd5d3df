/**
 * The `darts` exercise's checks and diagnoses: each known mistake, written here as a buggy
 * learner implementation (independent of lib/ and of the checks' own variants), fails the checks
 * it should and gets the message that names it. One also goes through the real grader.
 */
import { describe, expect, it } from "vitest";
import { differs, failedNames, gradeEdited, mistakeHarness } from "./_mistakes.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { reportedOn, said } from "../checks/diagnose.ts";
import { checks, dartsExercise, MISTAKE } from "../checks/darts.ts";
import * as solution from "../../solutions/darts.ts";

type Bug =
  | "none"
  | "noShift"
  | "notNormalised"
  | "rawAlpha"
  | "uniform"
  | "noJacobian"
  | "noCentering"
  | "noWeightFactor"
  | "diagonal"
  | "plainMean"
  | "dalphaSign"
  | "doutNotScaled"
  | "doutByAlpha";

/** A learner's three functions, with one deliberate bug. */
function learner(bug: Bug) {
  const weights = (a: readonly number[]) => {
    const m = bug === "noShift" ? 0 : Math.max(...a);
    const e = a.map((v) => Math.exp(v - m));
    const s = e.reduce((x, y) => x + y, 0);
    return bug === "notNormalised" ? e : e.map((v) => v / s);
  };
  const mixedOpForward = (outs: readonly Matrix[], a: readonly number[]) => {
    const w = bug === "rawAlpha"
      ? [...a]
      : bug === "uniform"
      ? a.map(() => 1 / a.length)
      : weights(a);
    const out = new Matrix(outs[0].rows, outs[0].cols);
    for (let i = 0; i < out.rows; i++) {
      for (let j = 0; j < out.cols; j++) {
        out.set(i, j, outs.reduce((s, y, m) => s + w[m] * y.get(i, j), 0));
      }
    }
    return out;
  };
  const mixedOpBackward = (dout: Matrix, outs: readonly Matrix[], a: readonly number[]) => {
    const w = weights(a);
    const g = outs.map((y) => {
      let s = 0;
      for (let i = 0; i < y.rows; i++) {
        for (let j = 0; j < y.cols; j++) s += y.get(i, j) * dout.get(i, j);
      }
      return s;
    });
    const wg = w.reduce((s, v, m) => s + v * g[m], 0),
      mean = g.reduce((s, v) => s + v, 0) / g.length;
    const dalpha = w.map((wk, k) => {
      if (bug === "noJacobian") return g[k];
      if (bug === "noCentering") return wk * g[k];
      if (bug === "noWeightFactor") return g[k] - wg;
      if (bug === "diagonal") return wk * (1 - wk) * g[k];
      if (bug === "plainMean") return wk * (g[k] - mean);
      if (bug === "dalphaSign") return -wk * (g[k] - wg);
      return wk * (g[k] - wg);
    });
    const doutputs = w.map((wm, m) =>
      dout.map((v) => (bug === "doutNotScaled" ? v : bug === "doutByAlpha" ? a[m] * v : wm * v))
    );
    return { dalpha, doutputs };
  };
  return { operationWeights: weights, mixedOpForward, mixedOpBackward } as Record<
    string,
    (...a: unknown[]) => unknown
  >;
}

const run = (bug: Bug, c: Check) => learner(bug)[c.fn](...c.args);
const { all, byName, fails, failing } = mistakeHarness(checks(), run);

describe("darts checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failing("none")).toEqual([]);
    for (const c of all) {
      const fn = (solution as Record<string, (...a: unknown[]) => unknown>)[c.fn];
      expect(differs(fn(...c.args), c))
        .toBeUndefined();
    }
  });

  it("checks dalpha numerically, and dalpha and doutputs apart", () => {
    expect(all.some((c) => c.name.includes("numerical gradient"))).toBe(true);
    expect(Object.keys(byName("dalpha on five").expected as object)).toEqual(["dalpha"]);
    expect(Object.keys(byName("doutputs").expected as object)).toEqual(["doutputs"]);
  });

  const cases: [Bug, string, Diagnosis][] = [
    ["noShift", "thousands", MISTAKE.noShift()],
    ["notNormalised", "softmax of 5", MISTAKE.notNormalised()],
    ["notNormalised", "five operations' outputs", MISTAKE.notNormalised()],
    ["rawAlpha", "five operations' outputs", MISTAKE.rawAlpha()],
    ["uniform", "five operations' outputs", MISTAKE.uniform()],
    ["noJacobian", "dalpha on five", MISTAKE.noJacobian()],
    ["noJacobian", "numerical gradient", MISTAKE.noJacobian()],
    ["noCentering", "dalpha on five", MISTAKE.noCentering()],
    ["noWeightFactor", "numerical gradient", MISTAKE.noWeightFactor()],
    ["diagonal", "dalpha on five", MISTAKE.diagonal()],
    ["plainMean", "dalpha on five", MISTAKE.plainMean()],
    ["dalphaSign", "dalpha on five", MISTAKE.dalphaSign()],
    ["noCentering", "four operations", MISTAKE.noCentering()],
    ["doutNotScaled", "doutputs", MISTAKE.doutNotScaled()],
    ["doutByAlpha", "doutputs", MISTAKE.doutByAlpha()],
    ["doutNotScaled", "four operations", MISTAKE.doutNotScaled()],
  ];
  for (const [bug, check, message] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check);
      expect(fails(bug, c)).toBe(true);
      expect(c.diagnose!(run(bug, c))).toEqual(message);
    });
  }

  it("a dalpha mistake does not cost the doutputs check", () => {
    expect(failing("diagonal")).not.toContain(byName("doutputs").name);
    expect(failing("doutNotScaled")).not.toContain(byName("dalpha on five").name);
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("dalpha on five");
    const got = run("none", c) as { dalpha: number[] };
    got.dalpha[2] += 0.1;
    expect(c.diagnose!(got)).toBeUndefined();
  });
});

describe("darts through the grader", () => {
  it("no softmax Jacobian: the dalpha checks fail and the report names it", async () => {
    const r = await gradeEdited(
      dartsExercise,
      (s) => s.replace("dalpha: w.map((wk, k) => wk * (g[k] - mean)),", "dalpha: g,"),
    );
    expect(failedNames(r)).toEqual([
      byName("dalpha on five").name,
      byName("numerical gradient").name,
      byName("four operations").name,
    ]);
    expect(reportedOn(r.checks.find((c) => c.name === byName("dalpha on five").name)!)).toContain(
      said(MISTAKE.noJacobian()),
    );
  }, 60_000);
});
