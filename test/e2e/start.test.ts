/**
 * `deno task start` without Jupyter: one short message saying how to install it, a non-zero
 * exit, and no stack trace.
 */

import { expect, it } from "vitest";

it("deno task start explains how to install Jupyter when it is missing", async () => {
  const bin = await Deno.makeTempDir({ prefix: "no-jupyter-" });
  await Deno.symlink(Deno.execPath(), `${bin}/deno`);
  const out = await new Deno.Command(`${bin}/deno`, {
    args: ["task", "start"],
    cwd: new URL("../..", import.meta.url).pathname,
    env: { PATH: bin, NO_COLOR: "1" },
    clearEnv: true,
  }).output();
  await Deno.remove(bin, { recursive: true });
  const stderr = new TextDecoder().decode(out.stderr);
  expect(out.code).toBe(1);
  expect(stderr).toMatch(
    /Jupyter is not installed\. Install it with .*apt-get install jupyter-notebook/,
  );
  expect(stderr).toMatch(/pip install notebook/);
  expect(stderr).not.toMatch(/\bat .*\.ts:\d+|Uncaught|Stack backtrace/);
});
