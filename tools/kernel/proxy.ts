/**
 * The course's Deno kernel as Jupyter starts it (`deno task start` registers it): a small proxy
 * in front of `deno jupyter --kernel` that delivers every output of a cell before the cell's
 * `status: idle` (see tools/kernel/order.ts for why and how).
 *
 *     deno run -A tools/kernel/proxy.ts CONNECTION_FILE
 *
 * Jupyter talks to the proxy on the ports of CONNECTION_FILE; the proxy starts the real kernel
 * on free ports of its own with the same key and relays the channels: shell and IOPub through
 * the ordering state machine, control and stdin as they are; it answers the heartbeat itself
 * and exits with the kernel.
 */

import { type Action, OutputOrder } from "./order.ts";
import { decode, encode, type Message, signer } from "./wire.ts";
import { connect, each, type Frames, type Peer, serve } from "./zmtp.ts";

interface Connection {
  transport: string;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  [key: string]: unknown;
}

/** How long to wait for a barrier before letting the cell finish anyway. */
const BARRIER_TIMEOUT_MS = 10_000;

/** Free TCP ports on `ip`, found by letting the system pick them. */
function freePorts(ip: string, n: number): number[] {
  const listeners = Array.from({ length: n }, () => Deno.listen({ hostname: ip, port: 0 }));
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

function complain(what: string, e: unknown) {
  console.error(`course kernel proxy: ${what}: ${e instanceof Error ? e.message : e}`);
}

export async function main(connectionFile: string): Promise<number> {
  const outer: Connection = JSON.parse(await Deno.readTextFile(connectionFile));
  if (outer.transport !== "tcp") throw new Error(`unsupported transport ${outer.transport}`);
  const [shell, iopub, stdin, control, hb] = freePorts(outer.ip, 5);
  const inner = {
    ...outer,
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
  };
  const innerFile = await Deno.makeTempFile({ prefix: "course-kernel-", suffix: ".json" });
  await Deno.writeTextFile(innerFile, JSON.stringify(inner));
  const kernel = new Deno.Command(Deno.execPath(), {
    args: ["jupyter", "--kernel", "--conn", innerFile],
    stdin: "null",
  }).spawn();
  // Jupyter interrupts by signalling the process group, which reaches the kernel too.
  Deno.addSignalListener("SIGINT", () => {});
  Deno.addSignalListener("SIGTERM", () => kernel.kill("SIGTERM"));

  const sign = signer(outer.key);
  const toKernel = (peer: Promise<Peer>, msg: Message) =>
    peer.then((p) => p.send(encode({ ...msg, ids: [] }, sign))).catch((e) => complain("send", e));
  // Which front-end connection asked: replies and input requests go back to it.
  const askedBy = new Map<string, Peer>();
  const remember = (msg: Message, peer: Peer) => {
    askedBy.set(msg.header.msg_id, peer);
    if (askedBy.size > 4096) askedBy.delete(askedBy.keys().next().value!);
  };
  const backTo = (msg: Message) => {
    const peer = askedBy.get(msg.parent_header.msg_id ?? "");
    if (peer && !peer.closed) peer.send(encode({ ...msg, ids: [] }, sign));
  };
  // An input request goes to the stdin connection of the front end that ran the cell (libzmq
  // front ends give their shell and stdin sockets one routing id).
  const stdinPeers: Peer[] = [];
  const askFor = (msg: Message) => {
    const id = askedBy.get(msg.parent_header.msg_id ?? "")?.identity;
    const live = stdinPeers.filter((p) => !p.closed);
    const peer = live.findLast((p) => p.identity === id) ?? live.at(-1);
    peer?.send(encode({ ...msg, ids: [] }, sign));
  };
  const subscribers = new Set<Peer>();
  const publish = (msg: Message) => {
    const frames = encode({ ...msg, ids: [] }, sign);
    for (const s of subscribers) {
      if (s.closed) subscribers.delete(s);
      else s.send(frames);
    }
  };

  // Facing the kernel.
  const kShell = connect(inner.ip, shell, "DEALER");
  const kControl = connect(inner.ip, control, "DEALER");
  const kStdin = connect(inner.ip, stdin, "DEALER");
  const kIopub = connect(inner.ip, iopub, "SUB").then(async (p) => {
    await p.send([new Uint8Array([1])]); // subscribe to everything
    return p;
  });

  const order = new OutputOrder();
  let timed: string | undefined;
  const perform = (actions: Action[]) => {
    for (const a of actions) {
      if (a.to === "kernel-shell") toKernel(kShell, a.msg);
      else if (a.to === "frontend-shell") backTo(a.msg);
      else publish(a.msg);
    }
    const waiting = order.waitingFor;
    if (waiting && waiting !== timed) {
      timed = waiting;
      setTimeout(() => {
        if (order.waitingFor === waiting) perform(order.expire());
      }, BARRIER_TIMEOUT_MS);
    }
  };
  const guarded = (what: string, handle: (frames: Frames) => void) => (frames: Frames) => {
    try {
      handle(frames);
    } catch (e) {
      complain(`dropped a message on ${what}`, e);
    }
  };

  // Facing Jupyter.
  const listeners = [
    serve(outer.ip, outer.shell_port, "ROUTER", (peer) =>
      each(
        peer,
        guarded("shell", (frames) => {
          const msg = decode(frames);
          remember(msg, peer);
          perform(order.fromFrontendShell(msg));
        }),
      )),
    serve(outer.ip, outer.control_port, "ROUTER", (peer) =>
      each(
        peer,
        guarded("control", (frames) => {
          const msg = decode(frames);
          remember(msg, peer);
          toKernel(kControl, msg);
        }),
      )),
    serve(outer.ip, outer.stdin_port, "ROUTER", (peer) => {
      stdinPeers.push(peer);
      each(peer, guarded("stdin", (frames) => toKernel(kStdin, decode(frames))));
    }),
    serve(outer.ip, outer.iopub_port, "PUB", (peer) => {
      subscribers.add(peer);
      each(peer, () => {}); // subscriptions: everything is published to everyone
    }),
    serve(outer.ip, outer.hb_port, "REP", (peer) => each(peer, (frames) => peer.send(frames))),
  ];

  kShell.then((p) =>
    each(p, guarded("kernel shell", (f) => perform(order.fromKernelShell(decode(f)))))
  );
  kIopub.then((p) =>
    each(p, guarded("kernel iopub", (f) => perform(order.fromKernelIopub(decode(f)))))
  );
  kControl.then((p) => each(p, guarded("kernel control", (f) => backTo(decode(f)))));
  kStdin.then((p) => each(p, guarded("kernel stdin", (f) => askFor(decode(f)))));

  const status = await kernel.status;
  await Deno.remove(innerFile).catch(() => {});
  for (const l of listeners) l.close();
  return status.code;
}

if (import.meta.main) {
  if (Deno.args.length !== 1) {
    console.error("usage: deno run -A tools/kernel/proxy.ts CONNECTION_FILE");
    Deno.exit(2);
  }
  Deno.exit(await main(Deno.args[0]));
}
