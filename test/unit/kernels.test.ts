import { afterEach, describe, expect, it, vi } from "vitest";
import { gemm, type GemmArgs, SMALL_WORK } from "../../lib/kernels/gemm.ts";
import { gemmBlocked } from "../../lib/kernels/matmul_blocked.ts";
import {
  gemmWasm,
  setWasmKernelEnabled,
  wasmKernelAvailable,
} from "../../lib/kernels/matmul_wasm.ts";
import {
  addRow,
  allFinite,
  ifShape,
  matmul,
  matmulNT,
  matmulReference,
  matmulTN,
  Matrix,
  ShapeError,
  sumRows,
  transpose,
} from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";

const rng = new Random(20240611);

/** The reference product of op(a)·op(b), built from matmulReference and transpose. */
function reference(args: Omit<GemmArgs, "c">): Float64Array {
  const { m, n, k, a, b, transA, transB } = args;
  const A = transA ? transpose(new Matrix(k, m, a)) : new Matrix(m, k, a);
  const B = transB ? transpose(new Matrix(n, k, b)) : new Matrix(k, n, b);
  return matmulReference(A, B).data;
}

function randomArgs(m: number, n: number, k: number, transA: boolean, transB: boolean) {
  const a = rng.rand(transA ? k : m, transA ? m : k, -1, 1).data;
  const b = rng.rand(transB ? n : k, transB ? k : n, -1, 1).data;
  return { m, n, k, a, b, transA, transB };
}

/** Bit-for-bit equality: the kernels sum in the same order as the reference loop. */
function expectIdentical(actual: Float64Array, expected: Float64Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let t = 0; t < expected.length; t++) {
    if (actual[t] !== expected[t]) {
      expect.fail(`${what}: entry ${t} is ${actual[t]}, reference ${expected[t]}`);
    }
  }
}

// Odd sizes, sizes around the 4×4 tile, the 256 cache block and the 128-row A block,
// 1×1, empty and k = 0.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [0, 3, 4],
  [3, 0, 4],
  [3, 4, 0],
  [0, 0, 0],
  [1, 7, 1],
  [7, 1, 5],
  [5, 5, 5],
  [4, 4, 4],
  [13, 17, 11],
  [33, 3, 65],
  [64, 256, 78],
  [130, 9, 257],
  [3, 131, 300],
  [129, 130, 131],
];

const KERNELS: [string, (args: GemmArgs) => void][] = [
  ["gemmBlocked", gemmBlocked],
  ["gemmWasm", gemmWasm],
  ["gemm", gemm],
];

afterEach(() => {
  vi.unstubAllGlobals();
  setWasmKernelEnabled(true);
});

describe("matmul kernels equal the reference loop bit for bit", () => {
  it("the WebAssembly kernel loads in this engine", () => {
    expect(wasmKernelAvailable()).toBe(true);
  });

  for (const [name, kernel] of KERNELS) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${name}, transA=${transA}, transB=${transB}, ${SHAPES.length} shapes`, () => {
          for (const [m, n, k] of SHAPES) {
            const args = randomArgs(m, n, k, transA, transB);
            const c = new Float64Array(m * n).fill(NaN); // the kernel must overwrite c
            kernel({ ...args, c });
            expectIdentical(c, reference(args), `${name} ${m}×${k}·${k}×${n}`);
          }
        });
      }
    }
  }

  it("random shapes up to 150 with every transpose combination", () => {
    for (let trial = 0; trial < 40; trial++) {
      const m = rng.int(150), n = rng.int(150), k = rng.int(150);
      const args = randomArgs(m, n, k, rng.bernoulli(0.5), rng.bernoulli(0.5));
      for (const [name, kernel] of KERNELS) {
        const c = new Float64Array(m * n);
        kernel({ ...args, c });
        expectIdentical(c, reference(args), `${name} ${m}×${k}·${k}×${n}`);
      }
    }
  });

  it("a 300×520·520×270 product (several k blocks) and a call after a smaller one", () => {
    for (const [m, n, k] of [[300, 270, 520], [20, 30, 40], [300, 270, 520]]) {
      const args = randomArgs(m, n, k, false, false);
      const c = new Float64Array(m * n);
      gemmWasm({ ...args, c });
      expectIdentical(c, reference(args), `gemmWasm ${m}×${k}·${k}×${n}`);
    }
  });

  it("agrees within 1e-12 relative on data with mixed signs and magnitudes", () => {
    const m = 37, n = 41, k = 300;
    const a = rng.randn(m, k).map((v) => v * 10 ** rng.int(6));
    const b = rng.randn(k, n);
    const expected = matmulReference(a, b).data;
    const c = new Float64Array(m * n);
    gemmWasm({ m, n, k, a: a.data, b: b.data, c });
    for (let t = 0; t < c.length; t++) {
      expect(Math.abs(c[t] - expected[t])).toBeLessThanOrEqual(1e-12 * Math.abs(expected[t]));
    }
  });
});

describe("matmul dispatches to the fast kernels", () => {
  it("gives the reference result for small and large shapes", () => {
    for (const [m, n, k] of [[2, 3, 4], [16, 16, 16], [70, 90, 110], [1, 200, 300]]) {
      const a = rng.rand(m, k, -1, 1), b = rng.rand(k, n, -1, 1);
      expectIdentical(matmul(a, b).data, matmulReference(a, b).data, `matmul ${m}×${k}·${k}×${n}`);
    }
    expect(SMALL_WORK).toBeGreaterThan(0);
  });

  it("still throws a ShapeError naming matmul", () => {
    const a = new Matrix(40, 50), b = new Matrix(51, 60);
    expect(() => matmul(a, b)).toThrow(ShapeError);
    expect(() => matmul(a, b)).toThrow(/^matmul: cannot multiply 40×50 by 51×60/);
    expect(() => matmulReference(a, b)).toThrow(/^matmul:/);
  });

  it("handles empty and k = 0 products", () => {
    expect(matmul(new Matrix(0, 30), new Matrix(30, 40)).shape).toEqual([0, 40]);
    const z = matmul(new Matrix(30, 0), new Matrix(0, 40));
    expect(z.shape).toEqual([30, 40]);
    expect(z.data.every((v) => v === 0)).toBe(true);
  });
});

describe("WebAssembly is optional", () => {
  const a = rng.rand(70, 80, -1, 1), b = rng.rand(80, 90, -1, 1);
  const expected = matmulReference(a, b).data;

  it("falls back to TypeScript when the kernel is switched off", () => {
    setWasmKernelEnabled(false);
    expect(wasmKernelAvailable()).toBe(false);
    expect(() => gemmWasm({ m: 1, n: 1, k: 1, a: a.data, b: b.data, c: new Float64Array(1) }))
      .toThrow(/^gemmWasm:/);
    expectIdentical(matmul(a, b).data, expected, "matmul without wasm");
  });

  it("falls back when WebAssembly is undefined", () => {
    vi.stubGlobal("WebAssembly", undefined);
    setWasmKernelEnabled(true); // forget the loaded module, so loading is tried again
    expect(wasmKernelAvailable()).toBe(false);
    expectIdentical(matmul(a, b).data, expected, "matmul with WebAssembly undefined");
    const c = new Float64Array(70 * 90);
    gemm({ m: 70, n: 90, k: 80, a: a.data, b: b.data, c });
    expectIdentical(c, expected, "gemm with WebAssembly undefined");
  });

  it("falls back when compiling the module fails", () => {
    vi.stubGlobal("WebAssembly", {
      ...WebAssembly,
      Module: function () {
        throw new Error("CompileError: SIMD unsupported");
      },
    });
    setWasmKernelEnabled(true);
    expect(wasmKernelAvailable()).toBe(false);
    expectIdentical(matmul(a, b).data, expected, "matmul with a failing compile");
  });

  it("loads again once WebAssembly is back", () => {
    setWasmKernelEnabled(true);
    expect(wasmKernelAvailable()).toBe(true);
    expectIdentical(matmul(a, b).data, expected, "matmul with wasm");
  });
});

describe("matmulNT and matmulTN", () => {
  it("equal matmul with an explicit transpose, bit for bit, small and large", () => {
    const rng = new Random(11);
    for (
      const [m, k, n] of [[1, 1, 1], [3, 0, 2], [5, 7, 3], [17, 33, 9], [64, 784, 256], [
        40,
        30,
        20,
      ]]
    ) {
      const a = rng.randn(m, k), bT = rng.randn(n, k), aT = rng.randn(k, m), b = rng.randn(k, n);
      expect(Array.from(matmulNT(a, bT).data)).toEqual(
        Array.from(matmulReference(a, transpose(bT)).data),
      );
      expect(Array.from(matmulTN(aT, b).data)).toEqual(
        Array.from(matmulReference(transpose(aT), b).data),
      );
      expect(matmulNT(a, bT).shape).toEqual([m, n]);
      expect(matmulTN(aT, b).shape).toEqual([m, n]);
    }
  });

  it("name the operation and the shapes when they do not fit", () => {
    expect(() => matmulNT(new Matrix(2, 3), new Matrix(2, 4))).toThrow(
      "matmulNT: cannot multiply 2×3 by the transpose of 2×4 (3 ≠ 4)",
    );
    expect(() => matmulTN(new Matrix(2, 3), new Matrix(4, 3))).toThrow(
      "matmulTN: cannot multiply the transpose of 2×3 by 4×3 (2 ≠ 4)",
    );
  });
});

describe("out: writing a product into an existing matrix", () => {
  const rng = new Random(12);
  it("gives the same numbers as a new matrix, in the matrix passed", () => {
    for (const [m, k, n] of [[2, 3, 4], [64, 784, 256]]) {
      const a = rng.randn(m, k), b = rng.randn(k, n), bT = rng.randn(n, k), aT = rng.randn(k, m);
      const cases: [string, (out?: Matrix) => Matrix][] = [
        ["matmul", (out) => matmul(a, b, { out })],
        ["matmulNT", (out) => matmulNT(a, bT, { out })],
        ["matmulTN", (out) => matmulTN(aT, b, { out })],
      ];
      for (const [name, f] of cases) {
        const out = Matrix.filled(m, n, NaN); // old contents must not leak into the result
        expect(f(out), name).toBe(out);
        expectIdentical(out.data, f().data, `${name} ${m}×${k}×${n}`);
      }
    }
  });
  it("rejects an out of the wrong shape or sharing memory with an operand", () => {
    const a = rng.randn(3, 3), b = rng.randn(3, 3);
    expect(() => matmul(a, b, { out: new Matrix(3, 2) })).toThrow(
      "matmul: out must be 3×3, got 3×2",
    );
    expect(() => matmulNT(a, b, { out: a })).toThrow(/^matmulNT: out shares its memory/);
    expect(() => matmulTN(a, b, { out: b })).toThrow(/^matmulTN: out shares its memory/);
  });
  it("addRow may add in place, sumRows overwrites", () => {
    const a = Matrix.from([[1, 2], [3, 4]]), row = Matrix.from([[10, 20]]);
    expect(addRow(a, row, { out: a })).toBe(a);
    expect(a.toArray()).toEqual([[11, 22], [13, 24]]);
    const s = Matrix.filled(1, 2, 99);
    expect(sumRows(a, { out: s })).toBe(s);
    expect(s.toArray()).toEqual([[24, 46]]);
    expect(() => sumRows(a, { out: new Matrix(2, 1) })).toThrow("sumRows: out must be 1×2");
  });
  it("ifShape passes a matrix on only when its shape fits", () => {
    const m = new Matrix(2, 3);
    expect(ifShape(m, 2, 3)).toBe(m);
    expect(ifShape(m, 3, 2)).toBeUndefined();
    expect(ifShape(undefined, 2, 3)).toBeUndefined();
    expect(ifShape(null, 2, 3)).toBeUndefined();
  });
  it("allFinite finds NaN and ±Infinity anywhere", () => {
    expect(allFinite(Matrix.from([[1, -2], [1e308, 0]]))).toBe(true);
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (let k = 0; k < 4; k++) {
        const m = Matrix.from([[1, 2], [3, 4]]);
        m.data[k] = bad;
        expect(allFinite(m)).toBe(false);
      }
    }
  });
});
