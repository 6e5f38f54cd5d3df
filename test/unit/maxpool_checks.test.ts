/**
 * The `maxpool` exercise's checks and diagnoses: each known mistake, written here as a buggy
 * learner implementation (independent of lib/ and of the checks' own variants), fails the checks
 * it should and gets the message that names it; one goes through the real grader.
 */
import { describe, expect, it } from "vitest";
import { differs, failedNames, gradeEdited, mistakeHarness } from "./_mistakes.ts";
import { Tensor } from "../../lib/core/tensor.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { reportedOn, said } from "../checks/diagnose.ts";
import { checks, maxpoolExercise, MISTAKE } from "../checks/maxpool.ts";
import * as solution from "../../solutions/maxpool.ts";

type Bug =
  | "none"
  | "everyEntry" // dout copied to every entry of the window
  | "average" // dout / k² to every entry
  | "tiesSplit" // dout / (number of maxima) to each maximum
  | "tiesLast" // >= : the last maximum wins
  | "overwrite" // dx = instead of dx +=
  | "strideForward" // windows moved by 1
  | "minimum"; // Math.min
type Opts = { kernelSize: number; stride?: number };

/** A learner's max pooling with one deliberate bug. */
function learner(bug: Bug) {
  const size = (x: Tensor, o: Opts) => {
    const k = o.kernelSize, s = bug === "strideForward" ? 1 : o.stride ?? k;
    return { k, s, Ho: Math.floor((x.h - k) / s) + 1, Wo: Math.floor((x.w - k) / s) + 1 };
  };
  const maxpoolForward = (x: Tensor, o: Opts) => {
    const { k, s, Ho, Wo } = size(x, o);
    const out = new Tensor([x.n, x.c, Ho, Wo]);
    for (let n = 0; n < x.n; n++) {
      for (let c = 0; c < x.c; c++) {
        for (let i = 0; i < Ho; i++) {
          for (let j = 0; j < Wo; j++) {
            let best = bug === "minimum" ? Infinity : -Infinity;
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++) {
                const val = x.get(n, c, i * s + u, j * s + v);
                best = bug === "minimum" ? Math.min(best, val) : Math.max(best, val);
              }
            }
            out.set(n, c, i, j, best);
          }
        }
      }
    }
    return out;
  };
  const maxpoolBackward = (dout: Tensor, x: Tensor, o: Opts) => {
    const { k, s } = size(x, o);
    const dx = new Tensor(x.shape);
    const add = (n: number, c: number, y: number, xx: number, g: number) =>
      dx.set(n, c, y, xx, (bug === "overwrite" ? 0 : dx.get(n, c, y, xx)) + g);
    for (let n = 0; n < x.n; n++) {
      for (let c = 0; c < x.c; c++) {
        for (let i = 0; i < dout.h; i++) {
          for (let j = 0; j < dout.w; j++) {
            const g = dout.get(n, c, i, j);
            let best = -Infinity, by = 0, bx = 0, count = 0;
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++) {
                const val = x.get(n, c, i * s + u, j * s + v);
                if (val > best || (bug === "tiesLast" && val === best)) {
                  [best, by, bx] = [val, i * s + u, j * s + v];
                }
              }
            }
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++) if (x.get(n, c, i * s + u, j * s + v) === best) count++;
            }
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++) {
                const y = i * s + u, xx = j * s + v, isMax = x.get(n, c, y, xx) === best;
                if (bug === "everyEntry") add(n, c, y, xx, g);
                else if (bug === "average") add(n, c, y, xx, g / (k * k));
                else if (bug === "tiesSplit" && isMax) add(n, c, y, xx, g / count);
              }
            }
            if (!["everyEntry", "average", "tiesSplit"].includes(bug)) add(n, c, by, bx, g);
          }
        }
      }
    }
    return dx;
  };
  return { maxpoolForward, maxpoolBackward };
}

// deno-lint-ignore no-explicit-any
const run = (bug: Bug, c: Check) => (learner(bug) as any)[c.fn](...c.args);
const { all, byName, fails, failing } = mistakeHarness(checks(), run);

describe("maxpool checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failing("none")).toEqual([]);
    for (const c of all) {
      // deno-lint-ignore no-explicit-any
      const got = (solution as any)[c.fn](...c.args);
      expect(differs(got, c))
        .toBeUndefined();
    }
  });

  it("the tie checks hold ties, the numerical check none", () => {
    const tied = byName("go to the first maximum").args[1] as Tensor;
    expect(new Set(tied.data).size).toBeLessThanOrEqual(3);
    const plain = byName("numerical gradient").args[1] as Tensor;
    expect(new Set(plain.data).size).toBe(plain.size);
  });

  const cases: [Bug, string, Diagnosis][] = [
    ["everyEntry", "2×2 windows, distinct values", MISTAKE.everyEntry()],
    ["everyEntry", "numerical gradient", MISTAKE.everyEntry()],
    ["average", "2×2 windows, distinct values", MISTAKE.average()],
    ["tiesSplit", "go to the first maximum", MISTAKE.tiesSplit()],
    ["tiesSplit", "ties and overlapping", MISTAKE.tiesSplit()],
    ["tiesLast", "go to the first maximum", MISTAKE.tiesLast()],
    ["overwrite", "numerical gradient", MISTAKE.overwrite()],
    ["overwrite", "ties and overlapping", MISTAKE.overwrite()],
    ["strideForward", "maxpoolForward: 2×2 windows", MISTAKE.strideForward()],
    ["strideForward", "3×3 windows, stride 2 (overlapping)", MISTAKE.strideForward()],
    ["minimum", "maxpoolForward: 2×2 windows", MISTAKE.minimum()],
  ];
  for (const [bug, check, message] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check);
      expect(fails(bug, c)).toBe(true);
      expect(c.diagnose!(run(bug, c))).toEqual(message);
    });
  }

  it("tie slips pass the distinct-value checks: only the tie checks catch them", () => {
    for (const bug of ["tiesSplit", "tiesLast"] as const) {
      expect(failing(bug)).not.toContain(byName("2×2 windows, distinct values").name);
      expect(failing(bug)).toContain(byName("go to the first maximum").name);
    }
    // Without overlap nothing is overwritten.
    expect(failing("overwrite")).not.toContain(byName("2×2 windows, distinct values").name);
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("go to the first maximum");
    const got = run("none", c) as Tensor;
    got.data[0] += 0.5;
    expect(fails("none", c)).toBe(false);
    expect(c.diagnose!(got)).toBeUndefined();
  });
});

describe("maxpool through the grader", () => {
  it("the last maximum on ties (>=): only the tie checks fail, and name it", async () => {
    const r = await gradeEdited(
      maxpoolExercise,
      (s) => s.replace("if (x.get(n, c, y, xx) > best)", "if (x.get(n, c, y, xx) >= best)"),
    );
    const failed = failedNames(r);
    expect(failed).toContain(byName("go to the first maximum").name);
    expect(failed).not.toContain(byName("2×2 windows, distinct values").name);
    expect(reportedOn(r.checks.find((c) => c.name === byName("go to the first maximum").name)!))
      .toContain(said(MISTAKE.tiesLast()));
  }, 60_000);
});
