"""The index pages of a build: reports/<period>/index.html (every report with its status,
key figures and links), reports/<period>/communes/index-<province>.html (every commune of a
province) and reports/index.html (every period built).

The pages are Jinja2 templates (`templates/`, every value escaped); this module gathers what
they show. Labels come from report_text.yml; figures are the ones each report recorded by
name."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from helpers.core import reference
from helpers.core.errors import InputError
from helpers.core.formatting import period_words
from helpers.core.periods import parse_period
from helpers.core.text import text
from helpers.core.units import Unit, names, parse_unit
from helpers.data import storage
from helpers.report.kinds import (
    COMMUNE_INDEX,
    COMMUNE_REVIEW,
    PERIOD_INDEX,
    PROVINCE_REVIEW,
    commune_index,
    index_of,
    kind_without_unit,
)
from helpers.report.sections import KEY_FIGURES, key_figure
from helpers.report.style import page_css

STATE_FILE = "build.json"
TEMPLATES = Path(__file__).parent / "templates"


@cache
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _write(target: Path, template: str, title: str, **values) -> None:
    page = _templates().get_template(template).render(title=title, report_css=Markup(page_css()), **values)
    storage.write_text_atomic(target, page)


def _label(name: str, entry: dict, lang: str) -> str:
    if entry["unit"] is None:
        kind = kind_without_unit(name)
        return text(kind.label, lang) if kind is not None and kind.label else name
    unit = parse_unit(entry["unit"])
    return f"{names(unit.level, [unit.code], lang)[unit.code]} ({entry['unit']})"


def _row(name: str, entry: dict | None, label: str, lang: str, communes: dict | None = None) -> dict:
    """What a table shows of one report (`name`: its path from the index page, without
    suffix): its label, status, key figures and files; a failed one, its error."""
    if entry is None:
        return {"status": "not built", "label": label, "status_text": text("index_not_built", lang)}
    if entry["status"] != "built":
        row = {
            "status": "failed",
            "status_text": text("index_failed", lang),
            "error": entry.get("error") or "",
        }
        return {**row, "name": name, "label": label}
    values = entry.get("values") or {}
    return {
        "status": "built",
        "name": name,
        "label": label,
        "status_text": text("index_built", lang),
        "figures": [key_figure(values, k, lang) for k in KEY_FIGURES],
        "files": [f for f in entry.get("outputs") or ["html"] if f != "ipynb"],
        "communes": communes,
    }


def _heads(first: str, lang: str) -> list[str]:
    cat = reference.indicators()
    return (
        [text(first, lang), text("index_status", lang)]
        + [cat.at[k, f"short_{lang}"] for k in KEY_FIGURES]
        + [text("index_files", lang)]
    )


def _stamp(lang: str) -> str:
    return text("index_generated", lang, time=datetime.now().strftime("%Y-%m-%d %H:%M"))


def _counts(reports: dict, lang: str) -> str:
    built = sum(r["status"] == "built" for r in reports.values())
    return f"{text('index_count', lang, built=built, failed=len(reports) - built)} · {_stamp(lang)}"


def commune_provinces(reports: dict) -> list[str]:
    """The current provinces whose commune index a period needs: those with a province
    review or any commune review built."""
    home = reference.communes().set_index("commune_code")["province_code"]
    codes = {home[r["unit"]] for n, r in reports.items() if index_of(n) == COMMUNE_INDEX}
    codes |= {
        r["unit"] for n, r in reports.items() if r["unit"] and parse_unit(r["unit"]).level == "province"
    }
    return sorted(codes)


def _period(name: str, lang: str) -> str:
    """A period folder's name as readers write the period (`quý III/2025`, `Q3 2025`)."""
    try:
        return period_words(parse_period(name), lang)
    except InputError:  # a folder that is no period: shown as it is named
        return name


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
            _label(n, mine[n], lang),
            lang,
            {"href": commune_index(mine[n]["unit"]), "text": communes}
            if mine[n]["unit"] in with_communes
            else None,
        )
        for n in sorted(mine, key=lambda n: (mine[n]["unit"] is None, n))
    ]
    others = sorted(with_communes - {r["unit"] for r in mine.values()})
    _write(
        folder / "index.html",
        "period.html.j2",
        f"{text('index_title', lang)} — {text('index_period', lang, period=_period(folder.name, lang))}",
        counts=_counts(reports, lang),
        periods_text=text("index_periods", lang),
        heads=_heads("index_unit", lang),
        rows=rows,
        width=len(KEY_FIGURES) + 1,
        communes_text=communes,
        communes=[{"href": commune_index(c), "text": names("province", [c], lang)[c]} for c in others],
    )


def write_commune_index(folder: Path, province: str, reports: dict, lang: str) -> None:
    """reports/<period>/communes/index-<province>.html: every commune of the province, its
    status and key figures, with links to the reviews built."""
    com = reference.communes()
    codes = com.loc[com["province_code"] == province, "commune_code"].tolist()
    keys = {code: COMMUNE_REVIEW.key(Unit("commune", code)) for code in codes}
    labels = {code: f"{name} ({code})" for code, name in names("commune", codes, lang).items()}
    rows = [_row(code, reports.get(keys[code]), labels[code], lang) for code in codes]
    mine = {c: reports[keys[c]] for c in codes if keys[c] in reports}
    province_name = names("province", [province], lang)[province]
    back = [{"href": "../index.html", "text": text("index_period", lang, period=_period(folder.name, lang))}]
    review = PROVINCE_REVIEW.key(Unit("province", province))
    if review in reports:
        back.append({"href": f"../{review}.html", "text": province_name})
    _write(
        folder / commune_index(province),
        "communes.html.j2",
        f"{text('index_communes_of', lang, province=province_name)} — {_period(folder.name, lang)}",
        counts=_counts(mine, lang),
        back=back,
        heads=_heads("index_commune", lang),
        rows=rows,
        width=len(KEY_FIGURES) + 1,
    )


def write_indexes(reports_dir: Path, folder: Path, reports: dict, lang: str) -> None:
    """Every index page a build touches: the period's, its provinces' commune indexes, the root."""
    write_period_index(folder, reports, lang)
    for province in commune_provinces(reports):
        write_commune_index(folder, province, reports, lang)
    write_root_index(reports_dir, lang)


def write_root_index(reports_dir: Path, lang: str) -> None:
    """reports/index.html: every period built, with its counts."""
    periods = []
    for state_file in sorted(reports_dir.glob(f"*/{STATE_FILE}")):
        reports = json.loads(state_file.read_text(encoding="utf-8")).get("reports", {})
        built = sum(r["status"] == "built" for r in reports.values())
        count = text("index_count", lang, built=built, failed=len(reports) - built)
        name = state_file.parent.name
        periods.append({"period": name, "label": _period(name, lang), "count": count})
    _write(
        reports_dir / "index.html",
        "root.html.j2",
        text("index_title", lang),
        stamp=_stamp(lang),
        periods_text=text("index_periods", lang),
        periods=periods,
    )
