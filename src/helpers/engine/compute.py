"""Indicator values from the mart: sums of counts over the windows of a period, for many
units at once, with the months the data covers and the optional columns it lacks.

A ratio is computed once, at the end, and is missing (NaN) when its denominator is 0. A
flow over a partly covered period sums the covered months; a last-month or stock figure is
read at the last covered month (`as_of`)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import reference
from helpers.core.periods import Period, month_index
from helpers.data import storage
from helpers.engine.basis import EXTRA_COLUMNS, Bases
from helpers.engine.blocks import BLOCKS_BY_NAME
from helpers.engine.mart import block_path, mart_dir
from helpers.engine.official import indicator_rows
from helpers.engine.score import score_766
from helpers.engine.specs import Spec, specs
from helpers.engine.windows import window_sum_sql


def _known_column(block: str, column: str) -> tuple[str, str]:
    """(known count, base measure) of an optional column in a block."""
    return f"known_{column}", BLOCKS_BY_NAME[block].known[column]


def _needed(block: str) -> list[tuple[str, str]]:
    """Every (column, window) the block's indicators read, including the counts of known
    values that tell whether an optional column was there."""
    parts: set[tuple[str, str]] = set()
    for s in specs():
        if s.block != block:
            continue
        parts.update(p for p in (s.numerator, s.denominator) if p)
        for column in s.needs:
            known, base = _known_column(block, column)
            parts.update({(known, s.window), (base, s.window), (known, "to_date"), (base, "to_date")})
    parts.update(EXTRA_COLUMNS.get(block, ()))
    return sorted(parts)


def level_units(level: str) -> list[str]:
    """Every unit of a mart level, in reference order: what one computation covers."""
    if level == "province":
        return reference.provinces()["province_code"].tolist()
    if level == "legacy_province":
        return list(reference.crosswalk())
    if level == "commune":
        return reference.communes()["commune_code"].tolist()
    return ["VN"]


def _commune_provinces(con) -> str:
    """A relation of commune → province in the shared connection (registered once): a
    commune is covered when its province is (files are per province)."""
    name = "p06_commune_province"
    if name not in {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}:
        con.register(name, reference.communes()[["commune_code", "province_code"]])
    return name


def block_values(
    data_dir: Path | str, block: str, level: str, period: Period, units: list[str] | None = None
) -> pd.DataFrame:
    """One row per unit of the level (of `units`, where given) that has rows in the block:
    the months of the period its data covers, the last covered month up to the period's
    end, and the sums of the block's columns over each window (the last-month window read
    at the last covered month). One query per block."""
    con = storage.shared_connection()
    path = str(block_path(data_dir, block))
    if level == "commune":
        keyed = (
            f"SELECT b.*, m.province_code AS cov_unit FROM read_parquet($path) b "
            f"LEFT JOIN {_commune_provinces(con)} m ON b.unit_code = m.commune_code"
        )
        cov_level = "province"
    else:
        keyed, cov_level = "SELECT b.*, b.unit_code AS cov_unit FROM read_parquet($path) b", level
    among = "" if units is None else "AND list_contains($units, b.unit_code)"
    sums = [
        window_sum_sql(column, window, period.start, period.end, "c.last_covered", table="k")
        for column, window in _needed(block)
    ]
    sql = f"""
        WITH cov AS (
            SELECT unit_code AS cov_unit, count(*) FILTER (WHERE month >= $start) AS months_covered,
                   max(month) AS last_covered
            FROM read_parquet($path) WHERE level = $cov_level AND rows > 0 AND month <= $end
            GROUP BY unit_code),
        k AS ({keyed} WHERE b.level = $level AND b.month <= $end {among})
        SELECT k.unit_code, any_value(c.months_covered) AS months_covered,
               any_value(c.last_covered) AS last_covered, {", ".join(sums)}
        FROM k LEFT JOIN cov c ON k.cov_unit = c.cov_unit GROUP BY k.unit_code
    """
    params = {"path": path, "start": period.start, "end": period.end, "level": level, "cov_level": cov_level}
    params |= {} if units is None else {"units": units}
    frame = con.execute(sql, params).df().set_index("unit_code")
    frame["last_covered"] = [None if pd.isna(m) else m.date() for m in pd.to_datetime(frame["last_covered"])]
    if BLOCKS_BY_NAME[block].listing:  # a list known up to its last month covers every month before
        last = frame["last_covered"].dropna()
        frame.loc[last.index, "months_covered"] = [
            max(0, min(period.n_months, month_index(m) - month_index(period.start) + 1)) for m in last
        ]
    return frame


def ratio(numerator, denominator):
    """100 × numerator ÷ denominator; missing where the denominator is 0 or missing."""
    den = np.where(np.asarray(denominator, float) > 0, denominator, np.nan)
    out = 100.0 * np.asarray(numerator, float) / den
    return pd.Series(out, index=numerator.index) if isinstance(numerator, pd.Series) else out


def _array(frame: pd.DataFrame | None, name: str, n: int) -> np.ndarray:
    if frame is None or name not in frame:
        return np.full(n, np.nan)
    return frame[name].to_numpy(dtype=float, na_value=np.nan)


def has_data(window: str, months_covered, last_covered):
    """Whether units have data for an indicator read through `window` (arrays or one value):
    a flow when the data covers a month of the period, a last-month or stock figure when it
    covers a month up to the period's end (`last_covered`, the figure's `as_of`)."""
    if window == "period":
        return np.asarray(months_covered) > 0
    return pd.notna(np.asarray(last_covered, dtype=object))


def _indicator(s: Spec, frame: pd.DataFrame | None, n: int) -> dict[str, np.ndarray]:
    """Numerator, denominator, value, coverage and the facts the notes are written from, for
    one indicator and every unit (arrays in unit order)."""
    num = _array(frame, "@".join(s.numerator), n)
    den = _array(frame, "@".join(s.denominator), n) if s.denominator else np.full(n, np.nan)
    value = ratio(num, den) if s.denominator else num
    covered = _array(frame, "months_covered", n)
    covered = np.where(np.isnan(covered), 0, covered).astype(int)
    last = frame["last_covered"].to_numpy(dtype=object) if frame is not None else np.full(n, None)
    covers = has_data(s.window, covered, last)
    absent, partly = _missing_columns(s, frame, n)
    keep = covers & (absent == "")
    return {
        "numerator": np.where(keep, num, np.nan),
        "denominator": np.where(keep, den, np.nan),
        "value": np.where(keep, value, np.nan),
        "months_covered": covered,
        "as_of": np.where(covers, last, None) if s.window != "period" else np.full(n, None),
        "absent": absent,
        "partly": partly,
    }


def _missing_columns(s: Spec, frame: pd.DataFrame | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: the needed column the data never carries (`absent`), and the first one it
    carries for only some records of the period (`partly`, as `column:known:base`)."""
    absent = np.full(n, "", dtype=object)
    partly = np.full(n, "", dtype=object)
    for column in s.needs if frame is not None else ():
        known, base = _known_column(s.block, column)
        k_all, b_all = _array(frame, f"{known}@to_date", n), _array(frame, f"{base}@to_date", n)
        absent = np.where((absent == "") & (k_all == 0) & (b_all > 0), column, absent)
        k, b = _array(frame, f"{known}@{s.window}", n), _array(frame, f"{base}@{s.window}", n)
        some = (partly == "") & (k < b) & (k > 0)
        described = [f"{column}:{int(x)}:{int(y)}" if z else "" for x, y, z in zip(k, b, some, strict=True)]
        partly = np.where(some, described, partly)
    return absent, partly


def compute(
    data_dir: Path | str, level: str, period: Period, blocks: list[str], units: list[str] | None = None
) -> pd.DataFrame:
    """Numerator, denominator, value and coverage of every indicator for every unit of a level
    (or for `units` of it).

    Long format: unit_code, indicator, numerator, denominator, value, months,
    months_covered, as_of (the month a last-month or stock figure is read at, the snapshot's
    date of an official figure), absent and partly (optional columns missing), basis (what
    the figure is made of: engine/basis.py), and for the official index
    `helpers.engine.official.OFFICIAL_COLUMNS`. An indicator whose block is missing (table
    absent, or no commune detail) has missing values throughout.
    """
    part = units is not None  # some units of the level (a batch's), each computed as in the whole
    units = level_units(level) if units is None else units
    n = len(units)
    among = units if part else None
    frames = {b: block_values(data_dir, b, level, period, among).reindex(units) for b in blocks}
    bases = Bases(data_dir, level, period, frames, units)
    parts = {"unit_code": [], "indicator": []}
    columns: dict[str, list] = {}
    for s in specs():
        if s.block is None:
            continue
        values = _indicator(s, frames.get(s.block), n)
        values["basis"] = bases.of(s)
        parts["unit_code"].append(units)
        parts["indicator"].append([s.id] * n)
        for key, array in values.items():
            columns.setdefault(key, []).append(array)
    long = pd.DataFrame(
        {
            "unit_code": np.concatenate(parts["unit_code"]),
            "indicator": np.concatenate(parts["indicator"]),
            **{k: np.concatenate(v) for k, v in columns.items()},
        }
    )
    long["months"] = period.n_months
    score = score_766(long)
    received = long[long["indicator"] == "dossiers_received"].set_index("unit_code")["months_covered"]
    score["months"] = period.n_months
    score["months_covered"] = score["unit_code"].map(received).fillna(0).astype(int)
    score["as_of"], score["absent"], score["partly"], score["basis"] = None, "", "", ""
    official = indicator_rows(data_dir, level, period, units).assign(basis="")
    return pd.concat([long, score, official], ignore_index=True)


def shared_path(
    data_dir: Path | str, level: str, period: Period, blocks: tuple[str, ...], token: str, scope: tuple = ()
) -> Path:
    """Where a batch leaves a computation every report of it reads (beside the mart, named by
    the mart's inputs, so a change to the data never reads a stale one, and by its `scope`)."""
    named = [level, str(period), list(blocks), token] + ([list(scope)] if scope else [])
    key = hashlib.sha256(json.dumps(named).encode()).hexdigest()[:20]
    return mart_dir(data_dir) / "shared" / f"{level}-{key}.parquet"


def level_scope(level: str, scope: tuple[str, ...]) -> tuple[str, ...]:
    """A batch's scope as it applies to a level: only the communes' level is computed in
    part (a few dozen provinces are computed whole)."""
    return scope if level == "commune" else ()


def scope_units(level: str, scope: tuple[str, ...]) -> list[str] | None:
    """The units of a level a batch computes for a `scope` (the communes of those provinces,
    in reference order); None for every unit (no scope, or a level other than communes')."""
    if not level_scope(level, scope):
        return None
    communes = reference.communes()
    return communes.loc[communes["province_code"].isin(scope), "commune_code"].tolist()


def precompute(
    data_dir: Path | str, level: str, period: Period, blocks: tuple[str, ...], token: str, scope: tuple = ()
) -> Path:
    """Compute the units of a level a batch reads once (every unit, or those of `scope`) and
    leave them for its reports to read (`p06 build` calls this before its workers start; a
    notebook on its own computes)."""
    target = shared_path(data_dir, level, period, blocks, token, scope)
    if not target.exists():
        frame = compute(data_dir, level, period, list(blocks), scope_units(level, scope))
        frame = frame.assign(as_of=_dates_as(frame["as_of"], lambda m: m.isoformat()))
        with storage.atomic_path(target) as tmp:
            frame.to_parquet(tmp, index=False)
    return target


def _day(text) -> date | None:
    return date.fromisoformat(text) if isinstance(text, str) else None


def _dates_as(values: pd.Series, convert) -> list:
    """`as_of` written as text for a file, or read back as dates: each of its few distinct
    values converted once (a computation holds one per unit and indicator)."""
    values = values.tolist()
    done = {v: None if v is None else convert(v) for v in dict.fromkeys(values)}
    return [done[v] for v in values]


@lru_cache(maxsize=16)
def compute_cached(
    data_dir: str, level: str, period: Period, blocks: tuple[str, ...], mart_token: str, scope: tuple = ()
) -> pd.DataFrame:
    """`compute` for every unit of a level (or those of a batch's `scope`), remembered while
    the mart's inputs (`mart_token`) are the same, and read from what a batch precomputed
    when it is there: every report of a period reads the same computation."""
    path = shared_path(data_dir, level, period, blocks, mart_token, scope)
    if path.exists():
        frame = pd.read_parquet(path)
        frame["as_of"] = _dates_as(frame["as_of"], _day)
    else:
        frame = compute(data_dir, level, period, list(blocks), scope_units(level, scope))
    if scope:
        _HELD[(data_dir, level, period, blocks, mart_token)] = scope
    return frame


_HELD: dict[tuple, tuple] = {}
"""The scope of the computation of part of a level this process holds (a batch's worker)."""


def computation(
    data_dir: str, level: str, period: Period, blocks: tuple[str, ...], mart_token: str, units: list[str]
) -> pd.DataFrame:
    """`compute_cached` that holds `units`: the part of the level a batch computed and this
    process read, where it holds them all, else the whole level."""
    scope = _HELD.get((data_dir, level, period, blocks, mart_token), ())
    if scope and set(units) <= _within(level, scope):
        return compute_cached(data_dir, level, period, blocks, mart_token, scope)
    return compute_cached(data_dir, level, period, blocks, mart_token)


@lru_cache(maxsize=8)
def _within(level: str, scope: tuple[str, ...]) -> frozenset:
    return frozenset(scope_units(level, scope) or ())
