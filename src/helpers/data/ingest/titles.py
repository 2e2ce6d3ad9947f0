"""Report dates where a file gives them: in the title lines above its header ("Tính đến
ngày 30/06/2026", "Tháng 6 năm 2026", "Quý II/2026", "Năm 2025"), in a sheet's name
("T6-2026"), in a task's deadline ("Quý III/2026"), or on the command line.

Text is compared folded (no case, diacritics or punctuation: "30/06/2026" is "30 06 2026"),
with the words of ingest_aliases.yml `report_dates` and `figures`. A date said as a total
to a day ("tính đến ngày ...") comes first, then a range ("từ ngày ... đến ngày ..."),
then a period (a month, a quarter, the first months of a year, a year). A date after
"ngày" alone is the day a report was signed: it dates nothing.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from helpers.core.reference import fold
from helpers.data.ingest import vocab

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NON_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class ReportDate:
    """A period of whole days the figures are of (`start`..`end`), or a day they are at
    (`start` == `end`); `to_date`: said as totals to that day; `written`: as the file says it."""

    start: date
    end: date
    to_date: bool
    written: str
    range: bool = False  # said from one day to another ("từ ngày ... đến ngày ...")

    @property
    def month(self) -> date:
        """The first day of the month the figures are at (the month of `end`)."""
        return date(self.end.year, self.end.month, 1)

    @property
    def one_month(self) -> bool:
        """A day, or a period within one month: what monthly figures can be of."""
        return (self.start.year, self.start.month) == (self.end.year, self.end.month)

    def same(self, other: ReportDate) -> bool:
        return (self.start, self.end) == (other.start, other.end)


def flat(text: object) -> str:
    """Text as compared: folded, lower case, words and numbers separated by single spaces."""
    return " ".join(_NON_WORD.sub(" ", fold(str(text)).lower()).split())


def _words(*keys: str) -> str:
    """A regex alternation of the folded words of `report_dates` (or `figures`) keys."""
    spec = vocab.aliases()
    words = set()
    for key in keys:
        group, name = key.split(".") if "." in key else ("report_dates", key)
        words |= {flat(w) for w in spec[group][name] if "…" not in w}
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    day, month, quarter, year = _words("day"), _words("month"), _words("quarter"), _words("year")
    when = rf"(?:{day} )?(\d{{1,2}}) (?:{month} )?(\d{{1,2}}) (?:{year} )?(\d{{4}})"
    period = (
        rf"(?:(\d{{1,2}}) {_words('first_months')} (\d{{4}})"
        rf"|{quarter} ?(i{{1,3}}|iv|[1-4]) (?:{year} )?(\d{{4}})"
        rf"|{month} ?(\d{{1,2}}) (?:{year} )?(\d{{4}})"
        rf"|{year} (\d{{4}}))"
    )
    to_date = _words("figures.to_date")
    return {
        "range": re.compile(rf"\b{_words('figures.range_from')} {when} (?:{to_date}|den|to) {when}\b"),
        "to_date": re.compile(rf"\b{to_date} (?:(?:{day} )?{when}|{period})\b"),
        "day": re.compile(rf"\b{when}\b"),
        "period": re.compile(rf"\b{period}\b"),
        "month_year": re.compile(r"^(?:(\d{1,2}) (\d{4})|(\d{4}) (\d{1,2}))$"),
        "month_only": re.compile(rf"^(?:{month}) ?(\d{{1,2}})$"),
        "year_only": re.compile(r"^(\d{4})$"),
        "before": re.compile(rf"^{_words('before')} "),
    }


def _day(d: str, m: str, y: str) -> date:
    return date(int(y), int(m), int(d))


def _period(groups: tuple, written: str, to_date: bool = False) -> ReportDate:
    """The period of the `period` pattern's groups: first months, quarter, month or year."""
    first_n, first_y, q, q_y, m, m_y, y = groups
    if first_n:
        start, end = date(int(first_y), 1, 1), _last_day(int(first_y), int(first_n))
    elif q:
        n = _ROMAN.get(q) or int(q)
        start, end = date(int(q_y), 3 * n - 2, 1), _last_day(int(q_y), 3 * n)
    elif m:
        start, end = date(int(m_y), int(m), 1), _last_day(int(m_y), int(m))
    else:
        start, end = date(int(y), 1, 1), date(int(y), 12, 31)
    return ReportDate(end if to_date else start, end, to_date, written)


def in_line(text: object) -> list[tuple[int, ReportDate]]:
    """The dates a title line gives, each with its rank (0: to a day, 1: a range, 2: a
    period); a date that does not exist (31/02) is not one."""
    pats, line = _patterns(), flat(text)
    written = str(text).strip()
    found: list[tuple[int, ReportDate]] = []

    def take(name: str, read) -> None:
        nonlocal line
        for m in list(pats[name].finditer(line)):
            with contextlib.suppress(ValueError):
                found.append(read(m.groups()))
            line = line.replace(m.group(0), " ", 1)

    take("range", lambda g: (1, ReportDate(_day(*g[:3]), _day(*g[3:]), False, written, True)))
    take("to_date", lambda g: (0, _to_day(g, written)))
    take("day", lambda g: (9, None))  # the day a report was signed: dates nothing
    take("period", lambda g: (2, _period(g, written)))
    return [(rank, d) for rank, d in found if d is not None]


def _to_day(groups: tuple, written: str) -> ReportDate:
    if groups[0]:
        day = _day(*groups[:3])
        return ReportDate(day, day, True, written)
    return _period(groups[3:], written, to_date=True)


class Conflict(ValueError):
    """Two different report dates where one is expected."""


def from_titles(lines: list[str]) -> ReportDate | None:
    """The report date of a file's title lines: the best ranked; two different dates of that
    rank are a conflict (`Conflict`, its message naming both)."""
    found = [item for line in lines if str(line).strip() for item in in_line(line)]
    if not found:
        return None
    best = min(rank for rank, _ in found)
    dates = [d for rank, d in found if rank == best]
    for other in dates[1:]:
        if not other.same(dates[0]):
            raise Conflict(f"two report dates in the title lines: {dates[0].written!r} and {other.written!r}")
    return dates[0]


def parse(text: object, year: int | None = None) -> ReportDate | None:
    """A date or period written on its own: a sheet's name ("T6-2026", "06.2026", "Quý
    II/2026"), an option (`--month 2026-06`), a deadline ("Trước 30/6/2026"). A month without
    its year ("Tháng 6") takes `year` when given."""
    pats, line = _patterns(), flat(text)
    written = str(text).strip()
    line = pats["before"].sub("", line)
    try:
        if (m := pats["day"].fullmatch(line)) or (m := pats["to_date"].fullmatch(line)):
            groups = m.groups()
            if len(groups) == 3:
                day = _day(*groups)
                return ReportDate(day, day, False, written)
            return _to_day(groups, written)
        if m := pats["period"].fullmatch(line):
            return _period(m.groups(), written)
        if m := pats["month_year"].fullmatch(line):
            month, year_ = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            return _period((None, None, None, None, month, year_, None), written)
        if m := pats["year_only"].fullmatch(line):
            return _period((None,) * 6 + (m.group(1),), written)
        if year is not None and (m := pats["month_only"].fullmatch(line)):
            return _period((None, None, None, None, m.group(1), str(year), None), written)
    except ValueError:
        return None
    return None
