/**
 * lib/ is plain portable TypeScript: no Deno or Node APIs in it, and the same numbers in every
 * runtime. The second test bundles a probe for the browser platform and runs it under Node
 * (whose V8 is years older than Deno's).
 */

import { describe, expect, it } from "vitest";
import { probe } from "./portable_probe.ts";

const LIB = new URL("../../lib/", import.meta.url);

async function* tsFiles(dir: URL): AsyncGenerator<URL> {
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) yield* tsFiles(new URL(`${e.name}/`, dir));
    else if (e.name.endsWith(".ts")) yield new URL(e.name, dir);
  }
}

describe("lib/", () => {
  it("uses no Deno.* and no node:* APIs", async () => {
    const offenders: string[] = [];
    for await (const file of tsFiles(LIB)) {
      const code = (await Deno.readTextFile(file))
        .replace(/\/\*[\s\S]*?\*\//g, "") // doc comments may mention them
        .replace(/\/\/.*$/gm, "");
      if (/\bDeno\./.test(code) || /["']node:/.test(code)) offenders.push(file.pathname);
    }
    expect(offenders).toEqual([]);
  });

  it("gives the same numbers bundled for the browser and run in Node", async () => {
    const bundle = await Deno.makeTempFile({ suffix: ".js" });
    const built = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform=browser",
        "-o",
        bundle,
        new URL("./portable_probe.ts", import.meta.url).pathname,
      ],
    }).output();
    expect(built.code, new TextDecoder().decode(built.stderr)).toBe(0);
    const ran = await new Deno.Command("node", { args: [bundle] }).output();
    expect(ran.code, new TextDecoder().decode(ran.stderr)).toBe(0);
    const there = JSON.parse(new TextDecoder().decode(ran.stdout));
    const here = JSON.parse(JSON.stringify(probe()));
    // The generator and matmul use IEEE-exact operations only: the same bits everywhere.
    expect(there.uniform).toEqual(here.uniform);
    expect(there.normals).toEqual(here.normals);
    expect(there.matmul).toEqual(here.matmul);
    // exp and ** come from each engine's maths library, which may differ in the last bit.
    for (const key of ["ema", "activations"]) {
      const a: number[] = there[key].flat(), b: number[] = here[key].flat();
      expect(a.length).toBe(b.length);
      a.forEach((x, i) =>
        expect(Math.abs(x - b[i])).toBeLessThanOrEqual(1e-15 + 1e-14 * Math.abs(b[i]))
      );
    }
    await Deno.remove(bundle);
  }, 60_000);
});
