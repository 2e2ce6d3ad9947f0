"""`p06 build`: every report of a period, in parallel, incremental and reproducible.

Each report is a notebook executed by papermill in a warm worker process of its own
(`worker`, `inprocess`): worker processes of this machine or a Dask cluster's workers
(`executors`), which render it to HTML too. A report is rebuilt only when its fingerprint
changes (`fingerprints`). Every result is added to the build's journal as it comes, so an
interrupted batch picks up where it stopped; every file is written to a temporary name and
renamed; a lock keeps two builds out of the same reports folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from helpers.batch.executors import make_executor
from helpers.batch.fingerprints import fingerprint
from helpers.batch.index import STATE_FILE, write_indexes
from helpers.batch.notebooks import strip_outputs
from helpers.batch.plan import Job, Plan
from helpers.batch.worker import FORMATS, Result, Shared
from helpers.core import reference
from helpers.core.errors import InputError
from helpers.core.units import province_of
from helpers.data import storage
from helpers.data.fingerprints import data_files
from helpers.engine.indicators import share_computations
from helpers.engine.mart import refresh_mart
from helpers.report.provenance import code_version, package_versions

LOCK_FILE = ".build.lock"
JOURNAL = ".build-journal.jsonl"
"""Inside reports/<period>/: the results of a build that runs (or was killed), one a line."""
SOURCES = ".p06-notebooks"
"""Inside the reports folder: the notebooks as workers run them (storage every worker sees)."""


@contextmanager
def locked(reports_dir: Path) -> Iterator[None]:
    """Hold the reports folder for this build; a second build is refused with a message."""
    if reports_dir.exists() and not reports_dir.is_dir():
        raise InputError(f"--reports-dir {reports_dir} is a file: give a folder")
    reports_dir.mkdir(parents=True, exist_ok=True)
    handle = open(reports_dir / LOCK_FILE, "a+")  # noqa: SIM115 - held for the whole build
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise InputError(
            f"another p06 build is writing to {reports_dir}: wait for it to "
            "finish, or build into another folder with --reports-dir"
        ) from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


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


def _expected(job: Job, formats: tuple[str, ...]) -> list[str]:
    """The files a job makes for the formats asked: those its kind can make (a commune
    review is a page only, the national overview has an Excel workbook but no Word report)."""
    return [f for f in formats if f in job.kind.outputs]


def parse_formats(text: str) -> tuple[str, ...]:
    """`html,docx,xlsx` → the formats, checked; HTML is always made."""
    asked = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in asked if f not in FORMATS]
    if unknown:
        raise InputError(f"unknown format {unknown[0]!r}: expected a comma list of {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in asked or f == "html")


class State:
    """reports/<period>/build.json: every report's status, fingerprint and key figures, and
    the content hashes of the data files (reused while a file's size and time are the same).

    While a build runs, each result is appended to a journal beside it (one JSON line, a few
    hundred bytes, however many reports the folder holds); build.json is written whole at
    the end, and the journal removed. A build that was stopped without saving (killed) left
    its journal: the next one reads it on top of build.json."""

    def __init__(self, folder: Path):
        self.folder = folder
        path = folder / STATE_FILE
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        self.files: dict = saved.get("files", {})
        self.reports: dict = saved.get("reports", {})
        self.journal = folder / JOURNAL
        for line in self.journal.read_text(encoding="utf-8").splitlines() if self.journal.exists() else []:
            with contextlib.suppress(ValueError):  # a line cut short when the build was killed
                entry = json.loads(line)
                self.reports[entry.pop("name")] = entry

    def up_to_date(self, job: Job, fp: str, formats: tuple[str, ...]) -> bool:
        """Built from the same inputs, with a file for every format asked."""
        old = self.reports.get(job.key)
        return bool(
            old
            and old["status"] == "built"
            and old["fingerprint"] == fp
            and all(f in (old.get("outputs") or ["html"]) for f in _expected(job, formats))
            and all((self.folder / f"{job.key}.{f}").exists() for f in _expected(job, formats))
        )

    def record(self, result: Result) -> None:
        """Remember a result, and append it to the journal (a skipped report keeps its entry)."""
        if result.status == "skipped":
            return
        entry = asdict(result)
        entry.pop("seconds")
        self.reports[result.name] = entry
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.journal, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")

    def save(self, period: str) -> None:
        """build.json written whole (atomically), then the journal it now holds removed."""
        payload = {"period": period, "files": self.files, "reports": self.reports}
        text = json.dumps(payload, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        storage.write_text_atomic(self.folder / STATE_FILE, text)
        self.journal.unlink(missing_ok=True)


def build(
    run: Plan,
    reports_dir: Path,
    jobs: int | None = None,
    force: bool = False,
    progress=None,
    scheduler: str | None = None,
    formats: tuple[str, ...] = ("html",),
) -> Summary:
    """Build the reports a run plans (`helpers.batch.plan.plan`) into reports/<period>/;
    returns what was built, skipped and failed."""
    started = time.perf_counter()
    data_dir, reports_dir = run.data_dir, Path(reports_dir).resolve()
    storage.require_tables(data_dir)
    label = str(run.period)
    folder = reports_dir / label
    todo = run.jobs
    with locked(reports_dir), make_executor(scheduler, jobs) as executor:
        executor.check(data_dir, reports_dir)
        refresh_mart(data_dir)
        state = State(folder)
        files = data_files(data_dir, state.files)  # hashes reused while size and time are unchanged
        code, packages = code_version(), package_versions()
        results, pending = [], []
        for job in todo:
            fp = fingerprint(job, files, code, packages)
            if not force and state.up_to_date(job, fp, formats):
                results.append(
                    Result(job.key, job.selector, "skipped", fp, values=state.reports[job.key].get("values"))
                )
            else:
                pending.append((job, fp))
        if progress:
            progress.start(len(pending), executor.size(len(pending)) if pending else 0)
        try:
            shared = _shared(todo, data_dir)
            share = lambda: share_computations(  # noqa: E731
                data_dir, list(shared.levels), list(shared.periods), scope=shared.scope
            )
            for result in _run(executor, pending, reports_dir, folder, formats, share, code, shared):
                results.append(result)
                state.record(result)
                if progress:
                    progress.update(result)
        finally:
            if progress:
                progress.close()
            state.save(label)
            write_indexes(reports_dir, folder, state.reports, run.lang)
    return Summary(label, sorted(results, key=lambda r: r.name), time.perf_counter() - started, folder)


def _shared(todo: tuple[Job, ...], data_dir: Path) -> Shared:
    """What every report of the batch reads: each level its kind reads, over its period and
    its baseline (a worker reads it in milliseconds instead of computing it again); of the
    communes, those of the provinces reviewed, or of their communes' provinces."""
    levels = dict.fromkeys(level for j in todo for level in j.kind.mart_levels(j.unit))
    periods = dict.fromkeys(p for j in todo for p in (j.period, j.baseline))
    scopes = [_province_of(j.unit) for j in todo if "commune" in j.kind.mart_levels(j.unit)]
    every = None in scopes or set(scopes) >= set(reference.provinces()["province_code"])
    scope = () if every else tuple(sorted(set(scopes)))
    return Shared(str(data_dir), tuple(levels), tuple(periods), scope)


def _province_of(unit) -> str | None:
    """The province whose communes a report about `unit` reads; None: communes of several."""
    if unit is None or unit.level not in ("province", "commune"):
        return None
    if unit.level == "province":
        return unit.code
    return province_of(unit.code)


def _run(
    executor,
    pending: list[tuple[Job, str]],
    reports_dir: Path,
    folder: Path,
    formats: tuple[str, ...],
    prepare: Callable[[], None],
    code: str,
    shared: Shared,
) -> Iterator[Result]:
    """Run the pending jobs, each notebook copied without its stored outputs into the reports
    folder (where every worker, local or on a cluster, can read it)."""
    if not pending:
        return
    scratch = reports_dir / SOURCES
    scratch.mkdir(parents=True, exist_ok=True)
    kinds = dict.fromkeys(j.kind for j, _ in pending)
    sources = {k.name: str(strip_outputs(k.notebook, scratch)) for k in kinds}
    yield from executor.run(pending, folder, sources, formats, prepare, code, shared)
