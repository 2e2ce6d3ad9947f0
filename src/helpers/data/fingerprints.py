"""Content fingerprints of the canonical files: what a mart or a report was computed from.

A report for a period reads only rows up to the end of that period, so its data
fingerprint covers only the files whose first date falls before then: a change to later
data leaves it (and its rebuild decision) untouched.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from helpers.data import storage
from helpers.data.schema import TABLES


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_stat(path: Path) -> list[int]:
    """A file's size and modification time: while both are the same, its content is taken as
    unchanged (the mart's quick check, and the reuse of content hashes)."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def first_date(data_dir: Path | str, path: Path, table: str) -> str:
    """The earliest date in a canonical file, from its Parquet statistics (a damaged file
    stops here, named, before any query reads it)."""
    meta = storage.parquet_metadata(data_dir, path)
    column = meta.schema.names.index(TABLES[table].date_column)
    stats = [meta.row_group(i).column(column).statistics for i in range(meta.num_row_groups)]
    # a file without dated rows belongs to no period: no report reads it
    return min((str(s.min) for s in stats if s is not None and s.has_min_max), default="9999-12-31")


def data_files(data_dir: Path | str, cache: dict | None = None) -> list[dict]:
    """Every canonical file with its content hash and first date. Hashes are reused from
    `cache` (updated in place) while a file's size and modification time are unchanged."""
    cache = {} if cache is None else cache
    out = []
    for table in storage.TABLES:
        for path in storage.table_files(data_dir, table):
            key = f"{table}/{path.name}"
            size, mtime_ns = file_stat(path)
            known = cache.get(key)
            if not (known and [known["size"], known["mtime_ns"]] == [size, mtime_ns]):
                known = {
                    "size": size,
                    "mtime_ns": mtime_ns,
                    "sha256": file_digest(path),
                    "first": first_date(data_dir, path, table),
                }
            cache[key] = known
            out.append({"file": key, **known})
    return out


def files_until(files: list[dict], until: date) -> list[tuple[str, str]]:
    """(file, hash) of the files with rows on or before `until`, sorted."""
    return sorted((f["file"], f["sha256"]) for f in files if f["first"] <= until.isoformat())


def data_fingerprint(inputs: dict[str, str], first_dates: dict[str, str], until: date) -> str:
    """A short hash of the content of every file a report up to `until` can read, from the
    hashes and first dates the mart already recorded (no file is read again)."""
    files = [{"file": f, "sha256": h, "first": first_dates[f]} for f, h in inputs.items()]
    payload = json.dumps(files_until(files, until))
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
