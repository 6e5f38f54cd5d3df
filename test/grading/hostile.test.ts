/**
 * Learner code is untrusted: each file here misbehaves in one way, on purpose, inside one
 * function, and is correct elsewhere. The grader must give 0 to exactly the checks that touch
 * the bad function, say what happened, give full marks to the rest, finish in bounded time
 * and never be fooled: no stolen token, no forged reply or report, no point for code outside
 * the answer regions or for delegating to the course's library.
 */

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findExercise, gradeCourse, gradeExercise, ROOT } from "../../grader/grade.ts";
import { courseText, exerciseHTML, gradescope } from "../../grader/report.ts";
import { Sandbox } from "../../grader/sandbox.ts";
import type { ExerciseResult } from "../../grader/types.ts";
import { release } from "../../tools/release.ts";
import { exercisesDir, grade, solution, split, withAnswer, writeLearner } from "./learner.ts";

// Each grade starts processes; on a machine loaded by the whole suite that takes a while.
vi.setConfig({ testTimeout: 120_000 });
let parent: string;
let ema: string;
beforeAll(async () => {
  parent = await Deno.makeTempDir({ prefix: "hostile-" });
  ema = await solution("ema");
});
afterAll(async () => {
  await Deno.remove(parent, { recursive: true });
});

/** adamMoments calls emaDebiased, so breaking emaDebiased may cost its checks too. */
const CALLERS: Record<string, string[]> = { emaDebiased: ["adamMoments"] };

const gradeEma = (fn: string, body: string, options?: { budgetMs?: number }) =>
  grade(parent, "ema", withAnswer(ema, fn, body), options);

/**
 * Like gradeEma, with 15 s per call: running out of memory takes a few seconds on a loaded
 * machine, and these tests are about what is said, not how fast.
 */
async function gradeSlowly(fn: string, body: string): Promise<ExerciseResult> {
  const exercise = findExercise("ema");
  const checks = () => exercise.checks().map((c) => ({ ...c, timeoutMs: 15_000 }));
  return gradeExercise(
    { ...exercise, checks },
    await writeLearner(parent, "ema", withAnswer(ema, fn, body)),
  );
}

function expectContained(result: ExerciseResult, fn: string, status: string, message: RegExp) {
  const { touched, others } = split(result, fn, CALLERS[fn]);
  expect(touched.length).toBeGreaterThan(0);
  for (const c of touched) {
    expect(c, c.message).toMatchObject({ score: 0, status });
    expect(c.message).toMatch(message);
  }
  for (const c of others) expect(c, c.message).toMatchObject({ status: "passed" });
}

/**
 * The first check of `fn` ends as `status` with `message`; its other checks are skipped
 * without a call, saying `fn` + `why` "on an earlier check"; every other check passes.
 */
function expectFirstThenSkipped(
  r: ExerciseResult,
  fn: string,
  status: string,
  message: RegExp,
  why: string,
) {
  const { touched, others } = split(r, fn);
  expect(touched.length).toBeGreaterThan(1);
  expect(touched[0]).toMatchObject({ status, score: 0 });
  expect(touched[0].message).toMatch(message);
  for (const c of touched.slice(1)) {
    expect(c).toMatchObject({
      status: "skipped",
      score: 0,
      ms: 0,
      message: `skipped: ${fn} ${why} on an earlier check`,
    });
  }
  for (const c of others) expect(c, c.message).toMatchObject({ status: "passed" });
}

describe("hostile learner code costs only the checks it touches", () => {
  it("an exception", async () => {
    expectContained(
      await gradeEma("ema", 'throw new Error("oops");'),
      "ema",
      "error",
      /ema threw Error: oops/,
    );
  });

  it("NaN, a wrong shape, a wrong type", async () => {
    const nan = await gradeEma("emaDebiased", "return xs.map(() => NaN);");
    expectContained(nan, "emaDebiased", "failed", /result\[0\] is NaN/);
    const shape = await gradeEma("emaDebiased", "return [1, 2, 3];");
    expectContained(shape, "emaDebiased", "failed", /has length 3, expected/);
    const type = await gradeEma("alphaCorrection", 'return "0.5" as unknown as number;');
    expectContained(type, "alphaCorrection", "failed", /is a string, expected a number/);
  });

  it("an endless loop: one timeout, then its remaining checks are skipped", async () => {
    const r = await gradeEma("ema", "while (true) { /* spin */ }");
    expectFirstThenSkipped(
      r,
      "ema",
      "timeout",
      /^ema did not return within 3 s/,
      "did not return within 3 s",
    );
  });

  it("Deno.exit", async () => {
    const r = await gradeEma("ema", "Deno.exit(0);");
    expectContained(r, "ema", "crashed", /exited with code 0 \(did the code call Deno.exit\?\)/);
  });

  it("reading solutions/, writing a file, the network", async () => {
    const read = await gradeEma(
      "emaDebiased",
      `return JSON.parse(Deno.readTextFileSync("${ROOT}solutions/ema.ts"));`,
    );
    expectContained(read, "emaDebiased", "error", /NotCapable: Requires read access/);
    const write = await gradeEma(
      "ema",
      `Deno.writeTextFileSync("${parent}/pwned", "x"); return [];`,
    );
    expectContained(write, "ema", "error", /NotCapable: Requires write access/);
    await expect(Deno.stat(`${parent}/pwned`)).rejects.toThrow();
    const net = await gradeEma(
      "adamMoments",
      'return fetch("http://127.0.0.1:8080/") as unknown as { m: number[]; v: number[] };',
    );
    expectContained(net, "adamMoments", "error", /NotCapable: Requires net access/);
  });

  it("a syntax error costs every check, with the parser's message", async () => {
    const r = await gradeEma("ema", "return [;");
    for (const c of r.checks) {
      expect(c).toMatchObject({ score: 0, message: expect.stringMatching(/could not be loaded/) });
    }
  });

  it("an endless loop at the top level", async () => {
    const r = await gradeEma("ema", "return []; } while (true) { /* at import */ } {");
    for (const c of r.checks) {
      expect(c.score).toBe(0);
      expect(c.message).toMatch(/loading the file took more than 10 s/);
    }
    // One load is waited for; the other checks reuse its verdict.
    expect(r.checks.slice(1).every((c) => c.ms < 100)).toBe(true);
  });

  it("a missing file", async () => {
    const missing = await gradeExercise(findExercise("ema"), `${parent}/nowhere`);
    expect(missing.score).toBe(0);
    for (const c of missing.checks) expect(c.message).toMatch(/is missing/);
  });
});

describe("resources: said for what they are", () => {
  it("a huge value returned at once is too large, not an endless loop", async () => {
    const r = await gradeEma("ema", 'return "x".repeat(40_000_000) as unknown as number[];');
    expectContained(
      r,
      "ema",
      "error",
      /ema returned a value too large to grade: a string of 40,000,000 characters/,
    );
  });

  it("filling the heap: out of memory, never a bare signal", async () => {
    const r = await gradeSlowly("ema", "return Array.from(new Float64Array(5e7)) as number[];");
    expectFirstThenSkipped(
      r,
      "ema",
      "crashed",
      /^ema stopped the sandbox: it ran out of memory \(the sandbox allows a 256 MB heap/,
      "ran out of memory",
    );
  });

  it("a typed array larger than the sandbox's memory: out of memory", async () => {
    const r = await gradeSlowly("ema", "return Array.from(new Float64Array(3e8));");
    expectFirstThenSkipped(
      r,
      "ema",
      "error",
      /^ema ran out of memory: RangeError: Array buffer allocation failed/,
      "ran out of memory",
    );
  });

  it("a value nested deeper than the wire allows", async () => {
    const r = await gradeEma(
      "ema",
      "let v: unknown = []; for (let i = 0; i < 1000; i++) v = [v]; return v as number[];",
    );
    expectContained(r, "ema", "error", /cannot read: .*nested more than 32 levels deep/);
  });

  it(
    "a slow load and endless loops everywhere stay within the exercise's time budget",
    async () => {
      // Every answer spins, and the file takes 1 s per region to load (4 regions: 4 s a load).
      let source = ema;
      for (const fn of ["ema", "emaDebiased", "alphaCorrection", "adamMoments"]) {
        source = withAnswer(
          source,
          fn,
          "while (true) { /* spin */ } } { const t0 = Date.now(); while (Date.now() - t0 < 1000) { /* slow */ }",
        );
      }
      const r = await grade(parent, "ema", source, { budgetMs: 8000 });
      // Loads, calls and restarts keep to the budget; the type check runs beside them.
      expect(r.checks.reduce((s, c) => s + c.ms, 0)).toBeLessThan(9000);
      expect(r.score).toBe(0);
      const messages = r.checks.map((c) => c.message);
      // How far the first load and call get depends on the machine's load; the end does not.
      expect(messages[0]).toMatch(/^ema did not return within 3 s|^this exercise's grading time/);
      expect(messages.filter((m) => /grading time \(8 s\) ran out while/.test(m))).toHaveLength(1);
      expect(messages.at(-1)).toBe("skipped: this exercise's grading time (8 s) ran out");
    },
  );
});

describe("the course's time budget", () => {
  it("bounds a whole run of looping exercises; a late exercise gets what is left", async () => {
    const dir = await exercisesDir(parent);
    const names = ["ema", "hinge", "neuron", "activations"];
    for (const name of names) {
      const released = release(await solution(name));
      await Deno.writeTextFile(
        `${dir}/${name}.ts`,
        released.replace(/return todo\("\w+"\);/g, "while (true) { /* spin */ }"),
      );
    }
    const course = await gradeCourse(dir, names, { courseBudgetMs: 6000 });
    expect(course.score).toBe(0);
    const ms = course.exercises.map((e) => e.checks.reduce((s, c) => s + c.ms, 0));
    for (const t of ms) expect(t).toBeLessThan(7000);
    // Three exercises start at once; the fourth only when one of them is done, after the budget.
    const last = course.exercises[3].checks.map((c) => c.message);
    expect(new Set(last)).toEqual(
      new Set([
        "skipped: the course's grading time (6 s) ran out " +
        "(`deno task grade activations` grades this exercise alone)",
      ]),
    );
  });
});

describe("the protocol keeps its promise", () => {
  it("patched typed arrays, TextEncoder, JSON and strings never see the token", async () => {
    // The first call installs spies on everything a writer could use; the next ones report.
    const spy = `
  const g = globalThis as unknown as { seen?: string[] };
  if (!g.seen) {
    const seen: string[] = (g.seen = []);
    const td = new TextDecoder();
    const grab = (x: unknown) => {
      try {
        const s = typeof x === "string" ? x : td.decode(x as Uint8Array);
        const m = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(s);
        if (m) seen.push(m[0]);
      } catch { /* not text */ }
    };
    // deno-lint-ignore no-explicit-any
    const TA: any = Object.getPrototypeOf(Uint8Array.prototype);
    for (const proto of [TA, Uint8Array.prototype]) {
      for (const k of ["subarray", "slice", "set", "fill", "map", "at", "join", "values"]) {
        const orig = TA[k];
        Object.defineProperty(proto, k, { configurable: true, writable: true,
          value: function (this: unknown, ...a: unknown[]) { grab(this); return orig.apply(this, a); } });
      }
      for (const k of ["length", "buffer", "byteLength", "byteOffset"]) {
        const get = Object.getOwnPropertyDescriptor(TA, k)!.get!;
        Object.defineProperty(proto, k, { configurable: true, get() { grab(this); return get.call(this); } });
      }
    }
    Object.defineProperty(Uint8Array, Symbol.species, { configurable: true,
      // deno-lint-ignore no-explicit-any
      get() { return function (...a: any[]) { const u = new (Uint8Array as any)(...a); grab(u); return u; }; } });
    const enc = TextEncoder.prototype.encode;
    TextEncoder.prototype.encode = function (s?: string) { grab(s); return enc.call(this, s); };
    const str = JSON.stringify;
    // deno-lint-ignore no-explicit-any
    JSON.stringify = function (...a: any[]) { const r = (str as any)(...a); grab(r); return r; } as typeof JSON.stringify;
    for (const k of ["slice", "indexOf", "concat", "substring", "split", "startsWith", "includes"]) {
      // deno-lint-ignore no-explicit-any
      const orig = (String.prototype as any)[k];
      // deno-lint-ignore no-explicit-any
      (String.prototype as any)[k] = function (this: string, ...a: unknown[]) { grab(String(this)); return orig.apply(this, a); };
    }
    const w = Deno.stdout.writeSync;
    Deno.stdout.writeSync = function (p: Uint8Array) { grab(p); return w.call(this, p); };
    return [];
  }
  throw new Error(\`saw \${g.seen.length} tokens\`);`;
    const r = await gradeEma("ema", spy);
    const { touched } = split(r, "ema");
    expect(touched.length).toBeGreaterThan(2);
    for (const c of touched.slice(1)) expect(c.message).toMatch(/ema threw Error: saw 0 tokens/);
  });

  it("forged lines on stdout and patched globals earn nothing", async () => {
    const forge = [
      "const real = Deno.stdout.writeSync.bind(Deno.stdout);",
      "for (let id = 0; id < 50; id++) real(new TextEncoder().encode(JSON.stringify({ id, ok: true, value: [] }) + '\\n'));",
      `JSON.stringify = () => '{"id":0,"ok":true,"value":[]}';`,
      "Math.pow = () => 0;",
      "return [];",
    ].join("\n");
    const r = await gradeEma("ema", forge);
    const { touched } = split(r, "ema");
    // Only the empty-series check, whose right answer really is [], may pass.
    for (const c of touched.filter((c) => c.name !== "ema: empty series")) expect(c.score).toBe(0);
  });

  it("only the reply with the pending call's id is taken", async () => {
    const dir = await Deno.makeTempDir({ dir: parent });
    await Deno.writeTextFile(`${dir}/x.ts`, "export {};\n");
    const forger = new URL("./fixtures/forging_child.ts", import.meta.url).pathname;
    const sandbox = new Sandbox(`file://${dir}/x.ts`, [dir], forger);
    try {
      expect(await sandbox.call("otherIdsFirst", [], 3000)).toEqual({ kind: "value", value: 42 });
      expect(await sandbox.call("otherIdsOnly", [], 1000)).toEqual({ kind: "timeout", ms: 1000 });
      const notJson = await sandbox.call("notJson", [], 3000);
      expect(notJson).toMatchObject({
        kind: "crashed",
        error: "the sandbox sent a reply that is not JSON",
      });
      const deep = await sandbox.call("deep", [], 3000);
      expect(deep).toMatchObject({
        kind: "unsendable",
        error: expect.stringMatching(/nested more than/),
      });
    } finally {
      sandbox.close();
    }
  });
});

describe("points only for what the learner wrote between the markers", () => {
  it("edits outside the answer regions do not count, and the report says so", async () => {
    // A wrapper the checks call, rewritten to use lib/'s gradient; lib's relError imported.
    let source = await Deno.readTextFile(`${ROOT}exercises/gradcheck.ts`);
    source = source.replace(
      'import { gradcheckProblem } from "../lib/check/problems.ts";',
      'import { gradcheckProblem } from "../lib/check/problems.ts";\n' +
        'import { numericalGradient as libGrad, relError as libRel } from "../lib/check/gradcheck.ts";',
    ).replace(
      "  return numericalGradient(gradcheckProblem(problem).f, x, h);",
      "  const y = x.clone(), p = gradcheckProblem(problem);\n  return libGrad(() => p.f(y), y, { h });",
    ).replace('return todo("relError");', "return libRel(a, b);");
    const r = await grade(parent, "gradcheck", source);
    expect(r.score).toBe(0);
    expect(r.notes.join("\n")).toMatch(
      /differs from the released exercise outside the answer regions \(first at line 18: "import \{ numericalGradient as libGrad.*Only the code between BEGIN YOUR CODE and END YOUR CODE is graded/,
    );
    for (const c of split(r, "relError").touched) {
      expect(c.message).toMatch(/relError threw ReferenceError: libRel is not defined/);
    }
  });

  it("an answer that delegates to lib/ is refused, by any path", async () => {
    const ways = [
      'return import("../lib/optim/ema.ts").then((m) => m.ema(xs, beta)) as unknown as number[];',
      `return import("${ROOT}lib/optim/ema.ts").then((m) => m.ema(xs, beta)) as unknown as number[];`,
      `return import("data:application/javascript,export * from 'file://${ROOT}lib/optim/ema.ts';")` +
      ".then((m) => m.ema(xs, beta)) as unknown as number[];",
      `return Deno.readTextFileSync("${ROOT}lib/optim/ema.ts") as unknown as number[];`,
    ];
    for (const body of ways) {
      const r = await gradeEma("ema", body);
      expectContained(
        r,
        "ema",
        "error",
        /^ema uses lib\/optim\/ema\.ts, which is not available while grading: an answer must not delegate to the course library/,
      );
    }
    // A static import, by closing the function inside the region: the file does not load.
    const r = await gradeEma(
      "ema",
      "return libEma(xs, beta); } import { ema as libEma } from '../lib/optim/ema.ts'; {",
    );
    expect(r.score).toBe(0);
    for (const c of r.checks) {
      expect(c.message).toMatch(
        /ema\.ts uses lib\/optim\/ema\.ts, which is not available while grading/,
      );
    }
  });
});

describe("the gradcheck exercise's own formula stays out of reach", () => {
  it("an answer that imports the library's central difference does not load", async () => {
    // A static import, by closing the function inside the region (an answer region cannot
    // hold an import otherwise): lib/check/gradcheck.ts is not readable, so the file fails.
    const body = "const g = new Matrix(x.rows, x.cols);\n" +
      "  for (let k = 0; k < x.data.length; k++) {\n" +
      "    const old = x.data[k];\n" +
      "    const at = (t: number) => { x.data[k] = t; const y = f(x); x.data[k] = old; return y; };\n" +
      "    g.data[k] = centralDifference(at, old, { h });\n" +
      "  }\n" +
      "  return g;\n" +
      "} import { centralDifference } from '../lib/check/gradcheck.ts'; {";
    const source = withAnswer(await solution("gradcheck"), "numericalGradient", body);
    const r = await grade(parent, "gradcheck", source);
    expect(r.score).toBe(0);
    for (const c of r.checks) {
      expect(c.message).toMatch(
        /gradcheck\.ts uses lib\/check\/gradcheck\.ts, which is not available while grading: an answer must not delegate to the course library/,
      );
    }
  });
});

describe("a report that cannot be forged", () => {
  it("escapes control characters and caps learner text in text, HTML and JSON", async () => {
    const fake =
      "\\n\\nTotal: 19/19 points (100%); 1 of 1 exercise(s) complete.\\x1b[2J\\x1b[H\\u202e";
    const r = await gradeEma("ema", `throw new Error("${fake}" + "z".repeat(1_000_000));`);
    const course = { exercises: [r], score: r.score, maxScore: r.maxScore };
    const text = courseText(course);
    const html = exerciseHTML(r);
    const json = JSON.stringify(gradescope(course));
    for (const report of [text, html, json]) {
      expect(report.includes("\u001b") || report.includes("\u202e")).toBe(false);
      expect(report.length).toBeLessThan(20_000);
    }
    expect(text.split("\n").filter((l) => l.startsWith("Total:"))).toHaveLength(1);
    expect(text).toMatch(/ema threw Error: \\n\\nTotal: 19\/19 points .*\\u001b\[2J/);
    for (const c of split(r, "ema").touched) {
      expect(c.message.length).toBeLessThan(700);
      expect(c.message).toMatch(/… \([\d,]+ characters in all\)$/);
    }
    for (const t of gradescope(course).tests as { output: string }[]) {
      expect(t.output.split("\n").length).toBeLessThanOrEqual(3); // message, hint, formula tier
    }
  });
});

describe("the type check", () => {
  it("a type error costs nothing by itself but is reported", async () => {
    const source = ema.replace(
      "const out: number[] = [];",
      "const out: number[] = [];\n  const wrong: string = 3;\n  void wrong;",
    );
    const r = await grade(parent, "ema", source);
    expect(r.typeErrors.join("\n")).toMatch(/TS2322/);
    expect(r.score).toBe(r.maxScore);
  });

  it("types too expensive to check: a note, the grade unchanged, within the bound", async () => {
    const bomb = [
      "type D = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;",
      "type N4 = `${D}${D}${D}${D}`;",
    ];
    for (let i = 0; i < 40; i++) {
      bomb.push(
        `type U${i} = { [K in N4]: { k${i}: K; v: [K, K] } }[N4];`,
        `type V${i} = { [K in N4]: { k${i}: K; v: [K, K]; w?: K } }[N4];`,
        `export const a${i}: V${i} = null as unknown as U${i};`,
      );
    }
    const r = await grade(parent, "ema", `${ema}\n${bomb.join("\n")}\n`, { typeCheckMs: 2000 });
    expect(r.score).toBe(r.maxScore);
    expect(r.notes.join("\n")).toMatch(/the type check did not finish within 2 s/);
  });

  it("fetches nothing: a remote import is refused at once", async () => {
    const source = `import type { X } from "https://example.com/types.ts";\n${ema}`;
    const r = await grade(parent, "ema", source);
    expect(r.score).toBe(r.maxScore);
    expect(r.notes.join("\n")).toMatch(
      /the type check could not check the file: .*import access to "example\.com/,
    );
  });
});
