/**
 * lib/core/update_rule.ts (runRule, quadraticBowl) and the update-rule view of lib's optimisers
 * (asUpdateRule), with the look-ahead form of Nesterov momentum. The state an optimiser keeps,
 * step by step under a changing learning rate, is compared with torch.optim's
 * (test/reference/gen_optim_state.py): it is what the optimiser exercises grade.
 */
import { describe, expect, it } from "vitest";
import { quadraticBowl, runRule, type UpdateRule } from "../../lib/core/update_rule.ts";
import {
  adam,
  adamw,
  asUpdateRule,
  nesterovLookahead,
  type Optimizer,
  sgd,
} from "../../lib/optim/optimizers.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/optim_state.json" with { type: "json" };

// deno-lint-ignore no-explicit-any
const factories: Record<string, (o: any) => Optimizer> = { sgd, adam, adamw };

describe("quadraticBowl", () => {
  const bowl = quadraticBowl({ a: [[2, 1], [1, 3]], center: [1, -1] });
  it("has f(c) = 0, f = ½(w − c)ᵀA(w − c) and ∇f = A(w − c)", () => {
    expect(bowl.f([1, -1])).toBe(0);
    expect(bowl.f([2, 0])).toBe(0.5 * (2 + 1 + 1 + 3));
    expect(bowl.grad([2, 0], 1)).toEqual([3, 4]);
  });
  it("adds noise[t − 1] at step t", () => {
    const noisy = quadraticBowl({ a: [[1]], center: [0], noise: [[0.5], [-1]] });
    expect(noisy.grad([2], 1)).toEqual([2.5]);
    expect(noisy.grad([2], 2)).toEqual([1]);
    expect(() => noisy.grad([2], 3)).toThrow("quadraticBowl: no noise for step 3 (2 rows)");
  });
  it("checks shapes", () => {
    expect(() => quadraticBowl({ a: [[1, 0]], center: [0, 0] })).toThrow(
      "quadraticBowl: a must be 2×2",
    );
    expect(() => quadraticBowl({ a: [[1]], center: [0], noise: [[1, 2]] })).toThrow(
      "quadraticBowl: noise[0] has 2 values, expected 1",
    );
    expect(() => bowl.grad([1], 1)).toThrow("quadraticBowl: w has 1 values, expected 2");
  });
});

describe("runRule", () => {
  const gd: UpdateRule<{ lr: number }> = (w, dw, config) => ({
    w: w.map((x, k) => x - config.lr * dw[k]),
    config,
  });
  const line = quadraticBowl({ a: [[1]], center: [0] });

  it("runs a rule for the given steps and keeps what every step returned", () => {
    const steps = runRule(gd, line.grad, [1], { lr: 0.5 }, { steps: 3 });
    expect(steps.map((s) => s.w)).toEqual([[0.5], [0.25], [0.125]]);
    expect(steps[2].config).toEqual({ lr: 0.5 });
  });

  it("writes a schedule's rate into config.lr before each step", () => {
    const steps = runRule(gd, line.grad, [1], { lr: 9 }, { steps: 2, lrs: [0.5, 0.25] });
    expect(steps.map((s) => s.w)).toEqual([[0.5], [0.375]]);
    expect(steps.map((s) => s.config.lr)).toEqual([0.5, 0.25]);
  });

  it("records copies: a rule that changes its arrays in place cannot rewrite the past", () => {
    const buf = [0];
    const inPlace: UpdateRule<{ buf: number[] }> = (w, dw, config) => {
      config.buf[0] += dw[0];
      w[0] -= 0.5 * config.buf[0];
      return { w, config };
    };
    const steps = runRule(inPlace, line.grad, [1], { buf }, { steps: 2 });
    expect(steps.map((s) => s.config.buf[0])).toEqual([1, 1.5]);
    expect(steps.map((s) => s.w[0])).toEqual([0.5, -0.25]);
  });

  it("names the step and the problem when a rule returns the wrong thing", () => {
    const bad = (value: unknown) => () =>
      runRule(() => value as never, line.grad, [1], {}, { steps: 1, name: "sgd" });
    expect(bad(undefined)).toThrow(
      "sgd at step 1 returned undefined; it must return { w, config }",
    );
    expect(bad([1])).toThrow("sgd at step 1 returned an array of length 1");
    expect(bad({ w: [1, 2], config: {} })).toThrow(
      "sgd at step 1 returned w as an array of length 2; it must be an array of 1 numbers",
    );
    expect(bad({ w: [1] })).toThrow("sgd at step 1 returned config as undefined");
    expect(bad({ w: [1], config: { f: () => 1 } })).toThrow("config.f holds a function");
    expect(() => runRule(gd, line.grad, [1], { lr: 1 }, { steps: 3, lrs: [1] })).toThrow(
      "runRule: 3 steps but only 1 learning rates",
    );
  });
});

describe("asUpdateRule: lib's optimisers keep PyTorch's state, step by step (torch.optim 1.13)", () => {
  const problem = quadraticBowl({ a: ref.a, center: ref.center, noise: ref.noise });
  it.each(ref.configs.map((c) => [c.id, c] as const))(
    "%s: parameters and state over 40 steps with a changing learning rate",
    (_id, c) => {
      const opt = factories[c.factory]({ ...c.options, lr: ref.lrs[0] * c.lrScale });
      const steps = runRule(asUpdateRule(opt), problem.grad, ref.w0, {}, {
        steps: c.steps.length,
        lrs: ref.lrs.map((lr) => lr * c.lrScale),
      });
      steps.forEach((s, t) => {
        expectClose(s.w, c.steps[t].w, 1e-10, 1e-13);
        for (const [key, value] of Object.entries(c.steps[t].state)) {
          expectClose(s.config[key] as number[], value as number[], 1e-10, 1e-13);
        }
      });
    },
  );
});

describe("Nesterov: PyTorch's form is the look-ahead form seen from φ = θ + μ·v", () => {
  const ravine = quadraticBowl({ a: [[1, 0], [0, 30]], center: [0, 0] });
  const lr = 0.02, mu = 0.9, w0 = [-3, 1];
  const look = nesterovLookahead(ravine.grad, w0, { lr, momentum: mu, steps: 60 });
  const torch = runRule(asUpdateRule(sgd({ lr, momentum: mu, nesterov: true })), ravine.grad, w0, {
    lr,
  }, { steps: 60 });

  it("PyTorch's parameter is θ + μ·v, its buffer −v/η", () => {
    torch.forEach((s, t) => {
      expectClose(s.w, look.theta[t].map((x, k) => x + mu * look.v[t][k]), 1e-12, 1e-14);
      expectClose(s.config.momentumBuffer as number[], look.v[t].map((v) => -v / lr), 1e-11, 1e-13);
    });
  });

  it("θ itself is another sequence (the two meet only at the minimum)", () => {
    expect(Math.abs(torch[0].w[1] - look.theta[0][1])).toBeGreaterThan(0.1);
  });

  it("checks its options", () => {
    expect(() => nesterovLookahead(ravine.grad, w0, { lr: 0, momentum: 0.9, steps: 1 }))
      .toThrow("nesterovLookahead: lr must be a finite positive number");
    expect(() => nesterovLookahead(() => [1], w0, { lr: 1, momentum: 0.9, steps: 1 }))
      .toThrow("nesterovLookahead: grad returned 1 values for 2 parameters");
  });
});
