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

import hashlib
import json
import os
import shutil
from pathlib import Path

from helpers.core.errors import InputError
from helpers.data import integrity, journal, schema, storage
from helpers.data.fingerprints import data_files, file_digest, file_stat
from helpers.data.schema import TABLES
from helpers.engine import stocks
from helpers.engine.blocks import BLOCKS, Block, blocks_version

MARKER = "MART.json"
STATS = ".input-stats.json"


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


def source_sql(data_dir: Path | str, table: str) -> str:
    """The rows of a canonical table, each with `carries_<column>` for the columns whose
    blanks are values: false for rows of a file whose export lacked the column. A file
    written before a canonical column existed reads it as empty (and as not carried)."""
    flagged = [c.name for c in TABLES[table].columns if c.blank_is_value]
    canonical = schema.arrow_schema(table)
    groups: dict[tuple[frozenset, frozenset], list[Path]] = {}
    for path in storage.table_files(data_dir, table):
        stored = set(storage.parquet_metadata(data_dir, path).schema.names)
        older = frozenset(f.name for f in canonical if f.name not in stored)
        groups.setdefault((storage.absent_columns(data_dir, path) | older, older), []).append(path)
    parts = []
    for (absent, older), paths in sorted(groups.items(), key=lambda g: (sorted(g[0][0]), sorted(g[0][1]))):
        flags = ", ".join(f"{c not in absent} AS carries_{c}" for c in flagged)
        columns = ", ".join(
            f'NULL::{_DUCK_TYPES[str(f.type)]} AS "{f.name}"' if f.name in older else f'"{f.name}"'
            for f in canonical
        )
        parts.append(f"SELECT {columns}, {flags} FROM read_parquet({_sql_list(paths)})")
    return " UNION ALL ".join(parts)


_DUCK_TYPES = {"string": "VARCHAR", "date32[day]": "DATE", "bool": "BOOLEAN", "int64": "BIGINT"}


def file_stats(data_dir: Path | str) -> dict[str, list[int]]:
    """Size and modification time of every canonical file: a cheap staleness check."""
    return {f"{t}/{p.name}": file_stat(p) for t in storage.TABLES for p in storage.table_files(data_dir, t)}


def read_marker(data_dir: Path | str) -> dict | None:
    path = mart_dir(data_dir) / MARKER
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def build_mart(data_dir: Path | str, force: bool = False) -> dict:
    """Build every block whose canonical table is present; skip when nothing changed.

    Returns the marker: the content hash and first date of every input file, blocks built,
    rows per block, the months each table covers, missing tables, the sha256 of every block
    (`files`), and `skipped` (True when the mart was already up to date). The tables are
    read under their shared lock (no ingest commits meanwhile); a file whose bytes are not
    those the manifest recorded, or that holds a code the reference lists do not know, is
    named before anything is built from it.
    """
    journal.recover(data_dir)
    present = storage.require_tables(data_dir)
    with journal.locked(storage.processed_dir(data_dir), shared=True):
        inputs = data_files(data_dir)
        integrity.check_unchanged(data_dir, inputs)
        prints = {f["file"]: f["sha256"] for f in inputs}
        old = read_marker(data_dir)
        if not force and old and old.get("inputs") == prints and _complete(data_dir, old, check=True):
            with journal.locked(mart_dir(data_dir)):
                _write_stats(data_dir)
            return {**old, "skipped": True}
        with journal.locked(mart_dir(data_dir)):
            marker = _build(data_dir, present, inputs)
    return {**marker, "skipped": False}


def _build(data_dir: Path | str, present: list[str], inputs: list[dict]) -> dict:
    """Every block into a temporary file, then all of them into place, then the marker: a
    build killed part way leaves a marker that does not match its blocks (rebuilt next)."""
    out = mart_dir(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "shared", ignore_errors=True)  # computations of the old inputs
    rows, covers, staged = {}, {}, {}
    con = storage.connect()
    try:
        integrity.register_codes(con)
        for block in BLOCKS:
            target = block_path(data_dir, block.name)
            if block.source not in present:
                target.unlink(missing_ok=True)
                stocks.side_path(target).unlink(missing_ok=True)
                continue
            integrity.check_codes(con, data_dir, block.source)
            con.execute(f"CREATE OR REPLACE TEMP VIEW src AS {source_sql(data_dir, block.source)}")
            tmp = out / f".{target.name}.{os.getpid()}.tmp"
            staged[target] = tmp
            con.execute(
                f"COPY ({_levels_sql(block)}) TO {_sql_list([tmp])[1:-1]} (FORMAT parquet, COMPRESSION zstd)"
            )
            if block.name in stocks.BLOCKS:
                side = stocks.side_path(target)
                staged[side] = out / f".{side.name}.{os.getpid()}.tmp"
                con.execute(
                    f"COPY ({stocks.side_sql(block.name)}) TO {_sql_list([staged[side]])[1:-1]} "
                    "(FORMAT parquet, COMPRESSION zstd)"
                )
            count, first, last = con.execute(
                "SELECT count(*), min(month) FILTER (WHERE rows > 0 AND level = 'country'), "
                "max(month) FILTER (WHERE rows > 0 AND level = 'country') FROM read_parquet(?)",
                [str(tmp)],
            ).fetchone()
            rows[block.name] = count
            covers[block.source] = [f"{first:%Y-%m}", f"{last:%Y-%m}"] if first else None
        for target, tmp in staged.items():
            os.replace(tmp, target)
    finally:
        con.close()
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
    marker = {
        "version": blocks_version(),
        "inputs": {f["file"]: f["sha256"] for f in inputs},
        "first_dates": {f["file"]: f["first"] for f in inputs},
        "blocks": sorted(rows),
        "rows": rows,
        "covers": covers,
        "missing_tables": [t for t in storage.TABLES if t not in present],
        # every file's checksum, block and side table of totals, by its name in the mart folder
        "files": {target.name: file_digest(target) for target in sorted(staged)},
        "totals": sorted(b for b in rows if b in stocks.BLOCKS),  # blocks with a side table of totals
    }
    storage.write_text_atomic(out / MARKER, json.dumps(marker, indent=2) + "\n")
    _write_stats(data_dir)
    return marker


def _complete(data_dir: Path | str, marker: dict, check: bool = False) -> bool:
    """A marker of this version of the mart, with every block it lists on disk (and, with
    `check`, readable and as built: a damaged or changed block stops there, named, before
    any query reads it)."""
    paths = [block_path(data_dir, b) for b in marker.get("blocks", [])]
    paths += [stocks.side_path(block_path(data_dir, b)) for b in marker.get("totals", [])]
    if (
        marker.get("version") != blocks_version()
        or "files" not in marker
        or "totals" not in marker
        or not all(p.exists() for p in paths)
    ):
        return False
    if check:
        storage.check_readable(data_dir, paths)
        _verify_blocks(data_dir, marker)
    return True


def _verify_blocks(data_dir: Path | str, marker: dict) -> None:
    """Every block's bytes are those the build wrote (MART.json `files`)."""
    digests = {mart_dir(data_dir) / name: digest for name, digest in marker["files"].items()}
    integrity.verify(
        data_dir, digests, f"has changed since the mart was built (its checksum is not the one in {MARKER})"
    )


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
    journal.recover(data_dir)
    marker = read_marker(data_dir)
    if _up_to_date(data_dir, marker, check=True):
        return {**marker, "skipped": True}
    return build_mart(data_dir)


def inputs_token(marker: dict) -> str:
    """A token of the mart's inputs (`current_mart`'s marker): what is computed from the
    mart is remembered under it."""
    return hashlib.sha256(json.dumps(marker["inputs"], sort_keys=True).encode()).hexdigest()


def current_mart(data_dir: Path | str) -> dict:
    """The marker of an up-to-date mart, for reads; reads never build it. A missing or stale
    mart is an input error that says what to run."""
    storage.require_tables(data_dir)
    with journal.locked(mart_dir(data_dir), shared=True):  # not while a build replaces blocks
        marker = read_marker(data_dir)
        if marker is None or not _complete(data_dir, marker):
            raise InputError(f"no indicator mart in {mart_dir(data_dir)}: run `p06 mart` first")
        if not _up_to_date(data_dir, marker):
            raise InputError(
                f"the indicator mart in {mart_dir(data_dir)} is older than the data in "
                f"{storage.processed_dir(data_dir)}: run `p06 mart` (or the notebook's set-up cell) again"
            )
        _verify_blocks(data_dir, marker)
    return marker
