/**
 * Graded checks for exercises/backprop.ts (twoLayerLoss). Reference values come from
 * lib/nn/backprop.ts (the library's MLP and softmax cross-entropy), computed in the grader's
 * process, and from a numerical gradient of that reference loss.
 *
 * The gradients are checked one parameter at a time in the order backprop computes them
 * (dW2, db2, dW1, db1), so the first failing check points at the first wrong step. Where a
 * wrong gradient equals a known mistake (computed below from the reference pieces), the
 * feedback names it.
 */

import { matmul, Matrix, mul, scale, sumRows, transpose } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { type Activation, relu, sigmoid } from "../../lib/nn/activations.ts";
import { numericalGradient } from "../../lib/check/gradcheck.ts";
import { mlpForward } from "../../lib/nn/layers/mlp.ts";
import { softmaxCrossEntropy } from "../../lib/nn/losses.ts";
import { twoLayerLoss, type TwoLayerParams } from "../../lib/nn/backprop.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches } from "./diagnose.ts";

type ActName = "sigmoid" | "relu";
const ACT: Record<ActName, Activation> = { sigmoid, relu };

/** The gradient fields, in the order backprop produces them. */
export const GRADIENTS = ["dW2", "db2", "dW1", "db1"] as const;
export type GradName = (typeof GRADIENTS)[number];

/** One graded problem: inputs, and the seed/shape they came from. */
export interface Problem {
  x: Matrix;
  y: number[];
  params: TwoLayerParams;
  act: ActName;
}

/**
 * A random problem with N examples, D inputs, H hidden units and C classes. For ReLU the seed
 * is advanced until no pre-activation lies within 1e-3 of the kink, so the numerical gradient
 * is valid.
 */
export function problem(
  seed: number,
  [N, D, H, C]: [number, number, number, number],
  act: ActName,
): Problem {
  const rng = new Random(seed);
  for (;;) {
    const x = rng.randn(N, D);
    const params = {
      W1: rng.randn(H, D, 0.8),
      b1: rng.randn(1, H, 0.2),
      W2: rng.randn(C, H, 0.8),
      b2: rng.randn(1, C, 0.2),
    };
    const y = Array.from({ length: N }, (_, n) => (n < C ? n : rng.int(C)));
    const z1 = mlpForward(x, [{ w: params.W1, b: params.b1 }], { activation: relu }).out;
    if (act === "sigmoid" || z1.data.every((v) => Math.abs(v) > 1e-3)) {
      return { x, y, params, act };
    }
  }
}

/** The reference result plus the pieces the mistakes are built from. */
function pieces(p: Problem) {
  const act = ACT[p.act];
  const { W1, b1, W2, b2 } = p.params;
  const ref = twoLayerLoss(p.x, p.y, p.params, act);
  const { out, cache } = mlpForward(p.x, [{ w: W1, b: b1 }, { w: W2, b: b2 }], { activation: act });
  const { grad: dscores } = softmaxCrossEntropy(out, p.y);
  const z1 = cache.layers[0].z;
  const a1 = z1.map((v) => act.f(v));
  const back = matmul(dscores, W2); // ∂L/∂a1
  /** dW1 and db1 for a given factor in place of f'(z1). */
  const layer1 = (factor: Matrix | undefined) => {
    const d1 = factor ? mul(back, factor) : back;
    return { dW1: matmul(transpose(d1), p.x), db1: sumRows(d1) };
  };
  return {
    ref,
    atActivation: layer1(a1.map((v) => act.df(v))),
    noDerivative: layer1(undefined),
    dW2FromZ1: matmul(transpose(dscores), z1),
    N: p.x.rows,
    /** Scores large enough for exp to overflow (Math.exp(710) is Infinity). */
    large: out.data.some((s) => Math.abs(s) > 709),
  };
}

/**
 * The known mistakes, each with what it says at the first attempt (no formula) and the
 * formula-level fix shown once the hint unlocks. A mistake that can touch several gradients
 * keeps one id, so the report states it once.
 */
export const MISTAKE = {
  transposed: (g: GradName): Diagnosis => ({
    id: `transposed:${g}`,
    says: `${g} is transposed: it must have the shape of ${g.slice(1)} (PyTorch's out×in layout)`,
    formula: `${g} = δᵀ·(layer input), not (layer input)ᵀ·δ.`,
  }),
  missingMean: (): Diagnosis => ({
    id: "missingMean",
    // One id for every gradient and batch size, so one statement: neither g nor N in it.
    says:
      "the gradients are N times too large, N being the batch size: the loss is a mean over the batch, but its gradient is not divided by N",
    formula: "δ2 = (softmax − one-hot)/N: divide once, where the score gradient is made.",
  }),
  twiceMean: (): Diagnosis => ({
    id: "twiceMean",
    says:
      "the gradients are N times too small, N being the batch size: the batch mean is divided out twice",
    formula:
      "Divide by N once, in δ2 = (softmax − one-hot)/N; the later products and sums must not divide again.",
  }),
  sign: (): Diagnosis => ({
    id: "sign",
    says: "the gradients have the wrong sign: they point downhill instead of uphill",
    formula: "∂loss/∂scores is softmax − one-hot, not one-hot − softmax.",
  }),
  zeroBias: (g: GradName): Diagnosis => ({
    id: `zeroBias:${g}`,
    says: `${g} is all zeros: the bias gradient of this layer is missing`,
    formula:
      `A bias is a weight on a constant input 1, so ${g} is that layer's δ summed over the batch (rows).`,
  }),
  atActivation: (): Diagnosis => ({
    id: "atActivation",
    says:
      "the first layer's gradients use the activation's derivative at the wrong place: at the output a1 rather than the input z1 of f",
    formula: "δ1 = (δ2·W2) ⊙ f'(z1), with f' taken at the pre-activation z1.",
  }),
  noDerivative: (): Diagnosis => ({
    id: "noDerivative",
    says:
      "the first layer's gradients miss the activation's derivative: the error reaching the hidden units is passed through f unchanged",
    formula: "δ1 = (δ2·W2) ⊙ f'(z1).",
  }),
  dW2FromZ1: (): Diagnosis => ({
    id: "dW2FromZ1",
    says: "dW2 multiplies δ2 by the hidden pre-activations z1, not by the layer's input",
    formula: "dW2 = δ2ᵀ·a1 with a1 = f(z1), the input of the second layer.",
  }),
  lossSum: (): Diagnosis => ({
    id: "lossSum",
    says:
      "the loss is N times too large, N being the batch size: it is summed over the batch, not averaged",
    formula: "loss = (1/N) Σₙ (logsumexp(scoresₙ) − scoresₙ[yₙ]).",
  }),
  lossSign: (): Diagnosis => ({
    id: "lossSign",
    says: "the loss is negative: cross-entropy is never below 0",
    formula: "cross-entropy is −log softmax(scores)[y] ≥ 0.",
  }),
  overflow: (): Diagnosis => ({
    id: "overflow",
    says:
      "the loss or gradients are NaN or Infinity on large scores, where the reference is finite: exp(score) overflows",
    formula:
      "Subtract each row's largest score before exp: softmax(s − max s) = softmax(s), and no exp exceeds 1.",
  }),
};

/** The known wrong values of one gradient, each with its mistakes (one or two combined). */
function wrongGradients(g: GradName, p: ReturnType<typeof pieces>): [unknown, Diagnosis[]][] {
  const right = p.ref[g];
  const out: [unknown, Diagnosis[]][] = [];
  const scaled: [Matrix, Diagnosis[]][] = [
    [right, []],
    [scale(right, p.N), [MISTAKE.missingMean()]],
    [scale(right, -1), [MISTAKE.sign()]],
    [scale(right, -p.N), [MISTAKE.missingMean(), MISTAKE.sign()]],
  ];
  if (p.N > 1) scaled.push([scale(right, 1 / p.N), [MISTAKE.twiceMean()]]);
  for (const [m, d] of scaled) {
    if (d.length) out.push([m, d]);
    if (g === "dW1" || g === "dW2") out.push([transpose(m), [MISTAKE.transposed(g), ...d]]);
  }
  if (g === "db1" || g === "db2") out.push([Matrix.zeros(1, right.cols), [MISTAKE.zeroBias(g)]]);
  if (g === "dW1" || g === "db1") {
    out.push([p.atActivation[g], [MISTAKE.atActivation()]]);
    out.push([p.noDerivative[g], [MISTAKE.noDerivative()]]);
  }
  if (g === "dW2") out.push([p.dW2FromZ1, [MISTAKE.dW2FromZ1()]]);
  return out;
}

const finite = (v: unknown) =>
  typeof v === "number"
    ? Number.isFinite(v)
    : !(v instanceof Matrix) || v.data.every(Number.isFinite);

/**
 * A `diagnose` for a check on the given fields: for every field (loss, then the gradients in
 * backprop order) that differs from the reference, the mistake(s) it matches; any NaN or
 * Infinity on large scores is an overflowing softmax (the reference is finite). With ReLU,
 * f'(a1) equals f'(z1) exactly, so that mistake cannot show there. Undefined when some wrong
 * field matches nothing known (the grader's analysis then describes the numbers).
 */
export function diagnoseFields(p: Problem, fields: readonly ("loss" | GradName)[]) {
  const parts = pieces(p);
  return (actual: unknown): Diagnosis[] | undefined => {
    const got = (actual ?? {}) as Record<string, unknown>;
    // A NaN or Infinity where the reference is finite: the other fields are its casualties.
    if (parts.large && fields.some((f) => f in got && !finite(got[f]))) {
      return [MISTAKE.overflow()];
    }
    const found = new Map<string, Diagnosis>();
    for (const f of fields) {
      if (matches(got[f], [[parts.ref[f], "same"]]) === "same") continue;
      const candidates: [unknown, Diagnosis[]][] = f === "loss"
        ? [[parts.ref.loss * parts.N, [MISTAKE.lossSum()]], [-parts.ref.loss, [
          MISTAKE.lossSign(),
        ]]]
        : wrongGradients(f, parts);
      const hit = candidates.find(([wrong]) => matches(got[f], [[wrong, "hit"]]) === "hit");
      if (!hit) return undefined;
      for (const d of hit[1]) if (!found.has(d.id)) found.set(d.id, d);
    }
    return found.size ? [...found.values()] : undefined;
  };
}

/** The numerical gradient of the reference loss with respect to each parameter. */
function numericGradients(p: Problem): Record<GradName, Matrix> {
  const params = {
    W1: p.params.W1.clone(),
    b1: p.params.b1.clone(),
    W2: p.params.W2.clone(),
    b2: p.params.b2.clone(),
  };
  const loss = () => twoLayerLoss(p.x, p.y, params, ACT[p.act]).loss;
  return {
    dW2: numericalGradient(loss, params.W2),
    db2: numericalGradient(loss, params.b2),
    dW1: numericalGradient(loss, params.W1),
    db1: numericalGradient(loss, params.b1),
  };
}

/** First-attempt help: where to look, without the formula. */
const NUDGES: Record<"loss" | GradName, string> = {
  loss: "Check the forward pass layer by layer (shapes N×H, then N×C) and that the loss is " +
    "the cross-entropy of the softmax, averaged over the batch.",
  dW2:
    "dW2 has the shape of W2 (C×H); it combines the score gradient with the second layer's input.",
  db2: "db2 has the shape of b2 (1×C): every example in the batch contributes to it.",
  dW1:
    "dW1 needs the error sent back through W2 and through the hidden activation; it has W1's shape (H×D).",
  db1: "db1 has the shape of b1 (1×H) and uses the same hidden-layer error as dW1.",
};

/** The formula-level hints, shown after several failed attempts. */
const HINTS: Record<"loss" | GradName, string> = {
  loss: "Forward: z1 = x·W1ᵀ + b1, a1 = f(z1), scores = a1·W2ᵀ + b2; the loss is the mean over " +
    "rows of logsumexp(scores row) − score of the true class.",
  dW2: "Start from δ2 = ∂loss/∂scores = (softmax − one-hot)/N (N×C); then dW2 = δ2ᵀ·a1 (C×H).",
  db2: "The bias adds 1·b2 to every row, so db2 is δ2 summed over the batch (1×C).",
  dW1: "Send the error down: δ1 = (δ2·W2) ⊙ f'(z1) (N×H), then dW1 = δ1ᵀ·x (H×D).",
  db1: "db1 is δ1 summed over the batch (1×H).",
};

function args(p: Problem): unknown[] {
  return [p.x, p.y, p.params, p.act];
}

/** Every check of the exercise; exported for the unit test of the diagnoses. */
export function checks(): Check[] {
  const main = problem(1, [6, 4, 5, 3], "sigmoid");
  const ref = twoLayerLoss(main.x, main.y, main.params, sigmoid);
  const numeric = numericGradients(main);
  const out: Check[] = [
    {
      name: "backprop: loss, sigmoid hidden layer (N=6, D=4, H=5, C=3)",
      points: 2,
      fn: "twoLayerLoss",
      args: args(main),
      expected: { loss: ref.loss },
      diagnose: diagnoseFields(main, ["loss"]),
      nudge: NUDGES.loss,
      hint: HINTS.loss,
    },
    ...GRADIENTS.map((g): Check => ({
      name: `backprop: ${g} matches the reference (sigmoid)`,
      points: g.startsWith("dW") ? 2 : 1,
      fn: "twoLayerLoss",
      args: args(main),
      expected: { [g]: ref[g] },
      diagnose: diagnoseFields(main, [g]),
      nudge: NUDGES[g],
      hint: HINTS[g],
    })),
    {
      name: "backprop: every gradient agrees with a numerical gradient of the loss (sigmoid)",
      points: 2,
      fn: "twoLayerLoss",
      args: args(main),
      expected: numeric,
      rtol: 1e-6,
      atol: 1e-8,
      diagnose: diagnoseFields(main, GRADIENTS),
      nudge: "The message names the first gradient (in the order dW2, db2, dW1, db1) that " +
        "disagrees with a finite-difference estimate of the loss's slope: fix that one first.",
      hint: "The numbers come from (loss(θ + h) − loss(θ − h)) / 2h, one parameter entry at a " +
        "time; the message names the first gradient (in the order dW2, db2, dW1, db1) that disagrees.",
    },
  ];
  const reluMain = problem(2, [6, 4, 5, 3], "relu");
  const reluRef = twoLayerLoss(reluMain.x, reluMain.y, reluMain.params, relu);
  out.push({
    name: "backprop: ReLU hidden layer, loss and every gradient",
    points: 3,
    fn: "twoLayerLoss",
    args: args(reluMain),
    expected: { loss: reluRef.loss, ...pick(reluRef) },
    diagnose: diagnoseFields(reluMain, ["loss", ...GRADIENTS]),
    nudge: "Only the activation changes here: check ReLU's derivative, including at 0.",
    hint: "ReLU: f(z) = max(0, z) and f'(z) = 1 for z > 0, else 0 (f'(0) = 0, as in PyTorch).",
  });
  const one = problem(3, [1, 3, 4, 3], "sigmoid");
  const oneRef = twoLayerLoss(one.x, one.y, one.params, sigmoid);
  out.push({
    name: "backprop: a batch of one example",
    points: 1,
    fn: "twoLayerLoss",
    args: args(one),
    expected: { loss: oneRef.loss, ...pick(oneRef) },
    diagnose: diagnoseFields(one, ["loss", ...GRADIENTS]),
    nudge: "With a single example nothing may collapse to a vector or a number.",
    hint: "With N = 1 every matrix still has its batch dimension: x is 1×D, db1 is 1×H.",
  });
  for (const [seed, act] of [[11, "sigmoid"], [12, "relu"]] as const) {
    const p = problem(seed, [9, 3, 7, 4], act);
    const r = twoLayerLoss(p.x, p.y, p.params, ACT[act]);
    out.push({
      name: `backprop: ${act}, another seed and shape (N=9, D=3, H=7, C=4)`,
      points: 2,
      fn: "twoLayerLoss",
      args: args(p),
      expected: { loss: r.loss, ...pick(r) },
      diagnose: diagnoseFields(p, ["loss", ...GRADIENTS]),
      hidden: true,
      nudge: "Nothing may depend on the sizes of the visible checks.",
      hint: "Read N, D, H, C from the shapes of x and the parameters, never from constants.",
    });
  }
  const big = largeScores(problem(4, [5, 4, 5, 3], "sigmoid"));
  const bigRef = twoLayerLoss(big.x, big.y, big.params, sigmoid);
  out.push({
    name: "backprop: scores near 1000 (softmax must not overflow)",
    points: 1,
    fn: "twoLayerLoss",
    args: args(big),
    expected: { loss: bigRef.loss, ...pick(bigRef) },
    diagnose: diagnoseFields(big, ["loss", ...GRADIENTS]),
    nudge:
      "exp(710) is already Infinity in double precision: what happens to exp(score) when scores are large?",
    hint: "Subtract each row's largest score before exp: softmax(s − max s) = softmax(s).",
  });
  return out;
}

/** The same problem with the second layer's bias raised to ~1000: exp(score) overflows. */
function largeScores(p: Problem): Problem {
  const b2 = p.params.b2.map((v) => 1000 + 50 * v);
  return { ...p, params: { ...p.params, b2 } };
}

function pick(r: Record<GradName, Matrix>): Record<GradName, Matrix> {
  return { dW2: r.dW2, db2: r.db2, dW1: r.dW1, db1: r.db1 };
}

export const backpropExercise: Exercise = {
  name: "backprop",
  title: "Backprop through a two-layer network",
  notebook: "06_backprop_vectorised.ipynb",
  checks,
};
