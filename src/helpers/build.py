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
import hashlib
import html
import json
import os
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml

from helpers import storage
from helpers.errors import InputError
from helpers.fingerprints import data_files, files_until
from helpers.mart import ensure_mart
from helpers.notebooks import NOTEBOOK_DIR
from helpers.periods import parse_period
from helpers.provenance import code_version, package_versions
from helpers.units import check_unit_period, parse_unit, slug

NATIONAL = "national"
KEY_FIGURES = [
    "score_766",
    "dossiers_online_pct",
    "dossiers_on_time_pct",
    "eid_activation_pct",
    "cccd_issued_total",
]
_DATE_COLUMN = {
    "dossiers": "received_on",
    "procedures": "month",
    "identification": "month",
    "services": "month",
    "tasks": "assigned_on",
}
STATE_FILE = "build.json"
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]  # no kernel start-up chatter in the logs
LOCK_FILE = ".build.lock"


@dataclass(frozen=True)
class Job:
    """One report: which notebook, with which parameters, written where."""

    notebook: str
    name: str  # file stem in reports/<period>/
    period: str
    unit: str | None
    lang: str
    data_dir: str

    @property
    def parameters(self) -> dict:
        params = {"period": self.period, "lang": self.lang, "data_dir": self.data_dir}
        if self.unit is not None:
            params["unit"] = self.unit
        return params


@dataclass
class Result:
    name: str
    unit: str | None
    status: str  # built | failed | skipped
    fingerprint: str
    seconds: float = 0.0
    error: str | None = None
    values: dict | None = None


# ---- planning ---------------------------------------------------------------------------


def plan(
    period: str, units: list[str], everything: bool, notebook: str, lang: str, data_dir: Path
) -> list[Job]:
    """The reports to build: named units, or every current province and the national overview."""
    p = parse_period(period)
    jobs = []
    selectors = list(units)
    if everything:
        from helpers import reference

        selectors += [c for c in reference.provinces()["province_code"] if c not in selectors]
    if not selectors and not everything:
        raise InputError("nothing to build: give --unit U (repeatable) or --all")
    source = NOTEBOOK_DIR / f"{notebook}.ipynb"
    if not source.exists():
        raise InputError(f"unknown notebook {notebook!r}: no {source}")
    for text in dict.fromkeys(selectors):
        unit = parse_unit(text)
        check_unit_period(unit, p)
        jobs.append(Job(notebook, slug(unit), str(p), unit.selector, lang, str(data_dir)))
    if everything:
        jobs.append(Job("national_overview", NATIONAL, str(p), None, lang, str(data_dir)))
    return jobs


# ---- fingerprints -----------------------------------------------------------------------


def fingerprint(job: Job, files: list[dict], code: str, packages: str) -> str:
    """What a report depends on: notebook, parameters, code, packages, and the data files
    whose rows start before the end of its period."""
    reads = files_until(files, parse_period(job.period).end_day)
    payload = json.dumps(
        {
            "notebook": notebook_digest(NOTEBOOK_DIR / f"{job.notebook}.ipynb"),
            "parameters": {k: v for k, v in job.parameters.items() if k != "data_dir"},
            "code": code,
            "packages": packages,
            "data": reads,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@lru_cache(maxsize=8)
def _digest_of(path: Path, mtime_ns: int) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [(c["cell_type"], "".join(c["source"]), c.get("metadata", {}).get("tags", [])) for c in cells]
    return hashlib.sha256(json.dumps(code).encode()).hexdigest()


def notebook_digest(path: Path) -> str:
    """A hash of a notebook's cells and tags, not of its stored outputs: refreshing the
    stored outputs (`make notebooks`) does not make every report stale."""
    return _digest_of(path, path.stat().st_mtime_ns)


# ---- workers ----------------------------------------------------------------------------


def strip_outputs(notebook: str, folder: Path) -> Path:
    """A copy of a notebook without its stored outputs, so that papermill reads and copies
    a few kilobytes per report instead of the stored charts (plain JSON: nbformat takes a
    second to import, and the workers import it anyway)."""
    nb = json.loads((NOTEBOOK_DIR / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    target = folder / f"{notebook}.ipynb"
    target.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return target


_KERNEL = {}


def _warm_kernel(start_timeout: int):
    """This worker's kernel: started once (one retry if start-up fails), restarted if dead."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.util import run_sync

    km = _KERNEL.get("km")
    if km is not None and run_sync(km.is_alive)():
        return km
    for attempt in (1, 2):
        km = AsyncKernelManager(kernel_name="python3")
        try:
            run_sync(km.start_kernel)(cwd=str(NOTEBOOK_DIR), extra_arguments=QUIET_KERNEL)
            client = km.client()
            client.start_channels()
            run_sync(client.wait_for_ready)(timeout=start_timeout)
            client.stop_channels()
            break
        except Exception:
            run_sync(km.shutdown_kernel)(now=True)
            if attempt == 2:
                raise
    _KERNEL["km"] = km
    import atexit

    atexit.register(lambda: run_sync(km.shutdown_kernel)(now=True))
    return km


def _execute_warm(job: Job, target: Path | None, start_timeout: int, source: Path | None = None):
    """Execute a notebook with papermill in this worker's warm kernel, after a reset."""
    import nbformat
    import papermill as pm
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    km = _warm_kernel(start_timeout)

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            reset = nbformat.v4.new_code_cell(
                "get_ipython().run_line_magic('reset', '-f')\nimport matplotlib.pyplot\n"
                "matplotlib.pyplot.close('all')"
            )
            reset.metadata["tags"] = ["remove"]
            reset.metadata["papermill"] = {
                "exception": None,
                "start_time": None,
                "end_time": None,
                "duration": None,
                "status": "pending",
            }
            nb_man.nb.cells.insert(0, reset)
            client = PapermillNotebookClient(
                nb_man, km=km, kernel_name=kernel_name, startup_timeout=start_timeout, log_output=False
            )
            try:
                return client.execute()
            finally:
                nb_man.nb.cells.pop(0)
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register("p06-warm", WarmEngine)
    return pm.execute_notebook(
        str(source or NOTEBOOK_DIR / f"{job.notebook}.ipynb"),
        None if target is None else str(target),
        parameters=job.parameters,
        engine_name="p06-warm",
        kernel_name="python3",
        progress_bar=False,
        start_timeout=start_timeout,
        cwd=str(NOTEBOOK_DIR),
    )


def run_job(
    job: Job, out_dir: str, fingerprint_: str, source: str | None = None, start_timeout: int = 120
) -> Result:
    """Execute, render and write one report; failures are reported, never raised."""
    import nbformat

    from helpers.notebooks import clean
    from helpers.render import render_html

    started = time.perf_counter()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ipynb, page = folder / f"{job.name}.ipynb", folder / f"{job.name}.html"
    tmp = folder / f".{job.name}.running.ipynb"
    try:
        executed = clean(_execute_warm(job, tmp, start_timeout, Path(source) if source else None))
        storage.write_text_atomic(ipynb, nbformat.writes(executed) + "\n")
        storage.write_text_atomic(page, render_html(executed, job.name))
        tmp.unlink(missing_ok=True)
        return Result(
            job.name,
            job.unit,
            "built",
            fingerprint_,
            time.perf_counter() - started,
            values=_recorded(executed),
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


def _recorded(notebook) -> dict:
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "application/json" in data:
                return data["application/json"]
    return {}


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
    if not storage.available_tables(data_dir):
        raise InputError(
            f"no canonical tables in {storage.processed_dir(data_dir)}: "
            "run `p06 sample` or `p06 ingest` first"
        )
    todo = plan(period, units or [], everything, notebook, lang, data_dir)
    folder = reports_dir / todo[0].period
    with locked(reports_dir):
        ensure_mart(data_dir)
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
        sources = {n: str(strip_outputs(n, Path(scratch))) for n in {j.notebook for j, _ in pending}}
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


# ---- index pages --------------------------------------------------------------------------

_INDEX_TEXT = {
    "vi": {
        "title": "Báo cáo Đề án 06",
        "period": "Kỳ báo cáo {period}",
        "unit": "Đơn vị",
        "status": "Trạng thái",
        "built": "Đã lập",
        "failed": "Lỗi",
        "report": "Báo cáo",
        "error": "Lỗi và sổ tay đã chạy",
        "periods": "Các kỳ đã lập báo cáo",
        "count": "{built} báo cáo, {failed} lỗi",
        "generated": "Lập lúc {time}",
        "national": "Tổng quan toàn quốc",
    },
    "en": {
        "title": "Project 06 reports",
        "period": "Period {period}",
        "unit": "Unit",
        "status": "Status",
        "built": "built",
        "failed": "failed",
        "report": "Report",
        "error": "Error and executed notebook",
        "periods": "Periods built",
        "count": "{built} reports, {failed} failed",
        "generated": "Built at {time}",
        "national": "National overview",
    },
}


def _page(title: str, body: str) -> str:
    from helpers.report import css

    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'{css()}<style>body{{font-family:"DejaVu Sans",Arial,sans-serif;margin:24px;'
        f"max-width:1100px}}pre{{white-space:pre-wrap;font-size:0.85em;margin:0}}</style>"
        f'</head><body><div class="p06-title">{html.escape(title)}</div>{body}</body></html>\n'
    )


def write_period_index(folder: Path, reports: dict, lang: str) -> None:
    """reports/<period>/index.html: every unit with its status, key figures and a link."""
    from helpers import reference
    from helpers.formatting import format_value
    from helpers.indicators import unit_names
    from helpers.units import parse_unit

    t = _INDEX_TEXT[lang]
    cat = reference.indicators()
    heads = [t["unit"], t["status"]] + [cat.at[k, f"short_{lang}"] for k in KEY_FIGURES]
    rows = []
    for name in sorted(reports, key=lambda n: (n == NATIONAL, n)):
        r = reports[name]
        if r["unit"] is None:
            label = t["national"]
        else:
            unit = parse_unit(r["unit"])
            label = f"{unit_names(unit.level, [unit.code], lang)[unit.code]} ({r['unit']})"
        link = f'<a href="{html.escape(name)}.html">{html.escape(label)}</a>'
        if r["status"] != "built":
            cells = [
                html.escape(label),
                f'<span class="p06-bad">{t["failed"]}</span>',
                f"<pre>{html.escape(r.get('error') or '')}</pre>"
                f'<a href="{html.escape(name)}.ipynb">{html.escape(name)}.ipynb</a>',
            ]
            rows.append(
                "<tr>"
                + "".join(f"<td>{c}</td>" for c in cells[:2])
                + f'<td colspan="{len(KEY_FIGURES)}">{cells[2]}</td></tr>'
            )
            continue
        values = r.get("values") or {}
        figures = [
            format_value(values.get(f"{r['unit']}|{k}") if r["unit"] else None, cat.at[k, "unit"], lang)
            for k in KEY_FIGURES
        ]
        cells = [link, f'<span class="p06-ok">{t["built"]}</span>'] + figures
        rows.append(
            "<tr>"
            + "".join(f'<td class="{"num" if i > 1 else ""}">{c}</td>' for i, c in enumerate(cells))
            + "</tr>"
        )
    table = (
        '<table class="p06"><thead><tr>'
        + "".join(f"<th>{html.escape(h)}</th>" for h in heads)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    built = sum(r["status"] == "built" for r in reports.values())
    stamp = t["generated"].format(time=datetime.now().strftime("%Y-%m-%d %H:%M"))
    count = t["count"].format(built=built, failed=len(reports) - built)
    body = (
        f'<div class="p06-subtitle">{html.escape(count)} · {html.escape(stamp)} · '
        f'<a href="../index.html">{html.escape(t["periods"])}</a></div>' + table
    )
    storage.write_text_atomic(
        folder / "index.html", _page(f"{t['title']} — {t['period'].format(period=folder.name)}", body)
    )


def write_root_index(reports_dir: Path, lang: str) -> None:
    """reports/index.html: every period built, with its counts."""
    t = _INDEX_TEXT[lang]
    items = []
    for state_file in sorted(reports_dir.glob(f"*/{STATE_FILE}")):
        reports = json.loads(state_file.read_text(encoding="utf-8")).get("reports", {})
        built = sum(r["status"] == "built" for r in reports.values())
        period = state_file.parent.name
        items.append(
            f'<li><a href="{html.escape(period)}/index.html">{html.escape(period)}</a> — '
            f"{html.escape(t['count'].format(built=built, failed=len(reports) - built))}</li>"
        )
    stamp = t["generated"].format(time=datetime.now().strftime("%Y-%m-%d %H:%M"))
    body = (
        f'<div class="p06-subtitle">{html.escape(stamp)}</div><h3>{html.escape(t["periods"])}</h3>'
        f'<ul class="p06-list">{"".join(items)}</ul>'
    )
    storage.write_text_atomic(reports_dir / "index.html", _page(t["title"], body))


def load_runs(path: Path) -> list[dict]:
    """The committed list of default runs (reports.yml)."""
    with open(path, encoding="utf-8") as fh:
        runs = yaml.safe_load(fh)["runs"]
    for run in runs:
        if "period" not in run:
            raise InputError(f"{path}: every run needs a period: {run}")
    return runs
