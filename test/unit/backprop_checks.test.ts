/**
 * The `backprop` exercise's diagnoses work: each common mistake, written here as a buggy
 * learner implementation, fails the checks it should and gets the message that names it.
 */
import { describe, expect, it } from "vitest";
import type { Matrix } from "../../lib/core/matrix.ts";
import { differs, mistakeHarness } from "./_mistakes.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { checks, MISTAKE } from "../checks/backprop.ts";
import { twoLayerLoss as solution } from "../../solutions/backprop.ts";
import { type Bug, learner, type Params } from "./_backprop_learner.ts";

const run = (bug: Bug, c: Check) =>
  learner(bug)(...(c.args as [Matrix, number[], Params, "sigmoid"]));
const { all, byName, failing } = mistakeHarness(checks(), run);

describe("backprop checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failing("none")).toEqual([]);
    for (const c of all) {
      const got = solution(...(c.args as [Matrix, number[], Params, "sigmoid"]));
      expect(differs(got, c), c.name)
        .toBeUndefined();
    }
  });

  it("has a loss check, one check per gradient in backprop order, a numeric one and hidden ones", () => {
    const names = all.map((c) => c.name);
    const order = ["dW2", "db2", "dW1", "db1"].map((g) =>
      names.findIndex((n) => n.includes(` ${g} matches`))
    );
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]))).toBe(true);
    expect(names.some((n) => n.includes("numerical gradient"))).toBe(true);
    expect(all.filter((c) => c.hidden).length).toBeGreaterThanOrEqual(2);
    // Every gradient check compares that one field only.
    for (const g of ["dW2", "db2", "dW1", "db1"]) {
      expect(Object.keys(byName(` ${g} matches`).expected as object)).toEqual([g]);
    }
  });

  const cases: [Bug, string, Diagnosis[]][] = [
    ["transposedDW2", "dW2 matches", [MISTAKE.transposed("dW2")]],
    ["transposedDW1", "dW1 matches", [MISTAKE.transposed("dW1")]],
    ["noMean", "dW2 matches", [MISTAKE.missingMean()]],
    ["noMean", "db1 matches", [MISTAKE.missingMean()]],
    ["flippedSign", "db2 matches", [MISTAKE.sign()]],
    ["flippedSign", "dW1 matches", [MISTAKE.sign()]],
    ["zeroBias", "db2 matches", [MISTAKE.zeroBias("db2")]],
    ["zeroBias", "db1 matches", [MISTAKE.zeroBias("db1")]],
    ["zeroDb1", "db1 matches", [MISTAKE.zeroBias("db1")]],
    ["derivativeAtActivation", "dW1 matches", [MISTAKE.atActivation()]],
    ["derivativeAtActivation", "db1 matches", [MISTAKE.atActivation()]],
    ["noDerivative", "dW1 matches", [MISTAKE.noDerivative()]],
    ["dW2FromZ1", "dW2 matches", [MISTAKE.dW2FromZ1()]],
    ["lossSummed", "loss, sigmoid", [MISTAKE.lossSum()]],
    ["twiceMean", "dW2 matches", [MISTAKE.twiceMean()]],
    // combined mistakes are named together
    ["transposedNoMeanDW2", "dW2 matches", [
      MISTAKE.transposed("dW2"),
      MISTAKE.missingMean(),
    ]],
    // checks on several fields name the mistake of every wrong field, each once
    ["transposedDW1", "numerical gradient", [MISTAKE.transposed("dW1")]],
    ["derivativeAtActivation", "numerical gradient", [MISTAKE.atActivation()]],
    ["noMean", "numerical gradient", [MISTAKE.missingMean()]],
    ["zeroBias", "ReLU hidden layer", [MISTAKE.zeroBias("db2"), MISTAKE.zeroBias("db1")]],
    ["flippedSign", "sigmoid, another seed and shape", [MISTAKE.sign()]],
    ["noMaxShift", "must not overflow", [MISTAKE.overflow()]],
  ];
  for (const [bug, check, mistakes] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check);
      const got = run(bug, c);
      expect(differs(got, c))
        .toBeDefined();
      expect(c.diagnose!(got)).toEqual(mistakes);
    });
  }

  it("first-tier messages name the parameter without the formula; the formula comes later", () => {
    expect(MISTAKE.transposed("dW1").says).toMatch(/^dW1 is transposed.*W1/);
    // one id for every gradient and batch size: the statement names neither
    expect(MISTAKE.missingMean().says).toMatch(/^the gradients are N times too large/);
    expect(MISTAKE.atActivation().says).toMatch(/input z1/);
    for (const make of Object.values(MISTAKE)) {
      const d = (make as (g: string, n: number) => Diagnosis)("dW2", 6);
      expect(d.says, d.id).not.toMatch(/[·⊙ᵀ]|= δ|softmax −/);
      expect(d.formula, d.id).toBeTruthy();
    }
    for (const c of all) {
      expect(c.nudge, c.name).toBeTruthy();
      expect(c.nudge, c.name).not.toMatch(/[·⊙ᵀ]|= δ/);
    }
  });

  it("the overflow check passes a shifted softmax and fails only an unshifted one", () => {
    const c = byName("must not overflow");
    expect(failing("noMaxShift")).toEqual([c.name]);
  });

  it("each bug fails the checks it touches and only those (visible sigmoid checks)", () => {
    const visible = (bug: Bug) =>
      failing(bug).filter((n) => / matches | loss, sigmoid/.test(n)).map((n) =>
        n.split(": ")[1].split(" ")[0]
      );
    expect(visible("transposedDW2")).toEqual(["dW2"]);
    expect(visible("zeroBias")).toEqual(["db2", "db1"]);
    expect(visible("derivativeAtActivation")).toEqual(["dW1", "db1"]);
    expect(visible("lossSummed")).toEqual(["loss,"]);
  });

  it("with ReLU the derivative-at-activation mistake is harmless (ReLU'(ReLU(z)) = ReLU'(z))", () => {
    const c = byName("ReLU hidden layer");
    expect(differs(run("derivativeAtActivation", c), c)).toBeUndefined();
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("dW1 matches");
    const got = run("none", c);
    got.dW1.data[0] += 0.5;
    expect(c.diagnose!(got)).toBeUndefined();
  });
});
