/**
 * Graded checks for exercises/lstm.ts (lstmCellForward, lstmCellBackward, run together by the
 * exercise's `lstmCellStep`). Reference values come from lib/nn/layers/rnn.ts (matched to
 * PyTorch's LSTMCell) and from numerical gradients of that reference, computed in the grader's
 * process.
 *
 * Known mistakes are recognised by recomputing the step with the mistake switched on
 * ({@link lstmVariant}) and comparing: gates read in another framework's order, a sigmoid and a
 * tanh swapped, one bias left out, and the usual slips in the backward pass along the cell state.
 */

import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradient } from "../../lib/check/gradcheck.ts";
import { type CellParams, lstmCellBackward, lstmCellForward } from "../../lib/nn/layers/rnn.ts";
import type { Check, Diagnosis, Exercise } from "../../grader/types.ts";
import { matches, mistake } from "./diagnose.ts";

/** One graded problem: the inputs of `lstmCellStep`. */
export interface Problem {
  x: Matrix;
  h: Matrix;
  c: Matrix;
  p: CellParams;
  dout: Matrix;
  dc: Matrix;
}

/** A random problem with batch B, input size I and hidden size H. */
export function problem(seed: number, [B, I, H]: [number, number, number]): Problem {
  const rng = new Random(seed);
  return {
    x: rng.randn(B, I),
    h: rng.randn(B, H),
    c: rng.randn(B, H),
    p: {
      wIh: rng.randn(4 * H, I, 0.6),
      wHh: rng.randn(4 * H, H, 0.6),
      bIh: rng.randn(1, 4 * H, 0.5),
      bHh: rng.randn(1, 4 * H, 0.5),
    },
    dout: rng.randn(B, H),
    dc: rng.randn(B, H),
  };
}

/** The fields `lstmCellStep` returns, forward first, then the backward in the order it runs. */
export const FIELDS = ["c", "out", "dcPrev", "dhPrev", "dx", "dwIh", "dwHh", "dbIh", "dbHh"];
type Step = Record<string, Matrix>;

/** The reference step (lib/, PyTorch's LSTMCell). */
export function reference(q: Problem): Step {
  const f = lstmCellForward(q.x, q.h, q.c, q.p);
  const b = lstmCellBackward(q.dout, q.dc, f.cache);
  return { out: f.out, c: f.c, ...b };
}

type Gate = "i" | "f" | "g" | "o";

/** The mistakes {@link lstmVariant} can make, each off by default. */
export interface Mistakes {
  /** The order in which the four row blocks are read, e.g. "ifog" (default "ifgo"). */
  order?: string;
  /** A gate given the other squashing function: tanh on i, f or o, or σ on g. */
  swapped?: Gate;
  /** Only this one of the two biases added (the other ignored, its gradient left at zero). */
  oneBias?: "bIh" | "bHh";
  /** Backward: the incoming dc (from later steps) not added to the cell state's gradient. */
  dropDc?: boolean;
  /** Backward: the path from h' = o ⊙ tanh(c') into c' left out. */
  dropOutputPath?: boolean;
  /** Backward: dcPrev = dc' (the factor f forgotten). */
  dcPrevWithoutF?: boolean;
  /** Backward: tanh' taken as 1 on the way from h' to c' (the derivative of tanh(c') left out). */
  noTanhDerivative?: boolean;
}

/** An LSTM step written out in loops, with any of the {@link Mistakes} switched on. */
export function lstmVariant(q: Problem, m: Mistakes = {}): Step {
  const { x, h, c, p, dout, dc } = q;
  const B = x.rows, I = x.cols, H = h.cols;
  const order = m.order ?? "ifgo";
  const blockOf = (gate: Gate) => order.indexOf(gate);
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  const squash = (gate: Gate) => (gate === "g") !== (m.swapped === gate) ? Math.tanh : sig;
  const slope = (gate: Gate, y: number) => squash(gate) === Math.tanh ? 1 - y * y : y * (1 - y);
  const useIh = m.oneBias !== "bHh", useHh = m.oneBias !== "bIh";
  const val: Record<Gate, Matrix> = {
    i: new Matrix(B, H),
    f: new Matrix(B, H),
    g: new Matrix(B, H),
    o: new Matrix(B, H),
  };
  const cNext = new Matrix(B, H), tc = new Matrix(B, H), out = new Matrix(B, H);
  for (let n = 0; n < B; n++) {
    for (let j = 0; j < H; j++) {
      for (const gate of ["i", "f", "g", "o"] as Gate[]) {
        const r = blockOf(gate) * H + j;
        let s = (useIh ? p.bIh.data[r] : 0) + (useHh ? p.bHh.data[r] : 0);
        for (let k = 0; k < I; k++) s += p.wIh.get(r, k) * x.get(n, k);
        for (let k = 0; k < H; k++) s += p.wHh.get(r, k) * h.get(n, k);
        val[gate].set(n, j, squash(gate)(s));
      }
      cNext.set(n, j, val.f.get(n, j) * c.get(n, j) + val.i.get(n, j) * val.g.get(n, j));
      tc.set(n, j, Math.tanh(cNext.get(n, j)));
      out.set(n, j, val.o.get(n, j) * tc.get(n, j));
    }
  }
  const da = new Matrix(B, 4 * H), dcPrev = new Matrix(B, H);
  for (let n = 0; n < B; n++) {
    for (let j = 0; j < H; j++) {
      const [i, f, g, o] = (["i", "f", "g", "o"] as Gate[]).map((k) => val[k].get(n, j));
      const t = tc.get(n, j);
      const fromOut = m.dropOutputPath
        ? 0
        : dout.get(n, j) * o * (m.noTanhDerivative ? 1 : 1 - t * t);
      const dct = (m.dropDc ? 0 : dc.get(n, j)) + fromOut;
      const set = (gate: Gate, d: number) =>
        da.set(n, blockOf(gate) * H + j, d * slope(gate, val[gate].get(n, j)));
      set("i", dct * g);
      set("f", dct * c.get(n, j));
      set("g", dct * i);
      set("o", dout.get(n, j) * t);
      dcPrev.set(n, j, m.dcPrevWithoutF ? dct : dct * f);
    }
  }
  const dx = new Matrix(B, I), dhPrev = new Matrix(B, H);
  const dwIh = new Matrix(4 * H, I), dwHh = new Matrix(4 * H, H), db = new Matrix(1, 4 * H);
  for (let n = 0; n < B; n++) {
    for (let r = 0; r < 4 * H; r++) {
      const d = da.get(n, r);
      db.data[r] += d;
      for (let k = 0; k < I; k++) {
        dx.data[n * I + k] += d * p.wIh.get(r, k);
        dwIh.data[r * I + k] += d * x.get(n, k);
      }
      for (let k = 0; k < H; k++) {
        dhPrev.data[n * H + k] += d * p.wHh.get(r, k);
        dwHh.data[r * H + k] += d * h.get(n, k);
      }
    }
  }
  return {
    out,
    c: cNext,
    dcPrev,
    dhPrev,
    dx,
    dwIh,
    dwHh,
    dbIh: useIh ? db : new Matrix(1, 4 * H),
    dbHh: useHh ? db.clone() : new Matrix(1, 4 * H),
  };
}

/**
 * The known mistakes, each in two tiers: what is wrong (at once) and the formula-level fix
 * (once the check's hint unlocks); the unit test matches on these.
 */
export const MISTAKE = {
  order: (o: string) =>
    mistake(
      `the gate blocks are read in the order ${o.split("").join(", ")}, not PyTorch's${
        o === "ifog" ? " (CS231n's assignment uses i, f, o, g)" : ""
      }${o === "igfo" ? " (TensorFlow 1's BasicLSTMCell uses i, j(=g), f, o)" : ""}`,
      "PyTorch stacks the gate blocks as i, f, g, o (input, forget, candidate, output): rows " +
        "0 … H−1 of the weights are i, H … 2H−1 are f, 2H … 3H−1 are g, 3H … 4H−1 are o.",
      `order:${o}`,
    ),
  swapped: (g: Gate) =>
    g === "g"
      ? mistake(
        "the candidate g is squashed with a sigmoid: it must be able to be negative, so that " +
          "the cell can also decrease",
        "g = tanh(a_g); only the gates i, f, o use the sigmoid.",
        "swapped:g",
      )
      : mistake(
        `the ${
          { i: "input", f: "forget", o: "output" }[g]
        } gate ${g} uses tanh: gates must lie in (0, 1) to act as soft switches`,
        `${g} = σ(a_${g}); only the candidate g uses tanh.`,
        `swapped:${g}`,
      ),
  oneBias: (b: "bIh" | "bHh") =>
    mistake(
      `only ${b === "bIh" ? "b_ih" : "b_hh"} is added: PyTorch's LSTMCell adds both biases`,
      "a = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh; each bias gets the same gradient, da summed over " +
        "the batch.",
      `oneBias:${b}`,
    ),
  dropDc: () =>
    mistake(
      "the cell state's gradient leaves out dc, what later steps send back along c'",
      "The cell state's total gradient is dc + dout ⊙ o ⊙ tanh'(c').",
      "dropDc",
    ),
  dropOutputPath: () =>
    mistake(
      "the cell state's gradient leaves out the path through the output h'",
      "h' = o ⊙ tanh(c'): add dout ⊙ o ⊙ (1 − tanh²(c')) to dc.",
      "dropOutputPath",
    ),
  dcPrevWithoutF: () =>
    mistake(
      "dcPrev is the cell state's gradient without the forget gate's factor",
      "c' = f ⊙ c + i ⊙ g, so ∂c'/∂c = f: dcPrev is the cell state's total gradient ⊙ f.",
      "dcPrevWithoutF",
    ),
  noTanhDerivative: () =>
    mistake(
      "the share of dout that reaches c' misses the derivative of tanh",
      "tanh'(c') = 1 − tanh²(c'): the share is dout ⊙ o ⊙ (1 − tanh²(c')).",
      "noTanhDerivative",
    ),
};

/** Every known mistake with its message (forward mistakes first). */
function known(): [Mistakes, Diagnosis][] {
  return [
    [{ order: "ifog" }, MISTAKE.order("ifog")],
    [{ order: "igfo" }, MISTAKE.order("igfo")],
    [{ order: "fiog" }, MISTAKE.order("fiog")],
    ...(["i", "f", "o", "g"] as Gate[]).map((g): [Mistakes, Diagnosis] => [
      { swapped: g },
      MISTAKE.swapped(g),
    ]),
    [{ oneBias: "bIh" }, MISTAKE.oneBias("bIh")],
    [{ oneBias: "bHh" }, MISTAKE.oneBias("bHh")],
    [{ dropDc: true }, MISTAKE.dropDc()],
    [{ dropOutputPath: true }, MISTAKE.dropOutputPath()],
    [{ dcPrevWithoutF: true }, MISTAKE.dcPrevWithoutF()],
    [{ noTanhDerivative: true }, MISTAKE.noTanhDerivative()],
  ];
}

/**
 * A `diagnose` for a check on `fields`: names the known mistake whose step gives the same
 * values in those fields, if one does.
 */
export function diagnoseFields(q: Problem, fields: readonly string[]) {
  const variants = known().map(([m, msg]) =>
    [pick(lstmVariant(q, m), fields), msg] as [unknown, Diagnosis]
  );
  return (actual: unknown) => {
    const got = (actual ?? {}) as Record<string, unknown>;
    return matches(Object.fromEntries(fields.map((f) => [f, got[f]])), variants);
  };
}

function pick(step: Step, fields: readonly string[]): Step {
  return Object.fromEntries(fields.map((f) => [f, step[f]]));
}

/** The numerical gradient of `Σ h'⊙dout + Σ c'⊙dc` with respect to each input and parameter. */
function numericGradients(q: Problem): Step {
  const p = {
    wIh: q.p.wIh.clone(),
    wHh: q.p.wHh.clone(),
    bIh: q.p.bIh.clone(),
    bHh: q.p.bHh.clone(),
  };
  const x = q.x.clone(), h = q.h.clone(), c = q.c.clone();
  const loss = () => {
    const r = lstmCellForward(x, h, c, p);
    let s = 0;
    for (let k = 0; k < r.out.data.length; k++) {
      s += r.out.data[k] * q.dout.data[k] + r.c.data[k] * q.dc.data[k];
    }
    return s;
  };
  return {
    dx: numericalGradient(loss, x),
    dhPrev: numericalGradient(loss, h),
    dcPrev: numericalGradient(loss, c),
    dwIh: numericalGradient(loss, p.wIh),
    dwHh: numericalGradient(loss, p.wHh),
    dbIh: numericalGradient(loss, p.bIh),
    dbHh: numericalGradient(loss, p.bHh),
  };
}

const args = (q: Problem) => [q.x, q.h, q.c, q.p, q.dout, q.dc];

const HINTS = {
  c: "c' = f ⊙ c + i ⊙ g with the blocks of a = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh taken in " +
    "PyTorch's order; which of the four is squashed differently from the others?",
  out:
    "h' = o ⊙ tanh(c'); if c' is right and h' is not, look at the output gate's block and squashing.",
  dcPrev: "Two gradients meet at c': the dc handed to you and what comes back from h'. Then how " +
    "does c' depend on c?",
  dhPrevDx: "Once you have ∂L/∂a for all four blocks (B×4H), h and x receive it through W_hh and " +
    "W_ih, the way a linear layer's input does.",
  weights:
    "Each weight gradient is (∂L/∂a)ᵀ times the layer's input (x for W_ih, h for W_hh): 4H×I and 4H×H.",
  biases: "Both biases are added to the same pre-activation a, so they get the same gradient: " +
    "∂L/∂a summed over the batch.",
  numeric: "The numbers come from (L(θ + h) − L(θ − h)) / 2h with L = Σ h'⊙dout + Σ c'⊙dc; the " +
    "message names the first gradient that disagrees.",
};

/** Every check of the exercise; exported for the unit test of the diagnoses. */
export function checks(): Check[] {
  const main = problem(1, [3, 4, 5]);
  const ref = reference(main);
  const check = (
    name: string,
    nudge: string,
    points: number,
    fields: string[],
    hint: string,
    q = main,
    r = ref,
    hidden = false,
  ): Check => ({
    name: `lstm: ${name}`,
    nudge,
    points,
    fn: "lstmCellStep",
    args: args(q),
    expected: pick(r, fields),
    diagnose: diagnoseFields(q, fields),
    hint,
    hidden,
  });
  const onlyC = { ...main, dout: new Matrix(3, 5) };
  const other = problem(2, [2, 3, 6]);
  const one = problem(3, [1, 2, 3]);
  return [
    check(
      "forward, the new cell state c' (B=3, I=4, H=5)",
      "Check the order of the four gate blocks in the pre-activation (PyTorch's order) and which of the four is squashed differently from the others.",
      2,
      ["c"],
      HINTS.c,
    ),
    check(
      "forward, the new hidden state h'",
      "If c' is right and h' is not, look at the output gate's block and how the new cell state is squashed.",
      2,
      ["out"],
      HINTS.out,
    ),
    check(
      "backward, dcPrev along the cell state",
      "Two gradients meet at the new cell state: the one handed to you and the one coming back from h'. Then look at how it depends on the old one.",
      2,
      ["dcPrev"],
      HINTS.dcPrev,
    ),
    check(
      "backward, dhPrev and dx",
      "Once you have the gradient of all four gate blocks, h and x receive it through their weight matrices, as a linear layer's input does.",
      2,
      ["dhPrev", "dx"],
      HINTS.dhPrevDx,
    ),
    check(
      "backward, dwIh and dwHh",
      "Each weight gradient pairs the gates' gradient with that layer's input (x for the input weights, h for the hidden ones); compare the shapes.",
      2,
      ["dwIh", "dwHh"],
      HINTS.weights,
    ),
    check(
      "backward, dbIh and dbHh (two biases, one gradient)",
      "Both biases are added to the same pre-activation, so they get the same gradient, collected over the batch.",
      1,
      ["dbIh", "dbHh"],
      HINTS.biases,
    ),
    {
      name: "lstm: every gradient agrees with a numerical gradient",
      nudge:
        "The message names the first gradient that disagrees with the numerical one: start there.",
      points: 2,
      fn: "lstmCellStep",
      args: args(main),
      expected: numericGradients(main),
      rtol: 1e-6,
      atol: 1e-8,
      diagnose: diagnoseFields(main, FIELDS.slice(2)),
      hint: HINTS.numeric,
    },
    check(
      "backward with dout = 0: only the cell state's own path",
      "With no gradient on h', the cell state's own gradient must still reach every gate that feeds it, and the old cell state through the forget gate.",
      1,
      FIELDS.slice(2),
      "With dout = 0 the only gradient is the dc handed to you: it must still reach every gate " +
        "that feeds c', and c itself through f.",
      onlyC,
      reference(onlyC),
    ),
    check(
      "a batch of one (B=1, I=2, H=3), forward and backward",
      "With a batch of one every matrix keeps its batch dimension.",
      1,
      FIELDS,
      "With B = 1 every matrix keeps its batch dimension: x is 1×I, dbIh is 1×4H.",
      one,
      reference(one),
    ),
    check(
      "another seed and shape (B=2, I=3, H=6), forward and backward",
      "Nothing may depend on the sizes of the visible checks: read B, I and H from the shapes.",
      2,
      FIELDS,
      "B and I from x (B×I), H from hPrev (B×H); W_ih is 4H×I, W_hh is 4H×H, the gates are blocks of H columns of a.",
      other,
      reference(other),
      true,
    ),
  ];
}

export const lstmExercise: Exercise = {
  name: "lstm",
  title: "One LSTM step, forward and backward",
  notebook: "27_lstm_gru.ipynb",
  checks,
};
