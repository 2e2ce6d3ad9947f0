"""What the National Public Service Portal counts of the sample's dossiers, for the sample's
official Decision 766 index (`helpers.data.sample.official`): `Tally`, per commune and per
department (a province's own dossiers, shared among its departments by procedure) and month.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers.core import reference
from helpers.data.sample.tasks import vocabulary

if TYPE_CHECKING:
    from helpers.data.sample.generator import Generator

RECEIVED = ("received", "synced", "online", "fee", "paid", "digitised")
FINISHED = ("finished", "e_result", "rated", "satisfied")
LAGS = 3
"""A dossier falls overdue in its month of receipt or up to this many months later (the
sample's time limits are at most 30 days; a later month is counted as this one)."""


@lru_cache(maxsize=1)
def departments() -> tuple[str, ...]:
    return tuple(vocabulary()["portal_departments"])


def _months(days: np.ndarray) -> np.ndarray:
    """Months since January 1970 of days (datetime64[D])."""
    return days.astype("datetime64[M]").astype(np.int64)


class Tally:
    """What the portal counts of the sample's dossiers, per unit (communes, then departments)
    and month: received-based counts by month of receipt, those finished by month of
    finishing, and the late ones by month of receipt and months until they fall overdue."""

    def __init__(self, gen: Generator) -> None:
        self.first = int(_months(np.datetime64(gen.months[0], "D")))
        self.n_months = len(gen.months)
        self.communes = pa.array(gen.communes["commune_code"].to_numpy(object), pa.string())
        self.provinces = pa.array(current_provinces(gen), pa.string())
        self.procedures = pa.array(gen.catalogue.codes, pa.string())
        n = len(self.communes) + len(self.provinces) * len(departments())
        self.received = np.zeros((n, self.n_months, len(RECEIVED)), np.int64)
        self.finished = np.zeros((n, self.n_months, len(FINISHED)), np.int64)
        self.late = np.zeros((n, self.n_months, LAGS + 1), np.int64)

    def add(self, table: pa.Table, col: int) -> None:
        """Count one month of dossiers (month `col` of the sample)."""
        keys = pc.index_in(table["commune_code"], value_set=self.communes).to_numpy(zero_copy_only=False)
        own = pc.equal(table["agency_level"], "province").to_numpy(zero_copy_only=False)
        province = pc.index_in(table["province_code"], value_set=self.provinces).to_numpy(
            zero_copy_only=False
        )
        procedure = pc.index_in(table["procedure_code"], value_set=self.procedures).to_numpy(
            zero_copy_only=False
        )
        department = len(self.communes) + province * len(departments()) + procedure % len(departments())
        flags = {c: table[n].to_numpy(zero_copy_only=False) for c, n in
                 (("synced", "synced"), ("fee", "fee_required"), ("paid", "paid_online"),
                  ("digitised", "digitised"), ("e_result", "e_result"))}  # fmt: skip
        flags["online"] = pc.equal(table["channel"], "online").to_numpy(zero_copy_only=False)
        flags["received"] = np.ones(len(keys), bool)
        flags["paid"] = flags["paid"] & flags["fee"]
        rating = table["rating"]
        flags["rated"] = pc.is_valid(rating).to_numpy(zero_copy_only=False)
        flags["satisfied"] = pc.fill_null(pc.equal(rating, "satisfied"), False).to_numpy(zero_copy_only=False)
        finished_on = table["finished_on"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
        due_on = table["due_on"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
        done = ~np.isnat(finished_on)
        flags["finished"] = done
        finished_month = np.where(done, _months(finished_on) - self.first, 0)
        late = ~np.isnat(due_on) & (~done | (finished_on > due_on))
        lag = np.clip(_months(due_on + 1) - self.first - col, 0, LAGS)
        for unit, rows in ((keys, slice(None)), (department[own], own)):
            self._count(unit, rows, flags, finished_month, late, lag, col)

    def _count(self, unit, rows, flags, finished_month, late, lag, col) -> None:
        size = len(self.received)
        for j, name in enumerate(RECEIVED):
            self.received[:, col, j] += np.bincount(unit[flags[name][rows]], minlength=size)
        cells = unit * self.n_months + finished_month[rows]
        for j, name in enumerate(FINISHED):
            counted = flags[name][rows] & flags["finished"][rows]
            self.finished[..., j] += np.bincount(cells[counted], minlength=size * self.n_months).reshape(
                size, self.n_months
            )
        overdue = late[rows]
        cells = unit[overdue] * (LAGS + 1) + lag[rows][overdue]
        self.late[:, col, :] += np.bincount(cells, minlength=size * (LAGS + 1)).reshape(size, LAGS + 1)

    def window(self, start: int, end: int) -> dict[str, np.ndarray]:
        """Every counter per unit over months `start`..`end` of the sample, as seen at the end
        of month `end`: `on_time` is received less those overdue by then."""
        out = {n: self.received[:, start : end + 1, j].sum(axis=1) for j, n in enumerate(RECEIVED)}
        out |= {n: self.finished[:, start : end + 1, j].sum(axis=1) for j, n in enumerate(FINISHED)}
        overdue = sum(self.late[:, start : end + 1 - k, k].sum(axis=1) for k in range(LAGS + 1))
        out["on_time"] = out["received"] - overdue
        return out


def current_provinces(gen: Generator) -> list[str]:
    """The current provinces of the sample's legacy provinces, in code order."""
    return sorted({reference.crosswalk()[c] for c in gen.legacy["legacy_province_code"]})
