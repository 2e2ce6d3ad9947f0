"""The `services` table of the sample: monthly data-in-use figures (medical facilities that
accept the ID card, cashless social payments, cleaned specialised records) per province."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pyarrow as pa

from helpers.core import reference
from helpers.data.sample.clock import logistic

if TYPE_CHECKING:
    from helpers.data.sample.generator import Generator


PEOPLE_PER_FACILITY = 4.5
"""Thousand people per medical facility."""
BENEFICIARIES_PER_THOUSAND = 35
"""Social beneficiaries per thousand people."""
RECORDS_PER_THOUSAND = 1200
"""Specialised records (land, business, health...) per thousand people."""

MONTHLY_GROWTH = {"facilities": 0.002, "beneficiaries": 0.003, "records": 0.004}
"""Growth of each stock per month, as a share of its level in January 2021."""


class Share(NamedTuple):
    """A share of a stock: `floor + rise * logistic(t, centre - lead * z, width)`, within [0, 1];
    better provinces (score z) get there `lead` months earlier per unit of score."""

    floor: float
    rise: float
    centre: float
    lead: float
    width: float


SHARES = {
    "accepting": Share(0.0, 1.05, 22, 3, 3),
    "cashless": Share(0.15, 0.7, 32, 4, 7),
    "cleaned": Share(0.2, 0.78, 30, 4, 8),
}
"""How the three practices spread: facilities accept the ID card quickly around late 2022 (the
curve aims 5% above 1 so it reaches 1 well before its asymptote), cashless social payments and
record cleaning more slowly, through 2023-2024."""


def _share(name: str, t: np.ndarray, z: np.ndarray) -> np.ndarray:
    s = SHARES[name]
    return np.clip(s.floor + s.rise * logistic(t, s.centre - s.lead * z, s.width), 0, 1)


def _grown(level: np.ndarray, stock: str, t: np.ndarray) -> np.ndarray:
    """A stock over the months, rounded to whole units."""
    return np.round(level * (1 + MONTHLY_GROWTH[stock] * t)).astype(np.int64)


def services_table(gen: Generator) -> pa.Table:
    """Monthly data-in-use figures per legacy province, summed per current province after
    July 2025."""
    pop = gen.legacy["population_2023_thousand"].to_numpy(float)[:, None]
    z = gen.performance[:, None]
    t = gen.t[None, :]
    rng = gen.rng("services")
    facilities = _grown(pop / PEOPLE_PER_FACILITY, "facilities", t) + 1  # at least one
    beneficiaries = _grown(pop * BENEFICIARIES_PER_THOUSAND, "beneficiaries", t)
    records = _grown(pop * RECORDS_PER_THOUSAND, "records", t)
    accepting_share = _share("accepting", t, z)
    gen.seed_review.calibrate_services(accepting_share, gen.t)
    values = {
        "medical_facilities": facilities,
        "medical_facilities_accepting_cccd": np.minimum(
            rng.binomial(facilities, accepting_share), facilities
        ),
        "social_beneficiaries": beneficiaries,
        "social_beneficiaries_cashless": rng.binomial(beneficiaries, _share("cashless", t, z)),
        "records_specialised": records,
        "records_cleaned": rng.binomial(records, _share("cleaned", t, z)),
    }
    return _by_province_month(gen, values)


def _by_province_month(gen: Generator, values: dict[str, np.ndarray]) -> pa.Table:
    """One row per legacy province and month before July 2025, per current province after
    (the sum of its legacy provinces)."""
    legacy_codes = gen.legacy["legacy_province_code"].to_numpy(object)
    current = np.array([reference.crosswalk()[c] for c in legacy_codes], dtype=object)
    cut = gen.merged_t
    months = np.array(gen.months, dtype="datetime64[D]")
    n_l = len(legacy_codes)
    cols = {
        "month": [np.tile(months[:cut], n_l)],
        "province_code": [np.repeat(current, cut)],
        "legacy_province_code": [np.repeat(legacy_codes, cut)],
    }
    after = {k: [v[:, :cut].ravel()] for k, v in values.items()}
    for code in sorted(set(current)):
        rows = current == code
        n_after = len(months) - cut
        cols["month"].append(months[cut:])
        cols["province_code"].append(np.full(n_after, code, dtype=object))
        cols["legacy_province_code"].append(np.full(n_after, None, dtype=object))
        for k, v in values.items():
            after[k].append(v[rows, cut:].sum(axis=0))
    table = {
        "month": pa.array(np.concatenate(cols["month"]), pa.date32()),
        "province_code": pa.array(np.concatenate(cols["province_code"]), pa.string()),
        "legacy_province_code": pa.array(np.concatenate(cols["legacy_province_code"]), pa.string()),
    }
    table.update({k: pa.array(np.concatenate(v).astype(np.int64)) for k, v in after.items()})
    return pa.table(table)
