"""The official Decision 766 index in the review's Excel appendix, in the style of its other
sheets (`helpers.report.workbook`): its total, groups and metrics as the portal publishes
them, with the recomputed scores and our estimate beside them; every snapshot of the period;
and the departments and communes ranked, each with its weakest group. Made from
`data["official"]` (`helpers.report.official.document_part`)."""

from __future__ import annotations

from datetime import date

from helpers.core.formatting import date_words
from helpers.core.text import text
from helpers.engine.official import GROUPS
from helpers.engine.official_tables import group_label
from helpers.report.workbook import Column, Table, _titles

FIGURES = [
    ("code", "xlsx_col_portal_code", "id"), ("name", "xlsx_col_official_part", "text"),
    ("group", "xlsx_col_official_group", "text"), ("points", "xlsx_col_points", "score"),
    ("score", "xlsx_col_official_score", "score"), ("numerator", "xlsx_col_numerator", "count"),
    ("denominator", "xlsx_col_denominator", "count"), ("ratio", "xlsx_col_ratio", "pct"),
    ("recomputed", "xlsx_col_recomputed", "score"), ("rank", "xlsx_col_rank", "int"),
    ("of", "xlsx_col_of", "int"), ("as_of", "xlsx_col_as_of", "label"),
    ("estimate", "xlsx_col_estimate", "score"), ("note", "xlsx_col_note", "text"),
]  # fmt: skip
"""The columns of the index's sheet: the total and groups, then each metric (field, header
text key, kind)."""

UNITS = [
    ("level", "xlsx_col_level", "label"), ("portal_code", "xlsx_col_portal_code", "code"),
    ("unit_name", "xlsx_col_unit_name", "text"), ("score", "xlsx_col_total", "score"),
    ("rank", "xlsx_col_rank", "int"), ("of", "xlsx_col_of", "int"),
    ("weakest_name", "xlsx_col_weakest", "text"), ("weakest_score", "xlsx_col_weakest_score", "score"),
    ("weakest_points", "xlsx_col_weakest_points", "score"), ("as_of", "xlsx_col_as_of", "label"),
]  # fmt: skip
"""The columns of the departments' and communes' sheet."""


def _day(value: str | None, lang: str) -> str | None:
    """A snapshot's date as the reader writes it (`30/09/2026`)."""
    return date_words(date.fromisoformat(value), lang) if value else None


def _table(data: dict, key: str, columns: list[tuple[str, str, str]], records: list[dict]) -> Table:
    lang = data["lang"]
    rows = [[_day(r.get(f), lang) if f == "as_of" else r.get(f) for f, _, _ in columns] for r in records]
    return Table(
        text(f"xlsx_sheet_{key}", lang),
        key,
        text(f"xlsx_title_{key}", lang, **_titles(data)),
        [Column(text(head, lang), kind) for _, head, kind in columns],
        rows,
    )


def official_tables(data: dict) -> list[Table]:
    """The index's sheet (always: empty where none is held), then the snapshots' and the
    ranked units' (where the source gives them)."""
    lang, official = data["lang"], data["official"]
    out = [_table(data, "official", FIGURES, official["groups"] + official["metrics"])]
    if official["snapshots"]:
        columns = [("as_of", "xlsx_col_as_of", "label"), ("total", "xlsx_col_total", "score")]
        columns += [(g, "", "score") for g in GROUPS[1:]]
        columns += [("rank", "xlsx_col_rank", "int"), ("of", "xlsx_col_of", "int")]
        table = _table(data, "official_snapshots", [(f, h or "xlsx_col_total", k) for f, h, k in columns],
                       official["snapshots"])  # fmt: skip
        for column, group in zip(table.columns[2:-2], GROUPS[1:], strict=True):
            column.header = text("xlsx_header_unit_score", lang, name=group_label(group, lang))
        out.append(table)
    if official["units"]:
        out.append(_table(data, "official_units", UNITS, official["units"]))
    return out
