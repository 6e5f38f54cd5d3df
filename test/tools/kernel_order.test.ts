/**
 * tools/kernel/order.ts, message by message: the Deno kernel's late outputs (drained after the
 * cell's idle, stamped with whatever request is current) reach the front end before the idle,
 * under their own cell.
 */

import { describe, expect, it } from "vitest";
import { type Action, OutputOrder } from "../../tools/kernel/order.ts";
import { type Message, request } from "../../tools/kernel/wire.ts";

const execute = (code: string) =>
  request("execute_request", { code, silent: false, store_history: true }, "front-end");

/** A message from the kernel with `parent` as its parent request. */
function fromKernel(type: string, parent: Message, content: Record<string, unknown> = {}): Message {
  const msg = request(type, content, "kernel");
  return { ...msg, parent_header: parent.header };
}
const status = (state: string, parent: Message) =>
  fromKernel("status", parent, { execution_state: state });

/** The barrier request among `actions` (the one sent to the kernel that no front end sent). */
function barrierOf(actions: Action[]): { msg: Message; marker: string } {
  const a = actions.find((x) => x.to === "kernel-shell")!;
  const marker = String(a.msg.content.code).match(/"(\\u0000course-barrier-[^"]+)"/)![1];
  return { msg: a.msg, marker: JSON.parse(`"${marker}"`) };
}

/** What the front end sees on IOPub: type and parent of each message, in order. */
const iopub = (actions: Action[], names: Map<string, string>) =>
  actions.filter((a) => a.to === "frontend-iopub").map((a) =>
    `${a.msg.header.msg_type}${
      a.msg.content.execution_state ? `=${a.msg.content.execution_state}` : ""
    }@${names.get(a.msg.parent_header.msg_id ?? "") ?? "?"}`
  );

describe("OutputOrder", () => {
  it("holds the cell's idle until an output drained late, under the barrier, has gone out", () => {
    const order = new OutputOrder();
    const cell = execute("1 + 1");
    const names = new Map([[cell.header.msg_id, "cell"]]);
    const seen: Action[] = [];
    const step = (actions: Action[]) => (seen.push(...actions), actions);

    expect(step(order.fromFrontendShell(cell))).toEqual([{ to: "kernel-shell", msg: cell }]);
    step(order.fromKernelIopub(status("busy", cell)));
    step(order.fromKernelIopub(fromKernel("execute_input", cell)));
    const afterReply = step(order.fromKernelShell(fromKernel("execute_reply", cell)));
    expect(afterReply[0]).toMatchObject({ to: "frontend-shell" });
    const barrier = barrierOf(afterReply);
    expect(barrier.msg.content).toMatchObject({ silent: true, store_history: false });
    expect(step(order.fromKernelIopub(status("idle", cell)))).toEqual([]); // held
    // The barrier runs; the cell's result is drained only now, stamped with the barrier.
    step(order.fromKernelIopub(status("busy", barrier.msg)));
    step(order.fromKernelIopub(fromKernel("execute_input", barrier.msg)));
    step(order.fromKernelIopub(fromKernel("execute_result", barrier.msg, { data: {} })));
    expect(order.waitingFor).toBe(barrier.msg.header.msg_id);
    step(order.fromKernelIopub(
      fromKernel("stream", barrier.msg, { name: "stdout", text: barrier.marker }),
    ));
    step(order.fromKernelIopub(status("idle", barrier.msg)));
    step(order.fromKernelShell(fromKernel("execute_reply", barrier.msg)));

    expect(iopub(seen, names)).toEqual([
      "status=busy@cell",
      "execute_input@cell",
      "execute_result@cell",
      "status=idle@cell",
    ]);
    expect(seen.filter((a) => a.to === "frontend-shell")).toHaveLength(1); // the cell's reply only
    expect(order.waitingFor).toBeUndefined();
  });

  it("sends the next request only after the barrier of the one before", () => {
    const order = new OutputOrder();
    const [a, b] = [execute("a"), execute("b")];
    expect(order.fromFrontendShell(a)).toHaveLength(1);
    expect(order.fromFrontendShell(b)).toEqual([]); // queued: "Run All" sends both at once
    const barrier = barrierOf(order.fromKernelShell(fromKernel("execute_reply", a)));
    order.fromKernelIopub(status("idle", a));
    const released = order.fromKernelIopub(
      fromKernel("stream", barrier.msg, { name: "stdout", text: `late\n${barrier.marker}` }),
    );
    const names = new Map([[a.header.msg_id, "a"]]);
    // a's late print, a's idle, then b goes to the kernel.
    expect(iopub(released, names)).toEqual(["stream@a", "status=idle@a"]);
    expect(released[0].msg.content.text).toBe("late\n");
    expect(released.at(-1)).toEqual({ to: "kernel-shell", msg: b });
  });

  it("finishes other requests on their reply, with no barrier", () => {
    const order = new OutputOrder();
    const info = request("kernel_info_request", {}, "front-end");
    order.fromFrontendShell(info);
    const next = execute("x");
    expect(order.fromFrontendShell(next)).toEqual([]);
    const actions = order.fromKernelShell(fromKernel("kernel_info_reply", info));
    expect(actions.map((a) => a.to)).toEqual(["frontend-shell", "kernel-shell"]);
    expect(actions[1].msg).toBe(next);
  });

  it("lets the cell finish if the barrier never comes back", () => {
    const order = new OutputOrder();
    const cell = execute("x");
    order.fromFrontendShell(cell);
    order.fromKernelShell(fromKernel("execute_reply", cell));
    order.fromKernelIopub(status("idle", cell));
    const names = new Map([[cell.header.msg_id, "cell"]]);
    expect(iopub(order.expire(), names)).toEqual(["status=idle@cell"]);
    expect(order.waitingFor).toBeUndefined();
  });
});
