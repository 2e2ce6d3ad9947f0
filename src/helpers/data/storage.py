"""Reading and writing canonical tables: Parquet under data/processed/<table>/.

Every write goes to a temporary file in the same folder and is renamed into place,
so a crash never leaves half a file and readers never see one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from helpers.core.errors import DamagedFile, InputError
from helpers.data.schema import TABLE_NAMES, arrow_schema

TABLES = TABLE_NAMES
"""The canonical tables of DESIGN.md section 5 (their columns: `helpers.data.schema`)."""

SAMPLE_MARKER = "SAMPLE.json"
"""Written beside the canonical tables by `p06 sample`: the data is synthetic."""


def connect():
    """A DuckDB connection for our queries: no progress bar on the terminal."""
    import duckdb

    con = duckdb.connect()
    # inside Jupyter, DuckDB refuses to change the setting unless ipywidgets is installed
    with contextlib.suppress(duckdb.Error):
        con.sql("SET enable_progress_bar = false")  # run now: no result left pending on the connection
    return con


_SHARED = {}
_SHARED_LOCK = threading.Lock()


def shared_connection():
    """One DuckDB connection per process for read-only queries: opening one costs about
    15 ms, and a report asks dozens of questions (a thread of its own takes a `cursor()`)."""
    if "con" not in _SHARED:
        with _SHARED_LOCK:
            if "con" not in _SHARED:
                _SHARED["con"] = connect()
    return _SHARED["con"]


def processed_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / "processed"


def table_dir(data_dir: Path | str, table: str) -> Path:
    return processed_dir(data_dir) / table


def table_files(data_dir: Path | str, table: str) -> list[Path]:
    """The Parquet files of a table, sorted; empty when the user does not have that table."""
    folder = table_dir(data_dir, table)
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def available_tables(data_dir: Path | str) -> list[str]:
    return [t for t in TABLES if table_files(data_dir, t)]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


@contextmanager
def atomic_path(target: Path, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` only on success. The
    file gets `mode`, or an ordinary file's (readable by those who read the folder)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK if mode is None else mode)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(target: Path, text: str, mode: int | None = None) -> None:
    with atomic_path(target, mode) as tmp:
        tmp.write_text(text, encoding="utf-8")


ABSENT_KEY = b"p06.absent"
"""Parquet metadata key: the canonical columns the source of a file did not carry."""


def write_parquet(table: pa.Table, target: Path) -> None:
    """Write one Parquet file atomically, with settings that give the same bytes every time
    (the schema is stored only when the file records absent columns)."""
    with atomic_path(target) as tmp:
        pq.write_table(
            table,
            tmp,
            compression="zstd",
            store_schema=bool(table.schema.metadata and ABSENT_KEY in table.schema.metadata),
            write_statistics=True,
            row_group_size=1_000_000,
        )


def read_table(data_dir: Path | str, table: str) -> pa.Table:
    """Read a whole canonical table (for small tables and tests; large ones go through DuckDB)."""
    files = table_files(data_dir, table)
    if not files:
        raise InputError(f"table {table}: no Parquet files in {table_dir(data_dir, table)}")
    return pa.concat_tables(pq.read_table(f) for f in files)


def frame_to_arrow(df) -> pa.Table:
    """A pandas frame as a canonical Arrow table: dates as calendar dates, no index."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    fields = [
        pa.field(f.name, pa.date32())
        if pa.types.is_timestamp(f.type)
        else pa.field(f.name, pa.string())
        if pa.types.is_null(f.type)
        else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields)).replace_schema_metadata(None)


def to_canonical(table: str, data: pa.Table) -> pa.Table:
    """A table with every canonical column in schema order and type: columns an export
    did not carry become nulls and are recorded as absent in the file's metadata (so the
    indicators that need them say they are not measured, even where a blank is a value)."""
    target = arrow_schema(table)
    absent = [f.name for f in target if f.name not in data.column_names]
    columns = [
        data[f.name].cast(f.type) if f.name in data.column_names else pa.nulls(data.num_rows, f.type)
        for f in target
    ]
    out = pa.Table.from_arrays(columns, schema=target)
    return out.replace_schema_metadata({ABSENT_KEY: ",".join(absent)}) if absent else out


def absent_columns(data_dir: Path | str, path: Path) -> frozenset[str]:
    """The canonical columns the source of a stored file did not carry."""
    meta = parquet_metadata(data_dir, path).metadata or {}
    return frozenset(c for c in meta.get(ABSENT_KEY, b"").decode().split(",") if c)


def write_table(data: pa.Table, data_dir: Path | str, table: str, name: str) -> Path:
    """Write one file of a canonical table in place, atomically, and record its checksum in
    the manifest (a file written otherwise is named as changed when the mart reads it)."""
    from helpers.data import journal
    from helpers.data.fingerprints import file_digest

    target = table_dir(data_dir, table) / f"{name}.parquet"
    write_parquet(data, target)
    journal.record(data_dir, {f"{table}/{target.name}": file_digest(target)})
    return target


def sample_info(data_dir: Path | str) -> dict | None:
    """The sample marker of a data folder, or None when its data is not the synthetic sample."""
    path = processed_dir(data_dir) / SAMPLE_MARKER
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def require_tables(data_dir: Path | str) -> list[str]:
    """The canonical tables present; none at all is an input error naming what to run."""
    present = available_tables(data_dir)
    if not present:
        raise InputError(
            f"no canonical tables in {processed_dir(data_dir)}: "
            "run `p06 sample` (or `make reports`) or `p06 ingest` first"
        )
    return present


def remedy(data_dir: Path | str, path: Path) -> str:
    """What a user does about a damaged (or changed) file of the data folder."""
    if path.parent.parent.name == "mart" or path.parent.name == "mart":
        return "rebuild the mart with `p06 mart --force`"
    if sample_info(data_dir) is not None or path.name.startswith("sample-"):
        return "generate the sample again with `p06 sample`"
    return "delete it and ingest its export again with `p06 ingest`"


def parquet_metadata(data_dir: Path | str, path: Path) -> pq.FileMetaData:
    """A Parquet file's metadata; a damaged file raises DamagedFile naming it."""
    try:
        return pq.read_metadata(path)
    except (pa.ArrowException, OSError) as exc:
        raise DamagedFile(path, remedy(data_dir, path)) from exc


def check_readable(data_dir: Path | str, paths: list[Path]) -> None:
    """Raise DamagedFile for the first of `paths` whose metadata cannot be read."""
    for path in paths:
        parquet_metadata(data_dir, path)
