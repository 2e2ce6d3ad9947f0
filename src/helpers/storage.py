"""Reading and writing canonical tables: Parquet under data/processed/<table>/.

Every write goes to a temporary file in the same folder and is renamed into place,
so a crash never leaves half a file and readers never see one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("dossiers", "procedures", "identification", "services", "tasks")
"""The canonical tables of DESIGN.md section 5."""

COUNT_COLUMNS = {
    "identification": (
        "population",
        "population_eligible",
        "cccd_applications",
        "cccd_issued",
        "eid_applications",
        "eid_level2_applications",
        "eid_activated",
    ),
    "services": (
        "medical_facilities",
        "medical_facilities_accepting_cccd",
        "social_beneficiaries",
        "social_beneficiaries_cashless",
        "records_specialised",
        "records_cleaned",
    ),
}
"""The monthly counts of the tables that report counts (DESIGN.md section 5)."""

DEFAULT_DATA_DIR = Path("data")


def connect():
    """A DuckDB connection for our queries: no progress bar on the terminal."""
    import duckdb

    con = duckdb.connect()
    # inside Jupyter, DuckDB refuses to change the setting unless ipywidgets is installed
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")
    return con


_SHARED = {}


def shared_connection():
    """One DuckDB connection per process for read-only queries: opening one costs about
    15 ms, and a report asks dozens of questions."""
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


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` only on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_parquet(table: pa.Table, target: Path) -> None:
    """Write one Parquet file atomically, with settings that give the same bytes every time."""
    with atomic_path(target) as tmp:
        pq.write_table(
            table,
            tmp,
            compression="zstd",
            store_schema=False,
            write_statistics=True,
            row_group_size=1_000_000,
        )


def read_table(data_dir: Path | str, table: str) -> pa.Table:
    """Read a whole canonical table (for small tables and tests; large ones go through DuckDB)."""
    files = table_files(data_dir, table)
    if not files:
        from helpers.errors import InputError

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


def write_frame(df, data_dir: Path | str, table: str, name: str) -> Path:
    """Write a validated pandas frame as one file of a canonical table, atomically."""
    target = table_dir(data_dir, table) / f"{name}.parquet"
    write_parquet(frame_to_arrow(df), target)
    return target
