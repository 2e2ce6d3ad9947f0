"""The `index_766` table of the sample: the official Decision 766 index as the National Public
Service Portal would publish it for the sample's provinces, their departments and communes
(DESIGN.md sections 5, 7 and 9), labelled synthetic like the rest of the sample.

It is made from the sample's own dossiers. While they are written, `Tally` counts per commune,
and per department (a province's own dossiers, shared among its departments by procedure),
what the portal counts: dossiers received, synchronised, online, with a fee, paid online,
digitised, falling overdue, finished, with an electronic result, rated and satisfied, by
month. `index_table` turns the counts of each snapshot (a period and the date the figures
were taken) into the portal's metrics, numerator over denominator. The portal's counts are
not the province's own: each unit has a fixed offset per metric (the portal sees fewer
dossiers synchronised than the provincial system says, say), so that our estimate and the
official index differ by amounts a review can explain metric by metric. What dossiers cannot
give (procedures updated on time, petitions, data reused...) is invented per unit around its
province's performance, rising over time.

Scores follow the catalog's formulas (`score_766` in indicators.yml) and are rounded to two
decimals as the portal publishes them; a group's score is its parts' exact sum, rounded, so
the engine recomputes it within 0.005 points. The online-services group, whose formula the
portal does not publish, is an invented function of its two published parameters. The total
is the sum of the six groups. No rank is published: the engine ranks by the published score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers.core import reference
from helpers.core.periods import parse_period
from helpers.data.sample.clock import clock
from helpers.data.sample.portal_units import Units, units_of
from helpers.data.sample.tally import Tally, departments
from helpers.data.schema import arrow_schema

if TYPE_CHECKING:
    from helpers.data.sample.generator import Generator

SNAPSHOTS: dict[str, tuple[str, ...]] = {
    "2025": ("2025-09-30", "2025-11-30", "2025-12-31"),
    "2026-Q1": ("2026-02-28", "2026-03-31"),
    "2026-Q2": ("2026-05-31", "2026-06-30"),
    "2026-Q3": ("2026-08-31", "2026-09-30"),
    "2026": ("2026-06-30", "2026-09-30", "2026-10-31"),
}
"""The periods the sample's index covers and the dates of their snapshots (each the period
to that date). 2025 is the year `make reports` builds; 2026's quarters and its year to date
are what reviews of the sample's last year ask for (its fourth quarter is left out: the
sample ends in October). The portal's index begins with Decision 766 in 2022, but the sample
holds none before 2025, so the seed review (2022-2023) says it has none. Every period is on
the 34 current provinces and their communes."""


def communes_with_metrics(period: str, latest: bool) -> bool:
    """Whether a snapshot lists the communes' metrics (numerators and denominators): only the
    latest snapshot of a year, as a crawler keeps the full pages of its last visit to the
    yearly ranking; every other snapshot gives each commune's group scores and total, enough
    for its standing and trend, at a fraction of the rows."""
    return latest and parse_period(period).kind == "year"


COMMUNE_PROCEDURES = (90, 150)
"""Procedures a commune handles (low inclusive, high exclusive)."""
UPDATES_PER_YEAR = 0.3
"""Procedures updated in a year, as a share of those a unit handles."""
COPIES_PER_DOSSIER = 0.1
"""Requests for electronic certified copies per dossier received."""
PETITIONS_PER_DOSSIER = (0.004, 0.5)
"""Citizens' petitions per dossier received: median, and log-normal sigma across units."""
FROM_2025_07 = clock(date(2025, 7, 1))
"""The clock's month invented ratios are centred on (they rise by their yearly `rise`)."""


@dataclass(frozen=True)
class FromDossiers:
    """A metric counted from the dossiers: numerator and denominator counters of `Tally`,
    and the portal's offset from the province's own count (percentage points of the
    denominator: mean and spread across units)."""

    numerator: str
    denominator: str
    offset: float = 0.0
    spread: float = 0.0


@dataclass(frozen=True)
class Invented:
    """A metric the dossiers cannot give: its denominator (`procedures`, `fee_procedures`,
    `updates`, `received`, `copies`, `petitions`), its percentage at July 2025 for an average
    unit, how much one unit of performance moves it, its spread across units, its rise per
    year, and its ceiling."""

    denominator: str
    mean: float
    per_z: float
    spread: float
    rise: float
    cap: float = 100.0


METRICS: dict[str, FromDossiers | Invented] = {
    "PUBLISH_ON_TIME": FromDossiers("published", "procedures", -2.0, 2.0),
    "PUBLIC_UPDATE_ON_TIME": Invented("updates", 78, 5, 10, 4),
    "PUBLIC_CONTENT_FULL": Invented("procedures", 95, 2, 3, 1),
    "DOSSIER_SYNC": FromDossiers("synced", "received", -8.0, 5.0),
    "ON_TIME": FromDossiers("on_time", "received", -7.0, 4.0),
    "FULL_ONLINE_PROCEDURES": Invented("procedures", 50, 10, 10, 6),
    "ONLINE_CHANNEL_DOSSIERS": FromDossiers("online", "received"),
    "PAID_ONLINE_DOSSIERS": FromDossiers("paid", "fee", -3.0, 3.0),
    "ONLINE_PAYMENT_PROCEDURES": Invented("fee_procedures", 60, 10, 12, 5),
    "FEE_PROCEDURES_WITH_DOSSIERS": Invented("fee_procedures", 55, 6, 8, 2, cap=80),
    "ORIGINAL_RESULT_AVAILABLE": FromDossiers("e_result", "finished", -10.0, 6.0),
    "SO_HOA_GIAY_TO_GIAI_QUYET": FromDossiers("digitised", "received", -3.0, 3.0),
    "REUSED_DIGITIZED_DATA": Invented("received", 30, 10, 12, 8),
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": Invented("received", 25, 8, 10, 8),
    "CITIZEN_DATA_CONNECTED_DOSSIER": Invented("received", 45, 10, 12, 6),
    "CITIZEN_DATA_CONNECTED_FORMALITY": Invented("procedures", 40, 10, 12, 6),
    "ELECTRONIC_CERTIFIED_COPY": Invented("copies", 70, 10, 15, 5),
    "DOSSIER_RECEIVING_SATISFACTION": FromDossiers("satisfied", "rated", 0.5, 2.0),
    "PETITION_PROCESSING_ON_TIME": Invented("petitions", 80, 6, 10, 3),
    "PETITION_HANDLING_SATISFACTION": Invented("petitions", 72, 6, 12, 3),
}
"""Every metric the sample publishes and where its figures come from: the parts of the
catalog's groups, and the two parameters of the online-services group."""

ONLINE_SCORE = {"FULL_ONLINE_PROCEDURES": (6.0, 80.0), "ONLINE_CHANNEL_DOSSIERS": (6.0, 70.0)}
"""The invented score of the online-services group: each parameter's (points, percentage
for full points). The portal publishes these parameters, not its formula."""

# ---- the figures of a snapshot ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def parts() -> dict[str, dict]:
    """The portal's metric code → its group and the catalog's points, threshold and `empty`
    (none for the parameters of the online-services group, which score nothing)."""
    out = {}
    for group in reference.catalog()["score_766"]:
        for item in [*group["parts"], *group.get("parameters", [])]:
            if item.get("metric") in METRICS:
                out[item["metric"]] = {"group": group["group"], **item}
    return out


def _counts(units: Units, tally: Tally, start: int, end: int, catalogue: dict) -> dict[str, np.ndarray]:
    """Every counter of every unit over a snapshot's months: communes and departments from
    `Tally`, provinces the sum of their communes; procedures from the catalogue."""
    window = tally.window(start, end)
    n_provinces = int(units.of_province.max()) + 1
    communes = units.level == "commune"
    out = {}
    for name, values in window.items():
        mine = np.where(units.row >= 0, values[np.maximum(units.row, 0)], 0)
        summed = np.bincount(units.of_province[communes], weights=mine[communes], minlength=n_provinces)
        out[name] = np.where(units.level == "province", summed[np.maximum(units.of_province, 0)], mine)
    out |= {name: values for name, values in catalogue.items()}
    months = end - start + 1
    out["updates"] = np.maximum(1, np.round(out["procedures"] * UPDATES_PER_YEAR * months / 12))
    out["copies"] = np.round(out["received"] * COPIES_PER_DOSSIER)
    median, sigma = PETITIONS_PER_DOSSIER
    out["petitions"] = np.round(out["received"] * median * np.exp(sigma * units.draws[:, -1]))
    return {k: np.asarray(v, float) for k, v in out.items()}


def _catalogue(units: Units, gen: Generator, procedures: pa.Table, month: date) -> dict[str, np.ndarray]:
    """Procedures each unit handles, those published and those with a fee: a province's from
    the sample's procedure catalogue in the snapshot's month, a department's its share of the
    catalogue, a commune's drawn; published as its province."""
    in_month = procedures.filter(pc.equal(procedures["month"], pa.scalar(month, pa.date32())))
    by = in_month.group_by("province_code").aggregate(
        [("procedure_code", "count"), ("published", "sum"), ("fee_required", "sum")]
    )
    found = {c: i for i, c in enumerate(by["province_code"].to_pylist())}
    provinces = [c for c in units.province[units.level == "province"]]
    take = np.array([found.get(c, -1) for c in provinces])

    def province(column: str) -> np.ndarray:
        values = by[column].to_numpy(zero_copy_only=False).astype(float)
        return np.where(take >= 0, values[np.maximum(take, 0)], 0.0)

    total, published, fee = (
        province("procedure_code_count"),
        province("published_sum"),
        province("fee_required_sum"),
    )
    n_departments = len(departments())
    codes, fees = np.arange(len(gen.catalogue.codes)) % n_departments, gen.catalogue.fee
    department_total = np.bincount(codes, minlength=n_departments).astype(float)
    department_fee = np.bincount(codes, weights=fees.astype(float), minlength=n_departments)
    low, high = COMMUNE_PROCEDURES
    commune_total = np.floor(low + (high - low) * (0.5 + np.clip(units.draws[:, -2], -2, 2) / 4))
    p = np.maximum(units.of_province, 0)
    first = int((units.level == "commune").sum())  # the departments' rows of `Tally` follow the communes'
    d = np.where(units.level == "department", units.row - first, 0) % n_departments
    handled = np.select(
        [units.level == "province", units.level == "department", units.level == "commune"],
        [total[p], department_total[d], commune_total],
        0.0,
    )
    fee_share = np.where(total > 0, fee / np.maximum(total, 1), 0.0)
    with_fee = np.select(
        [units.level == "province", units.level == "department"], [fee[p], department_fee[d]],
        np.round(handled * fee_share[p]),
    )  # fmt: skip
    share = np.where(total > 0, published / np.maximum(total, 1), 0.0)
    return {
        "procedures": handled,
        "published": np.where(units.level == "province", published[p], np.round(handled * share[p])),
        "fee_procedures": with_fee,
    }


def _figures(units: Units, counts: dict[str, np.ndarray], as_of: date) -> dict[str, tuple]:
    """Each metric's numerator and denominator for every unit, as the portal counts them."""
    out = {}
    years = (clock(as_of.replace(day=1)) - FROM_2025_07) / 12
    for i, (metric, source) in enumerate(METRICS.items()):
        draw = units.draws[:, 1 + i]
        den = counts[source.denominator]
        if isinstance(source, FromDossiers):
            shifted = counts[source.numerator] + (source.offset + source.spread * draw) / 100 * den
            num = np.clip(np.round(shifted), 0, den)
        else:
            pct = source.mean + source.per_z * units.z + source.spread * draw + source.rise * years
            num = np.round(den * np.clip(pct, 0, source.cap) / 100)
        out[metric] = (num, den)
    return out


def _points(metric: str, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """A part's points by the catalog's formula: min(points, points × ratio ÷ threshold); with
    nothing counted, its `empty` points where it has them, else none."""
    part = parts()[metric]
    pct = np.where(den > 0, 100 * num / np.where(den > 0, den, 1), np.nan)
    points = float(part["points"])
    earned = np.minimum(points, points * pct / float(part.get("threshold") or 100))
    return np.where(np.isnan(pct) & (part.get("empty") is not None), float(part.get("empty") or 0), earned)


# ---- the rows ---------------------------------------------------------------------------------------------


@dataclass
class Block:
    """Rows of one snapshot for one group or metric: the units (positions in `Units`) and
    their figures."""

    period: str
    as_of: date
    units: np.ndarray
    group: str
    metric: str | None
    numerator: np.ndarray | None
    denominator: np.ndarray | None
    ratio: np.ndarray
    score: np.ndarray
    max_score: float | None


def _snapshot(units: Units, counts: dict, period: str, as_of: date, latest: bool) -> list[Block]:
    """The rows of one snapshot: every metric (communes' in the latest snapshot only), every
    group and the total, for every unit; the country's groups and total."""
    figures = _figures(units, counts, as_of)
    listed = units.level != "country"
    with_metrics = listed & ((units.level != "commune") | communes_with_metrics(period, latest))
    blocks, groups = [], {}
    for group in reference.catalog()["score_766"]:
        name, exact = group["group"], np.zeros(len(units))
        for metric in [m for m, part in parts().items() if part["group"] == name]:
            num, den = figures[metric]
            pct = np.where(den > 0, 100 * num / np.where(den > 0, den, 1), np.nan)
            scored = "points" in parts()[metric]
            points = _points(metric, num, den) if scored else np.full(len(units), np.nan)
            exact += np.nan_to_num(points)
            rows = np.flatnonzero(with_metrics)
            most = float(parts()[metric]["points"]) if scored else None
            ratio, score = np.round(pct[rows], 2), np.round(points[rows], 2)
            blocks.append(Block(period, as_of, rows, name, metric, num[rows], den[rows], ratio, score, most))
        if name == "online":
            exact = sum(
                p * np.minimum(1.0, _pct(*figures[m]) / full) for m, (p, full) in ONLINE_SCORE.items()
            )
        groups[name] = np.round(np.nan_to_num(exact), 2)
    provinces, country = units.level == "province", units.level == "country"
    for score in groups.values():
        score[country] = np.round(score[provinces].mean(), 2) if provinces.any() else 0.0
    groups["total"] = np.round(sum(groups.values()), 2)
    for name, score in groups.items():
        points = 100.0 if name == "total" else float(_group(name)["points"])
        rows = np.arange(len(units))
        blocks.append(Block(period, as_of, rows, name, None, None, None, np.round(100 * score / points, 2),
                            score, points))  # fmt: skip
    return blocks


def _pct(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.where(den > 0, 100 * num / np.where(den > 0, den, 1), 0.0)


def _group(name: str) -> dict:
    return next(g for g in reference.catalog()["score_766"] if g["group"] == name)


def index_table(gen: Generator, tally: Tally, procedures: pa.Table) -> pa.Table:
    """Every snapshot of SNAPSHOTS the sample's months hold, as rows of `index_766`."""
    units = units_of(gen)
    first = gen.months[0].year * 12 + gen.months[0].month - 1
    blocks: list[Block] = []
    for label, days in SNAPSHOTS.items():
        period = parse_period(label)
        start = period.start.year * 12 + period.start.month - 1 - first
        for i, day in enumerate(days):
            as_of = date.fromisoformat(day)
            end = as_of.year * 12 + as_of.month - 1 - first
            if start < 0 or end >= tally.n_months:
                continue
            catalogue = _catalogue(units, gen, procedures, as_of.replace(day=1))
            counts = _counts(units, tally, start, end, catalogue)
            blocks += _snapshot(units, counts, label, as_of, latest=i == len(days) - 1)
    return _table(units, blocks)


def _table(units: Units, blocks: list[Block]) -> pa.Table:
    """The blocks as one Arrow table of the canonical schema."""
    at = np.concatenate([b.units for b in blocks])
    sizes = [len(b.units) for b in blocks]

    def repeat(values: list, kind) -> pa.Array:
        return pa.array(np.repeat(np.array(values, dtype=object), sizes), kind)

    def numbers(field: str, kind) -> pa.Array:
        parts = [
            np.full(len(b.units), np.nan) if getattr(b, field) is None else getattr(b, field) for b in blocks
        ]
        values = np.concatenate(parts).astype(float)
        return pa.array(values, pa.float64(), mask=np.isnan(values)).cast(kind)

    periods = [parse_period(b.period) for b in blocks]
    maxima = [np.nan if b.max_score is None else b.max_score for b in blocks]
    maximum = np.repeat(np.array(maxima, float), sizes)
    columns = {
        "province_code": pa.array(units.province[at], pa.string()),
        "commune_code": pa.array(units.commune[at], pa.string()),
        "portal_unit_code": pa.array(units.code[at], pa.string()),
        "portal_unit_name": pa.array(units.name[at], pa.string()),
        "unit_level": pa.array(units.level[at], pa.string()),
        "period": repeat([b.period for b in blocks], pa.string()),
        "period_start_on": repeat([p.start for p in periods], pa.date32()),
        "period_end_on": repeat([p.end_day for p in periods], pa.date32()),
        "as_of": repeat([b.as_of for b in blocks], pa.date32()),
        "group": repeat([b.group for b in blocks], pa.string()),
        "metric": repeat([b.metric for b in blocks], pa.string()),
        "numerator": numbers("numerator", pa.int64()),
        "denominator": numbers("denominator", pa.int64()),
        "ratio": numbers("ratio", pa.float64()),
        "score": numbers("score", pa.float64()),
        "max_score": pa.array(maximum, pa.float64(), mask=np.isnan(maximum)),
        "rank": pa.nulls(len(at), pa.int64()),
        "source_file": pa.nulls(len(at), pa.string()),
    }
    return pa.table(columns, schema=arrow_schema("index_766"))
