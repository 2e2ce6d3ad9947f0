"""What a report shows around its figures: parameters, heading, banner, section titles,
tables as HTML. All text comes from data/reference/report_text.yml in the chosen language.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers import reference, storage
from helpers.errors import InputError
from helpers.fingerprints import DATE_COLUMN
from helpers.formatting import format_number
from helpers.periods import Period, parse_period, resolve_baseline
from helpers.sample import sample_info
from helpers.units import REORGANISATION, Unit, check_unit_period, legacy_of, name, parse_unit

LANGS = ("vi", "en")
REPO = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def _texts() -> dict:
    import yaml

    with open(reference.REFERENCE_DIR / "report_text.yml", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def text(key: str, lang: str = "vi", **values) -> str:
    """A piece of report text in the reader's language, with its placeholders filled."""
    return _texts()[key][lang].format(**values)


def resolve_data_dir(data_dir: str | Path = "") -> Path:
    """An empty data_dir means $P06_DATA_DIR, or the repository's data/ folder."""
    if str(data_dir).strip():
        return Path(data_dir)
    return Path(os.environ.get("P06_DATA_DIR") or REPO / "data")


@dataclass(frozen=True)
class Params:
    """The checked parameters of a report."""

    unit: Unit | None
    period: Period
    baseline: Period | None
    lang: str
    data_dir: Path


def check_parameters(
    period: str, lang: str = "vi", data_dir: str = "", unit: str | None = None, baseline: str | None = None
) -> Params:
    """Check a notebook's parameters; a bad one raises InputError with a clear message
    (in a notebook, shown without a long traceback)."""
    _short_tracebacks()
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}: expected vi or en")
    folder = resolve_data_dir(data_dir)
    if not storage.available_tables(folder):
        raise InputError(
            f"no canonical tables in {storage.processed_dir(folder)}: "
            "run `make reports` (sample data) or `p06 ingest` first"
        )
    p = parse_period(period)
    u = parse_unit(unit) if unit is not None else None
    b = resolve_baseline(baseline, p)
    if u is not None:
        check_unit_period(u, p)
        check_unit_period(u, b)
    return Params(u, p, b, lang, folder)


def _short_tracebacks() -> None:
    """In IPython, show errors as one line (`%xmode Minimal`), without printing anything."""
    import contextlib
    import io

    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is not None:
        with contextlib.redirect_stdout(io.StringIO()):
            shell.run_line_magic("xmode", "Minimal")


def css() -> str:
    """The report's styles: readable tables at report width, status colours, the banner."""
    return """<style>
.p06-banner{background:#fdecea;border:2px solid #c0392b;color:#7b241c;padding:10px 14px;
 font-weight:600;margin:8px 0 16px 0;border-radius:4px}
.p06-title{font-size:1.7em;font-weight:700;margin:4px 0}
.p06-subtitle{font-size:1.1em;color:#444;margin-bottom:10px}
.p06-section{font-size:1.35em;font-weight:700;margin:26px 0 8px 0;border-bottom:2px solid #1f4e79;
 color:#1f4e79;padding-bottom:3px}
table.p06{border-collapse:collapse;font-size:0.92em;margin:6px 0 14px 0;max-width:100%}
table.p06 th{background:#1f4e79;color:#fff;padding:5px 8px;text-align:left !important;font-weight:600}
table.p06 td{padding:4px 8px;border-bottom:1px solid #ddd;vertical-align:top;text-align:left !important}
table.p06 td.num{text-align:right !important;white-space:nowrap}
table.p06 tr:nth-child(even) td{background:#f6f8fa}
.p06-ok{color:#1e7b34;font-weight:600}.p06-bad{color:#b03a2e;font-weight:600}
.p06-list li{margin:3px 0}
.p06-note{color:#555;font-size:0.9em}
</style>"""


def section_title(key: str, lang: str) -> str:
    return f'<div class="p06-section">{html.escape(text(key, lang))}</div>'


def table_html(
    frame: pd.DataFrame, numeric: list[str] | None = None, status: str | None = None, lang: str = "vi"
) -> str:
    """A frame of display strings as an HTML table; `numeric` columns align right and the
    `status` column is coloured by outcome."""
    numeric = set(numeric or [])
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for col, value in zip(frame.columns, record, strict=True):
            cls = "num" if col in numeric else ""
            if col == status:
                cls = {
                    text("status_achieved", lang): "p06-ok",
                    text("status_not_achieved", lang): "p06-bad",
                }.get(value, "")
            cells.append(f'<td class="{cls}">{html.escape(str(value))}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="p06"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def bullet_list(items: list[str], lang: str) -> str:
    if not items:
        return f"<p>{html.escape(text('none_found', lang))}</p>"
    return '<ul class="p06-list">' + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def data_sources(data_dir: Path, lang: str, until: date) -> list[str]:
    """One line per canonical table: rows and dates covered up to `until` (the end of the
    period, so a report reads no later data), or that the table is missing."""
    lines = []
    con = storage.shared_connection()
    for table in storage.TABLES:
        files = storage.table_files(data_dir, table)
        if not files:
            lines.append(text("source_missing", lang, table=table))
            continue
        col = DATE_COLUMN[table]
        rows, first, last = con.execute(
            f"SELECT count(*), min({col}), max({col}) FROM read_parquet(?) WHERE {col} <= ?",
            [[str(f) for f in files], until],
        ).fetchone()
        if not rows:
            lines.append(text("source_missing", lang, table=table))
            continue
        lines.append(
            text(
                "source_line",
                lang,
                table=table,
                rows=format_number(rows, lang),
                first=f"{first:%m/%Y}",
                last=f"{last:%m/%Y}",
            )
        )
    return lines


def boundaries(params: Params) -> str:
    """Which boundaries the figures use, and which legacy provinces were summed."""
    lang, unit = params.lang, params.unit
    if unit is None or unit.level == "country":
        return text("boundaries_country", lang)
    if unit.level == "legacy_province":
        return text("boundaries_legacy", lang)
    out = text("boundaries_current", lang)
    code = unit.code if unit.level == "province" else None
    if code and params.period.start < REORGANISATION:
        names = ", ".join(f"{name(Unit('legacy_province', c), lang)} ({c})" for c in legacy_of(code))
        out += "; " + text("boundaries_aggregated", lang, legacy=names)
    return out


def synthetic_banner(data_dir: Path, lang: str) -> str:
    """The banner every report built from the sample shows; empty for real data."""
    if sample_info(data_dir) is None:
        return ""
    return f'<div class="p06-banner">{html.escape(text("synthetic_banner", lang))}</div>'


def heading(params: Params, title_key: str = "title_province") -> str:
    """Title, banner and the facts a reader needs before the figures."""
    lang = params.lang
    unit_name = name(params.unit, lang) if params.unit else ""
    title = text(title_key, lang, unit_name=unit_name)
    baseline = str(params.baseline) if params.baseline else "–"
    rows = []
    if params.unit is not None:
        rows.append((text("label_unit", lang), f"{unit_name} ({params.unit.selector})"))
    rows += [
        (text("label_period", lang), str(params.period)),
        (text("label_baseline", lang), baseline),
        (text("label_boundaries", lang), boundaries(params)),
        (text("label_sources", lang), "; ".join(data_sources(params.data_dir, lang, params.period.end_day))),
    ]
    facts = pd.DataFrame(rows, columns=[text("col_item", lang), text("col_detail", lang)])
    subtitle = text("subtitle", lang, period=params.period, baseline=baseline)
    return (
        css()
        + synthetic_banner(params.data_dir, lang)
        + f'<div class="p06-title">{html.escape(title)}</div>'
        + f'<div class="p06-subtitle">{html.escape(subtitle)}</div>'
        + table_html(facts)
    )
