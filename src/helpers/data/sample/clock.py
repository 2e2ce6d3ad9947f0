"""The sample's calendar: its default months and the clock every trend runs on."""

from __future__ import annotations

from datetime import date

import numpy as np

from helpers.core.periods import month_index

FIRST_MONTH = date(2021, 1, 1)
"""The year before Project 06 (Decision 06/QĐ-TTg, January 2022), so every trend has a baseline."""

LAST_MONTH = date(2026, 10, 1)
"""The last month the reports cover."""

FULL_SAMPLE_MONTHS = month_index(LAST_MONTH) - month_index(FIRST_MONTH) + 1
"""70 (2021-01..2026-10): a sample over fewer months gets its share of the national volume."""


def clock(month: date) -> int:
    """Months since January 2021 (0 for 2021-01, 12 for 2022-01, 69 for 2026-10).

    Every curve of the sample is a function of this clock, not of a position in the sample,
    so a sample over other months sees the same trends.
    """
    return month_index(month) - month_index(FIRST_MONTH)


def logistic(t: np.ndarray, centre: float | np.ndarray, width: float) -> np.ndarray:
    """An S-curve from 0 to 1 that is 0.5 at `centre` (months): how practices spread."""
    return 1.0 / (1.0 + np.exp(-(t - centre) / width))


PROJECT_START = clock(date(2022, 1, 1))
"""12: Project 06 starts (Decision 06/QĐ-TTg of 6 January 2022); several curves change here."""
