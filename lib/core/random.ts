/**
 * A seedable pseudo-random generator: xoshiro128** seeded through splitmix32.
 *
 * Only 32-bit integer arithmetic (`Math.imul`, shifts) and IEEE-exact operations (+, −, ×, ÷,
 * √), so the same seed gives the same numbers bit for bit in the Deno kernel, under tests, in
 * Node and in a browser. Normal samples use Marsaglia's polar method with the library's own
 * logarithm ({@link log}): engines' `Math.log`, `Math.sin` and `Math.cos` may differ in the last
 * bit from one JavaScript engine to another, which would make "the same seed" mean different
 * numbers. `Math.random` is never used in the course: every figure and every check is repeatable.
 *
 * @module
 */

import { Matrix } from "./matrix.ts";

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seeded generator (xoshiro128**): the same seed gives the same uniforms, normals, shuffles
 * and matrices in every engine. The only source of randomness in the course.
 */
export class Random {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new TypeError(`Random: seed must be an integer, got ${seed}`);
    }
    const next = splitmix32(seed);
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** Uniform on [0, 1) with all 53 bits of a double filled. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform on [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Normal with the given mean and standard deviation (Marsaglia's polar method, pairs cached). */
  normal(mean = 0, std = 1): number {
    if (this.#spareNormal !== undefined) {
      const z = this.#spareNormal;
      this.#spareNormal = undefined;
      return mean + std * z;
    }
    // A uniform point in the unit disc (about 79% of tries land inside); then
    // (u, v)·√(−2 ln s / s) are two independent standard normals.
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt(-2 * log(s) / s);
    this.#spareNormal = v * factor;
    return mean + std * u * factor;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(`Random.int: n must be a positive integer, got ${n}`);
    }
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** A new array with the items in random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** A rows × cols matrix of normal samples. */
  randn(rows: number, cols: number, std = 1): Matrix {
    const m = new Matrix(rows, cols);
    for (let k = 0; k < m.data.length; k++) m.data[k] = this.normal(0, std);
    return m;
  }

  /** A rows × cols matrix of uniform samples on [lo, hi). */
  rand(rows: number, cols: number, lo = 0, hi = 1): Matrix {
    const m = new Matrix(rows, cols);
    for (let k = 0; k < m.data.length; k++) m.data[k] = this.uniform(lo, hi);
    return m;
  }
}

const view = new DataView(new ArrayBuffer(8));
const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
const LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01;
const LG3 = 2.857142874366239149e-01, LG4 = 2.222219843214978396e-01;
const LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;

/**
 * The natural logarithm of a positive normal double, computed with IEEE-exact operations only,
 * so every engine gives the same bits: a transcription of fdlibm's `__ieee754_log` (Sun
 * Microsystems, 1993), accurate to under one unit in the last place. Writing x = 2^k·(1 + f)
 * with √2/2 ≤ 1 + f < √2, it returns k·ln 2 + ln(1 + f), the latter from s = f/(2 + f) and a
 * minimax polynomial in s². Used by {@link Random.normal} for s in (0, 1).
 */
export function log(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? x : NaN;
  let k = 0;
  if (x < 2.2250738585072014e-308) { // subnormal: scale by 2^54
    x *= 18014398509481984;
    k = -54;
  }
  view.setFloat64(0, x);
  let hx = view.getUint32(0);
  k += (hx >>> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  view.setUint32(0, hx | (i ^ 0x3ff00000)); // normalise x or x/2 into [√2/2, √2)
  k += i >>> 20;
  const f = view.getFloat64(0) - 1;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const r = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - r : dk * LN2_HI - ((r - dk * LN2_LO) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0
      ? f - (hfsq - s * (hfsq + r))
      : dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - r) : dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
