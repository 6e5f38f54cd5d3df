"""Execute notebooks top to bottom on the Deno kernel, without losing outputs.

    python3 tools/execute_notebook.py OUT_DIR NOTEBOOK.ipynb [NOTEBOOK.ipynb ...]

Writes each executed notebook to OUT_DIR under its own name and prints one JSON line per
notebook: {"notebook", "ok", "seconds", "error"}. Exits 1 if any notebook failed.

The kernel is the course's `deno` kernel that tools/jupyter.ts puts first on JUPYTER_PATH:
its proxy (tools/kernel/proxy.ts) delivers every output before the cell's `status: idle`, so
nbclient, which stops reading a cell's messages at idle, loses none. NOTEBOOK_KERNEL=tslab
runs them on tslab instead (kernelspec written by tools/node/tslab.ts).
"""

import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient


def execute(path, out_dir, timeout, kernel):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel,
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
    kernel = os.environ.get("NOTEBOOK_KERNEL", "deno")
    results = [execute(p, out_dir, timeout, kernel) for p in paths]
    for r in results:
        print(json.dumps(r), flush=True)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
