/**
 * Graded checks for exercises/conv.ts. Reference values come from lib/nn/layers/conv2d.ts
 * (`conv2dForward`, `conv2dBackward`, matched to PyTorch in test/unit/layers_spatial.test.ts) and
 * from numerical gradients of that forward pass (lib/check/gradcheck.ts), computed in the
 * grader's process.
 *
 * The three gradients are checked apart, so a right `db` earns its points beside a wrong `dx`.
 * When a wrong answer equals a known mistake (computed by {@link convVariant}: the kernel flipped,
 * the padding put around the output instead of the input, the stride left out of the forward or
 * the backward pass, the kernel flipped in dx only), the feedback names it.
 */

import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { flatView, Tensor } from "../../lib/core/tensor.ts";
import { numericalGradientArray } from "../../lib/check/gradcheck.ts";
import { conv2dBackward, conv2dForward } from "../../lib/nn/layers/conv2d.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/**
 * The known mistakes, each in two tiers: what is wrong (at once) and the formula-level fix
 * (once the check's hint unlocks); the unit test matches on these.
 */
export const MISTAKE = {
  flipped: (what: string) =>
    mistake(
      `${what} is what a true convolution gives, with the kernel flipped: a convolution layer ` +
        "(PyTorch's conv2d) is a cross-correlation, it slides the kernel as it is",
      "out[n,f,i,j] = b[f] + Σ_{c,u,v} w[f,c,u,v]·xpad[n,c,i·s+u,j·s+v], with w[f, c, u, v] " +
        "itself, not w[f, c, KH−1−u, KW−1−v].",
      `flipped:${what}`,
    ),
  padOutput: () =>
    mistake(
      "the output is the unpadded convolution with zeros put around it: padding belongs around " +
        "the input",
      "Pad x with p zeros on every side first: windows near the border then see the padding " +
        "zeros and the image's edge pixels.",
      "padOutput",
    ),
  strideForward: () =>
    mistake(
      "the output is the stride-1 output: the window must move by the stride",
      "Window (i, j) starts at row i·stride and column j·stride of the padded input.",
      "strideForward",
    ),
  strideBackward: (what: string) =>
    mistake(
      `${what} uses the positions of stride 1: the backward pass must visit the windows the ` +
        "forward pass used",
      "Output (i, j) saw the input rows i·stride + u and columns j·stride + v; its gradient " +
        "goes back to exactly those.",
      `strideBackward:${what}`,
    ),
  dxFlipped: () =>
    mistake(
      "dx used the kernel flipped: each x entry must receive dout times the weight that " +
        "multiplied it in the forward pass",
      "dxpad[n,c,i·s+u,j·s+v] += dout[n,f,i,j]·w[f,c,u,v], the same (u, v) as in the forward " +
        "pass (written as a full convolution of dout, that is the flipped kernel convolved, " +
        "i.e. the kernel itself correlated).",
      "dxFlipped",
    ),
  dbPositions: () =>
    mistake(
      "db is summed over the batch but not over the output positions: the bias is added at " +
        "every position of every image",
      "db[f] = Σ_{n,i,j} dout[n,f,i,j].",
      "dbPositions",
    ),
};

/** The known mistakes {@link convVariant} can make, one flag each. */
export interface ConvBugs {
  /** A true convolution: the kernel flipped in the forward and backward pass. */
  flipped?: boolean;
  /** The unpadded output, then `padding` zeros around it. */
  padOutput?: boolean;
  /** Stride 1 in the forward pass (and so in the backward). */
  strideForward?: boolean;
  /** Stride 1 positions in the backward pass only. */
  strideBackward?: boolean;
  /** dx accumulates with the flipped kernel. */
  dxFlipped?: boolean;
  /** db summed over the batch, at one output position only (the first). */
  dbPositions?: boolean;
}

/** The convolution with the mistakes of `bugs` switched on: `out` and, given `dout`, the gradients. */
export function convVariant(
  x: Tensor,
  w: Tensor,
  b: Matrix,
  o: { stride?: number; padding?: number },
  bugs: ConvBugs = {},
  dout?: Tensor,
): { out: Tensor; dx?: Tensor; dw?: Tensor; db?: Matrix } {
  const stride = bugs.strideForward ? 1 : o.stride ?? 1, p = o.padding ?? 0;
  const [N, C, H, W] = x.shape, [F, , KH, KW] = w.shape;
  const pad = bugs.padOutput ? 0 : p;
  const Hv = Math.floor((H + 2 * pad - KH) / stride) + 1;
  const Wv = Math.floor((W + 2 * pad - KW) / stride) + 1;
  const off = bugs.padOutput ? p : 0;
  const out = new Tensor([N, F, Hv + 2 * off, Wv + 2 * off]);
  const kw = (f: number, c: number, u: number, v: number, flip: boolean) =>
    flip ? w.get(f, c, KH - 1 - u, KW - 1 - v) : w.get(f, c, u, v);
  /** Visits every (channel, kernel entry, input pixel) of output (i, j) at stride s. */
  const each = (
    s: number,
    i: number,
    j: number,
    visit: (c: number, u: number, v: number, y: number, xx: number) => void,
  ) => {
    for (let c = 0; c < C; c++) {
      for (let u = 0; u < KH; u++) {
        for (let v = 0; v < KW; v++) {
          const y = i * s + u - pad, xx = j * s + v - pad;
          if (y >= 0 && y < H && xx >= 0 && xx < W) visit(c, u, v, y, xx);
        }
      }
    }
  };
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < Hv; i++) {
        for (let j = 0; j < Wv; j++) {
          let s = b.get(0, f);
          each(stride, i, j, (c, u, v, y, xx) => {
            s += kw(f, c, u, v, !!bugs.flipped) * x.get(n, c, y, xx);
          });
          out.set(n, f, i + off, j + off, s);
        }
      }
    }
  }
  if (!dout) return { out };
  const dx = new Tensor(x.shape), dw = new Tensor(w.shape), db = new Matrix(1, F);
  const back = bugs.strideBackward ? 1 : stride;
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < dout.h; i++) {
        for (let j = 0; j < dout.w; j++) {
          const g = dout.get(n, f, i, j);
          if (!bugs.dbPositions || (i === 0 && j === 0)) db.data[f] += g;
          each(back, i, j, (c, u, v, y, xx) => {
            const fu = bugs.flipped ? KH - 1 - u : u, fv = bugs.flipped ? KW - 1 - v : v;
            dw.data[dw.index(f, c, fu, fv)] += g * x.get(n, c, y, xx);
            dx.data[dx.index(n, c, y, xx)] += g *
              kw(f, c, u, v, !!bugs.flipped !== !!bugs.dxFlipped);
          });
        }
      }
    }
  }
  return { out, dx, dw, db };
}

type Field = "dx" | "dw" | "db";
type Args = { x: Tensor; w: Tensor; b: Matrix; o: { stride?: number; padding?: number } };

/** Names the mistake behind a wrong forward output. */
function forwardMistakes({ x, w, b, o }: Args) {
  const out = (bugs: ConvBugs) => convVariant(x, w, b, o, bugs).out;
  return (actual: unknown) =>
    matches(actual, [
      [out({ flipped: true }), MISTAKE.flipped("the output")],
      [out({ padOutput: true }), MISTAKE.padOutput()],
      [out({ strideForward: true }), MISTAKE.strideForward()],
    ]);
}

/** Names the mistake behind a wrong gradient (only the fields the check compares). */
function backwardMistakes({ x, w, b, o }: Args, dout: Tensor, fields: Field[]) {
  const pick = (bugs: ConvBugs) => {
    const r = convVariant(x, w, b, o, bugs, dout);
    return Object.fromEntries(fields.map((f) => [f, r[f]]));
  };
  const right = pick({});
  // dx with the kernel flipped in the backward pass alone equals a true convolution's dx: in
  // the dx check the narrower mistake is named (the forward checks catch a flipped forward).
  const candidates = (field: Field): [ConvBugs, Diagnosis][] => [
    [{ dxFlipped: true }, MISTAKE.dxFlipped()],
    [{ flipped: true }, MISTAKE.flipped(field)],
    [{ strideBackward: true }, MISTAKE.strideBackward(field)],
    [{ dbPositions: true }, MISTAKE.dbPositions()],
  ];
  return (actual: unknown) => {
    if (!actual || typeof actual !== "object") return undefined;
    const got = actual as Record<string, unknown>;
    // The first wrong field is diagnosed alone, so a right db does not hide a wrong dx.
    const field = fields.find((f) => matches(got[f], [[right[f], "right"]]) === undefined);
    if (!field) return undefined;
    return matches(
      got[field],
      candidates(field).map(([bugs, says]) => [pick(bugs)[field], says]),
    );
  };
}

const randomTensor = (rng: Random, shape: number[]) =>
  new Tensor(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()));

/** Every check of the exercise, in the order a learner meets them. */
export function checks(): Check[] {
  const rng = new Random(2424);
  const one: Args = {
    x: new Tensor([1, 1, 4, 4], Array.from({ length: 16 }, (_, k) => k + 1)),
    w: new Tensor([1, 1, 3, 3], [1, 2, 0, -1, 0, 0, 0, 0, 3]), // asymmetric: a flip shows
    b: Matrix.from([[0.5]]),
    o: {},
  };
  const padded: Args = { ...one, o: { padding: 1 } };
  const strided: Args = {
    x: randomTensor(rng, [2, 3, 6, 5]),
    w: randomTensor(rng, [4, 3, 3, 3]),
    b: rng.randn(1, 4),
    o: { stride: 2, padding: 1 },
  };
  const back: Args = {
    x: randomTensor(rng, [2, 2, 5, 5]),
    w: randomTensor(rng, [3, 2, 3, 2]),
    b: rng.randn(1, 3),
    o: { padding: 1 },
  };
  const hidden: Args = {
    x: randomTensor(rng, [3, 2, 7, 6]),
    w: randomTensor(rng, [2, 2, 3, 3]),
    b: rng.randn(1, 2),
    o: { stride: 2, padding: 2 },
  };
  const forward = ({ x, w, b, o }: Args) => conv2dForward(x, w, b, o);
  const grads = (a: Args, dout: Tensor) => conv2dBackward(dout, forward(a).cache);
  const doutOf = (a: Args) => randomTensor(rng, forward(a).out.shape);
  const dBack = doutOf(back), dStrided = doutOf(strided), dHidden = doutOf(hidden);
  const ref = grads(back, dBack), refStrided = grads(strided, dStrided);
  /** ∂ sum(out ⊙ dout) / ∂ t, numerically, for t = x or w of `a`. */
  const numeric = (a: Args, dout: Tensor, t: Tensor) =>
    new Tensor(
      t.shape,
      numericalGradientArray(() => flatView(forward(a).out), flatView(t), flatView(dout)).data,
    );
  const fwdCheck = (
    name: string,
    nudge: string,
    a: Args,
    points: number,
    hint: string,
    hiddenCheck = false,
  ) => ({
    name,
    nudge,
    points,
    fn: "convForward",
    args: [a.x, a.w, a.b, a.o],
    expected: forward(a).out,
    diagnose: forwardMistakes(a),
    hint,
    hidden: hiddenCheck,
  });
  const bwdArgs = (a: Args, dout: Tensor) => [dout, a.x, a.w, a.o];
  return [
    fwdCheck(
      "convForward: one 4×4 image, one 3×3 filter (stride 1, no padding)",
      "Slide the kernel over the image as it is, multiplying it with the window under it, and add the bias; compare the output size with the number of window positions.",
      one,
      2,
      "Slide the kernel over the image as it is, summing kernel × pixel in each window, plus the bias.",
    ),
    fwdCheck(
      "convForward: the same with padding 1 (output 4×4)",
      "Padding widens the input: a window may hang over the edge, where it reads zeros.",
      padded,
      2,
      "Pad x with p zeros on every side; then out[n,f,i,j] = b[f] + Σ_{c,u,v} w[f,c,u,v]·xpad[n,c,i·s+u,j·s+v].",
    ),
    fwdCheck(
      "convForward: 2 images, 3 channels, 4 filters, stride 2, padding 1",
      "Each filter reads every input channel; the window moves by the stride, not by one.",
      strided,
      2,
      "Each filter sums over every input channel; the window's top-left corner moves by the stride.",
    ),
    {
      name: "convBackward: db (2 images, padding 1)",
      nudge: "The bias of a filter touches every output entry of that filter, in every image.",
      points: 1,
      fn: "convBackward",
      args: bwdArgs(back, dBack),
      expected: { db: ref.db },
      diagnose: backwardMistakes(back, dBack, ["db"]),
      hint: "The bias of filter f is added to every output entry of filter f.",
    },
    {
      name: "convBackward: dw (2 images, padding 1)",
      nudge:
        "A weight meets one input pixel per output position and image: its gradient collects all of them.",
      points: 2,
      fn: "convBackward",
      args: bwdArgs(back, dBack),
      expected: { dw: ref.dw },
      diagnose: backwardMistakes(back, dBack, ["dw"]),
      hint: "A weight meets one input pixel per output position and image: add up dout times " +
        "the pixel it multiplied.",
    },
    {
      name: "convBackward: dx (2 images, padding 1)",
      nudge: "A pixel sits in several windows: its gradient collects a share from each.",
      points: 2,
      fn: "convBackward",
      args: bwdArgs(back, dBack),
      expected: { dx: ref.dx },
      diagnose: backwardMistakes(back, dBack, ["dx"]),
      hint: "A pixel sits in several windows: add dout times the weight it met in each.",
    },
    {
      name: "convBackward: dx and dw agree with numerical gradients (stride 2, padding 1)",
      nudge:
        "The backward pass must visit the same windows as the forward pass, stride and padding included.",
      points: 2,
      fn: "convBackward",
      args: bwdArgs(strided, dStrided),
      expected: {
        dx: numeric(strided, dStrided, strided.x),
        dw: numeric(strided, dStrided, strided.w),
      },
      rtol: 1e-6,
      atol: 1e-8,
      diagnose: backwardMistakes(strided, dStrided, ["dx", "dw"]),
      hint: "The backward pass visits the same (window, weight, pixel) triples as the forward " +
        "pass, stride and padding included.",
    },
    {
      name: "convBackward: dx, dw, db with stride 2 and padding 1",
      nudge:
        "With a stride, look at where each output's window starts in the padded input: its gradient goes back to exactly those pixels.",
      points: 2,
      fn: "convBackward",
      args: bwdArgs(strided, dStrided),
      expected: refStrided,
      diagnose: backwardMistakes(strided, dStrided, ["dx", "dw", "db"]),
      hint: "Output (i, j) read the input from row i·stride and column j·stride of the padded " +
        "image; its gradient goes back to exactly those pixels.",
    },
    fwdCheck(
      "convForward: 3 images, stride 2, padding 2",
      "Read every size from the tensors' shapes; nothing may depend on the visible checks.",
      hidden,
      1,
      "Read every size from the tensors' shapes; the output size is ⌊(H + 2p − KH)/s⌋ + 1.",
      true,
    ),
    {
      name: "convBackward: 3 images, stride 2, padding 2",
      nudge: "Padding positions are not part of x: they receive no gradient.",
      points: 2,
      fn: "convBackward",
      args: bwdArgs(hidden, dHidden),
      expected: grads(hidden, dHidden),
      diagnose: backwardMistakes(hidden, dHidden, ["dx", "dw", "db"]),
      hidden: true,
      hint:
        "Accumulate into a padded dxpad, then cut the p-wide border off: dx[n,c,h,w] = dxpad[n,c,h+p,w+p].",
    },
  ];
}

export const convExercise: Exercise = {
  name: "conv",
  title: "A naive convolution, forward and backward",
  notebook: "24_convolution.ipynb",
  checks,
};
