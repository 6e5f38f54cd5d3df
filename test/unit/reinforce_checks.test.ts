/**
 * The `reinforce` exercise's checks and diagnoses: each known mistake, written here as a buggy
 * learner implementation (independent of lib/ and of the checks' own variants), fails the checks
 * it should, passes the others, and gets the message that names it. One also goes through the
 * real grader.
 */
import { describe, expect, it } from "vitest";
import { differs, failedNames, gradeEdited, mistakeHarness } from "./_mistakes.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { reportedOn, said } from "../checks/diagnose.ts";
import { checks, MISTAKE, reinforceExercise } from "../checks/reinforce.ts";
import * as solution from "../../solutions/reinforce.ts";

type Bug =
  | "none"
  | "noShift"
  | "notNormalised"
  | "gradSign"
  | "onehotOnly"
  | "probsOnly"
  | "diagonal"
  | "noBaseline"
  | "descent"
  | "newBaseline"
  | "noLr"
  | "decaySwapped"
  | "baselineKept";

type Config = { lr: number; baselineDecay: number };

/** A learner's three functions, with one deliberate bug. */
function learner(bug: Bug) {
  const policy = (t: readonly number[]) => {
    const m = bug === "noShift" ? 0 : Math.max(...t);
    const e = t.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return bug === "notNormalised" ? e : e.map((v) => v / s);
  };
  const logProbGrad = (logits: readonly (readonly number[])[], a: readonly number[]) =>
    logits.map((row, d) => {
      const p = policy(row);
      return row.map((_, k) => {
        const hit = k === a[d] ? 1 : 0;
        if (bug === "gradSign") return p[k] - hit;
        if (bug === "onehotOnly") return hit;
        if (bug === "probsOnly") return -p[k];
        if (bug === "diagonal") return hit ? p[k] * (1 - p[k]) : 0;
        return hit - p[k];
      });
    });
  const reinforceStep = (
    logits: readonly (readonly number[])[],
    a: readonly number[],
    r: number,
    b: number,
    c: Config,
  ) => {
    let nb = c.baselineDecay * b + (1 - c.baselineDecay) * r;
    if (bug === "decaySwapped") nb = (1 - c.baselineDecay) * b + c.baselineDecay * r;
    if (bug === "baselineKept") nb = b;
    const adv = bug === "noBaseline" ? r : r - (bug === "newBaseline" ? nb : b);
    const g = logProbGrad(logits, a), lr = bug === "noLr" ? 1 : c.lr;
    const sign = bug === "descent" ? -1 : 1;
    return {
      logits: logits.map((row, d) => row.map((t, k) => t + sign * lr * adv * g[d][k])),
      baseline: nb,
    };
  };
  return { policy, logProbGrad, reinforceStep } as Record<string, (...a: unknown[]) => unknown>;
}

const run = (bug: Bug, c: Check) => learner(bug)[c.fn](...c.args);
const { all, byName, fails, failing } = mistakeHarness(checks(), run);

describe("reinforce checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failing("none")).toEqual([]);
    for (const c of all) {
      const fn = (solution as Record<string, (...a: unknown[]) => unknown>)[c.fn];
      expect(differs(fn(...c.args), c))
        .toBeUndefined();
    }
  });

  it("checks the gradient numerically and the step's logits and baseline apart", () => {
    expect(all.some((c) => c.name.includes("numerical gradient"))).toBe(true);
    expect(Object.keys(byName("above the baseline").expected as object)).toEqual(["logits"]);
    expect(Object.keys(byName("moving average").expected as object)).toEqual(["baseline"]);
    expect(all.filter((c) => c.hidden).length).toBeGreaterThanOrEqual(1);
  });

  const cases: [Bug, string, Diagnosis][] = [
    ["noShift", "thousands", MISTAKE.noShift()],
    ["notNormalised", "softmax of 4", MISTAKE.notNormalised()],
    ["gradSign", "three decisions", MISTAKE.gradSign()],
    ["gradSign", "numerical gradient", MISTAKE.gradSign()],
    ["gradSign", "above the baseline", MISTAKE.ascentSign()],
    ["onehotOnly", "three decisions", MISTAKE.onehotOnly()],
    ["onehotOnly", "above the baseline", MISTAKE.onehotOnly()],
    ["probsOnly", "numerical gradient", MISTAKE.probsOnly()],
    ["diagonal", "three decisions", MISTAKE.diagonal()],
    ["noBaseline", "above the baseline", MISTAKE.noBaseline()],
    ["noBaseline", "below the baseline", MISTAKE.noBaseline()],
    ["noBaseline", "negative rewards", MISTAKE.noBaseline()],
    ["descent", "above the baseline", MISTAKE.ascentSign()],
    ["descent", "below the baseline", MISTAKE.ascentSign()],
    ["newBaseline", "above the baseline", MISTAKE.newBaseline()],
    ["noLr", "above the baseline", MISTAKE.noLr()],
    ["decaySwapped", "moving average", MISTAKE.decaySwapped()],
    ["decaySwapped", "negative rewards", MISTAKE.decaySwapped()],
    ["baselineKept", "moving average", MISTAKE.baselineKept()],
  ];
  for (const [bug, check, message] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check);
      expect(fails(bug, c)).toBe(true);
      expect(c.diagnose!(run(bug, c))).toEqual(message);
    });
  }

  it("a baseline mistake costs only the baseline's check; the policy's only the policy's", () => {
    expect(failing("decaySwapped")).toEqual([
      byName("moving average").name,
      byName("negative rewards").name,
    ]);
    expect(failing("noShift")).toEqual([byName("thousands").name]);
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("three decisions");
    const got = run("none", c) as number[][];
    got[0][1] += 0.1;
    expect(c.diagnose!(got)).toBeUndefined();
  });
});

describe("reinforce through the grader", () => {
  it("no baseline: the step's logits fail and the report names the mistake", async () => {
    const r = await gradeEdited(
      reinforceExercise,
      (s) => s.replace("const advantage = reward - baseline;", "const advantage = reward;"),
    );
    expect(failedNames(r)).toEqual([
      byName("above the baseline").name,
      byName("below the baseline").name,
      byName("negative rewards").name,
    ]);
    expect(reportedOn(r.checks.find((c) => c.name.includes("above the baseline"))!)).toContain(
      said(MISTAKE.noBaseline()),
    );
  }, 60_000);
});
