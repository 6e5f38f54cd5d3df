/**
 * The `regularisation` exercise's checks: the solution passes every check; each known mistake,
 * written as a learner would, fails the checks of its function and the feedback names it.
 */
import { describe, expect, it } from "vitest";
import { type Impl, moduleHarness } from "./_mistakes.ts";
import { checks, MISTAKES } from "../checks/regularisation.ts";
import * as solution from "../../solutions/regularisation.ts";

const { grade } = moduleHarness(checks());

const base = solution as unknown as Impl;

describe("regularisation checks", () => {
  it("the solution passes every check", () => {
    expect([...grade(base)]).toEqual([]);
  });

  const cases: [string, Partial<Impl>, string, RegExp][] = [
    [
      "L2 without the 1/2",
      { l2Penalty: MISTAKES.l2NoHalf },
      "l2Penalty",
      /the 1\/2 in front of the penalty is missing/,
    ],
    ["sign(0) = +1", { l1Penalty: MISTAKES.signZeroPlus }, "l1Penalty", /exactly 0 got a push/],
    ["sign(0) = −1", { l1Penalty: MISTAKES.signZeroMinus }, "l1Penalty", /exactly 0 got a push/],
    ["soft-threshold flips signs", { proxL1: MISTAKES.proxFlips }, "proxL1", /changed sign/],
    [
      "threshold λ, not lr·λ",
      { proxL1: MISTAKES.proxWithoutLr },
      "proxL1",
      /not scaled by the learning rate/,
    ],
    [
      "bias penalised",
      { layerL2Penalty: MISTAKES.biasPenalised },
      "layerL2Penalty",
      /bias was penalised/,
    ],
    [
      "decay times lr twice",
      { decoupledStep: MISTAKES.decayLrTwice },
      "decoupledStep",
      /lr twice/,
    ],
    [
      "decay not times lr",
      { decoupledStep: MISTAKES.decayWithoutLr },
      "decoupledStep",
      /not multiplied by lr/,
    ],
  ];
  for (const [name, patch, fn, said] of cases) {
    it(`${name}: fails ${fn}'s checks and is named`, () => {
      const failed = grade({ ...base, ...patch } as Impl);
      expect(failed.size).toBeGreaterThan(0);
      for (const [check, message] of failed) {
        expect(check.startsWith(fn)).toBe(true);
        expect(message).toMatch(said);
      }
    });
  }

  it("a bias penalised only in db (loss right) is named too", () => {
    const failed = grade({
      ...base,
      layerL2Penalty: (layer: { w: number[]; b: number[] }, lambda: number) => ({
        ...solution.layerL2Penalty(layer, lambda),
        db: layer.b.map((v) => lambda * v),
      }),
    } as unknown as Impl);
    expect([...failed.values()]).toEqual([expect.stringMatching(/bias was penalised/)]);
  });
});
