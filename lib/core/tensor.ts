/**
 * A minimal 4-D tensor for images, laid out as PyTorch does: NCHW.
 *
 * `shape = [n, c, h, w]` means `n` images (the batch), each with `c` channels of `h × w`
 * pixels. The numbers sit in one `Float64Array`, the last index (`w`) fastest, so entry
 * `(i, j, y, x)` lives at `((i·c + j)·h + y)·w + x` — exactly PyTorch's contiguous layout,
 * which is why reference values can be copied over as flat lists.
 *
 * Only what convolution and pooling need is here: construction, checked `get`/`set`,
 * conversion to and from nested arrays, and a flat {@link Matrix} view so that the
 * matrix tools (numerical gradients, relative error) work on tensors too.
 *
 * @module
 */

import { Matrix, NonFiniteError, ShapeError } from "./matrix.ts";

/** The four sizes of an NCHW tensor: batch, channels, height, width. */
export type Shape4 = [n: number, c: number, h: number, w: number];

/** Nested arrays `[n][c][h][w]`, as `tensor.tolist()` prints them in PyTorch. */
export type Nested4 = readonly (readonly (readonly (readonly number[])[])[])[];

/** A batch of multi-channel images: `n × c × h × w` float64 numbers, NCHW order. */
export class Tensor {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly data: Float64Array;

  /** Wraps `data` (kept, not copied, if it is a `Float64Array`) or allocates zeros. */
  constructor(shape: readonly number[], data?: Float64Array | readonly number[]) {
    if (shape.length !== 4 || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
      throw new ShapeError(
        `Tensor: shape must be four non-negative integers [n, c, h, w], got [${shape.join(", ")}]`,
      );
    }
    [this.n, this.c, this.h, this.w] = shape;
    const size = this.n * this.c * this.h * this.w;
    if (data === undefined) {
      this.data = new Float64Array(size);
    } else {
      if (data.length !== size) {
        throw new ShapeError(
          `Tensor: ${data.length} values cannot fill a ${shape.join("×")} tensor (needs ${size})`,
        );
      }
      this.data = data instanceof Float64Array ? data : Float64Array.from(data);
    }
  }

  /** Builds a tensor from `[n][c][h][w]` nested arrays; every level must be rectangular. */
  static from(values: Nested4): Tensor {
    const n = values.length;
    const c = n === 0 ? 0 : values[0].length;
    const h = c === 0 ? 0 : values[0][0].length;
    const w = h === 0 ? 0 : values[0][0][0].length;
    const out = new Tensor([n, c, h, w]);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (values[i].length !== c) {
        throw new ShapeError(
          `Tensor.from: item [${i}] has ${values[i].length} channels, [0] has ${c}`,
        );
      }
      for (let j = 0; j < c; j++) {
        if (values[i][j].length !== h) {
          throw new ShapeError(
            `Tensor.from: item [${i}][${j}] has ${values[i][j].length} rows, [0][0] has ${h}`,
          );
        }
        for (let y = 0; y < h; y++) {
          const row = values[i][j][y];
          if (row.length !== w) {
            throw new ShapeError(
              `Tensor.from: row [${i}][${j}][${y}] has ${row.length} values, [0][0][0] has ${w}`,
            );
          }
          for (let x = 0; x < w; x++) out.data[k++] = row[x];
        }
      }
    }
    return out;
  }

  static zeros(n: number, c: number, h: number, w: number): Tensor {
    return new Tensor([n, c, h, w]);
  }

  /** `[n, c, h, w]`, as PyTorch's `tensor.shape`. */
  get shape(): Shape4 {
    return [this.n, this.c, this.h, this.w];
  }

  get size(): number {
    return this.data.length;
  }

  /** Position of entry `(i, j, y, x)` in `data`; throws a RangeError outside the tensor. */
  index(i: number, j: number, y: number, x: number): number {
    if (
      !(i >= 0 && i < this.n && j >= 0 && j < this.c && y >= 0 && y < this.h && x >= 0 &&
        x < this.w)
    ) {
      throw new RangeError(
        `Tensor.index: (${i}, ${j}, ${y}, ${x}) is outside a ${tensorShapeOf(this)} tensor`,
      );
    }
    return ((i * this.c + j) * this.h + y) * this.w + x;
  }

  get(i: number, j: number, y: number, x: number): number {
    return this.data[this.index(i, j, y, x)];
  }

  set(i: number, j: number, y: number, x: number, value: number): void {
    this.data[this.index(i, j, y, x)] = value;
  }

  clone(): Tensor {
    return new Tensor(this.shape, this.data.slice());
  }

  /** Applies `f` to every entry and returns a new tensor of the same shape. */
  map(f: (value: number) => number): Tensor {
    return new Tensor(this.shape, this.data.map(f));
  }

  /** Nested arrays `[n][c][h][w]` (the inverse of {@link Tensor.from}). */
  toArray(): number[][][][] {
    const { n, c, h, w } = this;
    return Array.from(
      { length: n },
      (_, i) =>
        Array.from({ length: c }, (_, j) =>
          Array.from({ length: h }, (_, y) => {
            const start = ((i * c + j) * h + y) * w;
            return Array.from(this.data.subarray(start, start + w));
          })),
    );
  }

  toString(): string {
    return `Tensor ${tensorShapeOf(this)}`;
  }
}

/** `"2×3×5×5"`: how tensor shapes are written in error messages. */
export function tensorShapeOf(t: Tensor): string {
  return `${t.n}×${t.c}×${t.h}×${t.w}`;
}

/** Throws a {@link ShapeError} naming `op` if `a` and `b` have different shapes. */
export function assertSameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.n !== b.n || a.c !== b.c || a.h !== b.h || a.w !== b.w) {
    throw new ShapeError(`${op}: shapes ${tensorShapeOf(a)} and ${tensorShapeOf(b)} differ`);
  }
}

/** Throws a {@link NonFiniteError} naming `op` and the first NaN or ±Infinity entry. */
export function assertFiniteTensor(op: string, t: Tensor): void {
  for (let k = 0; k < t.data.length; k++) {
    if (!Number.isFinite(t.data[k])) {
      const x = k % t.w, y = Math.floor(k / t.w) % t.h;
      const j = Math.floor(k / (t.w * t.h)) % t.c, i = Math.floor(k / (t.w * t.h * t.c));
      throw new NonFiniteError(`${op}: entry (${i}, ${j}, ${y}, ${x}) is ${t.data[k]}`);
    }
  }
}

/**
 * A `1 × size` {@link Matrix} that shares the tensor's data (no copy). Changing one changes
 * the other, so `numericalGradient(f, flatView(x))` perturbs the tensor `x` in place, and
 * `relError(flatView(a), flatView(b))` compares two tensors.
 */
export function flatView(t: Tensor): Matrix {
  return new Matrix(1, t.data.length, t.data);
}
