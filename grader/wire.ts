/**
 * How values cross between the grader and the sandbox that runs learner code: JSON, with
 * the three things JSON cannot carry spelled out (non-finite numbers, Float64Array, Matrix).
 * Decoding builds fresh objects, so nothing the learner's code holds is shared with the grader.
 */

import { Matrix } from "../lib/core/matrix.ts";

type Encoded =
  | null
  | boolean
  | number
  | string
  | Encoded[]
  | { [key: string]: Encoded };

export function encode(value: unknown, depth = 0): Encoded {
  if (depth > 32) throw new TypeError("value is nested more than 32 levels deep");
  if (value === undefined) return { $undefined: true };
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === "bigint") return { $number: String(value) };
  if (value instanceof Matrix) {
    return { $matrix: [value.rows, value.cols, encode(Array.from(value.data), depth + 1)] };
  }
  if (value instanceof Float64Array) return { $f64: encode(Array.from(value), depth + 1) };
  if (ArrayBuffer.isView(value)) {
    return encode(Array.from(value as unknown as ArrayLike<number>), depth + 1);
  }
  if (Array.isArray(value)) return value.map((v) => encode(v, depth + 1));
  if (typeof value === "function") return { $function: value.name || "anonymous" };
  if (typeof value === "object") {
    const out: { [key: string]: Encoded } = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v, depth + 1);
    return out;
  }
  return { $unsupported: typeof value };
}

export function decode(value: Encoded): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value === null || typeof value !== "object") return value;
  if ("$undefined" in value) return undefined;
  if ("$number" in value) return Number(value.$number);
  if ("$f64" in value) return Float64Array.from(decode(value.$f64) as number[]);
  if ("$matrix" in value) {
    const [rows, cols, data] = value.$matrix as [number, number, Encoded];
    return new Matrix(rows, cols, Float64Array.from(decode(data) as number[]));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decode(v);
  return out;
}

export type { Encoded };
