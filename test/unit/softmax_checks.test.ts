/**
 * The `softmax` exercise's checks and diagnoses: each common mistake, written here as a buggy
 * learner implementation (independent of lib/ and of the checks' own variants), fails the checks
 * it should, passes the others, and gets the message that names it. Two of them also go through
 * the real grader (sandbox, wire encoding of NaN and Infinity, report).
 */
import { describe, expect, it } from "vitest";
import { differs, failedNames, gradeEdited, mistakeHarness } from "./_mistakes.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { exerciseText } from "../../grader/report.ts";
import type { Check, Diagnosis, ExerciseResult } from "../../grader/types.ts";
import { checks, MISTAKE, softmaxExercise } from "../checks/softmax.ts";
import * as solution from "../../solutions/softmax.ts";

type Bug =
  | "none"
  | "noShift" // p = e^s / Σ e^s and −log p_y, as written on paper
  | "noShiftLse" // log Σ e^s − s_y without the shift
  | "logOfSoftmax" // shifted, but −log(p_y)
  | "lossSum"
  | "gradNoMean"
  | "noMean" // neither the loss nor the gradient divided by N
  | "gradSign"
  | "noOnehot"
  | "lseOnly" // log Σ e^{s_j}, forgetting − s_y
  | "shiftNotAddedBack"
  | "lossSign"
  | "columns" // softmax over each column
  | "notNormalised"; // softmax returns the exponentials

/** A learner's softmax, with one deliberate bug. */
function learnerSoftmax(bug: Bug) {
  return (s: Matrix): Matrix => {
    const out = new Matrix(s.rows, s.cols);
    if (bug === "columns") {
      for (let j = 0; j < s.cols; j++) {
        let m = -Infinity, total = 0;
        for (let i = 0; i < s.rows; i++) m = Math.max(m, s.get(i, j));
        for (let i = 0; i < s.rows; i++) total += Math.exp(s.get(i, j) - m);
        for (let i = 0; i < s.rows; i++) out.set(i, j, Math.exp(s.get(i, j) - m) / total);
      }
      return out;
    }
    for (let i = 0; i < s.rows; i++) {
      let m = -Infinity, total = 0;
      if (!bug.startsWith("noShift")) {
        for (let j = 0; j < s.cols; j++) m = Math.max(m, s.get(i, j));
      } else m = 0;
      for (let j = 0; j < s.cols; j++) total += Math.exp(s.get(i, j) - m);
      for (let j = 0; j < s.cols; j++) {
        out.set(i, j, Math.exp(s.get(i, j) - m) / (bug === "notNormalised" ? 1 : total));
      }
    }
    return out;
  };
}

/** A learner's softmaxCrossEntropy, with one deliberate bug. */
function learnerLoss(bug: Bug) {
  return (s: Matrix, y: readonly number[]) => {
    const N = s.rows;
    const p = learnerSoftmax(bug === "columns" || bug === "notNormalised" ? "none" : bug)(s);
    let loss = 0;
    for (let i = 0; i < N; i++) {
      const row = s.row(i);
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((t, v) => t + Math.exp(v - m), 0));
      let term: number;
      if (bug === "noShift" || bug === "logOfSoftmax") term = -Math.log(p.get(i, y[i]));
      else if (bug === "noShiftLse") {
        term = Math.log(row.reduce((t, v) => t + Math.exp(v), 0)) - row[y[i]];
      } else if (bug === "lseOnly") term = lse;
      else if (bug === "shiftNotAddedBack") term = lse - m - row[y[i]];
      else term = lse - row[y[i]];
      loss += bug === "lossSign" ? -term : term;
    }
    const perRow = bug === "gradNoMean" || bug === "noMean" ? 1 : 1 / N;
    const grad = p.map((v, i, j) => {
      const g = v - (bug === "noOnehot" || j !== y[i] ? 0 : 1);
      return (bug === "gradSign" ? -g : g) * perRow;
    });
    return { loss: bug === "lossSum" || bug === "noMean" ? loss : loss / N, grad };
  };
}

const run = (bug: Bug, c: Check) =>
  c.fn === "softmax"
    ? learnerSoftmax(bug)(c.args[0] as Matrix)
    : learnerLoss(bug)(...(c.args as [Matrix, number[]]));
const { all, byName, fails, failing } = mistakeHarness(checks(), run);

describe("softmax checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failing("none")).toEqual([]);
    for (const c of all) {
      const fn = solution[c.fn as "softmax" | "softmaxCrossEntropy"] as (
        ...a: unknown[]
      ) => unknown;
      expect(differs(fn(...c.args), c))
        .toBeUndefined();
    }
  });

  it("checks the loss and the gradient apart, against lib, a numerical gradient and large scores", () => {
    expect(Object.keys(byName("the loss on 4 × 5").expected as object)).toEqual(["loss"]);
    expect(Object.keys(byName("grad on 4 × 5").expected as object)).toEqual(["grad"]);
    expect(all.some((c) => c.name.includes("numerical gradient"))).toBe(true);
    expect(all.filter((c) => c.hidden).length).toBeGreaterThanOrEqual(2);
    const large = byName("thousands").args[0] as Matrix;
    expect(large.data.some((v) => Math.exp(v) === Infinity)).toBe(true);
  });

  const cases: [Bug, string, Diagnosis][] = [
    ["noShift", "thousands", MISTAKE.noShift()],
    ["noShiftLse", "thousands", MISTAKE.noShift()],
    ["noShift", "800 below", MISTAKE.noShift()],
    ["noShift", "shifted by +1000", MISTAKE.noShift()],
    ["logOfSoftmax", "800 below", MISTAKE.logOfSoftmax()],
    ["lossSum", "the loss on 4 × 5", MISTAKE.lossSum()],
    ["noMean", "the loss on 4 × 5", MISTAKE.lossSum()],
    ["noMean", "grad on 4 × 5", MISTAKE.gradNoMean()],
    ["gradNoMean", "grad on 4 × 5", MISTAKE.gradNoMean()],
    ["gradNoMean", "numerical gradient", MISTAKE.gradNoMean()],
    ["gradNoMean", "30 × 10", MISTAKE.gradNoMean()],
    ["gradSign", "grad on 4 × 5", MISTAKE.gradSign()],
    ["gradSign", "numerical gradient", MISTAKE.gradSign()],
    ["gradSign", "all scores 0", MISTAKE.gradSign()],
    ["noOnehot", "grad on 4 × 5", MISTAKE.noOnehot()],
    ["noOnehot", "800 below", MISTAKE.noOnehot()],
    ["lseOnly", "the loss on 4 × 5", MISTAKE.lseOnly()],
    ["lseOnly", "thousands", MISTAKE.lseOnly()],
    ["shiftNotAddedBack", "the loss on 4 × 5", MISTAKE.shiftNotAddedBack()],
    ["shiftNotAddedBack", "thousands", MISTAKE.shiftNotAddedBack()],
    ["lossSign", "the loss on 4 × 5", MISTAKE.lossSign()],
    ["columns", "softmax: 4 × 5", MISTAKE.columns()],
    ["notNormalised", "softmax: 4 × 5", MISTAKE.notNormalised()],
    ["notNormalised", "12 × 7", MISTAKE.notNormalised()],
  ];
  for (const [bug, check, message] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check);
      expect(fails(bug, c)).toBe(true);
      expect(c.diagnose!(run(bug, c))).toEqual(message);
    });
  }

  it("without the max shift only the large-score checks fail; log(softmax) fails only the 800", () => {
    expect(failing("noShift")).toEqual([
      byName("shifted by +1000").name,
      byName("thousands").name,
      byName("800 below").name,
    ]);
    expect(failing("logOfSoftmax")).toEqual([byName("800 below").name]);
    // With all scores 0 the shift and s_y are 0: forgetting either costs nothing there.
    expect(failing("shiftNotAddedBack")).not.toContain(byName("all scores 0").name);
    expect(failing("lseOnly")).not.toContain(byName("all scores 0").name);
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("grad on 4 × 5");
    const got = run("none", c) as { loss: number; grad: Matrix };
    got.grad.data[3] += 0.25;
    expect(c.diagnose!(got)).toBeUndefined();
    const s = byName("softmax: 4 × 5");
    const p = run("none", s) as Matrix;
    p.data[0] = 0.5;
    expect(s.diagnose!(p)).toBeUndefined();
  });
});

describe("softmax through the grader", () => {
  const grade = (edit: (source: string) => string) => gradeEdited(softmaxExercise, edit);
  const message = (r: ExerciseResult, part: string) =>
    r.checks.find((c) => c.name.includes(part))!.message;

  it(
    "no max shift: the large-score checks fail with NaN/Infinity and name the mistake",
    async () => {
      const r = await grade((s) => s.replaceAll("const m = Math.max(...row);", "const m = 0;"));
      expect(failedNames(r)).toEqual([
        byName("shifted by +1000").name,
        byName("thousands").name,
        byName("800 below").name,
      ]);
      // Stated once, above the checks it costs; they refer to it.
      expect(message(r, "shifted by +1000")).toMatch(/is NaN — see the mistake above$/);
      expect(message(r, "thousands")).toMatch(/is NaN — see the mistake above$/);
      expect(exerciseText(r)).toMatch(/! mistake: NaN or Infinity .*the exponentials overflow/);
      expect(r.diagnoses).toEqual([{
        says: MISTAKE.noShift().says,
        checks: [byName("shifted by +1000"), byName("thousands"), byName("800 below")].map((c) =>
          c.name
        ),
      }]);
      // The formula only after several failed attempts.
      expect(r.checks.some((c) => c.formula)).toBe(false);
      expect(JSON.stringify(r)).not.toContain("softmax(s − m)");
    },
    30_000,
  );

  it("log of the softmax: the 800-below check fails on Infinity and names it", async () => {
    const r = await grade((s) =>
      s.replace(
        "loss += m + Math.log(total) - row[labels[i]];",
        "loss += -Math.log(e[labels[i]] / total);",
      )
    );
    expect(r.score).toBe(r.maxScore - byName("800 below").points);
    expect(message(r, "800 below")).toContain(MISTAKE.logOfSoftmax().says);
  }, 30_000);
});
