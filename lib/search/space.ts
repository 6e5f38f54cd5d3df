/**
 * A search space: named hyper-parameters, each a validated value object (as Optuna's
 * `FloatDistribution`, `IntDistribution`, `CategoricalDistribution`), fixed up front.
 *
 * ```ts
 * const sp = space({
 *   lr: float(1e-4, 1, { log: true }),
 *   layers: int(1, 4),
 *   optimizer: categorical(["sgd", "adam"]),
 *   momentum: float(0, 0.99, { when: { optimizer: ["sgd"] } }),   // conditional
 * });
 * const config = sample(sp, new Random(0));   // { lr, layers, optimizer, momentum? }
 * ```
 *
 * Every parameter maps to one coordinate of the unit cube and back ({@link toUnit},
 * {@link fromUnit}): log-scaled ones through their logarithm, integers and categories through
 * equal-width bins. Grid, Sobol, GP-EI, evolution and particle swarm all work on that one
 * vector. A conditional parameter is *active* only when its parent takes one of the listed
 * values; an inactive parameter is absent from the configuration and sits at the cube's centre
 * (0.5) in the vector, so model-based strategies see it as a constant.
 *
 * @module
 */

import type { Random } from "../core/random.ts";

/** A value a parameter can take. */
export type Value = number | string | boolean;
/** One configuration: parameter name → value; inactive conditional parameters are absent. */
export type Config = Record<string, Value>;
/** Active when the parent parameter (named, declared earlier) takes one of the values. */
export type Condition = Readonly<Record<string, readonly Value[]>>;

/** A real-valued parameter on [low, high], uniform in `log` space if asked, optionally on a grid of `step`. */
export interface FloatParam {
  readonly kind: "float";
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step?: number;
  readonly when?: Condition;
}
/** An integer parameter on {low, low + step, …, high}, log-scaled if asked (then step = 1). */
export interface IntParam {
  readonly kind: "int";
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step: number;
  readonly when?: Condition;
}
/** One of a list of choices (strings, numbers or booleans), unordered. */
export interface CategoricalParam {
  readonly kind: "categorical";
  readonly choices: readonly Value[];
  readonly when?: Condition;
}
/** Any parameter. */
export type Param = FloatParam | IntParam | CategoricalParam;

/** A validated space: the parameters in declaration order (parents before children). */
export interface SearchSpace {
  readonly names: readonly string[];
  readonly params: Readonly<Record<string, Param>>;
}

/** Options of {@link float}. */
export interface FloatOptions {
  /** Uniform in log space (needs low > 0). Default false. */
  log?: boolean;
  /** Values on the grid low + k·step (not with log). */
  step?: number;
  /** Active only when a parent parameter takes one of the listed values. */
  when?: Condition;
}
/** Options of {@link int}. */
export interface IntOptions {
  /** Uniform in log space (needs low ≥ 1, step 1). Default false. */
  log?: boolean;
  /** Values low, low + step, …; (high − low) must be a multiple of it. Default 1. */
  step?: number;
  /** Active only when a parent parameter takes one of the listed values. */
  when?: Condition;
}

function finite(op: string, name: string, v: number): void {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new RangeError(`${op}: ${name} must be a finite number, got ${v}`);
  }
}

function checkOptionKeys(op: string, o: object, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw new TypeError(`${op}: unknown option "${k}" (known: ${allowed.join(", ")})`);
    }
  }
}

/** A real parameter on [low, high]; `{ log: true }` for rates and decays that span decades. */
export function float(low: number, high: number, o: FloatOptions = {}): FloatParam {
  checkOptionKeys("float", o, ["log", "step", "when"]);
  finite("float", "low", low);
  finite("float", "high", high);
  if (!(low < high)) throw new RangeError(`float: low must be below high, got [${low}, ${high}]`);
  const log = o.log ?? false;
  if (log && !(low > 0)) {
    throw new RangeError(`float: a log-scaled range needs low > 0, got low = ${low}`);
  }
  if (o.step !== undefined) {
    if (log) throw new RangeError("float: step and log cannot be used together");
    if (!(Number.isFinite(o.step) && o.step > 0)) {
      throw new RangeError(`float: step must be a finite positive number, got ${o.step}`);
    }
    const k = (high - low) / o.step;
    if (Math.abs(k - Math.round(k)) > 1e-9 * Math.max(1, k)) {
      throw new RangeError(
        `float: (high − low) = ${high - low} is not a multiple of step ${o.step}`,
      );
    }
  }
  return freeze({ kind: "float", low, high, log, step: o.step, when: o.when });
}

/** An integer parameter on {low, …, high} (both included). */
export function int(low: number, high: number, o: IntOptions = {}): IntParam {
  checkOptionKeys("int", o, ["log", "step", "when"]);
  if (!Number.isInteger(low) || !Number.isInteger(high)) {
    throw new RangeError(`int: low and high must be integers, got [${low}, ${high}]`);
  }
  if (!(low <= high)) throw new RangeError(`int: low must not exceed high, got [${low}, ${high}]`);
  const log = o.log ?? false, step = o.step ?? 1;
  if (!(Number.isInteger(step) && step > 0)) {
    throw new RangeError(`int: step must be a positive integer, got ${step}`);
  }
  if (log && step !== 1) throw new RangeError("int: step and log cannot be used together");
  if (log && low < 1) throw new RangeError(`int: a log-scaled range needs low ≥ 1, got ${low}`);
  if ((high - low) % step !== 0) {
    throw new RangeError(`int: (high − low) = ${high - low} is not a multiple of step ${step}`);
  }
  return freeze({ kind: "int", low, high, log, step, when: o.when });
}

/** One of `choices` (at least one, no duplicates). */
export function categorical(
  choices: readonly Value[],
  o: { when?: Condition } = {},
): CategoricalParam {
  checkOptionKeys("categorical", o, ["when"]);
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new RangeError("categorical: choices must be a non-empty array");
  }
  for (const c of choices) {
    const t = typeof c;
    if (!(t === "string" || t === "boolean" || (t === "number" && Number.isFinite(c)))) {
      throw new TypeError(
        `categorical: each choice must be a string, a boolean or a finite number, got ${String(c)}`,
      );
    }
  }
  if (new Set(choices).size !== choices.length) {
    throw new RangeError(`categorical: choices must be distinct, got [${choices.join(", ")}]`);
  }
  return freeze({ kind: "categorical", choices: Object.freeze(choices.slice()), when: o.when });
}

function freeze<T extends object>(p: T): T {
  for (const k of Object.keys(p) as (keyof T)[]) if (p[k] === undefined) delete p[k];
  return Object.freeze(p);
}

/** Validates a space: every parameter well formed, every condition naming an earlier parameter and values it can take. */
export function space(params: Record<string, Param>): SearchSpace {
  if (params === null || typeof params !== "object") {
    throw new TypeError("space: expected an object of parameters, name → float/int/categorical");
  }
  const names = Object.keys(params);
  if (names.length === 0) {
    throw new RangeError("space: a search space needs at least one parameter");
  }
  names.forEach((name, i) => {
    const p = params[name];
    if (!p || !["float", "int", "categorical"].includes((p as Param).kind)) {
      throw new TypeError(
        `space: parameter "${name}" is not made by float(), int() or categorical()`,
      );
    }
    for (const [parent, values] of Object.entries(p.when ?? {})) {
      const j = names.indexOf(parent);
      if (j < 0) {
        throw new RangeError(`space: "${name}" depends on "${parent}", which is not in the space`);
      }
      if (j >= i) {
        throw new RangeError(
          `space: "${name}" depends on "${parent}", which must be declared before it`,
        );
      }
      if (!Array.isArray(values) || values.length === 0) {
        throw new RangeError(`space: the condition of "${name}" on "${parent}" lists no values`);
      }
      for (const v of values) {
        if (!inDomain(params[parent], v)) {
          throw new RangeError(
            `space: "${name}" is active when "${parent}" = ${
              String(v)
            }, a value "${parent}" cannot take`,
          );
        }
      }
    }
  });
  return Object.freeze({ names: Object.freeze(names), params: Object.freeze({ ...params }) });
}

/** Whether `v` is a value the parameter can take. */
export function inDomain(p: Param, v: unknown): boolean {
  if (p.kind === "categorical") return p.choices.includes(v as Value);
  if (typeof v !== "number" || !(v >= p.low && v <= p.high)) return false;
  if (p.kind === "int") return Number.isInteger(v) && (v - p.low) % p.step === 0;
  if (p.step !== undefined) {
    const k = (v - p.low) / p.step;
    return Math.abs(k - Math.round(k)) < 1e-9 * Math.max(1, k);
  }
  return true;
}

/** Whether a parameter is active given the values decided so far. */
export function isActive(p: Param, config: Config): boolean {
  for (const [parent, values] of Object.entries(p.when ?? {})) {
    if (!(parent in config) || !values.includes(config[parent])) return false;
  }
  return true;
}

/** The parameter's value at unit coordinate u ∈ [0, 1]. */
export function paramFromUnit(p: Param, u: number): Value {
  const t = Math.min(1, Math.max(0, u));
  if (p.kind === "categorical") {
    return p.choices[Math.min(p.choices.length - 1, Math.floor(t * p.choices.length))];
  }
  if (p.kind === "int") {
    if (p.log) { // bins of equal width in log space around each integer
      const a = Math.log(p.low - 0.5), b = Math.log(p.high + 0.5);
      return Math.min(p.high, Math.max(p.low, Math.round(Math.exp(a + t * (b - a)))));
    }
    const n = (p.high - p.low) / p.step + 1;
    return p.low + p.step * Math.min(n - 1, Math.floor(t * n));
  }
  if (p.log) {
    if (t === 0 || t === 1) return t === 0 ? p.low : p.high; // exact ends
    const a = Math.log(p.low), b = Math.log(p.high);
    return Math.min(p.high, Math.max(p.low, Math.exp(a + t * (b - a))));
  }
  const x = p.low + t * (p.high - p.low);
  if (p.step === undefined) return x;
  return Math.min(p.high, p.low + p.step * Math.round((x - p.low) / p.step));
}

/** The unit coordinate of a value: the inverse of {@link paramFromUnit} (bin centres for integers and categories). */
export function paramToUnit(p: Param, v: Value): number {
  if (p.kind === "categorical") return (p.choices.indexOf(v) + 0.5) / p.choices.length;
  const x = v as number;
  if (p.kind === "int") {
    if (p.log) {
      const a = Math.log(p.low - 0.5), b = Math.log(p.high + 0.5);
      return (Math.log(x) - a) / (b - a);
    }
    const n = (p.high - p.low) / p.step + 1;
    return ((x - p.low) / p.step + 0.5) / n;
  }
  if (p.log) return (Math.log(x) - Math.log(p.low)) / (Math.log(p.high) - Math.log(p.low));
  return (x - p.low) / (p.high - p.low);
}

/** Throws a RangeError naming the first parameter that is missing, unknown, out of its domain or active when it should not be. */
export function validateConfig(sp: SearchSpace, config: Config): void {
  if (config === null || typeof config !== "object") {
    throw new TypeError(`validateConfig: a configuration must be an object, got ${config}`);
  }
  for (const k of Object.keys(config)) {
    if (!(k in sp.params)) {
      throw new RangeError(
        `validateConfig: unknown parameter "${k}" (the space has ${sp.names.join(", ")})`,
      );
    }
  }
  for (const name of sp.names) {
    const p = sp.params[name];
    const active = isActive(p, config);
    if (active && !(name in config)) {
      throw new RangeError(`validateConfig: parameter "${name}" is missing`);
    }
    if (!active && name in config) {
      throw new RangeError(
        `validateConfig: parameter "${name}" is given but inactive (its condition ${
          JSON.stringify(p.when)
        } does not hold)`,
      );
    }
    if (active && !inDomain(p, config[name])) {
      throw new RangeError(
        `validateConfig: ${name} = ${String(config[name])} is outside its domain ${
          describeParam(p)
        }`,
      );
    }
  }
}

/** A short description of a parameter's domain, e.g. `float[0.0001, 1] log`. */
export function describeParam(p: Param): string {
  if (p.kind === "categorical") return `{${p.choices.map(String).join(", ")}}`;
  const step = p.kind === "float" && p.step !== undefined
    ? ` step ${p.step}`
    : p.kind === "int" && p.step !== 1
    ? ` step ${p.step}`
    : "";
  return `${p.kind}[${p.low}, ${p.high}]${p.log ? " log" : ""}${step}`;
}

/** The configuration at a point of the unit cube (one coordinate per parameter, in order); inactive parameters are left out. */
export function fromUnit(sp: SearchSpace, u: readonly number[]): Config {
  if (u.length !== sp.names.length) {
    throw new RangeError(
      `fromUnit: the point has ${u.length} coordinates, the space ${sp.names.length} parameters`,
    );
  }
  const config: Config = {};
  sp.names.forEach((name, i) => {
    const p = sp.params[name];
    if (!Number.isFinite(u[i])) {
      throw new RangeError(`fromUnit: coordinate ${i} (${name}) is ${u[i]}`);
    }
    if (isActive(p, config)) config[name] = paramFromUnit(p, u[i]);
  });
  return config;
}

/** The point of the unit cube for a configuration; an inactive parameter sits at 0.5. */
export function toUnit(sp: SearchSpace, config: Config): number[] {
  validateConfig(sp, config);
  return sp.names.map((name) => name in config ? paramToUnit(sp.params[name], config[name]) : 0.5);
}

/** One configuration drawn independently per parameter: uniform (in log space if log-scaled), categories equally likely. */
export function sample(sp: SearchSpace, rng: Random): Config {
  return fromUnit(sp, sp.names.map(() => rng.next()));
}

/** `n` evenly spread values of a parameter (every value of a small integer or categorical one). */
export function gridValues(p: Param, n: number): Value[] {
  if (!(Number.isInteger(n) && n > 0)) {
    throw new RangeError(`gridValues: n must be a positive integer, got ${n}`);
  }
  if (p.kind === "categorical") return p.choices.slice();
  if (p.kind === "int" && !p.log) {
    const count = (p.high - p.low) / p.step + 1;
    if (count <= n) return Array.from({ length: count }, (_, k) => p.low + k * p.step);
  }
  if (n === 1) return [paramFromUnit(p, 0.5)];
  const out: Value[] = [];
  for (let k = 0; k < n; k++) {
    // endpoints included: u = k/(n−1) on the parameter's own (log) scale
    const v = p.kind === "float" && p.step === undefined
      ? (k === n - 1
        ? p.high
        : p.log
        ? Math.exp(Math.log(p.low) + k / (n - 1) * (Math.log(p.high) - Math.log(p.low)))
        : p.low + k / (n - 1) * (p.high - p.low))
      : paramFromUnit(p, (k + 0.5) / n);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}
