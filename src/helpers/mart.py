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
from dataclasses import dataclass
from pathlib import Path

from helpers import storage
from helpers.errors import InputError
from helpers.fingerprints import data_files

MARKER = "MART.json"
STATS = ".input-stats.json"


@dataclass(frozen=True)
class Block:
    """One mart table: the canonical table it reads and the SQL of its monthly counts."""

    name: str
    source: str
    sql: str  # selects month, province_code, legacy_province_code[, commune_code], counts...
    measures: tuple[str, ...]
    has_commune: bool


_DOSSIER_FLOWS = """
    SELECT date_trunc('month', received_on)::DATE AS month, province_code, legacy_province_code,
           commune_code,
           count(*) AS received,
           count(*) FILTER (WHERE synced) AS synced,
           count(*) FILTER (WHERE channel = 'online') AS online,
           count(*) FILTER (WHERE full_online) AS full_online,
           count(*) FILTER (WHERE fee_required) AS fee_required,
           count(*) FILTER (WHERE fee_required AND paid_online) AS paid_online,
           count(*) FILTER (WHERE digitised) AS digitised,
           0 AS finished, 0 AS finished_on_time, 0 AS e_result, 0 AS rated, 0 AS satisfied
    FROM src GROUP BY ALL
    UNION ALL
    SELECT date_trunc('month', finished_on)::DATE, province_code, legacy_province_code,
           commune_code, 0, 0, 0, 0, 0, 0, 0,
           count(*),
           count(*) FILTER (WHERE finished_on <= due_on),
           count(*) FILTER (WHERE e_result),
           count(*) FILTER (WHERE rating IS NOT NULL),
           count(*) FILTER (WHERE rating = 'satisfied')
    FROM src WHERE finished_on IS NOT NULL GROUP BY ALL
"""

_PROCEDURE_STOCKS = """
    SELECT month, province_code, legacy_province_code,
           count(*) AS procedures,
           count(*) FILTER (WHERE published) AS published,
           count(*) FILTER (WHERE online_level IN ('full', 'partial')) AS online,
           count(*) FILTER (WHERE online_level = 'full') AS full_online,
           count(*) FILTER (WHERE essential) AS essential,
           count(*) FILTER (WHERE essential AND online_level IN ('full', 'partial')) AS essential_online
    FROM src GROUP BY ALL
"""


def _sums_sql(columns: tuple[str, ...], commune: bool) -> str:
    """Monthly sums of a table that already reports counts."""
    sums = ", ".join(f"sum({c}) AS {c}" for c in columns)
    place = "province_code, legacy_province_code" + (", commune_code" if commune else "")
    return f"SELECT month, {place}, {sums} FROM src GROUP BY ALL"


_IDENTIFICATION = _sums_sql(storage.COUNT_COLUMNS["identification"], commune=True)
_SERVICES = _sums_sql(storage.COUNT_COLUMNS["services"], commune=False)

# Tasks: flows by the month of their deadline, and the stock overdue at each month's end
# (deadline passed, not completed by the last day of the month).
_TASKS = """
    WITH months AS (
        SELECT unnest(generate_series(
            (SELECT date_trunc('month', min(least(assigned_on, deadline))) FROM src),
            (SELECT date_trunc('month', max(greatest(deadline, coalesce(completed_on, deadline))))
             FROM src), INTERVAL 1 MONTH))::DATE AS month
    )
    SELECT m.month, t.province_code, t.legacy_province_code,
           count(*) FILTER (WHERE date_trunc('month', t.deadline) = m.month) AS tasks_due,
           count(*) FILTER (WHERE date_trunc('month', t.deadline) = m.month
                            AND t.completed_on <= t.deadline) AS tasks_due_on_time,
           count(*) FILTER (WHERE t.deadline < last_day(m.month)
                            AND (t.completed_on IS NULL OR t.completed_on > last_day(m.month)))
               AS tasks_overdue
    FROM months m JOIN src t ON t.assigned_on <= last_day(m.month)
    GROUP BY ALL
"""

BLOCKS = (
    Block(
        "dossiers",
        "dossiers",
        _DOSSIER_FLOWS,
        (
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
        ),
        True,
    ),
    Block(
        "procedures",
        "procedures",
        _PROCEDURE_STOCKS,
        ("procedures", "published", "online", "full_online", "essential", "essential_online"),
        False,
    ),
    Block(
        "identification",
        "identification",
        _IDENTIFICATION,
        storage.COUNT_COLUMNS["identification"],
        True,
    ),
    Block(
        "services",
        "services",
        _SERVICES,
        storage.COUNT_COLUMNS["services"],
        False,
    ),
    Block("tasks", "tasks", _TASKS, ("tasks_due", "tasks_due_on_time", "tasks_overdue"), False),
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


def file_stats(data_dir: Path | str) -> dict[str, list[int]]:
    """Size and modification time of every canonical file: a cheap staleness check."""
    return {
        f"{t}/{p.name}": [p.stat().st_size, p.stat().st_mtime_ns]
        for t in storage.TABLES
        for p in storage.table_files(data_dir, t)
    }


def read_marker(data_dir: Path | str) -> dict | None:
    path = mart_dir(data_dir) / MARKER
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def build_mart(data_dir: Path | str, force: bool = False) -> dict:
    """Build every block whose canonical table is present; skip when nothing changed.

    Returns the marker: the content hash and first date of every input file, blocks built,
    rows per block, missing tables, and `skipped` (True when the mart was already up to date).
    """
    present = storage.available_tables(data_dir)
    if not present:
        raise InputError(
            f"no canonical tables in {storage.processed_dir(data_dir)}: "
            "run `p06 sample` or `p06 ingest` first"
        )
    inputs = data_files(data_dir)
    prints = {f["file"]: f["sha256"] for f in inputs}
    old = read_marker(data_dir)
    if (
        not force
        and old
        and old.get("inputs") == prints
        and "first_dates" in old
        and all(block_path(data_dir, b).exists() for b in old["blocks"])
    ):
        _write_stats(data_dir)
        return {**old, "skipped": True}
    out = mart_dir(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = {}
    con = storage.connect()
    try:
        for block in BLOCKS:
            target = block_path(data_dir, block.name)
            if block.source not in present:
                target.unlink(missing_ok=True)
                continue
            files = _sql_list(storage.table_files(data_dir, block.source))
            con.execute(f"CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM read_parquet({files})")
            with storage.atomic_path(target) as tmp:
                con.execute(
                    f"COPY ({_levels_sql(block)}) TO {_sql_list([tmp])[1:-1]} "
                    "(FORMAT parquet, COMPRESSION zstd)"
                )
            rows[block.name] = con.execute("SELECT count(*) FROM read_parquet(?)", [str(target)]).fetchone()[
                0
            ]
    finally:
        con.close()
    marker = {
        "inputs": prints,
        "first_dates": {f["file"]: f["first"] for f in inputs},
        "blocks": sorted(rows),
        "rows": rows,
        "missing_tables": [t for t in storage.TABLES if t not in present],
    }
    storage.write_text_atomic(out / MARKER, json.dumps(marker, indent=2) + "\n")
    _write_stats(data_dir)
    return {**marker, "skipped": False}


def _write_stats(data_dir: Path | str) -> None:
    """Remember the inputs' sizes and times beside the marker (a cache, kept out of MART.json
    so the mart's own files stay the same bytes for the same inputs)."""
    storage.write_text_atomic(mart_dir(data_dir) / STATS, json.dumps(file_stats(data_dir)))


def ensure_mart(data_dir: Path | str) -> dict:
    """The mart's marker, building the mart first when it is missing or out of date.

    Sizes and modification times decide quickly that nothing changed; when they differ,
    `build_mart` compares content hashes and rebuilds only if the content changed.
    """
    old = read_marker(data_dir)
    stats = mart_dir(data_dir) / STATS
    known = json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else None
    if (
        old
        and "first_dates" in old
        and known == file_stats(data_dir)
        and all(block_path(data_dir, b).exists() for b in old["blocks"])
    ):
        return {**old, "skipped": True}
    return build_mart(data_dir)
