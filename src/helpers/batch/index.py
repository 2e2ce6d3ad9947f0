"""The index pages of a build: reports/<period>/index.html (every report with its status,
key figures and links) and reports/index.html (every period built). Labels come from
report_text.yml; figures are the ones each report recorded by name."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

from helpers.core import reference
from helpers.core.formatting import format_value
from helpers.core.text import text
from helpers.core.units import Unit, names, parse_unit
from helpers.data import storage
from helpers.report.kinds import COMMUNE_INDEX, COMMUNE_REVIEW, PERIOD_INDEX, commune_index, index_of
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


def _links(name: str, entry: dict, extra: str = "") -> str:
    files = [f for f in entry.get("outputs") or ["html"] if f != "ipynb"]
    links = [f'<a href="{html.escape(name)}.{f}">{f}</a>' for f in files]
    return " · ".join(links + ([extra] if extra else []))


def _row(name: str, entry: dict, lang: str, extra: str = "") -> str:
    """One report (`name`: its path from the index page, without suffix): a link, its
    status, its key figures and its files; a failed report shows its error and a link to
    the executed notebook."""
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
        f"<td>{_links(name, entry, extra)}</td>",
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def _table(heads: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    return f'<table class="p06"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _heads(first: str, lang: str) -> list[str]:
    cat = reference.indicators()
    return (
        [text(first, lang), text("index_status", lang)]
        + [cat.at[k, f"short_{lang}"] for k in KEY_FIGURES]
        + [text("index_files", lang)]
    )


def _counts(reports: dict, lang: str) -> str:
    built = sum(r["status"] == "built" for r in reports.values())
    stamp = text("index_generated", lang, time=datetime.now().strftime("%Y-%m-%d %H:%M"))
    return f"{text('index_count', lang, built=built, failed=len(reports) - built)} · {stamp}"


def commune_provinces(reports: dict) -> list[str]:
    """The current provinces whose commune index a period needs: those with a province
    review or any commune review built."""
    home = reference.communes().set_index("commune_code")["province_code"]
    codes = {home[r["unit"]] for n, r in reports.items() if index_of(n) == COMMUNE_INDEX}
    codes |= {
        r["unit"] for n, r in reports.items() if r["unit"] and parse_unit(r["unit"]).level == "province"
    }
    return sorted(codes)


def write_period_index(folder: Path, reports: dict, lang: str) -> None:
    """reports/<period>/index.html: every province report with its status, key figures and
    links (to its files and to its communes' index), and the national overview."""
    mine = {n: r for n, r in reports.items() if index_of(n) == PERIOD_INDEX}
    with_communes = set(commune_provinces(reports))
    communes = text("index_communes", lang)
    rows = [
        _row(
            n,
            mine[n],
            lang,
            f'<a href="{commune_index(mine[n]["unit"])}">{communes}</a>'
            if mine[n]["unit"] in with_communes
            else "",
        )
        for n in sorted(mine, key=lambda n: (mine[n]["unit"] is None, n))
    ]
    extra = [
        f'<li><a href="{commune_index(c)}">{html.escape(names("province", [c], lang)[c])}</a></li>'
        for c in sorted(with_communes - {r["unit"] for r in mine.values()})
    ]
    body = (
        f'<p class="p06-subtitle">{html.escape(_counts(reports, lang))} · '
        f'<a href="../index.html">{html.escape(text("index_periods", lang))}</a></p>'
        + _table(_heads("index_unit", lang), rows)
        + (f'<h2>{html.escape(communes)}</h2><ul class="p06-list">{"".join(extra)}</ul>' if extra else "")
    )
    title = f"{text('index_title', lang)} — {text('index_period', lang, period=folder.name)}"
    storage.write_text_atomic(folder / "index.html", _page(title, body))


def write_commune_index(folder: Path, province: str, reports: dict, lang: str) -> None:
    """reports/<period>/communes/index-<province>.html: every commune of the province, its
    status and key figures, with links to the reviews built."""
    com = reference.communes()
    codes = com.loc[com["province_code"] == province, "commune_code"].tolist()
    rows = []
    keys = {code: COMMUNE_REVIEW.key(Unit("commune", code)) for code in codes}
    for code in codes:
        entry = reports.get(keys[code])
        if entry is None:
            label = f"{names('commune', [code], lang)[code]} ({code})"
            cells = f"<td>{html.escape(label)}</td><td>{text('index_not_built', lang)}</td>"
            rows.append(f'<tr>{cells}<td colspan="{len(KEY_FIGURES) + 1}"></td></tr>')
        else:
            rows.append(_row(code, entry, lang))
    mine = {c: reports[keys[c]] for c in codes if keys[c] in reports}
    province_name = names("province", [province], lang)[province]
    back = f'<a href="../index.html">{html.escape(text("index_period", lang, period=folder.name))}</a>'
    if province in reports:
        back += f' · <a href="../{province}.html">{html.escape(province_name)}</a>'
    body = f'<p class="p06-subtitle">{html.escape(_counts(mine, lang))} · {back}</p>'
    body += _table(_heads("index_commune", lang), rows)
    title = f"{text('index_communes_of', lang, province=province_name)} — {folder.name}"
    storage.write_text_atomic(folder / commune_index(province), _page(title, body))


def write_indexes(reports_dir: Path, folder: Path, reports: dict, lang: str) -> None:
    """Every index page a build touches: the period's, its provinces' commune indexes, the root."""
    write_period_index(folder, reports, lang)
    for province in commune_provinces(reports):
        write_commune_index(folder, province, reports, lang)
    write_root_index(reports_dir, lang)


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
