/**
 * Graded checks for exercises/activations.ts. Reference values come from lib/nn/activations.ts,
 * computed in the grader's process; every derivative is also checked against a numerical
 * gradient (lib/check/gradcheck.ts) of the reference function, at points away from kinks, and at
 * the kinks against PyTorch's choice. `diagnose` names the usual mistakes.
 */

import {
  type Activation,
  makeLeakyRelu,
  relu,
  sigmoid,
  softsign,
  tanh,
} from "../../lib/nn/activations.ts";
import { numericalGradient } from "../../lib/check/gradcheck.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import type { Check, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/** f'(x) at every x by central differences of Σ f(xᵢ) (the reference f, not the learner's). */
function numericalDerivative(act: Activation, xs: number[]): number[] {
  const x = Matrix.column(xs);
  return Array.from(
    numericalGradient(() => x.data.reduce((s, v) => s + act.f(v), 0), x).data,
  );
}

const on = (act: Activation, xs: number[]) => xs.map((x) => act.f(x));
const dOn = (act: Activation, xs: number[]) => xs.map((x) => act.df(x));

/** Smooth points, no kinks, moderate size: for numerical derivatives. */
const SMOOTH = [-4.5, -2.2, -1.3, -0.6, -0.15, 0.07, 0.4, 0.9, 1.7, 3.1, 5.2];
/** A wider spread, including 0 and large values (where saturation matters). */
const WIDE = [-30, -8, -3, -1, -0.25, 0, 0.1, 0.5, 1, 2, 6, 12, 40];

const TANH = "tanh(x) = 2σ(2x) − 1.";
const TANH_GRAD = "tanh'(x) = 1 − tanh²(x).";

function sigmoidGradMistakes(xs: number[]) {
  const s = on(sigmoid, xs);
  return (actual: unknown) =>
    matches(actual, [
      [
        s.map((v) => v * (1 + v)),
        mistake(
          "a sign inside the derivative is wrong: a + where a − belongs",
          "σ'(x) = σ(x)(1 − σ(x)).",
        ),
      ],
      [
        xs.map((x) => x * (1 - x)),
        mistake(
          "the derivative was taken at the activation instead of the input: xs are the " +
            "sigmoid's inputs (pre-activations)",
          "Compute s = σ(x) first, then s(1 − s).",
        ),
      ],
      [
        s.map((v) => sigmoid.df(v)),
        mistake(
          "σ was applied twice: that is the derivative taken at σ(x), not at x",
          "Compute s = σ(x) once, then s(1 − s).",
          "sigmoidGrad:twice",
        ),
      ],
      [
        s,
        mistake(
          "that is σ(x) itself, not its derivative",
          "σ'(x) = σ(x)(1 − σ(x)).",
          "sigmoidGrad:value",
        ),
      ],
    ]);
}

function tanhMistakes(xs: number[]) {
  return (actual: unknown) =>
    matches(actual, [
      [
        xs.map((x) => 2 * sigmoid.f(x) - 1),
        mistake("the input of σ is not scaled", TANH, "tanhIn"),
      ],
      [
        xs.map((x) => sigmoid.f(2 * x) - 1),
        mistake("the output of σ is not scaled", TANH, "tanhOut"),
      ],
      [
        xs.map((x) => 2 * sigmoid.f(2 * x)),
        mistake(
          "every value is exactly 1 too large: the result is not shifted down",
          TANH,
          "tanhShift",
        ),
      ],
    ]);
}

function tanhGradMistakes(xs: number[]) {
  return (actual: unknown) =>
    matches(actual, [
      [
        xs.map((x) => 1 - x * x),
        mistake(
          "the derivative was taken at the activation instead of the input: xs are tanh's inputs",
          "Compute t = tanh(x) first, then 1 − t².",
        ),
      ],
      [xs.map((x) => 1 - tanh.f(x)), mistake("a square is missing", TANH_GRAD)],
      [
        xs.map((x) => 1 + tanh.f(x) ** 2),
        mistake("a sign is wrong: a + where a − belongs", TANH_GRAD),
      ],
    ]);
}

function softsignGradMistakes(xs: number[]) {
  return (actual: unknown) =>
    matches(actual, [
      [
        xs.map((x) => Math.sign(x) / (1 + Math.abs(x)) ** 2),
        mistake(
          "the slope is negative for x < 0: that is the formula in the source notes, which is " +
            "wrong, since softsign rises everywhere",
          "softsign'(x) = 1/(1 + |x|)² on both sides.",
        ),
      ],
      [
        xs.map((x) => 1 / (1 + Math.abs(x))),
        mistake("a square is missing", "softsign'(x) = 1/(1 + |x|)².", "softsignSquare"),
      ],
      [
        xs.map((x) => 1 / (1 + x) ** 2),
        mistake(
          "|x| became x: wrong for x < 0",
          "For x < 0 the derivative is 1/(1 − x)² = 1/(1 + |x|)².",
          "softsignGrad:abs",
        ),
      ],
    ]);
}

/** The kink's formula, the same for ReLU and leaky ReLU. */
const KINK = "1 where x > 0 (strict); everywhere else, x = 0 included, the negative side's slope.";

/** The kink mistakes of a (leaky) ReLU derivative `grad`, at the points `xs` (0 among them). */
function kinkMistakes(xs: number[], grad: (x: number) => number) {
  return (actual: unknown) =>
    matches(actual, [
      [
        xs.map((x) => (x >= 0 ? 1 : grad(x))),
        mistake(
          "at x = 0 you return 1; PyTorch takes the left branch there, the negative side's slope",
          KINK,
          "kink:one",
        ),
      ],
      [
        xs.map((x) => (x === 0 ? (1 + grad(-1)) / 2 : grad(x))),
        mistake(
          "at x = 0 you return the average of the two slopes; PyTorch takes the left one",
          KINK,
          "kink:average",
        ),
      ],
    ]);
}

function checks(): Check[] {
  const leaky = makeLeakyRelu({ negativeSlope: 0.1 });
  const leaky2 = makeLeakyRelu({ negativeSlope: 0.25 });
  const out: Check[] = [
    {
      name: "sigmoid: values on a wide range",
      points: 1,
      fn: "sigmoid",
      args: [WIDE],
      expected: on(sigmoid, WIDE),
      nudge: "The sigmoid squashes every input into (0, 1); each entry is computed on its own.",
      hint: "1 / (1 + Math.exp(−x)) for every x.",
    },
    {
      name: "sigmoidGrad: against the reference σ(x)(1 − σ(x))",
      points: 2,
      fn: "sigmoidGrad",
      args: [WIDE],
      expected: dOn(sigmoid, WIDE),
      diagnose: sigmoidGradMistakes(WIDE),
      nudge:
        "The inputs are the sigmoid's inputs x, not its outputs; the derivative can be written with σ(x) itself.",
      hint: "s = σ(x), then s·(1 − s). The xs are inputs of the sigmoid, not its outputs.",
    },
    {
      name: "sigmoidGrad: against a numerical derivative (central differences)",
      points: 1,
      fn: "sigmoidGrad",
      args: [SMOOTH],
      expected: numericalDerivative(sigmoid, SMOOTH),
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: sigmoidGradMistakes(SMOOTH),
      nudge: "Your derivative disagrees with the slope of σ measured by finite differences.",
      hint: "(σ(x + h) − σ(x − h)) / 2h should agree with your formula to about 1e-9.",
    },
    {
      name: "tanh via 2σ(2x) − 1",
      points: 2,
      fn: "tanh",
      args: [WIDE],
      expected: on(tanh, WIDE),
      diagnose: tanhMistakes(WIDE),
      nudge: "tanh is a sigmoid stretched along both axes and shifted to be centred on 0.",
      hint: "Both the input and the output of σ are scaled: 2·σ(2x) − 1.",
    },
    {
      name: "tanhGrad: against the reference 1 − tanh²(x)",
      points: 2,
      fn: "tanhGrad",
      args: [WIDE],
      expected: dOn(tanh, WIDE),
      diagnose: tanhGradMistakes(WIDE),
      nudge: "Like the sigmoid's, tanh's derivative can be written with tanh(x) itself.",
      hint: "t = tanh(x), then 1 − t².",
    },
    {
      name: "tanhGrad: against a numerical derivative",
      points: 1,
      fn: "tanhGrad",
      args: [SMOOTH],
      expected: numericalDerivative(tanh, SMOOTH),
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: tanhGradMistakes(SMOOTH),
      hidden: true,
      nudge: "Your tanhGrad disagrees with the slope of tanh measured by finite differences.",
      hint: "Your tanhGrad should match the slope of Math.tanh.",
    },
    {
      name: "softsign: values",
      points: 1,
      fn: "softsign",
      args: [WIDE],
      expected: on(softsign, WIDE),
      diagnose: (actual) =>
        matches(actual, [[
          WIDE.map((x) => x / (1 + x)),
          mistake("|x| became x: wrong for x < 0", "softsign(x) = x/(1 + |x|).", "softsign:abs"),
        ]]),
      nudge: "softsign divides x by something that grows with |x|, so its values stay in (−1, 1).",
      hint: "x / (1 + Math.abs(x)).",
    },
    {
      name: "softsignGrad: against the reference 1/(1 + |x|)²",
      points: 2,
      fn: "softsignGrad",
      args: [WIDE],
      expected: dOn(softsign, WIDE),
      diagnose: softsignGradMistakes(WIDE),
      nudge: "Treat x > 0 and x < 0 separately; the two halves give one expression in |x|.",
      hint: "Differentiate x/(1 + x) for x > 0 and x/(1 − x) for x < 0; both give 1/(1 + |x|)².",
    },
    {
      name: "softsignGrad: against a numerical derivative",
      points: 1,
      fn: "softsignGrad",
      args: [SMOOTH],
      expected: numericalDerivative(softsign, SMOOTH),
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: softsignGradMistakes(SMOOTH),
      nudge: "softsign rises everywhere, so its derivative is positive on both sides of 0.",
      hint: "A numerical derivative is positive on both sides of 0: softsign always rises.",
    },
    {
      name: "relu: values",
      points: 1,
      fn: "relu",
      args: [WIDE],
      expected: on(relu, WIDE),
      nudge: "ReLU lets positive inputs through and blocks the rest.",
      hint: "x if x > 0, else 0.",
    },
    {
      name: "reluGrad: away from the kink, against a numerical derivative",
      points: 1,
      fn: "reluGrad",
      args: [SMOOTH],
      expected: numericalDerivative(relu, SMOOTH),
      rtol: 1e-6,
      atol: 1e-9,
      nudge: "ReLU has two straight pieces: what is the slope of each?",
      hint: "1 where x > 0, 0 where x < 0.",
    },
    {
      name: "reluGrad: at the kink, ReLU'(0) = 0 as in PyTorch",
      points: 2,
      fn: "reluGrad",
      args: [[-1, 0, 1]],
      expected: [-1, 0, 1].map((x) => relu.df(x)),
      diagnose: kinkMistakes([-1, 0, 1], (x) => relu.df(x)),
      nudge: "At exactly x = 0 the course follows PyTorch's choice of slope.",
      hint: "Use x > 0 (strict): at exactly 0 the gradient is 0.",
    },
    {
      name: "leakyRelu: slope 0.1",
      points: 1,
      fn: "leakyRelu",
      args: [WIDE, 0.1],
      expected: on(leaky, WIDE),
      diagnose: (actual) =>
        matches(actual, [[
          on(relu, WIDE),
          mistake(
            "negative inputs give 0, as in ReLU: the leak is missing",
            "x if x > 0, else slope·x.",
            "leaky:zero",
          ),
        ]]),
      nudge: "Leaky ReLU lets negative inputs through too, scaled down by the slope argument.",
      hint: "x if x > 0, else slope·x.",
    },
    {
      name: "leakyReluGrad: slope 0.1, against a numerical derivative away from 0",
      points: 1,
      fn: "leakyReluGrad",
      args: [SMOOTH, 0.1],
      expected: numericalDerivative(leaky, SMOOTH),
      rtol: 1e-6,
      atol: 1e-9,
      diagnose: (actual) =>
        matches(actual, [[
          dOn(relu, SMOOTH),
          mistake(
            "for x < 0 the derivative is 0, as ReLU's: the leak is missing",
            "1 where x > 0, slope where x < 0.",
            "leakyGrad:zero",
          ),
        ]]),
      nudge: "Two straight pieces again: what is the slope of each?",
      hint: "1 where x > 0, slope where x < 0.",
    },
    {
      name: "leakyReluGrad: at the kink, PyTorch uses the slope at x = 0",
      points: 2,
      fn: "leakyReluGrad",
      args: [[-1, 0, 1], 0.25],
      expected: [-1, 0, 1].map((x) => leaky2.df(x)),
      diagnose: kinkMistakes([-1, 0, 1], (x) => leaky2.df(x)),
      nudge: "At exactly x = 0 PyTorch uses the slope of the left piece.",
      hint: "Use x > 0 for the slope 1 and `slope` otherwise, including at 0.",
    },
    {
      name: "leakyReluGrad: slope 0.25 on a wide range",
      points: 1,
      fn: "leakyReluGrad",
      args: [WIDE, 0.25],
      expected: dOn(leaky2, WIDE),
      // WIDE holds 0: the kink's mistakes show here too (not as a shift by one position)
      diagnose: kinkMistakes(WIDE, (x) => leaky2.df(x)),
      hidden: true,
      nudge: "Nothing may assume a particular slope.",
      hint: "Use the slope argument, not a fixed 0.01.",
    },
  ];
  return out;
}

export const activationsExercise: Exercise = {
  name: "activations",
  title: "Activation functions and their derivatives",
  notebook: "02_activations.ipynb",
  checks,
};
