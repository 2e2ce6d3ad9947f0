"""Deterministic synthetic sample of the canonical tables (DESIGN.md section 9): the plan.

No real microdata is public, so the repository ships this generator. Same seed and
scale, same bytes: every random draw comes from a generator seeded by (seed, purpose,
position), and nothing depends on the clock. It covers every current province and
commune from 2021-01 to 2026-10 and carries legacy province codes before July 2025.

`Generator` holds the plan (units, months, dossier volumes, monthly rates); one module per
table turns it into rows (dossiers, procedures, identification, services, tasks), and
write.py writes them (the table modules read the plan, which knows none of them). Legacy
Quảng Trị (`legacy/45`) over 2022-01..2023-12 reproduces the figures of its two-year
review exactly: seed_review.py applies that, one step per quantity. Everything else is a
plausible invention: population from the 2023 statistics, trends that rise, provinces
that differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from helpers.core import reference
from helpers.core.periods import month_from_index, month_index
from helpers.core.units import REORGANISATION
from helpers.data.sample.catalogue import Catalogue, draw_catalogue
from helpers.data.sample.clock import FIRST_MONTH, FULL_SAMPLE_MONTHS, LAST_MONTH, clock, logistic
from helpers.data.sample.seed_review import SeedReview

DEFAULT_SEED = 6

DOSSIERS_AT_SCALE_1 = 2_000_000
"""Dossiers of all 63 legacy provinces over the full 70 months at scale 1."""

COMMUNE_SIZE_SIGMA = 0.6
"""Spread (log-normal sigma) of commune populations within a province."""

SEASON = {2: 0.75, 12: 1.12}
"""Dossier volume by calendar month relative to the others: Tết (February) is quiet and
December busy with the year-end rush."""

VOLUME_GROWTH = 1.12
"""Yearly growth of dossier volumes as more services move to the one-stop shops and online."""

VOLUME_NOISE_SIGMA = 0.08
"""Month-to-month wobble (log-normal sigma) of a province's dossier volume."""


@dataclass(frozen=True)
class RateCurve:
    """A monthly share: `floor + rise * logistic(t, centre, width) + spread * z`.

    `t` is the trends' clock (months since January 2021; Project 06 starts at 12), `centre`
    the month by which half the rise has happened, `width` how slowly (months) it happens,
    and `spread` how much one unit of a province's performance score `z` moves the share.
    """

    floor: float
    rise: float
    centre: float
    width: float
    spread: float

    def level(self, t: np.ndarray, z: np.ndarray) -> np.ndarray:
        return self.floor + self.rise * logistic(t, self.centre, self.width) + self.spread * z


RATE_CURVES = {
    "online": RateCurve(0.10, 0.55, 26, 8, 0.07),
    "full_online": RateCurve(0.30, 0.55, 30, 8, 0.05),
    "synced": RateCurve(0.80, 0.20, 12, 4, 0.03),
    "on_time": RateCurve(0.90, 0.08, 24, 10, 0.02),
    "paid_online": RateCurve(0.05, 0.60, 30, 9, 0.08),
    "digitised": RateCurve(0.15, 0.75, 28, 9, 0.08),
    "e_result": RateCurve(0.10, 0.75, 30, 9, 0.08),
    "satisfied": RateCurve(0.86, 0.10, 24, 10, 0.02),
}
"""The share of dossiers with each attribute, per province and month (full_online and
paid_online are shares of the online dossiers). They shape how the practices spread: low in
2021, rising mostly through 2023-2024 (centres 24-30), syncing to the national portal early
(centre 12) and on-time handling and satisfaction already high; better provinces lead."""


def national_population_thousand() -> int:
    """99,948: the 2023 population (thousands) of the 63 legacy provinces, from the reference.

    A subset of provinces gets its population's share of the national dossier volume.
    """
    return int(reference.legacy_provinces()["population_2023_thousand"].sum())


@dataclass
class Generator:
    """The sample's plan: units, months, volumes and rates, then one table at a time."""

    scale: float = 1.0
    seed: int = DEFAULT_SEED
    legacy_codes: list[str] | None = None  # a subset, for small test samples
    first_month: date = FIRST_MONTH
    last_month: date = LAST_MONTH

    def rng(self, *key: int | str) -> np.random.Generator:
        """A generator for one purpose and position, independent of the order of generation."""
        words = [self.seed] + [int.from_bytes(str(k).encode(), "little") % 2**63 for k in key]
        return np.random.default_rng(words)

    # ---- units and months -----------------------------------------------------------------
    @cached_property
    def legacy(self) -> pd.DataFrame:
        """The legacy provinces of the sample (all 63 unless `legacy_codes` picks some)."""
        lp = reference.legacy_provinces()
        if self.legacy_codes is not None:
            lp = lp[lp["legacy_province_code"].isin(self.legacy_codes)]
        return lp.reset_index(drop=True)

    @cached_property
    def months(self) -> list[date]:
        first, last = month_index(self.first_month), month_index(self.last_month)
        return [month_from_index(i) for i in range(first, last + 1)]

    @cached_property
    def t(self) -> np.ndarray:
        """The trends' clock (months since January 2021), one per month of the sample."""
        return np.array([clock(m) for m in self.months], float)

    @cached_property
    def merged_t(self) -> int:
        """Position of July 2025 in `months` (may be past the end of a short sample)."""
        return int(np.searchsorted([month_index(m) for m in self.months], month_index(REORGANISATION)))

    @cached_property
    def seed_review(self) -> SeedReview:
        return SeedReview.in_plan(self.legacy["legacy_province_code"].tolist(), self.months, self.rng)

    @cached_property
    def performance(self) -> np.ndarray:
        """One score per legacy province: how far ahead of the others it is (mean 0, sd 1).

        Drawn for all 63 provinces, so a province scores the same in any subset."""
        all_codes = reference.legacy_provinces()["legacy_province_code"].tolist()
        z = self.rng("performance").standard_normal(len(all_codes))
        SeedReview.calibrate_performance(z, all_codes)
        return z[[all_codes.index(c) for c in self.legacy["legacy_province_code"]]]

    @cached_property
    def communes(self) -> pd.DataFrame:
        """The communes of the sample with a 2023 population: their province's, split at random."""
        com = reference.communes()
        com = com[com["legacy_province_code"].isin(self.legacy["legacy_province_code"])]
        com = com.reset_index(drop=True)
        weights = self.rng("commune-size").lognormal(0.0, COMMUNE_SIZE_SIGMA, len(com))
        totals = com.assign(w=weights).groupby("legacy_province_code")["w"].transform("sum")
        people = (
            com["legacy_province_code"].map(
                self.legacy.set_index("legacy_province_code")["population_2023_thousand"]
            )
            * 1000
        )
        com["population_2023"] = np.round(people * weights / totals).astype(np.int64)
        com["weight"] = weights / totals
        return com

    # ---- volumes and rates ----------------------------------------------------------------
    @cached_property
    def volumes(self) -> np.ndarray:
        """Dossiers received per legacy province (rows) and month (columns): population times
        season and growth, scaled to the national volume."""
        pop = self.legacy["population_2023_thousand"].to_numpy(float)
        month_no = np.array([m.month for m in self.months])
        season = np.where(month_no == 2, SEASON[2], np.where(month_no == 12, SEASON[12], 1.0))
        growth = VOLUME_GROWTH ** (self.t / 12.0)
        noise = self.rng("volume-noise").lognormal(0.0, VOLUME_NOISE_SIGMA, (len(pop), len(self.months)))
        raw = pop[:, None] * (season * growth)[None, :] * noise
        national = (
            DOSSIERS_AT_SCALE_1
            * self.scale
            * len(self.months)
            / FULL_SAMPLE_MONTHS
            * pop.sum()
            / national_population_thousand()
        )
        vol = np.maximum(np.round(raw / raw.sum() * national).astype(np.int64), 1)
        self.seed_review.calibrate_volumes(vol)
        return vol

    @cached_property
    def rates(self) -> dict[str, np.ndarray]:
        """Every curve of RATE_CURVES per legacy province and month, within [0, 1]."""
        z = self.performance[:, None]
        t = self.t[None, :]
        rates = {name: np.clip(curve.level(t, z), 0.0, 1.0) for name, curve in RATE_CURVES.items()}
        self.seed_review.calibrate_online_rate(rates["online"], self.t)
        return rates

    def rate(self, name: str) -> np.ndarray:
        """Monthly rate of one dossier attribute, per legacy province and month, in [0, 1]."""
        return self.rates[name]

    @cached_property
    def online_counts(self) -> np.ndarray:
        """Online dossiers per legacy province and month; exact for the seed review's windows."""
        counts = np.round(self.volumes * self.rate("online")).astype(np.int64)
        self.seed_review.calibrate_online_counts(counts, self.volumes, self.rate("online"))
        return counts

    @cached_property
    def catalogue(self) -> Catalogue:
        """The procedures every province offers, with fee, time limit and popularity."""
        return draw_catalogue(self.rng("procedures"))
