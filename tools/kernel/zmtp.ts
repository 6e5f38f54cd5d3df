/**
 * The part of ZeroMQ's wire protocol (ZMTP 3.0, NULL security) that the kernel proxy needs,
 * over plain TCP: a greeting, a READY command naming the socket type, then messages made of
 * frames. Jupyter's sockets are libzmq's; the Deno kernel speaks the same protocol.
 *
 * Why not the `zeromq` npm package: its native addon waits for readiness through libuv, which
 * Deno does not fully provide, and a ROUTER under Deno was seen never to receive.
 */

/** One message: its frames, in order. */
export type Frames = Uint8Array[];

const MORE = 0x01, LONG = 0x02, COMMAND = 0x04;
const encoder = new TextEncoder();

function greeting(): Uint8Array {
  const g = new Uint8Array(64);
  g[0] = 0xff; // signature: 0xFF, eight padding octets, 0x7F
  g[9] = 0x7f;
  g[10] = 3; // version 3.0: subscriptions travel as messages
  g[11] = 0;
  g.set(encoder.encode("NULL"), 12); // mechanism, zero-padded to 20 octets; as-server = 0
  return g;
}

function frameBytes(body: Uint8Array, flags: number): Uint8Array {
  const long = body.length > 255;
  const head = long ? 9 : 2;
  const out = new Uint8Array(head + body.length);
  out[0] = flags | (long ? LONG : 0);
  if (long) new DataView(out.buffer).setBigUint64(1, BigInt(body.length));
  else out[1] = body.length;
  out.set(body, head);
  return out;
}

function ready(socketType: string): Uint8Array {
  const name = encoder.encode("READY"), key = encoder.encode("Socket-Type");
  const value = encoder.encode(socketType);
  const body = new Uint8Array(1 + name.length + 1 + key.length + 4 + value.length);
  let at = 0;
  body[at++] = name.length;
  body.set(name, at);
  at += name.length;
  body[at++] = key.length;
  body.set(key, at);
  at += key.length;
  new DataView(body.buffer).setUint32(at, value.length);
  body.set(value, at + 4);
  return frameBytes(body, COMMAND);
}

/** A property of a READY command's body (`<len>READY` then `<len1>name<len4>value`…). */
function readyProperty(body: Uint8Array, wanted: string): string {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const decoder = new TextDecoder();
  for (let at = 1 + body[0]; at < body.length;) {
    const name = decoder.decode(body.subarray(at + 1, at + 1 + body[at]));
    at += 1 + body[at];
    const size = view.getUint32(at);
    if (name === wanted) return decoder.decode(body.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  return "";
}

/** One ZMTP connection, after its handshake. */
export class Peer {
  #conn: Deno.Conn;
  #buffer = new Uint8Array(0);
  #writing: Promise<void> = Promise.resolve();
  closed = false;
  /** The routing id the other end announced in its READY command (empty if none). */
  identity = "";

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Greets the other end as `socketType` (e.g. "ROUTER", "DEALER", "PUB", "SUB", "REP"). */
  static async handshake(conn: Deno.Conn, socketType: string): Promise<Peer> {
    (conn as Deno.TcpConn).setNoDelay(true);
    const peer = new Peer(conn);
    await peer.#write(greeting());
    await peer.#read(64);
    await peer.#write(ready(socketType));
    peer.identity = readyProperty((await peer.#frame()).body, "Identity");
    return peer;
  }

  /** Sends one message; sends on one peer go out in the order they were asked for. */
  send(frames: (Uint8Array | string)[]): Promise<void> {
    const parts = frames.map((f, i) =>
      frameBytes(typeof f === "string" ? encoder.encode(f) : f, i < frames.length - 1 ? MORE : 0)
    );
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    this.#writing = this.#writing.then(() => this.#write(all)).catch(() => {
      this.closed = true;
    });
    return this.#writing;
  }

  /** The next message, or null once the connection has closed. Commands are skipped. */
  async receive(): Promise<Frames | null> {
    try {
      const frames: Frames = [];
      while (true) {
        const { body, flags } = await this.#frame();
        if (flags & COMMAND) continue;
        frames.push(body);
        if (!(flags & MORE)) return frames;
      }
    } catch {
      this.closed = true;
      return null;
    }
  }

  close() {
    this.closed = true;
    try {
      this.#conn.close();
    } catch { /* already closed */ }
  }

  async #write(bytes: Uint8Array) {
    for (let at = 0; at < bytes.length;) at += await this.#conn.write(bytes.subarray(at));
  }

  async #read(n: number): Promise<Uint8Array> {
    while (this.#buffer.length < n) {
      const chunk = new Uint8Array(Math.max(65536, n));
      const got = await this.#conn.read(chunk);
      if (got === null) throw new Error("connection closed");
      const joined = new Uint8Array(this.#buffer.length + got);
      joined.set(this.#buffer);
      joined.set(chunk.subarray(0, got), this.#buffer.length);
      this.#buffer = joined;
    }
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  async #frame(): Promise<{ body: Uint8Array; flags: number }> {
    const [flags] = await this.#read(1);
    const size = flags & LONG
      ? Number(new DataView((await this.#read(8)).buffer).getBigUint64(0))
      : (await this.#read(1))[0];
    return { body: await this.#read(size), flags };
  }
}

/** Accepts connections on `ip:port` as `socketType`, handing each peer over once greeted. */
export function serve(
  ip: string,
  port: number,
  socketType: string,
  onPeer: (peer: Peer) => void,
): Deno.Listener {
  const listener = Deno.listen({ hostname: ip, port });
  (async () => {
    for await (const conn of listener) {
      Peer.handshake(conn, socketType).then(onPeer, () => conn.close());
    }
  })().catch(() => {/* listener closed */});
  return listener;
}

/** Connects to `ip:port` as `socketType`, retrying until `timeoutMs` while nothing listens. */
export async function connect(
  ip: string,
  port: number,
  socketType: string,
  timeoutMs = 60_000,
): Promise<Peer> {
  const until = Date.now() + timeoutMs;
  while (true) {
    try {
      return await Peer.handshake(await Deno.connect({ hostname: ip, port }), socketType);
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Calls `handle` with every message from `peer` until it closes. */
export async function each(peer: Peer, handle: (frames: Frames) => void): Promise<void> {
  while (true) {
    const frames = await peer.receive();
    if (!frames) return;
    handle(frames);
  }
}
