/**
 * Jupyter's wire format (messaging protocol 5.x): a message is the ZeroMQ frames
 * `[routing ids…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]`,
 * the signature being the HMAC-SHA256 of the four JSON frames under the connection key.
 */

import { createHmac } from "node:crypto";

const DELIMITER = "<IDS|MSG>";
const decoder = new TextDecoder();

/** The header fields the kernel tools read; the rest pass through untouched. */
export interface Header {
  msg_id: string;
  msg_type: string;
  session?: string;
  [key: string]: unknown;
}

/** A decoded message. `ids` are the routing frames before the delimiter. */
export interface Message {
  ids: Uint8Array[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Uint8Array[];
}

const text = (frame: Uint8Array) => decoder.decode(frame);

/** Splits ZeroMQ frames into a message; throws on frames that are not a Jupyter message. */
export function decode(frames: Uint8Array[]): Message {
  const at = frames.findIndex((f) => f.length === DELIMITER.length && text(f) === DELIMITER);
  if (at < 0 || frames.length < at + 6) throw new Error("not a Jupyter message");
  const json = (i: number) => JSON.parse(text(frames[at + i]));
  return {
    ids: frames.slice(0, at),
    header: json(2),
    parent_header: json(3),
    metadata: json(4),
    content: json(5),
    buffers: frames.slice(at + 6),
  };
}

/** A signer for one connection key (an empty key signs nothing, as Jupyter allows). */
export function signer(key: string): (parts: string[]) => string {
  return (parts) => {
    if (!key) return "";
    const h = createHmac("sha256", key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  };
}

/** Encodes a message into frames, signed afresh (after its parent header was changed, say). */
export function encode(msg: Message, sign: (parts: string[]) => string): (Uint8Array | string)[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) =>
    JSON.stringify(p)
  );
  return [...msg.ids, DELIMITER, sign(parts), ...parts, ...msg.buffers];
}

/** A new message with a fresh header, as a client would send it. */
export function request(
  msgType: string,
  content: Record<string, unknown>,
  session: string,
): Message {
  return {
    ids: [],
    header: {
      msg_id: crypto.randomUUID(),
      msg_type: msgType,
      session,
      username: "course-kernel",
      date: new Date().toISOString(),
      version: "5.3",
    },
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
  };
}
