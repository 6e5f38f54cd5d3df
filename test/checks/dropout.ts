/**
 * Graded checks for exercises/dropout.ts (inverted dropout, forward and backward). Reference
 * values come from lib/nn/layers/dropout.ts (matched to PyTorch's `F.dropout` given the same
 * mask), with the mask drawn from the same seeded generator the exercise asks for, and from a
 * numerical gradient of the reference forward pass.
 *
 * When an output differs, `diagnose` rebuilds it from the known mistakes (the mask drawn with
 * the keep and drop probabilities swapped, no rescaling, the rescaling inverted, the classic
 * test-time factor added to inverted dropout, a mask in evaluation, a backward pass without the
 * mask or the scale) and names the one it equals; a mask that keeps the right fraction of units
 * but is not the seeded one is named too.
 */

import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradientArray } from "../../lib/check/gradcheck.ts";
import { bernoulliMask, dropoutBackward, dropoutForward } from "../../lib/nn/layers/dropout.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/** One graded case: the input, the upstream gradient and the options. */
export interface Case {
  x: Matrix;
  dout: Matrix;
  param: { p: number; training: boolean; seed: number };
}

export function makeCase(
  seed: number,
  [n, d]: [number, number],
  p: number,
  training: boolean,
): Case {
  const rng = new Random(seed);
  return { x: rng.randn(n, d), dout: rng.randn(n, d), param: { p, training, seed: seed + 100 } };
}

/** The reference forward and backward pass of a case. */
export function reference(c: Case): { out: Matrix; dx: Matrix; mask: Matrix | null } {
  const { p, training, seed } = c.param;
  const { out, cache } = dropoutForward(c.x, { p, training, rng: new Random(seed) });
  return { out, dx: dropoutBackward(c.dout, cache).dx, mask: cache.mask };
}

/** The messages naming each mistake; the unit test matches on these. */
export const MISTAKE = {
  keepIsP: mistake(
    "your mask keeps each unit with the drop probability p, but p is the probability of " +
      "DROPPING a unit (the mix-up of erratum 3): compare your kept fraction with p",
    "A unit is kept with probability q = 1 − p: one rng.bernoulli(1 − p) per entry.",
    "keepIsP",
  ),
  noScale: mistake(
    "the kept units are not rescaled, so the expected output is smaller than the input",
    "Inverted dropout multiplies the kept units by 1/(1 − p) in training.",
    "noScale",
  ),
  scaleInverted: mistake(
    "the kept units are scaled down instead of up: in training inverted dropout divides by " +
      "the keep probability",
    "Multiply the kept units by 1/(1 − p), not by (1 − p).",
    "scaleInverted",
  ),
  evalScaled: mistake(
    "in evaluation your output is scaled by the keep probability: that is classic dropout's " +
      "test-time factor, and your training pass already rescaled (inverted dropout). Use one of " +
      "the two, never both",
    "Inverted dropout's evaluation is the identity: out = x, not x·(1 − p).",
    "evalScaled",
  ),
  evalInverted: mistake(
    "in evaluation your output is rescaled: evaluation must leave x unchanged (the rescaling " +
      "belongs to training)",
    "In evaluation out = x, not x/(1 − p).",
    "evalInverted",
  ),
  evalMasked: mistake(
    "in evaluation your output is masked as in training: with training false, dropout is the " +
      "identity (no mask, no rescaling)",
    "If training is false, return out = x (and dx = dout).",
    "evalMasked",
  ),
  otherMask: (kept: number, p: number) =>
    mistake(
      `your mask keeps ${(100 * kept).toFixed(1)}% of the units, about the right 1 − p = ${
        (100 * (1 - p)).toFixed(0)
      }%, but it is not the mask the seed gives: look at the generator and the order of the draws`,
      "Use new Random(seed) and one rng.bernoulli(1 − p) call per entry, row by row, true " +
        "meaning kept.",
      "otherMask",
    ),
  backwardNoMask: mistake(
    "dx passes gradient to the dropped units: a unit that was dropped did not affect the " +
      "output, so its gradient is 0",
    "dx = dout ⊙ mask / (1 − p).",
    "backwardNoMask",
  ),
  backwardNoScale: mistake(
    "dx is missing the forward pass's rescaling of the kept units: the backward pass must " +
      "scale them too",
    "dx = dout ⊙ mask / (1 − p): the factor 1/(1 − p) of the forward pass.",
    "backwardNoScale",
  ),
  backwardIdentity: mistake(
    "dx equals dout: the backward pass must apply the same mask and scale as the forward pass",
    "dx = dout ⊙ mask / (1 − p).",
    "backwardIdentity",
  ),
  backwardEvalMasked: mistake(
    "in evaluation dx must equal dout (the forward pass was the identity)",
    "In evaluation dx = dout.",
    "backwardEvalMasked",
  ),
};

/** The output of a forward pass with the given keep probability and scale, mask from the seed. */
function variantOut(c: Case, keep: number, scale: number): Matrix {
  const mask = bernoulliMask(c.x.rows, c.x.cols, keep, new Random(c.param.seed));
  return c.x.map((v, i, j) => v * mask.get(i, j) * scale);
}

/** Names the mistake a wrong forward output shows, if it is a known one. */
export function diagnoseForward(c: Case) {
  const { p, training } = c.param;
  return (actual: unknown): Diagnosis | string | undefined => {
    const out = (actual as { out?: unknown })?.out;
    if (!training) {
      return matches(out, [
        [c.x.map((v) => v * (1 - p)), MISTAKE.evalScaled],
        [c.x.map((v) => v / (1 - p)), MISTAKE.evalInverted],
        [variantOut(c, 1 - p, 1 / (1 - p)), MISTAKE.evalMasked],
        [variantOut(c, 1 - p, 1), MISTAKE.evalMasked],
      ]);
    }
    const known = matches<Diagnosis>(out, [
      [variantOut(c, p, 1 / (1 - p)), MISTAKE.keepIsP],
      [variantOut(c, p, 1 / p), MISTAKE.keepIsP],
      [variantOut(c, p, 1), MISTAKE.keepIsP],
      [variantOut(c, 1 - p, 1), MISTAKE.noScale],
      [variantOut(c, 1 - p, 1 - p), MISTAKE.scaleInverted],
    ]);
    if (known || !(out instanceof Matrix) || out.rows !== c.x.rows || out.cols !== c.x.cols) {
      return known;
    }
    // Another mask, the scaling right: each entry 0 or x/(1 − p), and about 1 − p kept?
    const scaled = out.data.every((v, k) => v === 0 || Math.abs(v - c.x.data[k] / (1 - p)) < 1e-9);
    if (!scaled) return undefined;
    const kept = out.data.filter((v) => v !== 0).length / out.data.length;
    const sd = Math.sqrt(p * (1 - p) / out.data.length);
    return Math.abs(kept - (1 - p)) < 4 * sd ? MISTAKE.otherMask(kept, p) : undefined;
  };
}

/** Names the mistake a wrong `dx` shows (given a forward pass that was right). */
export function diagnoseBackward(c: Case) {
  const { p, training } = c.param;
  const ref = reference(c);
  return (actual: unknown): Diagnosis | string | undefined => {
    const got = actual as { out?: unknown; dx?: unknown };
    if (matches(got?.out, [[ref.out, "same"]]) !== "same") {
      // a forward mistake is named as itself (same id: stated once for every check it costs)
      return diagnoseForward(c)(got) ??
        "(forward pass) your forward output differs from the reference (see the forward checks)";
    }
    if (!training) {
      const seeded = bernoulliMask(c.x.rows, c.x.cols, 1 - p, new Random(c.param.seed));
      return matches(got?.dx, [
        [c.dout.map((g, i, j) => g * seeded.get(i, j) / (1 - p)), MISTAKE.backwardEvalMasked],
        [c.dout.map((g, i, j) => g * seeded.get(i, j)), MISTAKE.backwardEvalMasked],
        [c.dout.map((g) => g / (1 - p)), MISTAKE.backwardEvalMasked],
      ]);
    }
    const mask = ref.mask!;
    return matches(got?.dx, [
      [c.dout, MISTAKE.backwardIdentity],
      [c.dout.map((g) => g / (1 - p)), MISTAKE.backwardNoMask],
      [c.dout.map((g, i, j) => g * mask.get(i, j)), MISTAKE.backwardNoScale],
    ]);
  };
}

const HINTS = {
  forward: "Training: draw the keep mask from the seed as the file's comment says, then rescale " +
    "the kept units so that the mean of out over many masks would equal x.",
  eval: "What must dropout do when training is false, given that training already rescaled?",
  backward: "out is x times a constant per entry (0 or the scale): the derivative of each entry " +
    "of out with respect to the same entry of x is that constant.",
  numeric: "The reference is (f(x + h) − f(x − h)) / 2h entry by entry, with f = sum(out ⊙ dout) " +
    "for the same seeded mask.",
};

/** Every check of the exercise; exported for the unit test of the diagnoses. */
export function checks(): Check[] {
  const main = makeCase(1, [20, 30], 0.3, true);
  const other = makeCase(2, [12, 40], 0.75, true);
  const evalCase = makeCase(3, [10, 8], 0.3, false);
  const none = makeCase(4, [5, 6], 0, true);
  const hidden = makeCase(5, [33, 17], 0.6, true);
  const back = makeCase(6, [20, 30], 0.4, true);
  const numeric = (() => {
    const { p, seed } = back.param;
    const x = back.x.clone();
    const f = () => dropoutForward(x, { p, rng: new Random(seed) }).out;
    return numericalGradientArray(f, x, back.dout);
  })();
  const fwd = (
    name: string,
    nudge: string,
    c: Case,
    points: number,
    hint: string,
    more: Partial<Check> = {},
  ) => ({
    name,
    nudge,
    points,
    fn: "dropoutForward",
    args: [c.x, c.param],
    expected: { out: reference(c).out },
    diagnose: diagnoseForward(c),
    hint,
    ...more,
  });
  const bwd = (
    name: string,
    nudge: string,
    c: Case,
    points: number,
    expected: Matrix,
    more: Partial<Check> = {},
  ) => ({
    name,
    nudge,
    points,
    fn: "forwardBackward",
    args: [c.x, c.dout, c.param],
    expected: { dx: expected },
    diagnose: diagnoseBackward(c),
    hint: HINTS.backward,
    ...more,
  });
  return [
    fwd(
      "dropout: forward in training, p = 0.3 (20×30)",
      "Compare your mask's kept fraction with the drop probability, and check that the kept units are scaled up so the expected output is x.",
      main,
      3,
      HINTS.forward,
    ),
    fwd(
      "dropout: forward in training, p = 0.75 (12×40)",
      "With a large drop probability few units survive: compare the kept fraction with 1 − p and the size of the kept values with x.",
      other,
      2,
      HINTS.forward,
    ),
    fwd(
      "dropout: forward in evaluation is the identity (p = 0.3)",
      "Look at the branch for training = false: training already rescaled, so evaluation has nothing left to do.",
      evalCase,
      2,
      HINTS.eval,
    ),
    fwd(
      "dropout: p = 0 keeps everything, unscaled",
      "With nothing dropped, nothing should be rescaled either: look at how the scale depends on p.",
      none,
      1,
      HINTS.forward,
    ),
    bwd(
      "dropout: backward in training matches the reference (p = 0.4)",
      "The gradient goes back only through the units that were kept, scaled like the forward pass, with the same seeded mask.",
      back,
      3,
      reference(back).dx,
    ),
    bwd(
      "dropout: backward agrees with a numerical gradient (p = 0.4)",
      "Your backward pass must use the very mask the forward pass drew from the seed.",
      back,
      2,
      numeric,
      { rtol: 1e-6, atol: 1e-8, hint: HINTS.numeric },
    ),
    bwd(
      "dropout: backward in evaluation passes dout through",
      "In evaluation the layer changes nothing, so neither does its backward pass.",
      evalCase,
      1,
      reference(evalCase).dx,
    ),
    fwd(
      "dropout: another shape and p (hidden)",
      "Nothing may depend on the visible checks' shapes or drop probabilities: read both from the arguments.",
      hidden,
      2,
      HINTS.forward,
      { hidden: true },
    ),
    bwd(
      "dropout: backward, another shape and p (hidden)",
      "Nothing may depend on the visible checks' shapes or drop probabilities in the backward pass either.",
      hidden,
      2,
      reference(hidden).dx,
      {
        hidden: true,
      },
    ),
  ];
}

export const dropoutExercise: Exercise = {
  name: "dropout",
  title: "Inverted dropout, forward and backward",
  notebook: "18_dropout.ipynb",
  checks,
};
