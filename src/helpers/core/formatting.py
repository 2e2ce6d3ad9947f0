"""Numbers as readers of each language write them: `584.405` and `81,2%` in Vietnamese,
`584,405` and `81.2%` in English. Missing values show as a dash."""

from __future__ import annotations

import math

from helpers.core.text import text

MISSING = "–"


def format_number(value: float | int | None, lang: str = "vi", decimals: int = 0) -> str:
    """A number with thousands separators and a decimal mark in the reader's language."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return text


def format_value(value: float | None, unit: str, lang: str = "vi") -> str:
    """An indicator value in its unit: percentages with one decimal and %, counts whole."""
    if unit == "pct":
        text = format_number(value, lang, 1)
        return text if text == MISSING else f"{text}%"
    if unit == "score":
        return format_number(value, lang, 1)
    return format_number(value, lang, 0)


def format_change(value: float | None, unit: str, lang: str = "vi") -> str:
    """A signed change: percentage points for percentages (`+36,85 điểm %`), else plain."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    sign = "+" if value > 0 else ""
    if unit == "pct":
        return sign + text("change_pp", lang, value=format_number(value, lang, 2))
    return f"{sign}{format_number(value, lang, 1 if unit == 'score' else 0)}"
