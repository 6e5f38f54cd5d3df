import { describe, expect, it } from "vitest";
import {
  type Activation,
  activationBackward,
  activationForward,
  ACTIVATIONS,
  erf,
  erfc,
  gelu,
  geluTanh,
  hardTanh,
  leakyRelu,
  makeLeakyRelu,
  relu,
  selu,
  sigmoid,
  tanh,
} from "../../lib/nn/activations.ts";
import { Matrix, NonFiniteError, ShapeError } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { numericalGradientArray, relError } from "../../lib/check/gradcheck.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/activations_losses.json" with { type: "json" };

type ActRef = (typeof ref.activations)["relu"];

/** The reference key for each activation; "leakyRelu(0.2)" checks a non-default slope. */
function activationFor(key: string): Activation {
  if (key === "leakyRelu(0.2)") return makeLeakyRelu({ negativeSlope: 0.2 });
  if (key === "geluTanh") return geluTanh; // an approximation, kept out of ACTIVATIONS
  const act = ACTIVATIONS.find((a) => a.name === key);
  if (act === undefined) throw new Error(`no activation named ${key}`);
  return act;
}

const refs = Object.entries(ref.activations) as [string, ActRef][];

describe("erf and erfc", () => {
  it("match torch.erf / torch.erfc to about one ulp", () => {
    expectClose(ref.erf.x.map(erf), ref.erf.erf, 2e-15, 1e-300);
    // erfc keeps relative accuracy deep in the right tail (erfc(10) ≈ 2e-45).
    expectClose(ref.erf.x.map(erfc), ref.erf.erfc, 4e-15, 1e-300);
  });

  it("are odd / reflected and have the right limits", () => {
    for (const x of [0.1, 0.46875, 0.9, 2.5, 4.5, 7]) {
      expect(erf(-x)).toBe(-erf(x));
      expect(erfc(-x) + erfc(x)).toBeCloseTo(2, 15);
    }
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erf(NaN)).toBeNaN();
  });

  it("have the derivatives ±2/√π·e^{−x²}", () => {
    const h = 1e-5;
    const exact = (x: number) => 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
    for (const x of [-1, -0.3, 0, 0.2, 0.47, 0.9]) {
      expect(relError((erf(x + h) - erf(x - h)) / (2 * h), exact(x))).toBeLessThan(1e-7);
    }
    // In the tail erf is ≈ 1 and differencing it cancels; erfc keeps the digits.
    for (const x of [0.5, 1, 2.2, 3.9, 4.1, 6, 9]) {
      expect(relError(-(erfc(x + h) - erfc(x - h)) / (2 * h), exact(x))).toBeLessThan(1e-7);
    }
  });
});

describe("activations match PyTorch", () => {
  it("covers every activation of ACTIVATIONS", () => {
    const names = ACTIVATIONS.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      "sigmoid",
      "tanh",
      "hardTanh",
      "softsign",
      "relu",
      "leakyRelu",
      "elu",
      "gelu",
      "selu",
    ]);
    for (const name of names) expect(Object.keys(ref.activations)).toContain(name);
  });

  for (const [key, r] of refs) {
    it(`${key}: values and autograd derivatives, kinks included`, () => {
      const act = activationFor(key);
      expectClose(r.x.map((x) => act.f(x)), r.f);
      expectClose(r.x.map((x) => act.df(x)), r.df);
    });

    it(`${key}: activationForward / activationBackward with a random upstream gradient`, () => {
      const act = activationFor(key);
      const { out, cache } = activationForward(Matrix.from(r.matrix.x), act);
      expectClose(out, r.matrix.out);
      const { dx } = activationBackward(Matrix.from(r.matrix.dout), cache);
      expectClose(dx, r.matrix.dx);
    });
  }

  it("takes PyTorch's side at the kinks", () => {
    expect(relu.df(0)).toBe(0);
    expect(leakyRelu.df(0)).toBe(0.01);
    expect(makeLeakyRelu({ negativeSlope: 0.3 }).df(0)).toBe(0.3);
    expect(hardTanh.df(1)).toBe(0);
    expect(hardTanh.df(-1)).toBe(0);
    expect(hardTanh.df(0.999)).toBe(1);
    expect(selu.df(0)).toBeCloseTo(1.0507009873554805 * 1.6732632423543772, 14);
  });
});

describe("numerical stability", () => {
  it("sigmoid does not overflow at ±1000 and keeps tiny values", () => {
    expect(sigmoid.f(1000)).toBe(1);
    expect(sigmoid.f(-1000)).toBe(0);
    expect(sigmoid.df(1000)).toBe(0);
    expect(sigmoid.df(-1000)).toBe(0);
    // σ(−40) ≈ 4.25e-18: the naive 1/(1+e^{40}) is fine too, but σ(40)·σ(−40) must not be 0.
    expect(sigmoid.df(40)).toBeGreaterThan(0);
    expectClose(sigmoid.df(40), Math.exp(-40) / (1 + Math.exp(-40)) ** 2, 1e-14);
  });

  it("tanh' keeps relative accuracy where tanh is close to ±1", () => {
    // 1 − tanh²(20) would be 0 in float64; sech²(20) ≈ 1.7e-17.
    expectClose(tanh.df(20), 1 / Math.cosh(20) ** 2, 1e-14);
    expectClose(tanh.df(-20), 1 / Math.cosh(20) ** 2, 1e-14);
  });

  it("gelu has no cancellation in the left tail", () => {
    // GELU(−10) = −10·Φ(−10) with Φ(−10) = 7.6198530241605260e-24 (a published value);
    // the form x·(1 + erf(x/√2))/2 that PyTorch evaluates rounds it to 0.
    expectClose(gelu.f(-10), -7.619853024160526e-23, 1e-13, 0);
    expect(gelu.f(-10)).toBeLessThan(0);
  });

  it("every activation is finite at ±1000", () => {
    for (const act of ACTIVATIONS) {
      for (const x of [-1000, 1000]) {
        expect(Number.isFinite(act.f(x)), `${act.name}(${x})`).toBe(true);
        expect(Number.isFinite(act.df(x)), `${act.name}'(${x})`).toBe(true);
      }
    }
  });
});

describe("numerical gradient checks (away from kinks)", () => {
  const acts = [...ACTIVATIONS, makeLeakyRelu({ negativeSlope: 0.2 })];
  for (const act of acts) {
    it(`${act.name}: backward agrees with central differences`, () => {
      const rng = new Random(7);
      // Away from the kinks, and |x| < 4: deep in a saturated tail the derivative is so small
      // that the central difference's round-off (~1e-11) dominates the relative error.
      const far = (v: number) => [0, 1, -1].every((k) => Math.abs(v - k) > 1e-2) && Math.abs(v) < 4;
      const x = new Matrix(5, 6).map(() => {
        let v = 0;
        do v = rng.normal(0, 2); while (!far(v));
        return v;
      });
      // Upstream entries of size ~1, so round-off in the summed objective stays small
      // next to every entry of the gradient (leaky ReLU's is only 0.01·dout).
      const dout = new Matrix(5, 6).map(() => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.5, 1.5));
      const { cache } = activationForward(x, act);
      const { dx } = activationBackward(dout, cache);
      const numeric = numericalGradientArray(() => activationForward(x, act).out, x, dout);
      expect(relError(dx, numeric)).toBeLessThan(1e-7);
    });
  }
});

describe("bad input", () => {
  it("rejects NaN and Infinity, naming the operation", () => {
    const x = Matrix.from([[1, NaN]]);
    expect(() => activationForward(x, relu)).toThrow(NonFiniteError);
    expect(() => activationForward(x, relu)).toThrow(/^activationForward\(relu\): entry \(0, 1\)/);
    const ok = activationForward(Matrix.from([[1, 2]]), tanh);
    expect(() => activationBackward(Matrix.from([[Infinity, 0]]), ok.cache)).toThrow(
      /^activationBackward\(tanh\)/,
    );
  });

  it("rejects a dout of the wrong shape", () => {
    const { cache } = activationForward(new Matrix(2, 3), sigmoid);
    expect(() => activationBackward(new Matrix(3, 2), cache)).toThrow(ShapeError);
    expect(() => activationBackward(new Matrix(3, 2), cache)).toThrow(
      "activationBackward(sigmoid): dout is 3×2 but the input was 2×3",
    );
  });

  it("rejects a non-finite leaky slope", () => {
    expect(() => makeLeakyRelu({ negativeSlope: NaN })).toThrow(RangeError);
    expect(() => makeLeakyRelu({ negativeSlope: Infinity })).toThrow(
      /^makeLeakyRelu: negativeSlope/,
    );
  });
});
