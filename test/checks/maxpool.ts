/**
 * Graded checks for exercises/maxpool.ts. Reference values come from lib/nn/layers/maxpool.ts
 * (`maxpoolForward`, `maxpoolBackward`, matched to PyTorch's `max_pool2d`, ties included, in
 * test/unit/layers_spatial.test.ts) and a numerical gradient, computed in the grader's process.
 *
 * The backward checks use windows with ties and overlapping windows, where the usual mistakes
 * differ from the right answer; when a wrong dx equals one of them ({@link poolVariant}), the
 * feedback names it.
 */

import { Random } from "../../lib/core/random.ts";
import { flatView, Tensor } from "../../lib/core/tensor.ts";
import { numericalGradientArray } from "../../lib/check/gradcheck.ts";
import { maxpoolBackward, maxpoolForward } from "../../lib/nn/layers/maxpool.ts";
import type { Check, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/**
 * The known mistakes, each in two tiers: what is wrong (at once) and the formula-level fix
 * (once the check's hint unlocks); the unit test matches on these.
 */
export const MISTAKE = {
  everyEntry: () =>
    mistake(
      "every entry of a window got the window's gradient: only the maximum affects the output",
      "dx gets dout at each window's maximum and 0 at the window's other entries.",
      "everyEntry",
    ),
  average: () =>
    mistake(
      "the gradient is shared equally over each window, as average pooling's is",
      "Max pooling sends all of dout to the window's maximum; the others get 0.",
      "average",
    ),
  tiesSplit: () =>
    mistake(
      "on a tie the gradient is split between the equal maxima: PyTorch (and this course) give " +
        "it to one of them",
      "All of it goes to the FIRST maximum in row-major order.",
      "tiesSplit",
    ),
  tiesLast: () =>
    mistake(
      "on a tie the gradient goes to the LAST maximum: PyTorch (and this course) take the first",
      "Replace the running maximum only when a value is strictly larger (>), so the first " +
        "maximum in row-major order wins.",
      "tiesLast",
    ),
  overwrite: () =>
    mistake(
      "where windows overlap, an entry that is the maximum of several windows kept only one " +
        "window's gradient",
      "Add the windows' gradients up (+=); do not overwrite.",
      "overwrite",
    ),
  strideForward: () =>
    mistake(
      "the windows moved by 1 instead of by the stride (the default stride is the kernel size, " +
        "as in PyTorch)",
      "Window (i, j) starts at row i·stride and column j·stride.",
      "strideForward",
    ),
  minimum: () =>
    mistake(
      "the output holds each window's minimum",
      "Max pooling keeps each window's largest entry.",
      "minimum",
    ),
};

/** The known mistakes {@link poolVariant} can make, one flag each. */
export interface PoolBugs {
  everyEntry?: boolean;
  average?: boolean;
  tiesSplit?: boolean;
  tiesLast?: boolean;
  overwrite?: boolean;
  strideForward?: boolean;
  minimum?: boolean;
}

/** Max pooling with the mistakes of `bugs` switched on: `out` and, given `dout`, `dx`. */
export function poolVariant(
  x: Tensor,
  o: { kernelSize: number; stride?: number },
  bugs: PoolBugs = {},
  dout?: Tensor,
): { out: Tensor; dx?: Tensor } {
  const k = o.kernelSize, s = bugs.strideForward ? 1 : o.stride ?? k;
  const [N, C, H, W] = x.shape;
  const Hout = Math.floor((H - k) / s) + 1, Wout = Math.floor((W - k) / s) + 1;
  const out = new Tensor([N, C, Hout, Wout]), dx = new Tensor(x.shape);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < Hout; i++) {
        for (let j = 0; j < Wout; j++) {
          const cells: [number, number][] = [];
          for (let u = 0; u < k; u++) {
            for (let v = 0; v < k; v++) cells.push([i * s + u, j * s + v]);
          }
          const values = cells.map(([y, xx]) => x.get(n, c, y, xx));
          const best = bugs.minimum ? Math.min(...values) : Math.max(...values);
          out.set(n, c, i, j, best);
          if (!dout) continue;
          const g = dout.get(n, c, i, j);
          const winners = values.flatMap((v, q) => (v === best ? [q] : []));
          const give = (q: number, amount: number) => {
            const [y, xx] = cells[q], at = dx.index(n, c, y, xx);
            dx.data[at] = bugs.overwrite ? amount : dx.data[at] + amount;
          };
          if (bugs.everyEntry) cells.forEach((_, q) => give(q, g));
          else if (bugs.average) cells.forEach((_, q) => give(q, g / cells.length));
          else if (bugs.tiesSplit) winners.forEach((q) => give(q, g / winners.length));
          else give(bugs.tiesLast ? winners.at(-1)! : winners[0], g);
        }
      }
    }
  }
  return dout ? { out, dx } : { out };
}

type Options = { kernelSize: number; stride?: number };

function forwardMistakes(x: Tensor, o: Options) {
  const out = (bugs: PoolBugs) => poolVariant(x, o, bugs).out;
  return (actual: unknown) =>
    matches(actual, [
      [out({ strideForward: true }), MISTAKE.strideForward()],
      [out({ minimum: true }), MISTAKE.minimum()],
    ]);
}

function backwardMistakes(x: Tensor, o: Options, dout: Tensor) {
  const dx = (bugs: PoolBugs) => poolVariant(x, o, bugs, dout).dx;
  return (actual: unknown) =>
    matches(actual, [
      [dx({ everyEntry: true }), MISTAKE.everyEntry()],
      [dx({ average: true }), MISTAKE.average()],
      [dx({ tiesSplit: true }), MISTAKE.tiesSplit()],
      [dx({ tiesLast: true }), MISTAKE.tiesLast()],
      [dx({ overwrite: true }), MISTAKE.overwrite()],
    ]);
}

/** Every check of the exercise, in the order a learner meets them. */
export function checks(): Check[] {
  const rng = new Random(2525);
  const normal = (shape: number[]) =>
    new Tensor(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()));
  // Small integers: many ties inside each window.
  const ties = (shape: number[]) =>
    new Tensor(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.int(3)));
  const plain = normal([2, 3, 4, 6]), plainO = { kernelSize: 2 };
  const over = normal([1, 2, 7, 7]), overO = { kernelSize: 3, stride: 2 };
  const tied = ties([2, 2, 4, 4]), tiedO = { kernelSize: 2 };
  const tiedOver = ties([1, 2, 6, 6]), tiedOverO = { kernelSize: 3, stride: 1 };
  const hidden = ties([3, 2, 9, 8]), hiddenO = { kernelSize: 3, stride: 2 };
  const fwd = (x: Tensor, o: Options) => maxpoolForward(x, o);
  const dOf = (x: Tensor, o: Options) => normal(fwd(x, o).out.shape);
  const ref = (x: Tensor, o: Options, dout: Tensor) => maxpoolBackward(dout, fwd(x, o).cache).dx;
  const forwardCheck = (
    name: string,
    nudge: string,
    x: Tensor,
    o: Options,
    points: number,
    hint: string,
  ) => ({
    name,
    nudge,
    points,
    fn: "maxpoolForward",
    args: [x, o],
    expected: fwd(x, o).out,
    diagnose: forwardMistakes(x, o),
    hint,
  });
  const backwardCheck = (
    name: string,
    nudge: string,
    x: Tensor,
    o: Options,
    points: number,
    hint: string,
  ) => {
    const dout = dOf(x, o);
    return {
      name,
      nudge,
      points,
      fn: "maxpoolBackward",
      args: [dout, x, o],
      expected: ref(x, o, dout),
      diagnose: backwardMistakes(x, o, dout),
      hint,
    };
  };
  const dOver = dOf(over, overO);
  const numeric = new Tensor(
    over.shape,
    numericalGradientArray(() => flatView(fwd(over, overO).out), flatView(over), flatView(dOver))
      .data,
  );
  return [
    forwardCheck(
      "maxpoolForward: 2×2 windows (stride = kernel size), 2 images, 3 channels",
      "Each output entry is the largest entry of its window; the windows do not overlap here.",
      plain,
      plainO,
      2,
      "out[n,c,i,j] = max over u,v < k of x[n,c,i·s+u,j·s+v], with s = k here.",
    ),
    forwardCheck(
      "maxpoolForward: 3×3 windows, stride 2 (overlapping)",
      "Look at where each window starts when the stride is smaller than the window.",
      over,
      overO,
      2,
      "The window's top-left corner is at row i·stride, column j·stride.",
    ),
    backwardCheck(
      "maxpoolBackward: 2×2 windows, distinct values",
      "Only the entry that was the maximum changes the output when it moves a little.",
      plain,
      plainO,
      2,
      "dx = 0 except at each window's argmax, where dx += dout[n,c,i,j].",
    ),
    {
      name: "maxpoolBackward: agrees with a numerical gradient (3×3 windows, stride 2)",
      nudge: "Overlapping windows: an entry can be the maximum of more than one window.",
      points: 2,
      fn: "maxpoolBackward",
      args: [dOver, over, overO],
      expected: numeric,
      rtol: 1e-6,
      atol: 1e-8,
      diagnose: backwardMistakes(over, overO, dOver),
      hint: "dx[n,c,h,w] = Σ of dout[n,c,i,j] over every window (i,j) whose argmax is (h,w).",
    },
    backwardCheck(
      "maxpoolBackward: ties inside the windows go to the first maximum",
      "When a window holds its maximum twice, exactly one entry gets the gradient: which one does PyTorch pick?",
      tied,
      tiedO,
      2,
      "The argmax is the first maximum in row-major order: scan the window and replace only " +
        "on a strictly larger value.",
    ),
    backwardCheck(
      "maxpoolBackward: ties and overlapping windows (3×3, stride 1)",
      "Gradients from several windows may land on the same entry: they must add up, not overwrite.",
      tiedOver,
      tiedOverO,
      2,
      "Gradients from several windows add up on the same entry.",
    ),
    {
      ...backwardCheck(
        "maxpoolBackward: 3 images, 3×3 windows, stride 2, with ties",
        "Read every size from the tensors' shapes.",
        hidden,
        hiddenO,
        2,
        "Hout = ⌊(H − k)/s⌋ + 1 and Wout = ⌊(W − k)/s⌋ + 1 from x's shape; dx[argmax] += dout for every window.",
      ),
      hidden: true,
    },
    {
      ...forwardCheck(
        "maxpoolForward: 3 images, 3×3 windows, stride 2",
        "Count the window positions along each side from the shapes, the kernel size and the stride.",
        hidden,
        hiddenO,
        1,
        "Hout = ⌊(H − kernelSize)/stride⌋ + 1.",
      ),
      hidden: true,
    },
  ];
}

export const maxpoolExercise: Exercise = {
  name: "maxpool",
  title: "Max pooling, forward and backward",
  notebook: "25_pooling_cnn.ipynb",
  checks,
};
