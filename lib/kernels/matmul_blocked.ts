/**
 * A cache-blocked matrix multiply in plain TypeScript: the fallback fast path when
 * WebAssembly is not available.
 *
 * Same arithmetic as the reference `matmulReference` in `lib/core/matrix.ts` (each entry
 * `C[i][j]` is summed over `p = 0, 1, …, k−1` in that order, starting from 0), so the result
 * is identical bit for bit; only the order in which the entries are visited changes:
 *
 * - four rows of C are updated together, so each loaded value of B serves four rows;
 * - the columns and the inner dimension are cut into blocks of 256, so the block of B being
 *   reused (256×256 doubles, 512 KiB) stays in the processor's L2 cache;
 * - a transposed B is first copied to row-major order, so the innermost loop always walks
 *   memory contiguously (a transposed A is read in place: only one value per row is needed).
 *
 * Like the reference it skips nothing, so 0·∞ and 0·NaN give NaN (IEEE 754, as PyTorch).
 *
 * @module
 */
import type { GemmArgs } from "./gemm_types.ts";

const BLOCK = 256;

/** `c = op(a) · op(b)` (see {@link GemmArgs}), cache-blocked, bit-identical to the plain loop. */
export function gemmBlocked({ m, n, k, a, b, c, transA = false, transB = false }: GemmArgs): void {
  c.fill(0, 0, m * n);
  if (m === 0 || n === 0 || k === 0) return;
  let B = b;
  if (transB) {
    // b is n×k; copy bᵀ (k×n) so rows of op(b) are contiguous.
    B = new Float64Array(k * n);
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) B[p * n + j] = b[j * k + p];
    }
  }
  // op(a)[i][p] lives at a[i*sa + p*sp].
  const sa = transA ? 1 : k, sp = transA ? m : 1;
  for (let j0 = 0; j0 < n; j0 += BLOCK) {
    const j1 = Math.min(n, j0 + BLOCK);
    for (let p0 = 0; p0 < k; p0 += BLOCK) {
      const p1 = Math.min(k, p0 + BLOCK);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        for (let p = p0; p < p1; p++) {
          const ap = i * sa + p * sp;
          const a0 = a[ap], a1 = a[ap + sa], a2 = a[ap + 2 * sa], a3 = a[ap + 3 * sa];
          const bp = p * n;
          for (let j = j0; j < j1; j++) {
            const bv = B[bp + j];
            c[c0 + j] += a0 * bv;
            c[c1 + j] += a1 * bv;
            c[c2 + j] += a2 * bv;
            c[c3 + j] += a3 * bv;
          }
        }
      }
      for (; i < m; i++) {
        const c0 = i * n;
        for (let p = p0; p < p1; p++) {
          const a0 = a[i * sa + p * sp];
          const bp = p * n;
          for (let j = j0; j < j1; j++) c[c0 + j] += a0 * B[bp + j];
        }
      }
    }
  }
}
