/**
 * The `adam` exercise's checks: the solution and other correct ways of writing Adam and AdamW
 * pass every check; each known mistake, written here as a learner would write it (apart from
 * the checks' own variant), fails the checks it should and the feedback names the first step
 * and quantity that depart and the mistake.
 */
import { describe, expect, it } from "vitest";
import { compare } from "../../grader/compare.ts";
import { differs, mistakeHarness } from "./_mistakes.ts";
import type { Check } from "../../grader/types.ts";
import {
  type QuadraticBowl,
  quadraticBowl,
  runRule,
  type UpdateRule,
} from "../../lib/core/update_rule.ts";
import { adam as libAdam, adamw as libAdamw, asUpdateRule } from "../../lib/optim/optimizers.ts";
import {
  ADAM_MISTAKES,
  type AdamConfig,
  adamVariant,
  ADAMW_MISTAKES,
  checks,
} from "../checks/adam.ts";
import { adam as solutionAdam, adamw as solutionAdamw } from "../../solutions/adam.ts";
import { noisyBowl, trajectoryOf } from "../checks/trajectory.ts";
import { said } from "../checks/diagnose.ts";

type Bug =
  | "noBiasCorrection"
  | "noFirstCorrection"
  | "noSecondCorrection"
  | "tFromZero"
  | "stepNeverIncremented"
  | "epsInsideRoot"
  | "maxOfCorrected"
  | "coupledDecay"
  | "decoupledDecay"
  | "decayWithoutLr"
  | "decayAfterStep"
  | "decayIgnored";

/**
 * A learner's Adam (`decoupled` false) or AdamW (true) with one deliberate bug, in the style of
 * CS231n's adam: m̂ and v̂ computed explicitly, the state read with defaults.
 */
function learner(decoupled: boolean, bug?: Bug): UpdateRule<AdamConfig> {
  return (w, dw, c) => {
    const lr = c.lr ?? 1e-3, [beta1, beta2] = c.betas ?? [0.9, 0.999], eps = c.eps ?? 1e-8;
    let wd = c.weightDecay ?? (decoupled ? 0.01 : 0);
    if (bug === "decayIgnored") wd = 0;
    const m = c.expAvg ?? w.map(() => 0), v = c.expAvgSq ?? w.map(() => 0);
    let t = c.step ?? 0;
    if (bug !== "tFromZero" && bug !== "stepNeverIncremented") t += 1;
    const decouple = decoupled ? bug !== "coupledDecay" : bug === "decoupledDecay";
    const factor = bug === "decayWithoutLr" ? 1 - wd : 1 - lr * wd;
    const x = decouple && bug !== "decayAfterStep" ? w.map((p) => p * factor) : w.slice();
    const g = decouple ? dw : dw.map((gk, k) => gk + wd * w[k]);
    const m2 = m.map((mk, k) => beta1 * mk + (1 - beta1) * g[k]);
    const v2 = v.map((vk, k) => beta2 * vk + (1 - beta2) * g[k] ** 2);
    const noM = bug === "noBiasCorrection" || bug === "noFirstCorrection";
    const noV = bug === "noBiasCorrection" || bug === "noSecondCorrection";
    const mhat = m2.map((mk) => (noM ? mk : mk / (1 - beta1 ** t)));
    let vhat = v2.map((vk) => (noV ? vk : vk / (1 - beta2 ** t)));
    let vmax: number[] | undefined;
    if (c.amsgrad) {
      const old = c.maxExpAvgSq ?? w.map(() => 0);
      if (bug === "maxOfCorrected") vmax = vhat = vhat.map((vh, k) => Math.max(old[k], vh));
      else {
        vmax = v2.map((vk, k) => Math.max(old[k], vk));
        vhat = vmax.map((vk) => vk / (1 - beta2 ** t));
      }
    }
    let next = x.map((p, k) =>
      p -
      lr * mhat[k] / (bug === "epsInsideRoot" ? Math.sqrt(vhat[k] + eps) : Math.sqrt(vhat[k]) + eps)
    );
    if (decouple && bug === "decayAfterStep") next = next.map((p) => p * factor);
    const step = bug === "tFromZero" ? t + 1 : t;
    return {
      w: next,
      config: { ...c, step, expAvg: m2, expAvgSq: v2, ...(vmax ? { maxExpAvgSq: vmax } : {}) },
    };
  };
}

const isAdamW = (c: Check) => c.fn === "runAdamW";
/** Runs a rule on a check's arguments, exactly as the exercise's runAdam/runAdamW do. */
function runOn(rule: UpdateRule<AdamConfig>, c: Check): unknown {
  const [problem, w0, config, o] = c.args as [
    QuadraticBowl,
    number[],
    AdamConfig,
    { steps: number },
  ];
  return runRule(rule, quadraticBowl(problem).grad, w0, structuredClone(config), o);
}
const { all, byName, fails } = mistakeHarness(
  checks(),
  (rule: UpdateRule<AdamConfig>, c: Check) => runOn(rule, c),
);
const saysOf = (c: Check, flag: string) =>
  (isAdamW(c) ? ADAMW_MISTAKES : ADAM_MISTAKES).find((m) => m.flag === flag)!.says;

describe("adam checks", () => {
  it("the solution and another correct way of writing it pass every check", () => {
    for (const c of all) {
      const solution = isAdamW(c) ? solutionAdamw : solutionAdam;
      expect(fails(solution, c), c.name).toBe(false);
      expect(fails(learner(isAdamW(c)), c), c.name).toBe(false);
    }
  });

  it("the checks' own variants without mistakes are the library's adam and adamw", () => {
    const c = { problem: noisyBowl(3, 40), w0: [0, 0, 0, 0], steps: 40 };
    const config: AdamConfig = { lr: 0.05, weightDecay: 0.1, amsgrad: true, betas: [0.8, 0.99] };
    for (const [decoupled, opt] of [[false, libAdam(config)], [true, libAdamw(config)]] as const) {
      const ours = trajectoryOf(adamVariant(decoupled)([]), { ...c, config });
      const lib = trajectoryOf(asUpdateRule(opt) as unknown as UpdateRule<AdamConfig>, {
        ...c,
        config,
      });
      expect(compare(ours, lib, { rtol: 1e-12, atol: 1e-14 })).toBeUndefined();
    }
  });

  it("has visible and hidden checks of both, with AMSGrad, schedules and weight decay", () => {
    expect(all.filter((c) => c.hidden).length).toBeGreaterThanOrEqual(2);
    expect(all.filter(isAdamW).length).toBeGreaterThanOrEqual(2);
    const configs = all.map((c) => c.args[2] as AdamConfig);
    expect(configs.filter((a) => a.amsgrad).length).toBeGreaterThanOrEqual(2);
    expect(all.filter((c) => "lrs" in (c.args[3] as object)).length).toBeGreaterThanOrEqual(2);
  });

  const first = ", the very first step";
  const cases: [Bug, string, string, string?][] = [
    [
      "noBiasCorrection",
      "defaults on a ravine",
      `your w departs from the reference at step 1${first}`,
    ],
    ["noFirstCorrection", "defaults on a ravine", "your w departs"],
    ["noSecondCorrection", "defaults on a ravine", "your w departs"],
    ["tFromZero", "defaults on a ravine", `your w becomes NaN at step 1${first}`],
    // keeping step at 0 is the same mistake, and the step count is where it shows first
    [
      "stepNeverIncremented",
      "defaults on a ravine",
      `your step count (step) departs from the reference at step 1${first}`,
      "tFromZero",
    ],
    ["epsInsideRoot", "a larger ε", `your w departs from the reference at step 1${first}`],
    [
      "maxOfCorrected",
      "AMSGrad on a noisy problem",
      `your AMSGrad maximum (maxExpAvgSq) departs from the reference at step 1${first}`,
    ],
    ["maxOfCorrected", "a learning-rate schedule", "maxExpAvgSq"],
    [
      "decoupledDecay",
      "adam: weight decay",
      `your m (expAvg) departs from the reference at step 1${first}`,
    ],
    [
      "decayIgnored",
      "adam: weight decay",
      `your m (expAvg) departs from the reference at step 1${first}`,
    ],
    [
      "coupledDecay",
      "adamw: decoupled weight decay",
      `your m (expAvg) departs from the reference at step 1${first}`,
    ],
    ["decayWithoutLr", "adamw: decoupled weight decay", "your w departs"],
    ["decayAfterStep", "adamw: decoupled weight decay", "your w departs"],
    ["decayIgnored", "adamw: the default weight decay", "your w departs"],
    ["coupledDecay", "adamw: AMSGrad with a learning rate that drops", "expAvg"],
  ];
  for (const [bug, check, where, flag] of cases) {
    it(`${bug}: fails "${check}", and the feedback names where and the mistake`, () => {
      const c = byName(check);
      const got = runOn(learner(isAdamW(c), bug), c);
      expect(differs(got, c)).toBeDefined();
      const message = said(c.diagnose!(got));
      expect(message).toContain(where);
      expect(message).toContain(`it looks like ${saysOf(c, flag ?? bug)}`);
    });
  }

  it("every known mistake is named by some case above", () => {
    const named = new Set(cases.map(([bug, , , flag]) => flag ?? bug));
    for (const m of [...ADAM_MISTAKES, ...ADAMW_MISTAKES]) expect(named, m.flag).toContain(m.flag);
  });

  it("a mistake in the maximum shows on the AMSGrad checks only", () => {
    const failing = all.filter((c) => fails(learner(isAdamW(c), "maxOfCorrected"), c));
    expect(failing.every((c) => (c.args[2] as AdamConfig).amsgrad)).toBe(true);
    expect(failing.length).toBe(3);
  });

  it("two mistakes at once are both named", () => {
    const c = byName("a larger ε");
    const both: UpdateRule<AdamConfig> = (w, dw, cfg) => {
      // the seed's Adam: no correction, ε inside the root
      const [b1, b2] = cfg.betas ?? [0.9, 0.999], eps = cfg.eps ?? 1e-8, lr = cfg.lr ?? 1e-3;
      const m = dw.map((g, k) => b1 * (cfg.expAvg?.[k] ?? 0) + (1 - b1) * g);
      const v = dw.map((g, k) => b2 * (cfg.expAvgSq?.[k] ?? 0) + (1 - b2) * g * g);
      return {
        w: w.map((x, k) => x - lr * m[k] / Math.sqrt(v[k] + eps)),
        config: { ...cfg, step: (cfg.step ?? 0) + 1, expAvg: m, expAvgSq: v },
      };
    };
    const message = said(c.diagnose!(runOn(both, c)));
    expect(message).toMatch(/— it looks like .* — it looks like /);
    expect(message).toContain(saysOf(c, "noBiasCorrection"));
    expect(message).toContain(saysOf(c, "epsInsideRoot"));
  });

  it("an unknown mistake is placed where it first shows, and not named", () => {
    const c = byName("defaults on a ravine");
    const late: UpdateRule<AdamConfig> = (w, dw, cfg) => {
      const r = solutionAdam(w, dw, cfg);
      return (cfg.step ?? 0) + 1 === 7 ? { ...r, w: r.w.map((x) => x * 1.001) } : r;
    };
    expect(said(c.diagnose!(runOn(late, c)))).toBe(
      "your w departs from the reference at step 7; before that it matched",
    );
  });
});
