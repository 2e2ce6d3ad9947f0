"""`p06 build`: every report of a period, in parallel, incremental and reproducible.

Each report is a notebook executed by papermill (its Python API) in a pool of worker
processes; each worker keeps one warm kernel and resets it between notebooks, and renders
the executed notebook to HTML in the same process. A report is rebuilt only when its
fingerprint changes: the notebook, its parameters, the helper code and reference data,
the package versions, and the content of the data files it can read (those with rows up
to the end of its period). Outputs are written to temporary files and renamed; a lock
keeps two builds out of the same reports folder.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from helpers.batch.fingerprints import fingerprint
from helpers.batch.index import STATE_FILE, write_period_index, write_root_index
from helpers.batch.kernels import execute_warm, strip_outputs
from helpers.batch.plan import Job, notebook_path, plan
from helpers.data import storage
from helpers.data.fingerprints import data_files
from helpers.engine.mart import refresh_mart
from helpers.report.provenance import code_version, package_versions

LOCK_FILE = ".build.lock"
NOTEBOOK_DIR = None  # tests point this at a folder of their own notebooks (None: the repository's)


@dataclass
class Result:
    name: str
    unit: str | None
    status: str  # built | failed | skipped
    fingerprint: str
    seconds: float = 0.0
    error: str | None = None
    values: dict | None = None


# ---- one report ----------------------------------------------------------------------------


def run_job(job: Job, out_dir: str, fingerprint_: str, source: str, start_timeout: int = 120) -> Result:
    """Execute, render and write one report; failures are reported, never raised."""
    import nbformat

    from helpers.batch.notebooks import clean
    from helpers.batch.render import render_html
    from helpers.report.record import read

    started = time.perf_counter()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ipynb, page = folder / f"{job.name}.ipynb", folder / f"{job.name}.html"
    tmp = folder / f".{job.name}.running.ipynb"
    try:
        executed = clean(execute_warm(job, Path(source), tmp, start_timeout))
        storage.write_text_atomic(ipynb, nbformat.writes(executed) + "\n")
        storage.write_text_atomic(page, render_html(executed, job.name))
        tmp.unlink(missing_ok=True)
        return Result(
            job.name,
            job.unit,
            "built",
            fingerprint_,
            time.perf_counter() - started,
            values=read(executed, "key_figures"),
        )
    except Exception as exc:  # noqa: BLE001 - a failed report must not stop the others
        if tmp.exists():
            os.replace(tmp, ipynb)
        page.unlink(missing_ok=True)
        return Result(
            job.name, job.unit, "failed", "", time.perf_counter() - started, error=_first_lines(exc)
        )


def _first_lines(exc: Exception, n: int = 6) -> str:
    """The error a reader needs: the failing cell's exception, or the exception itself."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:  # papermill: an exception raised in a cell
        return f"{ename}: {evalue}".strip()
    text = "".join(traceback.format_exception_only(exc)).strip()
    return "\n".join(text.splitlines()[:n])


# ---- the build ----------------------------------------------------------------------------


@contextmanager
def locked(reports_dir: Path) -> Iterator[None]:
    """Hold the reports folder for this build; a second build is refused with a message."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    handle = open(reports_dir / LOCK_FILE, "a+")  # noqa: SIM115 - held for the whole build
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise RuntimeError(
            f"another p06 build is writing to {reports_dir}: wait for it to "
            "finish, or build into another folder with --reports-dir"
        ) from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _read_state(folder: Path) -> dict:
    path = folder / STATE_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@dataclass
class Summary:
    period: str
    results: list[Result]
    seconds: float
    folder: Path

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def built(self) -> list[Result]:
        return [r for r in self.results if r.status == "built"]


def build(
    period: str,
    data_dir: Path,
    reports_dir: Path,
    units: list[str] | None = None,
    everything: bool = False,
    notebook: str = "province_review",
    jobs: int | None = None,
    force: bool = False,
    lang: str = "vi",
    progress=None,
) -> Summary:
    """Build the reports of one period; returns what was built, skipped and failed."""
    started = time.perf_counter()
    data_dir, reports_dir = Path(data_dir).resolve(), Path(reports_dir).resolve()
    storage.require_tables(data_dir)
    todo = plan(period, units or [], everything, notebook, lang, data_dir)
    folder = reports_dir / todo[0].period
    with locked(reports_dir):
        refresh_mart(data_dir)
        state = _read_state(folder)
        cache = state.get("files", {})
        files = data_files(data_dir, cache)  # hashes reused while size and time are unchanged
        code, packages = code_version(), package_versions()
        previous = state.get("reports", {})
        results, pending = [], []
        for job in todo:
            fp = fingerprint(job, files, code, packages)
            old = previous.get(job.name)
            if (
                not force
                and old
                and old["status"] == "built"
                and old["fingerprint"] == fp
                and (folder / f"{job.name}.html").exists()
            ):
                results.append(Result(job.name, job.unit, "skipped", fp, values=old.get("values")))
            else:
                pending.append((job, fp))
        results += _run_pool(pending, folder, jobs, progress)
        reports = {**previous, **{r.name: _state_entry(r) for r in results}}
        storage.write_text_atomic(
            folder / STATE_FILE,
            json.dumps(
                {"period": todo[0].period, "files": cache, "reports": reports},
                indent=1,
                ensure_ascii=False,
                sort_keys=True,
            )
            + "\n",
        )
        summary = Summary(todo[0].period, results, time.perf_counter() - started, folder)
        write_period_index(folder, reports, lang)
        write_root_index(reports_dir, lang)
    return summary


def _state_entry(result: Result) -> dict:
    entry = asdict(result)
    if result.status == "skipped":
        entry["status"] = "built"
    entry.pop("seconds")
    return entry


def _run_pool(pending: list[tuple[Job, str]], folder: Path, jobs: int | None, progress) -> list[Result]:
    if not pending:
        return []
    import tempfile

    workers = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
    results = []
    with (
        tempfile.TemporaryDirectory(prefix="p06-build-") as scratch,
        ProcessPoolExecutor(max_workers=workers) as pool,
    ):
        folder_of = {} if NOTEBOOK_DIR is None else {"folder": Path(NOTEBOOK_DIR)}
        sources = {
            n: str(strip_outputs(notebook_path(n, **folder_of), Path(scratch)))
            for n in {j.notebook for j, _ in pending}
        }
        futures = {
            pool.submit(run_job, job, str(folder), fp, sources[job.notebook]): job for job, fp in pending
        }
        if progress:
            progress.start(len(pending), [j.unit or j.name for j, _ in pending[:workers]])
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            if progress:
                progress.update(result)
    if progress:
        progress.close()
    return sorted(results, key=lambda r: r.name)
