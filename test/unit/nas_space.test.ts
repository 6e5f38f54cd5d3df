/**
 * lib/nas: the cell space and its map to lib/search's spaces, the ops, the cell network's
 * gradients (numerical), regularized evolution (against random search on a table of known
 * values), and a real architecture evaluation through fit.
 */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { softmaxCrossEntropy } from "../../lib/nn/losses.ts";
import { sample, validateConfig } from "../../lib/search/space.ts";
import { optimize } from "../../lib/search/trial.ts";
import { randomSampler } from "../../lib/search/random.ts";
import { NAS_OPS, opNamed, OPS } from "../../lib/nas/ops.ts";
import {
  allArchitectures,
  architectureOf,
  cellSearchSpace,
  cellSpace,
  configOf,
  describe as describeArch,
  spaceSize,
} from "../../lib/nas/space.ts";
import { cellModel } from "../../lib/nas/cell.ts";
import { mutateChoice, regularizedEvolution } from "../../lib/nas/evolution.ts";
import { evaluateArchitecture } from "../../lib/nas/evaluate.ts";
import { spirals } from "../../lib/data/synthetic.ts";
import { trainValSplit } from "../../lib/data/split.ts";

describe("cell space", () => {
  it("has K(K+1)/2 edges, ops^edges architectures, all enumerated once", () => {
    const cell = cellSpace({ nodes: 3 });
    expect(cell.edges).toEqual([[0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3]]);
    expect(spaceSize(cell)).toBe(5 ** 6);
    const small = cellSpace({ nodes: 2, ops: ["none", "skip", "relu"] });
    const all = allArchitectures(small);
    expect(all.length).toBe(27);
    expect(new Set(all.map((a) => a.join())).size).toBe(27);
  });

  it("maps architectures to lib/search configurations and back", () => {
    const cell = cellSpace(), sp = cellSearchSpace(cell);
    expect(sp.names).toEqual(["0→1", "0→2", "1→2"]);
    const cfg = configOf(cell, [3, 1, 0]);
    expect(cfg).toEqual({ "0→1": "relu", "0→2": "skip", "1→2": "none" });
    validateConfig(sp, cfg);
    expect(architectureOf(cell, cfg)).toEqual([3, 1, 0]);
    expect(describeArch(cell, [3, 1, 0])).toBe("0→1 relu, 0→2 skip, 1→2 none");
    const drawn = sample(sp, new Random(1));
    expect(configOf(cell, architectureOf(cell, drawn))).toEqual(drawn);
  });

  it("refuses bad cells and architectures with messages naming the problem", () => {
    expect(() => cellSpace({ nodes: 0 })).toThrow(/nodes must be a whole number/);
    expect(() => cellSpace({ ops: ["relu", "relu"] })).toThrow(/distinct/);
    // deno-lint-ignore no-explicit-any
    expect(() => cellSpace({ ops: ["relu", "conv"] as any })).toThrow(/unknown operation "conv"/);
    const cell = cellSpace();
    expect(() => configOf(cell, [0, 1])).toThrow(/needs 3 operation indices/);
    expect(() => configOf(cell, [0, 1, 5])).toThrow(/edge 1→2 needs an index in \[0, 4\]/);
    expect(() => architectureOf(cell, { "0→1": "relu", "0→2": "skip" })).toThrow(/edge 1→2/);
    expect(() => opNamed("sep_conv")).toThrow(/known: none, skip/);
  });
});

describe("operations", () => {
  it("none is zero, skip the identity, relu a linear layer then ReLU", () => {
    const rng = new Random(0), x = rng.randn(4, 3);
    expect(OPS.none.forward(x, []).out.data.every((v) => v === 0)).toBe(true);
    expect(OPS.skip.forward(x, []).out).toBe(x);
    const [w, b] = OPS.relu.init(3, rng);
    b.data.set([0.1, -0.2, 0.3]);
    const out = OPS.relu.forward(x, [w, b]).out;
    for (let n = 0; n < 4; n++) {
      for (let i = 0; i < 3; i++) {
        let z = b.data[i];
        for (let j = 0; j < 3; j++) z += w.get(i, j) * x.get(n, j);
        expect(out.get(n, i)).toBeCloseTo(Math.max(0, z), 12);
      }
    }
  });

  it("every parametric op's backward matches numerical gradients", () => {
    for (const name of NAS_OPS) {
      const rng = new Random(3), op = OPS[name], x = rng.randn(5, 4), dout = rng.randn(5, 4);
      const params = op.init(4, rng);
      params.forEach((p) => p.data.set(rng.randn(p.rows, p.cols).data));
      const f = () => {
        const o = op.forward(x, params).out;
        return o.data.reduce((s, v, k) => s + v * dout.data[k], 0);
      };
      const r = op.backward(dout, op.forward(x, params).cache);
      expect(relError(r.dx, numericalGradient(f, x)), name).toBeLessThan(1e-7);
      r.grads.forEach((g, i) =>
        expect(relError(g, numericalGradient(f, params[i])), `${name} param ${i}`).toBeLessThan(
          1e-7,
        )
      );
    }
  });
});

describe("cell network", () => {
  it("backward matches numerical gradients of the loss for every parameter", () => {
    const cell = cellSpace({ nodes: 3 });
    const rng = new Random(2), x = rng.randn(6, 5), y = [0, 1, 2, 0, 1, 2];
    const model = cellModel(cell, [3, 4, 1, 2, 0, 3], { inputs: 5, width: 4, classes: 3 });
    // non-zero biases: a zero bias on a zero row would sit exactly on ReLU's kink
    model.params.forEach((p) => p.data.set(rng.randn(p.rows, p.cols, 0.5).data));
    const loss = () => softmaxCrossEntropy(model.forward(x, "train").out, y).loss;
    const { out, cache } = model.forward(x, "train");
    const grads = model.backward(softmaxCrossEntropy(out, y).grad, cache);
    expect(grads.length).toBe(model.params.length);
    // stem 2 + relu 2 + tanh 2 + linear 2 + relu 2 + head 2 (skip and none have none)
    expect(model.params.length).toBe(12);
    model.params.forEach((p, i) => {
      expect(relError(grads[i], numericalGradient(loss, p)), `param ${i}`).toBeLessThan(1e-6);
    });
  });

  it("an all-none cell cuts the input off: the scores do not depend on x", () => {
    const cell = cellSpace();
    const model = cellModel(cell, [0, 0, 0], { inputs: 3, width: 4, classes: 2 });
    const a = model.forward(new Random(0).randn(2, 3), "eval").out;
    const b = model.forward(new Random(1).randn(2, 3), "eval").out;
    expect(a.data).toEqual(b.data);
  });

  it("evaluateArchitecture trains through fit and returns lib/search's { value, cost, curve }", async () => {
    const data = spirals({ perClass: 60, seed: 0 });
    const parts = trainValSplit(data, { valSize: 60, seed: 0 });
    const cell = cellSpace();
    const good = await evaluateArchitecture(cell, [3, 3, 3], parts, { epochs: 30, lr: 0.02 });
    const cut = await evaluateArchitecture(cell, [0, 0, 0], parts, { epochs: 30, lr: 0.02 });
    expect(good.cost).toBe(30);
    expect(good.curve.length).toBe(30);
    expect(good.value).toBeCloseTo(1 - good.accuracy, 12);
    expect(good.curve.at(-1)).toBeCloseTo(good.value, 12);
    expect(good.accuracy).toBeGreaterThan(0.75); // three spirals, chance 1/3
    expect(cut.accuracy).toBeLessThan(0.45); // no path from input to output
    expect(good.seconds).toBeGreaterThan(0);
  });
});

describe("regularized evolution", () => {
  it("mutates exactly one parameter to a different choice", () => {
    const cell = cellSpace({ nodes: 3 }), sp = cellSearchSpace(cell), rng = new Random(0);
    let cfg = sample(sp, rng);
    for (let t = 0; t < 200; t++) {
      const child = mutateChoice(sp, cfg, rng);
      validateConfig(sp, child);
      expect(sp.names.filter((n) => child[n] !== cfg[n]).length).toBe(1);
      cfg = child;
    }
  });

  it("starts random, then keeps only the last P members (the oldest dies)", () => {
    const sp = cellSearchSpace(cellSpace()),
      evo = regularizedEvolution({ population: 4, sample: 2 });
    const study = optimize(sp, evo, (c) => architectureOf(cellSpace(), c)[0], {
      nTrials: 10,
      seed: 0,
    });
    expect(evo.members.map((t) => t.id)).toEqual([6, 7, 8, 9]);
    expect(study.trials.length).toBe(10);
    expect(() => regularizedEvolution({ population: 3, sample: 4 })).toThrow(/cannot exceed/);
  });

  it("finds the best of 15,625 cells sooner than random search on a smooth table", () => {
    // A known landscape: the value is the number of edges that differ from a hidden target,
    // plus a small per-architecture offset, so the optimum is unique.
    const cell = cellSpace({ nodes: 3 }), sp = cellSearchSpace(cell);
    const target = [3, 1, 4, 2, 3, 1];
    const objective = (c: Record<string, unknown>) => {
      const a = architectureOf(cell, c as Record<string, string>);
      return a.reduce((s, k, e) => s + (k === target[e] ? 0 : 1), 0);
    };
    const runs = (make: () => Parameters<typeof optimize>[1]) =>
      Array.from(
        { length: 9 },
        (_, seed) => optimize(sp, make(), objective, { nTrials: 300, seed }).incumbent,
      );
    const evo = runs(() => regularizedEvolution({ population: 20, sample: 5 }));
    const rnd = runs(() => randomSampler());
    const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[4];
    // evolution reaches the optimum (0) in every run within 300; random, 300 of 15,625, does not
    expect(evo.every((inc) => inc.at(-1) === 0)).toBe(true);
    expect(median(rnd.map((inc) => inc.at(-1)!))).toBeGreaterThanOrEqual(2);
    expect(median(evo.map((inc) => inc[149]))).toBeLessThan(median(rnd.map((inc) => inc[149])));
  });
});

describe("matrix shapes", () => {
  it("cellModel refuses a wrong input width with linearForward's message", () => {
    const model = cellModel(cellSpace(), [1, 1, 1], { inputs: 3 });
    expect(() => model.forward(new Matrix(2, 4), "eval")).toThrow(/linearForward/);
  });
});
