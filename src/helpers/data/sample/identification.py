"""The `identification` table of the sample: monthly ID-card (CCCD) and e-ID flows per
commune, a 2021 card campaign and e-ID applications peaking in 2023."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from helpers.core.units import REORGANISATION
from helpers.data.sample.allocation import allocate
from helpers.data.sample.clock import PROJECT_START, clock

if TYPE_CHECKING:
    from helpers.data.sample.generator import Generator

STATISTICS_MONTH = clock(date(2023, 7, 1))
"""30: the 2023 population statistics are mid-year figures."""

POPULATION_GROWTH = 1.008
"""Yearly population growth around the 2023 figure."""

ELIGIBLE_SHARE = (0.775, 0.02, 0.7, 0.85)
"""(mean, sd, low, high) of the share of a commune's people aged 14 or more, who hold a card."""

FLOW_NOISE_SIGMA = 0.15
"""Month-to-month wobble (log-normal sigma) of a commune's applications."""

CARD_CAMPAIGN = 4.5
CARD_DECAY = (0.9, 30)
CARD_FLOOR = 0.15
"""Monthly shape of card applications: the 2021 campaign (before PROJECT_START) runs at
CARD_CAMPAIGN, on top of a level that decays (height, months) towards a floor of renewals."""

EID_PEAK = (27, 6)
EID_FLOOR = 0.08
EID_FROM = 6
"""Monthly shape of e-ID applications: a bell (centre, sd in months) peaking in April 2023,
over a floor from PROJECT_START on, and none before July 2021."""

# (base, performance spread, low, high) of a per-commune share: np.clip(base + spread * z, low, high)
CARDS_PER_ELIGIBLE = (1.15, 0.03, 1.0, 1.3)
"""Card applications per eligible person over the whole sample: more than one (renewals, losses)."""
EID_PER_ELIGIBLE = (0.92, 0.05, 0.7, 0.99)
"""e-ID applications per eligible person over the whole sample."""
ACTIVATION_SHARE = (0.72, 0.05, 0.5, 0.95)
"""Share of e-ID applications whose account gets activated."""

CARD_ISSUE_RATE = 0.985
"""Share of card applications that end in an issued card."""

LEVEL2_SHARE = 0.78
"""Share of e-ID applications at level 2 (the full account, with the card checked in person)."""


def _by_performance(share: tuple[float, float, float, float], z: np.ndarray) -> np.ndarray:
    base, spread, low, high = share
    return np.clip(base + spread * z, low, high)


def _spread(totals: np.ndarray, shape: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Spread each commune's total over the months in proportion to `shape`, within caps."""
    out = np.zeros(shape.shape, np.int64)
    for i, total in enumerate(totals):
        out[i] = allocate(int(min(total, caps[i].sum())), shape[i], caps[i])
    return out


def _shapes(t: np.ndarray, noise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The monthly shapes of card and e-ID applications per commune (any scale)."""
    cards = (
        np.where(t < PROJECT_START, CARD_CAMPAIGN, 0.0)
        + CARD_DECAY[0] * np.exp(-t / CARD_DECAY[1])
        + CARD_FLOOR
    )
    eid = np.exp(-0.5 * ((t - EID_PEAK[0]) / EID_PEAK[1]) ** 2) + EID_FLOOR * (t >= PROJECT_START)
    return cards[None, :] * noise, eid[None, :] * (t >= EID_FROM)[None, :] * noise


def identification_table(gen: Generator) -> pa.Table:
    """Monthly ID-card and e-ID flows per commune: a 2021 card campaign, e-ID from 2022."""
    com = gen.communes
    n_com, n_t = len(com), len(gen.months)
    rng = gen.rng("identification")
    growth = POPULATION_GROWTH ** ((gen.t - STATISTICS_MONTH) / 12)
    population = np.round(com["population_2023"].to_numpy(float)[:, None] * growth).astype(np.int64)
    mean, sd, low, high = ELIGIBLE_SHARE
    eligible_share = np.clip(rng.normal(mean, sd, n_com), low, high)
    eligible = np.round(population * eligible_share[:, None]).astype(np.int64)
    legacy_row = (
        com["legacy_province_code"]
        .map({c: i for i, c in enumerate(gen.legacy["legacy_province_code"])})
        .to_numpy()
    )
    z = gen.performance[legacy_row]
    cards_shape, eid_shape = _shapes(gen.t, rng.lognormal(0, FLOW_NOISE_SIGMA, (n_com, n_t)))
    card_total = np.round(eligible[:, -1] * _by_performance(CARDS_PER_ELIGIBLE, z)).astype(np.int64)
    eid_total = np.round(eligible[:, -1] * _by_performance(EID_PER_ELIGIBLE, z)).astype(np.int64)
    cards = _spread(card_total, cards_shape, eligible)
    issued = rng.binomial(cards, CARD_ISSUE_RATE)
    eid = _spread(eid_total, eid_shape, eligible)
    activated = rng.binomial(eid, _by_performance(ACTIVATION_SHARE, z)[:, None])
    gen.seed_review.calibrate_identification(
        legacy_row, cards, issued, eid, activated, eligible, CARD_ISSUE_RATE
    )
    level2 = rng.binomial(eid, LEVEL2_SHARE)
    merged = np.array([m >= REORGANISATION for m in gen.months])
    legacy = np.where(merged[None, :], None, com["legacy_province_code"].to_numpy(object)[:, None])
    return pa.table(
        {
            "month": pa.array(np.tile(np.array(gen.months, dtype="datetime64[D]"), n_com), pa.date32()),
            "province_code": pa.array(np.repeat(com["province_code"].to_numpy(object), n_t), pa.string()),
            "legacy_province_code": pa.array(legacy.ravel(), pa.string()),
            "commune_code": pa.array(np.repeat(com["commune_code"].to_numpy(object), n_t), pa.string()),
            "population": pa.array(population.ravel()),
            "population_eligible": pa.array(eligible.ravel()),
            "cccd_applications": pa.array(cards.ravel()),
            "cccd_issued": pa.array(issued.ravel()),
            "eid_applications": pa.array(eid.ravel()),
            "eid_level2_applications": pa.array(level2.ravel()),
            "eid_activated": pa.array(activated.ravel()),
        }
    )
