"""Police reports as they are published: totals to a date by month, reports dated only in
their title, monthly figures and totals side by side and in one folder; each ingested and
read back through the indicators, the expected figures worked out by hand in comments
(including what summing the totals as monthly figures would have given)."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest
from ingest_fixtures import (
    dated_in_title,
    flows_and_totals,
    monthly_flows,
    provinces_across_the_reorganisation,
    totals_by_month,
    undated,
    unmarked_falling,
    unmarked_growing,
    unmarked_report,
)

from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.ingest import describe, ingest
from helpers.data.ingest.stage import partition_keys
from helpers.engine.indicators import review
from helpers.engine.mart import block_path, build_mart

THUAN, SON = "18859", "18871"  # Phường Đồng Thuận, Phường Đồng Sơn (Quảng Trị, 44)


def _review(data, unit="44", period="2025-Q4", lang="en") -> pd.DataFrame:
    build_mart(data)
    return review(unit, period, "2021", data_dir=data, lang=lang).set_index("indicator")


def _stored(data) -> pd.DataFrame:
    t = storage.read_table(data, "identification").to_pandas()
    return t.sort_values(["commune_code", "month", "figures"]).reset_index(drop=True)


def test_totals_by_month_are_the_latest_total_never_their_sum(tmp_path):
    data = tmp_path / "data"
    summary = ingest([totals_by_month(tmp_path, wards=1)], "identification", data, province="44")
    f = summary["files"][0]
    assert f["figures"] == ["to_date"] and f["skipped"] == {"total": [7]}  # "Tổng cộng" on row 7
    t = _stored(data)
    assert t["figures"].tolist() == ["to_date"] * 3
    assert [d.isoformat() for d in t["as_of"]] == ["2025-10-31", "2025-11-30", "2025-12-31"]
    r = _review(data)
    # 10,000, 10,300 and 10,700 cards to date: the quarter's figure is December's 10,700
    # (summed as monthly figures it would be 31,000)
    assert r.at["cccd_issued_total", "value"] == 10_700
    assert r.at["eid_activated_total", "value"] == 5_600  # not 5,000 + 5,200 + 5,600 = 15,800
    assert r.at["cccd_issued_total", "note"] == "total to date at 31 December 2025"
    assert _review(data, period="2025-11").at["cccd_issued_total", "value"] == 10_300


def test_two_wards_give_the_sum_of_their_latest_totals(tmp_path):
    data = tmp_path / "data"
    ingest([totals_by_month(tmp_path)], "identification", data, province="44")
    r = _review(data)
    # Đồng Thuận 10,700 + Đồng Sơn 8,000 at the end of December = 18,700; summing every
    # month of both would give (10,000 + 10,300 + 10,700) + (7,000 + 7,600 + 8,000) = 53,600
    assert r.at["cccd_issued_total", "value"] == 18_700
    assert r.at["eid_activated_total", "value"] == 5_600 + 3_300
    wards = review("44", "2025-Q4", "2021", level="commune", data_dir=data, lang="en")
    issued = wards[wards["indicator"] == "cccd_issued_total"].set_index("unit")["value"]
    assert (issued[THUAN], issued[SON]) == (10_700, 8_000)
    # a flow over November and December from totals: the differences of two totals,
    # (10,700 - 10,000) + (8,000 - 7,000) = 1,700
    flow = duckdb.sql(
        f"SELECT sum(cccd_issued) FROM '{block_path(data, 'identification')}' WHERE level = 'province' "
        "AND unit_code = '44' AND month BETWEEN DATE '2025-11-01' AND DATE '2025-12-01'"
    ).fetchall()[0][0]
    assert flow == 1_700


def test_a_report_dated_in_its_title_and_wards_reporting_at_different_dates(tmp_path):
    folder, data = tmp_path / "exports", tmp_path / "data"
    folder.mkdir()
    dated_in_title(
        folder, "30/11/2025", [("Phường Đồng Thuận", 10_300, 5_200), ("Phường Đồng Sơn", 7_600, 3_100)], "a"
    )
    dated_in_title(folder, "15/12/2025", [("Phường Đồng Thuận", 10_700, 5_600)], "b")
    summary = ingest([folder], "identification", data, province="44")
    assert summary["written"] == {"44-2025-11-totals": 2, "44-2025-12-totals": 1}
    assert summary["files"][1]["dated"] == {
        "by": "title",
        "as": "Tính đến ngày 15/12/2025",
        "month": "2025-12",
    }
    assert "dated by its title: Tính đến ngày 15/12/2025 (month 2025-12)" in "\n".join(describe(summary))
    t = _stored(data)
    assert [d.isoformat() for d in t["as_of"]] == ["2025-11-30", "2025-12-15", "2025-11-30"]
    r = _review(data)
    # each ward's latest total at the end of December: Đồng Thuận 10,700 (15 December),
    # Đồng Sơn 7,600 (30 November): 18,300; summed, the three rows would give 28,600
    assert r.at["cccd_issued_total", "value"] == 18_300
    assert r.at["cccd_issued_total", "note"] == (
        "sum of the latest totals to date of 2 units, at 30 November 2025 to 15 December 2025"
    )
    vi = _review(data, lang="vi")
    assert vi.at["cccd_issued_total", "note"] == (
        "cộng số lũy kế mới nhất của 2 đơn vị, tính đến các ngày từ 30/11/2025 đến 15/12/2025"
    )


def test_monthly_figures_and_totals_together_in_one_folder(tmp_path):
    folder, data = tmp_path / "exports", tmp_path / "data"
    folder.mkdir()
    rows = [("07/2025", THUAN, 100, 40), ("08/2025", THUAN, 120, 50), ("09/2025", THUAN, 130, 60)]
    monthly_flows(folder, [*rows, ("11/2025", THUAN, 300, 90)])
    dated_in_title(folder, "31/10/2025", [("Phường Đồng Thuận", 10_000, 5_000)], "bao-cao-10")
    ingest([folder], "identification", data, province="44")
    q3 = _review(data, period="2025-Q3")
    # July to September: monthly figures only, 100 + 120 + 130 = 350 cards
    assert q3.at["cccd_issued_total", "value"] == 350
    assert q3.at["cccd_issued_total", "note"] == "sum of monthly figures to September 2025"
    q4 = _review(data)
    # the total at 31 October (10,000) plus November's 300: 10,300 (everything summed: 10,650)
    assert q4.at["cccd_issued_total", "value"] == 10_300
    assert q4.at["eid_activated_total", "value"] == 5_000 + 90
    assert (
        q4.at["cccd_issued_total", "note"]
        == "total to date at 31 October 2025; plus monthly figures to November 2025"
    )


def test_a_months_figures_ingested_again_never_replace_its_totals(tmp_path):
    data = tmp_path / "data"
    ingest(
        [dated_in_title(tmp_path, "30/11/2025", [("Phường Đồng Thuận", 10_300, 5_200)])],
        "identification",
        data,
        province="44",
    )
    flows = monthly_flows(tmp_path, [("11/2025", THUAN, 300, 90)])
    summary = ingest([flows], "identification", data, province="44")
    assert summary["written"] == {"44-2025-11": 1} and summary["replaced"] == []
    summary = ingest([flows], "identification", data, province="44")  # corrected, say: replaced
    assert summary["replaced"] == ["44-2025-11"]
    assert _stored(data)["figures"].tolist() == ["monthly", "to_date"]
    assert _review(data, period="2025-11").at["cccd_issued_total", "value"] == 10_300


def test_monthly_figures_that_disagree_with_the_totals_are_named(tmp_path):
    data = tmp_path / "data"
    summary = ingest([flows_and_totals(tmp_path)], "identification", data, province="44")
    assert summary["rows"] == 6  # each row gives a month's figure and a total: two rows
    assert summary["files"][0]["figures"] == ["monthly", "to_date"]
    t = _stored(data)
    assert t["figures"].tolist() == ["monthly", "to_date"] * 3
    r = _review(data)
    # December: 10,700 - 10,300 = 400 cards, but the month's figure says 450: reported; the
    # totals are used (10,700); November agrees (10,300 - 10,000 = 300); October has no
    # total before it to compare with
    assert r.at["cccd_issued_total", "value"] == 10_700
    assert r.at["cccd_issued_total", "note"] == (
        "total to date at 31 December 2025; monthly figures disagree with the totals to date for 1 "
        "unit-month(s); the totals are used"
    )


def test_province_totals_across_the_reorganisation_are_not_counted_twice(tmp_path):
    data = tmp_path / "data"
    before, after = provinces_across_the_reorganisation(tmp_path)
    ingest([before, after], "identification", data)
    # 30 June 2025: Quảng Bình (legacy 44) 300,000 and Quảng Trị (legacy 45) 250,000 cards
    assert _review(data, "legacy/45", "2025-Q2").at["cccd_issued_total", "value"] == 250_000
    assert _review(data, "legacy/44", "2025-Q2").at["cccd_issued_total", "value"] == 300_000
    assert _review(data, "44", "2025-01..2025-06").at["cccd_issued_total", "value"] == 550_000
    # 31 December 2025: today's Quảng Trị, 600,000: its total replaces its former provinces'
    # (added to them it would be 1,150,000)
    assert _review(data, "44", "2025").at["cccd_issued_total", "value"] == 600_000


def test_figures_that_could_be_either_are_not_guessed(tmp_path):
    data = tmp_path / "data"
    growing = unmarked_growing(tmp_path)
    with pytest.raises(InputError) as err:
        ingest([growing], "identification", data, province="44")
    [problem] = err.value.problems
    assert problem.file == str(growing) and "--figures to-date or --figures monthly" in problem.reason
    assert problem.column == "Số thẻ CCCD đã cấp, Số tài khoản đã kích hoạt"
    assert not storage.table_files(data, "identification")
    ingest([growing], "identification", data, province="44", figures="to-date")
    assert _review(data).at["cccd_issued_total", "value"] == 18_700
    monthly = tmp_path / "monthly"  # (totals and a month's figures are stored apart: a new folder)
    ingest([growing], "identification", monthly, province="44", figures="monthly")  # the user says so
    assert _review(monthly).at["cccd_issued_total", "value"] == 53_600
    # one report of a month, nothing says which: asked; answered, the total at the month's end
    report = unmarked_report(tmp_path)
    with pytest.raises(InputError, match="nothing was written"):
        ingest([report], "identification", tmp_path / "other", province="44")
    ingest([report], "identification", tmp_path / "other", province="44", figures="to-date")
    assert [d.isoformat() for d in _stored(tmp_path / "other")["as_of"]] == ["2025-12-31"]
    # a figure that falls from one month to the next is a month's: 420 + 380 + 410
    ingest([unmarked_falling(tmp_path)], "identification", tmp_path / "third", province="44")
    assert _review(tmp_path / "third").at["cccd_issued_total", "value"] == 1_210
    # an option that contradicts the file
    with pytest.raises(InputError, match="--figures monthly contradicts the file"):
        ingest(
            [totals_by_month(tmp_path)], "identification", tmp_path / "x", province="44", figures="monthly"
        )


def test_a_date_where_the_file_gives_none(tmp_path):
    data, path = tmp_path / "data", undated(tmp_path)
    with pytest.raises(
        InputError, match=f"^{path}: no report date: .* give it with --as-of DATE or --month M"
    ):
        ingest([path], "identification", data, province="44")
    ingest([path], "identification", data, province="44", as_of="20/12/2025")
    t = _stored(data)
    assert (t.at[0, "month"], t.at[0, "as_of"]) == (date(2025, 12, 1), date(2025, 12, 20))
    ingest([path], "identification", data, province="44", month="2025-11")  # its last day
    assert _stored(data).at[0, "as_of"] == date(2025, 11, 30)
    titled = dated_in_title(tmp_path, "30/11/2025", [("Phường Đồng Thuận", 10_300, 5_200)])
    with pytest.raises(InputError, match="the file says 'Tính đến ngày 30/11/2025', the options say"):
        ingest([titled], "identification", data, province="44", month="2025-12")
    with pytest.raises(InputError, match="--as-of 31/02/2025: expected a date"):
        ingest([path], "identification", data, province="44", as_of="31/02/2025")


def test_rows_without_a_month_or_a_province_are_named_never_an_index_error():
    frame = pd.DataFrame(
        {
            "month": pd.to_datetime(["2025-12-01", None, "2024-03-01"]).astype("datetime64[ms]"),
            "province_code": ["44", None, "44"],
            "legacy_province_code": [None, None, "45"],
        }
    )
    codes, names = partition_keys(frame, "identification")
    assert [names[c] for c in codes] == ["44-2025-12", "unknown-undated", "legacy-45-2024-03"]
    assert codes.dtype == np.int64
