"""The order of day and month in dates written with two numbers before the year.

Vietnamese exports write dd/mm/yyyy; a system or a spreadsheet set up in English may write
mm/dd/yyyy. A file is read in one order: the one the user gives (`--date-order dmy|mdy`),
else the one its data shows (a first number above 12 is a day: dd/mm; a second number above
12 is a day: mm/dd), else dd/mm, and the summary says which and why: a file whose every day
is 12 or less cannot tell, and is never read in an order chosen silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ORDERS = ("dmy", "mdy")
DEFAULT = "dmy"
FORMATS = {
    "dmy": ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d"),
    "mdy": ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%Y-%m-%d", "%Y/%m/%d"),
}
"""The text formats of a date read in each order (the year first is never ambiguous)."""
NAMES = {"dmy": "day/month/year", "mdy": "month/day/year"}

_TWO_NUMBERS_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{4}")


class OrderChanged(Exception):
    """Dates read in the default order turned out, later in the file, to be written in the
    other: the file is read again in that order."""

    def __init__(self, key: tuple, order: str, example: str | None):
        self.key, self.order, self.example = key, order, example
        super().__init__(f"{key}: dates are {order}")


@dataclass
class DayMonth:
    """The order of one file's (or sheet's) dates, and what told it."""

    given: str | None = None  # --date-order
    told: str | None = None  # what the data shows
    example: str | None = None  # a value that shows it
    ambiguous: bool = False  # some value could be read in either order
    read_by_default: bool = False  # some were read in the default order before the data told

    @property
    def order(self) -> str:
        return self.given or self.told or DEFAULT

    def formats(self) -> tuple[str, ...]:
        return FORMATS[self.order]

    def learn(self, texts) -> None:
        """Read what a column's distinct date texts show about the order (before reading them)."""
        shows = {"dmy": [], "mdy": []}
        ambiguous = False
        for text in texts:
            m = _TWO_NUMBERS_FIRST.fullmatch(text)
            if not m:
                continue
            first, second = int(m.group(1)), int(m.group(2))
            if first > 12 >= second:
                shows["dmy"].append(text)
            elif second > 12 >= first:
                shows["mdy"].append(text)
            elif first != second:
                ambiguous = True
        self.ambiguous = self.ambiguous or ambiguous
        if self.told is None and (shows["dmy"] or shows["mdy"]):
            self.told = max(ORDERS, key=lambda o: len(shows[o]))
            self.example = shows[self.told][0]  # the first in the file
        elif self.told is None and ambiguous and self.given is None:
            self.read_by_default = True

    def must_reread(self) -> bool:
        """Whether values were read in the default order before the data showed the other."""
        return self.given is None and self.read_by_default and self.order != DEFAULT

    def summary(self) -> dict | None:
        """What the summary says of the order (None where no date was written that way)."""
        if self.given:
            return {"order": self.given, "why": "given"}
        if self.told:
            return {"order": self.told, "why": "data", "example": self.example}
        if self.ambiguous:
            return {"order": DEFAULT, "why": "default"}
        return None


def describe(summary: dict) -> str:
    """One line of the ingest summary, in English."""
    name = NAMES[summary["order"]]
    if summary["why"] == "given":
        return f"dates read as {name}, as --date-order says"
    if summary["why"] == "data":
        return f"dates read as {name}: the data says so ({summary['example']!r})"
    return (
        f"dates read as {name}, the Vietnamese order, but the data cannot tell (no day is above 12): "
        "if this file writes month/day/year, ingest it again with --date-order mdy"
    )
