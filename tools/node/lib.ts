/**
 * `@course/lib` on tslab (Node): the whole library (`lib/mod.ts`), with its figures, tables and
 * other displayable values shown as rich output when they are a cell's value
 * (tools/node/display.ts).
 *
 * @module
 */

import * as lib from "../../lib/mod.ts";
import { installInspectHooks } from "./display.ts";

export * from "../../lib/mod.ts";

installInspectHooks(Object.values(lib));
