/**
 * Graded checks for exercises/batchnorm.ts (batch normalisation, forward in training and in
 * evaluation with running statistics, and backward). Reference values come from
 * lib/nn/layers/batchnorm.ts (matched to PyTorch's `BatchNorm1d`: outputs, gradients and running
 * statistics) and from numerical gradients of the reference forward pass.
 *
 * When a value differs, `diagnose` rebuilds it from the known mistakes and names the one it
 * equals: the unbiased variance used to normalise, batch statistics in evaluation (or running
 * ones in training), ε outside the square root, the momentum convention swapped (Keras's
 * `running = m·running + (1 − m)·batch`), running statistics not updated or updated in
 * evaluation, the biased variance in the running estimate, and a backward pass that treats the
 * batch statistics as constants or drops one of the two terms they add.
 */

import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradientArray } from "../../lib/check/gradcheck.ts";
import {
  batchnormBackward,
  batchnormForward,
  type BatchNormRunning,
} from "../../lib/nn/layers/batchnorm.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/** One graded case. */
export interface Case {
  x: Matrix;
  gamma: Matrix;
  beta: Matrix;
  running: BatchNormRunning;
  param: { training: boolean; momentum?: number; eps?: number };
  dout: Matrix;
}

/** A case with N examples of D features, shifted and scaled so that μ ≠ 0 and σ ≠ 1. */
export function makeCase(
  seed: number,
  [n, d]: [number, number],
  param: Case["param"],
): Case {
  const rng = new Random(seed);
  const shift = rng.randn(1, d, 2), spread = rng.rand(1, d, 0.5, 3);
  return {
    x: rng.randn(n, d).map((v, _i, j) => shift.data[j] + spread.data[j] * v),
    gamma: rng.randn(1, d, 0.3).map((v) => 1 + v),
    beta: rng.randn(1, d, 0.3),
    running: { mean: rng.randn(1, d, 0.5), var: rng.rand(1, d, 0.5, 2) },
    param,
    dout: rng.randn(n, d),
  };
}

const opts = (c: Case) => ({ momentum: 0.1, eps: 1e-5, ...c.param });

/** The reference forward and backward pass of a case. */
export function reference(c: Case) {
  const f = batchnormForward(c.x, c.gamma, c.beta, c.running, opts(c));
  return { out: f.out, running: f.running, cache: f.cache, ...batchnormBackward(c.dout, f.cache) };
}

/** The messages naming each mistake; the unit test matches on these. */
export const MISTAKE = {
  unbiasedNormaliser: mistake(
    "you normalise with the unbiased variance (divide by N − 1): the normaliser uses the biased " +
      "batch variance, as PyTorch does; the unbiased one is only for the running estimate",
    "σ² = (1/N)·Σ_i (x_i − μ)² in x̂ = (x − μ)/√(σ² + ε).",
    "unbiasedNormaliser",
  ),
  runningInTraining: mistake(
    "in training you normalise with the running statistics: training uses the statistics of " +
      "the batch itself",
    "In training μ and σ² are the batch's own column mean and (biased) variance.",
    "runningInTraining",
  ),
  batchInEval: mistake(
    "in evaluation you normalise with the statistics of the batch: evaluation uses the running " +
      "statistics, so an example's output does not depend on the rest of its batch",
    "In evaluation x̂ = (x − running.mean)/√(running.var + ε).",
    "batchInEval",
  ),
  epsOutside: mistake(
    "ε is added in the wrong place: it belongs with the variance, before the square root",
    "Divide by √(σ² + ε), not √σ² + ε.",
    "epsOutside",
  ),
  noAffine: mistake(
    "the output is the normalised x alone: the learned scale and shift are missing",
    "out = γ ⊙ x̂ + β.",
    "noAffine",
  ),
  momentumSwapped: mistake(
    "the running statistics give the new batch the old estimate's weight: PyTorch's momentum " +
      "is the weight of the NEW statistic (Keras and the notes' EMA use the opposite convention)",
    "running = (1 − m)·running + m·batch.",
    "momentumSwapped",
  ),
  notUpdated: mistake(
    "the running statistics are returned unchanged: training must update them with this " +
      "batch's statistics",
    "running = (1 − m)·running + m·batch, for the mean and for the unbiased variance.",
    "notUpdated",
  ),
  biasedRunning: mistake(
    "the running variance is updated with the biased batch variance: PyTorch updates it with " +
      "the unbiased one",
    "running.var = (1 − m)·running.var + m·σ²·N/(N − 1).",
    "biasedRunning",
  ),
  updatedInEval: mistake(
    "evaluation changed the running statistics: in evaluation they are only read",
    "If training is false, return the running statistics as they came in.",
    "updatedInEval",
  ),
  asConstants: mistake(
    "dx treats the batch mean and variance as constants (that is the evaluation-mode gradient): " +
      "in training every example moves them, which adds two terms to dx",
    "With g = dout ⊙ γ: dx = (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂))/√(σ² + ε), means over the batch.",
    "asConstants",
  ),
  noMeanTerm: mistake(
    "dx is missing the term that comes through the batch mean (every x shifts the mean, which " +
      "shifts every normalised x)",
    "Subtract mean(g) over the batch: dx = (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂))/√(σ² + ε).",
    "noMeanTerm",
  ),
  noVarTerm: mistake(
    "dx is missing the term that comes through the batch variance (every x changes the " +
      "variance, which rescales every normalised x)",
    "Subtract x̂ ⊙ mean(g ⊙ x̂): dx = (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂))/√(σ² + ε).",
    "noVarTerm",
  ),
  dgammaNoXhat: mistake(
    "dgamma sums dout alone: γ multiplies the normalised x, so that factor belongs in its " +
      "gradient",
    "dgamma = Σ over the batch of dout ⊙ x̂.",
    "dgammaNoXhat",
  ),
  meanNotSum: (g: string) =>
    mistake(
      `${g} is the mean over the batch: the parameter is shared by every example, so its ` +
        "gradient collects every example's contribution",
      `${g} is the sum over the batch, not the mean.`,
      `meanNotSum:${g}`,
    ),
};

/** Forward output candidates for the known mistakes. */
function forwardCandidates(c: Case): [unknown, Diagnosis][] {
  const { eps } = opts(c);
  const n = c.x.rows;
  const affine = (xhat: Matrix) => xhat.map((v, _i, j) => c.gamma.data[j] * v + c.beta.data[j]);
  const withStats = (mean: Matrix, variance: Matrix, e = eps, inside = true) =>
    affine(c.x.map((v, _i, j) =>
      (v - mean.data[j]) /
      (inside ? Math.sqrt(variance.data[j] + e) : Math.sqrt(variance.data[j]) + e)
    ));
  const train = batchnormForward(c.x, c.gamma, c.beta, c.running, { ...opts(c), training: true });
  const batchMean = train.cache.mean, batchVar = train.cache.var;
  if (!c.param.training) {
    return [[train.out, MISTAKE.batchInEval]];
  }
  return [
    [withStats(batchMean, batchVar.map((v) => v * n / (n - 1))), MISTAKE.unbiasedNormaliser],
    [withStats(c.running.mean, c.running.var), MISTAKE.runningInTraining],
    [withStats(batchMean, batchVar, eps, false), MISTAKE.epsOutside],
    [train.cache.xhat, MISTAKE.noAffine],
  ];
}

/** Names the mistake a wrong output shows. */
export function diagnoseOut(c: Case) {
  return (actual: unknown) => matches((actual as { out?: unknown })?.out, forwardCandidates(c));
}

/** Running statistics after one step, for each known mistake. */
function runningCandidates(c: Case): [unknown, Diagnosis][] {
  const { momentum } = opts(c);
  const n = c.x.rows;
  if (!c.param.training) {
    const t = batchnormForward(c.x, c.gamma, c.beta, c.running, { ...opts(c), training: true });
    return [[t.running, MISTAKE.updatedInEval]];
  }
  const t = batchnormForward(c.x, c.gamma, c.beta, c.running, { ...opts(c), training: true });
  const mu = t.cache.mean, biased = t.cache.var, unbiased = biased.map((v) => v * n / (n - 1));
  const ema = (r: Matrix, b: Matrix, m: number) => r.map((v, _i, j) => (1 - m) * v + m * b.data[j]);
  return [
    [{
      mean: ema(c.running.mean, mu, 1 - momentum),
      var: ema(c.running.var, unbiased, 1 - momentum),
    }, MISTAKE.momentumSwapped],
    [
      {
        mean: ema(c.running.mean, mu, 1 - momentum),
        var: ema(c.running.var, biased, 1 - momentum),
      },
      MISTAKE.momentumSwapped,
    ],
    [c.running, MISTAKE.notUpdated],
    [
      { mean: ema(c.running.mean, mu, momentum), var: ema(c.running.var, biased, momentum) },
      MISTAKE.biasedRunning,
    ],
  ];
}

/** Names the mistake wrong running statistics show. */
export function diagnoseRunning(c: Case) {
  return (actual: unknown) =>
    matches((actual as { running?: unknown })?.running, runningCandidates(c));
}

/** Names the mistake a wrong backward pass shows (a forward mistake first, if any). */
export function diagnoseBackward(c: Case) {
  const ref = reference(c);
  const { xhat, invStd } = ref.cache;
  const n = c.x.rows, d = c.x.cols;
  const g = c.dout.map((v, _i, j) => v * c.gamma.data[j]);
  const meanG = new Float64Array(d), meanGX = new Float64Array(d);
  g.data.forEach((v, k) => {
    meanG[k % d] += v / n;
    meanGX[k % d] += v * xhat.data[k] / n;
  });
  const dxWith = (mean: boolean, variance: boolean) =>
    g.map((v, i, j) =>
      invStd[j] * (v - (mean ? meanG[j] : 0) - (variance ? xhat.get(i, j) * meanGX[j] : 0))
    );
  const sumDout = new Matrix(1, d);
  c.dout.data.forEach((v, k) => (sumDout.data[k % d] += v));
  return (actual: unknown): Diagnosis | string | undefined => {
    const got = (actual ?? {}) as Record<string, unknown>;
    // a forward mistake is named as itself (same id: stated once for every check it costs)
    if (matches(got.out, [[ref.out, "same"]]) !== "same") {
      return diagnoseOut(c)(got) ??
        "(forward pass) your forward output differs from the reference (see the forward checks)";
    }
    if (matches(got.dx, [[ref.dx, "same"]]) !== "same") {
      if (!c.param.training) return undefined;
      return matches(got.dx, [
        [dxWith(false, false), MISTAKE.asConstants],
        [dxWith(false, true), MISTAKE.noMeanTerm],
        [dxWith(true, false), MISTAKE.noVarTerm],
      ]);
    }
    if (matches(got.dgamma, [[ref.dgamma, "same"]]) !== "same") {
      return matches(got.dgamma, [
        [sumDout, MISTAKE.dgammaNoXhat],
        [ref.dgamma.map((v) => v / n), MISTAKE.meanNotSum("dgamma")],
      ]);
    }
    return matches(got.dbeta, [[ref.dbeta.map((v) => v / n), MISTAKE.meanNotSum("dbeta")]]);
  };
}

const HINTS = {
  out: "Each column is one feature, normalised with the mean and variance of that column over " +
    "the N rows of the batch; which variance normalises (divide by N or by N − 1), and where " +
    "does ε go?",
  running:
    "Which weight does PyTorch's momentum give the new batch statistic, and which variance " +
    "goes into the running estimate?",
  eval: "In evaluation, which statistics replace the batch ones, and what happens to them?",
  dx: "Write x̂ as a function of every x in the column (through μ and σ²) and apply the chain " +
    "rule; or follow the computational graph x → μ → σ² → x̂ → out backwards.",
  params: "γ and β are shared by all N examples: their gradients add up over the batch.",
  numeric: "The reference is (f(x + h) − f(x − h)) / 2h entry by entry, f = sum(out ⊙ dout) in " +
    "training mode.",
};

const FORWARD_ARGS = (c: Case) => [c.x, c.gamma, c.beta, c.running, c.param];
const BACKWARD_ARGS = (c: Case) => [c.x, c.gamma, c.beta, c.running, c.param, c.dout];

/** Every check of the exercise; exported for the unit test of the diagnoses. */
export function checks(): Check[] {
  const main = makeCase(1, [8, 5], { training: true });
  const small = makeCase(2, [4, 3], { training: true, momentum: 0.3 });
  const evalCase = makeCase(3, [6, 4], { training: false });
  const hidden = makeCase(4, [13, 7], { training: true, momentum: 0.2, eps: 1e-3 });
  const steps = [0, 1, 2].map((k) => makeCase(10 + k, [5, 4], { training: true }).x);
  const start = (): BatchNormRunning => ({ mean: new Matrix(1, 4), var: Matrix.filled(1, 4, 1) });
  const stepsRef: BatchNormRunning[] = [];
  steps.reduce((r, x) => {
    const next = batchnormForward(x, Matrix.filled(1, 4, 1), new Matrix(1, 4), r, {
      training: true,
      momentum: 0.3,
    }).running;
    stepsRef.push(next);
    return next;
  }, start());
  const numeric = (() => {
    const x = main.x.clone();
    const f = () => batchnormForward(x, main.gamma, main.beta, main.running, opts(main)).out;
    return numericalGradientArray(f, x, main.dout);
  })();
  const refMain = reference(main), refSmall = reference(small), refEval = reference(evalCase);
  const refHidden = reference(hidden);
  const forward = (
    name: string,
    nudge: string,
    c: Case,
    points: number,
    expected: object,
    more: Partial<Check>,
  ) => ({
    name,
    nudge,
    points,
    fn: "batchnormForward",
    args: FORWARD_ARGS(c),
    expected,
    hint: HINTS.out,
    ...more,
  });
  const backward = (
    name: string,
    nudge: string,
    c: Case,
    points: number,
    expected: object,
    more: Partial<Check>,
  ) => ({
    name,
    nudge,
    points,
    fn: "forwardBackward",
    args: BACKWARD_ARGS(c),
    expected,
    diagnose: diagnoseBackward(c),
    hint: HINTS.dx,
    ...more,
  });
  return [
    forward(
      "batchnorm: forward in training (N=8, D=5)",
      "Normalise each feature (column) with statistics of that column over the batch; look at which variance you use and where the small ε goes.",
      main,
      3,
      { out: refMain.out },
      {
        diagnose: diagnoseOut(main),
      },
    ),
    forward(
      "batchnorm: running statistics after one training step (momentum 0.1)",
      "Look at which side PyTorch's momentum weighs (the new batch statistic or the old estimate) and which variance goes into the running estimate.",
      main,
      3,
      {
        running: refMain.running,
      },
      { diagnose: diagnoseRunning(main), hint: HINTS.running },
    ),
    forward(
      "batchnorm: a batch of 4, momentum 0.3: output and running statistics",
      "On a small batch the two variances (divide by N or by N − 1) differ a lot: which one normalises and which one is remembered?",
      small,
      2,
      {
        out: refSmall.out,
        running: refSmall.running,
      },
      {
        diagnose: (a) => diagnoseOut(small)(a) ?? diagnoseRunning(small)(a),
        hint: HINTS.running,
      },
    ),
    forward(
      "batchnorm: evaluation uses the running statistics",
      "In evaluation the batch's own statistics are not used: look at which statistics replace them.",
      evalCase,
      2,
      {
        out: refEval.out,
      },
      { diagnose: diagnoseOut(evalCase), hint: HINTS.eval },
    ),
    forward(
      "batchnorm: evaluation leaves the running statistics unchanged",
      "In evaluation the running statistics are read, never updated.",
      evalCase,
      1,
      {
        running: evalCase.running,
      },
      { diagnose: diagnoseRunning(evalCase), hint: HINTS.eval },
    ),
    {
      name: "batchnorm: running statistics over three batches (momentum 0.3, from mean 0, var 1)",
      nudge:
        "Each batch updates the running estimates from their previous values: check the weight of the new batch and the variance you remember.",
      points: 2,
      fn: "trainSteps",
      args: [steps, Matrix.filled(1, 4, 1), new Matrix(1, 4), start(), {
        training: true,
        momentum: 0.3,
      }],
      expected: stepsRef,
      hint: HINTS.running,
    },
    backward(
      "batchnorm: backward in training, dx",
      "In training every x of a column reaches the output three ways: directly, through the mean and through the variance; all three paths must come back.",
      main,
      3,
      { dx: refMain.dx },
      {},
    ),
    backward(
      "batchnorm: backward in training, dgamma and dbeta",
      "γ and β are shared by all N examples: their gradients collect a contribution from every row.",
      main,
      2,
      {
        dgamma: refMain.dgamma,
        dbeta: refMain.dbeta,
      },
      { hint: HINTS.params },
    ),
    backward(
      "batchnorm: dx agrees with a numerical gradient",
      "If dx disagrees with the numbers, one of the paths through the batch mean or variance is missing or scaled wrongly.",
      main,
      2,
      { dx: numeric },
      {
        rtol: 1e-6,
        atol: 1e-8,
        hint: HINTS.numeric,
      },
    ),
    backward(
      "batchnorm: backward in evaluation",
      "In evaluation the statistics are constants, so the layer is a fixed scale and shift of x.",
      evalCase,
      1,
      {
        dx: refEval.dx,
        dgamma: refEval.dgamma,
        dbeta: refEval.dbeta,
      },
      { hint: "In evaluation μ and σ² are constants: out is an affine function of x." },
    ),
    forward(
      "batchnorm: another shape, momentum 0.2, ε = 1e-3 (hidden)",
      "Nothing may depend on the visible checks' shapes, momentum or ε: read them from the arguments.",
      hidden,
      2,
      {
        out: refHidden.out,
        running: refHidden.running,
      },
      {
        diagnose: (a) => diagnoseOut(hidden)(a) ?? diagnoseRunning(hidden)(a),
        hidden: true,
      },
    ),
    backward(
      "batchnorm: backward, another shape (hidden)",
      "Nothing may depend on the visible checks' shapes in the backward pass either.",
      hidden,
      2,
      {
        dx: refHidden.dx,
        dgamma: refHidden.dgamma,
        dbeta: refHidden.dbeta,
      },
      { hidden: true },
    ),
  ];
}

export const batchnormExercise: Exercise = {
  name: "batchnorm",
  title: "Batch normalisation, forward and backward",
  notebook: "21_normalisation_residual.ipynb",
  checks,
};
