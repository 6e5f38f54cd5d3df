"""Execute notebooks top to bottom on the Deno kernel, without losing outputs.

    python3 tools/execute_notebook.py OUT_DIR NOTEBOOK.ipynb [NOTEBOOK.ipynb ...]

Writes each executed notebook to OUT_DIR under its own name and prints one JSON line per
notebook: {"notebook", "ok", "seconds", "error"}. Exits 1 if any notebook failed.

Why not plain `jupyter nbconvert --execute`: the Deno kernel sometimes publishes
`status: idle` before a cell's `execute_result`/`display_data`. nbclient stops reading IOPub
at idle, so such a cell is saved with no output and no error (about one cell in ten).
`DrainingClient` keeps reading IOPub for a short grace period after idle and keeps whatever
still belongs to the cell.
"""

import asyncio
import json
import os
import sys
import time
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

GRACE_SECONDS = 0.05


class DrainingClient(NotebookClient):
    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        done = False
        while True:
            try:
                timeout = GRACE_SECONDS if done else None
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=timeout))
            except (Empty, asyncio.TimeoutError):
                return  # idle seen and nothing more arrived within the grace period
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                done = True


def execute(path, out_dir, timeout):
    nb = nbformat.read(path, as_version=4)
    client = DrainingClient(
        nb,
        kernel_name="deno",
        timeout=timeout,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    started = time.monotonic()
    error = None
    try:
        client.execute()
    except Exception as exc:  # CellExecutionError, timeouts, a dead kernel
        error = f"{type(exc).__name__}: {exc}"
    seconds = round(time.monotonic() - started, 3)
    nbformat.write(nb, os.path.join(out_dir, os.path.basename(path)))
    return {"notebook": path, "ok": error is None, "seconds": seconds, "error": error}


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir, paths = argv[1], argv[2:]
    timeout = int(os.environ.get("NOTEBOOK_CELL_TIMEOUT", "120"))
    os.makedirs(out_dir, exist_ok=True)
    results = [execute(p, out_dir, timeout) for p in paths]
    for r in results:
        print(json.dumps(r), flush=True)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
