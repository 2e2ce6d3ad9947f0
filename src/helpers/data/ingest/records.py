"""Where each record of a CSV file starts, and whether each is of a size a row can be.

A record is one line, or several where a quoted value holds line breaks (Excel's Alt+Enter
writes them): the CSV reader reads those as part of the value, and a problem names the row
at the record's first line, as the user sees it in the file. The file is read once, in
blocks, with NumPy: a line break is a record's end when the quotes before it are even in
number (a value's own quotes are doubled, so they come in pairs). Where a quote stands
inside an unquoted value (`12" screen`), which CSV readers take as text, counting would
mislead: such a file is read record by record with Python's csv module instead.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers.core.errors import InputError
from helpers.data.ingest.limits import MAX_ROW_BYTES

_BLOCK = 1 << 22
_NL, _CR, _QUOTE = 10, 13, 34


@dataclass
class Records:
    """The non-empty records of a CSV file: the line each starts on (from 1) and, where the
    file was read by blocks, the byte range of each (`fields` reads one again)."""

    path: Path
    delimiter: str
    lines: np.ndarray
    starts: np.ndarray | None = None
    ends: np.ndarray | None = None
    counts: np.ndarray | None = None  # values per record, where read by the csv module
    quoted_breaks: bool = False

    def after(self, line: int) -> Records:
        """The records that start after line `line` (the header's)."""
        keep = self.lines > line
        starts, ends, counts = (None if a is None else a[keep] for a in (self.starts, self.ends, self.counts))
        return Records(self.path, self.delimiter, self.lines[keep], starts, ends, counts, self.quoted_breaks)

    def longest(self) -> int:
        """The longest record, in bytes (no value is longer)."""
        return int((self.ends - self.starts).max()) if self.starts is not None and len(self.starts) else 0

    def values(self, i: int) -> list[str]:
        """The values of record `i` (by the csv module)."""
        with open(self.path, "rb") as fh:
            fh.seek(int(self.starts[i]))
            raw = fh.read(int(self.ends[i] - self.starts[i]))
        text = raw.decode("utf-8-sig", errors="replace").rstrip("\r")
        csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
        return next(csv.reader([text], delimiter=self.delimiter), [])

    def fields(self, i: int) -> int:
        """How many values record `i` has (an empty one at the end counted)."""
        return int(self.counts[i]) if self.counts is not None else len(self.values(i))


def read_records(path: Path, delimiter: str) -> Records:
    """Every non-empty record of a CSV file. Raises TooLong for a record longer than a row
    may be, and an input error naming the row for a quote never closed."""
    scan = _Scan(path, ord(delimiter))
    if scan.stray_quotes:
        return _by_csv_module(path, delimiter)
    records = scan.records(delimiter)
    lengths = records.ends - records.starts
    over = np.flatnonzero(lengths > MAX_ROW_BYTES)
    if len(over):
        raise _too_long_row(records, int(over[0]), int(lengths[over[0]]))
    return records


class TooLong(ValueError):
    """A record longer than a row may be: where it starts, its size, and its longest value
    (the column by position from 0, and the value's length)."""

    def __init__(self, line: int, size: int, column: int, longest: int):
        self.line, self.size, self.column, self.longest = line, size, column, longest
        super().__init__(f"row {line}: {size:,} bytes")

    def reason(self) -> str:
        return (
            f"a row of {self.size:,} bytes, over the limit of {MAX_ROW_BYTES:,} for one row (its "
            f"longest value has {self.longest:,} characters)"
        )


def _too_long_row(records: Records, i: int, size: int) -> TooLong:
    values = records.values(i)
    column = max(range(len(values)), key=lambda c: len(values[c])) if values else 0
    return TooLong(int(records.lines[i]), size, column, len(values[column]) if values else size)


def _unclosed(path: Path, line: int) -> InputError:
    return InputError(
        f"{path}: row {line}: a quote opened there is never closed, so the rest of the file would "
        'be one value: close it, or double the quote ("") where it is part of a value'
    )


class _Scan:
    """One pass over a file's bytes: line breaks, and the quotes before each."""

    def __init__(self, path: Path, delimiter: int):
        self.path = path
        ends, parities, quotes, previous, offset = [], [], 0, _NL, 0
        self.stray_quotes = False
        with open(path, "rb") as fh:
            while block := fh.read(_BLOCK):
                data = np.frombuffer(block, dtype=np.uint8)
                at = np.flatnonzero(data == _QUOTE)
                if len(at) and not self.stray_quotes:
                    opening = at[(quotes & 1) :: 2]  # a quote that opens a value, if counting holds
                    before = data[np.maximum(opening - 1, 0)]
                    if len(opening) and opening[0] == 0:
                        before[0] = previous
                    starts_value = (before == delimiter) | (before == _NL)
                    if offset == 0 and len(opening) and opening[0] == 3 and block[:3] == b"\xef\xbb\xbf":
                        starts_value[0] = True  # after a byte order mark
                    self.stray_quotes = not starts_value.all()
                breaks = np.flatnonzero(data == _NL)
                ends.append(breaks + offset)
                parities.append((quotes + np.searchsorted(at, breaks)) & 1)
                quotes += len(at)
                previous, offset = int(data[-1]), offset + len(data)
        self.size = offset
        self.breaks = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
        self.inside = np.concatenate(parities).astype(bool) if parities else np.zeros(0, dtype=bool)
        self.open_at_end = bool(quotes & 1)

    def records(self, delimiter: str) -> Records:
        ends = self.breaks[~self.inside]
        starts = np.concatenate(([0], ends + 1))
        stops = np.concatenate((ends, [self.size]))
        lines = np.searchsorted(self.breaks, starts) + 1  # breaks before a record's start, plus one
        if self.open_at_end:
            raise _unclosed(self.path, int(lines[-1]))
        length = stops - starts
        empty = length == 0
        with open(self.path, "rb") as fh:
            for i in np.flatnonzero(length == 1):  # a line of a carriage return only: empty too
                fh.seek(int(starts[i]))
                empty[i] = fh.read(1) == b"\r"
        keep = ~empty
        return Records(
            self.path,
            delimiter,
            lines[keep].astype(np.int64),
            starts[keep],
            stops[keep],
            None,
            bool(self.inside.any()),
        )


def _by_csv_module(path: Path, delimiter: str) -> Records:
    """Records read one by one, for files where a quote stands inside an unquoted value."""
    lines, counts, quoted = [], [], False
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ROW_BYTES + 1))
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        done = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error:  # a value past the csv module's limit: past a row's
                raise TooLong(done + 1, MAX_ROW_BYTES + 1, 0, MAX_ROW_BYTES + 1) from None
            first, done = done + 1, reader.line_num
            quoted = quoted or done > first
            if values:
                size = sum(len(v.encode()) for v in values) + len(values) - 1
                if size > MAX_ROW_BYTES:
                    longest = max(range(len(values)), key=lambda c: len(values[c]))
                    raise TooLong(first, size, longest, len(values[longest]))
                lines.append(first)
                counts.append(len(values))
    return Records(path, delimiter, np.array(lines, dtype=np.int64), None, None, np.array(counts), quoted)
