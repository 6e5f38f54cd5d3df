/**
 * Matrix multiply with a WebAssembly SIMD128 micro-kernel (float64, two lanes a vector).
 *
 * How it is fast (the GotoBLAS scheme, in miniature):
 * - The product is cut into blocks: `KC` steps of the inner dimension and `MC` rows of A at a
 *   time, so the pieces being reused stay in cache.
 * - Each block of `op(A)` and `op(B)` is *packed* (copied) into WebAssembly memory in the order
 *   the micro-kernel reads it: A in panels of `SIMD_MR` rows, B in panels of `SIMD_NR` columns,
 *   padded with zeros at the edges. Packing is also where a transposed operand is read, so the
 *   kernel never sees a transpose.
 * - The micro-kernel (`matmul_simd.wat`) keeps an `SIMD_MR × SIMD_NR` tile of C in registers
 *   and, for every step p, adds (column p of the A panel) × (row p of the B panel) to it.
 *
 * Every entry of C is still summed over p = 0, 1, …, k−1 in order, starting from 0, with a
 * separate multiply and add (no fused multiply-add), so the result equals the plain triple loop
 * bit for bit, NaN and ∞ included.
 *
 * WebAssembly is optional: {@link wasmKernelAvailable} is false when `WebAssembly` is missing,
 * the engine lacks SIMD128, or compiling fails for any reason; callers then use the
 * TypeScript kernel. Nothing here reads files: the module's bytes are embedded.
 *
 * @module
 */
import type { GemmArgs } from "./gemm_types.ts";
import { MATMUL_SIMD_BASE64, SIMD_MR as MR, SIMD_NR as NR } from "./matmul_simd_bytes.ts";

/** Steps of the inner dimension packed at once (one B panel: KC×NR doubles = 8 KiB). */
const KC = 256;
/** Rows of A packed at once (a multiple of MR; one A block: MC×KC doubles = 256 KiB). */
const MC = MR * Math.floor(128 / MR);
/** Above this much WebAssembly memory (bytes) the caller should use another kernel. */
const MAX_BYTES = 1 << 30;

interface SimdKernel {
  memory: WebAssembly.Memory;
  kernel: (
    ap: number,
    bp: number,
    c: number,
    mp: number,
    np: number,
    kc: number,
    ldc: number,
  ) => void;
}

/** `undefined`: not tried yet; `null`: unavailable. */
let loaded: SimdKernel | null | undefined;
let enabled = true;

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes base64 without relying on `atob` (not every JavaScript engine has it). */
function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const clean = s.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0, nbits = 0, o = 0;
  for (const ch of clean) {
    bits = (bits << 6) | B64.indexOf(ch);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out[o++] = (bits >> nbits) & 0xff;
    }
  }
  return out;
}

function load(): SimdKernel | null {
  if (!enabled) return null;
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    if (typeof WebAssembly === "undefined") return null;
    const module = new WebAssembly.Module(decodeBase64(MATMUL_SIMD_BASE64));
    const instance = new WebAssembly.Instance(module, {});
    const { memory, kernel } = instance.exports as unknown as SimdKernel;
    if (!(memory instanceof WebAssembly.Memory) || typeof kernel !== "function") return null;
    loaded = { memory, kernel };
  } catch {
    loaded = null; // no SIMD128, compilation refused, …: the TypeScript path takes over
  }
  return loaded;
}

/** Whether the WebAssembly kernel can run here (compiles it on first call). */
export function wasmKernelAvailable(): boolean {
  return load() !== null;
}

/**
 * Turns the WebAssembly kernel off (`false`) or back on (`true`), and forgets a previous
 * attempt to load it, so the next call tries again. For tests and benchmarks that compare
 * the paths.
 */
export function setWasmKernelEnabled(on: boolean): void {
  enabled = on;
  loaded = undefined;
}

/** Bytes of WebAssembly memory a product of this shape needs. */
function bytesNeeded(m: number, n: number, k: number): number {
  const mPad = Math.ceil(m / MR) * MR, nPad = Math.ceil(n / NR) * NR;
  const kc = Math.min(k, KC);
  return 8 * (Math.min(mPad, MC) * kc + kc * nPad + mPad * nPad);
}

/** Whether {@link gemmWasm} can take a product of this shape (available and not too big). */
export function wasmKernelFits(m: number, n: number, k: number): boolean {
  return bytesNeeded(m, n, k) <= MAX_BYTES && load() !== null;
}

/**
 * `c = op(a) · op(b)` (see {@link GemmArgs}) with the SIMD128 kernel. Throws if the kernel is
 * unavailable or the product too big; check {@link wasmKernelFits} first.
 */
export function gemmWasm({ m, n, k, a, b, c, transA = false, transB = false }: GemmArgs): void {
  const w = load();
  if (w === null) throw new Error("gemmWasm: the WebAssembly kernel is not available");
  if (m === 0 || n === 0) return;
  if (k === 0) {
    c.fill(0, 0, m * n);
    return;
  }
  const need = bytesNeeded(m, n, k);
  if (need > MAX_BYTES) throw new RangeError(`gemmWasm: ${m}×${k}·${k}×${n} is too big`);
  const have = w.memory.buffer.byteLength;
  if (have < need) w.memory.grow(Math.ceil((need - have) / 65536));
  const mem = new Float64Array(w.memory.buffer);

  const mPad = Math.ceil(m / MR) * MR, nPad = Math.ceil(n / NR) * NR, np = nPad / NR;
  const kcMax = Math.min(k, KC), mcMax = Math.min(mPad, MC);
  // Layout in doubles: [A block | B block | C (mPad × nPad)].
  const aOff = 0, bOff = mcMax * kcMax, cOff = bOff + kcMax * nPad;
  mem.fill(0, cOff, cOff + mPad * nPad);

  // op(a)[i][p] = a[i*sai + p*sap]; op(b)[p][j] = b[p*sbp + j*sbj].
  const sai = transA ? 1 : k, sap = transA ? m : 1;
  const sbp = transB ? 1 : n, sbj = transB ? k : 1;

  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    // Pack B rows p0…p0+kc−1 into np panels of NR columns.
    for (let jp = 0; jp < np; jp++) {
      const base = bOff + jp * kc * NR;
      for (let cc = 0; cc < NR; cc++) {
        const j = jp * NR + cc;
        if (j < n) {
          for (let p = 0; p < kc; p++) mem[base + p * NR + cc] = b[(p0 + p) * sbp + j * sbj];
        } else {
          for (let p = 0; p < kc; p++) mem[base + p * NR + cc] = 0;
        }
      }
    }
    for (let i0 = 0; i0 < mPad; i0 += MC) {
      const mc = Math.min(MC, mPad - i0), mp = mc / MR;
      // Pack rows i0…i0+mc−1 of A (columns p0…) into mp panels of MR rows.
      for (let ip = 0; ip < mp; ip++) {
        const base = aOff + ip * kc * MR;
        for (let r = 0; r < MR; r++) {
          const i = i0 + ip * MR + r;
          if (i < m) {
            for (let p = 0; p < kc; p++) mem[base + p * MR + r] = a[i * sai + (p0 + p) * sap];
          } else {
            for (let p = 0; p < kc; p++) mem[base + p * MR + r] = 0;
          }
        }
      }
      w.kernel(8 * aOff, 8 * bOff, 8 * (cOff + i0 * nPad), mp, np, kc, nPad);
    }
  }
  // Copy C out: in one piece when it has no padded columns, else entry by entry (one
  // subarray a row would cost more than the copy for the narrow products of small networks).
  if (n === nPad) c.set(mem.subarray(cOff, cOff + m * n));
  else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) c[i * n + j] = mem[cOff + i * nPad + j];
    }
  }
}
