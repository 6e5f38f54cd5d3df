/**
 * The standard normal's density and distribution function, which expected improvement and the
 * Parzen estimators of TPE need. Φ is computed from the library's `erfc` (W. J. Cody's rational
 * approximations, lib/nn/activations.ts), accurate in both tails (checked against scipy's
 * `norm.cdf` in test/unit/search_gp.test.ts).
 *
 * @module
 */

import { erfc } from "../nn/activations.ts";

/** The standard normal density φ(z) = e^{−z²/2}/√(2π). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** The standard normal distribution function Φ(z) = ½·erfc(−z/√2). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}
