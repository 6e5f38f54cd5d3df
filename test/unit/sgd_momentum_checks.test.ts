/**
 * The `sgd_momentum` exercise's checks: the solution and other correct ways of writing the
 * update pass every check; each known mistake, written here as a learner would write it (apart
 * from the checks' own variant), fails the checks it should and the feedback names the first
 * step and quantity that depart and the mistake.
 */
import { describe, expect, it } from "vitest";
import { compare } from "../../grader/compare.ts";
import { differs, mistakeHarness, tol } from "./_mistakes.ts";
import type { Check } from "../../grader/types.ts";
import {
  type QuadraticBowl,
  quadraticBowl,
  runRule,
  type UpdateRule,
} from "../../lib/core/update_rule.ts";
import { asUpdateRule, sgd as libSgd } from "../../lib/optim/optimizers.ts";
import { checks, SGD_MISTAKES, type SgdConfig, sgdVariant } from "../checks/sgd_momentum.ts";
import { sgd as solution } from "../../solutions/sgd_momentum.ts";
import { RAVINE, trajectoryOf } from "../checks/trajectory.ts";
import { said } from "../checks/diagnose.ts";

type Bug =
  | "lrInBuffer"
  | "negativeVelocity"
  | "stepBeforeBuffer"
  | "dampenedFirstStep"
  | "averagedBuffer"
  | "dampeningIgnored"
  | "nesterovOldBuffer"
  | "nesterovIgnored"
  | "decayOutsideBuffer"
  | "decayIgnored"
  | "lateMomentum";

/** A learner's sgd with one deliberate bug, in the loop style a learner might write. */
function learner(bug?: Bug): UpdateRule<SgdConfig> {
  let steps = 0;
  return (w, dw, c) => {
    steps++;
    const { lr, dampening = 0, nesterov = false, weightDecay = 0 } = c;
    const mu = bug === "lateMomentum" && steps >= 5 ? 0.5 * (c.momentum ?? 0) : c.momentum ?? 0;
    const out = w.slice();
    const buf = c.momentumBuffer ? c.momentumBuffer.slice() : undefined;
    const next: number[] = [];
    for (let k = 0; k < w.length; k++) {
      let g = dw[k];
      if (bug !== "decayIgnored" && bug !== "decayOutsideBuffer") g += weightDecay * w[k];
      if (mu === 0) {
        out[k] -= lr * g;
        continue;
      }
      const old = buf?.[k];
      if (bug === "negativeVelocity") {
        // CS231n's code: v = μ·v − lr·g; x += v, or for Nesterov x += −μ·v_prev + (1 + μ)·v
        const v = mu * (old ?? 0) - lr * g;
        next.push(v);
        out[k] += nesterov ? -mu * (old ?? 0) + (1 + mu) * v : v;
        continue;
      }
      let b: number;
      if (bug === "lrInBuffer") b = old === undefined ? lr * g : mu * old + lr * g;
      else if (bug === "dampenedFirstStep") b = mu * (old ?? 0) + (1 - dampening) * g;
      else if (bug === "averagedBuffer") b = mu * (old ?? 0) + (1 - mu) * g;
      else if (bug === "dampeningIgnored") b = old === undefined ? g : mu * old + g;
      else b = old === undefined ? g : mu * old + (1 - dampening) * g;
      next.push(b);
      // the step with the buffer as it was, the momentum added after it
      let d = bug === "stepBeforeBuffer" ? old ?? 0 : b;
      if (nesterov && bug !== "nesterovIgnored") {
        d = bug === "nesterovOldBuffer" ? g + mu * (old ?? 0) : g + mu * b;
        if (bug === "lrInBuffer") d = lr * g + mu * b;
      }
      out[k] -= bug === "lrInBuffer" ? d : lr * d;
      if (bug === "decayOutsideBuffer") out[k] -= lr * weightDecay * w[k];
    }
    return { w: out, config: mu === 0 ? c : { ...c, momentumBuffer: next } };
  };
}

/** Another correct sgd: state kept as a Float64Array and updated in place, config mutated. */
const inPlace: UpdateRule<SgdConfig> = (w, dw, c) => {
  const { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = c;
  const g = Float64Array.from(dw, (x, k) => x + weightDecay * w[k]);
  if (momentum === 0) return { w: w.map((x, k) => x - g[k] * lr), config: c };
  const state = c as { momentumBuffer?: Float64Array };
  let b = state.momentumBuffer;
  if (b === undefined) b = state.momentumBuffer = Float64Array.from(g);
  else for (let k = 0; k < b.length; k++) b[k] = b[k] * momentum + g[k] * (1 - dampening);
  const buf = b;
  return {
    w: w.map((x, k) => x + -lr * (nesterov ? g[k] + momentum * buf[k] : buf[k])),
    config: c,
  };
};

/** Runs a rule on a check's arguments, exactly as the exercise's runSgd does in the sandbox. */
function runOn(rule: UpdateRule<SgdConfig>, c: Check): unknown {
  const [problem, w0, config, o] = c.args as [
    QuadraticBowl,
    number[],
    SgdConfig,
    { steps: number },
  ];
  return runRule(rule, quadraticBowl(problem).grad, w0, structuredClone(config), o);
}
const { all, byName, fails } = mistakeHarness(
  checks(),
  (rule: () => UpdateRule<SgdConfig>, c: Check) => runOn(rule(), c),
);
const says = (bug: string) =>
  SGD_MISTAKES.find((m) => m.flag === (bug === "nesterovIgnored" ? "nesterovOldBuffer" : bug))!
    .says;

describe("sgd_momentum checks", () => {
  it("the solution and other correct ways of writing it pass every check", () => {
    for (const c of all) {
      expect(fails(() => solution, c), c.name).toBe(false);
      expect(fails(() => learner(), c), c.name).toBe(false);
      expect(fails(() => inPlace, c), c.name).toBe(false);
    }
  });

  it("the checks' own variant without mistakes is the library's sgd", () => {
    const c = { problem: RAVINE, w0: [-2, 1], steps: 40 };
    const config = { lr: 0.04, momentum: 0.9, dampening: 0.1, weightDecay: 0.05 };
    const ours = trajectoryOf(sgdVariant([]), { ...c, config });
    const lib = trajectoryOf(asUpdateRule(libSgd(config)) as unknown as UpdateRule<SgdConfig>, {
      ...c,
      config,
    });
    expect(compare(ours.map((s) => s.w), lib.map((s) => s.w), { rtol: 1e-12, atol: 1e-14 }))
      .toBeUndefined();
  });

  it("has visible and hidden checks, with schedules, dampening, Nesterov and weight decay", () => {
    expect(all.filter((c) => c.hidden).length).toBeGreaterThanOrEqual(2);
    const args = all.map((c) => c.args[2] as SgdConfig);
    expect(args.some((a) => a.nesterov)).toBe(true);
    expect(args.some((a) => (a.dampening ?? 0) > 0)).toBe(true);
    expect(all.filter((c) => "lrs" in (c.args[3] as object)).length).toBeGreaterThanOrEqual(2);
  });

  const first = ", the very first step";
  const cases: [Bug, string, string][] = [
    [
      "lrInBuffer",
      "momentum 0.9 on a ravine",
      `your momentum buffer (momentumBuffer) departs from the reference at step 1${first}`,
    ],
    ["lrInBuffer", "a learning rate that drops", "momentumBuffer"],
    [
      "negativeVelocity",
      "momentum 0.9 on a ravine",
      `your momentum buffer (momentumBuffer) departs from the reference at step 1${first}`,
    ],
    [
      "negativeVelocity",
      "Nesterov momentum on a ravine",
      `your momentum buffer (momentumBuffer) departs from the reference at step 1${first}`,
    ],
    ["negativeVelocity", "a learning rate that drops", "momentumBuffer"],
    [
      "stepBeforeBuffer",
      "momentum 0.9 on a ravine",
      `your w departs from the reference at step 1${first}`,
    ],
    ["stepBeforeBuffer", "noisy problem", "your w departs"],
    [
      "dampenedFirstStep",
      "dampening 0.5",
      `your momentum buffer (momentumBuffer) departs from the reference at step 1${first}`,
    ],
    ["averagedBuffer", "momentum 0.9 on a ravine", "momentumBuffer"],
    [
      "dampeningIgnored",
      "dampening 0.5",
      "your momentum buffer (momentumBuffer) departs from the reference at step 2; before that it matched",
    ],
    [
      "nesterovOldBuffer",
      "Nesterov momentum on a ravine",
      `your w departs from the reference at step 1${first}`,
    ],
    // g + μ·b_old = b_new: ignoring nesterov is the same mistake, and is named as that one
    ["nesterovIgnored", "Nesterov momentum on a ravine", "your w departs"],
    ["decayOutsideBuffer", "noisy problem", "momentumBuffer"],
    ["decayOutsideBuffer", "Nesterov with weight decay", "momentumBuffer"],
    ["decayIgnored", "weight decay, no momentum", "your w departs"],
  ];
  for (const [bug, check, where] of cases) {
    it(`${bug}: fails "${check}", and the feedback names where and the mistake`, () => {
      const c = byName(check);
      const got = runOn(learner(bug), c);
      expect(differs(got, c)).toBeDefined();
      const message = said(c.diagnose!(got));
      expect(message).toContain(where);
      expect(message).toContain(`it looks like ${says(bug)}`);
    });
  }

  it("every known mistake is named by some case above", () => {
    const named = new Set(cases.map(([bug]) => bug));
    for (const m of SGD_MISTAKES) expect(named, m.flag).toContain(m.flag);
  });

  it("the learning rate inside the buffer leaves w alone while lr is constant", () => {
    const c = byName("momentum 0.9 on a ravine");
    const got = runOn(learner("lrInBuffer"), c) as { w: number[] }[];
    const want = c.expected as { w: number[] }[];
    expect(compare(got.map((s) => s.w), want.map((s) => s.w), tol(c))).toBeUndefined();
  });

  it("CS231n's Nesterov code takes PyTorch's steps while lr is constant; only its buffer differs", () => {
    const c = byName("Nesterov momentum on a ravine");
    const got = runOn(learner("negativeVelocity"), c) as { w: number[] }[];
    const want = c.expected as { w: number[] }[];
    expect(compare(got.map((s) => s.w), want.map((s) => s.w), tol(c))).toBeUndefined();
    expect(fails(() => learner("negativeVelocity"), c)).toBe(true);
    // with a schedule the two part: lr is inside CS231n's velocity
    const dropped = byName("Nesterov with weight decay and a warm-up schedule");
    const steps = runOn(learner("negativeVelocity"), dropped) as { w: number[] }[];
    const ref = dropped.expected as { w: number[] }[];
    expect(compare(steps.map((s) => s.w), ref.map((s) => s.w), tol(dropped))).toBeDefined();
  });

  it("two mistakes at once are both named", () => {
    const both: UpdateRule<SgdConfig> = (w, dw, c) => {
      // the notes' velocity form, and Nesterov from the old velocity
      const { lr, momentum = 0, weightDecay = 0 } = c;
      const g = dw.map((x, k) => x + weightDecay * w[k]);
      const old = c.momentumBuffer ?? g.map(() => 0);
      const v = g.map((x, k) => momentum * old[k] + lr * x);
      return {
        w: w.map((x, k) => x - (lr * g[k] + momentum * old[k])),
        config: { ...c, momentumBuffer: v },
      };
    };
    const c = byName("Nesterov momentum on a ravine");
    const message = said(c.diagnose!(runOn(both, c)));
    expect(message).toMatch(/— it looks like .* — it looks like /);
    expect(message).toContain(says("lrInBuffer"));
    expect(message).toContain(says("nesterovOldBuffer"));
  });

  it("a mistake that first shows late is placed there; an unknown one is not named", () => {
    const c = byName("momentum 0.9 on a ravine");
    const message = said(c.diagnose!(runOn(learner("lateMomentum"), c)));
    expect(message).toBe(
      "your momentum buffer (momentumBuffer) departs from the reference at step 5; " +
        "before that it matched",
    );
  });

  it("a buffer kept under another name is reported as missing, by its name", () => {
    const renamed: UpdateRule<SgdConfig> = (w, dw, c) => {
      const r = solution(w, dw, { ...c, momentumBuffer: (c as { v?: number[] }).v });
      const { momentumBuffer, ...rest } = r.config;
      return { w: r.w, config: { ...rest, v: momentumBuffer } as SgdConfig };
    };
    const c = byName("momentum 0.9 on a ravine");
    expect(said(c.diagnose!(runOn(renamed, c)))).toBe(
      "after step 1 your config has no momentumBuffer: keep the momentum buffer there, " +
        "under that name",
    );
  });
});
