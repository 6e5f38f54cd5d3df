/**
 * The `conv` exercise's checks and diagnoses: each known mistake, written here as a buggy
 * learner implementation (independent of lib/ and of the checks' own variants), fails the checks
 * it should and gets the message that names it; one goes through the real grader.
 */
import { describe, expect, it } from "vitest";
import { differs, failedNames, gradeEdited, mistakeHarness } from "./_mistakes.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import { Tensor } from "../../lib/core/tensor.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { reportedOn, said } from "../checks/diagnose.ts";
import { checks, convExercise, MISTAKE } from "../checks/conv.ts";
import * as solution from "../../solutions/conv.ts";

type Bug =
  | "none"
  | "flipped" // a true convolution, forward and backward
  | "padOutput" // valid convolution, then zeros around the output
  | "strideForward" // the window moves by 1
  | "strideBackward" // the backward pass forgets the stride
  | "dxFlipped" // dx accumulated with the flipped kernel
  | "dbPositions"; // db from the first output position only
type Opts = { stride?: number; padding?: number };

/** A learner's convolution with one deliberate bug: forward, and backward given dout. */
function learner(bug: Bug) {
  const at = (w: Tensor, f: number, c: number, u: number, v: number, flip: boolean) =>
    flip ? w.get(f, c, w.h - 1 - u, w.w - 1 - v) : w.get(f, c, u, v);
  const forward = (x: Tensor, w: Tensor, b: Matrix, o: Opts = {}) => {
    const s = bug === "strideForward" ? 1 : o.stride ?? 1;
    const p = bug === "padOutput" ? 0 : o.padding ?? 0,
      extra = bug === "padOutput" ? o.padding ?? 0 : 0;
    const Ho = Math.floor((x.h + 2 * p - w.h) / s) + 1,
      Wo = Math.floor((x.w + 2 * p - w.w) / s) + 1;
    const out = new Tensor([x.n, w.n, Ho + 2 * extra, Wo + 2 * extra]);
    for (let n = 0; n < x.n; n++) {
      for (let f = 0; f < w.n; f++) {
        for (let i = 0; i < Ho; i++) {
          for (let j = 0; j < Wo; j++) {
            let sum = b.get(0, f);
            for (let c = 0; c < x.c; c++) {
              for (let u = 0; u < w.h; u++) {
                for (let v = 0; v < w.w; v++) {
                  const y = i * s + u - p, xx = j * s + v - p;
                  if (y < 0 || y >= x.h || xx < 0 || xx >= x.w) continue;
                  sum += at(w, f, c, u, v, bug === "flipped") * x.get(n, c, y, xx);
                }
              }
            }
            out.set(n, f, i + extra, j + extra, sum);
          }
        }
      }
    }
    return out;
  };
  const backward = (dout: Tensor, x: Tensor, w: Tensor, o: Opts = {}) => {
    const s = bug === "strideBackward" ? 1 : o.stride ?? 1, p = o.padding ?? 0;
    const dx = new Tensor(x.shape), dw = new Tensor(w.shape), db = new Matrix(1, w.n);
    for (let n = 0; n < x.n; n++) {
      for (let f = 0; f < w.n; f++) {
        for (let i = 0; i < dout.h; i++) {
          for (let j = 0; j < dout.w; j++) {
            const g = dout.get(n, f, i, j);
            if (bug !== "dbPositions" || i + j === 0) db.data[f] += g;
            for (let c = 0; c < x.c; c++) {
              for (let u = 0; u < w.h; u++) {
                for (let v = 0; v < w.w; v++) {
                  const y = i * s + u - p, xx = j * s + v - p;
                  if (y < 0 || y >= x.h || xx < 0 || xx >= x.w) continue;
                  const fu = bug === "flipped" ? w.h - 1 - u : u;
                  const fv = bug === "flipped" ? w.w - 1 - v : v;
                  dw.set(f, c, fu, fv, dw.get(f, c, fu, fv) + g * x.get(n, c, y, xx));
                  const flip = bug === "flipped" || bug === "dxFlipped";
                  dx.set(n, c, y, xx, dx.get(n, c, y, xx) + g * at(w, f, c, u, v, flip));
                }
              }
            }
          }
        }
      }
    }
    return { dx, dw, db };
  };
  return { convForward: forward, convBackward: backward };
}

// deno-lint-ignore no-explicit-any
const run = (bug: Bug, c: Check) => (learner(bug) as any)[c.fn](...c.args);
const { all, byName, fails, failing } = mistakeHarness(checks(), run);

describe("conv checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failing("none")).toEqual([]);
    for (const c of all) {
      // deno-lint-ignore no-explicit-any
      const got = (solution as any)[c.fn](...c.args);
      expect(differs(got, c))
        .toBeUndefined();
    }
  });

  it("grades each gradient apart, against lib and numerical gradients, some hidden", () => {
    expect(Object.keys(byName("db (2 images").expected as object)).toEqual(["db"]);
    expect(Object.keys(byName("dx (2 images").expected as object)).toEqual(["dx"]);
    expect(all.some((c) => c.name.includes("numerical gradients"))).toBe(true);
    expect(all.filter((c) => c.hidden).length).toBe(2);
  });

  const cases: [Bug, string, Diagnosis][] = [
    ["flipped", "one 4×4 image", MISTAKE.flipped("the output")],
    ["flipped", "padding 1 (output 4×4)", MISTAKE.flipped("the output")],
    ["flipped", "dw (2 images", MISTAKE.flipped("dw")],
    ["padOutput", "padding 1 (output 4×4)", MISTAKE.padOutput()],
    ["padOutput", "4 filters, stride 2, padding 1", MISTAKE.padOutput()],
    ["strideForward", "4 filters, stride 2, padding 1", MISTAKE.strideForward()],
    ["strideForward", "convForward: 3 images", MISTAKE.strideForward()],
    ["strideBackward", "dx, dw, db with stride 2", MISTAKE.strideBackward("dx")],
    ["strideBackward", "numerical gradients", MISTAKE.strideBackward("dx")],
    ["strideBackward", "convBackward: 3 images", MISTAKE.strideBackward("dx")],
    ["dxFlipped", "dx (2 images", MISTAKE.dxFlipped()],
    ["dxFlipped", "numerical gradients", MISTAKE.dxFlipped()],
    ["dbPositions", "db (2 images", MISTAKE.dbPositions()],
    ["dbPositions", "dx, dw, db with stride 2", MISTAKE.dbPositions()],
  ];
  for (const [bug, check, message] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check);
      expect(fails(bug, c)).toBe(true);
      expect(c.diagnose!(run(bug, c))).toEqual(message);
    });
  }

  it("each mistake fails only where it shows", () => {
    // Stride 1 everywhere except where the stride is 2: the stride bugs pass the stride-1 checks.
    expect(failing("strideBackward")).not.toContain(byName("dx (2 images").name);
    expect(failing("strideForward")).not.toContain(byName("one 4×4 image").name);
    // Without padding, padding the output changes nothing.
    expect(failing("padOutput")).not.toContain(byName("one 4×4 image").name);
    // A dx-only slip leaves dw and db right.
    expect(failing("dxFlipped")).not.toContain(byName("dw (2 images").name);
    expect(failing("dxFlipped")).not.toContain(byName("db (2 images").name);
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("dx (2 images");
    const got = run("none", c) as { dx: Tensor };
    got.dx.data[4] += 0.5;
    expect(fails("none", c)).toBe(false);
    expect(c.diagnose!(got)).toBeUndefined();
  });
});

describe("conv through the grader", () => {
  it("a kernel flipped in the forward pass: the forward checks fail and name it", async () => {
    const r = await gradeEdited(convExercise, (s) =>
      s.replace(
        "s += w.get(f, c, u, v) * x.get(n, c, y, xx);",
        "s += w.get(f, c, KH - 1 - u, KW - 1 - v) * x.get(n, c, y, xx);",
      ));
    const failed = failedNames(r);
    expect(failed).toContain(byName("one 4×4 image").name);
    expect(failed.every((n) => n.startsWith("convForward"))).toBe(true);
    expect(reportedOn(r.checks.find((c) => c.name === byName("one 4×4 image").name)!)).toContain(
      said(MISTAKE.flipped("the output")),
    );
  }, 60_000);
});
