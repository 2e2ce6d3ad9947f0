"""Monthly figures or totals to a date: what a header, a title line or the user says, and
what ingest cannot tell (DESIGN.md section 5).

A header or title line marks its figures with the words of ingest_aliases.yml `figures`:
"lũy kế", "tính đến ngày", "tổng số … đã" for totals to a date, "trong tháng", "phát sinh"
for one month's figures ("từ ngày … đến ngày …" is a range: figures over it). A count
column of `identification` is read as:
1. what its own header marks; else
2. what the sheet's marked columns say, when they agree; else what the title lines say (a
   report date "tính đến ngày ..." is a total to that day); else `--figures`; else
3. undecided: read as monthly for now, and decided when the whole run has been read
   (`Undecided`): monthly where some commune's figure falls from one month to its next
   (totals never fall), or where the rows carry their own month column and no commune
   appears in two months (one month of a monthly table, as before); otherwise the figures
   could be either (they only grow month after month, or the file is one report at a date
   with nothing to say which), and ingest asks for `--figures to-date` or `--figures
   monthly` rather than guess.
`services` counts are levels (facilities, beneficiaries, records), the same either way: a
to-date marker only dates them; a column marked as one month's figures is not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa

from helpers.core.errors import Problem
from helpers.data.ingest import values
from helpers.data.ingest.titles import flat

MONTHLY, TO_DATE, YEAR_TO_DATE = "monthly", "to_date", "year_to_date"
CHOICES = {"monthly": MONTHLY, "to-date": TO_DATE}
"""The values of `--figures` and what they mean."""


@lru_cache(maxsize=1)
def _markers() -> tuple[tuple[str, re.Pattern], ...]:
    """(kind, pattern) in the order they are tried: a range and year-to-date first."""
    from helpers.data.ingest import vocab

    spec = vocab.aliases()["figures"]

    def pattern(words: list[str]) -> re.Pattern:
        alternatives = [r"\s(?:\S+\s)*?".join(re.escape(flat(p)) for p in w.split("…")) for w in words]
        return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")

    range_from = "|".join(re.escape(flat(w)) for w in spec["range_from"])
    return (
        (YEAR_TO_DATE, pattern(spec["year_to_date"])),
        (MONTHLY, re.compile(rf"\b(?:{range_from})\b.*\b(?:den|to)\b")),
        (TO_DATE, pattern(spec["to_date"])),
        (MONTHLY, pattern(spec["monthly"])),
    )


def marker(text: object) -> str | None:
    """What a header or title line says its figures are: MONTHLY, TO_DATE, YEAR_TO_DATE or
    None (nothing). Parenthesised words count: "Số thẻ CCCD đã cấp (lũy kế)"."""
    folded = flat(text)
    if not folded:
        return None
    for kind, found in _markers():
        if found.search(folded):
            return kind
    return None


def title_marker(lines: list) -> str | None:
    """What the title lines say, when they agree."""
    kinds = {marker(line) for line in lines} - {None}
    return kinds.pop() if len(kinds) == 1 else None


@dataclass
class Undecided:
    """Identification counts no header, title or option marks, read as monthly for now: per
    file, the rows' unmarked figures by series and month, to decide once the run is read."""

    files: dict[str, dict] = field(default_factory=dict)

    def add(self, file: str, frame: pd.DataFrame, columns: list[str], own_month: bool, headers: list) -> None:
        """Remember the unmarked `columns` of a monthly frame (canonical columns, one row per
        series and month; `headers`: theirs, as the file writes them)."""
        seen = self.files.setdefault(file, {"parts": [], "own_month": True, "columns": set()})
        seen["own_month"] &= own_month
        seen["columns"] |= set(headers)
        province = frame["province_code"] + "-" + frame["legacy_province_code"].fillna("")
        series = frame["commune_code"].fillna(province) if "commune_code" in frame else province
        part = frame[columns].astype("Float64")
        part = part.assign(series=series.to_numpy(), month=frame["month"].to_numpy())
        seen["parts"].append(part)

    def problems(self, table: str) -> list[Problem]:
        """One problem per file whose figures could be either (see the module's doc)."""
        out = []
        for file, seen in self.files.items():
            if _decided(pd.concat(seen["parts"], ignore_index=True), seen["own_month"]):
                continue
            headers = ", ".join(sorted(seen["columns"]))
            out.append(
                Problem(
                    table,
                    headers,
                    None,
                    None,
                    "the figures could be monthly or totals to a date: no header or title line says "
                    "('lũy kế', 'tính đến ngày ...' or 'trong tháng') and the numbers do not tell (they "
                    "never fall from one month to the next, as totals do, or the file is one report at "
                    "one date): say which with --figures to-date or --figures monthly",
                    file=file,
                )
            )
        return out


def _decided(rows: pd.DataFrame, own_month: bool) -> bool:
    """Whether unmarked figures are monthly beyond doubt: some series falls from one of its
    months to the next, or (rows dated by their own month column) no series has two months."""
    columns = [c for c in rows.columns if c not in ("series", "month")]
    rows = rows.groupby(["series", "month"], sort=True)[columns].sum(min_count=1).reset_index()
    same = rows["series"].to_numpy()[1:] == rows["series"].to_numpy()[:-1]
    if not same.any():
        return own_month
    values = rows[columns].to_numpy(dtype=float, na_value=np.nan)
    falls = (values[1:] < values[:-1]) & same[:, None]
    return bool(falls.any())


def read_shares(cells) -> values.Read:
    """Shares in percent ("81,2%", 81.2), or a column of fractions (every value a number of at
    most 1, none written with %: 0.812)."""
    texts = cells.to_pylist() if isinstance(cells, pa.Array | pa.ChunkedArray) else list(cells)
    filled = [v for v in texts if not values.blank(v)]
    numbers = []
    for v in filled:
        try:
            number = v if isinstance(v, int | float) else str(v).strip().replace(",", ".")
            numbers.append(float(number))
        except ValueError:
            numbers = None
            break
    fractions = bool(numbers) and max(numbers) <= 1 and not any("%" in str(v) for v in filled)
    as_text = np.array([v if values.blank(v) else str(v) for v in texts], dtype=object)
    read = values.read_pcts(as_text)
    if fractions:
        read.values = read.values * 100
    return read
