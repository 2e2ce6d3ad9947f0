"""Monthly series of indicators for charts: each month read as a period of its own.

Flows are the month's counts, stocks are summed from the first month of the data to the
month's end, catalogue-type figures are the month's own: the windows of
`helpers.engine.windows` applied month by month to the mart, as the engine applies them
to a period.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers.core.periods import from_months
from helpers.core.units import Unit, province_of
from helpers.data import storage
from helpers.engine.compute import ratio, scope_units
from helpers.engine.mart import block_path, current_mart, inputs_token
from helpers.engine.specs import specs
from helpers.engine.windows import monthly_column, monthly_window


def monthly(
    unit: Unit, start: date, end: date, indicators: list[str], data_dir: Path | str, part: str = "value"
) -> pd.DataFrame:
    """Indicator values per month from `start` to `end`; one column per indicator. With
    `part="denominator"`, each month's denominator instead (how many dossiers a monthly
    rate is computed over; missing for a count).

    Months the data does not cover (no rows in the block for the unit) show as missing.
    """
    marker = current_mart(data_dir)
    wanted = [s for s in specs() if s.id in indicators and s.block]
    out = pd.DataFrame(index=pd.Index(from_months(start, end).months(), name="month"))
    for block in sorted({s.block for s in wanted}):
        mine = [s for s in wanted if s.block == block]
        if block not in marker["blocks"]:
            for s in mine:
                out[s.id] = float("nan")
            continue
        rows = _block_rows(data_dir, block, unit, end, mine, marker)
        covered = rows.index[rows["rows"] > 0] if len(rows) else rows.index
        if len(rows):
            rows = rows.reindex(from_months(min(rows.index), end).months(), fill_value=0)
        for s in mine:
            num = monthly_window(rows[monthly_column(*s.numerator)], s.numerator[1])
            den = None
            if s.denominator:
                den = monthly_window(rows[monthly_column(*s.denominator)], s.denominator[1])
            if part == "denominator":
                value = den.astype(float) if den is not None else num * float("nan")
            else:
                value = ratio(num, den) if den is not None else num
            out[s.id] = value.reindex(out.index).where(out.index.isin(covered))
    return out[[i for i in indicators if i in out]]


def _block_rows(
    data_dir: Path | str, block: str, unit: Unit, end: date, mine: list, marker: dict
) -> pd.DataFrame:
    """The unit's months of a block up to `end`, with the columns its indicators read."""
    columns = sorted({"rows"} | {monthly_column(*p) for s in mine for p in (s.numerator, s.denominator) if p})
    path = str(block_path(data_dir, block))
    frame, positions = _group_rows(path, unit.level, _group(unit), inputs_token(marker))
    rows = frame.iloc[positions.get(unit.code, [])]
    return rows.loc[rows["month"] <= end, ["month", *columns]].set_index("month")


def _group(unit: Unit) -> str:
    """The units read together with this one: a commune's province's communes; every unit
    of any other level (a few dozen)."""
    return (province_of(unit.code) or "") if unit.level == "commune" else ""


@lru_cache(maxsize=16)  # each block of the provinces a worker's reviews are in
def _group_rows(path: str, level: str, group: str, token: str) -> tuple[pd.DataFrame, dict]:
    """The months of a block of every unit of a group (`_group`), in month order, with the
    columns any indicator's chart reads, and each unit's rows by position: read once for
    all the reviews of a batch instead of once for each, remembered while the mart's inputs
    (`token`) are the same."""
    wanted = {"rows"} | {monthly_column(*p) for s in specs() for p in (s.numerator, s.denominator) if p}
    con = storage.shared_connection()
    held = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()]
    columns = ", ".join(c for c in held if c in wanted)
    codes = scope_units("commune", (group,)) if group else []
    among = "AND list_contains($codes, unit_code)" if group else ""
    rows = con.execute(
        f"SELECT unit_code, month, {columns} FROM read_parquet($path) "
        f"WHERE level = $level {among} ORDER BY unit_code, month",
        {"path": path, "level": level} | ({"codes": codes} if group else {}),
    ).df()
    rows["month"] = pd.to_datetime(rows["month"]).dt.date
    return rows, rows.groupby("unit_code", sort=False).indices
