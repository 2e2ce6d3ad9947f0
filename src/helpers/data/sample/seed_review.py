"""The seed review: legacy Quảng Trị reproduces the figures of its two-year review exactly.

Quảng Trị's review of Project 06 (January 2024, quoted in DESIGN.md section 1) covers
2022-01..2023-12 against 2021. Generic generation computes every plan array for every
province; `SeedReview` then adjusts the seed unit's rows, one method per quantity, so that
the published figures come out exact while the rows around them stay realistic.
When the seed unit is not in the sample (a subset of provinces), every method leaves its
arrays as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from helpers.data.sample.allocation import allocate
from helpers.data.sample.clock import LAST_MONTH, clock

# ---- what the review says ---------------------------------------------------------------------
LEGACY_CODE = "45"
"""Legacy Quảng Trị (merged into today's Quảng Trị in July 2025)."""

BASELINE = (date(2021, 1, 1), date(2021, 12, 1))
"""The year before Project 06, against which the review measures the online rate."""

WINDOW = (date(2022, 1, 1), date(2023, 12, 1))
"""The two years the review covers."""

CCCD_ISSUED_TOTAL = 584_405
EID_APPLICATIONS_TOTAL = 269_362
EID_ACTIVATED_TOTAL = 180_646
"""ID cards issued, e-ID applications taken and e-ID accounts activated by the end of WINDOW."""

ONLINE_PCT_BASELINE = 12.00
ONLINE_PCT_WINDOW = 48.85
"""Online share of dossiers in BASELINE and in WINDOW: 36.85 percentage points up."""

PROCEDURES_ONLINE_SHARE = 0.84
"""The review says "more than 80%" of procedures are online; 84% is a value clearly above it."""

ALL_FACILITIES_FROM = date(2023, 7, 1)
"""The review says every medical facility accepts the ID card; in the sample they all do from
the last half-year of the window on."""

# ---- how the sample gets there ----------------------------------------------------------------
ONLINE_GRAIN = 2000
"""Dossier counts of BASELINE and WINDOW are rounded up to multiples of this: 48.85% is 977/2000
and 12.00% is 240/2000, so both rates are exact whole numbers of dossiers."""

PERFORMANCE_SCORE = 1.0
"""The seed unit's performance score (mean 0, sd 1 over provinces): a province ahead of most."""

ONLINE_CURVE = {
    "baseline_level": 0.115,
    "baseline_rise": 0.01,
    "climb_from": 0.20,
    "climb_to": 0.78,
    "later_rise": 0.10,
}
"""The seed unit's monthly online share. 2021 runs from 11.5% to 12.5% (mean 12.00%, the
baseline); the window climbs in a straight line from 20% to 78% (mean 49%, near 48.85%); then
it rises 10 points more by the end of the sample. Both means sit near the reviewed rates, so
making them exact moves few dossiers, and there is no jump between months."""

UPTAKE_SPREAD = (0.8, 1.2)
"""Communes differ by up to ±20% in how many e-ID applicants go on to activate their account."""


@dataclass
class SeedReview:
    """Applies the seed review to the plan arrays, in place, one method per quantity."""

    row: int | None
    """Position of the seed unit among the sample's legacy provinces, None when not sampled."""
    months: list[date]
    rng: Callable[..., np.random.Generator]

    @classmethod
    def in_plan(
        cls, legacy_codes: list[str], months: list[date], rng: Callable[..., np.random.Generator]
    ) -> SeedReview:
        """The seed review of a sample of `legacy_codes` over `months`."""
        row = legacy_codes.index(LEGACY_CODE) if LEGACY_CODE in legacy_codes else None
        return cls(row, months, rng)

    def cols(self, window: tuple[date, date]) -> np.ndarray:
        """Positions in `months` of the months of `window` (may be empty for a short sample)."""
        idx = [i for i, m in enumerate(self.months) if window[0] <= m <= window[1]]
        return np.array(idx, dtype=int)

    @cached_property
    def window_cols(self) -> np.ndarray:
        return self.cols(WINDOW)

    # ---- one step per quantity ---------------------------------------------------------------
    @staticmethod
    def calibrate_performance(z: np.ndarray, all_codes: list[str]) -> None:
        """Set the seed unit's score among all 63 legacy provinces (whether sampled or not, so
        the other provinces' scores do not depend on the subset)."""
        z[all_codes.index(LEGACY_CODE)] = PERFORMANCE_SCORE

    def calibrate_volumes(self, vol: np.ndarray) -> None:
        """Round the seed unit's BASELINE and WINDOW totals up to ONLINE_GRAIN (last month)."""
        if self.row is None:
            return
        for window in (BASELINE, WINDOW):
            cols = self.cols(window)
            if len(cols):
                short = -vol[self.row, cols].sum() % ONLINE_GRAIN
                vol[self.row, cols[-1]] += short

    def calibrate_online_rate(self, rate: np.ndarray, t: np.ndarray) -> None:
        """Replace the seed unit's online share by ONLINE_CURVE (`t`: the trends' clock)."""
        if self.row is None:
            return
        c = ONLINE_CURVE
        start, end, last = clock(WINDOW[0]), clock(WINDOW[1]), clock(LAST_MONTH)
        baseline = c["baseline_level"] + c["baseline_rise"] * t / clock(BASELINE[1])
        climb = c["climb_from"] + (c["climb_to"] - c["climb_from"]) * np.clip(
            (t - start) / (end - start), 0, 1
        )
        after = c["climb_to"] + c["later_rise"] * np.clip((t - end) / (last - end), 0, 1)
        rate[self.row] = np.where(t < start, baseline, np.where(t <= end, climb, after))

    def calibrate_online_counts(self, counts: np.ndarray, vol: np.ndarray, rate: np.ndarray) -> None:
        """Make the online dossiers of BASELINE and WINDOW exactly the reviewed shares, spread
        over the months in proportion to the expected online dossiers."""
        if self.row is None:
            return
        for window, pct in ((BASELINE, ONLINE_PCT_BASELINE), (WINDOW, ONLINE_PCT_WINDOW)):
            cols = self.cols(window)
            if len(cols):
                received = vol[self.row, cols]
                total = int(round(received.sum() * pct / 100))
                counts[self.row, cols] = allocate(total, received * rate[self.row, cols], received)

    def calibrate_synced(self, synced: np.ndarray, row: int, col: int) -> None:
        """Every dossier of the seed unit in WINDOW is synced to the national portal."""
        if row == self.row and col in self.window_cols:
            synced[:] = True

    def calibrate_procedures(self, published: np.ndarray, partial: np.ndarray, t: np.ndarray) -> None:
        """By the end of WINDOW every procedure is published and PROCEDURES_ONLINE_SHARE of them
        (those that would go online first anyway) are at least partly online."""
        if self.row is None:
            return
        end = self.window_cols[-1] if len(self.window_cols) else 0
        published[self.row] = np.minimum(published[self.row], t[end])
        order = np.argsort(partial[self.row], kind="stable")
        early = order[: int(partial.shape[1] * PROCEDURES_ONLINE_SHARE)]
        partial[self.row, early] = np.minimum(partial[self.row, early], t[end])

    def calibrate_identification(
        self,
        legacy_row: np.ndarray,
        cards: np.ndarray,
        issued: np.ndarray,
        eid: np.ndarray,
        activated: np.ndarray,
        eligible: np.ndarray,
        issue_rate: float,
    ) -> None:
        """Make the stocks at the end of WINDOW (all months up to it) exactly the reviewed ones.

        `legacy_row` is each commune's legacy province (a row of the plan); the other arrays
        are monthly flows per commune; `issue_rate` is the share of card applications that end
        in a card.
        """
        if self.row is None:
            return
        block = np.ix_(np.flatnonzero(legacy_row == self.row), np.arange(self.window_cols[-1] + 1))
        shape = cards[block].shape

        def fill(flow: np.ndarray, total: int, weights: np.ndarray, caps: np.ndarray) -> None:
            flow[block] = allocate(total, weights, caps).reshape(shape)

        # +1: a commune-month without applications in the generic draw can still receive some
        target_cards = int(np.ceil(CCCD_ISSUED_TOTAL / issue_rate))
        fill(cards, target_cards, cards[block].ravel() + 1, eligible[block].ravel())
        fill(issued, CCCD_ISSUED_TOTAL, cards[block].ravel(), cards[block].ravel())
        fill(eid, EID_APPLICATIONS_TOTAL, eid[block].ravel() + 1, eligible[block].ravel())
        uptake = self.rng("seed-uptake").uniform(*UPTAKE_SPREAD, (len(block[0]), 1))
        fill(activated, EID_ACTIVATED_TOTAL, (eid[block] * uptake).ravel(), eid[block].ravel())

    def calibrate_services(self, accepting_share: np.ndarray, t: np.ndarray) -> None:
        """Every medical facility of the seed unit accepts the ID card from ALL_FACILITIES_FROM."""
        if self.row is not None:
            accepting_share[self.row, t >= clock(ALL_FACILITIES_FROM)] = 1.0
