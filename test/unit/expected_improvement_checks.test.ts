/**
 * The `expected_improvement` exercise's checks: the solution passes every check; each known
 * mistake, written here as a learner would write it (apart from the checks' own variants),
 * fails the checks it should and the feedback names it; a wrong answer that is no known mistake
 * gets no diagnosis.
 */
import { describe, expect, it } from "vitest";
import { mistakeHarness } from "./_mistakes.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { gpFit } from "../../lib/search/gp.ts";
import { normalCdf, normalPdf } from "../../lib/search/normal.ts";
import { checks, MISTAKE } from "../checks/expected_improvement.ts";
import * as solution from "../../solutions/expected_improvement.ts";

type Bug =
  | "none"
  | "upwards" // mean − best
  | "noExploration" // only gain·Φ(z)
  | "noGainTerm" // only σ·φ(z)
  | "zNotScaled" // z = gain
  | "xiSign" // best + ξ − μ
  | "zeroStdNaN" // no special case for σ = 0
  | "lowestMean" // maximiseEi picks argmin μ
  | "largestStd" // maximiseEi picks argmax σ
  | "lastOnTies" // ≥ instead of >
  | "erfScaled"; // an unknown mistake: Φ(z) written as ½(1 + erf(z)) without the √2

function learner(bug: Bug) {
  const ei = (m: number, s: number, best: number, xi: number) => {
    const improvement = bug === "upwards"
      ? m - best - xi
      : bug === "xiSign"
      ? best + xi - m
      : best - xi - m;
    if (s === 0 && bug !== "zeroStdNaN") return improvement > 0 ? improvement : 0;
    const z = bug === "zNotScaled" ? improvement : improvement / s;
    const cdf = bug === "erfScaled" ? normalCdf(z * Math.SQRT2) : normalCdf(z);
    if (bug === "noExploration") return improvement * cdf;
    if (bug === "noGainTerm") return s * normalPdf(z);
    return improvement * cdf + s * normalPdf(z);
  };
  const maximiseEi = (means: number[], stds: number[], best: number, xi: number) => {
    const scores = means.map((m, i) => ei(m, stds[i], best, xi));
    let index = 0;
    for (let i = 1; i < means.length; i++) {
      if (
        bug === "lowestMean"
          ? means[i] < means[index]
          : bug === "largestStd"
          ? stds[i] > stds[index]
          : bug === "lastOnTies"
          ? scores[i] >= scores[index]
          : scores[i] > scores[index]
      ) index = i;
    }
    return { index, ei: scores[index] };
  };
  return {
    eiMany: (m: number[], s: number[], best: number, xi: number) =>
      m.map((v, i) => ei(v, s[i], best, xi)),
    maximiseEi,
    suggestNext: (X: number[][], y: number[], cands: number[][], xi: number) => {
      const { mean, std } = gpFit(X, y, {
        kernel: "matern52",
        lengthScale: 0.2,
        noise: 1e-6,
        normalizeY: true,
      }).predict(cands);
      return maximiseEi(mean, std, Math.min(...y), xi);
    },
  };
}

// deno-lint-ignore no-explicit-any
const call = (impl: any, c: Check) => impl[c.fn](...c.args);
const { all, byName, fails, failing: failingImpl } = mistakeHarness(checks(), call);
const failing = (bug: Bug) => failingImpl(learner(bug));

describe("expected_improvement checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failingImpl(solution)).toEqual([]);
    expect(failing("none")).toEqual([]);
    expect(all.filter((c) => c.hidden).length).toBeGreaterThanOrEqual(2);
  });

  const cases: [Bug, string, Diagnosis][] = [
    ["upwards", "six predictions", MISTAKE.upwards()],
    ["noExploration", "six predictions", MISTAKE.noExploration()],
    ["noGainTerm", "six predictions", MISTAKE.noExploitationTerm()],
    ["zNotScaled", "six predictions", MISTAKE.zNotScaled()],
    ["xiSign", "ξ = 0.1", MISTAKE.xiSign()],
    ["zeroStdNaN", "σ = 0 (a certain", MISTAKE.zeroStd()],
    ["lowestMean", "five candidates", MISTAKE.lowestMean()],
    ["largestStd", "five candidates", MISTAKE.largestStd()],
    ["lastOnTies", "same largest EI", MISTAKE.lastOnTies()],
    ["lowestMean", "12 observations", MISTAKE.lowestMean()],
  ];
  for (const [bug, check, message] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check), impl = learner(bug);
      expect(fails(impl, c)).toBe(true);
      expect(c.diagnose!(call(impl, c))).toEqual(message);
    });
  }

  it("ξ's sign does not matter when ξ = 0; σ = 0 alone does not catch a missing exploration term", () => {
    // without the σ = 0 case, z = ±Infinity still gives the right EI unless the gain is exactly 0
    expect(failing("zeroStdNaN")).toEqual([byName("σ = 0 (a certain").name]);
    expect(failing("xiSign")).not.toContain(byName("six predictions").name);
    expect(failing("noExploration")).not.toContain(byName("σ = 0 (a certain").name);
  });

  it("a wrong EI is named on the checks that rank with it, not taken for a wrong choice", () => {
    // with the gain measured upwards the ranking follows the largest σ here, and suggestNext's
    // index is just another number: both are the EI's mistake, stated as such
    for (const check of ["five candidates", "same largest EI", "12 observations", "ξ = 0.05"]) {
      const c = byName(check), impl = learner("upwards");
      expect(fails(impl, c), check).toBe(true);
      expect(c.diagnose!(call(impl, c)), check).toEqual(MISTAKE.eiFirst());
    }
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("six predictions");
    expect(fails(learner("erfScaled"), c)).toBe(true);
    expect(c.diagnose!(call(learner("erfScaled"), c))).toBeUndefined();
  });
});
