"""Every indicator against a small hand-made fixture whose answers are worked out here.

The fixture: current Hồ Chí Minh City (79) made of three legacy provinces (74 Bình Dương,
77 Bà Rịa–Vũng Tàu, 79 Hồ Chí Minh), current Quảng Trị (44) with one dossier from legacy
Quảng Trị (45), and Hà Nội (01) with one dossier. Period P = 2024-Q1, baseline 2023-Q1.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from helpers.cli import main
from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.validation import validate
from helpers.engine.indicators import review
from helpers.engine.mart import build_mart

C74, C77, C79, C45, C01 = "25747", "26506", "26737", "19333", "00004"
LEGACY_OF = {C74: "74", C77: "77", C79: "79", C45: "45", C01: "01"}
PROVINCE_OF = {C74: "79", C77: "79", C79: "79", C45: "44", C01: "01"}


def _dossier(
    i,
    commune,
    received,
    due,
    finished,
    channel,
    synced=True,
    fee=False,
    paid=False,
    digitised=False,
    e_result=False,
    rating=None,
    legacy=True,
    level="commune",
):
    return {
        "dossier_id": f"d{i}",
        "province_code": PROVINCE_OF[commune],
        "legacy_province_code": LEGACY_OF[commune] if legacy else None,
        "commune_code": commune,
        "agency_level": level,
        "procedure_code": "1.001",
        "received_on": received,
        "channel": channel,
        "full_online": channel == "online",
        "due_on": due,
        "finished_on": finished,
        "synced": synced,
        "fee_required": fee,
        "paid_online": paid,
        "digitised": digitised,
        "e_result": e_result,
        "rating": rating,
    }


DOSSIERS = [
    # in P, legacy 74
    _dossier(
        1,
        C74,
        "2024-01-10",
        "2024-01-20",
        "2024-01-15",
        "online",
        fee=True,
        paid=True,
        digitised=True,
        e_result=True,
        rating="satisfied",
    ),
    _dossier(
        2,
        C74,
        "2024-02-05",
        "2024-02-10",
        "2024-02-20",
        "in_person",
        synced=False,
        fee=True,
        rating="dissatisfied",
    ),
    _dossier(3, C74, "2024-03-28", "2024-04-10", None, "online", digitised=True),  # pending
    _dossier(
        4, C74, "2023-12-20", "2024-01-05", "2024-01-04", "in_person", e_result=True, rating="neutral"
    ),  # received before P, finished in P
    _dossier(5, C74, "2024-04-02", "2024-04-10", "2024-04-05", "online"),  # after P
    # in P, legacy 77 and 79
    _dossier(
        6,
        C77,
        "2024-01-15",
        "2024-01-30",
        "2024-01-30",
        "postal",
        digitised=True,
        e_result=True,
        rating="satisfied",
    ),  # finished on its due day: on time
    _dossier(7, C79, "2024-02-01", "2024-02-05", "2024-02-06", "online", fee=True, paid=True, e_result=True),
    _dossier(
        8,
        C79,
        "2024-03-01",
        "2024-03-10",
        "2024-03-09",
        "in_person",
        digitised=True,
        rating="satisfied",
        level="province",
    ),
    # Quảng Trị and Hà Nội
    _dossier(
        9,
        C45,
        "2024-01-05",
        "2024-01-10",
        "2024-01-09",
        "online",
        digitised=True,
        e_result=True,
        rating="satisfied",
    ),
    _dossier(10, C01, "2024-01-20", "2024-01-25", "2024-01-22", "online"),
    # baseline 2023-Q1
    _dossier(11, C74, "2023-02-01", "2023-02-10", "2023-02-08", "in_person", synced=False),
    _dossier(12, C79, "2023-03-01", "2023-03-10", "2023-03-05", "online"),
    # across the reorganisation
    _dossier(13, C77, "2025-06-10", "2025-06-20", "2025-06-15", "in_person"),
    _dossier(14, C79, "2025-08-01", "2025-08-05", "2025-08-04", "online", legacy=False),
]


def _procedure(month, legacy, code, published, level):
    return {
        "month": month,
        "province_code": {"74": "79", "77": "79", "79": "79"}[legacy],
        "legacy_province_code": legacy,
        "procedure_code": code,
        "published": published,
        "online_level": level,
        "fee_required": False,
        "essential": code == "p1",
    }


PROCEDURES = [
    _procedure("2024-03-01", "74", "p1", True, "full"),
    _procedure("2024-03-01", "74", "p2", False, "partial"),
    _procedure("2024-03-01", "74", "p3", True, "none"),
    _procedure("2024-03-01", "77", "p1", True, "full"),
    _procedure("2024-03-01", "79", "p1", True, "none"),
    _procedure("2024-03-01", "79", "p2", True, "partial"),
    _procedure("2024-02-01", "74", "p1", False, "none"),  # not the last month of P: ignored
]


def _ident(month, commune, pop, elig, app, iss, eid, l2, act):
    return {
        "month": month,
        "province_code": PROVINCE_OF[commune],
        "legacy_province_code": LEGACY_OF[commune],
        "commune_code": commune,
        "population": pop,
        "population_eligible": elig,
        "cccd_applications": app,
        "cccd_issued": iss,
        "eid_applications": eid,
        "eid_level2_applications": l2,
        "eid_activated": act,
        "figures": None,
        "as_of": None,
    }


IDENTIFICATION = [
    _ident("2023-12-01", C74, 1000, 800, 100, 90, 50, 40, 30),
    _ident("2024-03-01", C74, 1010, 810, 20, 25, 10, 5, 12),
    _ident("2024-05-01", C74, 1020, 820, 7, 7, 3, 1, 2),  # after P
    _ident("2024-01-01", C77, 500, 400, 40, 40, 20, 10, 10),
    _ident("2024-03-01", C77, 500, 400, 0, 0, 0, 0, 0),
]


def _service(legacy, med, acc, ben, cash, rec, clean):
    return {
        "month": "2024-03-01",
        "province_code": "79",
        "legacy_province_code": legacy,
        "medical_facilities": med,
        "medical_facilities_accepting_cccd": acc,
        "social_beneficiaries": ben,
        "social_beneficiaries_cashless": cash,
        "records_specialised": rec,
        "records_cleaned": clean,
        "figures": None,
        "as_of": None,
    }


SERVICES = [_service("74", 10, 7, 100, 60, 1000, 500), _service("79", 0, 0, 0, 0, 0, 0)]


def _task(i, legacy, assigned, deadline, completed):
    return {
        "task_id": f"t{i}",
        "province_code": "79",
        "legacy_province_code": legacy,
        "group": 1,
        "title": "Nhiệm vụ",
        "lead_unit": "Công an tỉnh",
        "assigned_on": assigned,
        "deadline": deadline,
        "completed_on": completed,
        "status": None,
        "as_of": None,
    }


TASKS = [
    _task(1, "74", "2023-11-01", "2024-01-31", "2024-01-20"),  # due in P, on time
    _task(2, "77", "2023-12-01", "2024-02-15", "2024-02-20"),  # due in P, late, done by end
    _task(3, "79", "2024-01-10", "2024-03-15", None),  # due in P, overdue at the end of P
    _task(4, "79", "2024-01-10", "2024-03-31", None),  # due on P's last day: not yet overdue
    _task(5, "74", "2024-02-01", "2024-05-01", "2024-04-01"),  # due after P
    _task(6, "74", "2023-01-01", "2023-06-30", "2024-04-15"),  # overdue at the end of P
]

DATE_COLUMNS = (
    "received_on",
    "due_on",
    "finished_on",
    "month",
    "assigned_on",
    "deadline",
    "completed_on",
    "as_of",
)


def _frame(rows):
    df = pd.DataFrame(rows)
    for col in DATE_COLUMNS:
        if col in df:
            df[col] = pd.to_datetime(df[col]).astype("datetime64[ms]")
    df.index += 1
    return df


def write_frame(df, data_dir, table: str, name: str) -> None:
    """A validated frame as one file of a canonical table, the way ingest stores it."""
    target = storage.table_dir(data_dir, table) / f"{name}.parquet"
    storage.write_parquet(storage.to_canonical(table, storage.frame_to_arrow(df)), target)


def write_fixture(data_dir, tables=None):
    content = {
        "dossiers": DOSSIERS,
        "procedures": PROCEDURES,
        "identification": IDENTIFICATION,
        "services": SERVICES,
        "tasks": TASKS,
    }
    for table, rows in content.items():
        if tables is None or table in tables:
            df = _frame(rows)
            validate(table, df)
            write_frame(df, data_dir, table, "fixture")
    build_mart(data_dir)


def _values(data_dir, unit, period="2024-Q1", baseline="2023-Q1", **kw):
    return review(unit, period, baseline, data_dir=data_dir, lang="en", **kw).set_index("indicator")


def approx(x):
    return pytest.approx(x, rel=1e-9, abs=1e-9)


def test_dossier_indicators_of_a_province_made_of_three_legacy_ones(data_dir):
    v = _values(data_dir, "79")["value"]
    # received in P: d1 d2 d3 d6 d7 d8 (d4 before P, d5 after)
    assert v["dossiers_received"] == 6
    assert v["dossiers_synced_pct"] == approx(100 * 5 / 6)  # d2 not synced
    assert v["dossiers_online_pct"] == approx(50.0)  # d1 d3 d7
    assert v["dossiers_paid_online_pct"] == approx(100 * 2 / 3)  # fee: d1 d2 d7; paid d1 d7
    assert v["dossiers_digitised_pct"] == approx(100 * 4 / 6)  # d1 d3 d6 d8
    # finished in P: d1 d2 d4 d6 d7 d8 (d3 pending, d5 in April); on time d1 d4 d6 d8
    assert v["dossiers_on_time_pct"] == approx(100 * 4 / 6)
    assert v["dossiers_e_result_pct"] == approx(100 * 4 / 6)  # d1 d4 d6 d7
    # rated among finished: d1 satisfied, d2 dissatisfied, d4 neutral, d6 and d8 satisfied
    assert v["satisfaction_pct"] == approx(60.0)
    r = _values(data_dir, "79")
    assert (r.at["satisfaction_pct", "numerator"], r.at["satisfaction_pct", "denominator"]) == (3, 5)


def test_procedures_use_the_last_month_of_the_period(data_dir):
    v = _values(data_dir, "79")["value"]
    # 2024-03: 74 has p1 p2 p3, 77 p1, 79 p1 p2 → 6 procedures
    assert v["procedures_published_pct"] == approx(100 * 5 / 6)  # 74/p2 unpublished
    assert v["procedures_online_pct"] == approx(100 * 4 / 6)  # full or partial
    assert v["procedures_full_online_pct"] == approx(100 * 2 / 6)
    # essential (p1): 74 full, 77 full, 79 none → 2 of 3 online
    assert v["essential_online_pct"] == approx(100 * 2 / 3)


def test_identification_stocks_are_summed_to_the_end_of_the_period(data_dir):
    r = _values(data_dir, "79")
    v = r["value"]
    assert v["cccd_issued_total"] == 90 + 25 + 40 + 0  # the May row is after P
    assert v["eid_applications_total"] == 50 + 10 + 20
    assert v["eid_activated_total"] == 30 + 12 + 10
    assert v["eid_level2_total"] == 40 + 5 + 10
    assert v["eid_activation_pct"] == approx(100 * 52 / 80)
    # applications to date ÷ eligible population in March 2024 (810 + 400)
    assert v["cccd_coverage_pct"] == approx(100 * 160 / 1210)
    assert r.at["cccd_coverage_pct", "denominator"] == 1210


def test_services_and_zero_denominators(data_dir):
    v = _values(data_dir, "79")["value"]
    assert v["medical_cccd_pct"] == approx(70.0)
    assert v["social_cashless_pct"] == approx(60.0)
    assert v["records_cleaned_pct"] == approx(50.0)
    legacy79 = _values(data_dir, "legacy/79")
    # legacy 79 reported 0 facilities: missing, never 0 or 100
    assert math.isnan(legacy79.at["medical_cccd_pct", "value"])
    assert legacy79.at["medical_cccd_pct", "status"] == "no_data"
    assert legacy79.at["medical_cccd_pct", "note"] == "zero denominator"
    qt = _values(data_dir, "44")
    assert math.isnan(qt.at["dossiers_paid_online_pct", "value"])  # no dossier with a fee
    assert math.isnan(qt.at["procedures_published_pct", "value"])  # no procedures reported


def test_tasks_due_and_overdue(data_dir):
    v = _values(data_dir, "79")["value"]
    assert v["tasks_on_time_pct"] == approx(25.0)  # due in P: t1 t2 t3 t4; on time: t1
    assert v["tasks_overdue"] == 2  # t3 and t6; t4 is due on the last day


def test_legacy_unit_and_crosswalk_sum(data_dir):
    r74 = _values(data_dir, "legacy/74")
    assert r74.at["dossiers_received", "value"] == 3
    assert r74.at["dossiers_online_pct", "value"] == approx(100 * 2 / 3)
    total = {}
    for legacy in ("74", "77", "79"):
        r = _values(data_dir, f"legacy/{legacy}")
        for ind in ("dossiers_received", "cccd_issued_total", "tasks_overdue"):
            value = r.at[ind, "value"]  # legacy 79 reports no identification: missing
            total[ind] = total.get(ind, 0) + (0 if math.isnan(value) else value)
    r79 = _values(data_dir, "79")
    for ind, value in total.items():
        assert r79.at[ind, "value"] == value


def test_baseline_change_and_relative_change(data_dir):
    r = _values(data_dir, "79")
    # baseline 2023-Q1: d11 (not synced, in person), d12 (synced, online)
    assert r.at["dossiers_synced_pct", "baseline_value"] == approx(50.0)
    assert r.at["dossiers_synced_pct", "change_pp"] == approx(100 * 5 / 6 - 50)
    assert r.at["dossiers_synced_pct", "change_rel_pct"] == approx(100 * (100 * 5 / 6 - 50) / 50)
    assert r.at["dossiers_online_pct", "change_pp"] == approx(0.0)
    assert math.isnan(r.at["dossiers_received", "change_pp"])  # a count has no pp change
    # 6 dossiers over the 3 months of P; the baseline's 2 over the 2 months it covers (none in
    # January 2023): compared per month, 2 a month against 1 a month
    assert r.at["dossiers_received", "comparison"] == "per_month"
    assert (r.at["dossiers_received", "months_covered"], r.at["dossiers_received", "baseline_months"]) == (
        3,
        2,
    )
    assert r.at["dossiers_received", "change_per_month"] == approx(1.0)
    assert r.at["dossiers_received", "change_rel_pct"] == approx(100.0)
    assert (
        "compared per month: 2/month over 3 months against 1/month over 2 months"
        in r.at["dossiers_received", "note"]
    )


def test_ranks_with_ties_and_peer_count(data_dir):
    r = review("01", "2024-Q1", data_dir=data_dir).set_index("indicator")
    # synced: Hà Nội 100, Quảng Trị 100, Hồ Chí Minh 83.3; the other 31 have no dossiers
    assert (r.at["dossiers_synced_pct", "rank"], r.at["dossiers_synced_pct", "of"]) == (1, 3)
    r79 = review("79", "2024-Q1", data_dir=data_dir).set_index("indicator")
    assert (r79.at["dossiers_synced_pct", "rank"], r79.at["dossiers_synced_pct", "of"]) == (3, 3)
    # tasks_overdue: lower is better; only 79 has tasks → one peer with a value: no rank
    assert pd.isna(r79.at["tasks_overdue", "rank"])


def test_targets_and_status(data_dir):
    r = _values(data_dir, "79")
    # 2024 targets: published 100, synced 100, on time 95
    assert r.at["procedures_published_pct", "target"] == 100
    assert r.at["procedures_published_pct", "status"] == "not_achieved"
    assert r.at["dossiers_received", "status"] == "no_target"
    q = _values(data_dir, "44")
    assert q.at["dossiers_synced_pct", "status"] == "achieved"


def test_score_766_by_hand(data_dir):
    """Our estimate, scored as the portal scores (indicators.yml score_766): a part earns
    min(points, points × ratio ÷ threshold); a zero denominator earns the part's `empty`
    points; a part without data is not covered."""
    q = _values(data_dir, "44")
    # Quảng Trị has one dossier (d9): synced 6 × 100% = 6; received on time 20 × 1/1 = 20;
    # online min(6, 6 × 100% ÷ 50%) = 6; no dossier with a fee: 0 of 6 (a missing ratio counts
    # 0); e-result 6 × 100% = 6; digitised 4 × 100% = 4; satisfied min(6, 6 × 100% ÷ 90%) = 6;
    # no procedures: published and procedures online not covered
    assert q.at["score_766", "value"] == approx(48.0)
    assert q.at["score_766", "denominator"] == 6 + 20 + 6 + 6 + 6 + 4 + 6
    assert "not measured: Procedures updated on time, Complete published content" in q.at["score_766", "note"]
    h = _values(data_dir, "79")
    expected = (
        6 * 5 / 6  # procedures published 5/6
        + 6 * 5 / 6  # dossiers synced 5/6
        + 20 * 4 / 6  # received in P and not overdue at its end: d1 d3 d6 d8 of 6 (d2 d7 late)
        + min(6, 6 * (4 / 6) / 0.8)  # procedures online 4/6, full marks at 80%
        + min(6, 6 * 0.5 / 0.5)  # dossiers online 3/6, full marks at 50%
        + 6 * 2 / 3  # paid online 2 of 3 with a fee
        + 6 * 4 / 6  # e-result 4 of the 6 finished
        + 4 * 4 / 6  # digitised 4 of the 6 received
        + min(6, 6 * 0.6 / 0.9)  # satisfied 3 of 5 rated, full marks at 90%
    )
    assert h.at["score_766", "value"] == approx(expected) == approx(49.0)
    assert h.at["score_766", "denominator"] == 6 + 6 + 20 + 6 + 6 + 6 + 6 + 4 + 6


def test_received_on_time_counts_pending_dossiers_at_the_end_of_the_period(data_dir):
    r = _values(data_dir, "79")
    # received in 2024-Q1: d1 d2 d3 d6 d7 d8; overdue at 31 March: d2 and d7 (finished late);
    # d3 is pending but due on 10 April, so not overdue yet
    assert (
        r.at["dossiers_received_on_time_pct", "numerator"],
        r.at["dossiers_received_on_time_pct", "denominator"],
    ) == (4, 6)
    # over January alone: d1 on time (d4 was received in December)
    jan = _values(data_dir, "79", period="2024-01", baseline="2023-01")
    assert jan.at["dossiers_received_on_time_pct", "value"] == approx(100.0)
    # over February: d2 late and d7 late → 0 of 2
    feb = _values(data_dir, "79", period="2024-02", baseline="2023-02")
    assert feb.at["dossiers_received_on_time_pct", "value"] == approx(0.0)


def test_commune_level_and_sums(data_dir):
    com = review("79", "2024-Q1", level="commune", data_dir=data_dir, lang="en")
    received = com[com["indicator"] == "dossiers_received"].set_index("unit")["value"]
    assert received[C74] == 3 and received[C77] == 1 and received[C79] == 2
    assert received.sum() == 6  # every dossier carries a commune
    assert com.loc[com["indicator"] == "medical_cccd_pct", "note"].eq("not available at commune level").all()
    assert len(received) == 168  # every commune of today's Hồ Chí Minh City


def test_country_is_the_sum_of_provinces(data_dir):
    vn = _values(data_dir, "VN")
    assert vn.at["dossiers_received", "value"] == 6 + 1 + 1
    assert pd.isna(vn.at["dossiers_received", "rank"])


def test_period_across_the_reorganisation(data_dir):
    r = _values(data_dir, "79", period="2025-06..2025-08")
    assert r.at["dossiers_received", "value"] == 2  # d13 (legacy 77, June) and d14 (August)
    assert r.at["dossiers_online_pct", "value"] == approx(50.0)
    with pytest.raises(InputError, match="ceased to exist"):
        review("legacy/77", "2025-06..2025-08", data_dir=data_dir)


def test_missing_table_is_named(tmp_path):
    write_fixture(tmp_path, tables=["dossiers"])
    r = _values(tmp_path, "79")
    assert r.at["dossiers_received", "value"] == 6
    assert math.isnan(r.at["cccd_issued_total", "value"])
    assert r.at["cccd_issued_total", "note"] == "no data on ID cards and e-ID"


def test_cli_json_contract(data_dir, capsys):
    assert (
        main(
            [
                "indicators",
                "--unit",
                "79",
                "--unit",
                "legacy/74",
                "--period",
                "2024-Q1",
                "--baseline",
                "2023-Q1",
                "--format",
                "json",
                "--data-dir",
                str(data_dir),
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2 * 32
    keys = {
        "unit",
        "period",
        "indicator",
        "value",
        "target",
        "status",
        "baseline_value",
        "change_pp",
        "rank",
        "of",
        "recomputed",
    }
    assert all(keys <= set(r) for r in rows)
    synced = next(r for r in rows if r["unit"] == "79" and r["indicator"] == "dossiers_synced_pct")
    assert synced["rank"] == 3 and synced["of"] == 3  # see test_ranks_with_ties_and_peer_count
    assert synced["value"] == approx(100 * 5 / 6)
    paid = next(r for r in rows if r["unit"] == "legacy/74" and r["indicator"] == "tasks_overdue")
    assert paid["value"] == 1  # t6


def test_cli_errors_exit_2(data_dir, capsys):
    assert main(["indicators", "--unit", "legacy/45", "--period", "2025", "--data-dir", str(data_dir)]) == 2
    assert "ceased to exist" in capsys.readouterr().err
    assert main(["indicators", "--unit", "99", "--period", "2024", "--data-dir", str(data_dir)]) == 2
    assert main(["indicators", "--unit", "79", "--period", "2024-13", "--data-dir", str(data_dir)]) == 2
    assert (
        main(["indicators", "--unit", "79", "--period", "2024", "--data-dir", str(data_dir / "nothing")]) == 2
    )


def test_score_parts_by_hand(data_dir):
    from helpers.engine.score import parts_of_score

    parts = parts_of_score(review("44", "2024-Q1", data_dir=data_dir, lang="en"), "en").set_index("part")
    # Quảng Trị's measured parts: 6 + 20 + 6 + 0 + 6 + 4 + 6 = 48 (see test_score_766_by_hand)
    assert parts["score"].sum() == approx(48.0)
    assert parts.loc["dossiers_online", "score"] == approx(6.0)  # 100% ≥ the 50% threshold
    assert parts.loc["paid_online", "score"] == 0 and parts.loc["paid_online", "measured"]  # no fee: 0
    assert parts.loc["satisfied", "threshold"] == 90
    assert not parts.loc["updated_on_time", "measured"]
    assert not parts.loc["petitions_on_time", "measured"]
    assert not parts.loc["published_on_time", "measured"]  # no procedures reported
    assert parts.loc["updated_on_time", "why"] == "no data on how promptly procedures are updated"
    assert parts["points"].sum() == 100
