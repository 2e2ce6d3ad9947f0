"""The review as the administrative document officials file (Decree 30/2020/NĐ-CP): a Word
file made from a template a province edits, and the data `filed.document_data` recorded.

The template (data/reference/templates/report_<lang>.docx) holds the letterhead, the part
headings, recipients, signature and the appendix tables' headers; docxtpl fills its Jinja
fields from the context built here. Every value is formatted here, in the reader's
language, from the numbers in the data; every phrase comes from the template or from
document_text.yml. The same data and charts give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime
from pathlib import Path

from helpers.core.formatting import MISSING, format_change, format_number, format_target, format_value
from helpers.core.paths import REFERENCE_DIR
from helpers.core.text import text
from helpers.data.storage import atomic_path
from helpers.report.filed import fixed_time
from helpers.report.sections import official_groups, with_qualifier

TEMPLATES = REFERENCE_DIR / "templates"
NBSP = "\u00a0"
CHART_WIDTH_MM = 150.0
CHART_HEIGHT_MM = 190.0
"""Largest size of a chart on the page: the text is 165 mm wide; a tall chart is scaled
down so that it and its caption fit on a page with some text."""


def default_template(lang: str) -> Path:
    return TEMPLATES / f"report_{lang}.docx"


# ---- values as the tables show them ------------------------------------------------------------


def _rank(rank, of) -> str:
    return MISSING if rank is None else f"{rank}/{of}"


def _change(row: dict, lang: str) -> str:
    """The change against the baseline: percentage points for rates, per month where the
    periods differ in length, else the difference in the indicator's unit."""
    unit = row["unit"]
    if row["comparison"] == "per_month":
        return text("change_per_month", lang, value=format_change(row["change_per_month"], "count", lang))
    if unit == "pct":
        return format_change(row["change_pp"], "pct", lang).replace(" %", NBSP + "%")
    if row["value"] is None or row["baseline_value"] is None:
        return MISSING
    return format_change(row["value"] - row["baseline_value"], unit, lang)


def _key_indicators(data: dict) -> list[dict]:
    """The indicators of Appendix I: all but the official index's six groups (its total, and
    part I's sentence for it, stay; the Excel appendix has every group)."""
    groups = official_groups()
    return [r for r in data["indicators"] if r["id"] not in groups]


def indicator_rows(data: dict) -> list[dict]:
    """Appendix I: every indicator with value, target, status, baseline, change and rank."""
    lang = data["lang"]
    return [
        {
            "no": i,
            "name": r["name"],
            "value": with_qualifier(
                format_value(r["value"], r["unit"], lang), r["id"], r["value"], r["denominator"], lang
            ),
            "target": format_target(r["target"], r["unit"], lang),
            "status": text(f"status_{r['status']}", lang),
            "baseline": format_value(r["baseline_value"], r["unit"], lang),
            "change": _change(r, lang),
            "rank": _rank(r["rank"], r["of"]),
        }
        for i, r in enumerate(_key_indicators(data), start=1)
    ]


def indicator_notes(data: dict) -> list[str]:
    """The notes of Appendix I (why a value is missing, partial or compared per month)."""
    return [f"{r['name']}: {r['note']}" for r in _key_indicators(data) if r["note"]]


def score_rows(data: dict) -> list[dict]:
    """Appendix II: the Decision 766 parts, each group named on its first row only."""
    lang, rows, seen = data["lang"], [], set()
    for part in data["score_parts"]:
        rows.append(
            {
                "group": "" if part["group"] in seen else part["group"],
                "part": part["part"],
                "points": format_number(part["points"], lang),
                "threshold": ""
                if part["threshold"] is None
                else format_target(part["threshold"], "pct", lang),
                "value": format_value(part["value"], "pct", lang),
                "score": format_value(part["score"], "score", lang),
            }
        )
        seen.add(part["group"])
    return rows


def score_total(data: dict) -> dict:
    score = data["score"]
    return {
        "points": format_number(score["points"], data["lang"]),
        "score": format_value(score["value"], "score", data["lang"]),
    }


def lagging_rows(data: dict) -> list[dict]:
    lang = data["lang"]
    return [
        {
            "no": i,
            "name": r["name"],
            "commune": r["commune"],
            "value": format_value(r["value"], r["unit"], lang),
            "rank": _rank(r["rank"], r["of"]),
        }
        for i, r in enumerate(data["lagging"], start=1)
    ]


def task_rows(data: dict) -> tuple[list[dict], dict]:
    """Appendix IV: tasks by lead unit and their total."""
    lang, keys = data["lang"], ("due", "on_time", "late", "not_done", "overdue")
    rows = [
        {"no": i, "lead_unit": r["lead_unit"]} | {k: format_number(r[k], lang) for k in keys}
        for i, r in enumerate(data["tasks"], start=1)
    ]
    total = {k: format_number(sum(r[k] for r in data["tasks"]), lang) for k in keys}
    return rows, total


def definition_rows(data: dict) -> list[dict]:
    lang = data["lang"]
    return [
        {"no": i} | d | {"unit": text(f"xlsx_unit_{d['unit']}", lang)}
        for i, d in enumerate(data["definitions"], start=1)
    ]


def commendation_lines(data: dict) -> list[dict]:
    """Part IV: each commune once, with all its reasons (`Xã A: dẫn đầu về ...; cải thiện ...`)."""
    reasons: dict[str, list[str]] = {}
    for c in data["commendations"]:
        reasons.setdefault(c["commune"], []).append(c["reason"][:1].lower() + c["reason"][1:])
    joint = text("doc_reasons_joint", data["lang"])
    return [{"commune": commune, "reasons": joint.join(why)} for commune, why in reasons.items()]


# ---- charts --------------------------------------------------------------------------------------


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, from the PNG header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def chart_width_mm(png: bytes) -> float:
    """The width a chart is shown at: the text width, less where it would be too tall."""
    width, height = png_size(png)
    return min(CHART_WIDTH_MM, CHART_HEIGHT_MM * width / height)


def figures(tpl, charts: list[tuple[str, bytes]]) -> list[dict]:
    from docx.shared import Mm
    from docxtpl import InlineImage

    return [
        {"title": title, "image": InlineImage(tpl, io.BytesIO(png), width=Mm(chart_width_mm(png)))}
        for title, png in charts
    ]


def describe_images(document, charts: list[tuple[str, bytes]]) -> None:
    """Each chart's title as its alternative text, for screen readers (matched by content,
    so a logo a province adds to its template is left alone)."""
    titles = {hashlib.sha1(png).hexdigest(): title for title, png in charts}
    for shape in document.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        part = document.part.related_parts.get(blip.embed)
        title = titles.get(hashlib.sha1(part.blob).hexdigest()) if part is not None else None
        if title:
            shape._inline.docPr.set("descr", title)
            shape._inline.docPr.set("title", title)


# ---- writing -------------------------------------------------------------------------------------


def context(data: dict, tpl, charts: list[tuple[str, bytes]]) -> dict:
    """Everything the template's fields read."""
    lang = data["lang"]
    tasks, tasks_total = task_rows(data)
    covered = data["score"]["covered"]
    return {
        "unit": data["unit"],
        "period": data["period"],
        "next_period": data["next_period"],
        "baseline": data["baseline"] or {"label": MISSING, "phrase": MISSING},
        "notice": text("synthetic_banner", lang) if data["synthetic"] else None,
        "results_lead": data["results_lead"],
        "results": data["results"],
        "figures": figures(tpl, charts),
        "shortcomings": data["shortcomings"],
        "next_tasks": data["next_tasks"],
        "commendations": commendation_lines(data),
        "indicator_rows": indicator_rows(data),
        "indicator_notes": indicator_notes(data),
        "score_rows": score_rows(data),
        "score_total": score_total(data),
        "score_note": text("score_covers", lang, covered=covered),
        "lagging_rows": lagging_rows(data),
        "commendation_rows": [{"no": i} | c for i, c in enumerate(data["commendations"], start=1)],
        "task_rows": tasks,
        "task_total": tasks_total,
        "fact_rows": data["facts"],
        "definition_rows": definition_rows(data),
    }


def _properties(document, data: dict) -> None:
    """Fixed document properties: the title, no author, the period's last day as the date."""
    props = document.core_properties
    when = fixed_time(data)
    props.created = props.modified = props.last_printed = when
    props.title = text("title_province", data["lang"], unit_name=data["unit"]["name"])
    props.subject = data["period"]["label"]
    props.author = props.last_modified_by = ""
    props.revision = 1


def repack(path: Path, when: datetime) -> None:
    """Rewrite a zip-based file with fixed entry dates and attributes, in the same order and
    compression, so that the same content gives the same bytes."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o600 << 16
            out.writestr(info, content)
    path.write_bytes(buffer.getvalue())


def write_docx(
    data: dict, charts: list[tuple[str, bytes]], target: Path, template: Path | None = None
) -> Path:
    """Write the review's Word document from `document_data`'s dict and the notebook's
    charts (title, PNG bytes); the template of the data's language unless one is given."""
    from docxtpl import DocxTemplate

    target = Path(target)
    tpl = DocxTemplate(str(template or default_template(data["lang"])))
    tpl.render(context(data, tpl, charts), autoescape=True)
    describe_images(tpl.docx, charts)
    _properties(tpl.docx, data)
    with atomic_path(target) as tmp:
        tpl.save(str(tmp))
        repack(tmp, fixed_time(data))
    return target
