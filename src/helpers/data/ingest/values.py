"""Values as people type them, read a whole column at a time.

A column arrives as an Arrow string array (CSV) or a NumPy array of cell values
(spreadsheets: str, float, bool, date, datetime). Each DISTINCT value is read once and
the result spread back over the rows, so a million rows of a few hundred dates cost a
few hundred readings; dates are read format by format over the distinct values at once.
The scalar readers (`parse_*`) say what is accepted; `Bad` carries the reason a user sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.data.ingest import vocab
from helpers.data.ingest.dayorder import DayMonth
from helpers.data.ingest.vocab import norm

EXCEL_EPOCH = date(1899, 12, 30)
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d")
_SERIAL = re.compile(r"\d{5}(\.\d+)?")
_TIME = r"[ T].*$"
_THOUSANDS = re.compile(r"\d{1,3}([.,  ]\d{3})+")


class Bad(ValueError):
    """A value that cannot be read; its message is the reason shown to the user."""


def blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value).strip() == ""


# ---- one value ----------------------------------------------------------------------------


def parse_date(value: object) -> date:
    """dd/mm/yyyy (with or without a time), yyyy-mm-dd, Excel dates and serial numbers."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = str(value).strip()
    if _SERIAL.fullmatch(text):
        return _serial(float(text))
    text = text.split(" ")[0].split("T")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise Bad("not a date: expected dd/mm/yyyy, yyyy-mm-dd or an Excel date")


def _serial(number: float) -> date:
    if not 20_000 <= number <= 80_000:
        raise Bad("not a date: a number that is not a plausible Excel date")
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_month(value: object) -> date:
    """The first day of the month of a date, `mm/yyyy`, `yyyy-mm` or `Tháng 3/2024`."""
    text = norm(value) if isinstance(value, str) else ""
    for word in vocab.month_words():
        text = text[len(word) + 1 :] if text.startswith(word + " ") else text
    if m := re.fullmatch(r"(\d{1,2}) (\d{4})", text):
        month, year = int(m.group(1)), int(m.group(2))
    elif m := re.fullmatch(r"(\d{4}) (\d{1,2})", text):
        year, month = int(m.group(1)), int(m.group(2))
    else:
        day = parse_date(value)
        return date(day.year, day.month, 1)
    if not 1 <= month <= 12:
        raise Bad("not a month")
    return date(year, month, 1)


def parse_bool(value: object) -> bool:
    """Có/Không, x/blank, 1/0, TRUE/FALSE, and "Đã ..."/"Chưa ..." (Đã thanh toán)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = "" if blank(value) else norm(value)
    words, yes, no = vocab.truth()
    if key in words:
        return words[key]
    if key.startswith(yes):
        return True
    if key.startswith(no):
        return False
    raise Bad("not yes or no: expected Có/Không, x/blank, 1/0 or TRUE/FALSE")


def parse_count(value: object) -> int:
    """A whole number, with `.`, `,` or spaces as thousands separators."""
    if isinstance(value, bool):
        raise Bad("not a count")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise Bad("not a whole number")
    text = str(value).strip().replace("\u00a0", " ")
    if _THOUSANDS.fullmatch(text):
        return int(re.sub(r"[.,  ]", "", text))
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise Bad("not a whole number (thousands may be separated by . or ,)")


def parse_pct(value: object) -> float:
    """A percentage 0-100, with or without %, decimal comma or point; an Excel number of
    at most 1 (a cell formatted as %) is read as a fraction."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) * 100 if isinstance(value, float) and value <= 1 else float(value)
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        pct = float(text)
    except ValueError:
        raise Bad("not a percentage") from None
    if not 0 <= pct <= 100:
        raise Bad("a percentage must be between 0 and 100")
    return pct


def parse_group(value: object) -> int:
    """A Project 06 task group: 1 to 5, also `Nhóm 2` or roman `II`."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    words, numerals = vocab.group_words()
    text = norm(value)
    for word in words:
        text = text[len(word) + 1 :] if text.startswith(word + " ") else text
    if text in numerals:
        return numerals[text]
    try:
        number = parse_count(text)
    except Bad:
        number = 0
    if not 1 <= number <= 5:
        raise Bad("not a Project 06 group: expected 1 to 5")
    return number


def parse_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def enum_parser(name: str):
    """A reader of one enum column, its vocabulary built once."""
    words = vocab.vocabulary(name)

    def parse(value: object) -> str:
        key = norm(value)
        if key in words:
            return words[key]
        raise Bad(f"not one of {vocab.accepted(name)}")

    return parse


# ---- a whole column --------------------------------------------------------------------------


@dataclass
class Distinct:
    """A column as codes into its distinct values (-1: empty cell)."""

    codes: np.ndarray
    uniques: list

    @classmethod
    def of(cls, values) -> Distinct:
        if isinstance(values, pa.Array | pa.ChunkedArray):
            encoded = pc.dictionary_encode(values)
            if isinstance(encoded, pa.ChunkedArray):
                encoded = encoded.combine_chunks()
            codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
            return cls(codes, encoded.dictionary.to_pylist())
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        return cls(codes.astype(np.int64), list(uniques))

    def spread(self, per_unique, dtype, empty=None) -> object:
        """Per-unique results (a list, or an array one longer: its last item for empty
        cells) spread over the rows; `empty` for empty cells. Text comes back in pandas'
        Arrow-backed string type."""
        if isinstance(per_unique, list):
            per_unique = per_unique + [empty]
        if dtype is str:
            codes = np.where(self.codes < 0, len(per_unique) - 1, self.codes)
            return pd.array(pa.array(per_unique, type=pa.string()).take(pa.array(codes)), dtype="str")
        if dtype in ("boolean", "Int64", "Float64"):
            return pd.array(per_unique, dtype=dtype)[self.codes]
        return np.asarray(per_unique, dtype=dtype)[self.codes]


def as_text(values: np.ndarray):
    """An object array of text (None where missing) in pandas' Arrow-backed string type,
    each distinct value converted once."""
    codes, uniques = pd.factorize(values)
    return Distinct(codes.astype(np.int64), list(uniques)).spread(list(uniques), str)


@dataclass
class Read:
    """A column read: typed values per row, and for the rows that could not be read, the
    value as written and why."""

    values: object
    distinct: Distinct | None = None
    reasons: list | None = None  # per distinct value: None or why it cannot be read
    written: object = None  # the cells as written, where the distinct values were cleaned

    def bad(self) -> np.ndarray:
        if self.reasons is None or not any(self.reasons):
            return np.zeros(len(self.values), dtype=bool)
        flags = np.array([r is not None for r in self.reasons] + [False])
        return flags[self.distinct.codes]

    def problems(self, rows: np.ndarray) -> list[tuple[int, object, str]]:
        """(row number, value, reason) for every row that could not be read."""
        if self.reasons is None or not any(self.reasons):
            return []
        codes = self.distinct.codes
        where = np.flatnonzero(self.bad())
        if self.written is not None:
            shown = self.written.take(pa.array(where)).to_pylist()
        else:
            shown = [self.distinct.uniques[codes[i]] for i in where]
        return [(int(rows[i]), value, self.reasons[codes[i]]) for i, value in zip(where, shown, strict=True)]


def read_distinct(values, parse, dtype: str, empty=None) -> Read:
    """Read each distinct value once with `parse`; a blank cell is `empty`."""
    d = Distinct.of(values)
    out, reasons = [], []
    for value in d.uniques:
        if blank(value):
            out.append(empty)
            reasons.append(None)
            continue
        try:
            out.append(parse(value))
            reasons.append(None)
        except Bad as exc:
            out.append(None)
            reasons.append(str(exc))
    return Read(d.spread(out, dtype, empty), d, reasons)


def trimmed(values):
    """Text cells without surrounding spaces (Arrow: whole column at once)."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return pc.utf8_trim_whitespace(values)
    return values


def read_dates(values, order: DayMonth | None = None) -> Read:
    """Dates: the time of day dropped, then each distinct value read format by format; two
    numbers before the year read in the file's `order` of day and month (which learns from
    the values what it can)."""
    written = None
    if isinstance(values, pa.Array | pa.ChunkedArray):
        written = pc.utf8_trim_whitespace(values)
        longest = pc.max(pc.utf8_length(written)).as_py() or 0
        values = pc.replace_substring_regex(written, _TIME, "") if longest > 10 else written
    d = Distinct.of(values)
    result = np.full(len(d.uniques) + 1, np.datetime64("NaT"), dtype="datetime64[ms]")
    reasons: list = [None] * len(d.uniques)
    texts = {}
    for i, value in enumerate(d.uniques):
        if blank(value):
            continue
        if isinstance(value, str):
            text = value.strip().split(" ")[0].split("T")[0]
            if not _SERIAL.fullmatch(text):
                texts[i] = text
                continue
        try:
            result[i] = np.datetime64(parse_date(value), "ms")
        except Bad as exc:
            reasons[i] = str(exc)
    todo = pd.Series(texts, dtype=object)
    order = order or DayMonth()
    order.learn(texts.values())
    for pattern in order.formats():
        if todo.empty:
            break
        parsed = pd.to_datetime(todo, format=pattern, errors="coerce")
        ok = parsed.notna()
        result[todo.index[ok].to_numpy()] = parsed[ok].to_numpy().astype("datetime64[ms]")
        todo = todo[~ok]
    expected = "dd/mm/yyyy" if order.order == "dmy" else "mm/dd/yyyy (the file's order)"
    for i in todo.index:
        reasons[i] = f"not a date: expected {expected}, yyyy-mm-dd or an Excel date"
    return Read(d.spread(result, "datetime64[ms]"), d, reasons, written)


def read_months(values) -> Read:
    return read_distinct(values, parse_month, "datetime64[ms]")


def read_bools(values) -> Read:
    """Yes/no; a blank cell in a yes/no column is no (the x/blank convention)."""
    return read_distinct(values, parse_bool, "boolean", empty=False)


def read_counts(values) -> Read:
    return read_distinct(values, parse_count, "Int64")


def read_groups(values) -> Read:
    return read_distinct(values, parse_group, "Int64")


def read_pcts(values) -> Read:
    return read_distinct(values, parse_pct, "Float64")


def read_enums(values, name: str) -> Read:
    return read_distinct(values, enum_parser(name), str)


def read_text(values) -> Read:
    """Text and codes as written, without surrounding spaces; blank is missing."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        text = pc.utf8_trim_whitespace(values)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        return Read(pd.array(text, dtype="str"))
    return read_text(text_of_cells(values))


def text_of_cells(values: np.ndarray) -> pa.Array:
    """Spreadsheet cells as text: text cells as they are (whole column at once), numbers
    and other cells one by one (whole numbers without `.0`)."""
    is_text = np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values))
    out = np.empty(len(values), dtype=object)
    out[is_text] = values[is_text]
    out[~is_text] = [None if blank(v) else parse_text(v) for v in values[~is_text]]
    return pa.array(out, type=pa.string())


READERS = {
    "date": read_dates,
    "month": read_months,
    "bool": read_bools,
    "count": read_counts,
    "group": read_groups,
    "id": read_text,
    "code": read_text,
    "text": read_text,
}
"""The reader of each column kind (enums, places and percentages are read apart)."""
