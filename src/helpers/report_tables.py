"""Indicator tables as a reader gets them: aligned text, JSON, and display frames."""

from __future__ import annotations

import json
import math

import pandas as pd

from helpers.formatting import MISSING, format_change, format_value

_STATUS = {
    "vi": {
        "achieved": "Đạt",
        "not_achieved": "Chưa đạt",
        "no_target": "Không có chỉ tiêu",
        "no_data": "Không có số liệu",
    },
    "en": {
        "achieved": "achieved",
        "not_achieved": "not achieved",
        "no_target": "no target",
        "no_data": "no data",
    },
}
_HEAD = {
    "vi": ["Chỉ tiêu", "Giá trị", "Mục tiêu", "Đánh giá", "Kỳ gốc", "Thay đổi", "Xếp hạng"],
    "en": ["Indicator", "Value", "Target", "Status", "Baseline", "Change", "Rank"],
}


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


def display_frame(table: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The key-results table of a review: formatted strings in the reader's language."""
    rank = [
        MISSING if pd.isna(r) else f"{int(r)}/{int(o)}"
        for r, o in zip(table["rank"], table["of"], strict=True)
    ]
    return pd.DataFrame(
        {
            _HEAD[lang][0]: table["name"],
            _HEAD[lang][1]: [
                format_value(v, u, lang)
                for v, u in zip(table["value"], table["unit_of_measure"], strict=True)
            ],
            _HEAD[lang][2]: [
                format_value(v, u, lang)
                for v, u in zip(table["target"], table["unit_of_measure"], strict=True)
            ],
            _HEAD[lang][3]: table["status"].map(_STATUS[lang]),
            _HEAD[lang][4]: [
                format_value(v, u, lang)
                for v, u in zip(table["baseline_value"], table["unit_of_measure"], strict=True)
            ],
            _HEAD[lang][5]: [
                format_change(p if u == "pct" else v - b, u, lang)
                for p, v, b, u in zip(
                    table["change_pp"],
                    table["value"],
                    table["baseline_value"],
                    table["unit_of_measure"],
                    strict=True,
                )
            ],
            _HEAD[lang][6]: rank,
        }
    )


def to_text(table: pd.DataFrame, lang: str = "vi") -> str:
    """Aligned plain text, one block per unit, for the terminal."""
    blocks = []
    for (unit, unit_name), part in table.groupby(["unit", "unit_name"], sort=False):
        period, baseline = part["period"].iloc[0], part["baseline"].iloc[0]
        title = (
            f"{unit_name} ({unit}) — kỳ {period}, so với kỳ gốc {baseline}"
            if lang == "vi"
            else f"{unit_name} ({unit}) — period {period}, against baseline {baseline}"
        )
        blocks.append(title + "\n" + display_frame(part, lang).to_string(index=False))
    return "\n\n".join(blocks)
