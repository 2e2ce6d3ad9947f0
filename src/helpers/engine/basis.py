"""What a figure is made of, for its note: a stock from monthly figures or from totals to a
date (which dates), a level read from totals, tasks done without a completion date.

Each indicator of a unit gets a `basis`: "" when there is nothing to say, else a small JSON
object the notes are written from (engine/notes.py):
- a stock of `identification` (a column summed to the end of the period): `totals` (how
  many series' figures are totals to a date), `first`/`last` (their dates), `flows` (monthly
  figures count too), `disagree` (series-months whose figures and totals differ); with no
  totals, `totals` is 0: the figure is a sum of monthly figures;
- a level of `services` read from totals in its last month: the same keys;
- `tasks_on_time_pct`: `untimed`, the tasks due that were done with no completion date.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core.periods import Period
from helpers.data import storage
from helpers.engine import stocks
from helpers.engine.mart import block_path
from helpers.engine.specs import Spec

UNTIMED = "tasks_done_undated"

EXTRA_COLUMNS = {"tasks": [(UNTIMED, "period")], "services": [("rows", "last_month")]}
"""Block columns the notes need beyond what the indicators read (column, window)."""


def _stock_column(s: Spec) -> str | None:
    """The flow column an indicator sums to the end of the period (its numerator's first)."""
    for part in (s.numerator, s.denominator):
        if part and part[1] == "to_date":
            return part[0]
    return None


_FACTS = ("totals", "first", "last", "flows", "disagree")
"""The facts of a stock's note, in the order its key holds them."""


def _as_json(facts: dict) -> str:
    return json.dumps(facts, sort_keys=True, default=str)


class Bases:
    """The bases of every indicator of one computation (one level, one period), the side
    tables read once per column."""

    def __init__(self, data_dir: Path | str, level: str, period: Period, frames: dict, units: list[str]):
        self.data_dir, self.level, self.period = data_dir, level, period
        self.frames, self.units = frames, units
        self._facts: dict[tuple[str, str], pd.DataFrame] = {}

    def _side(self, block: str) -> Path | None:
        path = stocks.side_path(block_path(self.data_dir, block))
        return path if path.exists() else None

    def _read(self, block: str, column: str) -> pd.DataFrame:
        key = (block, column)
        if key not in self._facts:
            side, frame = self._side(block), self.frames.get(block)
            if side is None or frame is None:
                self._facts[key] = pd.DataFrame()
            else:
                last = frame["last_covered"].dropna() if block == "services" else None
                con = storage.shared_connection()
                self._facts[key] = stocks.facts(con, side, self.level, column, self.period.end, last)
        return self._facts[key]

    def of(self, s: Spec) -> np.ndarray:
        """The basis of one indicator for every unit (in unit order)."""
        out = np.full(len(self.units), "", dtype=object)
        frame = self.frames.get(s.block)
        if frame is None:
            return out
        if s.id == "tasks_on_time_pct" and f"{UNTIMED}@period" in frame:
            counts = frame[f"{UNTIMED}@period"].fillna(0).to_numpy(dtype=float)
            return np.array([_as_json({"untimed": int(c)}) if c else "" for c in counts], dtype=object)
        if s.block == "identification" and (column := _stock_column(s)):
            return self._stock(frame, "identification", column, "rows@to_date")
        if s.block == "services" and s.numerator and s.numerator[1] == "last_month":
            return self._stock(frame, "services", s.numerator[0], "rows@last_month", only_totals=True)
        return out

    def _stock(
        self, frame: pd.DataFrame, block: str, column: str, rows: str, only_totals: bool = False
    ) -> np.ndarray:
        facts = self._read(block, column)
        known = facts.to_dict("index")  # a unit's facts by key: one lookup each, not a row taken
        written: dict[tuple, str] = {}  # units of the same facts share one note
        no_totals = "" if only_totals else _as_json({"totals": 0})
        out = []
        for unit, mart_rows in zip(self.units, frame[rows].to_numpy(dtype=float, na_value=0.0), strict=True):
            if not mart_rows:
                out.append("")
                continue
            f = known.get(unit)
            if f is None:
                out.append(no_totals)
                continue
            totals = int(f["totals"])
            if only_totals and not totals:
                out.append("")
                continue
            # monthly figures count where a series adds them after its total, or a series the
            # side table does not hold (a province without totals)
            flows = bool(f["flows"] or mart_rows > float(f["side_rows"]))
            key = (totals, _day(f["first"]), _day(f["last"]), flows, int(f["disagree"]))
            if key not in written:
                written[key] = _as_json(dict(zip(_FACTS, key, strict=True)))
            out.append(written[key])
        return np.array(out, dtype=object)


def _day(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date().isoformat()
