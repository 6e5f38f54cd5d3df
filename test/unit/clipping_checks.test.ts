/**
 * The `clipping` exercise's diagnoses work: each common mistake, written here as a buggy
 * learner implementation (independent of lib/), fails the checks it should and gets the
 * message that names it.
 */
import { describe, expect, it } from "vitest";
import { differs, mistakeHarness } from "./_mistakes.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { checks, MISTAKE } from "../checks/clipping.ts";
import { clipGradNorm, globalNorm } from "../../solutions/clipping.ts";

type NormBug = "none" | "sumOfNorms" | "largestNorm" | "firstOnly" | "squared";
type ClipBug =
  | "none"
  | "perMatrix"
  | "postClip"
  | "scaledUp"
  | "scaledUpNo1e6"
  | "no1e6"
  | "divideNoClamp"
  | "strictAtLimit"
  | "byValue";

const sq = (g: Matrix) => g.data.reduce((s, v) => s + v * v, 0);

/** A learner's globalNorm with one deliberate bug. */
function learnerNorm(bug: NormBug) {
  return (grads: Matrix[]): number => {
    const norms = grads.map((g) => Math.sqrt(sq(g)));
    if (bug === "sumOfNorms") return norms.reduce((s, n) => s + n, 0);
    if (bug === "largestNorm") return Math.max(0, ...norms);
    if (bug === "firstOnly") return norms[0] ?? 0;
    const total = grads.reduce((s, g) => s + sq(g), 0);
    return bug === "squared" ? total : Math.sqrt(total);
  };
}

/** A learner's clipGradNorm with one deliberate bug. */
function learnerClip(bug: ClipBug) {
  return (grads: Matrix[], maxNorm: number) => {
    const total = Math.sqrt(grads.reduce((s, g) => s + sq(g), 0));
    const factor = (norm: number) => {
      if (bug === "scaledUp") return maxNorm / (norm + 1e-6);
      if (bug === "scaledUpNo1e6") return maxNorm / norm;
      if (bug === "no1e6") return Math.min(1, maxNorm / norm);
      if (bug === "strictAtLimit") return norm > maxNorm ? maxNorm / norm : 1;
      return Math.min(1, maxNorm / (norm + 1e-6));
    };
    for (const g of grads) {
      const f = factor(bug === "perMatrix" ? Math.sqrt(sq(g)) : total);
      for (let k = 0; k < g.data.length; k++) {
        if (bug === "byValue") g.data[k] = Math.max(-maxNorm, Math.min(maxNorm, g.data[k]));
        else if (bug === "divideNoClamp") {
          g.data[k] = total > maxNorm ? g.data[k] : g.data[k] * maxNorm / total;
        } else g.data[k] *= f;
      }
    }
    const after = Math.sqrt(grads.reduce((s, g) => s + sq(g), 0));
    return { totalNorm: bug === "postClip" ? after : total, grads };
  };
}

const copyArgs = (c: Check) =>
  [(c.args[0] as Matrix[]).map((g) => g.clone()), ...c.args.slice(1)] as [Matrix[], number];
const run = (c: Check, norm: NormBug, clip: ClipBug): unknown =>
  c.fn === "globalNorm" ? learnerNorm(norm)(copyArgs(c)[0]) : learnerClip(clip)(...copyArgs(c));
const { all, byName } = mistakeHarness(
  checks(),
  ([norm, clip]: [NormBug, ClipBug], c: Check) => run(c, norm, clip),
);
const fails = (c: Check, got: unknown) => differs(got, c) !== undefined;

describe("clipping checks", () => {
  it("the solution and bug-free independent implementations pass every check", () => {
    for (const c of all) {
      expect(fails(c, run(c, "none", "none")), c.name).toBe(false);
      const solved = c.fn === "globalNorm"
        ? globalNorm(copyArgs(c)[0])
        : clipGradNorm(...copyArgs(c));
      expect(fails(c, solved), c.name).toBe(false);
    }
  });

  it("checks the returned norm and the clipped gradients separately, with hidden checks", () => {
    const clip = all.filter((c) => c.fn === "clipGradNorm");
    expect(clip.filter((c) => "totalNorm" in (c.expected as object)).length).toBeGreaterThan(1);
    expect(clip.filter((c) => "grads" in (c.expected as object)).length).toBeGreaterThan(2);
    for (const c of clip) expect(Object.keys(c.expected as object).length).toBe(1);
    expect(all.filter((c) => c.hidden).length).toBeGreaterThanOrEqual(3);
  });

  const normCases: [NormBug, string, Diagnosis][] = [
    ["sumOfNorms", "four matrices", MISTAKE.sumOfNorms],
    ["largestNorm", "four matrices", MISTAKE.largestNorm],
    ["firstOnly", "four matrices", MISTAKE.firstOnly],
    ["squared", "one matrix", MISTAKE.squared],
    ["sumOfNorms", "large gradients", MISTAKE.sumOfNorms],
  ];
  for (const [bug, check, message] of normCases) {
    it(`globalNorm, ${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = all.find((c) => c.fn === "globalNorm" && c.name.includes(check))!;
      const got = run(c, bug, "none");
      expect(fails(c, got)).toBe(true);
      expect(c.diagnose!(got)).toEqual(message);
    });
  }

  const clipCases: [ClipBug, string, Diagnosis][] = [
    ["perMatrix", "above the limit, the gradients", MISTAKE.perMatrix],
    ["postClip", "above the limit, the norm", MISTAKE.postClip],
    ["scaledUp", "below the limit, left untouched", MISTAKE.scaledUp],
    ["scaledUpNo1e6", "below the limit, left untouched", MISTAKE.scaledUp],
    ["no1e6", "above the limit, the gradients", MISTAKE.no1e6],
    ["divideNoClamp", "all-zero", MISTAKE.nanAtZero],
    ["strictAtLimit", "exactly at the limit", MISTAKE.untouchedAtLimit],
    ["byValue", "tight limit", MISTAKE.byValue],
    ["perMatrix", "tight limit", MISTAKE.perMatrix],
  ];
  for (const [bug, check, message] of clipCases) {
    it(`clipGradNorm, ${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check);
      const got = run(c, "none", bug);
      expect(fails(c, got)).toBe(true);
      expect(c.diagnose!(got)).toEqual(message);
    });
  }

  it("each clipping bug fails the checks it touches and only those (visible checks)", () => {
    const failing = (bug: ClipBug) =>
      all.filter((c) => c.fn === "clipGradNorm" && !c.hidden && fails(c, run(c, "none", bug)))
        .map((c) => c.name.replace("clipGradNorm: ", ""));
    expect(failing("postClip")).toEqual(["above the limit, the norm returned"]);
    expect(failing("scaledUp")).toEqual(["below the limit, left untouched"]);
    expect(failing("perMatrix")).toEqual(["above the limit, the gradients clipped"]);
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("above the limit, the gradients");
    const got = run(c, "none", "none") as { grads: Matrix[] };
    got.grads[1].data[0] += 0.5;
    expect(fails(c, got)).toBe(true);
    expect(c.diagnose!(got)).toBeUndefined();
  });
});
