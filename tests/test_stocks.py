"""The mart's stocks from monthly figures and totals to a date (engine/stocks.py), on
canonical rows written by hand: each commune's latest total, never their sum; additive at
every level; a month's figures after a total added to it; monthly series for the charts.
Expected figures worked out by hand in comments."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from test_indicators import write_frame

from helpers.core.units import parse_unit
from helpers.data.schema import TABLES
from helpers.data.validation import validate
from helpers.engine import stocks
from helpers.engine.indicators import review
from helpers.engine.mart import block_path, build_mart
from helpers.engine.trends import monthly

THUAN, SON, C45 = "18859", "18871", "19333"  # two wards of today's Quảng Trị (legacy 44), one of legacy 45


def _row(month, commune, issued, figures=None, as_of=None, legacy=None, applications=None, eligible=None):
    row = dict.fromkeys(TABLES["identification"].names)
    row.update(
        month=pd.Timestamp(month),
        province_code="44",
        legacy_province_code=legacy,
        commune_code=commune,
        cccd_issued=issued,
        cccd_applications=applications,
        population_eligible=eligible,
        figures=figures,
        as_of=pd.Timestamp(as_of) if as_of else pd.NaT,
    )
    return row


def _write(data_dir, rows) -> None:
    frame = pd.DataFrame(rows)
    for column in TABLES["identification"].count_columns:
        frame[column] = frame[column].astype("Int64")
    for column in ("month", "as_of"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ms]")
    for column in ("legacy_province_code", "figures"):
        frame[column] = frame[column].astype(object)
    frame.index += 1
    validate("identification", frame)
    write_frame(frame, data_dir, "identification", "hand")
    build_mart(data_dir)


def _value(data_dir, unit, period, indicator="cccd_issued_total"):
    return review(unit, period, "2021", data_dir=data_dir, lang="en").set_index("indicator").loc[indicator]


TOTALS = [
    _row("2025-10-01", THUAN, 10_000, "to_date", "2025-10-31"),
    _row("2025-11-01", THUAN, 10_300, "to_date", "2025-11-30"),
    _row("2025-12-01", THUAN, 10_700, "to_date", "2025-12-31"),
    _row("2025-10-01", SON, 7_000, "to_date", "2025-10-31"),
    _row("2025-11-01", SON, 7_600, "to_date", "2025-11-30"),
    # Đồng Sơn does not report December
]


def test_each_communes_latest_total_at_the_end_of_the_period(tmp_path):
    _write(tmp_path, TOTALS)
    # Q4: Đồng Thuận's December total (10,700) and Đồng Sơn's November total (7,600): 18,300
    # (summed as monthly figures: 31,000 + 14,600 = 45,600)
    q4 = _value(tmp_path, "44", "2025-Q4")
    assert q4["value"] == 18_300
    assert q4["note"] == (
        "sum of the latest totals to date of 2 units, at 30 November 2025 to 31 December 2025"
    )
    assert _value(tmp_path, THUAN, "2025-Q4")["value"] == 10_700
    assert _value(tmp_path, "44", "2025-10")["value"] == 17_000
    # the block holds the differences of successive totals: October the totals themselves
    block = duckdb.sql(
        f"SELECT month, cccd_issued, rows FROM '{block_path(tmp_path, 'identification')}' "
        f"WHERE level = 'commune' AND unit_code = '{THUAN}' ORDER BY month"
    ).fetchall()
    assert [(m.month, n, r) for m, n, r in block] == [(10, 10_000, 1), (11, 300, 1), (12, 400, 1)]


def test_totals_are_additive_at_every_level(tmp_path):
    _write(tmp_path, TOTALS)
    path = block_path(tmp_path, "identification")
    sums = duckdb.sql(
        f"SELECT level, month, sum(cccd_issued) AS n FROM '{path}' GROUP BY ALL ORDER BY ALL"
    ).df()
    by_level = sums.pivot(index="month", columns="level", values="n")
    assert (by_level["commune"] == by_level["province"]).all()
    assert (by_level["province"] == by_level["country"]).all()


def test_monthly_figures_after_a_total_are_added_to_it(tmp_path):
    rows = [
        _row("2025-08-01", THUAN, 120, "monthly"),
        _row("2025-09-01", THUAN, 10_000, "to_date", "2025-09-30"),
        _row("2025-09-01", THUAN, 130, "monthly"),  # superseded by September's total
        _row("2025-10-01", THUAN, 300, "monthly"),
        _row("2025-11-01", THUAN, 250, None),  # a blank `figures` is a month's
    ]
    _write(tmp_path, rows)
    # August alone: 120; from September: the total 10,000, then + 300 + 250
    assert _value(tmp_path, "44", "2025-08")["value"] == 120
    assert _value(tmp_path, "44", "2025-09")["value"] == 10_000
    q4 = _value(tmp_path, "44", "2025-Q4")
    assert q4["value"] == 10_550
    assert q4["note"] == "total to date at 30 September 2025; plus monthly figures to November 2025"
    series = monthly(parse_unit("44"), date(2025, 8, 1), date(2025, 11, 1), ["cccd_issued_total"], tmp_path)
    assert series["cccd_issued_total"].tolist() == [120, 10_000, 10_300, 10_550]


def test_a_ratio_on_a_stock_reads_the_totals_and_says_so(tmp_path):
    rows = [
        _row("2025-11-01", THUAN, 9_000, "to_date", "2025-11-20", applications=9_500, eligible=9_400),
        _row("2025-12-01", THUAN, 9_200, "to_date", "2025-12-20", applications=9_800, eligible=9_450),
    ]
    _write(tmp_path, rows)
    r = _value(tmp_path, "44", "2025-Q4", "cccd_coverage_pct")
    # applications to 20 December ÷ the eligible population of December: 9,800 ÷ 9,450
    assert r["value"] == pytest.approx(100 * 9_800 / 9_450)
    assert r["note"] == "total to date at 20 December 2025"


def test_a_communes_monthly_figures_beside_other_communes_totals(tmp_path):
    rows = [
        _row("2024-05-01", C45, 40, legacy="45"),
        _row("2024-06-01", C45, 60, legacy="45"),
        *TOTALS,
    ]
    _write(tmp_path, rows)
    assert _value(tmp_path, "legacy/45", "2024-Q2")["value"] == 100
    assert _value(tmp_path, "legacy/45", "2024-Q2")["note"] == "sum of monthly figures to June 2024"
    # today's Quảng Trị at the end of 2025: legacy 45's 100 cards and the wards' 18,300
    assert _value(tmp_path, "44", "2025")["value"] == 18_400
    side = pd.read_parquet(stocks.side_path(block_path(tmp_path, "identification")))
    assert set(side["series"]) == {THUAN, SON, C45}  # every series of a province with totals
    q4 = _value(tmp_path, "44", "2025-Q4")
    assert q4["note"] == (
        "sum of the latest totals to date of 2 units, at 30 November 2025 to 31 December 2025; "
        "plus monthly figures to December 2025"
    )
