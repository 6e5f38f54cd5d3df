/**
 * A small dense matrix over `Float64Array`, row-major, with shape-checked operations.
 *
 * Every operation checks its shapes first and throws a {@link ShapeError} that names the
 * operation and the shapes involved, so a mistake shows up where it is made and not as a
 * NaN three layers later. A vector is a matrix with one column (or one row).
 *
 * @module
 */
import { gemm, SMALL_WORK } from "../kernels/gemm.ts";

/** Thrown when the shapes given to an operation do not fit together. */
export class ShapeError extends Error {
  override name = "ShapeError";
}

/** Thrown when data holds NaN or ±Infinity where finite numbers are required. */
export class NonFiniteError extends Error {
  override name = "NonFiniteError";
}

/** A `rows × cols` matrix of float64 numbers stored row by row. */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array | readonly number[]) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new ShapeError(`Matrix: shape must be two non-negative integers, got ${rows}×${cols}`);
    }
    this.rows = rows;
    this.cols = cols;
    if (data === undefined) {
      this.data = new Float64Array(rows * cols);
    } else {
      if (data.length !== rows * cols) {
        throw new ShapeError(
          `Matrix: ${data.length} values cannot fill a ${rows}×${cols} matrix (needs ${
            rows * cols
          })`,
        );
      }
      this.data = data instanceof Float64Array ? data : Float64Array.from(data);
    }
  }

  /** Builds a matrix from nested arrays; every row must have the same length. */
  static from(rows: readonly (readonly number[])[]): Matrix {
    const cols = rows.length === 0 ? 0 : rows[0].length;
    const out = new Matrix(rows.length, cols);
    rows.forEach((row, i) => {
      if (row.length !== cols) {
        throw new ShapeError(
          `Matrix.from: row ${i} has ${row.length} values, row 0 has ${cols}`,
        );
      }
      out.data.set(row, i * cols);
    });
    return out;
  }

  /** A column vector (n × 1). */
  static column(values: readonly number[] | Float64Array): Matrix {
    return new Matrix(values.length, 1, Float64Array.from(values));
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  static filled(rows: number, cols: number, value: number): Matrix {
    return new Matrix(rows, cols, new Float64Array(rows * cols).fill(value));
  }

  static identity(n: number): Matrix {
    const out = new Matrix(n, n);
    for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
    return out;
  }

  /** `[rows, cols]`, as numpy and PyTorch write a shape. */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get size(): number {
    return this.data.length;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  /** Row `i` as a new array. */
  row(i: number): number[] {
    return Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols));
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** Applies `f` to every element and returns a new matrix. */
  map(f: (value: number, i: number, j: number) => number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    const src = this.data, dst = out.data, cols = this.cols;
    for (let i = 0, k = 0; i < this.rows; i++) {
      for (let j = 0; j < cols; j++, k++) dst[k] = f(src[k], i, j);
    }
    return out;
  }

  toArray(): number[][] {
    return Array.from({ length: this.rows }, (_, i) => this.row(i));
  }

  toString(): string {
    return `Matrix ${this.rows}×${this.cols}`;
  }
}

/** `"3×4"`: how shapes are written in error messages. */
export function shapeOf(m: Matrix): string {
  return `${m.rows}×${m.cols}`;
}

function sameShape(op: string, a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(`${op}: shapes ${shapeOf(a)} and ${shapeOf(b)} differ`);
  }
}

/** Throws a {@link NonFiniteError} naming `op` and the first bad entry. */
export function assertFinite(op: string, m: Matrix): void {
  for (let k = 0; k < m.data.length; k++) {
    if (!Number.isFinite(m.data[k])) {
      const i = Math.floor(k / m.cols), j = k % m.cols;
      throw new NonFiniteError(`${op}: entry (${i}, ${j}) is ${m.data[k]}`);
    }
  }
}

/** Whether every entry of `m` is a finite number (no NaN, no ±∞). */
export function allFinite(m: Matrix): boolean {
  const d = m.data;
  for (let k = 0; k < d.length; k++) if (!Number.isFinite(d[k])) return false;
  return true;
}

function checkInner(a: Matrix, b: Matrix): void {
  if (a.cols !== b.rows) {
    throw new ShapeError(
      `matmul: cannot multiply ${shapeOf(a)} by ${shapeOf(b)} (inner sizes ${a.cols} ≠ ${b.rows})`,
    );
  }
}

/** PyTorch's `out=`, for the operations that take it. */
export interface OutOptions {
  /**
   * A matrix of the result's shape to write into instead of allocating a new one (a training
   * loop reuses its buffers from step to step). It must not be one of the operands.
   */
  out?: Matrix;
}

/** `o.out` checked for shape and aliasing, or a new `rows × cols` matrix. */
function outMatrix(
  op: string,
  rows: number,
  cols: number,
  o: OutOptions,
  ...inputs: Matrix[]
): Matrix {
  const { out } = o;
  if (out === undefined) return new Matrix(rows, cols);
  if (out.rows !== rows || out.cols !== cols) {
    throw new ShapeError(`${op}: out must be ${rows}×${cols}, got ${shapeOf(out)}`);
  }
  if (inputs.some((m) => m.data.buffer === out.data.buffer)) {
    throw new Error(`${op}: out shares its memory with an operand`);
  }
  return out;
}

/** `m` if it is a `rows × cols` matrix, otherwise `undefined`: a buffer to reuse if it fits. */
export function ifShape(
  m: Matrix | null | undefined,
  rows: number,
  cols: number,
): Matrix | undefined {
  return m && m.rows === rows && m.cols === cols ? m : undefined;
}

/** The matrix product `a · b`; `a` is m×k, `b` is k×n. */
export function matmul(a: Matrix, b: Matrix, o: OutOptions = {}): Matrix {
  checkInner(a, b);
  // Small products run the readable loop below. Larger ones go to a fast kernel from
  // lib/kernels/ (WebAssembly SIMD128, or cache-blocked TypeScript without WebAssembly) that
  // sums every entry in the same order, so the numbers are the same, only sooner.
  if (a.rows * a.cols * b.cols < SMALL_WORK && o.out === undefined) return matmulReference(a, b);
  const out = outMatrix("matmul", a.rows, b.cols, o, a, b);
  gemm({ m: a.rows, n: b.cols, k: a.cols, a: a.data, b: b.data, c: out.data });
  return out;
}

/**
 * `a · bᵀ` without building the transpose (a linear layer's `x · Wᵀ`); `a` is m×k, `b` is
 * n×k. Equal, bit for bit, to `matmul(a, transpose(b))`.
 */
export function matmulNT(a: Matrix, b: Matrix, o: OutOptions = {}): Matrix {
  if (a.cols !== b.cols) {
    throw new ShapeError(
      `matmulNT: cannot multiply ${shapeOf(a)} by the transpose of ${
        shapeOf(b)
      } (${a.cols} ≠ ${b.cols})`,
    );
  }
  const out = outMatrix("matmulNT", a.rows, b.rows, o, a, b);
  gemm({ m: a.rows, n: b.rows, k: a.cols, a: a.data, b: b.data, c: out.data, transB: true });
  return out;
}

/**
 * `aᵀ · b` without building the transpose (a weight gradient's `doutᵀ · x`); `a` is k×m,
 * `b` is k×n. Equal, bit for bit, to `matmul(transpose(a), b)`.
 */
export function matmulTN(a: Matrix, b: Matrix, o: OutOptions = {}): Matrix {
  if (a.rows !== b.rows) {
    throw new ShapeError(
      `matmulTN: cannot multiply the transpose of ${shapeOf(a)} by ${
        shapeOf(b)
      } (${a.rows} ≠ ${b.rows})`,
    );
  }
  const out = outMatrix("matmulTN", a.cols, b.cols, o, a, b);
  gemm({ m: a.cols, n: b.cols, k: a.rows, a: a.data, b: b.data, c: out.data, transA: true });
  return out;
}

/**
 * The reference matrix product `a · b`: the plain triple loop, `C[i][j] = Σ_p A[i][p]·B[p][j]`
 * summed over p = 0, 1, …, k−1. `matmul` gives the same result faster for large sizes.
 */
export function matmulReference(a: Matrix, b: Matrix): Matrix {
  checkInner(a, b);
  const m = a.rows, k = a.cols, n = b.cols;
  const out = new Matrix(m, n);
  const A = a.data, B = b.data, C = out.data;
  // i-p-j order: the inner loop walks rows of B and C contiguously.
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      for (let j = 0; j < n; j++) C[i * n + j] += aip * B[p * n + j];
    }
  }
  return out;
}

/** The transpose `aᵀ` as a new matrix. */
export function transpose(a: Matrix): Matrix {
  const out = new Matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j];
  }
  return out;
}

function zip(op: string, a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  sameShape(op, a, b);
  const out = new Matrix(a.rows, a.cols);
  const x = a.data, y = b.data, z = out.data;
  for (let k = 0; k < z.length; k++) z[k] = f(x[k], y[k]);
  return out;
}

/** Element-wise sum `a + b` (same shapes). */
export function add(a: Matrix, b: Matrix): Matrix {
  return zip("add", a, b, (x, y) => x + y);
}

/** Element-wise difference `a − b` (same shapes). */
export function sub(a: Matrix, b: Matrix): Matrix {
  return zip("sub", a, b, (x, y) => x - y);
}

/** Element-wise (Hadamard) product `a ⊙ b`. */
export function mul(a: Matrix, b: Matrix): Matrix {
  return zip("mul", a, b, (x, y) => x * y);
}

/** Every entry of `a` times the number `s`, as a new matrix. */
export function scale(a: Matrix, s: number): Matrix {
  const out = new Matrix(a.rows, a.cols);
  const x = a.data, z = out.data;
  for (let k = 0; k < z.length; k++) z[k] = x[k] * s;
  return out;
}

/**
 * Adds a 1×n row vector to every row of an m×n matrix (broadcasting, as `x + b`).
 * `o.out` may be `a` itself: the sum is then taken in place.
 */
export function addRow(a: Matrix, row: Matrix, o: OutOptions = {}): Matrix {
  if (row.rows !== 1 || row.cols !== a.cols) {
    throw new ShapeError(`addRow: cannot add a ${shapeOf(row)} row to each row of ${shapeOf(a)}`);
  }
  const out = o.out === a ? a : outMatrix("addRow", a.rows, a.cols, o, a, row);
  const x = a.data, r = row.data, z = out.data, n = a.cols;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < n; j++) z[i * n + j] = x[i * n + j] + r[j];
  }
  return out;
}

/** Sums over rows: an m×n matrix becomes 1×n (the bias gradient of a batch). */
export function sumRows(a: Matrix, o: OutOptions = {}): Matrix {
  const out = outMatrix("sumRows", 1, a.cols, o, a);
  const x = a.data, s = out.data.fill(0), n = a.cols;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < n; j++) s[j] += x[i * n + j];
  }
  return out;
}

/** Sum of all entries. */
export function sum(a: Matrix): number {
  let s = 0;
  for (const x of a.data) s += x;
  return s;
}

/** Largest absolute difference between two matrices of the same shape. */
export function maxAbsDiff(a: Matrix, b: Matrix): number {
  sameShape("maxAbsDiff", a, b);
  let m = 0;
  for (let k = 0; k < a.data.length; k++) m = Math.max(m, Math.abs(a.data[k] - b.data[k]));
  return m;
}
