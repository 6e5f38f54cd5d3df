/**
 * Learner code is untrusted: each file here misbehaves in one way inside one function and is
 * correct elsewhere. The grader must give 0 to exactly the checks that touch the bad function,
 * say what happened, still give full marks to the rest, and never crash.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeExercise, ROOT } from "../../grader/grade.ts";
import { findExercise } from "../../grader/grade.ts";
import type { ExerciseResult } from "../../grader/types.ts";

const ema = findExercise("ema");
let dir: string;
let solution: string;

beforeAll(async () => {
  dir = await Deno.makeTempDir({ prefix: "hostile-" });
  solution = (await Deno.readTextFile(`${ROOT}solutions/ema.ts`))
    .replaceAll('"../lib/', `"${ROOT}lib/`);
});
afterAll(async () => {
  await Deno.remove(dir, { recursive: true });
});

/** The solution with the body of `fn` replaced by `body`, graded from a temp folder. */
async function gradeWith(fn: string, body: string, extra = ""): Promise<ExerciseResult> {
  const pattern = new RegExp(`(// BEGIN YOUR CODE: ${fn}\\n)[\\s\\S]*?(\\n\\s*// END YOUR CODE)`);
  let source = extra + solution.replace(pattern, `$1${body}$2`);
  if (body.includes("await ")) {
    source = source.replace(`export function ${fn}(`, `export async function ${fn}(`);
  }
  const sub = await Deno.makeTempDir({ dir });
  await Deno.writeTextFile(`${sub}/ema.ts`, source);
  return gradeExercise(ema, sub);
}

/** adamMoments calls emaDebiased, so breaking emaDebiased may cost its checks too. */
const CALLERS: Record<string, string[]> = { emaDebiased: ["adamMoments"] };

function split(result: ExerciseResult, fn: string) {
  const of = (c: { name: string }, f: string) => c.name.startsWith(`${f}:`);
  const touched = result.checks.filter((c) => of(c, fn));
  const others = result.checks.filter((c) =>
    !of(c, fn) && !(CALLERS[fn] ?? []).some((f) => of(c, f))
  );
  return { touched, others };
}

function expectContained(result: ExerciseResult, fn: string, status: string, message: RegExp) {
  const { touched, others } = split(result, fn);
  expect(touched.length).toBeGreaterThan(0);
  for (const c of touched) {
    expect(c.score).toBe(0);
    expect(c.status).toBe(status);
    expect(c.message).toMatch(message);
  }
  for (const c of others) expect(c, c.message).toMatchObject({ status: "passed" });
}

describe("hostile learner code costs only the checks it touches", () => {
  it("an exception", async () => {
    const r = await gradeWith("ema", 'throw new Error("oops");');
    expectContained(r, "ema", "error", /ema threw Error: oops/);
  });

  it("NaN", async () => {
    const r = await gradeWith("emaDebiased", "return xs.map(() => NaN);");
    expectContained(r, "emaDebiased", "failed", /result\[0\] is NaN/);
  });

  it("a wrong shape", async () => {
    const r = await gradeWith("emaDebiased", "return [1, 2, 3];");
    expectContained(r, "emaDebiased", "failed", /has length 3, expected/);
  });

  it("a wrong type", async () => {
    const r = await gradeWith("alphaCorrection", 'return "0.5" as unknown as number;');
    expectContained(r, "alphaCorrection", "failed", /is a string, expected a number/);
  });

  it("an endless loop", async () => {
    const r = await gradeWith("alphaCorrection", "while (true) { /* spin */ }");
    expectContained(r, "alphaCorrection", "timeout", /did not return within 3 s/);
  }, 30_000);

  it("Deno.exit", async () => {
    const r = await gradeWith("ema", "Deno.exit(0);");
    expectContained(r, "ema", "crashed", /exited with code 0 \(did the code call Deno.exit\?\)/);
  });

  it("reading solutions/", async () => {
    const r = await gradeWith(
      "emaDebiased",
      `return JSON.parse(Deno.readTextFileSync("${ROOT}solutions/ema.ts"));`,
    );
    expectContained(r, "emaDebiased", "error", /NotCapable: Requires read access/);
  });

  it("writing a file", async () => {
    const r = await gradeWith("ema", `Deno.writeTextFileSync("${dir}/pwned", "x"); return [];`);
    expectContained(r, "ema", "error", /NotCapable: Requires write access/);
    await expect(Deno.stat(`${dir}/pwned`)).rejects.toThrow();
  });

  it("the network", async () => {
    const r = await gradeWith(
      "adamMoments",
      'await fetch("http://127.0.0.1:8080/"); return { m: [], v: [] };',
    );
    expectContained(r, "adamMoments", "error", /NotCapable: Requires net access/);
  });

  it("a huge allocation on the heap", async () => {
    const r = await gradeWith(
      "ema",
      "const a: number[][] = []; while (true) a.push(new Array(1e6).fill(1.5));",
    );
    expectContained(r, "ema", "crashed", /ran out of memory/);
  }, 30_000);

  it("a huge typed-array allocation", async () => {
    const r = await gradeWith(
      "ema",
      "const a = []; while (true) a.push(new Float64Array(1e7).fill(1)); return [];",
    );
    const { touched } = split(r, "ema");
    for (const c of touched) {
      expect(c.score).toBe(0);
      expect(c.message).toMatch(/Array buffer allocation failed|ran out of memory|did not return/);
    }
  }, 30_000);

  it("a type error costs nothing by itself but is reported", async () => {
    const sub = await Deno.makeTempDir({ dir });
    const source = solution.replace(
      "const out: number[] = [];",
      "const out: number[] = [];\n  const wrong: string = 3;\n  void wrong;",
    );
    await Deno.writeTextFile(`${sub}/ema.ts`, source);
    const [r] =
      (await import("../../grader/grade.ts").then((g) => g.gradeCourse(sub, ["ema"]))).exercises;
    expect(r.typeErrors.join("\n")).toMatch(/TS2322/);
    expect(r.score).toBe(r.maxScore);
  });

  it("a syntax error costs every check, with the parser's message", async () => {
    const r = await gradeWith("ema", "return [;");
    for (const c of r.checks) {
      expect(c.score).toBe(0);
      expect(c.message).toMatch(/could not be loaded/);
    }
  });

  it("an endless loop at the top level", async () => {
    const r = await gradeWith("ema", "return [];", "while (true) { /* at import */ }\n");
    for (const c of r.checks) {
      expect(c.score).toBe(0);
      expect(c.message).toMatch(/loading the file took more than 10 s/);
    }
  }, 30_000);

  it("a missing function", async () => {
    const sub = await Deno.makeTempDir({ dir });
    await Deno.writeTextFile(
      `${sub}/ema.ts`,
      solution.replace("export function alphaCorrection", "function alphaCorrection"),
    );
    const r = await gradeExercise(ema, sub);
    expectContained(
      r,
      "alphaCorrection",
      "error",
      /does not export a function named alphaCorrection/,
    );
  });

  it("a missing file", async () => {
    const r = await gradeExercise(ema, `${dir}/nowhere`);
    expect(r.score).toBe(0);
    for (const c of r.checks) expect(c.message).toMatch(/is missing/);
  });

  it("forged replies on stdout and patched globals change nothing", async () => {
    const forge = [
      `const real = Deno.stdout.writeSync.bind(Deno.stdout);`,
      `for (let id = 0; id < 50; id++) real(new TextEncoder().encode(JSON.stringify({ id, ok: true, value: [] }) + "\\n"));`,
      `JSON.stringify = () => '{"id":0,"ok":true,"value":[]}';`,
      `Math.pow = () => 0;`,
      `return [];`,
    ].join("\n");
    const r = await gradeWith("ema", forge);
    const { touched } = split(r, "ema");
    // Only the empty-series check, whose right answer really is [], may pass.
    for (const c of touched.filter((c) => c.name !== "ema: empty series")) expect(c.score).toBe(0);
  });
});

describe("the grader's own checks", () => {
  it("survive a diagnosis that throws, and still give the measured score", async () => {
    const { gradeExercise } = await import("../../grader/grade.ts");
    const exercise = {
      ...ema,
      checks: () => [{
        ...ema.checks()[0],
        diagnose: () => {
          throw new Error("boom");
        },
      }],
    };
    const sub = await Deno.makeTempDir({ dir });
    await Deno.writeTextFile(`${sub}/ema.ts`, solution.replace("(1 - beta) * x", "beta * x"));
    const r = await gradeExercise(exercise, sub);
    expect(r.checks[0]).toMatchObject({ status: "failed", score: 0 });
    expect(r.checks[0].message).toMatch(/differs from the reference/);
  });
});
