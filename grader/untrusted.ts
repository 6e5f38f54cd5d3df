/**
 * Text the learner controls (error messages, thrown strings, printed output, values, type
 * errors of their file) on its way into a report: control characters are shown escaped
 * (`\n`, `\u001b`, …), so it can neither start a line of its own, move the cursor, colour
 * the terminal nor reorder text (bidirectional controls), and its length is capped. The text,
 * HTML and JSON reports are all built from text cleaned here.
 */

import { TEXT_MAX_CHARS } from "./limits.ts";

// C0 and C1 controls, DEL, the line/paragraph separators, bidirectional and invisible format
// characters, and the interlinear annotation characters.
const CONTROL =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeOne(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** `text` with every control character written out; idempotent. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** `text` escaped and cut to `max` characters, saying how long it was. */
export function clean(text: string, max = TEXT_MAX_CHARS): string {
  const s = escapeControls(text.length > max ? text.slice(0, max) : text);
  if (text.length <= max && s.length <= max) return s;
  let head = s.slice(0, max);
  if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1); // not half a surrogate pair
  return `${head}… (${text.length.toLocaleString("en-US")} characters in all)`;
}
