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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from helpers.core.errors import InputError, Problem
from helpers.data import storage
from helpers.data.ingest import limits, vocab
from helpers.data.ingest.headers import HEADER_SEARCH_ROWS, find_header
from helpers.data.ingest.records import Records, TooLong, read_records

CHUNK_ROWS = 250_000
EXTRA_VALUES = 8
"""Values past the header's last column read to tell a row that has some (a row with more
values than that past it is named by the first eight)."""
ALL_SHEETS = "all"
"""`--sheet all`: every sheet with a header row (one per month, say), as without --sheet."""
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
SUFFIXES = (".csv", *SPREADSHEETS)
_HEAD_BYTES = 1 << 18


@dataclass
class Chunk:
    rows: np.ndarray  # row numbers as the user sees them
    columns: list  # one per header cell: an Arrow string array or a NumPy object array
    overflow: list = field(default_factory=list)  # (row, values) of rows with values past the header
    bounded: bool = False  # no value and no row can be longer than the limits (not to be checked)


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


def files(paths, suffixes: tuple[str, ...] = SUFFIXES) -> list[Path]:
    """The files named: a folder means every export in it (by default .csv, .xlsx, .xls,
    .ods; `suffixes` for a source with files of its own kind), sorted; each file once."""
    kinds = ", ".join(suffixes)
    out: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith((".", "~$"))
            )
            if not found:
                raise InputError(f"{path}: no {kinds} files in this folder")
            out += found
        elif path.is_file():
            if path.suffix.lower() not in suffixes:
                raise InputError(f"{path}: unsupported file type {path.suffix!r}: expected {kinds}")
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    unique = {p.resolve(): p for p in reversed(out)}
    return [p for p in out if unique.get(p.resolve()) is p]


def refuse_sample(data_dir: Path | str) -> None:
    """A user's data never goes into a folder that holds the synthetic sample."""
    processed = storage.processed_dir(data_dir)
    if (processed / storage.SAMPLE_MARKER).exists():
        raise InputError(
            f"{processed} holds the synthetic sample: ingest your data into another "
            "folder with --data-dir, or remove the sample first"
        )


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
    csv.field_size_limit(max(csv.field_size_limit(), _HEAD_BYTES))
    try:
        rows = [next(csv.reader([line.rstrip("\r")], delimiter=delimiter), []) for line in lines]
    except csv.Error as exc:
        raise InputError(f"{path}: cannot be read as CSV: {exc}") from None
    index = find_header(rows, table)
    if index is None:
        raise _no_header(str(path), table)
    header = rows[index]
    try:
        records = read_records(path, delimiter).after(index + 1)
    except TooLong as exc:
        column = header[exc.column] if exc.column < len(header) else f"value {exc.column + 1} (no header)"
        problem = Problem(table, column, exc.line, None, exc.reason(), file=str(path))
        raise InputError(f"{path}: row {exc.line} is too long for a row of an export", [problem]) from None

    def chunks() -> Iterator[Chunk]:
        yield from _csv_chunks(path, delimiter, index + 1, header, chunk_rows, records)

    return Source(path, None, index + 1, header, chunks, rows[:index])


def _csv_chunks(
    path: Path, delimiter: str, skip: int, header: list, chunk_rows: int, records: Records
) -> Iterator[Chunk]:
    """Chunks of rows, every value as text; values past the header's last column are read
    too (EXTRA_VALUES of them), so that a row with some is named, not cut short."""
    import duckdb

    width = len(header)
    bounded = records.starts is not None and limits.within_limits(records.longest(), width)
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width + EXTRA_VALUES))
    named = named_columns(header)
    query = (
        f"SELECT * FROM read_csv($path, delim=$delim, quote='\"', escape='\"', header=false, "
        f"skip={skip}, auto_detect=false, all_varchar=true, null_padding=true, strict_mode=false, "
        f"parallel={not records.quoted_breaks}, max_line_size={2 * limits.MAX_ROW_BYTES}, "
        f"columns={{{columns}}})"
    )
    con = storage.connect()
    try:
        reader = con.sql(query, params={"path": str(path), "delim": delimiter}).to_arrow_reader(chunk_rows)
        start = 0
        for table in _gathered(reader, chunk_rows):
            n = table.num_rows
            if start + n > len(records.lines):  # the reader and the records disagree: say so
                raise InputError(f"{path}: cannot be read as CSV: its rows cannot be numbered")
            rows = records.lines[start : start + n]
            values = [column.combine_chunks() for column in table.columns]
            past = _past_header(values[named:])
            overflow = [(int(rows[i]), records.fields(start + i)) for i in past]
            start += n
            yield Chunk(rows, values[:width], overflow, bounded)
    except (duckdb.Error, pa.ArrowException) as exc:
        message = str(exc)
        if "unicode" in message.lower() or "utf" in message.lower():
            raise _not_utf8(path) from None
        raise InputError(f"{path}: cannot be read as CSV: {message.splitlines()[0][:200]}") from None
    finally:
        con.close()


def _past_header(extra: list[pa.Array]) -> np.ndarray:
    """Positions of the rows with a value (not blank) past the header's last column."""
    import pyarrow.compute as pc

    if not extra:
        return np.zeros(0, dtype=np.int64)
    found = np.zeros(len(extra[0]), dtype=bool)
    for column in extra:
        if column.null_count < len(column):
            filled = pc.not_equal(pc.utf8_trim_whitespace(column), "")
            found |= pc.fill_null(filled, False).to_numpy(zero_copy_only=False)
    return np.flatnonzero(found)


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


# ---- spreadsheets ---------------------------------------------------------------------------


def _spreadsheet(path: Path, table: str, sheet: str | None, chunk_rows: int) -> list[Source]:
    from python_calamine import CalamineWorkbook

    longest = limits.check_spreadsheet(path)
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
                path, name, index, head[index], itertools.chain(head[index + 1 :], rows), chunk_rows, longest
            )
            source.titles = head[:index]
            found.append(source)
        elif sheet is not None:
            raise _no_header(f"{path}, sheet {name}", table)
    if not found:
        raise _no_header(f"{path} (sheets: {', '.join(names)})", table)
    return found


def named_columns(header: list) -> int:
    """How many columns the header names: up to its last cell that is not blank."""
    filled = [i for i, cell in enumerate(header) if cell is not None and str(cell).strip()]
    return filled[-1] + 1 if filled else 0


def _sheet_source(
    path: Path, name: str, index: int, header: list, rows, chunk_rows: int, longest: int | None
) -> Source:
    """A sheet whose header is at `index`; `rows` iterates the rows after it; `longest`:
    the longest text in the file, where known."""
    width, named = len(header), named_columns(header)
    bounded = limits.within_limits(longest, width)

    def chunks() -> Iterator[Chunk]:
        number = index + 2  # the first row after the header, as the spreadsheet numbers it
        while batch := list(itertools.islice(rows, chunk_rows)):
            columns = list(itertools.zip_longest(*batch, fillvalue=""))
            past, columns = columns[named:], columns[:width]
            columns += [("",) * len(batch)] * (width - len(columns))
            arrays = []
            for column in columns:
                array = np.empty(len(batch), dtype=object)
                array[:] = column
                arrays.append(array)
            overflow = _cells_past_header(past, number, named)
            yield Chunk(np.arange(number, number + len(batch), dtype=np.int64), arrays, overflow, bounded)
            number += len(batch)

    return Source(path, name, index + 1, header, chunks)


def _cells_past_header(past: list[tuple], first: int, width: int) -> list[tuple[int, int]]:
    """(row, cells up to its last filled one) of the rows with a cell filled past the
    header's last column."""
    out: dict[int, int] = {}
    for offset, column in enumerate(past):
        for i, value in enumerate(column):
            if value is not None and value != "" and not (isinstance(value, str) and not value.strip()):
                out[i] = width + offset + 1
    return [(first + i, count) for i, count in sorted(out.items())]
