/**
 * The wire format and the reply reader take anything: every value and every line that comes
 * from the sandbox is untrusted, so a malformed one is an error that says what is wrong, never
 * an exception of another kind, a stack overflow or memory held without bound.
 */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { Tensor } from "../../lib/core/tensor.ts";
import { decode, encode, WireError } from "../../grader/wire.ts";
import { parseReply, replies, type Reply } from "../../grader/replies.ts";
import { WIRE_DEPTH, WIRE_MAX_CHARS } from "../../grader/limits.ts";

const roundTrip = (v: unknown) => decode(JSON.parse(JSON.stringify(encode(v))));

function wireError(f: () => unknown): WireError {
  try {
    f();
  } catch (e) {
    if (e instanceof WireError) return e;
    throw new Error(`expected a WireError, got ${e}`);
  }
  throw new Error("expected a WireError, got a value");
}

describe("decode: careless values", () => {
  it("names a Matrix whose data does not fit its shape", () => {
    const m = new Matrix(1, 6);
    (m as { data: unknown }).data = new Float64Array(3); // what a careless answer does
    const e = wireError(() => roundTrip(m));
    expect(e.message).toBe("a 1×6 Matrix whose data holds 3 values (a 1×6 Matrix needs 6)");
  });

  it("names data that is not numbers, and a shape that is not integers", () => {
    expect(wireError(() => decode({ $matrix: [2, 2, "abcd"] })).message).toMatch(
      /at \.data: the data of a 2×2 Matrix is a string, not numbers/,
    );
    expect(wireError(() => decode({ $matrix: [2, 2, [1, 2, "x", 4]] })).message).toMatch(
      /holds a string at \[2\]/,
    );
    expect(wireError(() => decode({ $matrix: [1.5, 2, [1, 2, 3]] })).message).toMatch(
      /shape is 1\.5×2, not two non-negative integers/,
    );
    expect(wireError(() => decode({ $matrix: "nope" })).message).toBe("a malformed Matrix");
    expect(wireError(() => decode({ $f64: { 0: 1 } })).message).toMatch(/not numbers/);
  });

  it("carries a Tensor and names one whose data or shape is wrong", () => {
    const t = new Tensor([1, 2, 1, 2], [1, NaN, -Infinity, 4]);
    expect(roundTrip({ dx: t })).toEqual({ dx: t });
    const bad = new Tensor([1, 1, 2, 3]);
    (bad as { data: unknown }).data = new Float64Array(5);
    expect(wireError(() => roundTrip(bad)).message).toBe(
      "a 1×1×2×3 Tensor whose data holds 5 values (a 1×1×2×3 Tensor needs 6)",
    );
    expect(wireError(() => decode({ $tensor: [1, 1, 2, 2] })).message).toBe("a malformed Tensor");
    expect(wireError(() => decode({ $tensor: [1, -1, 2, 2, []] })).message).toMatch(
      /shape is 1×-1×2×2, not four non-negative integers/,
    );
  });

  it("says where in a nested value the problem is", () => {
    const e = wireError(() => decode({ h: [1, { $matrix: [1, 2, [1]] }] }));
    expect(e.message).toMatch(/^at \.h\[1\]: a 1×2 Matrix whose data holds 1 values/);
  });

  it("keeps what it can carry: non-finite numbers, typed arrays, undefined, functions", () => {
    const v = roundTrip({
      a: [NaN, Infinity, -Infinity, undefined],
      f: new Float64Array([1, NaN]),
      g: () => 1,
      m: new Matrix(1, 2, [3, -Infinity]),
    }) as Record<string, unknown>;
    expect(v.a).toEqual([NaN, Infinity, -Infinity, undefined]);
    expect(v.f).toEqual(new Float64Array([1, NaN]));
    expect(v.g).toEqual({ $function: "g" });
    expect(v.m).toEqual(new Matrix(1, 2, [3, -Infinity]));
  });
});

describe("decode: hostile values", () => {
  it("rejects nesting deeper than the limit without recursing into it", () => {
    // 200 000 levels: far beyond what recursion could survive.
    const deep = JSON.parse("[".repeat(200_000) + "]".repeat(200_000));
    const e = wireError(() => decode(deep));
    expect(e.message).toMatch(new RegExp(`nested more than ${WIRE_DEPTH} levels deep`));
  });

  it("never takes a learner's object for a tagged one, nor lets a key set a prototype", () => {
    const sneaky = { $matrix: [1, 1, [5]], $$x: 1, ["__proto__"]: { polluted: true } };
    const v = roundTrip(JSON.parse(JSON.stringify(sneaky))) as Record<string, unknown>;
    expect(v).not.toBeInstanceOf(Matrix);
    expect(v.$matrix).toEqual([1, 1, [5]]);
    expect(v.$$x).toBe(1);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("rejects malformed tags and untagged $ keys", () => {
    expect(wireError(() => decode({ $number: "12abc" })).message).toBe("a malformed $number");
    expect(wireError(() => decode({ $number: 5 })).message).toBe("a malformed $number");
    expect(wireError(() => decode({ $matrix: [1, 1, [1]], extra: 1 })).message).toMatch(
      /malformed object/,
    );
  });
});

describe("encode: refused where the value is made", () => {
  it("names a huge value at once, without copying it", () => {
    for (
      const [value, what] of [
        ["x".repeat(40_000_000), /a string of 40,000,000 characters/],
        [new Float64Array(50_000_000), /a Float64Array of 50,000,000 numbers/],
        [new Array(1e9), /an array of 1,000,000,000 entries/],
      ] as const
    ) {
      const t0 = performance.now();
      const e = wireError(() => encode(value));
      expect(performance.now() - t0).toBeLessThan(200);
      expect(e.tooLarge).toBe(true);
      expect(e.message).toMatch(what);
      expect(e.message).toMatch(/too large to send back/);
    }
  });

  it("stops at the depth limit on a circular value", () => {
    const a: unknown[] = [];
    a.push(a);
    expect(wireError(() => encode(a)).message).toMatch(/is it circular\?/);
  });

  it("lets through the largest value it promises", () => {
    const s = "y".repeat(WIRE_MAX_CHARS - 10);
    expect(roundTrip(s)).toBe(s);
  });
});

describe("replies: every framed line becomes a reply, whatever it holds", () => {
  it("turns a line that is not JSON, or of the wrong shape, into a malformed reply", () => {
    expect(parseReply("{not json")).toMatchObject({ kind: "malformed" });
    expect(parseReply("[1, 2]")).toMatchObject({ kind: "malformed" });
    expect(parseReply('{"ok": true, "value": 1}')).toMatchObject({ kind: "malformed" });
    expect(parseReply('{"id": 1.5, "ok": true}')).toMatchObject({ kind: "malformed" });
  });

  it("keeps the id of a reply whose value cannot be decoded", () => {
    const r = parseReply('{"id": 7, "ok": true, "value": {"$matrix": [2, 2, [1]]}}');
    expect(r).toMatchObject({ kind: "unreadable", id: 7 });
    expect((r as { error: string }).error).toMatch(/needs 4/);
  });

  it("ignores unframed lines and drops overlong ones as they arrive", async () => {
    const token = "T0K3N";
    const chunks = [
      "hello from the learner\n",
      `${token} {"id": 1, "ok": true, "value": 2}\n`,
      "x".repeat(600), // an unframed line longer than the limit, sent in pieces
      "x".repeat(600) + "\n",
      `${token} {"id": 2, "ok": true, "value": "` + "y".repeat(2000) + '"}\n', // framed, too long
      `${token} {"id": 3, "threw": true, "error": "boom"}\n`,
      `${token} {"id": 4, `, // a partial line at the end is never a reply
    ];
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const s of chunks) c.enqueue(new TextEncoder().encode(s));
        c.close();
      },
    });
    const got: Reply[] = [];
    for await (const r of replies(stream, token, 1000)) got.push(r);
    expect(got).toEqual([
      { kind: "value", id: 1, value: 2 },
      { kind: "malformed", error: "the sandbox sent a reply longer than 1000 characters" },
      { kind: "threw", id: 3, error: "boom" },
    ]);
  });
});
