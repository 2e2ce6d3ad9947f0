"""The index pages of a build: reports/<period>/index.html (every report with its status,
key figures and links) and reports/index.html (every period built). Labels come from
report_text.yml; figures are the ones each report recorded by name."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

from helpers.batch.plan import NATIONAL
from helpers.core import reference
from helpers.core.formatting import format_value
from helpers.core.text import text
from helpers.core.units import names, parse_unit
from helpers.data import storage
from helpers.report.sections import KEY_FIGURES
from helpers.report.style import page_css

STATE_FILE = "build.json"


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'{page_css()}<style>body{{font-family:"DejaVu Sans",Arial,sans-serif;margin:24px;'
        f"max-width:1100px}}pre{{white-space:pre-wrap;font-size:0.85em;margin:0}}"
        f"td.num{{text-align:right;white-space:nowrap}}</style>"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )


def _label(name: str, entry: dict, lang: str) -> str:
    if entry["unit"] is None:
        return text("index_national", lang)
    unit = parse_unit(entry["unit"])
    return f"{names(unit.level, [unit.code], lang)[unit.code]} ({entry['unit']})"


def _links(name: str, entry: dict) -> str:
    files = [f for f in entry.get("outputs", ["html"]) if f != "ipynb"]
    return " · ".join(f'<a href="{html.escape(name)}.{f}">{f}</a>' for f in files)


def _row(name: str, entry: dict, lang: str) -> str:
    label = _label(name, entry, lang)
    if entry["status"] != "built":
        error = (
            f"<pre>{html.escape(entry.get('error') or '')}</pre>"
            f'<a href="{html.escape(name)}.ipynb">{html.escape(name)}.ipynb</a>'
        )
        return (
            f'<tr><td>{html.escape(label)}</td><td class="p06-bad">{text("index_failed", lang)}</td>'
            f'<td colspan="{len(KEY_FIGURES) + 1}">{error}</td></tr>'
        )
    cat = reference.indicators()
    values = entry.get("values") or {}
    figures = [format_value(values.get(k), cat.at[k, "unit"], lang) for k in KEY_FIGURES]
    cells = [
        f'<td><a href="{html.escape(name)}.html">{html.escape(label)}</a></td>',
        f'<td class="p06-ok">{text("index_built", lang)}</td>',
        *[f'<td class="num">{f}</td>' for f in figures],
        f"<td>{_links(name, entry)}</td>",
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def write_period_index(folder: Path, reports: dict, lang: str) -> None:
    """reports/<period>/index.html: every unit with its status, key figures and links."""
    cat = reference.indicators()
    heads = [text("index_unit", lang), text("index_status", lang)]
    heads += [cat.at[k, f"short_{lang}"] for k in KEY_FIGURES] + [text("index_files", lang)]
    order = sorted(reports, key=lambda n: (n == NATIONAL, n))
    table = (
        '<table class="p06"><thead><tr>'
        + "".join(f"<th>{html.escape(h)}</th>" for h in heads)
        + "</tr></thead><tbody>"
        + "".join(_row(n, reports[n], lang) for n in order)
        + "</tbody></table>"
    )
    built = sum(r["status"] == "built" for r in reports.values())
    stamp = text("index_generated", lang, time=datetime.now().strftime("%Y-%m-%d %H:%M"))
    count = text("index_count", lang, built=built, failed=len(reports) - built)
    body = (
        f'<p class="p06-subtitle">{html.escape(count)} · {html.escape(stamp)} · '
        f'<a href="../index.html">{html.escape(text("index_periods", lang))}</a></p>' + table
    )
    title = f"{text('index_title', lang)} — {text('index_period', lang, period=folder.name)}"
    storage.write_text_atomic(folder / "index.html", _page(title, body))


def write_root_index(reports_dir: Path, lang: str) -> None:
    """reports/index.html: every period built, with its counts."""
    items = []
    for state_file in sorted(reports_dir.glob(f"*/{STATE_FILE}")):
        reports = json.loads(state_file.read_text(encoding="utf-8")).get("reports", {})
        built = sum(r["status"] == "built" for r in reports.values())
        period = state_file.parent.name
        count = text("index_count", lang, built=built, failed=len(reports) - built)
        link = f'<a href="{html.escape(period)}/index.html">{html.escape(period)}</a>'
        items.append(f"<li>{link} — {html.escape(count)}</li>")
    stamp = text("index_generated", lang, time=datetime.now().strftime("%Y-%m-%d %H:%M"))
    body = (
        f'<p class="p06-subtitle">{html.escape(stamp)}</p><h2>{html.escape(text("index_periods", lang))}</h2>'
        f'<ul class="p06-list">{"".join(items)}</ul>'
    )
    storage.write_text_atomic(reports_dir / "index.html", _page(text("index_title", lang), body))
