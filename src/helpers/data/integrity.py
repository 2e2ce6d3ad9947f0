"""What is read from disk is what was written: checksums and unit codes.

Every canonical file's sha256 is in processed/MANIFEST.json (`helpers.data.journal`), every
mart block's in mart/MART.json. A file whose bytes differ (a disk error, an edit, a copy cut
short) is named with what to do before a query reads it. The unit codes of the canonical
files are checked against the reference lists when the mart is built from them, for files
the manifest does not cover (written by hand, or by an older version).
"""

from __future__ import annotations

from pathlib import Path

from helpers.core import reference
from helpers.core.errors import DamagedFile
from helpers.data import journal, storage
from helpers.data.fingerprints import file_digest
from helpers.data.schema import TABLES


def check_unchanged(data_dir: Path | str, inputs: list[dict]) -> None:
    """A canonical file (of `fingerprints.data_files`, hashes computed there) whose content is
    not what was written raises DamagedFile naming it."""
    for name in journal.changed_files(data_dir, inputs):
        path = storage.processed_dir(data_dir) / name
        what = f"has changed since it was written (its checksum is not the one in {journal.MANIFEST})"
        raise DamagedFile(path, storage.remedy(data_dir, path), what)


_VERIFIED: set[tuple] = set()
"""Files whose checksum this process verified, by path, size, time and checksum: each is
read once per process (a report asks the mart dozens of questions)."""


def verify(data_dir: Path | str, digests: dict[Path, str], what: str) -> None:
    """Each file's sha256 is the one given; the first that is not raises DamagedFile (`what`
    says what changed)."""
    for path, digest in digests.items():
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns, digest)
        if key in _VERIFIED:
            continue
        if file_digest(path) != digest:
            raise DamagedFile(path, storage.remedy(data_dir, path), what)
        _VERIFIED.add(key)


_CODE_LISTS = {
    "province_code": "province",
    "legacy_province_code": "legacy_province",
    "commune_code": "commune",
}


def register_codes(con) -> None:
    """The reference lists of unit codes, as tables of `con` that `check_codes` reads."""
    import pyarrow as pa

    lists = {
        "province": reference.provinces()["province_code"],
        "legacy_province": reference.legacy_provinces()["legacy_province_code"],
        "commune": reference.communes()["commune_code"],
    }
    for kind, codes in lists.items():
        con.register(f"p06_{kind}_codes", pa.table({"code": pa.array(list(codes), pa.string())}))


def check_codes(con, data_dir: Path | str, table: str) -> None:
    """Every unit code a table's files hold is in the reference lists (`register_codes`
    first); the first that is not raises DamagedFile naming its file."""
    columns = [c for c in _CODE_LISTS if c in TABLES[table].names]
    files = [str(p) for p in storage.table_files(data_dir, table)]
    if not columns or not files:
        return
    unknown = " OR ".join(f"({c} IS NOT NULL AND NOT {_known(c, c)})" for c in columns)
    found = con.execute(
        f"SELECT filename, {', '.join(columns)} FROM read_parquet($files, filename=true) "
        f"WHERE {unknown} LIMIT 1",
        {"files": files},
    ).fetchone()
    if found:
        path, codes = Path(found[0]), dict(zip(columns, found[1:], strict=True))
        column = next(c for c in columns if codes[c] is not None and not _is_known(con, c, codes[c]))
        kind = _CODE_LISTS[column].replace("_", " ")
        what = f"holds {column} {codes[column]!r}, which is no {kind} code of data/reference"
        raise DamagedFile(path, storage.remedy(data_dir, path), what)


def _is_known(con, column: str, code: str) -> bool:
    return bool(con.execute(f"SELECT {_known(column, '$code')}", {"code": code}).fetchone()[0])


def _known(column: str, value: str) -> str:
    """SQL: is `value` a code of `column`'s reference list?"""
    return f"({value} IN (SELECT code FROM p06_{_CODE_LISTS[column]}_codes))"
