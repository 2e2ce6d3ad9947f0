"""Monthly series of indicators for charts: each month read as a period of its own.

Flows are the month's counts, stocks are summed from the first month of the data to the
month's end, catalogue-type figures are the month's own: the same definitions as the
indicator engine, applied month by month to the mart.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from helpers import storage
from helpers.indicators import ratio, specs
from helpers.mart import block_path, ensure_mart
from helpers.periods import month_from_index, month_index
from helpers.units import Unit


def _mart_key(unit: Unit) -> tuple[str, str]:
    return unit.level, unit.code


def monthly(unit: Unit, start: date, end: date, indicators: list[str], data_dir: Path | str) -> pd.DataFrame:
    """Indicator values per month from `start` to `end`; one column per indicator.

    Months without any data in a block show as missing for that block's indicators.
    """
    marker = ensure_mart(data_dir)
    wanted = [s for s in specs() if s.id in indicators and s.block]
    months = [month_from_index(i) for i in range(month_index(start), month_index(end) + 1)]
    out = pd.DataFrame(index=pd.Index(months, name="month"))
    level, code = _mart_key(unit)
    for block in sorted({s.block for s in wanted}):
        mine = [s for s in wanted if s.block == block]
        if block not in marker["blocks"]:
            for s in mine:
                out[s.id] = float("nan")
            continue
        columns = sorted({p[0] for s in mine for p in (s.numerator, s.denominator) if p})
        con = storage.shared_connection()
        rows = con.execute(
            f"SELECT month, {', '.join(columns)} FROM read_parquet(?) "
            "WHERE level = ? AND unit_code = ? AND month <= ? ORDER BY month",
            [str(block_path(data_dir, block)), level, code, end],
        ).df()
        rows["month"] = pd.to_datetime(rows["month"]).dt.date
        rows = rows.set_index("month")
        present = rows.index
        if len(present):
            first = min(present)
            full = [month_from_index(i) for i in range(month_index(first), month_index(end) + 1)]
            rows = rows.reindex(full, fill_value=0)
        for s in mine:
            num = _window(rows, *s.numerator)
            value = ratio(num, _window(rows, *s.denominator)) if s.denominator else num
            out[s.id] = value.reindex(months).where(
                [m >= min(present) if len(present) else False for m in months]
            )
    return out


def _window(rows: pd.DataFrame, column: str, window: str) -> pd.Series:
    series = rows[column].astype(float)
    return series.cumsum() if window == "to_date" else series
