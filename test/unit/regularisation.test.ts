import { describe, expect, it } from "vitest";
import { add, Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { proxL1, softThreshold } from "../../lib/optim/proximal.ts";
import { adamw, sgd } from "../../lib/optim/optimizers.ts";
import { l1Penalty, l2Penalty } from "../../lib/nn/losses.ts";
import { numericalGradient } from "../../lib/check/gradcheck.ts";
import { mlp } from "../../lib/train/model.ts";
import { penalized, penaltyValue } from "../../lib/train/penalty.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/regularisation.json" with { type: "json" };

describe("softThreshold and proxL1", () => {
  it("match PyTorch's softshrink", () => {
    const x = Matrix.from(ref.x);
    for (const [t, want] of Object.entries(ref.softshrink)) {
      expectClose(softThreshold(x, Number(t)).data, Matrix.from(want).data, 1e-15);
    }
  });
  it("never flip a sign, and zero exactly what is within the threshold", () => {
    const x = Matrix.from([[-1, -0.2, 0, 0.2, 1]]);
    expect(softThreshold(x, 0.5).toArray()).toEqual([[-0.5, 0, 0, 0, 0.5]]);
  });
  it("proxL1 shrinks in place by lr·λ", () => {
    const w = Matrix.from([[0.3, -0.05, -2]]);
    proxL1([w], { lambda: 0.5, lr: 0.2 });
    expectClose(w.data, [0.2, 0, -1.9], 1e-15);
  });
  it("refuse a negative threshold, λ or lr", () => {
    expect(() => softThreshold(new Matrix(1, 1), -1)).toThrow("softThreshold: threshold");
    expect(() => proxL1([new Matrix(1, 1)], { lambda: -1, lr: 1 })).toThrow("proxL1: lambda");
  });
});

describe("L2 penalty and weight decay against PyTorch", () => {
  const { w0, g, lambda, lr } = ref.sgd;
  it("SGD on loss + (λ/2)‖w‖² equals SGD with weightDecay = λ, and both equal torch", () => {
    const a = Matrix.from(w0), b = Matrix.from(w0), grad = Matrix.from(g);
    const withPenalty = add(grad, l2Penalty(a, { lambda }).grad);
    sgd({ lr }).step([a], [withPenalty]);
    sgd({ lr, weightDecay: lambda }).step([b], [grad]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expectClose(a.data, Matrix.from(ref.sgd.penalised).data, 1e-15);
    expectClose(b.data, Matrix.from(ref.sgd.weightDecay).data, 1e-15);
  });
  it("adamw's first step equals torch's", () => {
    const p = Matrix.from(w0);
    adamw({ lr, weightDecay: lambda }).step([p], [Matrix.from(g)]);
    expectClose(p.data, Matrix.from(ref.sgd.adamw).data, 1e-14);
  });
});

describe("penalized", () => {
  const rng = new Random(1);
  const x = Matrix.from(
    Array.from({ length: 6 }, () => [rng.normal(), rng.normal(), rng.normal()]),
  );
  const dout = Matrix.from(Array.from({ length: 6 }, () => [rng.normal(), rng.normal()]));
  it("adds the penalty's gradient to the weights only, checked against numerical gradients", () => {
    const net = mlp([3, 4, 2], { seed: 3 });
    const weights = net.layers.map((l) => l.w);
    const model = penalized(net, { weights, l1: 0.03, l2: 0.2 });
    const { out, cache } = model.forward(x, "train");
    const grads = model.backward(dout, cache);
    const objective = () => {
      const o = net.forward(x, "train").out;
      let s = 0;
      for (let k = 0; k < o.size; k++) s += o.data[k] * dout.data[k];
      return s + penaltyValue({ weights, l1: 0.03, l2: 0.2 });
    };
    expect(out.rows).toBe(6);
    net.params.forEach((p, i) => {
      expectClose(grads[i].data, numericalGradient(objective, p).data, 1e-6);
    });
    const plain = net.backward(dout, net.forward(x, "train").cache);
    expect(Array.from(grads[1].data)).toEqual(Array.from(plain[1].data)); // b1 untouched
    expect(grads[0].data[0]).not.toBe(plain[0].data[0]);
  });
  it("refuses a matrix that is not a parameter, and a negative λ", () => {
    const net = mlp([3, 2]);
    expect(() => penalized(net, { weights: [new Matrix(2, 3)], l2: 1 })).toThrow(
      "penalized: weights[0] is not one of the model's params",
    );
    expect(() => penalized(net, { weights: [], l1: -1 })).toThrow("penalized: l1");
  });
  it("penaltyValue sums l1 and l2 penalties", () => {
    const w = Matrix.from([[1, -2]]);
    expectClose(penaltyValue({ weights: [w], l1: 0.5, l2: 0.1 }), 0.5 * 3 + 0.05 * 5, 1e-15);
    expect(l1Penalty(w, { lambda: 1 }).loss).toBe(3);
  });
});
