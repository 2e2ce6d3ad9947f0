"""Monthly series against the hand-made fixture of test_indicators."""

import math
from datetime import date

import pytest

from helpers.core.units import Unit
from helpers.engine.trends import monthly


def test_flows_stocks_and_last_month(data_dir):
    s = monthly(
        Unit("province", "79"),
        date(2023, 12, 1),
        date(2024, 3, 1),
        ["dossiers_received", "dossiers_online_pct", "cccd_issued_total", "procedures_published_pct"],
        data_dir,
    )
    # received: Dec d4; Jan d1 d6; Feb d2 d7; Mar d3 d8
    assert s["dossiers_received"].tolist() == [1, 2, 2, 2]
    # online: Jan d1 of (d1, d6) = 50%; Feb d7 of (d2, d7) = 50%; Mar d3 of (d3, d8) = 50%
    assert s.loc[date(2024, 1, 1), "dossiers_online_pct"] == pytest.approx(50.0)
    # issued, cumulative: Dec 90, Jan +40, Mar +25; no identification row in Feb: not covered
    issued = s["cccd_issued_total"].tolist()
    assert issued[:2] == [90, 130] and math.isnan(issued[2]) and issued[3] == 155
    # procedures only in Feb (74: p1 unpublished) and Mar (5 of 6 published); none in Dec/Jan
    assert math.isnan(s.loc[date(2024, 1, 1), "procedures_published_pct"])
    assert s.loc[date(2024, 2, 1), "procedures_published_pct"] == pytest.approx(0.0)
    assert s.loc[date(2024, 3, 1), "procedures_published_pct"] == pytest.approx(100 * 5 / 6)


def test_months_without_data_are_missing(data_dir):
    s = monthly(
        Unit("legacy_province", "77"), date(2023, 11, 1), date(2024, 2, 1), ["cccd_issued_total"], data_dir
    )
    # legacy 77 first reports identification in January 2024, and not in February
    assert math.isnan(s.iloc[0, 0]) and math.isnan(s.iloc[1, 0]) and math.isnan(s.iloc[3, 0])
    assert s.iloc[2, 0] == 40
