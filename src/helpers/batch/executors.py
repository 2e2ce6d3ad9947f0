"""Where the jobs of a build run: worker threads of this process, each driving one warm
kernel (the kernels do the computing, in processes of their own), or the workers of a Dask
distributed cluster. Both hand back results as they finish; both stop cleanly on Ctrl-C (no
kernel left running, no half-written file: every write is atomic)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from helpers.batch.kernels import stop_all
from helpers.batch.plan import Job
from helpers.batch.worker import Result, chart_format, check_storage, run_job, try_warm_up
from helpers.core.errors import InputError

Task = tuple[Job, str]  # a job and its fingerprint


class LocalExecutor:
    """Worker threads, each with one warm kernel (default: one per core). Threads, not
    processes: a worker only waits on its kernel and writes files, and a process of its own
    would cost a second of imports for nothing."""

    def __init__(self, workers: int | None = None):
        self.workers = workers

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def size(self, tasks: int) -> int:
        return max(1, min(self.workers or os.cpu_count() or 1, tasks))

    def check(self, data_dir: Path, reports_dir: Path) -> None:
        """This machine's workers see what the build sees."""

    def run(
        self,
        tasks: list[Task],
        folder: Path,
        sources: dict[str, str],
        formats: tuple[str, ...],
        prepare: Callable[[], None] = lambda: None,
        code: str = "",
        preload: str = "",
    ) -> Iterator[Result]:
        """Start the workers (each starts and warms its kernel), `prepare` meanwhile, then let
        each kernel run `preload`, then run the tasks and yield their results as they finish."""
        size = self.size(len(tasks))
        prepared = threading.Event()
        pool = ThreadPoolExecutor(
            max_workers=size,
            thread_name_prefix="p06-worker",
            initializer=try_warm_up,
            initargs=(chart_format(formats), code, prepared, preload),
        )
        try:
            for _ in range(size):  # starts the workers and their kernels now, to overlap `prepare`
                pool.submit(int)
            try:
                prepare()
            finally:
                prepared.set()
            futures = [
                pool.submit(run_job, job, str(folder), fp, sources[job.kind.name], formats, code)
                for job, fp in tasks
            ]
            for future in as_completed(futures):
                yield future.result()
        finally:
            _stop_pool(pool)


def _stop_pool(pool: ThreadPoolExecutor) -> None:
    """Cancel what has not started and shut every kernel down (after a run, or when it is
    interrupted: a worker still running a notebook then finds its kernel gone and stops)."""
    pool.shutdown(wait=False, cancel_futures=True)
    stop_all()
    pool.shutdown(wait=True)


class DaskExecutor:
    """The workers of a Dask distributed cluster (`--scheduler tcp://HOST:PORT`). Each worker
    keeps a warm kernel as local workers do; the data and reports folders must be on storage
    every worker sees (checked first)."""

    def __init__(self, address: str):
        from distributed import Client

        try:
            self.client = Client(address, timeout="20s")
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}") from None

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def size(self, tasks: int) -> int:
        return max(1, min(len(self.client.scheduler_info()["workers"]), tasks))

    def check(self, data_dir: Path, reports_dir: Path) -> None:
        """Every worker must see the data and be able to write the reports folder."""
        problems = [p for p in self.client.run(check_storage, str(data_dir), str(reports_dir)).values() if p]
        if not self.client.scheduler_info()["workers"]:
            raise InputError("the Dask cluster has no workers")
        if problems:
            raise InputError(
                "the data and reports folders must be on storage every worker sees: " + "; ".join(problems)
            )

    def run(
        self,
        tasks: list[Task],
        folder: Path,
        sources: dict[str, str],
        formats: tuple[str, ...],
        prepare: Callable[[], None] = lambda: None,
        code: str = "",
        preload: str = "",
    ) -> Iterator[Result]:
        """Warm a kernel on every worker (in the thread its tasks run in, so that they use it),
        `prepare`, then run the tasks on the cluster and yield their results as they finish."""
        from distributed import as_completed as dask_completed
        from distributed import wait

        charts = chart_format(formats)
        workers = list(self.client.scheduler_info()["workers"])
        warm = [
            self.client.submit(try_warm_up, charts, code, pure=False, workers=[w], key=f"p06-warm-{i}")
            for i, w in enumerate(workers)
        ]
        prepare()
        wait(warm)
        futures = [
            self.client.submit(
                run_job,
                job,
                str(folder),
                fp,
                sources[job.kind.name],
                formats,
                code,
                pure=False,
                key=f"p06-{job.key}",
            )
            for job, fp in tasks
        ]
        try:
            for future in dask_completed(futures):
                yield future.result()
        except BaseException:
            self.client.cancel(futures)
            raise


def make_executor(scheduler: str | None, workers: int | None) -> LocalExecutor | DaskExecutor:
    return DaskExecutor(scheduler) if scheduler else LocalExecutor(workers)
