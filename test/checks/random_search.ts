/**
 * Graded checks for exercises/random_search.ts. Reference values come from lib/search/space.ts
 * (`paramFromUnit`, `sample`: the same unit-interval maps and the same one-draw-per-parameter
 * order), computed in the grader's process; the objectives searched are the exercise's own
 * `OBJECTIVES` (outside the answers, so the same in every copy of the file).
 *
 * Where a wrong answer equals a known mistake (a uniform instead of a log-uniform draw, an
 * integer range that misses its top value, a best that is the largest value, …), the feedback
 * names it.
 */

import { Random } from "../../lib/core/random.ts";
import {
  categorical,
  type Config,
  float,
  int,
  type Param,
  paramFromUnit,
  sample,
  type SearchSpace,
  space,
} from "../../lib/search/space.ts";
import type { Check, Exercise } from "../../grader/types.ts";
import { OBJECTIVES, type ParamSpec } from "../../solutions/random_search.ts";
import { matches, mistake } from "./diagnose.ts";

/**
 * The known mistakes, each in two tiers: what is wrong (at once) and the formula-level fix
 * (once the check's hint unlocks); the unit test matches on these.
 */
export const MISTAKE = {
  linear: () =>
    mistake(
      "the value is uniform between low and high, not log-uniform: most draws then land in the " +
        "top decade",
      "Make the logarithm uniform: exp(log low + u·(log high − log low)).",
      "linear",
    ),
  mixedBases: () =>
    mistake(
      "the logarithm and the power use different bases: the endpoints no longer map to low and " +
        "high",
      "Use exp with Math.log, or 10 ** with Math.log10, never one with the other.",
      "mixedBases",
    ),
  reversed: () =>
    mistake(
      "u = 0 gives high and u → 1 gives low: the interval is walked backwards",
      "Start from low: exp(log low + u·(log high − log low)) is low at u = 0.",
      "reversed",
    ),
  roundChoice: () =>
    mistake(
      "rounding gives the first and last choices half the probability of the others",
      "Cut [0, 1) into k equal slices, one per choice: choices[Math.floor(u·k)].",
      "roundChoice",
    ),
  neverLast: () =>
    mistake(
      "the last choice is never returned",
      "Cut [0, 1) into k slices, one per choice: Math.floor(u·k), not Math.floor(u·(k − 1)).",
      "neverLast",
    ),
  intMissesTop: () =>
    mistake(
      "the integer never reaches high: there is one more value from low to high than high − low",
      "{low, …, high} has high − low + 1 values: low + Math.floor(u·(high − low + 1)).",
      "intMissesTop",
    ),
  intRounded: () =>
    mistake(
      "the integer is rounded, so low and high get half the probability of the values between",
      "Cut [0, 1) into high − low + 1 equal slices: low + Math.floor(u·(high − low + 1)).",
      "intRounded",
    ),
  bestIsMax: () =>
    mistake(
      "best is the trial with the largest value: the search minimises",
      "Keep the trial with the smallest value.",
      "bestIsMax",
    ),
  incumbentIsValues: () =>
    mistake(
      "incumbent holds each trial's own value, not the best value found so far",
      "incumbent[t] is the smallest of values[0 … t], a running minimum.",
      "incumbentIsValues",
    ),
  sameConfig: () =>
    mistake(
      "every trial has the same configuration: the random numbers start afresh for each trial",
      "Make one generator new Random(seed) before the loop, not one per trial.",
      "sameConfig",
    ),
};

/** The exercise's space description as a lib/ search space. */
export function toSpace(spec: Record<string, ParamSpec>): SearchSpace {
  return space(Object.fromEntries(
    Object.entries(spec).map(([k, p]): [string, Param] => [
      k,
      p.type === "log"
        ? float(p.low, p.high, { log: true })
        : p.type === "int"
        ? int(p.low, p.high)
        : categorical(p.choices),
    ]),
  ));
}

/** The reference of `sampleConfigs`. */
export function referenceConfigs(
  spec: Record<string, ParamSpec>,
  n: number,
  seed: number,
): Config[] {
  const sp = toSpace(spec), rng = new Random(seed);
  return Array.from({ length: n }, () => sample(sp, rng));
}

/** The reference of `searchOn`. */
export function referenceSearch(
  objective: string,
  spec: Record<string, ParamSpec>,
  nTrials: number,
  seed: number,
  bugs: { bestIsMax?: boolean; incumbentIsValues?: boolean; sameConfig?: boolean } = {},
) {
  const f = OBJECTIVES[objective];
  const configs = bugs.sameConfig
    ? Array.from({ length: nTrials }, () => referenceConfigs(spec, 1, seed)[0])
    : referenceConfigs(spec, nTrials, seed);
  const trials = configs.map((config) => ({
    config,
    value: f(config as Record<string, number | string>),
  }));
  let best = trials[0];
  const incumbent: number[] = [];
  for (const t of trials) {
    if (bugs.bestIsMax ? t.value > best.value : t.value < best.value) best = t;
    incumbent.push(
      bugs.incumbentIsValues ? t.value : Math.min(incumbent.at(-1) ?? Infinity, t.value),
    );
  }
  return { trials, best, incumbent };
}

/** `sampleConfigs` with the mistakes of `bugs`, written independently of lib/. */
function configsVariant(
  spec: Record<string, ParamSpec>,
  n: number,
  seed: number,
  bug: "linear" | "intMissesTop" | "intRounded" | "roundChoice",
): Config[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => {
    const c: Config = {};
    for (const [k, p] of Object.entries(spec)) {
      const u = rng.next();
      if (p.type === "log") {
        c[k] = bug === "linear"
          ? p.low + u * (p.high - p.low)
          : paramFromUnit(float(p.low, p.high, { log: true }), u) as number;
      } else if (p.type === "int") {
        c[k] = bug === "intMissesTop"
          ? p.low + Math.floor(u * (p.high - p.low))
          : bug === "intRounded"
          ? p.low + Math.round(u * (p.high - p.low))
          : p.low + Math.floor(u * (p.high - p.low + 1));
      } else {
        const k2 = p.choices.length;
        c[k] = p.choices[bug === "roundChoice" ? Math.round(u * (k2 - 1)) : Math.floor(u * k2)];
      }
    }
    return c;
  });
}

function logUniformMistakes(low: number, high: number, u: number) {
  return (actual: unknown) =>
    matches(actual, [
      [low + u * (high - low), MISTAKE.linear()],
      [10 ** (Math.log(low) + u * (Math.log(high) - Math.log(low))), MISTAKE.mixedBases()],
      [Math.exp(Math.log10(low) + u * (Math.log10(high) - Math.log10(low))), MISTAKE.mixedBases()],
      [Math.exp(Math.log(high) + u * (Math.log(low) - Math.log(high))), MISTAKE.reversed()],
    ]);
}

function chooseMistakes(choices: readonly unknown[], us: readonly number[]) {
  const k = choices.length;
  return (actual: unknown) =>
    matches(actual, [
      [us.map((u) => choices[Math.round(u * (k - 1))]), MISTAKE.roundChoice()],
      [us.map((u) => choices[Math.floor(u * (k - 1))]), MISTAKE.neverLast()],
    ]);
}

function configMistakes(spec: Record<string, ParamSpec>, n: number, seed: number) {
  return (actual: unknown) =>
    matches(actual, [
      [configsVariant(spec, n, seed, "linear"), MISTAKE.linear()],
      [configsVariant(spec, n, seed, "intMissesTop"), MISTAKE.intMissesTop()],
      [configsVariant(spec, n, seed, "intRounded"), MISTAKE.intRounded()],
      [configsVariant(spec, n, seed, "roundChoice"), MISTAKE.roundChoice()],
    ]);
}

function searchMistakes(
  objective: string,
  spec: Record<string, ParamSpec>,
  n: number,
  seed: number,
) {
  const only = (
    field: "best" | "incumbent" | "trials",
    bugs: Parameters<typeof referenceSearch>[4],
  ) => ({
    [field]: referenceSearch(objective, spec, n, seed, bugs)[field],
  });
  return (actual: unknown) => {
    if (!actual || typeof actual !== "object") return undefined;
    const a = actual as Record<string, unknown>;
    return matches({ trials: a.trials }, [[
      only("trials", { sameConfig: true }),
      MISTAKE.sameConfig(),
    ]]) ??
      matches({ best: a.best }, [[only("best", { bestIsMax: true }), MISTAKE.bestIsMax()]]) ??
      matches({ incumbent: a.incumbent }, [[
        only("incumbent", { incumbentIsValues: true }),
        MISTAKE.incumbentIsValues(),
      ]]);
  };
}

export const SPACE: Record<string, ParamSpec> = {
  lr: { type: "log", low: 1e-4, high: 1 },
  layers: { type: "int", low: 1, high: 4 },
  optimizer: { type: "choice", choices: ["sgd", "adam", "rmsprop"] },
};
const HIDDEN_SPACE: Record<string, ParamSpec> = {
  width: { type: "int", low: 16, high: 20 },
  lr: { type: "log", low: 1e-5, high: 1e-1 },
  act: { type: "choice", choices: ["relu", "tanh"] },
};

/** Every check of the exercise, in the order a learner meets them. */
export function checks(): Check[] {
  const logSpec = float(1e-4, 1, { log: true });
  const us = [0, 0.2, 0.34, 0.5, 0.66, 0.999];
  const choices = ["a", "b", "c", "d"];
  return [
    {
      name: "logUniform: u = 0.5 on [1e-4, 1] is the geometric mean 1e-2",
      nudge:
        "Which quantity of a rate should be spread evenly: the rate or its order of magnitude?",
      points: 1,
      fn: "logUniform",
      args: [1e-4, 1, 0.5],
      expected: paramFromUnit(logSpec, 0.5),
      diagnose: logUniformMistakes(1e-4, 1, 0.5),
      hint: "logUniform(low, high, u) = exp(log low + u·(log high − log low)).",
    },
    {
      name: "logUniform: u = 0.25 on [1e-4, 1] is 1e-3",
      nudge:
        "A quarter of the way should be a quarter of the decades, not a quarter of the distance.",
      points: 1,
      fn: "logUniform",
      args: [1e-4, 1, 0.25],
      expected: paramFromUnit(logSpec, 0.25),
      diagnose: logUniformMistakes(1e-4, 1, 0.25),
      hint: "A quarter of the way in log space across four decades is one decade above low.",
    },
    {
      name: "logUniform: u = 0 gives low",
      nudge: "At u = 0 the sample must be the lower end of the range.",
      points: 1,
      fn: "logUniform",
      args: [3e-5, 2e-2, 0],
      expected: 3e-5,
      diagnose: logUniformMistakes(3e-5, 2e-2, 0),
      hint: "At u = 0 the logarithm is log(low).",
    },
    {
      name: "choose: four choices, six uniforms (each slice of [0, 1) is one choice)",
      nudge:
        "Each of the k choices should own an equal slice of [0, 1); look at the last slice and its edge.",
      points: 2,
      fn: "chooseMany",
      args: [choices, us],
      expected: us.map((u) => choices[Math.floor(u * 4)]),
      diagnose: chooseMistakes(choices, us),
      hint: "Each of the k choices should own an equal slice of [0, 1).",
    },
    {
      name:
        "sampleConfig: five configurations from new Random(3), lr log, layers 1–4, optimizer of 3",
      nudge:
        "Check the number of draws per parameter and their order, and whether both ends of an integer range can come out.",
      points: 3,
      fn: "sampleConfigs",
      args: [SPACE, 5, 3],
      expected: referenceConfigs(SPACE, 5, 3),
      rtol: 1e-12,
      diagnose: configMistakes(SPACE, 5, 3),
      hint: "One rng.next() per parameter, in the order of Object.keys(space); how many integers " +
        "lie between low and high, both included?",
    },
    {
      name: "randomSearch: 30 trials on the bowl objective from seed 1 (trials, best, incumbent)",
      nudge:
        "Check how many generators you create, whether the search minimises, and what the incumbent holds after each trial.",
      points: 3,
      fn: "searchOn",
      args: ["bowl", SPACE, 30, 1],
      expected: referenceSearch("bowl", SPACE, 30, 1),
      rtol: 1e-12,
      diagnose: searchMistakes("bowl", SPACE, 30, 1),
      hint: "One generator for the whole search; the search minimises; the incumbent is the best " +
        "value so far after each trial.",
    },
    {
      name: "sampleConfig: 40 configurations of another space (width 16–20, lr log, act of 2)",
      nudge:
        "Read each parameter's kind from its type; nothing may depend on the visible check's parameter names.",
      points: 2,
      fn: "sampleConfigs",
      args: [HIDDEN_SPACE, 40, 11],
      expected: referenceConfigs(HIDDEN_SPACE, 40, 11),
      rtol: 1e-12,
      diagnose: configMistakes(HIDDEN_SPACE, 40, 11),
      hidden: true,
      hint: "Read each parameter's kind from its `type`; draw once per parameter in key order.",
    },
    {
      name: "randomSearch: 60 trials where only the rate matters, seed 7",
      nudge: "Look at what happens when two trials score the same: which one stays the best?",
      points: 2,
      fn: "searchOn",
      args: ["rateOnly", HIDDEN_SPACE, 60, 7],
      expected: referenceSearch("rateOnly", HIDDEN_SPACE, 60, 7),
      rtol: 1e-12,
      diagnose: searchMistakes("rateOnly", HIDDEN_SPACE, 60, 7),
      hidden: true,
      hint: "Keep the first trial on ties: replace the best only on a strictly smaller value.",
    },
  ];
}

export const randomSearchExercise: Exercise = {
  name: "random_search",
  title: "Random search: log-uniform and categorical sampling, and the search loop",
  notebook: "29_search_grid_random.ipynb",
  checks,
};
