/**
 * `deno task start` as a learner runs it: Jupyter comes up serving notebooks/, with the `deno`
 * kernel registered and `NO_COLOR=1` in its environment.
 */

import { expect, it } from "vitest";

const PORT = 18897;
const TOKEN = crypto.randomUUID();

async function poll(url: string, seconds: number): Promise<Response> {
  const until = Date.now() + seconds * 1000;
  while (true) {
    try {
      const r = await fetch(url);
      if (r.ok) return r;
      await r.body?.cancel();
    } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it("deno task start serves the course with the Deno kernel registered", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "start", "--no-browser", `--port=${PORT}`],
    cwd: new URL("../..", import.meta.url).pathname,
    env: { JUPYTER_TOKEN: TOKEN },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const specs = await (await poll(`http://127.0.0.1:${PORT}/api/kernelspecs?token=${TOKEN}`, 60))
      .json();
    expect(specs.kernelspecs.deno.spec.env).toMatchObject({ NO_COLOR: "1" });
    const contents = await (await poll(`http://127.0.0.1:${PORT}/api/contents?token=${TOKEN}`, 10))
      .json();
    const names = contents.content.map((c: { name: string }) => c.name);
    expect(names).toContain("09_ema_bias_correction.ipynb");
  } finally {
    // deno task runs Jupyter as a grandchild: end the whole group.
    child.kill("SIGTERM");
    await child.status;
    await new Deno.Command("pkill", { args: ["-f", `notebook-dir=.*port=${PORT}`] }).output();
  }
}, 90_000);
