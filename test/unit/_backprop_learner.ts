/**
 * A learner's `twoLayerLoss` for tests, written independently of lib/'s backprop, with one
 * deliberate bug (or none): the common mistakes fed through the backprop checks.
 *
 * @module
 */
import { matmul, Matrix, transpose } from "../../lib/core/matrix.ts";

export type Bug =
  | "none"
  | "transposedDW1"
  | "transposedDW2"
  | "noMean"
  | "flippedSign"
  | "zeroBias"
  | "derivativeAtActivation"
  | "noDerivative"
  | "dW2FromZ1"
  | "lossSummed"
  | "twiceMean"
  | "transposedNoMeanDW2"
  | "zeroDb1"
  | "noMaxShift";

export interface Params {
  W1: Matrix;
  b1: Matrix;
  W2: Matrix;
  b2: Matrix;
}

/** A learner's twoLayerLoss, written independently of lib/, with one deliberate bug. */
export function learner(bug: Bug) {
  return (x: Matrix, y: number[], p: Params, activation: "sigmoid" | "relu") => {
    const N = x.rows, C = p.W2.rows;
    const f = activation === "sigmoid"
      ? (z: number) => 1 / (1 + Math.exp(-z))
      : (z: number) => Math.max(0, z);
    const df = activation === "sigmoid"
      ? (z: number) => f(z) * (1 - f(z))
      : (z: number) => (z > 0 ? 1 : 0);
    const z1 = matmul(x, transpose(p.W1)).map((v, _n, i) => v + p.b1.data[i]);
    const a1 = z1.map(f);
    const s = matmul(a1, transpose(p.W2)).map((v, _n, c) => v + p.b2.data[c]);
    let loss = 0;
    const ds = new Matrix(N, C);
    for (let n = 0; n < N; n++) {
      const row = s.row(n);
      const m = bug === "noMaxShift" ? 0 : Math.max(...row);
      const z = m + Math.log(row.reduce((t, v) => t + Math.exp(v - m), 0));
      loss += z - row[y[n]];
      for (let c = 0; c < C; c++) {
        const g = Math.exp(row[c] - z) - (c === y[n] ? 1 : 0);
        ds.set(n, c, (bug === "flippedSign" ? -g : g) / (bug === "noMean" ? 1 : N));
      }
    }
    if (bug !== "lossSummed") loss /= N;
    const colSums = (d: Matrix) =>
      bug === "zeroBias"
        ? new Matrix(1, d.cols)
        : new Matrix(1, d.cols, d.toArray().reduce((t, r) => t.map((v, j) => v + r[j])));
    const dW2 = bug === "transposedDW2"
      ? matmul(transpose(a1), ds)
      : bug === "transposedNoMeanDW2"
      ? matmul(transpose(a1), ds).map((v) => v * N)
      : bug === "twiceMean"
      ? matmul(transpose(ds), a1).map((v) => v / N)
      : matmul(transpose(ds), bug === "dW2FromZ1" ? z1 : a1);
    const back = matmul(ds, p.W2);
    const d1 = bug === "noDerivative"
      ? back
      : back.map((v, n, i) =>
        v * (bug === "derivativeAtActivation" ? df(a1.get(n, i)) : df(z1.get(n, i)))
      );
    const dW1 = bug === "transposedDW1" ? matmul(transpose(x), d1) : matmul(transpose(d1), x);
    const db1 = bug === "zeroDb1" ? new Matrix(1, d1.cols) : colSums(d1);
    return { loss, dW1, db1, dW2, db2: colSums(ds) };
  };
}
