"""The data of the documents officials file: the Word report and the Excel appendix.

The batch build executes a review notebook and writes Word and Excel from what the
notebook computed, without computing again: the notebook's last cell calls
`document_data` and records the dict by name. Everything in it is plain JSON (lists,
dicts, numbers, strings, None; dates as ISO strings), so it travels through the
executed notebook unchanged. Numbers stay numbers; sentences are written here from
templates in data/reference/document_text.yml, as the review's findings are.
"""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd

from helpers.core import reference
from helpers.core.formatting import (
    DECIMALS,
    date_words,
    format_target,
    format_value,
    in_sentence,
    period_words,
)
from helpers.core.periods import DEFAULT_BASELINE, Period, parse_period
from helpers.core.text import text
from helpers.core.units import Unit, name
from helpers.data import storage
from helpers.engine.official import indicator_ids
from helpers.engine.tasks import overdue_leads
from helpers.report import findings, heading, provenance, sections
from helpers.report import official as official_index
from helpers.report.params import Params

INDICATOR_FIELDS = [
    "value", "numerator", "denominator", "target", "status", "baseline_value", "change_pp", "change_rel_pct",
    "comparison", "change_per_month", "rank", "of", "months", "months_covered", "as_of", "note",
]  # fmt: skip
"""Columns of the review table each indicator row of the documents carries."""


def plain(value):
    """A value as JSON holds it: None for missing, Python numbers, ISO dates."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if hasattr(value, "item"):
        return plain(value.item())
    return value


def _records(frame: pd.DataFrame, columns: dict[str, str]) -> list[dict]:
    """Rows of `frame` as dicts, `columns` mapping the frame's columns to the keys kept."""
    return [{key: plain(row[col]) for col, key in columns.items()} for _, row in frame.iterrows()]


# ---- who, where, when -----------------------------------------------------------------------


def _commune_name(unit: Unit, lang: str) -> tuple[str, str]:
    """A commune's division (`xã`, in the reader's language) and its own name (`Gio Linh`)."""
    row = reference.communes().set_index("commune_code").loc[unit.code]
    division = text(f"doc_division_{reference.slugify(row['division_type']).replace('-', '_')}", lang)
    own = row["name_vi"].split(" ", len(row["division_type"].split()))[-1]
    return division, own if lang == "vi" else reference.fold(own)


def unit_title(unit: Unit, lang: str) -> str:
    """The unit as a sentence names it: `tỉnh Quảng Trị`, `thành phố Hà Nội`, `xã Gio Linh`."""
    if unit.level == "country":
        return text("doc_unit_title_country", lang)
    if unit.level == "commune":
        division, own = _commune_name(unit, lang)
        return text("doc_unit_title_commune", lang, division=division, name=own)
    full = name(unit, lang)
    is_city = reference.is_city(name(unit, "vi"))
    short = reference.short_name(full) if lang == "vi" else full
    return text("doc_unit_title_city" if is_city else "doc_unit_title_province", lang, name=short)


def place_name(unit: Unit, lang: str) -> str:
    """Where the report is signed, as the date line writes it (`Quảng Trị, ngày ...`)."""
    if unit.level == "country":
        return text("doc_place_country", lang)
    if unit.level == "commune":
        return _commune_name(unit, lang)[1]
    return reference.short_name(name(unit, lang))


def describe_unit(unit: Unit, lang: str) -> dict:
    """The unit's selector, names, the body above the issuer and the place of signing."""
    title = unit_title(unit, lang)
    parent = (
        text("doc_issuer_parent_country", lang)
        if unit.level == "country"
        else text("doc_issuer_parent", lang, unit_title=title)
    )
    return {
        "selector": unit.selector,
        "level": unit.level,
        "code": unit.code,
        "name": name(unit, lang),
        "title": title,
        "issuer_parent": parent,
        "place": place_name(unit, lang),
    }


def describe_period(period: Period | None, lang: str) -> dict | None:
    """A period as the documents name it (`label`: `năm 2025`; `phrase`: after a noun,
    `in 2025`), its syntax (`2025`), first and last day and length."""
    if period is None:
        return None
    return {
        "label": period_words(period, lang),
        "phrase": period_words(period, lang, "phrase"),
        "syntax": str(period),
        "start": period.start.isoformat(),
        "end": period.end_day.isoformat(),
        "months": period.n_months,
    }


def fixed_time(data: dict) -> datetime:
    """The documents' timestamp (properties, zip entries): the last day of the period, so
    the same data gives the same bytes, and the date says which period they are about."""
    return datetime.fromisoformat(data["period"]["end"])


def against(baseline: Period | None, lang: str) -> str:
    """What a change is measured against: before the project (a baseline that ends by the
    end of the default one, the year before Decision 06), or the baseline period."""
    if baseline is None:
        return ""
    before = baseline.end <= parse_period(DEFAULT_BASELINE).end
    key = "doc_against_before" if before else "doc_against_baseline"
    return text(key, lang, baseline=period_words(baseline, lang))


def results_lead(period: Period, baseline: Period | None, lang: str, baseline_note: str | None = None) -> str:
    """The sentence before part I's figures: the period, the date of the data, the baseline
    (after the sentence saying the data does not reach the baseline, where it does not)."""
    values = {"period": period_words(period, lang, "phrase"), "end": date_words(period.end_day, lang)}
    if baseline is None:
        return text("doc_results_lead_no_baseline", lang, **values)
    lead = text("doc_results_lead", lang, baseline=period_words(baseline, lang), **values)
    return f"{baseline_note} {lead}" if baseline_note else lead


# ---- part I: the figures in sentences --------------------------------------------------------


def _change_clause(row: dict, unit: str, baseline_phrase: str, lang: str) -> str:
    """`, tăng 36,85 điểm phần trăm so với ...` — or nothing where there is no baseline value."""
    if row["comparison"] == "per_month" and row["change_per_month"] is not None:
        change, suffix, shown_unit = row["change_per_month"], "_month", "count"
    elif unit == "pct" and row["change_pp"] is not None:
        change, suffix, shown_unit = row["change_pp"], "_pp", "pct"
    elif row["baseline_value"] is not None and row["value"] is not None:
        suffix = "_points" if unit == "score" else ""
        change, shown_unit = row["value"] - row["baseline_value"], unit
    else:
        return ""
    if round(change, DECIMALS.get(shown_unit, 0)) == 0:
        return text("doc_change_same", lang, against=baseline_phrase)
    shown = format_value(abs(change), shown_unit, lang).rstrip("%")
    key = f"doc_change_{'up' if change > 0 else 'down'}{suffix}"
    return text(key, lang, change=shown, against=baseline_phrase)


def _aside(row: dict, unit: str, lang: str) -> str:
    """` (tính trên 44/100 điểm; đạt mục tiêu 100%)`: what the figure covers or why it passes
    100, and its target; nothing where there is neither."""
    parts = [sections.qualifier(row["id"], row["value"], row["denominator"], lang)]
    if row["status"] in ("achieved", "not_achieved"):
        key = "doc_target_achieved" if row["status"] == "achieved" else "doc_target_missed"
        parts.append(text(key, lang, target=format_target(row["target"], unit, lang)))
    parts = [p for p in parts if p]
    return text("doc_aside", lang, what="; ".join(parts)) if parts else ""


def result_sentence(row: dict, baseline_phrase: str, lang: str) -> str:
    """One indicator of the review as the sentence a review writes for it."""
    unit = row["unit"]
    key = f"doc_result_{row['id']}"
    value = format_value(row["value"], unit, lang)
    try:
        shown = text(key, lang, value=value, name=row["name"])
    except KeyError:
        shown = text("doc_result_default", lang, value=value, name=row["name"])
    return text(
        "doc_sentence",
        lang,
        figure=shown,
        aside=_aside(row, unit, lang),
        change=_change_clause(row, unit, baseline_phrase, lang),
    )


def results(rows: list[dict], baseline: Period | None, lang: str, official: str | None = None) -> list[dict]:
    """Part I: per Project 06 group, the sentences of its indicators (those with a value),
    then one sentence naming those the data cannot measure. The official Decision 766 index
    is the sentence reviews write for it (`official`), just before our estimate's."""
    groups = reference.catalog()["groups"]
    baseline_phrase = against(baseline, lang)
    published = set(indicator_ids().values())
    out = []
    for group in sorted({r["group"] for r in rows}):
        members = [r for r in rows if r["group"] == group and r["id"] not in published]
        lines = []
        for r in members:
            if r["id"] == "score_766" and official:
                lines.append(official)
            if r["value"] is not None:
                lines.append(result_sentence(r, baseline_phrase, lang))
        missing = [in_sentence(r["name"], lang) for r in members if r["value"] is None]
        if missing:
            lines.append(text("doc_not_measured", lang, names="; ".join(missing)))
        out.append({"group": group, "name": groups[group][f"name_{lang}"], "lines": lines})
    return out


# ---- the tables ----------------------------------------------------------------------------


def indicator_rows(indicators: pd.DataFrame) -> list[dict]:
    """The review table, one dict per indicator, its numbers as numbers."""
    columns = {"indicator": "id", "group": "group", "name": "name", "unit_of_measure": "unit"}
    columns |= {c: c for c in INDICATOR_FIELDS}
    rows = _records(indicators, columns)
    for row in rows:
        row["note"] = row["note"] or None
    return rows


def _score(indicators: pd.DataFrame, lang: str) -> tuple[list[dict], dict]:
    """The Decision 766 parts and the score with the points the data measures."""
    parts = sections.score_parts(indicators, lang)
    rows = _records(parts, {c: c for c in parts.columns})
    value = indicators.set_index("indicator")["value"].get("score_766")
    covered = sections.points_covered(indicators)
    return rows, {"value": plain(value), "covered": covered, "points": int(parts["points"].sum())}


LAGGING_FIELDS = {
    "indicator": "id", "name": "name", "unit": "commune_code", "unit_name": "commune",
    "unit_of_measure": "unit", "value": "value", "rank": "rank", "of": "of",
}  # fmt: skip
"""The commune review's columns a lagging commune keeps, and their keys in the documents."""


def _lagging(lagging: pd.DataFrame) -> list[dict]:
    return _records(lagging, LAGGING_FIELDS) if len(lagging) else []


def _commendations(frame: pd.DataFrame) -> list[dict]:
    return [{"commune": commune, "reason": reason} for commune, reason in frame.itertuples(index=False)]


def _tasks(frame: pd.DataFrame) -> list[dict]:
    if frame.empty:
        return []
    table = frame.rename_axis("lead_unit").reset_index()
    return _records(table, {c: c for c in table.columns})


def wide_rows(table: pd.DataFrame) -> list[dict]:
    """One dict per unit (code, name, values by indicator id, the points its Decision 766
    score covers), in the table's order."""
    wide = table.pivot(index="unit", columns="indicator", values="value")
    names = dict(zip(table["unit"], table["unit_name"], strict=True))
    score = table[table["indicator"] == "score_766"]
    points = dict(zip(score["unit"], score["denominator"], strict=True))
    order = list(dict.fromkeys(table["unit"]))
    columns = list(wide.columns)
    rows = dict(zip(wide.index, wide.to_numpy(dtype=object), strict=True))
    return [
        {
            "code": u,
            "name": names[u],
            "values": {c: plain(v) for c, v in zip(columns, rows[u], strict=True)},
            "points": plain(points.get(u)),
        }
        for u in order
    ]


def _facts(params: Params, indicators: pd.DataFrame | None) -> list[dict]:
    frame = heading.facts(params, indicators)
    return [{"item": item, "detail": detail} for item, detail in frame.itertuples(index=False)]


# ---- the two entry points ---------------------------------------------------------------------


def document_data(
    params: Params,
    indicators: pd.DataFrame,
    peer_indicators: pd.DataFrame,
    *,
    tasks_by_lead: pd.DataFrame | None = None,
    commune_indicators: pd.DataFrame | None = None,
    lagging: pd.DataFrame | None = None,
    commendations: pd.DataFrame | None = None,
    shortcomings: list[str] | None = None,
    next_tasks: list[str] | None = None,
    official: dict | None = None,
) -> dict:
    """Everything the Word report and the Excel appendix of one review need, as plain JSON.

    `indicators` and `peer_indicators` are `sections.review_tables(params)`; a notebook
    that already holds the tasks by lead unit and the commune review passes them too, so
    nothing is computed twice (and so do the lagging communes, the commendations and the
    official index's part, `official.document_part`).
    """
    lang = params.lang
    tasks = sections.tasks_by_lead(params) if tasks_by_lead is None else tasks_by_lead
    communes = sections.commune_review(params) if commune_indicators is None else commune_indicators
    # a commune's own review has no communes below it to compare
    if lagging is None:
        lagging = findings.lagging_communes(communes) if len(communes) else communes
    commended = commendations
    if commended is None:
        commended = findings.commendations(communes, lang) if len(communes) else pd.DataFrame(columns=[0, 1])
    rows = indicator_rows(indicators)
    parts, score = _score(indicators, lang)
    official = _official(params) if official is None else official
    return {
        "kind": "review",
        "lang": lang,
        "unit": describe_unit(params.unit, lang),
        "period": describe_period(params.period, lang),
        "next_period": describe_period(params.period.next(), lang),
        "baseline": describe_period(params.baseline, lang),
        "against": against(params.baseline, lang),
        "results_lead": results_lead(params.period, params.baseline, lang, heading.baseline_gap(params)),
        "synthetic": storage.sample_info(params.data_dir) is not None,
        "indicators": rows,
        "results": results(rows, params.baseline, lang, official["sentence"]),
        "official": official,
        "score_parts": parts,
        "score": score,
        "tasks": _tasks(tasks),
        "lagging": _lagging(lagging),
        "commendations": _commendations(commended),
        "shortcomings": findings.shortcomings(indicators, lagging, lang)
        if shortcomings is None
        else shortcomings,
        "next_tasks": (
            findings.next_tasks(indicators, lagging, params.period, lang, overdue_leads(tasks))
            if next_tasks is None
            else next_tasks
        ),
        "definitions": provenance.definitions(list(indicators["indicator"]), lang),
        "facts": _facts(params, indicators),
        "peers": wide_rows(peer_indicators),
    }


def _official(params: Params) -> dict:
    """The official index's part of the documents, where the notebook did not pass it."""
    index = official_index.index(params)
    compared = official_index.beside(params) if len(index) else None
    units = {level: official_index.ranking(params, level) for level in official_index.LEVELS}
    return official_index.document_part(params, index, compared, official_index.snapshots(params), units)


def national_data(params: Params, provinces: pd.DataFrame) -> dict:
    """The national workbook's data: the 34 provinces side by side, with every indicator's
    definition. `provinces` is `helpers.report.overview.provinces_review(...)`."""
    lang = params.lang
    ids = list(dict.fromkeys(provinces["indicator"]))
    return {
        "kind": "national",
        "lang": lang,
        "period": describe_period(params.period, lang),
        "baseline": describe_period(params.baseline, lang),
        "synthetic": storage.sample_info(params.data_dir) is not None,
        "provinces": wide_rows(provinces),
        "definitions": provenance.definitions(ids, lang),
        "facts": _facts(params, None),
    }
