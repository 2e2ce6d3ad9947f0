"""Executing notebooks in warm kernels: each worker (a thread of the build, or a Dask worker)
keeps one kernel, resets it between notebooks, and replaces it when it dies (one retry when
a kernel will not start). Every kernel a process starts is shut down at exit, or at once
when a batch is interrupted."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import threading
from pathlib import Path

from helpers.batch.plan import Job
from helpers.core.paths import NOTEBOOK_DIR
from helpers.data import storage
from helpers.report.style import CHART_FORMAT

QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]  # no kernel start-up chatter in the logs
RESET = """
_ip = get_ipython()
for _name in [n for n in _ip.user_ns if not n.startswith("_") and n not in _ip.user_ns_hidden]:
    del _ip.user_ns[_name]
_ip.user_ns.get("_oh", {}).clear()
_ip.user_ns.update({"_": None, "__": None, "___": None})
_ip.displayhook._, _ip.displayhook.__, _ip.displayhook.___ = None, None, None
import matplotlib.pyplot
matplotlib.pyplot.close("all")
del _ip, _name
"""
"""Run before each notebook in a warm kernel: the last report's names, outputs kept for `Out`
and figures are gone (what `%reset -f` does, without its full garbage collection, which
takes a tenth of a second and more on every report)."""
_LOCAL = threading.local()  # this worker's kernel: one per thread
_STARTED: list = []  # every kernel manager this process started
_LOCK = threading.Lock()
atexit.register(lambda: stop_all())


def _mine() -> dict:
    if not hasattr(_LOCAL, "kernel"):
        _LOCAL.kernel = {}
    return _LOCAL.kernel


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


def _launch(chart_format: str):
    """Start a kernel process whose charts take `chart_format`."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.util import run_sync

    km = AsyncKernelManager(kernel_name="python3")
    env = {**os.environ, CHART_FORMAT: chart_format}  # a built report is read in a browser
    run_sync(km.start_kernel)(cwd=str(NOTEBOOK_DIR), extra_arguments=QUIET_KERNEL, env=env)
    with _LOCK:
        _STARTED.append(km)
    return km


def warm_kernel(start_timeout: int, chart_format: str = "svg", code: str = ""):
    """This worker's kernel and its connected client: started once (one retry if start-up
    fails), restarted if dead or if the helper code changed since it started (`code`: a
    kernel keeps the modules it imported). The client stays connected between notebooks,
    which saves connecting and waiting for the kernel on every report."""
    from nbclient.util import run_sync

    mine = _mine()
    km = mine.get("km")
    same = mine.get("charts") == chart_format and mine.get("code") == code
    if km is not None and same and run_sync(km.is_alive)():
        return km, mine["kc"]
    stop_kernel()
    for attempt in (1, 2):
        km = None
        try:
            km = _launch(chart_format)
            client = km.client()
            client.start_channels()
            run_sync(client.wait_for_ready)(timeout=start_timeout)
            break
        except Exception:
            if km is not None:
                _shutdown(km)
            if attempt == 2:
                raise
    mine.update(km=km, kc=client, charts=chart_format, code=code)
    return km, client


def stop_kernel() -> None:
    """Shut this worker's kernel down."""
    mine = _mine()
    kc, km = mine.pop("kc", None), mine.pop("km", None)
    if kc is not None:
        kc.stop_channels()
    if km is not None:
        _shutdown(km)


def stop_all() -> None:
    """Shut down every kernel this process started (at exit, or when a batch is interrupted:
    a worker still running a notebook then finds its kernel gone and stops)."""
    with _LOCK:
        managers = list(_STARTED)
        _STARTED.clear()
    for km in managers:
        _shutdown(km)


def _shutdown(km) -> None:
    from nbclient.util import run_sync

    with _LOCK:
        if km in _STARTED:
            _STARTED.remove(km)
    with contextlib.suppress(Exception):  # already gone: nothing left to stop
        run_sync(km.shutdown_kernel)(now=True)


def execute_warm(job: Job, source: Path, start_timeout: int = 120, chart_format: str = "svg", code: str = ""):
    """Execute a notebook with papermill in this worker's warm kernel, after a reset.

    Nothing is written while it runs; when a cell fails, the exception carries the notebook
    as far as it ran (`exc.notebook`)."""
    import nbformat
    import papermill as pm
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    km, kc = warm_kernel(start_timeout, chart_format, code)
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

    engine = f"p06-warm-{threading.get_ident()}"  # one engine per worker: each drives its own kernel
    papermill_engines.register(engine, WarmEngine)
    try:
        return pm.execute_notebook(
            str(source),
            None,
            parameters=job.parameters,
            engine_name=engine,
            kernel_name="python3",
            progress_bar=False,
            start_timeout=start_timeout,
            # no `cwd`: papermill would change this process's directory, which its other
            # workers share; the kernel was started in the notebooks' folder
        )
    except Exception as exc:
        exc.notebook = ran.get("nb")
        raise
