/**
 * Chooses the fastest available matrix-multiply kernel for a product.
 *
 * - Small products (fewer than {@link SMALL_WORK} multiply-adds) use the cache-blocked
 *   TypeScript kernel: setting up the WebAssembly call would cost more than it saves.
 * - Larger ones use the WebAssembly SIMD128 kernel when it is available.
 * - Otherwise (no WebAssembly, compilation failed, or a product too big for its memory) the
 *   TypeScript kernel does the work.
 *
 * All paths give the same numbers as the reference loop `matmulReference` in
 * `lib/core/matrix.ts` (same summation order), so the choice changes speed, never results.
 *
 * @module
 */
import type { GemmArgs } from "./gemm_types.ts";
import { gemmBlocked } from "./matmul_blocked.ts";
import { gemmWasm, wasmKernelFits } from "./matmul_wasm.ts";

export type { GemmArgs, GemmKernel } from "./gemm_types.ts";

/** Below this many multiply-adds (m·n·k) the TypeScript kernel is used. */
export const SMALL_WORK = 16 * 16 * 16;

/** `c = op(a) · op(b)` with the best kernel available (see {@link GemmArgs}). */
export function gemm(args: GemmArgs): void {
  const { m, n, k } = args;
  if (m * n * k >= SMALL_WORK && wasmKernelFits(m, n, k)) gemmWasm(args);
  else gemmBlocked(args);
}
