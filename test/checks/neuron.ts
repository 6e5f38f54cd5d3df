/**
 * Graded checks for exercises/neuron.ts. Reference values come from lib/nn/neuron.ts (and
 * lib/nn/layers/linear.ts, lib/nn/activations.ts), computed in the grader's process; `diagnose`
 * names the usual mistakes when a result matches one of them.
 */

import { sigmoid } from "../../lib/nn/activations.ts";
import { linearForward } from "../../lib/nn/layers/linear.ts";
import { addRow, matmul, Matrix, transpose } from "../../lib/core/matrix.ts";
import {
  biasTrick,
  dot,
  layerForward,
  neuronForward,
  oneHiddenForward,
  windowVector,
} from "../../lib/nn/neuron.ts";
import { Random } from "../../lib/core/random.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

const sig = (m: Matrix) => m.map((v) => sigmoid.f(v));

function vec(rng: Random, n: number, std = 1): number[] {
  return Array.from({ length: n }, () => rng.normal(0, std));
}

const LAYER = "z = x·wᵀ + b (w is out×in), and the layer returns σ(z).";
const HIDDEN = "h = σ(x·w1ᵀ + b1).";

function neuronMistakes(x: number[], w: number[], b: number) {
  const z = dot(w, x) + b;
  return (actual: unknown) =>
    matches(actual, [
      // the same ids as the layer's: one misconception, stated once for both functions
      [
        sigmoid.f(dot(w, x)),
        mistake("the bias is missing", "The unit computes σ(w·x + b).", "bias"),
      ],
      [
        z,
        mistake(
          "that is the weighted sum before the sigmoid",
          "The output is σ(z), z = w·x + b.",
          "noSigmoid",
        ),
      ],
      [sigmoid.f(-z), mistake("the sign in the exponent is flipped", "σ(z) = 1 / (1 + e^(−z)).")],
      [sigmoid.f(dot(w, x) - b), mistake("the bias is subtracted instead of added", "σ(w·x + b).")],
    ]);
}

function layerMistakes(x: Matrix, w: Matrix, b: Matrix) {
  const candidates: [unknown, Diagnosis][] = [
    [sig(matmul(x, transpose(w))), mistake("the bias is missing", LAYER, "bias")],
    [
      linearForward(x, w, b).out,
      mistake("that is the weighted sum before the sigmoid", LAYER, "noSigmoid"),
    ],
  ];
  if (w.rows === w.cols) {
    candidates.push([
      sig(addRow(matmul(x, w), b)),
      mistake(
        "it looks like w is used transposed: w is out×in (one unit per row)",
        LAYER,
        "layer:transposed",
      ),
    ]);
  }
  return (actual: unknown) => matches(actual, candidates);
}

function windowMistakes(e: Matrix, window: number[]) {
  const d = e.cols, n = window.length;
  const interleaved = new Matrix(1, n * d);
  window.forEach((word, k) => {
    for (let j = 0; j < d; j++) interleaved.data[j * n + k] = e.get(word, j);
  });
  const candidates: [unknown, Diagnosis][] = [
    [
      interleaved,
      mistake(
        "the entries are interleaved (dimension by dimension) instead of one block per word",
        "Entries k·d … k·d + d − 1 hold the whole row window[k] of the embeddings, copied as one block.",
        "window:interleaved",
      ),
    ],
    [
      windowVector(e, [...window].reverse()),
      mistake(
        "the words are in reverse order",
        "Block k (entries k·d … k·d + d − 1) holds word window[k], for k = 0, 1, … in the window's order.",
        "window:reversed",
      ),
    ],
  ];
  if (window.every((k) => k + 1 < e.rows)) {
    candidates.push([
      windowVector(e, window.map((k) => k + 1)),
      mistake(
        "off by one: each block holds the row after the word's own (indices start at 0)",
        "Word k is row k of the embeddings: block j copies row window[j], not window[j] + 1.",
        "window:offByOne",
      ),
    ]);
  }
  return (actual: unknown) => matches(actual, candidates);
}

function checks(): Check[] {
  const rng = new Random(101);
  const x5 = vec(rng, 5), w5 = vec(rng, 5), b5 = 0.4;
  const x12 = vec(rng, 12), w12 = vec(rng, 12, 0.5), b12 = -1.3;

  // A layer with in = out = 4 (so a transposed w is a wrong answer, not a shape error),
  // and a rectangular one.
  const xs = rng.randn(6, 4), ws = rng.randn(4, 4), bs = rng.randn(1, 4);
  const xr = rng.randn(7, 5), wr = rng.randn(3, 5), br = rng.randn(1, 3);

  const emb = rng.randn(20, 4);
  const win = [3, 17, 0, 9, 3];
  const embBig = rng.randn(50, 8);
  const winBig = [49, 1, 25, 7, 33, 12, 0];

  const xh = rng.randn(5, 6), w1 = rng.randn(4, 6), b1 = rng.randn(1, 4);
  const w2 = rng.randn(3, 4), b2 = rng.randn(1, 3);
  const net = oneHiddenForward(xh, { w1, b1, w2, b2 });

  return [
    {
      name: "neuronForward: 5 inputs",
      points: 2,
      fn: "neuronForward",
      args: [x5, w5, b5],
      expected: neuronForward(x5, w5, b5),
      diagnose: neuronMistakes(x5, w5, b5),
      nudge: "A neuron weighs its inputs, adds its bias, then applies the sigmoid.",
      hint: "z = b + Σᵢ wᵢxᵢ, then return 1 / (1 + Math.exp(−z)).",
    },
    {
      name: "neuronForward: on the boundary w·x + b = 0 the output is 0.5",
      points: 1,
      fn: "neuronForward",
      args: [[2, 1], [1, -2], 0],
      expected: 0.5,
      nudge: "On the decision boundary the weighted sum plus bias is exactly 0.",
      hint: "σ(0) = 1/2.",
    },
    {
      name: "neuronForward: 12 inputs, negative bias",
      points: 1,
      fn: "neuronForward",
      args: [x12, w12, b12],
      expected: neuronForward(x12, w12, b12),
      diagnose: neuronMistakes(x12, w12, b12),
      hidden: true,
      nudge: "Every input counts, and the bias is added once, not once per input.",
      hint: "Loop over all inputs; add the bias once.",
    },
    {
      name: "withBiasTrick: appends 1 to x and b to w",
      points: 2,
      fn: "withBiasTrick",
      args: [x5, w5, b5],
      expected: biasTrick(x5, w5, b5),
      diagnose: (actual) =>
        matches(actual, [
          [
            { x: [1, ...x5], w: [b5, ...w5] },
            mistake(
              "the 1 and b are put first; the course appends them at the end",
              "Return { x: [...x, 1], w: [...w, b] }: the new entry comes last in both.",
              "biasTrick:first",
            ),
          ],
          [
            { x: [...x5, 0], w: [...w5, b5] },
            mistake(
              "x gets a 0 appended, so the bias never counts",
              "Append a constant 1 to x (and b to w): [x, 1]·[w, b] = w·x + b.",
              "biasTrick:zero",
            ),
          ],
          [
            { x: [...x5, b5], w: [...w5, 1] },
            mistake(
              "the two appended values are swapped between x and w",
              "x gets the 1 and w gets b: [x, 1] and [w, b].",
              "biasTrick:swapped",
            ),
          ],
        ]),
      nudge: "The bias trick turns the bias into one more weight on an input that is always 1.",
      hint: "Return { x: [...x, 1], w: [...w, b] }; their dot product is w·x + b.",
    },
    {
      name: "layerForward: square layer (4 → 4), batch of 6",
      points: 3,
      fn: "layerForward",
      args: [xs, ws, bs],
      expected: layerForward(xs, ws, bs).out,
      diagnose: layerMistakes(xs, ws, bs),
      nudge: "Each row of the result is one example; each column is one neuron of the layer.",
      hint: "Row n of the result is σ(W xₙ + b): entry (n, j) is σ(b_j + Σᵢ w[j][i]·x[n][i]).",
    },
    {
      name: "layerForward: 5 → 3, batch of 7 (result is 7×3)",
      points: 2,
      fn: "layerForward",
      args: [xr, wr, br],
      expected: layerForward(xr, wr, br).out,
      diagnose: layerMistakes(xr, wr, br),
      hidden: true,
      nudge:
        "Check the shapes: the result has one row per example and one column per output neuron.",
      hint: "x is N×in and w is out×in, so the result x·wᵀ + b is N×out.",
    },
    {
      name: "windowVector: 5 words of 4 dimensions → 1×20",
      points: 2,
      fn: "windowVector",
      args: [emb, win],
      expected: windowVector(emb, win),
      diagnose: windowMistakes(emb, win),
      nudge: "The window's word vectors are placed side by side, in window order, in a single row.",
      hint: "Copy row window[0] of the embeddings, then row window[1], … into one 1×(n·d) row.",
    },
    {
      name: "windowVector: 7 words of 8 dimensions → 1×56",
      points: 1,
      fn: "windowVector",
      args: [embBig, winBig],
      expected: windowVector(embBig, winBig),
      diagnose: windowMistakes(embBig, winBig),
      hidden: true,
      nudge: "Check where each word's vector starts in the long row.",
      hint: "Entries k·d … k·d + d − 1 hold the vector of word window[k].",
    },
    {
      name: "oneHiddenForward: 6 → 4 → 3, batch of 5",
      points: 3,
      fn: "oneHiddenForward",
      args: [xh, w1, b1, w2, b2],
      expected: net,
      diagnose: (actual) => {
        const s = (actual as { s?: unknown })?.s;
        const h = (actual as { h?: unknown })?.h;
        const hLinear = linearForward(xh, w1, b1).out;
        // a layerForward without its bias, used for the hidden layer
        const hNoBias = sig(matmul(xh, transpose(w1)));
        const noBias = (formula: string) => mistake("the bias is missing", formula, "bias");
        return matches(s, [
          [linearForward(hNoBias, w2, b2).out, noBias(HIDDEN)],
          [matmul(net.h, transpose(w2)), noBias("s = h·w2ᵀ + b2.")],
          [
            sig(net.s),
            mistake("σ was applied to the scores; they have no activation", "s = h·w2ᵀ + b2."),
          ],
          [
            linearForward(hLinear, w2, b2).out,
            mistake("the hidden layer has no sigmoid", HIDDEN, "hidden:noSigmoid"),
          ],
        ]) ??
          matches(h, [
            [hLinear, mistake("the hidden layer has no sigmoid", HIDDEN, "hidden:noSigmoid")],
            [hNoBias, noBias(HIDDEN)],
          ]);
      },
      nudge: "The hidden layer is a sigmoid layer; the output scores are not squashed.",
      hint: "h = layerForward(x, w1, b1); then s = h·w2ᵀ + b2, with no sigmoid.",
    },
  ];
}

export const neuronExercise: Exercise = {
  name: "neuron",
  title: "The neuron and the layer",
  notebook: "01_neuron_and_layer.ipynb",
  checks,
};
