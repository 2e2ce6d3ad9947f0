"""Executing notebooks in warm kernels: each worker process keeps one kernel, resets it
between notebooks, and replaces it when it dies (one retry when a kernel will not start)."""

from __future__ import annotations

import atexit
import json
import os
from pathlib import Path

from helpers.batch.plan import Job
from helpers.core.paths import NOTEBOOK_DIR
from helpers.data import storage
from helpers.report.style import CHART_FORMAT

QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]  # no kernel start-up chatter in the logs
RESET = (
    "get_ipython().run_line_magic('reset', '-f')\nimport matplotlib.pyplot\nmatplotlib.pyplot.close('all')"
)
_KERNEL: dict = {}


def strip_outputs(notebook: Path, folder: Path) -> Path:
    """A copy of a notebook without its stored outputs, so that papermill reads and copies
    a few kilobytes per report instead of the stored charts (plain JSON: nbformat takes a
    second to import)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    target = folder / notebook.name
    storage.write_text_atomic(target, json.dumps(nb, ensure_ascii=False))
    return target


def warm_kernel(start_timeout: int, chart_format: str = "svg"):
    """This worker's kernel and its connected client: started once (one retry if start-up
    fails), restarted if dead. The client stays connected between notebooks, which saves
    connecting and waiting for the kernel on every report."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.util import run_sync

    km = _KERNEL.get("km")
    if km is not None and _KERNEL.get("charts") == chart_format and run_sync(km.is_alive)():
        return km, _KERNEL["kc"]
    stop_kernel()
    for attempt in (1, 2):
        km = AsyncKernelManager(kernel_name="python3")
        try:
            env = {**os.environ, CHART_FORMAT: chart_format}  # a built report is read in a browser
            run_sync(km.start_kernel)(cwd=str(NOTEBOOK_DIR), extra_arguments=QUIET_KERNEL, env=env)
            client = km.client()
            client.start_channels()
            run_sync(client.wait_for_ready)(timeout=start_timeout)
            break
        except Exception:
            run_sync(km.shutdown_kernel)(now=True)
            if attempt == 2:
                raise
    _KERNEL.update(km=km, kc=client, charts=chart_format)
    atexit.register(stop_kernel)
    return km, client


def stop_kernel() -> None:
    """Shut this worker's kernel down (at exit, or when a batch is interrupted)."""
    from nbclient.util import run_sync

    kc, km = _KERNEL.pop("kc", None), _KERNEL.pop("km", None)
    if kc is not None:
        kc.stop_channels()
    if km is not None:
        run_sync(km.shutdown_kernel)(now=True)


def execute_warm(job: Job, source: Path, start_timeout: int = 120, chart_format: str = "svg"):
    """Execute a notebook with papermill in this worker's warm kernel, after a reset.

    Nothing is written while it runs; when a cell fails, the exception carries the notebook
    as far as it ran (`exc.notebook`)."""
    import nbformat
    import papermill as pm
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    km, kc = warm_kernel(start_timeout, chart_format)
    ran: dict = {}

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            reset = nbformat.v4.new_code_cell(RESET)
            reset.metadata["tags"] = ["remove"]
            reset.metadata["papermill"] = {
                "exception": None,
                "start_time": None,
                "end_time": None,
                "duration": None,
                "status": "pending",
            }
            nb_man.nb.cells.insert(0, reset)
            ran["nb"] = nb_man.nb
            client = PapermillNotebookClient(
                nb_man, km=km, kernel_name=kernel_name, startup_timeout=start_timeout, log_output=False
            )
            client.kc = kc
            try:
                return client.execute(cleanup_kc=False)
            finally:
                nb_man.nb.cells.pop(0)

    papermill_engines.register("p06-warm", WarmEngine)
    try:
        return pm.execute_notebook(
            str(source),
            None,
            parameters=job.parameters,
            engine_name="p06-warm",
            kernel_name="python3",
            progress_bar=False,
            start_timeout=start_timeout,
            cwd=str(NOTEBOOK_DIR),
        )
    except Exception as exc:
        exc.notebook = ran.get("nb")
        raise
