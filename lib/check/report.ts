/**
 * Gradient checking as a report: how the error of a finite difference depends on the step h,
 * and a per-parameter comparison of a backward pass with numerical gradients.
 *
 * The numbers come from lib/check/gradcheck.ts (`numericalGradient`, `relError`); this module only
 * sweeps, fits and tabulates them.
 *
 * Error of a finite difference, for a smooth f, in float64 (ε ≈ 2.2e-16):
 * - forward `(f(x+h) − f(x))/h`: truncation ≈ |f''|·h/2, so slope 1 on a log–log plot;
 * - central `(f(x+h) − f(x−h))/2h`: truncation ≈ |f'''|·h²/6, slope 2;
 * - both: round-off ≈ ε·|f|/h from the subtraction of two nearly equal values, slope −1.
 * The best h balances the two: about √ε ≈ 1e-8 for forward, ∛ε ≈ 1e-5 for central.
 *
 * @module
 */

import { type Difference, numericalGradient, relError } from "./gradcheck.ts";
import { Matrix, maxAbsDiff, shapeOf } from "../core/matrix.ts";
import { softmaxCrossEntropy } from "../nn/losses.ts";
import { type Activation, relu } from "../nn/activations.ts";
import { type LayerParams, mlpBackward, type MlpCache, mlpForward } from "../nn/layers/mlp.ts";

/**
 * For each step h in `hs`, the largest absolute error of the central and of the forward
 * difference of `f` at `x` against the `exact` gradient. `f` reads x (perturbed in place and
 * restored by numericalGradient).
 */
export function stepSweep(
  f: () => number,
  x: Matrix,
  exact: Matrix,
  hs: readonly number[],
): { h: number; central: number; forward: number }[] {
  const err = (h: number, d: Difference) =>
    maxAbsDiff(numericalGradient(f, x, { h, difference: d }), exact);
  return hs.map((h) => {
    if (!(Number.isFinite(h) && h > 0)) {
      throw new RangeError(`stepSweep: every h must be a finite positive number, got ${h}`);
    }
    return { h, central: err(h, "central"), forward: err(h, "forward") };
  });
}

/** How to read a relative error; the thresholds are those of lib/check/gradcheck.ts. */
export type Verdict = "agrees" | "acceptable with kinks" | "suspicious" | "wrong";

/**
 * The reading of a relative error (float64): above 1e-2 wrong; 1e-4 to 1e-2 suspicious;
 * 1e-7 to 1e-4 acceptable only if the function has kinks near the point (`o.kinks`),
 * otherwise suspicious; below 1e-7 the gradients agree. NaN is wrong.
 */
export function verdict(rel: number, o: { kinks?: boolean } = {}): Verdict {
  const { kinks = false } = o;
  if (!(rel <= 1e-2)) return "wrong";
  if (rel > 1e-4) return "suspicious";
  if (rel > 1e-7) return kinks ? "acceptable with kinks" : "suspicious";
  return "agrees";
}

/** One row of a gradient-check report. */
export interface ParamCheck {
  name: string;
  shape: string;
  relError: number;
  maxAbsDiff: number;
  verdict: Verdict;
}

/**
 * Compares the analytic gradient of every parameter with a central-difference gradient of
 * `loss`, which must read the parameters' current values (they are perturbed in place and
 * restored one entry at a time).
 */
export function checkGradients(
  loss: () => number,
  params: readonly { name: string; value: Matrix; grad: Matrix }[],
  { h = 1e-5, kinks = false }: { h?: number; kinks?: boolean } = {},
): ParamCheck[] {
  return params.map(({ name, value, grad }) => {
    const numeric = numericalGradient(loss, value, { h });
    const rel = relError(grad, numeric);
    return {
      name,
      shape: shapeOf(value),
      relError: rel,
      maxAbsDiff: maxAbsDiff(grad, numeric),
      verdict: verdict(rel, { kinks }),
    };
  });
}

/** A backward pass with the signature of `mlpBackward`, to check correct and broken ones alike. */
export type MlpBackward = (
  dout: Matrix,
  cache: MlpCache,
) => { dx: Matrix; grads: { dw: Matrix; db: Matrix }[] };

/**
 * Checks a whole MLP (lib/nn/layers/mlp.ts) trained with softmax cross-entropy (lib/nn/losses.ts):
 * the analytic gradients come from `backward` (default `mlpBackward`), the numerical ones from
 * central differences of the loss in every weight and bias. Rows are named W1, b1, W2, b2, ….
 * `kinks` defaults to true for ReLU, whose kink a step can cross.
 */
export function checkMlp(
  params: readonly LayerParams[],
  x: Matrix,
  labels: readonly number[],
  {
    activation = relu,
    backward = mlpBackward,
    h = 1e-5,
    kinks = activation.name === "relu",
  }: { activation?: Activation; backward?: MlpBackward; h?: number; kinks?: boolean } = {},
): ParamCheck[] {
  const { out, cache } = mlpForward(x, params, { activation });
  const { grads } = backward(softmaxCrossEntropy(out, labels).grad, cache);
  const loss = () => softmaxCrossEntropy(mlpForward(x, params, { activation }).out, labels).loss;
  return checkGradients(
    loss,
    params.flatMap((p, l) => [
      { name: `W${l + 1}`, value: p.w, grad: grads[l].dw },
      { name: `b${l + 1}`, value: p.b, grad: grads[l].db },
    ]),
    { h, kinks },
  );
}

/**
 * How many entries of `z` lie within `width` of a kink at 0 (e.g. ReLU pre-activations): a
 * check whose step moves such an entry across 0 compares against a difference quotient that
 * mixes both sides of the kink.
 */
export function nearKink(z: Matrix, width: number): number {
  return z.data.reduce((n, v) => n + (Math.abs(v) < width ? 1 : 0), 0);
}
