"""Bounded work: a file is refused before it is read when it would unpack or expand past a
limit, and one value or one row past a limit is an input error naming it.

An .xlsx, .xlsm or .ods file is a zip archive of XML: a few megabytes can unpack to
gigabytes (a zip bomb dressed as a spreadsheet). Its entries' declared sizes and
compression ratios are checked first; then, because declared sizes can lie, every entry is
inflated once more here, in bounded pieces and without trusting them, counting what comes
out and the longest stretch of text between two tags, before the spreadsheet reader (which
holds a whole sheet in memory) opens it. An .xls file (not compressed) is capped by size.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers.core.errors import InputError

MAX_FIELD_CHARS = 32_767
"""One value: Excel's own limit for the text of a cell, so that no value of an export a
spreadsheet can hold is refused, and nothing longer is taken for a value (the spreadsheet
reader itself cuts a cell there; in a CSV file a longer value is an input error)."""
MAX_ROW_BYTES = 1 << 20
"""One row (a CSV record, or the text of one cell in a spreadsheet's XML): 1 MiB, room for
32 values at Excel's cell limit; rows of real exports are under 2 KB."""
MAX_UNPACKED_BYTES = 1 << 30
"""What a spreadsheet may unpack to, all entries together: 1 GiB holds the XML of about
1.2 million rows of a 17-column dossier export (87 MB per 100,000 rows as measured), more
than Excel's 1,048,576 rows: every sheet Excel can save passes; a zip bomb does not."""
MAX_RATIO = 200
"""How many times an entry may be larger than it is compressed: spreadsheets' XML
compresses 3-25 times (11 for the dossier export), repetitive sheets up to about 100; a
zip bomb of one long cell, 1,000 times."""
RATIO_FROM_BYTES = 1 << 20
"""Entries smaller than this are not held to `MAX_RATIO` (small XML parts of any ratio are
harmless)."""
MAX_ENTRIES = 10_000
"""Entries in a spreadsheet's archive (a workbook has tens; hundreds with many sheets)."""
MAX_XLS_BYTES = 128 << 20
"""An .xls file (Excel 97-2003, not compressed): its sheets hold at most 65,536 rows of 256
cells, 128 MiB at 8 bytes a cell."""

_PIECE = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def _refuse(path: Path, what: str) -> InputError:
    return InputError(f"{path}: refused before reading: {what}")


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB" if n >= 2**20 else f"{n:,} bytes"


def check_spreadsheet(path: Path) -> int | None:
    """Refuse a spreadsheet that would unpack or expand past the limits (InputError naming
    the file and the limit); read nothing else of it. Returns the longest text between two
    tags in its XML, in bytes (no cell's text is longer; None for an .xls file)."""
    size = path.stat().st_size
    if path.suffix.lower() == ".xls":
        if size > MAX_XLS_BYTES:
            raise _refuse(path, f"{_mib(size)}, over the limit of {_mib(MAX_XLS_BYTES)} for an .xls file")
        return None
    if not zipfile.is_zipfile(path):
        raise InputError(f"{path}: not a {path.suffix} file (a spreadsheet of this kind is a zip archive)")
    with zipfile.ZipFile(path) as archive, open(path, "rb") as raw:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise _refuse(path, f"{len(entries):,} entries in its archive, over the limit of {MAX_ENTRIES:,}")
        _check_declared(path, entries)
        total, longest = 0, 0
        for entry in entries:
            total, text = _inflate_bounded(path, raw, entry, size, total)
            longest = max(longest, text)
    return longest


def _check_declared(path: Path, entries: list[zipfile.ZipInfo]) -> None:
    total = sum(e.file_size for e in entries)
    if total > MAX_UNPACKED_BYTES:
        raise _refuse(path, f"it unpacks to {_mib(total)}, over the limit of {_mib(MAX_UNPACKED_BYTES)}")
    for e in entries:
        if e.file_size >= RATIO_FROM_BYTES and e.file_size > MAX_RATIO * max(1, e.compress_size):
            ratio = e.file_size / max(1, e.compress_size)
            raise _refuse(
                path,
                f"{e.filename} unpacks {ratio:,.0f} times its packed size, over the limit of {MAX_RATIO} "
                "(a zip bomb?)",
            )


def _inflate_bounded(path: Path, raw, entry: zipfile.ZipInfo, size: int, total: int) -> tuple[int, int]:
    """Inflate one entry from its compressed bytes, in pieces, whatever sizes it declares:
    stop past the limits. Returns the bytes unpacked so far, all entries together, and the
    entry's longest text between two tags."""
    if entry.flag_bits & 0x1:
        raise InputError(f"{path}: {entry.filename} is encrypted: save the workbook without a password")
    if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        method = entry.compress_type
        raise InputError(f"{path}: {entry.filename} is packed by a method spreadsheets do not use ({method})")
    raw.seek(entry.header_offset)
    header = raw.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise InputError(f"{path}: damaged archive: the entry {entry.filename} cannot be found")
    fields = _LOCAL_HEADER.unpack(header)
    raw.seek(entry.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1])
    left = min(entry.compress_size, size - raw.tell())
    packed = left
    inflate = zlib.decompressobj(-zlib.MAX_WBITS) if entry.compress_type == zipfile.ZIP_DEFLATED else None
    out, run, longest, pending = 0, 0, 0, b""
    while True:
        if not pending and left > 0:
            pending = raw.read(min(_PIECE, left))
            left = left - len(pending) if pending else 0
        if inflate is None:
            piece, pending = pending, b""
        else:
            try:
                piece = inflate.decompress(pending, _PIECE)
            except zlib.error:
                raise InputError(f"{path}: damaged archive: {entry.filename} cannot be unpacked") from None
            pending = b"" if inflate.eof else inflate.unconsumed_tail
            left = 0 if inflate.eof else left
        if not piece and not pending and (left == 0 or (inflate is not None and inflate.eof)):
            break
        out += len(piece)
        run, most = _longest_text(path, entry, piece, run)
        longest = max(longest, most)
        if total + out > MAX_UNPACKED_BYTES:
            raise _refuse(path, f"it unpacks to more than the limit of {_mib(MAX_UNPACKED_BYTES)}")
        if out >= RATIO_FROM_BYTES and out > MAX_RATIO * max(1, packed - left - len(pending)):
            raise _refuse(
                path,
                f"{entry.filename} unpacks more than {MAX_RATIO} times its packed size, the limit "
                "(a zip bomb?)",
            )
    return total + out, longest


def _longest_text(path: Path, entry: zipfile.ZipInfo, piece: bytes, run: int) -> tuple[int, int]:
    """The text without a tag at the end of `piece` (carried from the pieces before), and
    the longest such stretch in it; refuse a stretch longer than a row may be: a cell that
    large is no value."""
    if not piece:
        return run, run
    tags = np.flatnonzero(np.frombuffer(piece, dtype=np.uint8) == ord("<"))
    if len(tags) == 0:
        longest = run = run + len(piece)
    else:
        gaps = int(np.diff(tags).max()) - 1 if len(tags) > 1 else 0
        longest = max(run + int(tags[0]), gaps)
        run = len(piece) - int(tags[-1]) - 1
        longest = max(longest, run)
    if longest > MAX_ROW_BYTES:
        raise _refuse(
            path,
            f"{entry.filename} holds a cell of more than {_mib(MAX_ROW_BYTES)}, the limit for one row "
            f"(one value may hold {MAX_FIELD_CHARS:,} characters)",
        )
    return run, longest


# ---- values and rows that are read ------------------------------------------------------------


def text_lengths(column) -> np.ndarray:
    """The length in characters of each value of a column (0 where it is not text)."""
    if isinstance(column, pa.Array | pa.ChunkedArray):
        return pc.fill_null(pc.utf8_length(column), 0).to_numpy(zero_copy_only=False)
    return np.fromiter((len(v) if type(v) is str else 0 for v in column), dtype=np.int64, count=len(column))


def within_limits(longest: int | None, width: int) -> bool:
    """Whether no value and no row can be past the limits, where no text is longer than
    `longest` characters (or bytes: never fewer) and a row has `width` values."""
    return longest is not None and longest <= MAX_FIELD_CHARS and longest * max(1, width) <= MAX_ROW_BYTES


def too_long(columns: list) -> list[tuple[int, int, int]]:
    """(row position, column position, length) of every value longer than one value may be,
    and of the longest value of every row longer than a row may be."""
    if not columns:
        return []
    lengths = [text_lengths(c) for c in columns]
    table = np.vstack(lengths)
    out = []
    for i, column in enumerate(lengths):
        out += [(int(r), i, int(column[r])) for r in np.flatnonzero(column > MAX_FIELD_CHARS)]
    rows = np.flatnonzero(table.sum(axis=0) > MAX_ROW_BYTES)
    named = {r for r, _, _ in out}
    for r in rows[~np.isin(rows, list(named))] if len(rows) else []:
        c = int(table[:, r].argmax())
        out.append((int(r), c, int(table[c, r])))
    return out
