"""What one worker does, on this machine or on a cluster: keep a warm kernel, and for each
job execute its notebook, render it and write its files. A failed report is reported,
never raised, so a batch goes on; a worker told to stop shuts its kernel down first."""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from helpers.batch.kernels import execute_warm, stop_kernel, warm_kernel
from helpers.batch.plan import Job
from helpers.data import storage

WARM_UP = (
    "import helpers.report.sections, helpers.report.charts, helpers.report.display, helpers.report.tables"
)
"""Run in a new kernel before its first report: the imports every report needs."""


@dataclass
class Result:
    name: str  # the job's key: its path below reports/<period>/
    unit: str | None
    status: str  # built | failed | skipped
    fingerprint: str
    seconds: float = 0.0
    error: str | None = None
    values: dict | None = None
    outputs: list[str] | None = None


def start_worker(start_timeout: int = 120) -> None:
    """Prepare a worker process: its kernel started and warmed up, Ctrl-C left to the parent,
    and a stop (SIGTERM) that shuts the kernel down before the process ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    warm_up(start_timeout)


def warm_up(start_timeout: int = 120) -> str:
    """Start this process's kernel and import what reports need; returns the host name."""
    from jupyter_client.manager import AsyncKernelManager  # noqa: F401 - imported once, here
    from nbclient.util import run_sync

    km = warm_kernel(start_timeout)
    client = km.client()
    client.start_channels()
    try:
        run_sync(client.execute_interactive)(WARM_UP, timeout=start_timeout, store_history=False)
    finally:
        client.stop_channels()
    return os.uname().nodename


def _stop(signum, frame) -> None:
    stop_kernel()
    sys.exit(1)


def run_job(job: Job, out_dir: str, fingerprint: str, source: str, start_timeout: int = 120) -> Result:
    """Execute, render and write one report; failures are reported, never raised."""
    import nbformat

    from helpers.batch.notebooks import clean
    from helpers.batch.render import render_html
    from helpers.report.record import read

    started = time.perf_counter()
    folder = Path(out_dir) / job.folder if job.folder else Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ipynb, page = folder / f"{job.name}.ipynb", folder / f"{job.name}.html"
    try:
        executed = clean(execute_warm(job, Path(source), start_timeout))
        storage.write_text_atomic(ipynb, nbformat.writes(executed) + "\n")
        storage.write_text_atomic(page, render_html(executed, job.name))
        return Result(
            job.key,
            job.unit,
            "built",
            fingerprint,
            time.perf_counter() - started,
            values=read(executed, "key_figures"),
            outputs=["html", "ipynb"],
        )
    except Exception as exc:  # noqa: BLE001 - a failed report must not stop the others
        partial = getattr(exc, "notebook", None)
        if partial is not None:  # the notebook as far as it ran, for the reader of the error
            storage.write_text_atomic(ipynb, nbformat.writes(clean(partial)) + "\n")
        page.unlink(missing_ok=True)
        return Result(job.key, job.unit, "failed", "", time.perf_counter() - started, error=first_lines(exc))


def first_lines(exc: Exception, n: int = 6) -> str:
    """The error a reader needs: the failing cell's exception, or the exception itself."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:  # papermill: an exception raised in a cell
        return f"{ename}: {evalue}".strip()
    text = "".join(traceback.format_exception_only(exc)).strip()
    return "\n".join(text.splitlines()[:n])


def check_storage(data_dir: str, reports_dir: str) -> str | None:
    """On a worker: None when it sees the data and can write the reports folder, else why not."""
    host = os.uname().nodename
    if not storage.available_tables(data_dir):
        return f"worker on {host} sees no canonical tables in {Path(data_dir) / 'processed'}"
    probe = Path(reports_dir) / f".p06-probe-{host}-{os.getpid()}"
    try:
        probe.parent.mkdir(parents=True, exist_ok=True)
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        return f"worker on {host} cannot write to {reports_dir}: {exc.strerror}"
    return None
