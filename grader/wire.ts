/**
 * How values cross between the grader and the sandbox that runs learner code: JSON, with
 * the things JSON cannot carry spelled out as one-key objects (`$undefined`, `$number` for
 * non-finite numbers, `$f64`, `$matrix`, `$tensor`, `$function`, `$unsupported`). A plain object's own
 * keys that start with `$` are escaped with one more `$`, so no returned object is mistaken
 * for a tagged one.
 *
 * Whatever arrives from the sandbox is untrusted: {@link decode} checks every part of it (the
 * nesting depth, the tags, a Matrix's or Tensor's shape against its number of values) and throws a
 * {@link WireError} saying what is wrong, without ever recursing deeper than {@link WIRE_DEPTH}.
 * {@link encode} stops at the same depth and at {@link WIRE_MAX_CHARS}, so a huge value is
 * refused where it is made, with what it was. Decoding builds fresh objects, so nothing the
 * learner's code holds is shared with the grader.
 */

import { Matrix } from "../lib/core/matrix.ts";
import { Tensor } from "../lib/core/tensor.ts";
import { WIRE_DEPTH, WIRE_MAX_CHARS } from "./limits.ts";

type Encoded =
  | null
  | boolean
  | number
  | string
  | Encoded[]
  | { [key: string]: Encoded };

/** A value that cannot be sent or read back; `at` says where in it (e.g. `.h[2]`). */
export class WireError extends Error {
  override name = "WireError";
  constructor(readonly problem: string, readonly at = "", readonly tooLarge = false) {
    super(`${at ? `at ${at}: ` : ""}${problem}`);
  }
  within(step: string): WireError {
    return new WireError(this.problem, step + this.at, this.tooLarge);
  }
}

const count = (n: number) => n.toLocaleString("en-US");

/** A few words on what a value is, for messages ("a string of 41,943,040 characters"). */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return `a string of ${count(value.length)} characters`;
  if (value instanceof Matrix) return `a ${value.rows}×${value.cols} Matrix`;
  if (value instanceof Tensor) return `a ${value.shape.join("×")} Tensor`;
  if (ArrayBuffer.isView(value)) {
    const name = value instanceof Float64Array ? "Float64Array" : "typed array";
    return `a ${name} of ${count((value as Float64Array).length ?? 0)} numbers`;
  }
  if (Array.isArray(value)) return `an array of ${count(value.length)} entries`;
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

interface Budget {
  left: number;
}

function spend(budget: Budget, chars: number, value: unknown): void {
  budget.left -= chars;
  if (budget.left < 0) {
    throw new WireError(
      `${describeValue(value)}: the value is too large to send back (more than ${
        count(WIRE_MAX_CHARS)
      } characters as JSON)`,
      "",
      true,
    );
  }
}

function inside<T>(step: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof WireError ? e.within(step) : e;
  }
}

function encodeNumber(x: number): Encoded {
  return Number.isFinite(x) ? x : { $number: String(x) };
}

/** The numbers of a typed array, checking the size before copying any. */
function encodeView(value: ArrayBufferView, budget: Budget): Encoded[] {
  const view = value as unknown as ArrayLike<number>;
  const n = view.length ?? 0;
  spend(budget, 2 * n, value);
  const out: Encoded[] = new Array(n);
  for (let i = 0; i < n; i++) {
    spend(budget, 8, value);
    out[i] = encodeNumber(Number(view[i]));
  }
  return out;
}

/** The JSON-ready form of `value`; throws a {@link WireError} if too deep or too large. */
export function encode(
  value: unknown,
  budget: Budget = { left: WIRE_MAX_CHARS },
  depth = 0,
): Encoded {
  if (depth > WIRE_DEPTH) {
    throw new WireError(
      `the value is nested more than ${WIRE_DEPTH} levels deep (is it circular?)`,
    );
  }
  if (value === undefined) return { $undefined: true };
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "string") {
    spend(budget, value.length + 2, value);
    return value;
  }
  if (typeof value === "number") {
    spend(budget, 8, value);
    return encodeNumber(value);
  }
  if (typeof value === "bigint") return { $number: String(value) };
  if (typeof value === "function") return { $function: String(value.name || "anonymous") };
  if (typeof value !== "object") return { $unsupported: typeof value };
  if (value instanceof Matrix) {
    const { rows, cols, data } = value;
    const shape = [encode(rows, budget, depth + 1), encode(cols, budget, depth + 1)];
    const values = ArrayBuffer.isView(data)
      ? encodeView(data, budget)
      : inside(".data", () => encode(data, budget, depth + 1));
    return { $matrix: [...shape, values] };
  }
  if (value instanceof Tensor) {
    const shape = value.shape.map((k) => encode(k, budget, depth + 1));
    const values = ArrayBuffer.isView(value.data)
      ? encodeView(value.data, budget)
      : inside(".data", () => encode(value.data, budget, depth + 1));
    return { $tensor: [...shape, values] };
  }
  if (ArrayBuffer.isView(value)) {
    const out = encodeView(value, budget);
    return value instanceof Float64Array ? { $f64: out } : out;
  }
  if (Array.isArray(value)) {
    spend(budget, 2 * value.length, value);
    const out: Encoded[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      out[i] = inside(`[${i}]`, () => encode(value[i], budget, depth + 1));
    }
    return out;
  }
  const out: { [key: string]: Encoded } = {};
  for (const [k, v] of Object.entries(value)) {
    spend(budget, k.length + 4, value);
    const key = k.startsWith("$") ? `$${k}` : k;
    Object.defineProperty(out, key, {
      value: inside(`.${k}`, () => encode(v, budget, depth + 1)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

const TAGS = [
  "$undefined",
  "$number",
  "$f64",
  "$matrix",
  "$tensor",
  "$function",
  "$unsupported",
];

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" || typeof value === "undefined"
    ? `an ${typeof value}`
    : `a ${typeof value}`;
}

function numbersIn(value: unknown, what: string, depth: number): number[] {
  if (!Array.isArray(value)) throw new WireError(`${what} is ${kindOf(value)}, not numbers`);
  return value.map((v, i) => {
    const x = inside(`[${i}]`, () => decode(v, depth + 1));
    if (typeof x !== "number") throw new WireError(`${what} holds ${kindOf(x)} at [${i}]`);
    return x;
  });
}

function decodeTagged(tag: string, body: unknown, depth: number): unknown {
  switch (tag) {
    case "$undefined":
      return undefined;
    case "$number":
      if (typeof body !== "string" || !/^(NaN|-?Infinity|-?\d{1,400})$/.test(body)) {
        throw new WireError("a malformed $number");
      }
      return Number(body);
    case "$function":
    case "$unsupported":
      return { [tag]: typeof body === "string" ? body.slice(0, 100) : "?" };
    case "$f64":
      return Float64Array.from(numbersIn(body, "a Float64Array", depth));
    case "$matrix": {
      if (!Array.isArray(body) || body.length !== 3) throw new WireError("a malformed Matrix");
      const [rows, cols] = body.map((v) => decode(v, depth + 1)) as number[];
      if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
        throw new WireError(
          `a Matrix whose shape is ${String(rows)}×${String(cols)}, ` +
            "not two non-negative integers",
        );
      }
      const shape = `${rows}×${cols}`;
      const data = inside(
        ".data",
        () => numbersIn(body[2], `the data of a ${shape} Matrix`, depth),
      );
      if (data.length !== rows * cols) {
        throw new WireError(
          `a ${shape} Matrix whose data holds ${count(data.length)} values ` +
            `(a ${shape} Matrix needs ${count(rows * cols)})`,
        );
      }
      return new Matrix(rows, cols, Float64Array.from(data));
    }
    case "$tensor": {
      if (!Array.isArray(body) || body.length !== 5) throw new WireError("a malformed Tensor");
      const dims = body.slice(0, 4).map((v) => decode(v, depth + 1)) as number[];
      if (!dims.every((k) => Number.isInteger(k) && k >= 0)) {
        throw new WireError(
          `a Tensor whose shape is ${dims.map(String).join("×")}, not four non-negative integers`,
        );
      }
      const shape = dims.join("×"), size = dims.reduce((a, b) => a * b, 1);
      const data = inside(
        ".data",
        () => numbersIn(body[4], `the data of a ${shape} Tensor`, depth),
      );
      if (data.length !== size) {
        throw new WireError(
          `a ${shape} Tensor whose data holds ${count(data.length)} values ` +
            `(a ${shape} Tensor needs ${count(size)})`,
        );
      }
      return new Tensor(dims, Float64Array.from(data));
    }
  }
  throw new WireError(`an unknown tag ${tag}`);
}

/** The value `value` (parsed JSON) stands for; throws a {@link WireError} if malformed. */
export function decode(value: unknown, depth = 0): unknown {
  if (depth > WIRE_DEPTH + 1) {
    throw new WireError(`the value is nested more than ${WIRE_DEPTH} levels deep`);
  }
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return value;
  if (Array.isArray(value)) {
    return value.map((v, i) => inside(`[${i}]`, () => decode(v, depth + 1)));
  }
  if (typeof value !== "object") throw new WireError(`${kindOf(value)} cannot be sent`);
  const keys = Object.keys(value);
  const body = value as Record<string, unknown>;
  if (keys.length === 1 && TAGS.includes(keys[0])) {
    return decodeTagged(keys[0], body[keys[0]], depth);
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k.startsWith("$") && !k.startsWith("$$")) throw new WireError(`a malformed object (${k})`);
    const key = k.startsWith("$") ? k.slice(1) : k;
    Object.defineProperty(out, key, {
      value: inside(`.${key}`, () => decode(body[k], depth + 1)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export type { Encoded };
