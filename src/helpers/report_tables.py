"""Indicator tables as a reader gets them: aligned text, JSON, and display frames.
Headers and statuses come from report_text.yml in the reader's language."""

from __future__ import annotations

import json
import math

import pandas as pd

from helpers.formatting import MISSING, format_change, format_value
from helpers.report import text

STATUSES = ("achieved", "not_achieved", "no_target", "no_data")
_COLUMNS = (
    "col_indicator",
    "col_value",
    "col_target",
    "col_status",
    "col_baseline",
    "col_change",
    "col_rank",
)


def _plain(value):
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def to_json(table: pd.DataFrame) -> str:
    """One JSON array of objects, one per unit and indicator; missing values are null."""
    records = [{k: _plain(v) for k, v in row.items()} for row in table.to_dict("records")]
    return json.dumps(records, ensure_ascii=False, indent=1)


def headers(lang: str) -> list[str]:
    return [text(c, lang) for c in _COLUMNS]


def numeric_headers(lang: str) -> list[str]:
    """The columns of `display_frame` that hold numbers (aligned right)."""
    h = headers(lang)
    return [h[1], h[2], h[4], h[5], h[6]]


def status_label(status: str, lang: str) -> str:
    return text(f"status_{status}", lang)


def display_frame(table: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The key-results table of a review: formatted strings in the reader's language."""
    units = table["unit_of_measure"]
    rank = [
        MISSING if pd.isna(r) else f"{int(r)}/{int(o)}"
        for r, o in zip(table["rank"], table["of"], strict=True)
    ]
    change = [
        format_change(p if u == "pct" else v - b, u, lang)
        for p, v, b, u in zip(table["change_pp"], table["value"], table["baseline_value"], units, strict=True)
    ]
    columns = [
        table["name"],
        [format_value(v, u, lang) for v, u in zip(table["value"], units, strict=True)],
        [format_value(v, u, lang) for v, u in zip(table["target"], units, strict=True)],
        [status_label(s, lang) for s in table["status"]],
        [format_value(v, u, lang) for v, u in zip(table["baseline_value"], units, strict=True)],
        change,
        rank,
    ]
    return pd.DataFrame({h: list(c) for h, c in zip(headers(lang), columns, strict=True)})


def to_text(table: pd.DataFrame, lang: str = "vi") -> str:
    """Aligned plain text, one block per unit, for the terminal."""
    blocks = []
    for (unit, unit_name), part in table.groupby(["unit", "unit_name"], sort=False):
        title = text(
            "title_terminal",
            lang,
            unit_name=unit_name,
            unit=unit,
            period=part["period"].iloc[0],
            baseline=part["baseline"].iloc[0],
        )
        blocks.append(title + "\n" + display_frame(part, lang).to_string(index=False))
    return "\n\n".join(blocks)
