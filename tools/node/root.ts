/**
 * The repository's root seen from the Node package: the nearest folder above this module that
 * holds `deno.json` and `lib/mod.ts` (the package is built into `node_modules/@course/`).
 *
 * @module
 */

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "deno.json")) && existsSync(join(dir, "lib", "mod.ts"))) {
      return `${dir}/`;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`the course's root was not found above ${import.meta.url}`);
    dir = up;
  }
}

/** The repository's root, with a trailing slash. */
export const ROOT = findRoot();
