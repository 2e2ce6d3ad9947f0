"""Reading exports: CSV through DuckDB, spreadsheets (.xlsx, .xls, .ods) through calamine.

A file gives one source per sheet that has a header row (title and date lines above the
header are skipped); each source yields chunks of rows as columns: Arrow string arrays
for CSV (every value read as text), NumPy arrays of cell values for spreadsheets (text,
numbers, booleans, dates). Row numbers are those the user sees: the spreadsheet's row,
or the CSV file's line (one record a line; empty lines counted).
"""

from __future__ import annotations

import csv
import itertools
import mmap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.ingest import vocab
from helpers.data.ingest.headers import HEADER_SEARCH_ROWS, find_header

CHUNK_ROWS = 250_000
ALL_SHEETS = "all"
"""`--sheet all`: every sheet with a header row (one per month, say), as without --sheet."""
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
SUFFIXES = (".csv", *SPREADSHEETS)
_HEAD_BYTES = 1 << 18


@dataclass
class Chunk:
    rows: np.ndarray  # row numbers as the user sees them
    columns: list  # one per header cell: an Arrow string array or a NumPy object array


@dataclass
class Source:
    file: Path
    sheet: str | None
    header_row: int
    header: list
    _chunks: object
    titles: list = field(default_factory=list)  # the rows above the header (title and date lines)

    def chunks(self) -> Iterator[Chunk]:
        return self._chunks()


def files(paths) -> list[Path]:
    """The files named: a folder means every export in it (.csv, .xlsx, .xls, .ods), sorted."""
    out: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$"))
            )
            if not found:
                raise InputError(f"{path}: no .csv, .xlsx, .xls or .ods files in this folder")
            out += found
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise InputError(
                    f"{path}: unsupported file type {path.suffix!r}: expected .csv, .xlsx, .xls or .ods"
                )
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    unique = {p.resolve(): p for p in reversed(out)}
    return [p for p in out if unique.get(p.resolve()) is p]


def sources(path: Path, table: str, sheet: str | None = None, chunk_rows: int = CHUNK_ROWS) -> list[Source]:
    """The sources of one file: its sheets with a header row for `table` (or the one asked)."""
    if path.suffix.lower() == ".csv":
        return [_csv(path, table, chunk_rows)]
    return _spreadsheet(path, table, sheet, chunk_rows)


def _no_header(where: str, table: str) -> InputError:
    examples = ", ".join(spec["vi"][0] for spec in list(vocab.column_specs(table).values())[:5])
    return InputError(
        f"{where}: no header row found in the first {HEADER_SEARCH_ROWS} rows for table {table} "
        f"(expected headers such as {examples})"
    )


# ---- CSV ---------------------------------------------------------------------------------------


def _not_utf8(path: Path) -> InputError:
    return InputError(f"{path}: not UTF-8 text: save the CSV as UTF-8 (with or without BOM)")


def _csv(path: Path, table: str, chunk_rows: int) -> Source:
    with open(path, "rb") as fh:
        head = fh.read(_HEAD_BYTES)
    complete = len(head) < _HEAD_BYTES
    if not complete:
        head = head[: head.rfind(b"\n") + 1]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    lines = text.split("\n")[: HEADER_SEARCH_ROWS + 1]
    filled = [line for line in lines if line.strip()]
    delimiter = ";" if sum(x.count(";") for x in filled) > sum(x.count(",") for x in filled) else ","
    rows = [next(csv.reader([line.rstrip("\r")], delimiter=delimiter), []) for line in lines]
    index = find_header(rows, table)
    if index is None:
        raise _no_header(str(path), table)
    header = rows[index]

    def chunks() -> Iterator[Chunk]:
        yield from _csv_chunks(path, delimiter, index + 1, len(header), chunk_rows)

    return Source(path, None, index + 1, header, chunks, rows[:index])


def _csv_chunks(path: Path, delimiter: str, skip: int, width: int, chunk_rows: int) -> Iterator[Chunk]:
    import duckdb

    lines = _record_lines(path, skip + 1)
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    query = (
        f"SELECT * FROM read_csv($path, delim=$delim, quote='\"', escape='\"', header=false, "
        f"skip={skip}, auto_detect=false, all_varchar=true, null_padding=true, strict_mode=false, "
        f"columns={{{columns}}})"
    )
    con = storage.connect()
    try:
        reader = con.sql(query, params={"path": str(path), "delim": delimiter}).to_arrow_reader(chunk_rows)
        start = 0
        for table in _gathered(reader, chunk_rows):
            n = table.num_rows
            if lines is None:
                rows = np.arange(skip + 1 + start, skip + 1 + start + n, dtype=np.int64)
            else:
                rows = lines[start : start + n]
            start += n
            yield Chunk(rows, [column.combine_chunks() for column in table.columns])
    except duckdb.Error as exc:
        message = str(exc)
        if "unicode" in message.lower() or "utf" in message.lower():
            raise _not_utf8(path) from None
        raise InputError(f"{path}: cannot be read as CSV: {message.splitlines()[0]}") from None
    finally:
        con.close()


def _gathered(reader, rows: int) -> Iterator[pa.Table]:
    """Record batches gathered into tables of about `rows` rows."""
    batches, count = [], 0
    for batch in reader:
        batches.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(batches)
            batches, count = [], 0
    if batches:
        yield pa.Table.from_batches(batches)


def _record_lines(path: Path, first: int) -> np.ndarray | None:
    """The line numbers (from 1) of the non-empty lines from line `first` on, where the
    file has empty lines (CSV readers skip them); None where it has none. Read in blocks,
    so memory stays flat."""
    with open(path, "rb") as fh:
        if path.stat().st_size == 0:
            return None
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            if mm.find(b"\n\n") == -1 and mm.find(b"\n\r\n") == -1:
                return None
        ends, carriage, offset, previous = [], [], 0, 0
        while block := fh.read(1 << 24):
            data = np.frombuffer(block, dtype=np.uint8)
            found = np.flatnonzero(data == 10)
            before = np.where(found > 0, data[np.maximum(found - 1, 0)], previous)
            ends.append(found + offset)
            carriage.append(before == 13)
            previous, offset = int(data[-1]), offset + len(data)
    stops = np.concatenate(ends)
    starts = np.concatenate(([0], stops[:-1] + 1))
    length = stops - starts
    empty = (length == 0) | ((length == 1) & np.concatenate(carriage))
    numbers = np.flatnonzero(~empty) + 1
    if offset > stops[-1] + 1:  # a last line without a line break
        numbers = np.append(numbers, len(stops) + 1)
    return numbers[numbers >= first].astype(np.int64)


# ---- spreadsheets ---------------------------------------------------------------------------


def _spreadsheet(path: Path, table: str, sheet: str | None, chunk_rows: int) -> list[Source]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds; say which file
        raise InputError(f"{path}: cannot be read as a spreadsheet: {exc}") from None
    names = book.sheet_names
    if sheet == ALL_SHEETS and sheet not in names:
        sheet = None
    if sheet is not None and sheet not in names:
        raise InputError(f"{path}: no sheet {sheet!r}; sheets: {', '.join(names)}")
    found = []
    for name in [sheet] if sheet is not None else names:
        rows = book.get_sheet_by_name(name).iter_rows()
        head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
        index = find_header(head, table)
        if index is not None:
            source = _sheet_source(
                path, name, index, head[index], itertools.chain(head[index + 1 :], rows), chunk_rows
            )
            source.titles = head[:index]
            found.append(source)
        elif sheet is not None:
            raise _no_header(f"{path}, sheet {name}", table)
    if not found:
        raise _no_header(f"{path} (sheets: {', '.join(names)})", table)
    return found


def _sheet_source(path: Path, name: str, index: int, header: list, rows, chunk_rows: int) -> Source:
    """A sheet whose header is at `index`; `rows` iterates the rows after it."""
    width = len(header)

    def chunks() -> Iterator[Chunk]:
        number = index + 2  # the first row after the header, as the spreadsheet numbers it
        while batch := list(itertools.islice(rows, chunk_rows)):
            columns = list(itertools.zip_longest(*batch, fillvalue=""))[:width]
            columns += [("",) * len(batch)] * (width - len(columns))
            arrays = []
            for column in columns:
                array = np.empty(len(batch), dtype=object)
                array[:] = column
                arrays.append(array)
            yield Chunk(np.arange(number, number + len(batch), dtype=np.int64), arrays)
            number += len(batch)

    return Source(path, name, index + 1, header, chunks)
