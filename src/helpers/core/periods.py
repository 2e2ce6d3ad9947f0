"""Periods: closed ranges of whole months, written as in DESIGN.md section 4.

`2024` (year), `2024-Q3` (quarter), `2024-07` (month), `2022..2023` (years),
`2022-01..2023-12` (months). Months are represented by their first day.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from helpers.core.errors import InputError

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

# the year before Project 06 (the Prime Minister's Decision 06 of January 2022)
DEFAULT_BASELINE = "2021"


def month_index(day: date) -> int:
    """Months since year 0: makes month arithmetic plain integer arithmetic."""
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> date:
    """The first day of the month `index` months after year 0."""
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """A closed range of whole months, from `start` to `end` (first days of the months)."""

    start: date
    end: date
    label: str

    @property
    def n_months(self) -> int:
        return month_index(self.end) - month_index(self.start) + 1

    def months(self) -> list[date]:
        """The first day of every month in the period, in order."""
        first = month_index(self.start)
        return [month_from_index(first + i) for i in range(self.n_months)]

    @property
    def end_day(self) -> date:
        """The last calendar day of the period (inclusive)."""
        nxt = month_from_index(month_index(self.end) + 1)
        return date.fromordinal(nxt.toordinal() - 1)

    def previous(self) -> Period:
        """The period of equal length just before this one."""
        n = self.n_months
        first = month_index(self.start) - n
        return from_months(month_from_index(first), month_from_index(first + n - 1))

    def next(self) -> Period:
        """The period of equal length just after this one (the next review's period)."""
        n = self.n_months
        first = month_index(self.end) + 1
        return from_months(month_from_index(first), month_from_index(first + n - 1))

    @property
    def kind(self) -> str:
        """`month`, `quarter`, `year`, `years` (whole years) or `range` (any other months):
        what the shortest syntax (`from_months`) and a reader's words are chosen by."""
        s, e = self.start, self.end
        if s == e:
            return "month"
        if s.month == 1 and e.month == 12:
            return "year" if s.year == e.year else "years"
        if s.year == e.year and s.month % 3 == 1 and e.month == s.month + 2:
            return "quarter"
        return "range"

    def __str__(self) -> str:
        return self.label


def _parse_single(text: str) -> tuple[date, date]:
    if m := _YEAR.match(text):
        y = int(m.group(1))
        return date(y, 1, 1), date(y, 12, 1)
    if m := _QUARTER.match(text):
        y, q = int(m.group(1)), int(m.group(2))
        return date(y, 3 * q - 2, 1), date(y, 3 * q, 1)
    if m := _MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise ValueError(f"month {mo:02d} does not exist")
        return date(y, mo, 1), date(y, mo, 1)
    raise ValueError("expected YYYY, YYYY-Qn or YYYY-MM")


def parse_period(text: str) -> Period:
    """Parse a period; a malformed one raises InputError naming what was expected. Full-width
    digits and letters (`２０２５`) are read as the ordinary ones (NFKC), so the period has
    one label, and one folder of reports, however it was typed."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    parts = raw.split("..")
    try:
        if len(parts) == 1:
            start, end = _parse_single(parts[0])
        elif len(parts) == 2:
            start, _ = _parse_single(parts[0])
            _, end = _parse_single(parts[1])
        else:
            raise ValueError("at most one '..'")
    except ValueError as exc:
        raise InputError(
            f"invalid period {raw!r}: {exc} (examples: 2024, 2024-Q3, 2024-07, 2022..2023, 2022-01..2023-12)"
        ) from None
    if end < start:
        raise InputError(f"invalid period {raw!r}: it ends before it starts")
    return Period(start, end, raw.upper() if "Q" in raw.upper() else raw)


def from_months(start: date, end: date) -> Period:
    """The period from month `start` to month `end`, labelled in the shortest syntax."""
    s, e = date(start.year, start.month, 1), date(end.year, end.month, 1)
    labels = {
        "month": f"{s:%Y-%m}",
        "quarter": f"{s.year}-Q{(s.month + 2) // 3}",
        "year": f"{s.year}",
        "years": f"{s.year}..{e.year}",
        "range": f"{s:%Y-%m}..{e:%Y-%m}",
    }
    return Period(s, e, labels[Period(s, e, "").kind])


def resolve_baseline(text: str | None, period: Period) -> Period:
    """The baseline of a review: a period, `previous`, or the default year 2021."""
    if text is None or str(text).strip() == "":
        return parse_period(DEFAULT_BASELINE)
    if str(text).strip().lower() == "previous":
        return period.previous()
    return parse_period(text)
