/**
 * lib/core/eigen.ts, lib/data/whiten.ts and lib/data/select.ts: the symmetric
 * eigen-decomposition against numpy's eigh; covariance, PCA (whitened) and ZCA against numpy and
 * scikit-learn on a small matrix and on 1000 Fashion-MNIST images at 14×14; the F statistic and
 * the k best features against scikit-learn's f_classif and SelectKBest.
 */

import { describe, expect, it } from "vitest";
import { matmul, matmulTN, Matrix, transpose } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { takeColumns } from "../../lib/core/numeric.ts";
import { symmetricEigen } from "../../lib/core/eigen.ts";
import { covariance, pca, zca } from "../../lib/data/whiten.ts";
import { fClassif, selectKBest } from "../../lib/data/select.ts";
import { downsample } from "../../lib/data/downsample.ts";
import { loadFashionMnist } from "../../tools/fashion_mnist.ts";
import reference from "../reference/preprocessing.json" with { type: "json" };
import { expectClose } from "./_compare.ts";

const small = Matrix.from(reference.small.x), smallTest = Matrix.from(reference.small.test);

/** The largest |entry| of `c − I`. */
function offIdentity(c: Matrix): number {
  let worst = 0;
  for (let i = 0; i < c.rows; i++) {
    for (let j = 0; j < c.cols; j++) {
      worst = Math.max(worst, Math.abs(c.get(i, j) - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

/** `rows` (k×D) and scikit-learn's, which may differ by a sign per row: the signs that match. */
function signsAgainst(rows: Matrix, want: number[][]): number[] {
  return want.map((w, i) => (w.reduce((s, v, j) => s + v * rows.get(i, j), 0) < 0 ? -1 : 1));
}

describe("symmetricEigen", () => {
  it("matches numpy's eigh on a random symmetric 6×6 matrix (largest first, signs fixed)", () => {
    const { values, vectors } = symmetricEigen(Matrix.from(reference.eigen.a));
    expectClose(values, reference.eigen.values, 1e-12, 1e-12);
    expectClose(vectors, reference.eigen.vectors, 1e-10, 1e-12);
  });

  it("gives A·V = V·diag(λ) and VᵀV = I, also with repeated eigenvalues", () => {
    // B·diag(3, 3, 1, 1, 1)·Bᵀ for an orthogonal B (the eigenvectors of a random Gram matrix).
    const x = new Random(1).randn(8, 5), g = matmulTN(x, x);
    const basis = symmetricEigen(g).vectors;
    const lam = [3, 3, 1, 1, 1];
    const a = matmul(basis.map((v, _i, j) => v * lam[j]), transpose(basis));
    const { values, vectors } = symmetricEigen(a);
    expectClose(values, lam, 1e-12, 1e-12);
    expectClose(matmul(a, vectors), vectors.map((v, _i, j) => v * values[j]), 1e-10, 1e-12);
    expect(offIdentity(matmulTN(vectors, vectors))).toBeLessThan(1e-12);
  });

  it("diagonalises the covariance of 196 pixels to rounding", () => {
    const x = new Random(2).randn(300, 196), c = covariance(x);
    const { values, vectors } = symmetricEigen(c);
    const residual = matmul(c, vectors).data.map((v, k) => v - vectors.data[k] * values[k % 196]);
    expect(Math.max(...residual.map(Math.abs))).toBeLessThan(1e-12);
    expect(values.every((v, i) => i === 0 || v <= values[i - 1])).toBe(true);
  });

  it("rejects non-square, non-symmetric and non-finite input, naming the problem", () => {
    expect(() => symmetricEigen(new Matrix(2, 3))).toThrow(/^symmetricEigen: expected a square/);
    expect(() => symmetricEigen(Matrix.from([[1, 2], [0, 1]]))).toThrow(
      /^symmetricEigen: the matrix is not symmetric: a\[0\]\[1\] = 2 but a\[1\]\[0\] = 0/,
    );
    expect(() => symmetricEigen(Matrix.from([[NaN]]))).toThrow(/^symmetricEigen/);
    expect(() => symmetricEigen(Matrix.from([[2, 1], [1, 2]]), { maxSweeps: 0 })).toThrow(
      /not converged after 0 sweeps/,
    );
  });
});

describe("covariance", () => {
  it("divides by N − 1, as np.cov", () => {
    const c = covariance(Matrix.from([[1, 2], [3, 6], [5, 4]]));
    expectClose(c, [[4, 2], [2, 4]], 1e-14);
  });

  it("needs two rows", () => {
    expect(() => covariance(new Matrix(1, 3))).toThrow(
      /^covariance: a covariance needs at least 2 rows/,
    );
  });
});

describe("pca", () => {
  for (
    const [name, want, load] of [
      ["a random 40×5 matrix", reference.pca_small, () => ({ x: small, test: smallTest })],
      [
        "1000 Fashion-MNIST images at 14×14",
        reference.pca_fashion,
        async () => {
          const [train, test] = await Promise.all([
            loadFashionMnist("train", { limit: 1000 }),
            loadFashionMnist("test", { limit: 3 }),
          ]);
          return { x: downsample(train.x), test: downsample(test.x) };
        },
      ],
    ] as const
  ) {
    it(`matches scikit-learn's PCA(whiten=True) on ${name}`, async () => {
      const { x, test } = await load();
      const p = pca(x, { components: want.components, whiten: true });
      expectClose(p.mean, want.mean, 1e-13, 1e-15);
      expectClose(p.explainedVariance, want.explainedVariance, 1e-9, 1e-14);
      expectClose(p.explainedVarianceRatio, want.explainedVarianceRatio, 1e-9, 1e-14);
      const signs = signsAgainst(p.components, want.rows);
      const rows = want.rows.map((r, i) => r.map((v) => signs[i] * v));
      expectClose(takeRowsOf(p.components, rows.length), rows, 1e-8, 1e-10);
      const z = p.apply(test);
      if (want.rows.length === want.components) {
        expectClose(z.map((v, _i, j) => v * signs[j]), want.test, 1e-8, 1e-10);
      } else {
        // Only the first rows' signs are known here: their columns must match, and every
        // column must match up to a sign.
        for (let j = 0; j < want.components; j++) {
          const col = want.test.map((r) => r[j]);
          const ours = want.test.map((_, i) => z.get(i, j));
          const s = j < signs.length ? signs[j] : Math.sign(ours[0] * col[0]) || 1;
          expectClose(ours.map((v) => s * v), col, 1e-8, 1e-10);
        }
      }
    }, 30_000);
  }

  it("whitened training data has covariance I; without whitening, diag(λ)", () => {
    const white = covariance(pca(small, { whiten: true }).apply(small));
    expect(offIdentity(white)).toBeLessThan(1e-12);
    const p = pca(small), c = covariance(p.apply(small));
    expectClose(
      c,
      Matrix.identity(5).map((_v, i, j) => (i === j ? p.explainedVariance[i] : 0)),
      1e-10,
      1e-12,
    );
  });

  it("names bad options and a direction of zero variance", () => {
    expect(() => pca(small, { components: 6 })).toThrow(
      /^pca: components must be a whole number in \[1, 5\], got 6/,
    );
    expect(() => pca(small, { eps: -1 })).toThrow(/^pca: eps must be a finite number ≥ 0/);
    const flat = small.map((v, _i, j) => (j === 4 ? 7 : v));
    expect(() => pca(flat, { whiten: true })).toThrow(
      /^pca: direction 5 has variance .* Pass eps > 0/,
    );
    expect(() => pca(flat, { whiten: true, eps: 1e-3 })).not.toThrow();
    expect(() => pca(small).apply(new Matrix(1, 4))).toThrow(
      /^pca: fitted on 5 columns, cannot apply to 1×4/,
    );
  });
});

describe("zca", () => {
  it("matches the closed form U·diag(λ + ε)^(−1/2)·Uᵀ on a random 40×5 matrix", () => {
    for (const want of reference.zca_small) {
      const z = zca(small, { eps: want.eps });
      expectClose(z.matrix, want.matrix, 1e-10, 1e-12);
      expectClose(z.apply(smallTest), want.test, 1e-10, 1e-12);
    }
  });

  it("matches it on 1000 Fashion-MNIST images at 14×14 (ε = 1e-4)", async () => {
    const want = reference.zca_fashion;
    const [train, test] = await Promise.all([
      loadFashionMnist("train", { limit: want.images }),
      loadFashionMnist("test", { limit: 3 }),
    ]);
    const z = zca(downsample(train.x), { eps: want.eps });
    expectClose(
      Array.from({ length: 196 }, (_, i) => z.matrix.get(i, i)),
      want.diagonal,
      1e-8,
      1e-10,
    );
    expectClose(z.apply(downsample(test.x)), want.test, 1e-8, 1e-10);
  }, 30_000);

  it("whitens (covariance I with ε = 0), is symmetric, and changes the data least", () => {
    const z = zca(small);
    expect(offIdentity(covariance(z.apply(small)))).toBeLessThan(1e-12);
    expectClose(z.matrix, transpose(z.matrix), 0, 1e-15);
    // Any whitening map is W·R with R orthogonal; PCA whitening is one of them.
    const centred = small.map((v, _i, j) => v - z.mean.get(0, j));
    const change = (y: Matrix) => y.data.reduce((s, v, k) => s + (v - centred.data[k]) ** 2, 0);
    expect(change(z.apply(small))).toBeLessThan(change(pca(small, { whiten: true }).apply(small)));
  });

  it("names a bad ε", () => {
    expect(() => zca(small, { eps: NaN })).toThrow(/^zca: eps must be a finite number ≥ 0/);
  });
});

function takeRowsOf(m: Matrix, k: number): number[][] {
  return m.toArray().slice(0, k);
}

describe("fClassif and selectKBest", () => {
  it("match scikit-learn's f_classif on a random 30×4 matrix", () => {
    const f = reference.f_classif;
    expectClose(fClassif(Matrix.from(f.x), f.y), f.f, 1e-10);
  });

  it("match f_classif and SelectKBest(k=10) on 1000 Fashion-MNIST images at 14×14", async () => {
    const f = reference.f_classif;
    const train = await loadFashionMnist("train", { limit: f.images });
    const scores = fClassif(downsample(train.x), train.y);
    expectClose(f.pixels.map((p) => scores[p]), f.imageF, 1e-9);
    expect(selectKBest(scores, 10)).toEqual(f.best10);
  }, 30_000);

  it("give NaN for a constant column and +∞ for one constant within each class", () => {
    const x = Matrix.from([[1, 0], [1, 0], [1, 5], [1, 5]]);
    const f = fClassif(x, [0, 0, 1, 1]);
    expect(f[0]).toBeNaN();
    expect(f[1]).toBe(Infinity);
    expect(selectKBest([NaN, 2, Infinity, 2], 3)).toEqual([2, 1, 3]);
  });

  it("name what is wrong", () => {
    expect(() => fClassif(new Matrix(3, 2), [0, 1])).toThrow(/^fClassif: 2 labels for 3 rows/);
    expect(() => fClassif(new Matrix(3, 2), [0, 0, 0])).toThrow(
      /^fClassif: need at least 2 classes/,
    );
    expect(() => fClassif(new Matrix(2, 2), [0, 1])).toThrow(/^fClassif: need more examples/);
    expect(() => selectKBest([1, 2], 3)).toThrow(
      /^selectKBest: k must be a whole number in \[1, 2\]/,
    );
  });
});

describe("takeColumns", () => {
  it("picks columns in the order asked, and names a column that is not there", () => {
    const x = Matrix.from([[1, 2, 3], [4, 5, 6]]);
    expect(takeColumns(x, [2, 0]).toArray()).toEqual([[3, 1], [6, 4]]);
    expect(() => takeColumns(x, [3])).toThrow(/^takeColumns: column 3 is not a column of 2×3/);
  });
});
