/**
 * Exercise: random search — sampling a log-uniform and a categorical space, and the search loop.
 *
 * Notebook: notebooks/29_search_grid_random.ipynb. Write each function between BEGIN YOUR CODE
 * and END YOUR CODE, then grade it with `deno task grade random_search` (or run the grading cell
 * at the end of the notebook). Uniform numbers come from `rng.next()` (a `Random` of
 * lib/core/random.ts), one per parameter, in the order the parameters are listed: the grader
 * replays the same draws, so the order matters.
 *
 * The functions at the end of the file let the grader call your code with its own objectives
 * and generators (a function cannot be sent to the grader); leave them as they are.
 */

import { Random } from "../lib/core/random.ts";

/** One parameter of a space: log-uniform on [low, high], an integer in {low, …, high}, or one of `choices`. */
export type ParamSpec =
  | { type: "log"; low: number; high: number }
  | { type: "int"; low: number; high: number }
  | { type: "choice"; choices: (string | number)[] };

/** A configuration: parameter name → value. */
export type Config = Record<string, number | string>;

/**
 * The value of a log-uniform parameter on [low, high] (0 < low < high) for a uniform number
 * u ∈ [0, 1): its logarithm is uniform between log(low) and log(high). u = 0 gives low.
 */
export function logUniform(low: number, high: number, u: number): number {
  // BEGIN YOUR CODE: logUniform
  return Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)));
  // END YOUR CODE
}

/**
 * One of `choices`, each equally likely, for a uniform number u ∈ [0, 1): the k equal slices
 * of [0, 1) map to the k choices in order.
 */
export function choose<T>(choices: readonly T[], u: number): T {
  // BEGIN YOUR CODE: choose
  return choices[Math.floor(u * choices.length)];
  // END YOUR CODE
}

/**
 * One configuration drawn from `space`: for each parameter in the order of
 * `Object.keys(space)`, one `rng.next()`, turned into a value — log-uniform for "log", an
 * integer in {low, …, high} (each equally likely) for "int", one of the choices for "choice".
 */
export function sampleConfig(space: Record<string, ParamSpec>, rng: Random): Config {
  // BEGIN YOUR CODE: sampleConfig
  const config: Config = {};
  for (const [name, p] of Object.entries(space)) {
    const u = rng.next();
    if (p.type === "log") config[name] = logUniform(p.low, p.high, u);
    else if (p.type === "int") config[name] = p.low + Math.floor(u * (p.high - p.low + 1));
    else config[name] = choose(p.choices, u);
  }
  return config;
  // END YOUR CODE
}

/** What {@link randomSearch} returns. */
export interface SearchResult {
  /** Every trial in order: its configuration and its value. */
  trials: { config: Config; value: number }[];
  /** The trial with the lowest value (the first one on ties). */
  best: { config: Config; value: number };
  /** The lowest value found after each trial (as long as `trials`). */
  incumbent: number[];
}

/**
 * Random search: `nTrials` configurations drawn with one generator `new Random(seed)` (by
 * `sampleConfig`), each evaluated once by `objective`; values are minimised.
 */
export function randomSearch(
  objective: (config: Config) => number,
  space: Record<string, ParamSpec>,
  nTrials: number,
  seed: number,
): SearchResult {
  // BEGIN YOUR CODE: randomSearch
  const rng = new Random(seed);
  const trials: { config: Config; value: number }[] = [];
  const incumbent: number[] = [];
  let best: { config: Config; value: number } | undefined;
  for (let t = 0; t < nTrials; t++) {
    const config = sampleConfig(space, rng);
    const trial = { config, value: objective(config) };
    trials.push(trial);
    if (!best || trial.value < best.value) best = trial;
    incumbent.push(best.value);
  }
  return { trials, best: best!, incumbent };
  // END YOUR CODE
}

/** The objectives the grader searches with your `randomSearch` (minimised). */
export const OBJECTIVES: Record<string, (c: Config) => number> = {
  /** Best at lr = 0.01, 3 layers, "adam". */
  bowl: (c) =>
    (Math.log10(c.lr as number) + 2) ** 2 + ((c.layers as number) - 3) ** 2 / 10 +
    (c.optimizer === "adam" ? 0 : 0.5),
  /** Only the rate matters. */
  rateOnly: (c) => Math.abs(Math.log10(c.lr as number) + 1.5),
};

/** For the grader: your `choose` for each of the uniforms `us`. */
export function chooseMany<T>(choices: readonly T[], us: readonly number[]): T[] {
  return us.map((u) => choose(choices, u));
}

/** For the grader: `n` configurations drawn in turn from one `new Random(seed)` by your `sampleConfig`. */
export function sampleConfigs(space: Record<string, ParamSpec>, n: number, seed: number): Config[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => sampleConfig(space, rng));
}

/** For the grader: your `randomSearch` on one of {@link OBJECTIVES}. */
export function searchOn(
  objective: string,
  space: Record<string, ParamSpec>,
  nTrials: number,
  seed: number,
): SearchResult {
  return randomSearch(OBJECTIVES[objective], space, nTrials, seed);
}
