/**
 * The `random_search` exercise's checks: the solution passes every check; each known mistake,
 * written here as a learner would write it (apart from the checks' own variants), fails the
 * checks it should and the feedback names it; a wrong answer that is no known mistake gets no
 * diagnosis.
 */
import { describe, expect, it } from "vitest";
import { mistakeHarness } from "./_mistakes.ts";
import { Random } from "../../lib/core/random.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { checks, MISTAKE } from "../checks/random_search.ts";
import * as solution from "../../solutions/random_search.ts";
import type { Config, ParamSpec } from "../../solutions/random_search.ts";

type Bug =
  | "none"
  | "linear" // low + u·(high − low)
  | "mixedBases" // 10 ** (ln low + u·(ln high − ln low))
  | "reversed" // from high down to low
  | "roundChoice" // choices[Math.round(u·(k − 1))]
  | "neverLast" // choices[Math.floor(u·(k − 1))]
  | "intMissesTop" // low + floor(u·(high − low))
  | "bestIsMax"
  | "incumbentIsValues"
  | "rngPerTrial" // new Random(seed) inside the loop
  | "offByOne"; // an unknown mistake: one fewer trial

function learner(bug: Bug) {
  const logUniform = (low: number, high: number, u: number) => {
    if (bug === "linear") return low + u * (high - low);
    if (bug === "mixedBases") return 10 ** (Math.log(low) + u * (Math.log(high) - Math.log(low)));
    if (bug === "reversed") return high * (low / high) ** u;
    return low * (high / low) ** u; // another correct way of writing it
  };
  const choose = <T>(c: readonly T[], u: number): T =>
    bug === "roundChoice"
      ? c[Math.round(u * (c.length - 1))]
      : bug === "neverLast"
      ? c[Math.floor(u * (c.length - 1))]
      : c[Math.floor(u * c.length)];
  const sampleConfig = (space: Record<string, ParamSpec>, rng: Random): Config => {
    const out: Config = {};
    for (const name of Object.keys(space)) {
      const p = space[name], u = rng.next();
      out[name] = p.type === "log"
        ? logUniform(p.low, p.high, u)
        : p.type === "int"
        ? p.low + Math.floor(u * (p.high - p.low + (bug === "intMissesTop" ? 0 : 1)))
        : choose(p.choices, u);
    }
    return out;
  };
  const randomSearch = (
    f: (c: Config) => number,
    space: Record<string, ParamSpec>,
    n: number,
    seed: number,
  ) => {
    let rng = new Random(seed);
    const trials = [];
    for (let t = 0; t < (bug === "offByOne" ? n - 1 : n); t++) {
      if (bug === "rngPerTrial") rng = new Random(seed);
      const config = sampleConfig(space, rng);
      trials.push({ config, value: f(config) });
    }
    const values = trials.map((t) => t.value);
    const pick = bug === "bestIsMax" ? Math.max(...values) : Math.min(...values);
    const best = trials[values.indexOf(pick)];
    const incumbent = bug === "incumbentIsValues"
      ? values
      : values.map((_, i) => Math.min(...values.slice(0, i + 1)));
    return { trials, best, incumbent };
  };
  return {
    logUniform,
    chooseMany: (c: unknown[], us: number[]) => us.map((u) => choose(c, u)),
    sampleConfigs: (space: Record<string, ParamSpec>, n: number, seed: number) => {
      const rng = new Random(seed);
      return Array.from({ length: n }, () => sampleConfig(space, rng));
    },
    searchOn: (name: string, space: Record<string, ParamSpec>, n: number, seed: number) =>
      randomSearch(solution.OBJECTIVES[name], space, n, seed),
  };
}

// deno-lint-ignore no-explicit-any
const call = (impl: any, c: Check) => impl[c.fn](...c.args);
const { all, byName, fails, failing: failingImpl } = mistakeHarness(checks(), call);
const failing = (bug: Bug) => failingImpl(learner(bug));

describe("random_search checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failingImpl(solution)).toEqual([]);
    expect(failing("none")).toEqual([]);
    expect(all.filter((c) => c.hidden).length).toBeGreaterThanOrEqual(2);
  });

  const cases: [Bug, string, Diagnosis][] = [
    ["linear", "u = 0.5 on", MISTAKE.linear()],
    ["linear", "five configurations", MISTAKE.linear()],
    ["linear", "40 configurations", MISTAKE.linear()],
    ["mixedBases", "u = 0.25", MISTAKE.mixedBases()],
    ["reversed", "u = 0 gives low", MISTAKE.reversed()],
    ["roundChoice", "four choices", MISTAKE.roundChoice()],
    ["neverLast", "four choices", MISTAKE.neverLast()],
    ["intMissesTop", "five configurations", MISTAKE.intMissesTop()],
    ["intMissesTop", "40 configurations", MISTAKE.intMissesTop()],
    ["bestIsMax", "30 trials", MISTAKE.bestIsMax()],
    ["incumbentIsValues", "30 trials", MISTAKE.incumbentIsValues()],
    ["incumbentIsValues", "60 trials", MISTAKE.incumbentIsValues()],
    ["rngPerTrial", "30 trials", MISTAKE.sameConfig()],
  ];
  for (const [bug, check, message] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check), impl = learner(bug);
      expect(fails(impl, c)).toBe(true);
      expect(c.diagnose!(call(impl, c))).toEqual(message);
    });
  }

  it("a mistake in the loop alone leaves the sampling checks passing", () => {
    expect(failing("bestIsMax")).toEqual([byName("30 trials").name, byName("60 trials").name]);
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("30 trials");
    expect(fails(learner("offByOne"), c)).toBe(true);
    expect(c.diagnose!(call(learner("offByOne"), c))).toBeUndefined();
    const l = byName("u = 0.5 on");
    expect(l.diagnose!(0.0123)).toBeUndefined();
  });
});
