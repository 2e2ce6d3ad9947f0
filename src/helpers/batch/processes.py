"""The worker processes of a local build. Each is forked from one fork server that has
imported and warmed up what reports need (`warm`), so a worker starts warm in milliseconds;
it reads what the build computed for all its reports, then runs the jobs a thread of the
build sends it over a pipe, one at a time, in its own process (no kernel in between).

A worker that dies with its report (a notebook that ends its process) is replaced by a new
one for the next report; the report is listed as failed, with its notebook and parameters
left for the reader to run. Workers ignore Ctrl-C: the build stops sending jobs, lets each
finish the report it is writing, and ends them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from typing import TYPE_CHECKING

from helpers.core.paths import NOTEBOOK_DIR

if TYPE_CHECKING:  # imported where used: `start_server` comes first in a build
    from helpers.batch.plan import Job
    from helpers.batch.worker import Result, Shared

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["helpers.batch.warm"])


def start_server() -> None:
    """Start the fork server now: it warms up on its own while the build goes on. Its
    standard streams (and its workers') are /dev/null: a build with nothing to do ends
    before the server's warm-up does, and must not leave its output held open meanwhile
    (a worker's outputs are its reports; a worker that fails is named by the build)."""
    from multiprocessing import forkserver

    saved = [os.dup(fd) for fd in (0, 1, 2)]
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        forkserver.ensure_running()
    finally:
        for fd, copy in zip((0, 1, 2), saved, strict=True):
            os.dup2(copy, fd)
            os.close(copy)
        os.close(null)


def serve(conn, shared: Shared | None) -> None:
    """A worker process: start, wait until the build has computed what all its reports share
    and read it, then run each job sent until the build closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build decides when its workers stop
    os.chdir(NOTEBOOK_DIR)  # where a kernel of the notebooks runs
    from helpers.batch.worker import preload, read_ahead, run_job, warm_up
    from helpers.data import storage

    warm_up()  # done already where forked from the warm server
    # one of as many workers as cores: a query takes one thread (DuckDB takes one per core)
    storage.shared_connection().sql("SET threads = 1")
    read_ahead(shared)
    conn.send("started")
    try:
        if conn.recv() != "prepared":  # pragma: no cover - the build sends nothing else first
            return
    except EOFError:  # the build ended before it had anything for this worker
        return
    preload(shared)
    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        conn.send(run_job(*task))


class WorkerProcess:
    """One worker process, driven by one thread of the build."""

    def __init__(self, shared: Shared | None):
        self.shared = shared
        self.process = None
        self.conn = None
        self.ready = False

    def start(self) -> None:
        """Start the process (it may start while the build is still computing what its
        reports share: it waits for `prepared`)."""
        parent, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=serve, args=(child, self.shared), daemon=True)
        self.process.start()
        child.close()
        self.conn = parent
        if self.conn.recv() != "started":  # pragma: no cover - serve sends nothing else first
            raise RuntimeError("a worker process did not start")
        self.ready = False

    def prepared(self) -> None:
        """Tell the process that what the build shares is computed; wait until it has read it."""
        self.conn.send("prepared")
        if self.conn.recv() != "ready":  # pragma: no cover - serve sends nothing else next
            raise RuntimeError("a worker process did not start")
        self.ready = True

    def run(self, job: Job, out_dir: str, fingerprint: str, source: str, formats: tuple, code: str) -> Result:
        """Run one job in the process (started first if it is not running)."""
        if self.process is None or not self.process.is_alive():
            self.stop()
            self.start()
        if not self.ready:
            self.prepared()  # a process started after the build's shared computation
        try:
            self.conn.send((job, out_dir, fingerprint, source, formats, code))
            return self.conn.recv()
        except (EOFError, OSError):  # the process died with the report
            self.process.join(5)
            code = self.process.exitcode
            self.stop()
            return _died(job, out_dir, source, code)

    def stop(self) -> None:
        """Close the pipe: the process ends once its report is written."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.process is not None:
            self.process.join(60)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
            self.process = None


def _died(job: Job, out_dir: str, source: str, code: int | None) -> Result:
    """A report whose process ended while it ran: listed as failed, its notebook left with
    its parameters, for the reader to run and see where."""
    from pathlib import Path

    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from helpers.batch.notebooks import clean
    from helpers.batch.worker import Result
    from helpers.data import storage

    folder = Path(out_dir) / job.folder if job.folder else Path(out_dir)
    with contextlib.suppress(Exception):  # the failure is reported whether or not this is written
        nb = clean(parameterize_notebook(load_notebook_node(source), job.parameters, kernel_name="python3"))
        storage.write_text_atomic(folder / f"{job.name}.ipynb", nbformat.writes(nb) + "\n")
    (folder / f"{job.name}.html").unlink(missing_ok=True)
    why = f"the report's process ended (exit code {code}) while it ran its notebook: run {job.name}.ipynb"
    return Result(job.key, job.selector, "failed", "", error=why)


_LOCAL = threading.local()  # each thread of the build drives one process
_ALL: list[WorkerProcess] = []
_LOCK = threading.Lock()


def mine(shared: Shared | None) -> WorkerProcess:
    """This thread's worker process (made on first use)."""
    if not hasattr(_LOCAL, "worker") or _LOCAL.worker.shared != shared:
        _LOCAL.worker = WorkerProcess(shared)
        with _LOCK:
            _ALL.append(_LOCAL.worker)
    return _LOCAL.worker


def stop_all() -> None:
    """End every worker process (once each has written the report it is on)."""
    with _LOCK:
        workers = list(_ALL)
        _ALL.clear()
    for worker in workers:
        worker.stop()
