/**
 * The conv layer's training step for `deno task bench`: forward and backward (dx, dw, db) of
 * `conv2dForward`/`conv2dBackward` (im2col on the fast matrix product) and of the naive loops
 * they are tested against, on the shapes below; bench/bench_torch.py times PyTorch's
 * `F.conv2d` forward and autograd backward on the same shapes.
 *
 * @module
 */
import { Random } from "../lib/core/random.ts";
import { Tensor } from "../lib/core/tensor.ts";
import { conv2dBackward, conv2dForward } from "../lib/nn/layers/conv2d.ts";
import { conv2dNaiveBackward, conv2dNaiveForward } from "../lib/nn/layers/conv2d_naive.ts";

/** A batch of N images C×H×H through F filters of K×K, stride 1, padding `pad`. */
export interface ConvShape {
  N: number;
  C: number;
  H: number;
  F: number;
  K: number;
  pad: number;
}

/** Fashion-MNIST's first layer (notebook 25's CNN) and a deeper layer of a small CNN. */
export const CONV_SHAPES: ConvShape[] = [
  { N: 64, C: 1, H: 28, F: 8, K: 3, pad: 1 },
  { N: 64, C: 16, H: 14, F: 32, K: 3, pad: 1 },
];

export const convShapeName = (s: ConvShape) =>
  `${s.N}×${s.C}×${s.H}×${s.H} → ${s.F} of ${s.K}×${s.K}`;

/** One forward and backward pass of each form of the layer, on fixed random data. */
export function convSteps(s: ConvShape): { im2col: () => void; naive: () => void } {
  const rng = new Random(3);
  const t = (shape: number[]) => {
    const out = new Tensor(shape);
    for (let k = 0; k < out.size; k++) out.data[k] = rng.normal();
    return out;
  };
  const x = t([s.N, s.C, s.H, s.H]), w = t([s.F, s.C, s.K, s.K]), b = rng.randn(1, s.F);
  const Hout = s.H + 2 * s.pad - s.K + 1, dout = t([s.N, s.F, Hout, Hout]);
  const o = { padding: s.pad };
  return {
    im2col: () => conv2dBackward(dout, conv2dForward(x, w, b, o).cache),
    naive: () => conv2dNaiveBackward(dout, conv2dNaiveForward(x, w, b, o).cache),
  };
}
