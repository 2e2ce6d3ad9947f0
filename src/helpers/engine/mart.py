"""`p06 mart`: additive monthly building blocks for every indicator, at every level.

DuckDB reads the canonical Parquet tables and writes one Parquet file per block under
`data/mart/`. A block holds counts, never percentages, for every month and every unit at
four levels (commune, current province, legacy province, country), so any period is
answered by summing months and any ratio is computed once, at the end.

Columns: `level`, `unit_code`, `month`, then the counts. Rows are sorted, so the same
inputs give the same bytes, and a rebuild after a change equals a build from scratch
(the mart is always rebuilt whole: at scale 1 that takes seconds).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.fingerprints import data_files, file_stat
from helpers.data.schema import TABLES
from helpers.engine.windows import done_on_time_sql, overdue_sql

MARKER = "MART.json"
STATS = ".input-stats.json"


@dataclass(frozen=True)
class Block:
    """One mart table: the canonical table it reads and the SQL of its monthly counts.

    Every block counts `rows` (the source rows of the month: what tells which months the
    data covers) and, for each optional column an indicator needs, `known_<column>`: how
    many rows of its base measure (`known`: column → base) carry a value, so an indicator
    can tell an export without that column from a column of zeros."""

    name: str
    source: str
    sql: str  # selects month, province_code, legacy_province_code[, commune_code], counts...
    measures: tuple[str, ...]
    known: dict[str, str]
    listing: bool = False  # a list as known at a date (tasks): every month up to its last is covered

    @property
    def has_commune(self) -> bool:
        """Counts per commune, where its canonical table has communes."""
        return TABLES[self.source].has_communes


def _carried(column: str) -> bool:
    """Whether a column's blanks are values (pending, not rated, open): then the rows that
    know it are those from files whose export carried the column."""
    return any(column in t.names and t.column(column).blank_is_value for t in TABLES.values())


def _known_of(column: str, alias: str = "") -> str:
    """SQL: does a row know `column`? (non-null, or from a file that carried the column)."""
    return f"{alias}carries_{column}" if _carried(column) else f"{alias}{column} IS NOT NULL"


def _known(columns: tuple[str, ...]) -> str:
    return ", ".join(f"count(*) FILTER (WHERE {_known_of(c)}) AS known_{c}" for c in columns)


def _zeros(columns: tuple[str, ...]) -> str:
    return ", ".join(f"0 AS known_{c}" for c in columns)


_RECEIVED_KNOWN = (
    "channel",
    "full_online",
    "synced",
    "fee_required",
    "paid_online",
    "digitised",
    "finished_on",
)
_FINISHED_KNOWN = ("due_on", "e_result", "rating")

_DOSSIER_FLOWS = f"""
    SELECT date_trunc('month', received_on)::DATE AS month, province_code, legacy_province_code,
           commune_code,
           count(*) AS rows,
           count(*) AS received,
           count(*) FILTER (WHERE synced) AS synced,
           count(*) FILTER (WHERE channel = 'online') AS online,
           count(*) FILTER (WHERE full_online) AS full_online,
           count(*) FILTER (WHERE fee_required) AS fee_required,
           count(*) FILTER (WHERE fee_required AND paid_online) AS paid_online,
           count(*) FILTER (WHERE digitised) AS digitised,
           0 AS finished, 0 AS finished_on_time, 0 AS e_result, 0 AS rated, 0 AS satisfied,
           {_known(_RECEIVED_KNOWN)}, {_zeros(_FINISHED_KNOWN)}
    FROM src GROUP BY ALL
    UNION ALL
    SELECT date_trunc('month', finished_on)::DATE, province_code, legacy_province_code,
           commune_code, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*),
           count(*) FILTER (WHERE finished_on <= due_on),
           count(*) FILTER (WHERE e_result),
           count(*) FILTER (WHERE rating IS NOT NULL),
           count(*) FILTER (WHERE rating = 'satisfied'),
           {_zeros(_RECEIVED_KNOWN)}, {_known(_FINISHED_KNOWN)}
    FROM src WHERE finished_on IS NOT NULL GROUP BY ALL
"""

_ONLINE = "online_level IN ('full', 'partial')"
_PROCEDURE_KNOWN = ("published", "online_level", "essential")
_PROCEDURE_STOCKS = f"""
    SELECT month, province_code, legacy_province_code,
           count(*) AS rows,
           count(*) AS procedures,
           count(*) FILTER (WHERE published) AS published,
           count(*) FILTER (WHERE {_ONLINE}) AS online,
           count(*) FILTER (WHERE online_level = 'full') AS full_online,
           count(*) FILTER (WHERE essential) AS essential,
           count(*) FILTER (WHERE essential AND {_ONLINE}) AS essential_online,
           {_known(_PROCEDURE_KNOWN)}
    FROM src GROUP BY ALL
"""


def _sums_sql(columns: tuple[str, ...], table: str) -> str:
    """Monthly sums of a table that already reports counts, and how many rows report each."""
    sums = ", ".join(f"sum({c}) AS {c}" for c in columns)
    place = "province_code, legacy_province_code" + (", commune_code" if TABLES[table].has_communes else "")
    return f"SELECT month, {place}, count(*) AS rows, {sums}, {_known(columns)} FROM src GROUP BY ALL"


_IDENTIFICATION_COUNTS = TABLES["identification"].count_columns
_SERVICE_COUNTS = TABLES["services"].count_columns

# Tasks: the list as known at each month's end, from the first month any task is dated to
# the month of the latest date in the list (the export's "as of"): tasks falling due in the
# month and done by their deadline, and the stock overdue at the month's end.
_MONTH_END = "last_day(m.month)"
_TASKS = f"""
    WITH months AS (
        SELECT unnest(generate_series(
            (SELECT date_trunc('month', min(assigned_on)) FROM src),
            (SELECT date_trunc('month', max(greatest(assigned_on, coalesce(completed_on, assigned_on))))
             FROM src), INTERVAL 1 MONTH))::DATE AS month
    )
    SELECT m.month, t.province_code, t.legacy_province_code,
           count(*) AS rows,
           count(*) FILTER (WHERE date_trunc('month', t.deadline) = m.month) AS tasks_due,
           count(*) FILTER (WHERE date_trunc('month', t.deadline) = m.month
                            AND {done_on_time_sql("t.deadline", "t.completed_on")}) AS tasks_due_on_time,
           count(*) FILTER (WHERE {overdue_sql(_MONTH_END, "t.deadline", "t.completed_on")}) AS tasks_overdue,
           count(*) FILTER (WHERE date_trunc('month', t.deadline) = m.month
                            AND {_known_of("completed_on", "t.")}) AS known_completed_on
    FROM months m JOIN src t ON t.assigned_on <= {_MONTH_END}
    GROUP BY ALL
"""


def _known_names(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"known_{c}" for c in columns)


BLOCKS = (
    Block(
        "dossiers",
        "dossiers",
        _DOSSIER_FLOWS,
        (
            "rows",
            "received",
            "synced",
            "online",
            "full_online",
            "fee_required",
            "paid_online",
            "digitised",
            "finished",
            "finished_on_time",
            "e_result",
            "rated",
            "satisfied",
            *_known_names(_RECEIVED_KNOWN),
            *_known_names(_FINISHED_KNOWN),
        ),
        {**{c: "received" for c in _RECEIVED_KNOWN}, **{c: "finished" for c in _FINISHED_KNOWN}},
    ),
    Block(
        "procedures",
        "procedures",
        _PROCEDURE_STOCKS,
        (
            "rows",
            "procedures",
            "published",
            "online",
            "full_online",
            "essential",
            "essential_online",
            *_known_names(_PROCEDURE_KNOWN),
        ),
        {c: "procedures" for c in _PROCEDURE_KNOWN},
    ),
    Block(
        "identification",
        "identification",
        _sums_sql(_IDENTIFICATION_COUNTS, "identification"),
        ("rows", *_IDENTIFICATION_COUNTS, *_known_names(_IDENTIFICATION_COUNTS)),
        {c: "rows" for c in _IDENTIFICATION_COUNTS},
    ),
    Block(
        "services",
        "services",
        _sums_sql(_SERVICE_COUNTS, "services"),
        ("rows", *_SERVICE_COUNTS, *_known_names(_SERVICE_COUNTS)),
        {c: "rows" for c in _SERVICE_COUNTS},
    ),
    Block(
        "tasks",
        "tasks",
        _TASKS,
        ("rows", "tasks_due", "tasks_due_on_time", "tasks_overdue", "known_completed_on"),
        {"completed_on": "tasks_due"},
        listing=True,
    ),
)
BLOCKS_BY_NAME = {b.name: b for b in BLOCKS}


def mart_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / "mart"


def block_path(data_dir: Path | str, block: str) -> Path:
    return mart_dir(data_dir) / f"{block}.parquet"


def _levels_sql(block: Block) -> str:
    """Sum the block's monthly counts at every level with one GROUPING SETS query."""
    sums = ", ".join(f"sum({m})::BIGINT AS {m}" for m in block.measures)
    sets = ["(month, province_code)", "(month, legacy_province_code)", "(month)"]
    level = [
        "WHEN GROUPING(province_code) = 0 THEN 'province'",
        "WHEN GROUPING(legacy_province_code) = 0 THEN 'legacy_province'",
    ]
    code = "coalesce(province_code, legacy_province_code, 'VN')"
    keep = "(GROUPING(legacy_province_code) = 1 OR legacy_province_code IS NOT NULL)"
    if block.has_commune:
        sets.insert(0, "(month, commune_code)")
        level.insert(0, "WHEN GROUPING(commune_code) = 0 THEN 'commune'")
        code = "coalesce(commune_code, province_code, legacy_province_code, 'VN')"
        keep += " AND (GROUPING(commune_code) = 1 OR commune_code IS NOT NULL)"
    return f"""
        WITH rows AS ({block.sql})
        SELECT CASE {" ".join(level)} ELSE 'country' END AS level, {code} AS unit_code,
               month, {sums}
        FROM rows
        GROUP BY GROUPING SETS ({", ".join(sets)})
        HAVING {keep}
        ORDER BY level, unit_code, month
    """


def _sql_list(paths: list[Path]) -> str:
    """A SQL list literal of file paths (views cannot take prepared parameters)."""
    quoted = ("'" + str(p).replace("'", "''") + "'" for p in paths)
    return "[" + ", ".join(quoted) + "]"


def _source_sql(data_dir: Path | str, table: str) -> str:
    """The rows of a canonical table, each with `carries_<column>` for the columns whose
    blanks are values: false for rows of a file whose export lacked the column."""
    flagged = [c.name for c in TABLES[table].columns if c.blank_is_value]
    groups: dict[frozenset, list[Path]] = {}
    for path in storage.table_files(data_dir, table):
        groups.setdefault(storage.absent_columns(data_dir, path), []).append(path)
    parts = []
    for absent, paths in sorted(groups.items(), key=lambda g: sorted(g[0])):
        flags = ", ".join(f"{c not in absent} AS carries_{c}" for c in flagged)
        parts.append(f"SELECT *, {flags} FROM read_parquet({_sql_list(paths)})")
    return " UNION ALL ".join(parts)


def file_stats(data_dir: Path | str) -> dict[str, list[int]]:
    """Size and modification time of every canonical file: a cheap staleness check."""
    return {f"{t}/{p.name}": file_stat(p) for t in storage.TABLES for p in storage.table_files(data_dir, t)}


def read_marker(data_dir: Path | str) -> dict | None:
    path = mart_dir(data_dir) / MARKER
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def build_mart(data_dir: Path | str, force: bool = False) -> dict:
    """Build every block whose canonical table is present; skip when nothing changed.

    Returns the marker: the content hash and first date of every input file, blocks built,
    rows per block, the months each table covers, missing tables, and `skipped` (True when
    the mart was already up to date).
    """
    present = storage.require_tables(data_dir)
    inputs = data_files(data_dir)
    prints = {f["file"]: f["sha256"] for f in inputs}
    old = read_marker(data_dir)
    if not force and old and old.get("inputs") == prints and _complete(data_dir, old, check=True):
        _write_stats(data_dir)
        return {**old, "skipped": True}
    out = mart_dir(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "shared", ignore_errors=True)  # computations of the old inputs
    rows, covers = {}, {}
    con = storage.connect()
    try:
        for block in BLOCKS:
            target = block_path(data_dir, block.name)
            if block.source not in present:
                target.unlink(missing_ok=True)
                continue
            con.execute(f"CREATE OR REPLACE TEMP VIEW src AS {_source_sql(data_dir, block.source)}")
            with storage.atomic_path(target) as tmp:
                con.execute(
                    f"COPY ({_levels_sql(block)}) TO {_sql_list([tmp])[1:-1]} "
                    "(FORMAT parquet, COMPRESSION zstd)"
                )
            count, first, last = con.execute(
                "SELECT count(*), min(month) FILTER (WHERE rows > 0 AND level = 'country'), "
                "max(month) FILTER (WHERE rows > 0 AND level = 'country') FROM read_parquet(?)",
                [str(target)],
            ).fetchone()
            rows[block.name] = count
            covers[block.source] = [f"{first:%Y-%m}", f"{last:%Y-%m}"] if first else None
    finally:
        con.close()
    marker = {
        "inputs": prints,
        "first_dates": {f["file"]: f["first"] for f in inputs},
        "blocks": sorted(rows),
        "rows": rows,
        "covers": covers,
        "missing_tables": [t for t in storage.TABLES if t not in present],
    }
    storage.write_text_atomic(out / MARKER, json.dumps(marker, indent=2) + "\n")
    _write_stats(data_dir)
    return {**marker, "skipped": False}


def _complete(data_dir: Path | str, marker: dict, check: bool = False) -> bool:
    """A marker of this version of the mart, with every block it lists on disk (and, with
    `check`, readable: a damaged block stops there, named, before any query reads it)."""
    paths = [block_path(data_dir, b) for b in marker.get("blocks", [])]
    if "covers" not in marker or not all(p.exists() for p in paths):
        return False
    if check:
        storage.check_readable(data_dir, paths)
    return True


def _write_stats(data_dir: Path | str) -> None:
    """Remember the inputs' sizes and times beside the marker (a cache, kept out of MART.json
    so the mart's own files stay the same bytes for the same inputs)."""
    storage.write_text_atomic(mart_dir(data_dir) / STATS, json.dumps(file_stats(data_dir)))


def _up_to_date(data_dir: Path | str, marker: dict | None, check: bool = False) -> bool:
    """Sizes and modification times say quickly that no input changed since the build."""
    stats = mart_dir(data_dir) / STATS
    known = json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else None
    return bool(marker) and _complete(data_dir, marker, check) and known == file_stats(data_dir)


def refresh_mart(data_dir: Path | str) -> dict:
    """Build the mart when it is missing or out of date, and return its marker.

    Called in one visible place: by a command before it reads, or in a notebook's set-up
    cell. When sizes or times differ, `build_mart` compares content hashes and rebuilds only
    if the content changed.
    """
    marker = read_marker(data_dir)
    if _up_to_date(data_dir, marker, check=True):
        return {**marker, "skipped": True}
    return build_mart(data_dir)


def current_mart(data_dir: Path | str) -> dict:
    """The marker of an up-to-date mart, for reads; reads never build it. A missing or stale
    mart is an input error that says what to run."""
    storage.require_tables(data_dir)
    marker = read_marker(data_dir)
    if marker is None or not _complete(data_dir, marker):
        raise InputError(f"no indicator mart in {mart_dir(data_dir)}: run `p06 mart` first")
    if not _up_to_date(data_dir, marker):
        raise InputError(
            f"the indicator mart in {mart_dir(data_dir)} is older than the data in "
            f"{storage.processed_dir(data_dir)}: run `p06 mart` (or the notebook's set-up cell) again"
        )
    return marker
