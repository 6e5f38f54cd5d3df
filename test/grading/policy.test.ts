/**
 * The sandbox's read policy (grader/policy.ts) never offers an exercise the library's own
 * implementation of what it asks: no module the learner's code may read exports a function
 * named like one of the exercise's answers.
 */

import { describe, expect, it } from "vitest";
import { ROOT } from "../../grader/grade.ts";
import { readablePaths, refusedImport } from "../../grader/policy.ts";
import { regions, release } from "../../tools/release.ts";
import { EXERCISES } from "../checks/mod.ts";

/** Every .ts file a readable path covers (a folder covers what is under it). */
function files(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const info = Deno.statSync(p);
    if (info.isFile) {
      if (p.endsWith(".ts")) out.push(p);
      return;
    }
    for (const e of Deno.readDirSync(p)) walk(`${p.replace(/\/$/, "")}/${e.name}`);
  };
  for (const p of paths) walk(p);
  return out;
}

/**
 * Library functions that compute what an exercise asks the learner to write inside an answer,
 * under a name of their own: the gradcheck exercise asks for the central difference
 * (lib/check/gradcheck.ts's `centralDifference`, which lived in lib/core/numeric.ts, readable by
 * every answer, until it was moved beside `numericalGradient`).
 */
const ASKED_INSIDE: Record<string, string[]> = {
  gradcheck: ["centralDifference", "numericalGradientArray"],
};

describe("what an answer may read", () => {
  for (const e of EXERCISES) {
    it(`${e.name}: no readable module implements one of its answers`, async () => {
      const solution = await Deno.readTextFile(`${ROOT}solutions/${e.name}.ts`);
      const answers = [
        ...regions(solution, e.name).answers.map((a) => a.name),
        ...ASKED_INSIDE[e.name] ?? [],
      ];
      const readable = files(readablePaths(release(solution)).filter((p) => p.startsWith(ROOT)));
      expect(readable.some((f) => f.endsWith("/lib/core/matrix.ts"))).toBe(true);
      for (const f of readable) {
        const text = Deno.readTextFileSync(f);
        for (const name of answers) {
          const exported = new RegExp(`export (async )?(function|const|let) ${name}\\b`);
          expect(exported.test(text), `${f.replace(ROOT, "")} exports ${name}`).toBe(false);
        }
      }
      expect(readable.some((f) => f.endsWith("/lib/mod.ts"))).toBe(false);
    });
  }

  it("the sandbox's own code imports only what every answer may read", () => {
    // Deno lets the child's static imports load without read permission, and a learner could
    // then import them too: they must stay within the wire code and lib/core/.
    const allowed = /^(\.\/(child|wire|limits)\.ts|\.\.\/lib\/core\/[a-z_]+\.ts)$/;
    for (const f of ["child.ts", "wire.ts", "limits.ts"]) {
      const text = Deno.readTextFileSync(`${ROOT}grader/${f}`);
      for (const m of text.matchAll(/^import\b[^"]*"([^"]+)"/gm)) {
        expect(m[1], `grader/${f} imports ${m[1]}`).toMatch(allowed);
      }
    }
  });

  it("names a refused lib/ module and says why", () => {
    const error = `TypeError: Requires read access to "${ROOT}lib/nn/activations.ts", run again`;
    expect(refusedImport(error)).toMatch(
      /^uses lib\/nn\/activations\.ts, which is not available while grading: an answer must not delegate to the course library/,
    );
    expect(refusedImport(`Requires read access to "${ROOT}solutions/ema.ts"`)).toBeUndefined();
  });
});
