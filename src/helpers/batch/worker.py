"""What one worker does, on this machine or on a cluster: warm up once, read what the build
computed for all its reports, then for each job execute its notebook in this process
(`inprocess`), render it and write its files. A failed report is reported, never raised, so
a batch goes on."""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from helpers.batch.plan import Job
from helpers.core.periods import Period
from helpers.data import storage
from helpers.report.kinds import ReportKind
from helpers.report.style import CHART_FORMAT


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


@dataclass(frozen=True)
class Shared:
    """What a build computed once for all its reports: each mart level over each period."""

    data_dir: str
    levels: tuple[str, ...]
    periods: tuple[Period, ...]
    scope: tuple[str, ...] = ()  # the provinces whose communes the reports read (all: empty)


FORMATS = ("html", "docx", "xlsx")
"""What a build can write for each report (the executed .ipynb is always kept)."""

_STARTED: dict = {}  # the helper code this process imported: its version, once known


def chart_format(formats: tuple[str, ...]) -> str:
    """Charts as SVG for the page; also as PNG where a Word document will take them."""
    return "svg,png" if "docx" in formats else "svg"


def warm_up() -> None:
    """Import and load what every report needs, once per process: the modules, reference
    data, fonts, the page templates, and the shell the notebooks run in."""
    skip_slow_optional_imports()
    from datetime import date

    import nbformat
    import pandas

    import helpers.engine.indicators
    import helpers.engine.tasks
    import helpers.engine.trends
    import helpers.report.charts
    import helpers.report.display
    import helpers.report.filed
    import helpers.report.findings
    import helpers.report.provenance
    import helpers.report.record
    import helpers.report.sections
    import helpers.report.tables  # noqa: F401 - imported here, not by the first report
    from helpers.batch.inprocess import shell
    from helpers.batch.render import render_html
    from helpers.core import reference
    from helpers.report import plots

    reference.communes(), reference.catalog(), reference.targets(), reference.legacy_provinces()
    pandas.DataFrame({"x": [1]}).style.to_html()
    months = pandas.DataFrame({"x": [1.0]}, index=[date(2025, 1, 1)])
    plots.svg_text(plots.trend_chart(months, {"x": "x"}, "", "", ""))
    render_html(nbformat.v4.new_notebook(), "warm-up")  # the page templates, compiled once
    shell()
    code_imported()


def code_imported() -> str:
    """The version of the helper code this process imported (a long-lived worker keeps the
    modules it imported, whatever changes on disk since)."""
    if "code" not in _STARTED:
        from helpers.report.provenance import code_version

        _STARTED["code"] = code_version()
    return _STARTED["code"]


def read_ahead(shared: Shared | None) -> None:
    """While the build still computes what all its reports share: read what they read that
    is there already (the official index's frames and the levels made first, what the data
    covers up to each period's end)."""
    if shared is None:
        return
    from helpers.engine.indicators import read_computed
    from helpers.engine.official import read_shared
    from helpers.report.heading import table_spans

    read_shared(shared.data_dir, list(shared.periods), shared.scope)
    read_computed(shared.data_dir, list(shared.levels), list(shared.periods), shared.scope)
    for period in shared.periods:
        table_spans(shared.data_dir, period.end_day)


def preload(shared: Shared | None) -> None:
    """Read what the build computed for all its reports into this process."""
    if shared is not None and shared.levels:
        from helpers.engine.indicators import share_computations

        share_computations(shared.data_dir, list(shared.levels), list(shared.periods), True, shared.scope)


def skip_slow_optional_imports() -> None:
    """jsonschema (through nbformat, which papermill and nbconvert import) imports the
    optional `rfc3987_syntax` where it is installed, and that module builds a grammar for
    more than a second at import: a worker never validates IRIs, so it does without."""
    sys.modules.setdefault("rfc3987_syntax", None)


def run_job(
    job: Job,
    out_dir: str,
    fingerprint: str,
    source: str,
    formats: tuple[str, ...] = ("html",),
    code: str = "",
) -> Result:
    """Execute, render and write one report in each format asked; failures are reported,
    never raised. `code`: the helper code's version the build computed its fingerprints
    with (a worker that imported another cannot build the report)."""
    import nbformat

    from helpers.batch.inprocess import execute_here
    from helpers.batch.notebooks import clean
    from helpers.batch.render import render_html
    from helpers.report.record import read

    started = time.perf_counter()
    folder = Path(out_dir) / job.folder if job.folder else Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ipynb, page = folder / f"{job.name}.ipynb", folder / f"{job.name}.html"
    try:
        if code and code != code_imported():
            raise RuntimeError(
                f"the worker on {os.uname().nodename} runs older helper code than the build: restart it"
            )
        executed = execute_here(Path(source), job.parameters, {CHART_FORMAT: chart_format(formats)})
        executed = clean(executed)
        storage.write_text_atomic(ipynb, nbformat.writes(executed) + "\n")
        storage.write_text_atomic(page, render_html(executed, job.name))
        made = write_documents(executed, folder / job.name, job.kind, formats)
        return Result(
            job.key,
            job.selector,
            "built",
            fingerprint,
            time.perf_counter() - started,
            values=_plain(read(executed, "key_figures")),
            outputs=["html", *made, "ipynb"],
        )
    except Exception as exc:  # noqa: BLE001 - a failed report must not stop the others
        partial = getattr(exc, "notebook", None)
        if partial is not None:  # the notebook as far as it ran, for the reader of the error
            storage.write_text_atomic(ipynb, nbformat.writes(clean(partial)) + "\n")
        else:
            ipynb.unlink(missing_ok=True)
        page.unlink(missing_ok=True)
        seconds = time.perf_counter() - started
        return Result(job.key, job.selector, "failed", "", seconds, error=first_lines(exc))


def _plain(data):
    """Recorded figures as plain JSON values (a notebook's own dict type would make whoever
    unpickles a result import nbformat, a second and more in a build's main process)."""
    return None if data is None else json.loads(json.dumps(data))


def charts_of(notebook) -> list[tuple[str, bytes]]:
    """The PNG charts an executed notebook drew, in order, with their titles."""
    import base64

    out = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
                out.append((alt, base64.b64decode(png)))
    return out


def write_documents(executed, stem: Path, kind: ReportKind, formats: tuple[str, ...]) -> list[str]:
    """The documents of the formats asked that the report's kind writes (the Word report,
    the Excel appendix), from what the notebook recorded and drew; returns the formats
    written."""
    from helpers.report.record import read

    asked = [f for f in FORMATS if f in formats and f in kind.writers]
    data = read(executed, "document") if asked else None
    if data is None:
        return []
    charts = charts_of(executed)
    for f in asked:
        kind.writers[f](data, charts, stem.with_suffix(f".{f}"))
    return asked


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
        return f"worker on {host} sees no canonical tables in {storage.processed_dir(data_dir)}"
    probe = Path(reports_dir) / f".p06-probe-{host}-{os.getpid()}"
    try:
        probe.parent.mkdir(parents=True, exist_ok=True)
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        return f"worker on {host} cannot write to {reports_dir}: {exc.strerror}"
    return None
