/**
 * The `dropout` exercise's checks: the solution passes them all; each known mistake, written
 * here as a buggy learner implementation, fails the checks it should and gets the message that
 * names it.
 */
import { describe, expect, it } from "vitest";
import { differs, mistakeHarness } from "./_mistakes.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { said } from "../checks/diagnose.ts";
import { checks, MISTAKE } from "../checks/dropout.ts";
import * as solution from "../../solutions/dropout.ts";

type Bug =
  | "none"
  | "keepIsP"
  | "noScale"
  | "scaleInverted"
  | "evalScaled"
  | "evalInverted"
  | "evalMasked"
  | "columnMajor"
  | "backwardNoMask"
  | "backwardNoScale"
  | "backwardIdentity";

interface Param {
  p: number;
  training: boolean;
  seed: number;
}

/** A learner's dropout, written independently of lib/, with one deliberate bug. */
function learner(bug: Bug) {
  const forward = (x: Matrix, { p, training, seed }: Param) => {
    const keep = bug === "keepIsP" ? p : 1 - p;
    const rng = new Random(seed);
    const draw = () => (rng.bernoulli(keep) ? 1 : 0);
    const mask = new Matrix(x.rows, x.cols);
    if (bug === "columnMajor") {
      for (let j = 0; j < x.cols; j++) for (let i = 0; i < x.rows; i++) mask.set(i, j, draw());
    } else {
      for (let k = 0; k < mask.data.length; k++) mask.data[k] = draw();
    }
    const scale = bug === "noScale" ? 1 : bug === "scaleInverted" ? 1 - p : 1 / (1 - p);
    if (!training) {
      const evalOut = bug === "evalScaled"
        ? x.map((v) => v * (1 - p))
        : bug === "evalInverted"
        ? x.map((v) => v / (1 - p))
        : bug === "evalMasked"
        ? x.map((v, i, j) => v * mask.get(i, j) * scale)
        : x.clone();
      return { out: evalOut, cache: { mask: bug === "evalMasked" ? mask : null, scale } };
    }
    return { out: x.map((v, i, j) => v * mask.get(i, j) * scale), cache: { mask, scale } };
  };
  const backward = (dout: Matrix, cache: { mask: Matrix | null; scale: number }) => {
    const { mask, scale } = cache;
    if (bug === "backwardIdentity" || mask === null) return { dx: dout.clone() };
    if (bug === "backwardNoMask") return { dx: dout.map((g) => g * scale) };
    if (bug === "backwardNoScale") return { dx: dout.map((g, i, j) => g * mask.get(i, j)) };
    return { dx: dout.map((g, i, j) => g * mask.get(i, j) * scale) };
  };
  return {
    dropoutForward: forward,
    forwardBackward: (x: Matrix, dout: Matrix, param: Param) => {
      const { out, cache } = forward(x, param);
      return { out, dx: backward(dout, cache).dx };
    },
  };
}

// deno-lint-ignore no-explicit-any
const call = (mod: any, c: Check) => mod[c.fn](...c.args);
const run = (bug: Bug, c: Check) => call(learner(bug), c);
const { all, byName, failing } = mistakeHarness(checks(), run);

describe("dropout checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failing("none")).toEqual([]);
    for (const c of all) {
      expect(differs(call(solution, c), c), c.name).toBeUndefined();
    }
  });

  it("grades forward and backward, training and evaluation, against a numerical gradient, with hidden checks", () => {
    const names = all.map((c) => c.name).join("\n");
    for (
      const part of [
        "forward in training",
        "forward in evaluation",
        "backward in training",
        "backward in evaluation",
        "numerical gradient",
      ]
    ) {
      expect(names).toContain(part);
    }
    expect(all.filter((c) => c.hidden).length).toBeGreaterThanOrEqual(2);
    expect(all.every((c) => c.hint.length > 0)).toBe(true);
  });

  const cases: [Bug, string, Diagnosis][] = [
    ["keepIsP", "p = 0.3 (20×30)", MISTAKE.keepIsP],
    ["keepIsP", "p = 0.75", MISTAKE.keepIsP],
    ["noScale", "p = 0.3 (20×30)", MISTAKE.noScale],
    ["scaleInverted", "p = 0.75", MISTAKE.scaleInverted],
    ["evalScaled", "forward in evaluation", MISTAKE.evalScaled],
    ["evalInverted", "forward in evaluation", MISTAKE.evalInverted],
    ["evalMasked", "forward in evaluation", MISTAKE.evalMasked],
    ["evalMasked", "backward in evaluation", MISTAKE.evalMasked],
    ["backwardNoMask", "backward in training", MISTAKE.backwardNoMask],
    ["backwardNoScale", "backward in training", MISTAKE.backwardNoScale],
    ["backwardIdentity", "backward in training", MISTAKE.backwardIdentity],
    ["backwardNoScale", "numerical gradient", MISTAKE.backwardNoScale],
    ["noScale", "backward in training", MISTAKE.noScale],
  ];
  for (const [bug, check, message] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check);
      const got = run(bug, c);
      expect(differs(got, c)).toBeDefined();
      expect(c.diagnose!(got)).toEqual(message);
    });
  }

  it("a mask of the right rate drawn in another order is named as such, with the fraction kept", () => {
    const c = byName("p = 0.3 (20×30)");
    const got = run("columnMajor", c);
    expect(differs(got, c)).toBeDefined();
    const kept = got.out.data.filter((v: number) => v !== 0).length / 600;
    expect(c.diagnose!(got)).toEqual(MISTAKE.otherMask(kept, 0.3));
    expect(said(c.diagnose!(got))).toMatch(/about the right 1 − p = 70%/);
  });

  it("each bug fails only the checks it touches", () => {
    const names = (bug: Bug) => failing(bug).map((n) => n.split(": ")[1]);
    expect(names("evalScaled")).toEqual(["forward in evaluation is the identity (p = 0.3)"]);
    expect(names("backwardNoMask").every((n) => n.startsWith("backward"))).toBe(true);
    expect(names("keepIsP").length).toBeGreaterThanOrEqual(5);
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("p = 0.75");
    const got = run("none", c);
    got.out.data[3] += 0.5;
    expect(c.diagnose!(got)).toBeUndefined();
  });
});
