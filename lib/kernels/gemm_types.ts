/**
 * The common shape of a matrix-multiply kernel in `lib/kernels/`.
 *
 * A kernel computes `C = op(A) · op(B)` on plain row-major `Float64Array`s, where `op(X)` is
 * `X` or its transpose `Xᵀ`. Reading a transposed operand in place saves building the
 * transpose: a linear layer's forward pass is `x · Wᵀ` and its weight gradient is
 * `doutᵀ · x`, so both transposes show up in every training step.
 *
 * @module
 */

/** Arguments of a kernel call: `c` (m×n) receives `op(a) · op(b)`. */
export interface GemmArgs {
  /** Rows of `op(a)` and of `c`. */
  m: number;
  /** Columns of `op(b)` and of `c`. */
  n: number;
  /** Columns of `op(a)` = rows of `op(b)` (the length of each dot product). */
  k: number;
  /** `a` stored m×k, or k×m when `transA` is set. */
  a: Float64Array;
  /** `b` stored k×n, or n×k when `transB` is set. */
  b: Float64Array;
  /** Output, m×n; overwritten. */
  c: Float64Array;
  /** Use `aᵀ` (a is stored k×m). */
  transA?: boolean;
  /** Use `bᵀ` (b is stored n×k). */
  transB?: boolean;
}

/** A kernel: fills `args.c` with `op(a) · op(b)`. */
export type GemmKernel = (args: GemmArgs) => void;
