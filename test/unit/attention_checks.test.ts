/**
 * The `attention` exercise's diagnoses work: each common mistake, written here as a buggy
 * learner implementation (matrix operations, independent of the checks' loop-based variants),
 * fails the checks it should and gets the message that names it.
 */
import { describe, expect, it } from "vitest";
import { differs, mistakeHarness } from "./_mistakes.ts";
import { matmul, Matrix, transpose } from "../../lib/core/matrix.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { checks, MISTAKE } from "../checks/attention.ts";
import { attentionStep as solution } from "../../solutions/attention.ts";

type Bug =
  | "none"
  | "noScale"
  | "wrongAxis"
  | "maskAfterSoftmax"
  | "maskWithZero"
  | "backwardNoScale"
  | "noMeanTerm"
  | "noSoftmaxBackward"
  | "noMaxShift";

/** Softmax of each row, optionally without subtracting the row maximum first. */
function softmaxRows(s: Matrix, shift: boolean): Matrix {
  return s.map((x, i) => {
    const row = s.row(i);
    const m = shift ? Math.max(...row) : 0;
    return Math.exp(x - m) / row.reduce((t, y) => t + Math.exp(y - m), 0);
  });
}

/** A learner's forward + backward with one deliberate bug. */
function learner(bug: Bug) {
  return (q: Matrix, k: Matrix, v: Matrix, dout: Matrix, mask?: boolean[][]) => {
    const d = q.cols;
    const scale = bug === "noScale" ? 1 : 1 / Math.sqrt(d);
    const raw = matmul(q, transpose(k)).map((x) => x * scale);
    const blocked = (i: number, j: number) => mask !== undefined && !mask[i][j];
    let a: Matrix;
    if (bug === "maskAfterSoftmax") {
      a = softmaxRows(raw, true).map((x, i, j) => (blocked(i, j) ? 0 : x));
    } else {
      const s = raw.map((
        x,
        i,
        j,
      ) => (blocked(i, j) ? (bug === "maskWithZero" ? 0 : -Infinity) : x));
      a = bug === "wrongAxis"
        ? transpose(softmaxRows(transpose(s), true))
        : softmaxRows(s, bug !== "noMaxShift");
    }
    const out = matmul(a, v);
    const dA = matmul(dout, transpose(v));
    const ds = dA.map((g, i, j) => {
      if (bug === "noSoftmaxBackward") return g;
      const mean = bug === "noMeanTerm" ? 0 : a.row(i).reduce((t, x, m) => t + x * dA.get(i, m), 0);
      return a.get(i, j) * (g - mean);
    });
    const back = bug === "backwardNoScale" ? 1 : scale;
    return {
      out,
      weights: a,
      dq: matmul(ds, k).map((x) => x * back),
      dk: matmul(transpose(ds), q).map((x) => x * back),
      dv: matmul(transpose(a), dout),
    };
  };
}

type Args = [Matrix, Matrix, Matrix, Matrix, boolean[][] | undefined];
const run = (bug: Bug, c: Check) => learner(bug)(...(c.args as Args));
const { all, byName, failing } = mistakeHarness(checks(), run);

describe("attention checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failing("none")).toEqual([]);
    for (const c of all) {
      expect(differs(solution(...(c.args as Args)), c), c.name).toBeUndefined();
    }
  });

  it("has forward, masked, backward, numerical and hidden checks", () => {
    const names = all.map((c) => c.name).join("\n");
    for (const part of ["forward, the weights", "causal mask", "backward, dq", "numerical"]) {
      expect(names).toContain(part);
    }
    expect(all.some((c) => c.hidden)).toBe(true);
  });

  const cases: [Bug, string, Diagnosis][] = [
    ["noScale", "forward, the weights", MISTAKE.noScale],
    ["noScale", "numerical gradient", MISTAKE.noScale],
    ["wrongAxis", "forward, the weights", MISTAKE.wrongAxis],
    ["maskAfterSoftmax", "forward with a causal mask", MISTAKE.maskAfterSoftmax],
    ["maskAfterSoftmax", "not causal", MISTAKE.maskAfterSoftmax],
    ["maskWithZero", "forward with a causal mask", MISTAKE.maskWithZero],
    ["maskWithZero", "not causal", MISTAKE.maskWithZero],
    ["backwardNoScale", "backward, dq and dk", MISTAKE.backwardNoScale],
    ["noMeanTerm", "backward, dq and dk", MISTAKE.noMeanTerm],
    ["noMeanTerm", "backward with a mask", MISTAKE.noMeanTerm],
    ["noSoftmaxBackward", "numerical gradient", MISTAKE.noSoftmaxBackward],
    ["noMaxShift", "large scores", MISTAKE.overflow],
    ["maskWithZero", "another seed and shape", MISTAKE.maskWithZero],
  ];
  for (const [bug, check, message] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check);
      const got = run(bug, c);
      expect(differs(got, c)).toBeDefined();
      expect(c.diagnose!(got)).toEqual(message);
    });
  }

  it("mask mistakes pass the unmasked checks; backward mistakes pass the forward checks", () => {
    for (const bug of ["maskAfterSoftmax", "maskWithZero"] as const) {
      const names = failing(bug);
      expect(names.some((n) => n.includes("(N=3, M=4, d=5)") || n.includes("the output A·V")))
        .toBe(false);
    }
    for (const bug of ["backwardNoScale", "noMeanTerm", "noSoftmaxBackward"] as const) {
      expect(failing(bug).some((n) => n.startsWith("attention: forward")))
        .toBe(false);
    }
    // without the max shift only the large scores overflow
    expect(failing("noMaxShift")).toEqual([byName("large scores").name]);
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("backward, dv");
    const got = run("none", c);
    got.dv.data[0] += 0.5;
    expect(differs(got, c)).toBeDefined();
    expect(c.diagnose!(got)).toBeUndefined();
  });
});
