"""Numbers, periods and dates as readers of each language write them: `584.405`, `81,20%`,
`năm 2025`, `quý III/2025` in Vietnamese; `584,405`, `81.20%`, `2025`, `Q3 2025` in
English. The one home of the decimal mark, of each kind of figure's precision and of the
wording of periods: pages, notebooks, Word and Excel all write them through here. Missing
values show as a dash."""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

from helpers.core.periods import Period, from_months
from helpers.core.text import text

MISSING = "–"

DECIMALS = {"pct": 2, "score": 2, "count": 0}
"""One precision per kind of figure, in every output: percentages and percentage points
with two decimals (`48,85%`, `36,85 điểm phần trăm`), scores with two (`62,18 điểm`, as
the portal publishes them), counts whole. The Excel appendix's number formats match."""

ROMAN = ("I", "II", "III", "IV")
PERIOD_FORMS = ("label", "phrase", "within")
"""How a period is written: `label` names it (`năm 2025`, `2025`), `phrase` follows a noun
(`Kết quả năm 2025`, `Results in 2025`), `within` says when something is to be done
(`trong năm 2026`, `in 2026`)."""


def decimal_mark(lang: str) -> str:
    return "," if lang == "vi" else "."


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float | int | None, lang: str = "vi", decimals: int = 0) -> str:
    """A number with thousands separators and a decimal mark in the reader's language."""
    if _missing(value):
        return MISSING
    out = f"{value:,.{decimals}f}"
    if lang == "vi":
        out = out.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return out


def format_value(value: float | None, unit: str, lang: str = "vi") -> str:
    """An indicator value in its unit and its kind's precision: `48,85%`, `62,18`, `584.405`."""
    out = format_number(value, lang, DECIMALS.get(unit, 0))
    return f"{out}%" if unit == "pct" and out != MISSING else out


def format_target(value: float | None, unit: str, lang: str = "vi") -> str:
    """A target as the document that sets it writes it: `100%`, `80%`, `62,5%` (targets are
    set numbers, not measured ones: no trailing zeros)."""
    if _missing(value):
        return MISSING
    out = format_number(value, lang, DECIMALS.get(unit, 0))
    mark = decimal_mark(lang)
    if mark in out:
        out = out.rstrip("0").rstrip(mark)
    return f"{out}%" if unit == "pct" else out


def format_change(value: float | None, unit: str, lang: str = "vi", words: bool = False) -> str:
    """A signed change: percentage points for percentages (`+36,85 điểm %` in a table cell,
    `+36,85 điểm phần trăm` with `words`, in a sentence), else in the indicator's unit."""
    if _missing(value):
        return MISSING
    sign = "+" if value > 0 else ""
    if unit == "pct":
        key = "change_pp_words" if words else "change_pp"
        return sign + text(key, lang, value=format_number(value, lang, DECIMALS["pct"]))
    return f"{sign}{format_number(value, lang, DECIMALS.get(unit, 0))}"


def in_sentence(name: str, lang: str) -> str:
    """An indicator's name inside a Vietnamese sentence, in sentence case (`tỷ lệ hồ sơ ...`,
    `số thẻ CCCD ...`); a first word in capitals (an abbreviation: `TTHC`, `CCCD`) keeps them.
    English sentences quote names as they are."""
    if lang != "vi" or not name:
        return name
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return name
    return name[0].lower() + name[1:]


# ---- periods and dates ---------------------------------------------------------------------


def month_name(month: int, lang: str) -> str:
    return text("month_names", lang).split()[month - 1]


def period_words(period: Period, lang: str, form: str = "label") -> str:
    """A period as each language writes it: `năm 2025`, `quý III/2025`, `tháng 03/2024`,
    `giai đoạn 2022 – 2023`, `từ tháng 02/2024 đến tháng 06/2024`; `2025`, `Q3 2025`,
    `March 2024`, `2022–2023`, `February 2024 to June 2024` (see PERIOD_FORMS)."""
    if form not in PERIOD_FORMS:
        raise ValueError(f"unknown period form {form!r}")
    s, e = period.start, period.end
    quarter = (s.month + 2) // 3
    return text(
        f"period_{period.kind}_{form}",
        lang,
        month=s.month,
        year=s.year,
        first=s.year,
        last=e.year,
        quarter=quarter,
        roman=ROMAN[quarter - 1],
        month_name=month_name(s.month, lang),
        start_month=s.month,
        start_year=s.year,
        end_month=e.month,
        end_year=e.year,
        start_name=month_name(s.month, lang),
        end_name=month_name(e.month, lang),
    )


@lru_cache(maxsize=512)
def month_words(day: date, lang: str) -> str:
    """A month as a sentence names it: `tháng 03/2024`, `March 2024` (a note of every unit
    of a table may name the same month)."""
    month = date(day.year, day.month, 1)
    return period_words(from_months(month, month), lang)


def months_words(first: date, last: date, lang: str) -> str:
    """The months from `first` to `last`, in the reader's words."""
    return period_words(from_months(first, last), lang)


def month_short(day: date, lang: str) -> str:
    """A month under a chart's axis: `03/2024`, `Mar 2024`."""
    return text("month_short", lang, month=day.month, year=day.year, abbr=month_name(day.month, lang)[:3])


def date_words(day: date, lang: str) -> str:
    """A date as the documents write it: `31/12/2023`, `31 December 2023`."""
    return text(
        "date_words",
        lang,
        day=day.day,
        month=day.month,
        year=day.year,
        month_name=month_name(day.month, lang),
    )
