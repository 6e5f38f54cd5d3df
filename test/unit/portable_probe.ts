/**
 * Computes a few library results and prints them as JSON. test/unit/portable.test.ts bundles
 * this file for the browser platform and runs it under Node, to show lib/ runs outside Deno
 * and gives the same numbers to the last bit.
 */

import { Random } from "../../lib/core/random.ts";
import { matmul } from "../../lib/core/matrix.ts";
import { emaDebiased } from "../../lib/optim/ema.ts";
import { gelu, sigmoid } from "../../lib/nn/activations.ts";

export function probe(): unknown {
  const rng = new Random(42);
  const a = rng.randn(40, 30), b = rng.randn(30, 20);
  const xs = Array.from({ length: 10 }, () => rng.uniform(-1, 1));
  return {
    uniform: Array.from({ length: 5 }, () => rng.next()),
    normals: Array.from({ length: 301 }, () => rng.normal()),
    matmul: Array.from(matmul(a, b).data.subarray(0, 10)),
    ema: emaDebiased(xs, 0.9),
    activations: xs.map((x) => [sigmoid.f(x), gelu.f(x), gelu.df(x)]),
  };
}

// deno-lint-ignore no-explicit-any
if (!("Deno" in globalThis) && (globalThis as any).process?.versions?.node) {
  console.log(JSON.stringify(probe()));
}
