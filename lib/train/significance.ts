/**
 * Is one model better than another, or did the split decide? Two honest answers: a paired
 * t-test over the folds of a cross-validation (scipy's `ttest_rel`), and a bootstrap
 * confidence interval of a difference computed on the same test examples.
 *
 * Pairing is the point of both: the two models are scored on the same folds (the same test
 * examples), so the differences cancel what is hard or easy about a fold, and what is left is
 * the noise of the difference itself.
 *
 * @module
 */

import { Random } from "../core/random.ts";

/** ln Γ(x) for x > 0: Stirling's series after shifting x past 15 (Γ(x) = Γ(x + 1)/x). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be > 0, got ${x}`);
  let shift = 0;
  while (x < 15) shift -= Math.log(x++);
  const x2 = x * x;
  const series = (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * x2)) / x2) / x2) / x2) /
    x;
  return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series;
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1, d = 1 - (a + b) * x / (a + 1);
  d = Math.abs(d) < tiny ? tiny : d;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (
      const num of [
        m * (b - m) * x / ((a + m2 - 1) * (a + m2)),
        -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1)),
      ]
    ) {
      d = 1 + num * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = 1 + num / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-16) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b), for 0 ≤ x ≤ 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  return x < (a + 1) / (a + b + 2)
    ? front * betaFraction(a, b, x) / a
    : 1 - front * betaFraction(b, a, 1 - x) / b;
}

/** P(T ≤ t) for Student's t distribution with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: df must be > 0, got ${df}`);
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** What {@link pairedTTest} returns. */
export interface PairedTTest {
  /** The mean of the differences a − b. */
  meanDiff: number;
  /** Their standard deviation (n − 1 in the denominator). */
  sdDiff: number;
  /** t = meanDiff / (sdDiff/√n). */
  t: number;
  /** n − 1. */
  df: number;
  /** Two-sided p-value: the chance of a |t| at least this large if the means were equal. */
  p: number;
}

/**
 * The paired t-test of scores `a` and `b` measured on the same folds (scipy's `ttest_rel`,
 * two-sided). Folds of one cross-validation share training data, so their differences are
 * not independent and this p-value is optimistic; read it as a guide, not a verdict.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTTest {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length || a.length < 2) {
    throw new RangeError(
      `pairedTTest: need two lists of the same length ≥ 2, got ${a?.length} and ${b?.length}`,
    );
  }
  const n = a.length, d = a.map((v, i) => v - b[i]);
  const meanDiff = d.reduce((s, v) => s + v, 0) / n;
  const sdDiff = Math.sqrt(d.reduce((s, v) => s + (v - meanDiff) ** 2, 0) / (n - 1));
  const t = meanDiff / (sdDiff / Math.sqrt(n)), df = n - 1;
  const p = Number.isNaN(t) ? NaN : 2 * studentTCdf(-Math.abs(t), df);
  return { meanDiff, sdDiff, t, df, p };
}

/** Options of {@link bootstrapInterval}. */
export interface BootstrapOptions {
  /** Resamples drawn (default 2000). */
  resamples?: number;
  /** Coverage of the interval (default 0.95). */
  confidence?: number;
  /** Seed of the draws (default 0). */
  seed?: number;
}

/** The value at fraction `q` of sorted `v`, interpolating linearly (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1), lo = Math.floor(pos);
  return lo + 1 < sorted.length
    ? sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo])
    : sorted[lo];
}

/**
 * A percentile bootstrap interval of `statistic` over `n` examples: draw n indices with
 * replacement `resamples` times, compute the statistic on each draw, and take the central
 * `confidence` share of the values. For a paired comparison the statistic reads both models'
 * results at the same indices, e.g. `(idx) => mean of correctA[i] − correctB[i] over idx`.
 */
export function bootstrapInterval(
  n: number,
  statistic: (idx: readonly number[]) => number,
  o: BootstrapOptions = {},
): { estimate: number; low: number; high: number; values: number[] } {
  const { resamples = 2000, confidence = 0.95, seed = 0 } = o;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`bootstrapInterval: n must be a positive integer, got ${n}`);
  }
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(
      `bootstrapInterval: resamples must be a positive integer, got ${resamples}`,
    );
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`bootstrapInterval: confidence must be in (0, 1), got ${confidence}`);
  }
  const rng = new Random(seed), idx = new Array<number>(n);
  const values = Array.from({ length: resamples }, () => {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    return statistic(idx);
  });
  const sorted = [...values].sort((x, y) => x - y), alpha = (1 - confidence) / 2;
  const all = Array.from({ length: n }, (_, i) => i);
  return {
    estimate: statistic(all),
    low: quantile(sorted, alpha),
    high: quantile(sorted, 1 - alpha),
    values,
  };
}
