"""What one worker does, on this machine or on a cluster: keep a warm kernel, and for each
job execute its notebook, render it and write its files. A failed report is reported,
never raised, so a batch goes on; a worker told to stop shuts its kernel down first."""

from __future__ import annotations

import contextlib
import os
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from helpers.batch.kernels import execute_warm, warm_kernel
from helpers.batch.plan import Job
from helpers.data import storage
from helpers.report.kinds import ReportKind

WARM_UP = """
import pandas, pyarrow.parquet, duckdb
import helpers.engine.indicators, helpers.engine.mart, helpers.engine.trends, helpers.engine.tasks
import helpers.report.sections, helpers.report.charts, helpers.report.display, helpers.report.tables
import helpers.report.findings, helpers.report.provenance, helpers.report.record, helpers.report.filed
from helpers.core import reference
from helpers.report import plots
reference.communes(), reference.catalog(), reference.targets(), reference.legacy_provinces()
pandas.DataFrame({"x": [1]}).style.to_html()
from datetime import date
months = pandas.DataFrame({"x": [1.0]}, index=[date(2025, 1, 1)])
plots.svg_text(plots.trend_chart(months, {"x": "x"}, "", "", ""))
"""
"""Run in a new kernel before its first report: the imports, reference data and fonts every
report needs, loaded while the build computes what the reports share."""


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


FORMATS = ("html", "docx", "xlsx")
"""What a build can write for each report (the executed .ipynb is always kept)."""


def chart_format(formats: tuple[str, ...]) -> str:
    """Charts as SVG for the page; also as PNG where a Word document will take them."""
    return "svg,png" if "docx" in formats else "svg"


def try_warm_up(charts: str = "svg", code: str = "", ready=None, preload: str = "") -> None:
    """`warm_up`, never failing: a kernel that will not start now is tried again by the
    worker's first report, which is then listed as failed if it still will not. Then, once
    `ready` is set, the kernel runs `preload` (reading what the build computed for all)."""
    with contextlib.suppress(Exception):  # the report that needs the kernel then says why
        _, client = warm_up(charts, code)
        if ready is not None:
            ready.wait()
        if preload:
            run_in(client, preload)


def warm_up(charts: str = "svg", code: str = "", start_timeout: int = 120) -> tuple[str, object]:
    """Start this worker's kernel and import what reports need, here and in the kernel (which
    warms up while this process imports); returns the host name and the kernel's client."""
    skip_slow_optional_imports()
    _, client = warm_kernel(start_timeout, charts, code)
    client.execute(WARM_UP, silent=True, store_history=False)
    import nbformat
    import papermill  # noqa: F401 - imported once, here, not on the first report

    from helpers.batch.render import render_html

    render_html(nbformat.v4.new_notebook(), "warm-up")  # the page templates, compiled once
    run_in(client, "pass", start_timeout)  # returns once the kernel has run WARM_UP too
    return os.uname().nodename, client


def run_in(client, code: str, timeout: int = 120) -> None:
    """Run code in a worker's kernel and wait for it, output discarded."""
    from nbclient.util import run_sync

    run = run_sync(client.execute_interactive)
    run(code, silent=True, timeout=timeout, store_history=False, output_hook=lambda message: None)


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
    start_timeout: int = 120,
) -> Result:
    """Execute, render and write one report in each format asked; failures are reported,
    never raised."""
    import nbformat

    from helpers.batch.notebooks import clean
    from helpers.batch.render import render_html
    from helpers.report.record import read

    started = time.perf_counter()
    folder = Path(out_dir) / job.folder if job.folder else Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ipynb, page = folder / f"{job.name}.ipynb", folder / f"{job.name}.html"
    try:
        executed = clean(execute_warm(job, Path(source), start_timeout, chart_format(formats), code))
        storage.write_text_atomic(ipynb, nbformat.writes(executed) + "\n")
        storage.write_text_atomic(page, render_html(executed, job.name))
        made = write_documents(executed, folder / job.name, job.kind, formats)
        return Result(
            job.key,
            job.selector,
            "built",
            fingerprint,
            time.perf_counter() - started,
            values=read(executed, "key_figures"),
            outputs=["html", *made, "ipynb"],
        )
    except Exception as exc:  # noqa: BLE001 - a failed report must not stop the others
        partial = getattr(exc, "notebook", None)
        if partial is not None:  # the notebook as far as it ran, for the reader of the error
            storage.write_text_atomic(ipynb, nbformat.writes(clean(partial)) + "\n")
        else:
            ipynb.unlink(missing_ok=True)
        page.unlink(missing_ok=True)
        return Result(
            job.key, job.selector, "failed", "", time.perf_counter() - started, error=first_lines(exc)
        )


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
