/**
 * Standard test functions for search strategies, each with its search space and known minimum
 * (values from Surjanovic & Bingham's Virtual Library of Simulation Experiments), and a function
 * of low effective dimension for the grid-against-random picture.
 *
 * @module
 */

import { type Config, float, type SearchSpace, space } from "./space.ts";

/** A function to minimise over a space, with its known minimum. */
export interface SearchProblem {
  readonly name: string;
  readonly space: SearchSpace;
  readonly f: (c: Config) => number;
  /** The global minimum value. */
  readonly minimum: number;
  /** Points where it is attained (one or several). */
  readonly argmin: readonly (readonly number[])[];
}

function xs(c: Config, n: number): number[] {
  return Array.from({ length: n }, (_, i) => c[`x${i + 1}`] as number);
}

/** Branin–Hoo on [−5, 10] × [0, 15]: three global minima of 0.397887. */
export function braninValue(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

/** Branin as a search problem (parameters x1, x2). */
export const branin: SearchProblem = {
  name: "Branin",
  space: space({ x1: float(-5, 10), x2: float(0, 15) }),
  f: (c) => braninValue(c.x1 as number, c.x2 as number),
  minimum: 0.397887357729738,
  argmin: [[-Math.PI, 12.275], [Math.PI, 2.275], [9.42478, 2.475]],
};

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((r) => r.map((v) => v * 1e-4));

/** Hartmann-6 on [0, 1]⁶: −Σᵢ αᵢ exp(−Σⱼ Aᵢⱼ (xⱼ − Pᵢⱼ)²), minimum −3.32237. */
export function hartmann6Value(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += H6_A[i][j] * (x[j] - H6_P[i][j]) ** 2;
    s -= H6_ALPHA[i] * Math.exp(-inner);
  }
  return s;
}

/** Hartmann-6 as a search problem (parameters x1…x6). */
export const hartmann6: SearchProblem = {
  name: "Hartmann-6",
  space: space(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i + 1}`, float(0, 1)]))),
  f: (c) => hartmann6Value(xs(c, 6)),
  minimum: -3.32236801141551,
  argmin: [[0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]],
};

/**
 * A function of `d` parameters of which only the first matters much:
 * f(x) = (x₁ − 0.3)² + ε·Σ_{j>1} (x_j − 0.5)², on [0, 1]^d. Its effective dimension is 1.
 */
export function lowEffectiveDimension(d: number, eps = 0.01): SearchProblem {
  if (!(Number.isInteger(d) && d >= 1)) {
    throw new RangeError(`lowEffectiveDimension: d must be a positive integer, got ${d}`);
  }
  return {
    name: `low effective dimension (1 of ${d})`,
    space: space(
      Object.fromEntries(Array.from({ length: d }, (_, i) => [`x${i + 1}`, float(0, 1)])),
    ),
    f: (c) => {
      const x = xs(c, d);
      return (x[0] - 0.3) ** 2 + eps * x.slice(1).reduce((s, v) => s + (v - 0.5) ** 2, 0);
    },
    minimum: 0,
    argmin: [[0.3, ...new Array(d - 1).fill(0.5)]],
  };
}

/** The Forrester function (6x − 2)²·sin(12x − 4) on [0, 1]: one dimension, a local minimum and a global one of −6.0207 at x = 0.7572. */
export function forresterValue(x: number): number {
  return (6 * x - 2) ** 2 * Math.sin(12 * x - 4);
}

/** Forrester as a search problem (parameter x). */
export const forrester: SearchProblem = {
  name: "Forrester",
  space: space({ x: float(0, 1) }),
  f: (c) => forresterValue(c.x as number),
  minimum: -6.020740055767081,
  argmin: [[0.7572487561658169]],
};
