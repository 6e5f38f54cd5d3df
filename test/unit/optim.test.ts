import { describe, expect, it } from "vitest";
import { Matrix, NonFiniteError, ShapeError } from "../../lib/core/matrix.ts";
import {
  adagrad,
  adam,
  adamw,
  amsgrad,
  nadam,
  nadamMomentum,
  type Optimizer,
  rmsprop,
  sgd,
  textbookMomentum,
} from "../../lib/optim/optimizers.ts";
import { rosenbrock } from "../../lib/optim/test_functions.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/optim.json" with { type: "json" };

// deno-lint-ignore no-explicit-any
const factories: Record<string, (o: any) => Optimizer> = {
  sgd,
  adagrad,
  rmsprop,
  adam,
  amsgrad,
  adamw,
  nadam,
};
const lrFixed = ref.fixed.lr as Record<string, number>;

function build(id: string, lr: number): Optimizer {
  const c = ref.configs.find((c) => c.id === id)!;
  return factories[c.factory]({ ...c.options, lr });
}

/** The gradient of Rosenbrock's f = (1 − x)² + 100·(y − x²)² at p = [x, y], as a 1×2 Matrix. */
const rosenbrockGrad = (p: Matrix) => new Matrix(1, 2, rosenbrock.grad(p.data));

describe("optimisers match torch.optim (PyTorch 1.13, NAdam with 2.0 semantics)", () => {
  it.each(ref.configs.map((c) => [c.id, c] as const))(
    "%s: 20 steps over a fixed gradient sequence",
    (id, c) => {
      const w = new Matrix(2, 3, ref.fixed.w0), b = new Matrix(1, 3, ref.fixed.b0);
      const opt = build(id, lrFixed[c.factory]);
      ref.fixed.grads.forEach(([gw, gb], t) => {
        opt.step([w, b], [new Matrix(2, 3, gw), new Matrix(1, 3, gb)]);
        expectClose([w, b], c.fixed[t]);
      });
    },
  );

  it.each(ref.configs.map((c) => [c.id, c] as const))(
    "%s: 200 steps on Rosenbrock (rtol 1e-8)",
    (id, c) => {
      const p = new Matrix(1, 2, ref.rosenbrock.start);
      const opt = build(id, c.rosenbrockLr);
      const path = [Array.from(p.data)];
      for (let t = 1; t <= ref.rosenbrock.steps; t++) {
        opt.step([p], [rosenbrockGrad(p)]);
        if (t % ref.rosenbrock.every === 0) path.push(Array.from(p.data));
      }
      expectClose(path, c.rosenbrock, 1e-8, 1e-10);
    },
  );
});

describe("state under PyTorch's names, every optimiser counting its steps", () => {
  const keys = (o: Optimizer, p: Matrix) => Object.keys(o.stateOf(p) ?? {}).sort();
  const twoSteps = (o: Optimizer) => {
    const p = Matrix.from([[1, -2]]);
    o.step([p], [Matrix.from([[0.5, 0.25]])]);
    o.step([p], [Matrix.from([[-0.5, 1]])]);
    expect((o.stateOf(p) as { step: number }).step).toBe(2);
    return keys(o, p);
  };
  it.each(
    [
      ["sgd", () => sgd({ lr: 0.1 }), ["step"]],
      ["sgd momentum", () => sgd({ lr: 0.1, momentum: 0.9 }), ["momentumBuffer", "step"]],
      ["textbookMomentum", () => textbookMomentum({ lr: 0.1, momentum: 0.9, form: "ema" }), [
        "step",
        "velocity",
      ]],
      ["adagrad", () => adagrad(), ["step", "sum"]],
      ["rmsprop", () => rmsprop(), ["squareAvg", "step"]],
      ["rmsprop centered, momentum", () => rmsprop({ centered: true, momentum: 0.5 }), [
        "gradAvg",
        "momentumBuffer",
        "squareAvg",
        "step",
      ]],
      ["adam", () => adam(), ["expAvg", "expAvgSq", "step"]],
      ["amsgrad", () => amsgrad(), ["expAvg", "expAvgSq", "maxExpAvgSq", "step"]],
      ["adamw", () => adamw(), ["expAvg", "expAvgSq", "step"]],
      ["nadam", () => nadam(), ["expAvg", "expAvgSq", "muProduct", "step"]],
    ] as const,
  )("%s", (_name, make, expected) => {
    expect(twoSteps(make())).toEqual(expected);
  });

  it("momentum (β₁ for the Adam family) can be changed between steps; others refuse", () => {
    const o = sgd({ lr: 0.1, momentum: 0.9 });
    o.momentum = 0.5;
    expect(o.momentum).toBe(0.5);
    expect(() => (o.momentum = 1)).toThrow("sgd: momentum must be in [0, 1), got 1");
    const a = adam();
    expect(a.momentum).toBe(0.9);
    a.momentum = 0.85;
    expect(a.momentum).toBe(0.85);
    expect(adagrad().momentum).toBeUndefined();
    expect(() => (adagrad().momentum = 0.5)).toThrow("adagrad: has no momentum to set");
  });

  it("a changed momentum takes effect at the next step, as PyTorch's param_groups", () => {
    const p = Matrix.from([[0]]), q = Matrix.from([[0]]), g = Matrix.from([[1]]);
    const a = sgd({ lr: 1, momentum: 0.9 }), b = sgd({ lr: 1, momentum: 0.9 });
    a.step([p], [g]);
    b.step([q], [g]);
    a.momentum = 0.5;
    a.step([p], [g]);
    b.step([q], [g]);
    expect(p.data[0]).toBe(-1 - (0.5 * 1 + 1)); // buffer 1 → 0.5·1 + 1
    expect(q.data[0]).toBe(-1 - (0.9 * 1 + 1));
  });
});

describe("behaviour", () => {
  it("keeps state per parameter and leaves gradients alone", () => {
    const g1 = Matrix.from([[0.5, -1]]), g2 = Matrix.from([[2, 0.1]]);
    const a = Matrix.from([[1, 2]]), b = Matrix.from([[3, 4]]);
    const a2 = a.clone(), b2 = b.clone();
    const together = adam({ lr: 0.1 }), apart = adam({ lr: 0.1 });
    for (let t = 0; t < 3; t++) {
      together.step([a, b], [g1, g2]);
      apart.step([a2], [g1]);
      apart.step([b2], [g2]);
    }
    expect(a2.data).toEqual(a.data);
    expect(b2.data).toEqual(b.data);
    expect(Array.from(g1.data)).toEqual([0.5, -1]);
    expect(together.stateOf(a)?.step).toBe(3);
  });

  it("Adam's first step has size ≈ lr whatever the gradient's scale (bias correction)", () => {
    // Erratum 2: without m̂ and v̂ the first step would be lr·(1−β₁)/√(1−β₂)·sign(g) ≈ 3.16·lr.
    for (const scale of [1e-3, 1, 1e3]) {
      const p = Matrix.from([[0, 0]]);
      adam({ lr: 0.01 }).step([p], [Matrix.from([[scale, -scale]])]);
      expectClose(p, [[-0.01, 0.01]], 1e-4);
    }
  });

  it("AdamW decays decoupled from the moments; Adam's L2 goes through them", () => {
    const g = Matrix.from([[0.3, -2]]);
    const p = Matrix.from([[1, -1]]), q = p.clone(), r = p.clone();
    adamw({ lr: 0.1, weightDecay: 0.5 }).step([p], [g]);
    adam({ lr: 0.1 }).step([q], [g]);
    // AdamW = shrink by (1 − lr·λ), then plain Adam on the raw gradient
    // (the first Adam step is lr·g/(|g| + ε) ≈ lr·sign(g), hence rtol 1e-6)
    expectClose(p, [[0.95 * 1 - 0.1, 0.95 * -1 + 0.1]], 1e-6);
    expectClose(q, [[0.9, -0.9]], 1e-6);
    adam({ lr: 0.1, weightDecay: 0.5 }).step([r], [g]);
    // the L2 term 0.5·p is normalised with g: here g + λp = (0.8, −2.5), step ≈ lr·sign
    expectClose(r, [[0.9, -0.9]], 1e-6);
    expect(Math.abs(p.data[0] - r.data[0])).toBeGreaterThan(0.04);
  });
});

describe("effectiveLr: the per-coordinate learning rate of the last step", () => {
  const grads = Array.from(
    { length: 6 },
    (_, t) => Matrix.from([[Math.sin(t + 1), 3 * Math.cos(2 * t), 1e-3 * (t - 2)]]),
  );
  /** Runs `opt`, and at every step compares the change in p with effectiveLr ⊙ direction. */
  function follows(opt: Optimizer, direction: (g: Matrix, p: Matrix) => number[]) {
    const p = Matrix.from([[1, -1, 0.5]]);
    for (const g of grads) {
      const before = p.clone();
      opt.step([p], [g]);
      const eff = opt.effectiveLr(p), dir = direction(g, p);
      expectClose(before.data.map((b, k) => b - p.data[k]), dir.map((d, k) => eff[k] * d), 1e-12);
    }
    return opt.effectiveLr(p);
  }
  const mHat = (opt: Optimizer) => (_g: Matrix, p: Matrix) => {
    const s = opt.stateOf(p) as { step: number; expAvg: Float64Array };
    return Array.from(s.expAvg, (m) => m / (1 - 0.9 ** s.step));
  };
  const grad = (g: Matrix) => Array.from(g.data);

  it("Adagrad: lr_t/(√sum + ε), with lrDecay", () => {
    const opt = adagrad({ lr: 0.1, lrDecay: 0.5 });
    const eff = follows(opt, grad);
    const sum = grads.reduce((s, g) => s.map((v, k) => v + g.data[k] ** 2), [0, 0, 0]);
    expectClose(eff, sum.map((v) => 0.1 / (1 + 5 * 0.5) / (Math.sqrt(v) + 1e-10)), 1e-12);
  });
  it("RMSprop (ε outside, inside, centered): lr over the denominator", () => {
    for (const o of [{}, { epsInside: true, eps: 1e-4 }, { centered: true }]) {
      follows(rmsprop({ lr: 0.01, ...o }), grad);
    }
    const opt = rmsprop({ lr: 0.01, epsInside: true, eps: 1e-4 }), p = Matrix.from([[2]]);
    opt.step([p], [Matrix.from([[0.5]])]);
    expectClose(opt.effectiveLr(p), [0.01 / Math.sqrt(0.01 * 0.25 + 1e-4)], 1e-14);
  });
  it("Adam and AMSGrad: the step is effectiveLr ⊙ m̂, effectiveLr = lr/(√v̂ + ε)", () => {
    const a = adam({ lr: 0.05 }), m = amsgrad({ lr: 0.05 });
    follows(a, mHat(a));
    const eff = follows(m, mHat(m));
    const p = Matrix.from([[0]]), one = adam({ lr: 0.05 });
    one.step([p], [Matrix.from([[-4]])]);
    expectClose(one.effectiveLr(p), [0.05 / (4 + 1e-8)], 1e-14); // v̂₁ = g₁²
    // AMSGrad's denominator uses the largest v: never a larger rate than Adam's
    const pa = Matrix.from([[1, -1, 0.5]]), adamRun = adam({ lr: 0.05 });
    for (const g of grads) adamRun.step([pa], [g]);
    adamRun.effectiveLr(pa).forEach((e, k) => expect(eff[k]).toBeLessThanOrEqual(e));
  });
  it("AdamW: after its decay the step is effectiveLr ⊙ m̂", () => {
    const opt = adamw({ lr: 0.05, weightDecay: 0.1 }), p = Matrix.from([[1, -1, 0.5]]);
    for (const g of grads) {
      const decayed = p.data.map((v) => v * (1 - 0.05 * 0.1));
      opt.step([p], [g]);
      const eff = opt.effectiveLr(p), m = mHat(opt)(g, p);
      expectClose(decayed.map((d, k) => d - p.data[k]), m.map((v, k) => eff[k] * v), 1e-12);
    }
  });
  it("NAdam: lr/(√v̂ + ε); SGD and momentum: lr everywhere", () => {
    const opt = nadam({ lr: 0.02 }), p = Matrix.from([[1, 2]]);
    opt.step([p], [Matrix.from([[0.5, -3]])]);
    opt.step([p], [Matrix.from([[1, 1]])]);
    const v = [0.001 * 0.999 * 0.25 + 0.001, 0.001 * 0.999 * 9 + 0.001];
    const bc2 = 1 - 0.999 ** 2;
    expectClose(opt.effectiveLr(p), v.map((x) => 0.02 / (Math.sqrt(x / bc2) + 1e-8)), 1e-12);
    const heavy = sgd({ lr: 0.3, momentum: 0.9 });
    const buffer = (_g: Matrix, p: Matrix) => Array.from(heavy.stateOf(p)!.momentumBuffer!);
    expectClose(follows(heavy, buffer), [0.3, 0.3, 0.3]);
    const q = Matrix.from([[1, 2]]), s = sgd({ lr: 0.3 });
    s.step([q], [Matrix.from([[1, 1]])]);
    expectClose(s.effectiveLr(q), [0.3, 0.3]);
  });
  it("throws before the parameter's first step", () => {
    expect(() => adam().effectiveLr(Matrix.from([[1]]))).toThrow(
      "adam.effectiveLr: this parameter has taken no step yet",
    );
  });
});

describe("erratum 6: the momentum forms are one method with lr rescaled", () => {
  const grads = Array.from(
    { length: 30 },
    (_, t) => Matrix.from([[Math.sin(t), Math.cos(3 * t) * 2, 1 / (t + 1)]]),
  );
  function run(opt: Optimizer, lrs?: number[]): Matrix {
    const p = Matrix.from([[1, -1, 0.5]]);
    grads.forEach((g, t) => {
      if (lrs) opt.lr = lrs[t];
      opt.step([p], [g]);
    });
    return p;
  }
  const lr = 0.05, mu = 0.9;
  const torchLike = run(sgd({ lr, momentum: mu }));

  it("v = γv + η∇, θ −= v and v = γv − η∇, θ += v equal PyTorch's with the same lr", () => {
    expectClose(run(textbookMomentum({ lr, momentum: mu, form: "velocity" })), torchLike);
    expectClose(run(textbookMomentum({ lr, momentum: mu, form: "negative-velocity" })), torchLike);
  });

  it("V = αV + (1−α)g, w −= ηV equals PyTorch's with lr·(1 − α)", () => {
    const ema = run(textbookMomentum({ lr: lr / (1 - mu), momentum: mu, form: "ema" }));
    expectClose(ema, torchLike);
    // PyTorch's dampening is not the EMA form: its first buffer is g, not (1 − α)·g
    const damped = run(sgd({ lr: lr / (1 - mu), momentum: mu, dampening: mu }));
    const gap = Math.max(...damped.data.map((x, k) => Math.abs(x - torchLike.data[k])));
    expect(gap).toBeGreaterThan(1e-2);
  });

  it("differ when the learning rate changes over time", () => {
    const lrs = grads.map((_, t) => lr * 0.9 ** t);
    const a = run(sgd({ lr, momentum: mu }), lrs);
    const b = run(textbookMomentum({ lr, momentum: mu, form: "velocity" }), lrs);
    const c = run(
      textbookMomentum({ lr: lr / (1 - mu), momentum: mu, form: "ema" }),
      lrs.map((
        x,
      ) => x / (1 - mu)),
    );
    expectClose(c, a); // EMA form rescales the history by the current lr, like PyTorch
    const gap = Math.max(...a.data.map((x, k) => Math.abs(x - b.data[k])));
    expect(gap).toBeGreaterThan(1e-2);
  });
});

describe("erratum 11: RMSprop with ε inside vs outside the root", () => {
  function firstSteps(g: number, epsInside: boolean): number {
    const p = Matrix.from([[0]]);
    const opt = rmsprop({ lr: 0.01, eps: 1e-8, epsInside });
    for (let t = 0; t < 5; t++) opt.step([p], [Matrix.from([[g]])]);
    return -p.data[0];
  }
  it("agree when S is large", () => {
    expectClose(firstSteps(1, true), firstSteps(1, false), 1e-6);
  });
  it("differ when S is small: √(S + ε) is dominated by √ε", () => {
    const outside = firstSteps(1e-6, false), inside = firstSteps(1e-6, true);
    expect(outside / inside).toBeGreaterThan(5);
    expect(inside).toBeLessThan(1e-3);
  });
});

describe("bad input", () => {
  it("checks hyper-parameters", () => {
    expect(() => sgd({ lr: -1 })).toThrow("sgd: lr must be a finite positive number, got -1");
    expect(() => adam({ lr: NaN })).toThrow(RangeError);
    expect(() => adam({ betas: [1, 0.999] })).toThrow("adam: betas[0] must be in [0, 1), got 1");
    expect(() => nadam({ betas: [0.9, -0.1] })).toThrow("nadam: betas[1]");
    expect(() => adamw({ eps: 0 })).toThrow("adamw: eps must be a finite positive number");
    expect(() => rmsprop({ alpha: 1 })).toThrow("rmsprop: alpha");
    expect(() => adagrad({ lrDecay: -1 })).toThrow("adagrad: lrDecay");
    expect(() => sgd({ lr: 0.1, nesterov: true })).toThrow("sgd: nesterov");
    expect(() => textbookMomentum({ lr: 1, momentum: 0.9, form: "x" as "ema" })).toThrow(
      "textbookMomentum: unknown form",
    );
    const opt = sgd({ lr: 0.1 });
    expect(() => {
      opt.lr = Infinity;
    }).toThrow("sgd: lr must be a finite positive number, got Infinity");
  });

  it("checks gradients", () => {
    const p = new Matrix(2, 3), opt = adam();
    expect(() => opt.step([p], [new Matrix(3, 2)])).toThrow(ShapeError);
    expect(() => opt.step([p], [new Matrix(3, 2)])).toThrow(
      "adam: grads[0] is 3×2 but params[0] is 2×3",
    );
    expect(() => opt.step([p], [])).toThrow("adam: 1 params but 0 grads");
    const g = new Matrix(2, 3);
    g.set(1, 2, NaN);
    expect(() => opt.step([p], [g])).toThrow(NonFiniteError);
    expect(() => opt.step([p], [g])).toThrow("adam: grads[0]: entry (1, 2) is NaN");
    expect(opt.stateOf(p)).toBeUndefined(); // nothing was updated
  });
});

describe("nadamMomentum: NAdam's schedule μ_t = β₁·(1 − ½·0.96^(t·ψ))", () => {
  it("gives the values by hand and is what nadam multiplies into muProduct", () => {
    expectClose(nadamMomentum(1), 0.9 * (1 - 0.5 * 0.96 ** 0.004), 1e-15);
    expectClose(nadamMomentum(1000), 0.9 * (1 - 0.5 * 0.96 ** 4), 1e-15);
    expectClose(
      nadamMomentum(3, { betas: [0.5, 0.9], momentumDecay: 1 }),
      0.5 * (1 - 0.5 * 0.96 ** 3),
    );
    const opt = nadam({ betas: [0.8, 0.99], momentumDecay: 0.1 }), p = Matrix.from([[1]]);
    for (let t = 0; t < 3; t++) opt.step([p], [Matrix.from([[t - 1]])]);
    const schedule = { betas: [0.8, 0.99] as const, momentumDecay: 0.1 };
    const product = [1, 2, 3].reduce((s, t) => s * nadamMomentum(t, schedule), 1);
    expectClose(opt.stateOf(p)!.muProduct, product, 1e-15);
  });
  it("checks its input", () => {
    expect(() => nadamMomentum(0)).toThrow("nadamMomentum: t must be a positive integer, got 0");
    expect(() => nadamMomentum(1, { momentumDecay: -1 })).toThrow("nadamMomentum: momentumDecay");
  });
});
