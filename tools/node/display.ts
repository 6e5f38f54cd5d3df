/**
 * Rich output on tslab. tslab prints a cell's last value with `console.log`, which ignores
 * `Symbol.for("Jupyter.display")`, and its public `display.*` sends one MIME type per message.
 * This module sends a whole MIME bundle (plotly JSON, HTML fallback, text) as one
 * `display_data` message through the writer tslab keeps for the running cell, and makes every
 * displayable class of the library show itself that way when it is a cell's value (through
 * `util.inspect.custom`, which `console.log` honours).
 *
 * Outside tslab (plain Node, a test) nothing is sent and values print as their `text/plain`.
 *
 * @module
 */

import { createRequire } from "node:module";
import process from "node:process";

const DISPLAY = Symbol.for("Jupyter.display");
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** A MIME bundle: MIME type → data. */
export type Bundle = Record<string, unknown>;

type Writer = (
  content: { data: Bundle; metadata: Record<string, unknown>; transient: { display_id?: string } },
  update: boolean,
) => void;

const require = createRequire(import.meta.url);

/** tslab's writer of `display_data` for the cell running now, if this process is tslab. */
function tslabWriter(): Writer | undefined {
  for (const [path, module] of Object.entries(require.cache)) {
    if (/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(path)) {
      const writer = module?.exports?.lastWriteDisplayData;
      if (typeof writer === "function") return writer as Writer;
    }
  }
  return undefined;
}

/** True when running inside the tslab kernel. */
export function inTslab(): boolean {
  return tslabWriter() !== undefined;
}

/**
 * Sends `bundle` as one `display_data` message (or `update_display_data` of `displayId` when
 * `update`); false outside tslab.
 */
export function display(bundle: Bundle, o: { displayId?: string; update?: boolean } = {}): boolean {
  const write = tslabWriter();
  if (!write) return false;
  write({
    data: bundle,
    metadata: {},
    transient: o.displayId ? { display_id: o.displayId } : {},
  }, o.update ?? false);
  return true;
}

/**
 * Drops the newline `console.log` writes after a value that displayed itself (its text is
 * empty), so the cell has no blank stream output. Restored after that one write, or at the
 * end of the current synchronous run if nothing is written.
 */
function swallowNextNewline(): void {
  const stdout = process.stdout;
  const write = stdout.write;
  const once = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    stdout.write = write;
    if (chunk === "\n") return true;
    return (write as (...a: unknown[]) => boolean).call(stdout, chunk, ...rest);
  };
  stdout.write = once as typeof stdout.write;
  queueMicrotask(() => {
    if (stdout.write === once) stdout.write = write;
  });
}

interface Displayable {
  [DISPLAY](): Bundle;
}

/**
 * The `util.inspect.custom` hook of a displayable object: shown whole as a cell's value in
 * tslab (top level only), its `text/plain` anywhere else.
 */
function inspectHook(this: Displayable, depth: number, options: { depth?: number }): string {
  const bundle = this[DISPLAY]();
  if (depth === options.depth && display(bundle)) {
    swallowNextNewline();
    return "";
  }
  return String(bundle["text/plain"] ?? "");
}

/** Gives every class among `values` whose instances display themselves the hook above. */
export function installInspectHooks(values: Iterable<unknown>): void {
  for (const v of values) {
    const proto = typeof v === "function" ? (v as { prototype?: object }).prototype : undefined;
    if (proto && typeof (proto as Partial<Displayable>)[DISPLAY] === "function") {
      Object.defineProperty(proto, INSPECT, { value: inspectHook, configurable: true });
    }
  }
}
