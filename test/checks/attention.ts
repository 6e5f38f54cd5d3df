/**
 * Graded checks for exercises/attention.ts (attentionForward, attentionBackward, run together
 * by the exercise's `attentionStep`). Reference values come from lib/nn/layers/attention.ts
 * (matched to PyTorch) and from numerical gradients of it, computed in the grader's process.
 *
 * Known mistakes are recognised by recomputing attention with the mistake switched on
 * ({@link attentionVariant}) and comparing: no √d, the softmax over the wrong axis, the mask
 * applied after the softmax or with 0 instead of −∞, and two slips of the softmax's backward.
 */

import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradient } from "../../lib/check/gradcheck.ts";
import {
  attentionBackward,
  attentionForward,
  type AttentionMask,
} from "../../lib/nn/layers/attention.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/** One graded problem: the inputs of `attentionStep`. */
export interface Problem {
  q: Matrix;
  k: Matrix;
  v: Matrix;
  dout: Matrix;
  mask?: boolean[][];
}

/** A random problem: N queries, M keys of width d, values of width dv; `spread` scales q and k. */
export function problem(
  seed: number,
  [N, M, d, dv]: [number, number, number, number],
  o: { mask?: boolean[][]; spread?: number } = {},
): Problem {
  const rng = new Random(seed);
  const spread = o.spread ?? 1;
  return {
    q: rng.randn(N, d, spread),
    k: rng.randn(M, d, spread),
    v: rng.randn(M, dv),
    dout: rng.randn(N, dv),
    mask: o.mask,
  };
}

/** Query i sees keys 0 … i. */
export const causal = (n: number): boolean[][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => j <= i));

type Result = Record<"out" | "weights" | "dq" | "dk" | "dv", Matrix>;

/** The reference (lib/, PyTorch's softmax(QKᵀ/√d)·V with a boolean mask). */
export function reference(p: Problem): Result {
  const f = attentionForward(p.q, p.k, p.v, { mask: p.mask as AttentionMask | undefined });
  const { dq, dk, dv } = attentionBackward(p.dout, f.cache);
  return { out: f.out, weights: f.weights, dq, dk, dv };
}

/** The mistakes {@link attentionVariant} can make, each off by default. */
export interface Mistakes {
  /** Scores Q·Kᵀ without the 1/√d (in the forward and the backward). */
  noScale?: boolean;
  /** Forward right, backward without the 1/√d. */
  backwardNoScale?: boolean;
  /** Softmax over the queries (down each column) instead of over the keys. */
  wrongAxis?: boolean;
  /** Softmax of the unmasked scores, then blocked weights set to 0 (rows no longer sum to 1). */
  maskAfterSoftmax?: boolean;
  /** Blocked scores set to 0 instead of −∞ before the softmax. */
  maskWithZero?: boolean;
  /** Backward: dS = A ⊙ dA, the −Σ A·dA term of the softmax's Jacobian left out. */
  noMeanTerm?: boolean;
  /** Backward: dS = dA, as if the softmax were not there. */
  noSoftmaxBackward?: boolean;
}

/**
 * Attention written out in loops with any of the {@link Mistakes}; the backward is the usual
 * formula applied to whatever weights the forward produced.
 */
export function attentionVariant(p: Problem, m: Mistakes = {}): Result {
  const { q, k, v, dout, mask } = p;
  const N = q.rows, M = k.rows, d = q.cols, dv = v.cols;
  const scale = m.noScale ? 1 : 1 / Math.sqrt(d);
  const blocked = (i: number, j: number) => mask !== undefined && !mask[i][j];
  const s = new Matrix(N, M);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < M; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q.get(i, c) * k.get(j, c);
      const hide = blocked(i, j) && !m.maskAfterSoftmax;
      s.set(i, j, hide ? (m.maskWithZero ? 0 : -Infinity) : dot * scale);
    }
  }
  const a = new Matrix(N, M);
  const softmax = (get: (t: number) => number, set: (t: number, x: number) => void, n: number) => {
    const xs = Array.from({ length: n }, (_, t) => get(t));
    const max = Math.max(...xs);
    const e = xs.map((x) => Math.exp(x - max));
    const total = e.reduce((x, y) => x + y, 0);
    e.forEach((x, t) => set(t, x / total));
  };
  if (m.wrongAxis) {
    for (let j = 0; j < M; j++) softmax((i) => s.get(i, j), (i, x) => a.set(i, j, x), N);
  } else {
    for (let i = 0; i < N; i++) softmax((j) => s.get(i, j), (j, x) => a.set(i, j, x), M);
  }
  if (m.maskAfterSoftmax) {
    for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) if (blocked(i, j)) a.set(i, j, 0);
  }
  const out = new Matrix(N, dv), dq = new Matrix(N, d), dk = new Matrix(M, d);
  const dV = new Matrix(M, dv);
  const back = m.backwardNoScale ? 1 : scale;
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < dv; c++) {
      let t = 0;
      for (let j = 0; j < M; j++) t += a.get(i, j) * v.get(j, c);
      out.set(i, c, t);
    }
    const dA = Array.from({ length: M }, (_, j) => {
      let t = 0;
      for (let c = 0; c < dv; c++) t += dout.get(i, c) * v.get(j, c);
      return t;
    });
    const mean = dA.reduce((t, x, j) => t + a.get(i, j) * x, 0);
    for (let j = 0; j < M; j++) {
      const dS = m.noSoftmaxBackward ? dA[j] : a.get(i, j) * (dA[j] - (m.noMeanTerm ? 0 : mean));
      for (let c = 0; c < d; c++) {
        dq.data[i * d + c] += dS * back * k.get(j, c);
        dk.data[j * d + c] += dS * back * q.get(i, c);
      }
      for (let c = 0; c < dv; c++) dV.data[j * dv + c] += a.get(i, j) * dout.get(i, c);
    }
  }
  return { out, weights: a, dq, dk, dv: dV };
}

/**
 * The known mistakes, each in two tiers: what is wrong (at once) and the formula-level fix
 * (once the check's hint unlocks); the unit test matches on these.
 */
export const MISTAKE = {
  noScale: mistake(
    "the scores are not scaled by the width d of the keys: their spread then grows with d",
    "S = Q·Kᵀ/√d keeps the scores' spread the same whatever d.",
    "noScale",
  ),
  backwardNoScale: mistake(
    "the forward pass scales the scores but the backward pass does not",
    "S = Q·Kᵀ/√d, so dQ = dS·K/√d and dK = dSᵀ·Q/√d.",
    "backwardNoScale",
  ),
  wrongAxis: mistake(
    "the softmax runs down the columns (over the queries): each query's row of weights must " +
      "sum to 1, over the keys",
    "A_ij = exp(S_ij) / Σ_m exp(S_im): normalise each row.",
    "wrongAxis",
  ),
  maskAfterSoftmax: mistake(
    "the mask is applied after the softmax: blocked keys are zeroed but the row no longer sums " +
      "to 1",
    "Block before the softmax, with score −∞: the weight is then exactly 0 and the row still " +
      "sums to 1.",
    "maskAfterSoftmax",
  ),
  maskWithZero: mistake(
    "blocked scores are set to 0, which still gives them a positive weight",
    "Set a blocked score to −∞: e^(−∞) = 0, so its weight is exactly 0.",
    "maskWithZero",
  ),
  noMeanTerm: mistake(
    "the gradient through the softmax misses its second term: every weight of a row depends " +
      "on every score of that row",
    "dS_ij = A_ij·(dA_ij − Σ_m A_im·dA_im).",
    "noMeanTerm",
  ),
  noSoftmaxBackward: mistake(
    "the gradient skips the softmax: the scores get the weights' gradient unchanged",
    "Through the softmax: dS_ij = A_ij·(dA_ij − Σ_m A_im·dA_im).",
    "noSoftmaxBackward",
  ),
  overflow: mistake(
    "the weights hold NaN or ±Infinity: the exponential of a score above 709 overflows",
    "Subtract each row's largest score before exponentiating: the softmax is unchanged and no " +
      "exponent exceeds 0.",
    "overflow",
  ),
};

const KNOWN: [Mistakes, Diagnosis][] = [
  [{ noScale: true }, MISTAKE.noScale],
  [{ wrongAxis: true }, MISTAKE.wrongAxis],
  [{ maskAfterSoftmax: true }, MISTAKE.maskAfterSoftmax],
  [{ maskWithZero: true }, MISTAKE.maskWithZero],
  [{ backwardNoScale: true }, MISTAKE.backwardNoScale],
  [{ noMeanTerm: true }, MISTAKE.noMeanTerm],
  [{ noSoftmaxBackward: true }, MISTAKE.noSoftmaxBackward],
];

const pick = (r: Result, fields: readonly string[]) =>
  Object.fromEntries(fields.map((f) => [f, r[f as keyof Result]]));

/** A `diagnose` naming the known mistake that gives the same values in `fields`, if any. */
export function diagnoseFields(p: Problem, fields: readonly string[]) {
  const variants = KNOWN.map(([m, msg]) => [pick(attentionVariant(p, m), fields), msg]) as [
    unknown,
    Diagnosis,
  ][];
  return (actual: unknown) => {
    const got = (actual ?? {}) as Record<string, unknown>;
    const w = got.weights;
    if (w instanceof Matrix && w.data.some((x) => !Number.isFinite(x))) return MISTAKE.overflow;
    return matches(Object.fromEntries(fields.map((f) => [f, got[f]])), variants);
  };
}

/** Numerical gradients of `Σ out ⊙ dout` with respect to q, k and v. */
function numericGradients(p: Problem): Record<"dq" | "dk" | "dv", Matrix> {
  const q = p.q.clone(), k = p.k.clone(), v = p.v.clone();
  const mask = p.mask as AttentionMask | undefined;
  const loss = () => {
    const { out } = attentionForward(q, k, v, { mask });
    return out.data.reduce((s, x, i) => s + x * p.dout.data[i], 0);
  };
  return {
    dq: numericalGradient(loss, q),
    dk: numericalGradient(loss, k),
    dv: numericalGradient(loss, v),
  };
}

const args = (p: Problem) => [p.q, p.k, p.v, p.dout, p.mask];

const HINTS = {
  weights:
    "Each row of the weights is a softmax over the keys of that query's scores; what keeps " +
    "the scores' spread from growing with the width d?",
  out: "out = A·V: out[i] = Σ_j A[i,j]·V[j].",
  mask: "A blocked key must get weight exactly 0, and the row must still sum to 1. At which " +
    "stage, and with what score, does blocking achieve both?",
  dv:
    "out = A·V: the gradient of V collects each query's dout weighted by how much it looked at V's row.",
  dqdk: "First dA = dout·Vᵀ; then back through each row's softmax (every weight of a row " +
    "depends on every score of that row), then through S = Q·Kᵀ/√d.",
  masked: "Blocked keys have A = 0 and a constant score: no gradient may flow through them.",
  numeric: "The numbers come from (L(θ + h) − L(θ − h)) / 2h with L = Σ out ⊙ dout; the message " +
    "names the first gradient (dq, dk, dv) that disagrees.",
  large: "Scores of several hundred overflow exp(). Which shift of a row's scores leaves its " +
    "softmax unchanged and keeps every exponent ≤ 0?",
};

/** Every check of the exercise; exported for the unit test of the diagnoses. */
export function checks(): Check[] {
  const check = (
    name: string,
    nudge: string,
    points: number,
    p: Problem,
    fields: string[],
    hint: string,
    hidden = false,
  ): Check => ({
    name: `attention: ${name}`,
    nudge,
    points,
    fn: "attentionStep",
    args: args(p),
    expected: pick(reference(p), fields),
    diagnose: diagnoseFields(p, fields),
    hint,
    hidden,
  });
  const main = problem(1, [3, 4, 5, 2]);
  const T = true, F = false;
  const masked = problem(2, [3, 5, 4, 3], {
    mask: [[T, F, T, F, F], [F, T, T, T, F], [T, T, F, F, T]],
  });
  const causalP = problem(3, [4, 4, 6, 2], { mask: causal(4) });
  const large = problem(4, [3, 6, 64, 2], { spread: 25 }); // scores up to about 1200
  const hidden = problem(5, [5, 3, 7, 4], {
    mask: [[T, T, F], [F, T, F], [T, F, T], [F, F, T], [T, T, T]],
  });
  return [
    check(
      "forward, the weights A (N=3, M=4, d=5)",
      "Each row of the weights is a softmax over that query's scores; look at what keeps the scores' spread from growing with the width d.",
      2,
      main,
      ["weights"],
      HINTS.weights,
    ),
    check(
      "forward, the output A·V",
      "Each output row is the weighted average of the value rows, with that query's weights.",
      1,
      main,
      ["out"],
      HINTS.out,
    ),
    check(
      "forward with a causal mask (query i sees keys 0 … i)",
      "A blocked key must get weight exactly 0 and the row must still sum to 1: look at the stage where you block it.",
      2,
      causalP,
      [
        "weights",
        "out",
      ],
      HINTS.mask,
    ),
    check(
      "forward with a mask that is not causal (N=3, M=5)",
      "The mask is given, not derived from positions: block exactly the keys it marks.",
      1,
      masked,
      ["weights"],
      HINTS.mask,
    ),
    check(
      "backward, dv",
      "The gradient of a value row collects each query's output gradient, weighted by how much that query looked at it.",
      1,
      main,
      ["dv"],
      HINTS.dv,
    ),
    check(
      "backward, dq and dk",
      "Go back through the output, then through each row's softmax (every weight of a row depends on every score of that row), then through the scaled scores.",
      2,
      main,
      ["dq", "dk"],
      HINTS.dqdk,
    ),
    check(
      "backward with a mask, dq, dk and dv",
      "Blocked keys have weight 0 and a constant score: no gradient may flow through them.",
      2,
      masked,
      ["dq", "dk", "dv"],
      HINTS.masked,
    ),
    {
      name: "attention: every gradient agrees with a numerical gradient",
      nudge:
        "The message names the first gradient (dq, dk, dv) that disagrees with the numerical one: start there.",
      points: 2,
      fn: "attentionStep",
      args: args(main),
      expected: numericGradients(main),
      rtol: 1e-6,
      atol: 1e-8,
      diagnose: diagnoseFields(main, ["dq", "dk", "dv"]),
      hint: HINTS.numeric,
    },
    {
      name: "attention: with the causal mask too, every gradient agrees with a numerical one",
      nudge:
        "With the mask, the message names the first gradient that disagrees: look at how blocked keys are handled backwards.",
      points: 1,
      fn: "attentionStep",
      args: args(causalP),
      expected: numericGradients(causalP),
      rtol: 1e-6,
      atol: 1e-8,
      diagnose: diagnoseFields(causalP, ["dq", "dk", "dv"]),
      hint: HINTS.numeric,
    },
    check(
      "large scores (up to about 1200), forward and backward",
      "Scores of several hundred overflow the exponential: which shift of a row's scores leaves its softmax unchanged?",
      1,
      large,
      [
        "weights",
        "out",
        "dq",
      ],
      HINTS.large,
    ),
    check(
      "another seed and shape with a mask (N=5, M=3, d=7), forward and backward",
      "Nothing may depend on the sizes of the visible checks: read N, M and d from the shapes.",
      2,
      hidden,
      ["weights", "out", "dq", "dk", "dv"],
      "N and d from Q (N×d), M from K (M×d); S = Q·Kᵀ/√d, A = softmax of each row, out = A·V.",
      true,
    ),
  ];
}

export const attentionExercise: Exercise = {
  name: "attention",
  title: "Scaled dot-product attention, forward and backward",
  notebook: "28_attention.ipynb",
  checks,
};
