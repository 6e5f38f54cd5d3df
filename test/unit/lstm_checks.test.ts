/**
 * The `lstm` exercise's diagnoses work: each common mistake, written here as a buggy learner
 * implementation (matrix operations, independent of the checks' loop-based variants), fails the
 * checks it should and gets the message that names it.
 */
import { describe, expect, it } from "vitest";
import { differs, mistakeHarness } from "./_mistakes.ts";
import { add, matmul, Matrix, mul, sumRows, transpose } from "../../lib/core/matrix.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { checks, MISTAKE } from "../checks/lstm.ts";
import { lstmCellStep as solution } from "../../solutions/lstm.ts";

type Bug =
  | "none"
  | "orderIfog"
  | "orderIgfo"
  | "tanhForget"
  | "tanhOutput"
  | "sigmoidCandidate"
  | "onlyBIh"
  | "dropDc"
  | "dropOutputPath"
  | "dcPrevWithoutF"
  | "noTanhDerivative";

interface Params {
  wIh: Matrix;
  wHh: Matrix;
  bIh: Matrix;
  bHh: Matrix;
}

const sig = (m: Matrix) => m.map((v) => 1 / (1 + Math.exp(-v)));
const th = (m: Matrix) => m.map(Math.tanh);
/** Columns [k·H, (k+1)·H) of a B×4H matrix. */
const cols = (m: Matrix, k: number, H: number) => {
  const out = new Matrix(m.rows, H);
  for (let n = 0; n < m.rows; n++) for (let j = 0; j < H; j++) out.set(n, j, m.get(n, k * H + j));
  return out;
};
const hcat = (ms: Matrix[]) => {
  const H = ms[0].cols, out = new Matrix(ms[0].rows, H * ms.length);
  ms.forEach((m, k) => {
    for (let n = 0; n < m.rows; n++) for (let j = 0; j < H; j++) out.set(n, k * H + j, m.get(n, j));
  });
  return out;
};
const addBias = (m: Matrix, b: Matrix) => m.map((v, _n, j) => v + b.get(0, j));

/** A learner's forward + backward with one deliberate bug. */
function learner(bug: Bug) {
  return (x: Matrix, h: Matrix, c: Matrix, p: Params, dout: Matrix, dc: Matrix) => {
    const H = h.cols;
    const order = bug === "orderIfog" ? "ifog" : bug === "orderIgfo" ? "igfo" : "ifgo";
    let a = add(matmul(x, transpose(p.wIh)), matmul(h, transpose(p.wHh)));
    a = addBias(a, p.bIh);
    if (bug !== "onlyBIh") a = addBias(a, p.bHh);
    const block = (gate: string) => cols(a, order.indexOf(gate), H);
    const i = sig(block("i"));
    const f = bug === "tanhForget" ? th(block("f")) : sig(block("f"));
    const g = bug === "sigmoidCandidate" ? sig(block("g")) : th(block("g"));
    const o = bug === "tanhOutput" ? th(block("o")) : sig(block("o"));
    const cNext = add(mul(f, c), mul(i, g));
    const t = th(cNext);
    const out = mul(o, t);
    // backward
    const dtanh = bug === "noTanhDerivative" ? t.map(() => 1) : t.map((v) => 1 - v * v);
    const viaOut = bug === "dropOutputPath" ? new Matrix(h.rows, H) : mul(mul(dout, o), dtanh);
    const dct = bug === "dropDc" ? viaOut : add(dc, viaOut);
    const slope = (y: Matrix, isTanh: boolean) => y.map((v) => (isTanh ? 1 - v * v : v * (1 - v)));
    const grads: Record<string, Matrix> = {
      i: mul(mul(dct, g), slope(i, false)),
      f: mul(mul(dct, c), slope(f, bug === "tanhForget")),
      g: mul(mul(dct, i), slope(g, bug !== "sigmoidCandidate")),
      o: mul(mul(dout, t), slope(o, bug === "tanhOutput")),
    };
    const da = hcat(order.split("").map((k) => grads[k]));
    const db = sumRows(da);
    return {
      out,
      c: cNext,
      dcPrev: bug === "dcPrevWithoutF" ? dct : mul(dct, f),
      dhPrev: matmul(da, p.wHh),
      dx: matmul(da, p.wIh),
      dwIh: matmul(transpose(da), x),
      dwHh: matmul(transpose(da), h),
      dbIh: db,
      dbHh: bug === "onlyBIh" ? new Matrix(1, 4 * H) : db,
    };
  };
}

type Args = [Matrix, Matrix, Matrix, Params, Matrix, Matrix];
const run = (bug: Bug, c: Check) => learner(bug)(...(c.args as Args));
const { all, byName, failing } = mistakeHarness(checks(), run);

describe("lstm checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failing("none")).toEqual([]);
    for (const c of all) {
      expect(differs(solution(...(c.args as Args)), c), c.name).toBeUndefined();
    }
  });

  it("checks the forward pass, each backward group in order, numerically, and hidden", () => {
    const names = all.map((c) => c.name);
    expect(names.slice(0, 2).every((n) => n.includes("forward"))).toBe(true);
    expect(names.some((n) => n.includes("numerical gradient"))).toBe(true);
    expect(all.filter((c) => c.hidden).length).toBeGreaterThanOrEqual(1);
    expect(all.reduce((s, c) => s + c.points, 0)).toBe(17);
  });

  const cases: [Bug, string, Diagnosis][] = [
    ["orderIfog", "new cell state", MISTAKE.order("ifog")],
    ["orderIgfo", "new cell state", MISTAKE.order("igfo")],
    ["tanhForget", "new cell state", MISTAKE.swapped("f")],
    ["sigmoidCandidate", "new cell state", MISTAKE.swapped("g")],
    ["tanhOutput", "new hidden state", MISTAKE.swapped("o")],
    ["onlyBIh", "new cell state", MISTAKE.oneBias("bIh")],
    ["onlyBIh", "two biases", MISTAKE.oneBias("bIh")],
    ["dropDc", "dcPrev", MISTAKE.dropDc()],
    ["dropDc", "dout = 0", MISTAKE.dropDc()],
    ["dropOutputPath", "dcPrev", MISTAKE.dropOutputPath()],
    ["dropOutputPath", "numerical gradient", MISTAKE.dropOutputPath()],
    ["dcPrevWithoutF", "dcPrev", MISTAKE.dcPrevWithoutF()],
    ["noTanhDerivative", "dwIh and dwHh", MISTAKE.noTanhDerivative()],
    ["orderIfog", "another seed and shape", MISTAKE.order("ifog")],
  ];
  for (const [bug, check, message] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check);
      const got = run(bug, c);
      expect(differs(got, c)).toBeDefined();
      expect(c.diagnose!(got)).toEqual(message);
    });
  }

  it("backward-only mistakes leave the forward checks passing", () => {
    for (const bug of ["dropDc", "dropOutputPath", "dcPrevWithoutF", "noTanhDerivative"] as const) {
      const names = failing(bug);
      expect(names.some((n) => n.includes("forward,"))).toBe(false);
      expect(names.length).toBeGreaterThan(0);
    }
    // the cell state's own path alone: dropping the output path is harmless when dout = 0
    expect(failing("dropOutputPath").some((n) => n.includes("dout = 0")))
      .toBe(false);
  });

  it("messages say what is wrong at once and what PyTorch does with the formula", () => {
    expect(MISTAKE.order("ifog").says).toMatch(/order i, f, o, g, not PyTorch's.*CS231n/);
    expect(MISTAKE.order("ifog").formula).toMatch(/i, f, g, o/);
    expect(MISTAKE.swapped("f").says).toMatch(/forget gate f uses tanh/);
    expect(MISTAKE.oneBias("bIh").says).toMatch(/only b_ih is added/);
    expect(MISTAKE.oneBias("bIh").formula).toMatch(/b_ih \+ h·W_hhᵀ \+ b_hh/);
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("dhPrev and dx");
    const got = run("none", c);
    got.dx.data[0] += 0.5;
    expect(differs(got, c)).toBeDefined();
    expect(c.diagnose!(got)).toBeUndefined();
  });
});
