"""Indicator values from the mart: sums of counts over the windows of a period, for many
units at once, with the months the data covers and the optional columns it lacks.

A ratio is computed once, at the end, and is missing (NaN) when its denominator is 0. A
flow over a partly covered period sums the covered months; a last-month or stock figure is
read at the last covered month (`as_of`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import reference
from helpers.core.periods import Period, month_index
from helpers.data import storage
from helpers.engine.mart import BLOCKS_BY_NAME, block_path
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
    return sorted(parts)


def coverage(data_dir: Path | str, block: str, level: str, period: Period, units: list[str]) -> pd.DataFrame:
    """Per unit: months of the period the block's data covers, and the last covered month up
    to the period's end. A commune has its province's coverage (files are per province)."""
    where = "province" if level == "commune" else level
    frame = (
        storage.shared_connection()
        .execute(
            "SELECT unit_code, count(*) FILTER (WHERE month >= ?) AS months_covered, "
            "max(month) AS last_covered FROM read_parquet(?) "
            "WHERE level = ? AND rows > 0 AND month <= ? GROUP BY unit_code",
            [period.start, str(block_path(data_dir, block)), where, period.end],
        )
        .df()
        .set_index("unit_code")
    )
    if level == "commune":
        home = reference.communes().set_index("commune_code")["province_code"]
        frame = frame.reindex(home.reindex(units).to_numpy()).set_axis(units)
    frame = frame.reindex(units)
    frame["last_covered"] = pd.to_datetime(frame["last_covered"]).dt.date
    if BLOCKS_BY_NAME[block].listing:  # a list known up to its last month covers every month before
        frame["months_covered"] = [
            0
            if pd.isna(last)
            else max(0, min(period.n_months, month_index(last) - month_index(period.start) + 1))
            for last in frame["last_covered"]
        ]
    frame["months_covered"] = frame["months_covered"].fillna(0).astype(int)
    return frame


def block_sums(
    data_dir: Path | str, block: str, level: str, period: Period, units: list[str], cover: pd.DataFrame
) -> pd.DataFrame:
    """Sums of the block's columns over each window of `period`, one row per unit; the
    last-month window is read at each unit's last covered month."""
    con = storage.shared_connection()
    known = cover.dropna(subset=["last_covered"])
    lasts = pd.DataFrame({"unit_code": known.index, "last_covered": list(known["last_covered"])})
    name = f"p06_cover_{block}_{level}"
    con.register(name, lasts)
    try:
        selects = []
        for column, window in _needed(block):
            if window == "last_month":
                at_last = f"sum(b.{column}) FILTER (WHERE b.month = c.last_covered)"
                selects.append(f'coalesce({at_last}, 0) AS "{column}@{window}"')
            else:
                selects.append(window_sum_sql(column, window, period.start, period.end, table="b"))
        frame = con.execute(
            f"SELECT b.unit_code, {', '.join(selects)} FROM read_parquet(?) b "
            f"JOIN {name} c ON b.unit_code = c.unit_code "
            "WHERE b.level = ? AND b.month <= ? GROUP BY b.unit_code",
            [str(block_path(data_dir, block)), level, period.end],
        ).df()
    finally:
        con.unregister(name)
    return frame.set_index("unit_code").reindex(units)


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """100 × numerator ÷ denominator; missing where the denominator is 0 or missing."""
    den = denominator.where(denominator > 0)
    return 100.0 * numerator / den


def _column(frame: pd.DataFrame | None, part: tuple[str, str] | None, units: list[str]) -> pd.Series:
    if frame is None or part is None:
        return pd.Series(np.nan, index=units)
    return frame[f"{part[0]}@{part[1]}"].astype(float)


def _indicator_rows(
    s: Spec, frame: pd.DataFrame | None, cover: pd.DataFrame | None, units: list[str], period: Period
) -> pd.DataFrame:
    """Numerator, denominator, value, coverage and the facts the notes are written from."""
    num, den = _column(frame, s.numerator, units), _column(frame, s.denominator, units)
    value = ratio(num, den) if s.denominator else num
    covered = cover["months_covered"] if cover is not None else pd.Series(0, index=units)
    last = cover["last_covered"] if cover is not None else pd.Series(None, index=units, dtype=object)
    has_data = covered > 0 if s.window == "period" else last.notna()
    out = pd.DataFrame(
        {
            "unit_code": units,
            "indicator": s.id,
            "numerator": num.where(has_data).values,
            "denominator": den.where(has_data).values,
            "value": value.where(has_data).values,
            "months": period.n_months,
            "months_covered": covered.values,
            "as_of": [m if s.window != "period" else None for m in last],
            "absent": "",
            "partly": "",
        }
    )
    if frame is not None:
        absent, partly = _missing_columns(s, frame)
        out["absent"], out["partly"] = absent.values, partly.values
        for col in ("numerator", "denominator", "value"):
            out[col] = out[col].where(absent.values == "")
    return out


def _missing_columns(s: Spec, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per unit: the needed column the data never carries (`absent`), and the first one it
    carries for only some records of the period (`partly`, as `column:known:base`)."""
    absent = pd.Series("", index=frame.index, dtype=object)
    partly = pd.Series("", index=frame.index, dtype=object)
    for column in s.needs:
        known, base = _known_column(s.block, column)
        never = (frame[f"{known}@to_date"] == 0) & (frame[f"{base}@to_date"] > 0)
        absent = absent.where((absent != "") | ~never, column)
        k, b = frame[f"{known}@{s.window}"], frame[f"{base}@{s.window}"]
        some = (k < b) & (k > 0) & (partly == "")
        partly = partly.where(
            ~some, column + ":" + k.astype("Int64").astype(str) + ":" + b.astype("Int64").astype(str)
        )
    return absent, partly


def compute(
    data_dir: Path | str, level: str, period: Period, units: list[str], blocks: list[str]
) -> pd.DataFrame:
    """Numerator, denominator, value and coverage of every indicator for every unit.

    Long format: unit_code, indicator, numerator, denominator, value, months,
    months_covered, as_of (the month a last-month or stock figure is read at), absent and
    partly (optional columns missing). An indicator whose block is missing (table absent,
    or no commune detail) has missing values throughout.
    """
    covers = {b: coverage(data_dir, b, level, period, units) for b in blocks}
    frames = {b: block_sums(data_dir, b, level, period, units, covers[b]) for b in blocks}
    rows = [
        _indicator_rows(s, frames.get(s.block), covers.get(s.block), units, period)
        for s in specs()
        if s.block is not None
    ]
    long = pd.concat(rows, ignore_index=True)
    score = score_766(long)
    dossiers = long[long["indicator"] == "dossiers_received"].set_index("unit_code")
    score["months"] = period.n_months
    score["months_covered"] = score["unit_code"].map(dossiers["months_covered"]).fillna(0).astype(int)
    score["as_of"], score["absent"], score["partly"] = None, "", ""
    return pd.concat([long, score], ignore_index=True)


@lru_cache(maxsize=16)
def compute_cached(
    data_dir: str,
    level: str,
    period: Period,
    units: tuple[str, ...],
    blocks: tuple[str, ...],
    mart_token: str,
) -> pd.DataFrame:
    """`compute`, remembered while the mart's inputs (`mart_token`) are the same: in a batch
    build, every report of a period ranks its unit among the same peers."""
    return compute(data_dir, level, period, list(units), list(blocks))
