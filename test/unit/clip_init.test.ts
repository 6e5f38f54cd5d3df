import { describe, expect, it } from "vitest";
import { Matrix, NonFiniteError } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { clipGradNorm, clipGradValue, gradCosine, gradNorm } from "../../lib/optim/clip.ts";
import {
  calculateGain,
  kaimingNormal,
  type KaimingOptions,
  kaimingStd,
  kaimingUniform,
  type Nonlinearity,
  xavierNormal,
  xavierStd,
  xavierUniform,
} from "../../lib/nn/init.ts";
import { mlpInit } from "../../lib/nn/layers/mlp.ts";
import { expectClose } from "./_compare.ts";
import ref from "../reference/clip_init.json" with { type: "json" };

const grads = () => ref.grads.map((g, i) => new Matrix(ref.shapes[i][0], ref.shapes[i][1], g));

describe("clipping matches torch.nn.utils (PyTorch 1.13)", () => {
  it.each(ref.clip.map((c) => [c.kind, c.maxNorm ?? c.clipValue, c.normType ?? "", c] as const))(
    "clip by %s %s %s",
    (_kind, _v, _p, c) => {
      const gs = grads();
      if (c.kind === "norm") {
        const p = c.normType === "inf" ? Infinity : Number(c.normType);
        const { totalNorm, clipCoef } = clipGradNorm(gs, c.maxNorm!, { normType: p });
        expectClose(totalNorm, c.total!);
        expectClose(clipCoef, c.clipCoef!);
        expectClose(gradNorm(grads(), { normType: p }), c.total!); // the norm it measured
      } else {
        clipGradValue(gs, c.clipValue!);
      }
      expectClose(gs, c.grads);
    },
  );

  it("leaves the direction alone and caps the norm just under maxNorm (the 1e-6)", () => {
    const gs = [Matrix.from([[3, 4]])];
    expect(clipGradNorm(gs, 1)).toEqual({ totalNorm: 5, clipCoef: 1 / (5 + 1e-6) });
    expectClose(gs, [[0.6 / (1 + 2e-7), 0.8 / (1 + 2e-7)]]);
    const again = clipGradNorm(gs, 2);
    expect(again.totalNorm).toBeLessThan(1);
    expect(again.clipCoef).toBe(1); // within maxNorm: nothing clipped
    expect(clipGradNorm([], 1)).toEqual({ totalNorm: 0, clipCoef: 1 });
  });

  it("gradCosine: 1 for the same direction, −1 for the opposite, 0 for orthogonal", () => {
    const a = [Matrix.from([[3, 4]]), Matrix.from([[0], [12]])]; // one vector (3, 4, 0, 12)
    expect(gradNorm(a)).toBe(13);
    expect(gradNorm(a, { normType: Infinity })).toBe(12);
    expect(gradNorm(a, { normType: 1 })).toBe(19);
    expectClose(gradCosine(a, a.map((m) => m.map((v) => 2 * v))), 1);
    expectClose(gradCosine(a, a.map((m) => m.map((v) => -v))), -1);
    expect(gradCosine(a, [Matrix.from([[4, -3]]), Matrix.from([[7], [0]])])).toBe(0);
    // clipping by norm keeps the direction, clipping by value here does not
    const byNorm = a.map((m) => m.clone()), byValue = a.map((m) => m.clone());
    clipGradNorm(byNorm, 1);
    clipGradValue(byValue, 1);
    expectClose(gradCosine(a, byNorm), 1);
    expectClose(gradCosine(a, byValue), (3 + 4 + 12) / (13 * Math.sqrt(3)));
  });

  it("refuses bad input, naming the operation", () => {
    expect(() => gradNorm([Matrix.from([[NaN]])])).toThrow("gradNorm: grads[0]");
    expect(() => gradNorm([], { normType: -1 })).toThrow("gradNorm: normType");
    expect(() => gradCosine([Matrix.from([[1, 2]])], [Matrix.from([[1]])])).toThrow(
      "gradCosine: the two lists must hold matrices of the same sizes",
    );
    expect(() => gradCosine([Matrix.from([[0]])], [Matrix.from([[1]])])).toThrow(
      "gradCosine: a zero gradient has no direction",
    );
    const g = Matrix.from([[1, Infinity]]);
    expect(() => clipGradNorm([g], 1)).toThrow(NonFiniteError);
    expect(() => clipGradNorm([g], 1)).toThrow("clipGradNorm: grads[0]: entry (0, 1) is Infinity");
    expect(() => clipGradValue([g], 1)).toThrow("clipGradValue: grads[0]");
    expect(() => clipGradNorm([], -1)).toThrow(
      "clipGradNorm: maxNorm must be a finite positive number, got -1",
    );
    expect(() => clipGradNorm([], 1, { normType: 0 })).toThrow("clipGradNorm: normType");
    expect(() => clipGradValue([], 0)).toThrow("clipGradValue: clipValue");
  });
});

describe("initialisation follows torch.nn.init's formulas", () => {
  it.each(ref.gains.map((g) => [g.nonlinearity, g.param ?? "", g] as const))(
    "calculateGain(%s %s)",
    (n, _a, g) => {
      expectClose(calculateGain(n as Nonlinearity, { param: g.param ?? undefined }), g.gain);
    },
  );

  type Init = (w: Matrix, rng: Random, o: { gain?: number } & KaimingOptions) => Matrix;
  const inits: Record<string, Init> = {
    xavierUniform,
    xavierNormal,
    kaimingUniform,
    kaimingNormal,
  };

  it.each(ref.inits.map((c) => [c.init, JSON.stringify(c.options), c.shape.join("×"), c] as const))(
    "%s %s %s",
    (name, _o, _s, c) => {
      const [rows, cols] = c.shape;
      const o = c.options as { gain?: number } & KaimingOptions;
      // torch's exact std (or bound = √3·std) from our formula
      const std = name.startsWith("xavier") ? xavierStd(cols, rows, o) : kaimingStd(
        o.mode === "fan_out" ? rows : cols,
        { gain: calculateGain(o.nonlinearity ?? "leaky_relu", { param: o.a ?? 0 }) },
      );
      if (c.bound !== undefined) expectClose(Math.sqrt(3) * std, c.bound);
      else expectClose(std, c.std!);
      // our samples: standard deviation as the formula says (and as torch's sample shows)
      const w = inits[name](new Matrix(rows, cols), new Random(7), o);
      let s2 = 0, maxAbs = 0;
      for (const x of w.data) {
        s2 += x * x;
        maxAbs = Math.max(maxAbs, Math.abs(x));
      }
      const sampleStd = Math.sqrt(s2 / w.size);
      expect(Math.abs(sampleStd / std - 1)).toBeLessThan(0.02);
      expect(Math.abs(sampleStd / c.sampleStd - 1)).toBeLessThan(0.03);
      if (c.bound !== undefined) {
        expect(maxAbs).toBeLessThanOrEqual(c.bound);
        expect(maxAbs).toBeGreaterThan(0.999 * c.bound);
      } else {
        expect(maxAbs).toBeGreaterThan(3 * std); // a normal, not a bounded uniform
      }
    },
  );

  it("erratum 10: the N(0, σ) of Xavier normal is a standard deviation, σ² the variance", () => {
    const w = xavierNormal(new Matrix(400, 600), new Random(1));
    const variance = w.data.reduce((s, x) => s + x * x, 0) / w.size;
    expect(Math.abs(variance / (2 / 1000) - 1)).toBeLessThan(0.02); // variance 2/(n_in+n_out)
    expect(Math.abs(Math.sqrt(variance) / Math.sqrt(2 / 1000) - 1)).toBeLessThan(0.01);
  });

  it("nn.Linear's default, kaiming_uniform_(a = √5), is U(±1/√fan_in): mlpInit's 'torch'", () => {
    const c = ref.inits.find((c) => c.init === "kaimingUniform" && c.options.a === Math.sqrt(5))!;
    expectClose(c.bound!, 1 / Math.sqrt(c.shape[1]));
    const [{ w }] = mlpInit([200, 300], new Random(2), { init: "torch" });
    const maxAbs = Math.max(...w.data.map(Math.abs));
    expect(maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(200));
    expect(maxAbs).toBeGreaterThan(0.999 / Math.sqrt(200));
  });

  it("Kaiming keeps the variance of a deep ReLU net's activations; too-small weights lose it", () => {
    const rng = new Random(3), n = 256;
    let x = Matrix.from([Array.from({ length: n }, () => rng.normal())]);
    let y = x;
    const meanSquare = (m: Matrix) => m.data.reduce((s, v) => s + v * v, 0) / m.size;
    const layer = (h: Matrix, w: Matrix) =>
      new Matrix(
        1,
        n,
        w.toArray().map((row) => Math.max(0, row.reduce((s, v, j) => s + v * h.data[j], 0))),
      );
    for (let l = 0; l < 10; l++) {
      x = layer(x, kaimingNormal(new Matrix(n, n), rng, { nonlinearity: "relu" }));
      y = layer(y, xavierNormal(new Matrix(n, n), rng));
    }
    // E[x²] stays about 1 with He; with Xavier (gain 1) it halves each ReLU layer
    expect(meanSquare(x)).toBeGreaterThan(0.3);
    expect(meanSquare(x)).toBeLessThan(3);
    expect(meanSquare(y)).toBeLessThan(0.01);
  });

  it("gradCosine: 1 for the same direction, −1 for the opposite, 0 for orthogonal", () => {
    const a = [Matrix.from([[3, 4]]), Matrix.from([[0], [12]])]; // one vector (3, 4, 0, 12)
    expect(gradNorm(a)).toBe(13);
    expect(gradNorm(a, { normType: Infinity })).toBe(12);
    expect(gradNorm(a, { normType: 1 })).toBe(19);
    expectClose(gradCosine(a, a.map((m) => m.map((v) => 2 * v))), 1);
    expectClose(gradCosine(a, a.map((m) => m.map((v) => -v))), -1);
    expect(gradCosine(a, [Matrix.from([[4, -3]]), Matrix.from([[7], [0]])])).toBe(0);
    // clipping by norm keeps the direction, clipping by value here does not
    const byNorm = a.map((m) => m.clone()), byValue = a.map((m) => m.clone());
    clipGradNorm(byNorm, 1);
    clipGradValue(byValue, 1);
    expectClose(gradCosine(a, byNorm), 1);
    expectClose(gradCosine(a, byValue), (3 + 4 + 12) / (13 * Math.sqrt(3)));
  });

  it("refuses bad input, naming the operation", () => {
    expect(() => gradNorm([Matrix.from([[NaN]])])).toThrow("gradNorm: grads[0]");
    expect(() => gradNorm([], { normType: -1 })).toThrow("gradNorm: normType");
    expect(() => gradCosine([Matrix.from([[1, 2]])], [Matrix.from([[1]])])).toThrow(
      "gradCosine: the two lists must hold matrices of the same sizes",
    );
    expect(() => gradCosine([Matrix.from([[0]])], [Matrix.from([[1]])])).toThrow(
      "gradCosine: a zero gradient has no direction",
    );
    const rng = new Random(0);
    expect(() => xavierUniform(new Matrix(0, 3), rng)).toThrow("xavierUniform: cannot initialise");
    expect(() => xavierNormal(new Matrix(2, 3), rng, { gain: -1 })).toThrow(
      "xavierNormal: gain must be a finite positive number, got -1",
    );
    expect(() => kaimingUniform(new Matrix(2, 3), rng, { mode: "fan" as "fan_in" })).toThrow(
      "kaimingUniform: mode",
    );
    expect(() => calculateGain("softmax" as Nonlinearity)).toThrow("calculateGain: unsupported");
  });
});
