"""Where the jobs of a build run: worker processes of this machine (each driven by a thread
of the build, `processes`), or the workers of a Dask distributed cluster. Either way a
report's notebook runs in the worker's own process (`inprocess`). Both hand back results as
they finish; both stop cleanly on Ctrl-C (every report being written is finished and
written whole; none is started after)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from helpers.batch import processes
from helpers.batch.plan import Job
from helpers.batch.worker import Result, Shared, check_storage, preload, run_job, warm_up
from helpers.core.errors import InputError

Task = tuple[Job, str]  # a job and its fingerprint


class LocalExecutor:
    """Worker processes of this machine (default: one per core), each driven by a thread."""

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
        shared: Shared | None = None,
    ) -> Iterator[Result]:
        """`prepare` (computing what all reports share) while the workers' fork server warms
        up and the workers start from it, then let each read `shared`, and run the tasks;
        yield their results as they finish."""
        size = self.size(len(tasks))
        processes.start_server()  # it warms up while `prepare` runs
        prepared = threading.Event()
        pool = ThreadPoolExecutor(
            max_workers=size,
            thread_name_prefix="p06-worker",
            initializer=_start_worker,
            initargs=(prepared, shared),
        )
        try:
            for _ in range(size):  # the threads and their processes start now
                pool.submit(int)
            try:
                prepare()
            finally:
                prepared.set()
            futures = [
                pool.submit(_run_task, shared, job, str(folder), fp, sources[job.kind.name], formats, code)
                for job, fp in tasks
            ]
            for future in as_completed(futures):
                yield future.result()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)  # none started after Ctrl-C...
            pool.shutdown(wait=True)  # ...and those running finish their report
            processes.stop_all()


def _start_worker(prepared: threading.Event, shared: Shared | None) -> None:
    """A thread's worker process: started now (once the fork server has warmed up, it
    connects to the data while the build computes what all reports share), and told when
    that is done (a process that will not start is tried again by the thread's first
    report)."""
    worker = processes.mine(shared)
    try:
        worker.start()
        prepared.wait()
        worker.prepared()
    except Exception:  # noqa: BLE001 - the first report then says why
        worker.stop()


def _run_task(shared: Shared | None, *task) -> Result:
    return processes.mine(shared).run(*task)


class DaskExecutor:
    """The workers of a Dask distributed cluster (`--scheduler tcp://HOST:PORT`): each runs its
    reports in its own process, as local workers do; the data and reports folders must be on
    storage every worker sees (checked first)."""

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
        shared: Shared | None = None,
    ) -> Iterator[Result]:
        """Warm up every worker, `prepare` meanwhile, let every worker read what the build
        shared (the part of a level a batch computed is found only so), then run the tasks on
        the cluster and yield their results as they finish."""
        from distributed import as_completed as dask_completed
        from distributed import wait

        workers = list(self.client.scheduler_info()["workers"])
        warm = [
            self.client.submit(warm_up, pure=False, workers=[w], key=f"p06-warm-{i}")
            for i, w in enumerate(workers)
        ]
        prepare()
        wait(warm)
        wait(
            [
                self.client.submit(preload, shared, pure=False, workers=[w], key=f"p06-preload-{i}")
                for i, w in enumerate(workers)
            ]
        )
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
