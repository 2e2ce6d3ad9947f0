"""Every validation rule, each with a bad input that must be named by table, column and row."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core.errors import InputError
from helpers.data.schema import TABLES
from helpers.data.validation import find_problems, validate


def columns(table: str) -> list[str]:
    return TABLES[table].names


def _dates(*values):
    return pd.to_datetime(list(values)).astype("datetime64[ms]")


def valid(table: str) -> pd.DataFrame:
    """Three valid rows of a canonical table, numbered from 1 as a user sees them."""
    frames = {
        "dossiers": pd.DataFrame(
            {
                "dossier_id": ["d1", "d2", "d3"],
                "province_code": ["44", "44", "79"],
                "legacy_province_code": ["45", "44", None],
                "commune_code": ["19742", None, "26506"],
                "agency_level": ["commune", "province", "commune"],
                "procedure_code": ["1.001", "1.002", "1.003"],
                "received_on": _dates("2023-01-05", "2023-02-01", "2025-08-01"),
                "channel": ["online", "in_person", "postal"],
                "full_online": [True, False, False],
                "due_on": _dates("2023-01-10", "2023-02-15", "2025-08-10"),
                "finished_on": _dates("2023-01-09", None, "2025-08-12"),
                "synced": [True, True, False],
                "fee_required": [True, False, False],
                "paid_online": [True, False, False],
                "digitised": [True, False, True],
                "e_result": [True, False, False],
                "rating": ["satisfied", None, None],
            }
        ),
        "procedures": pd.DataFrame(
            {
                "month": _dates("2023-01-01", "2023-01-01", "2025-08-01"),
                "province_code": ["44", "44", "44"],
                "legacy_province_code": ["45", "44", None],
                "procedure_code": ["1.001", "1.001", "1.001"],
                "published": [True, True, False],
                "online_level": ["full", "partial", "none"],
                "fee_required": [True, True, False],
                "essential": [False, False, True],
            }
        ),
        "identification": pd.DataFrame(
            {
                "month": _dates("2023-01-01", "2023-02-01", "2025-08-01"),
                "province_code": ["44", "44", "44"],
                "legacy_province_code": ["45", "45", None],
                "commune_code": ["19742", "19742", "19742"],
                "population": [1000, 1001, 1002],
                "population_eligible": [780, 781, 782],
                "cccd_applications": [50, 10, 0],
                "cccd_issued": [48, 11, 0],
                "eid_applications": [30, 20, 1],
                "eid_level2_applications": [20, 20, 0],
                "eid_activated": [25, 18, 1],
                # the third row: totals to 20 August 2025 (cards applied for to date)
                "figures": ["monthly", None, "to_date"],
                "as_of": _dates(None, None, "2025-08-20"),
            }
        ),
        "services": pd.DataFrame(
            {
                "month": _dates("2023-01-01", "2023-01-01", "2025-08-01"),
                "province_code": ["44", "44", "44"],
                "legacy_province_code": ["45", "44", None],
                "medical_facilities": [10, 20, 30],
                "medical_facilities_accepting_cccd": [5, 20, 0],
                "social_beneficiaries": [10, 20, 30],
                "social_beneficiaries_cashless": [5, 20, 0],
                "records_specialised": [10, 20, 30],
                "records_cleaned": [5, 20, 0],
                "figures": [None, None, "to_date"],
                "as_of": _dates(None, None, "2025-08-31"),
            }
        ),
        "tasks": pd.DataFrame(
            {
                "task_id": ["t1", "t2", "t3"],
                "province_code": ["44", "44", "44"],
                "legacy_province_code": ["45", "45", None],
                "group": [1, 3, 5],
                "title": ["Số hóa hồ sơ", "Kích hoạt VNeID", "Báo cáo sơ kết"],
                "lead_unit": ["Công an tỉnh", "Sở Y tế", "Văn phòng UBND tỉnh"],
                "assigned_on": _dates("2022-03-01", "2023-05-01", "2025-09-01"),
                "deadline": _dates("2022-06-01", "2023-06-01", "2025-12-01"),
                "completed_on": _dates("2022-05-20", None, "2025-12-10"),
                "status": [None, "in_progress", "done_late"],
                "as_of": _dates(None, "2023-05-20", None),
            }
        ),
    }
    df = frames[table]
    df.index = df.index + 1
    return df


@pytest.mark.parametrize("table", ["dossiers", "procedures", "identification", "services", "tasks"])
def test_valid_fixtures_pass_and_have_canonical_columns(table):
    df = valid(table)
    assert find_problems(table, df) == []
    assert list(df.columns) == columns(table)


def _set(table, row, column, value):
    df = valid(table)
    df[column] = df[column].astype(object)
    df.at[row, column] = value
    dated = ("received_on", "due_on", "finished_on", "month", "assigned_on", "deadline", "completed_on")
    dated += ("as_of",)
    if column in dated:
        df[column] = pd.to_datetime(df[column]).astype("datetime64[ms]")
    elif df[column].dropna().map(type).eq(bool).all() and value is not None:
        df[column] = df[column].astype(bool)
    elif column in columns("identification") + columns("services") and column.startswith(
        ("population", "cccd", "eid", "medical", "social", "records")
    ):
        df[column] = df[column].astype("int64")
    return df


CASES = [
    # table, row, column, bad value, words expected in the reason
    ("dossiers", 2, "dossier_id", "d1", "duplicated"),
    ("dossiers", 1, "province_code", "45", "unknown code"),
    ("dossiers", 1, "legacy_province_code", "03", "unknown code"),
    ("dossiers", 1, "legacy_province_code", "01", "not part of province_code"),
    ("dossiers", 1, "legacy_province_code", None, "before July 2025"),
    ("dossiers", 3, "commune_code", "00004", "not in province_code"),
    ("dossiers", 1, "commune_code", "12345", "unknown code"),
    ("dossiers", 1, "agency_level", "ministry", "not one of"),
    ("dossiers", 1, "channel", "fax", "not one of"),
    ("dossiers", 1, "rating", "great", "not one of"),
    ("dossiers", 2, "rating", "neutral", "not finished"),
    ("dossiers", 1, "due_on", "2022-12-31", "before received_on"),
    ("dossiers", 1, "finished_on", "2023-01-01", "before received_on"),
    ("dossiers", 1, "received_on", "2099-01-01", "future"),
    ("dossiers", 2, "full_online", True, "channel is not online"),
    ("dossiers", 2, "paid_online", True, "fee_required is false"),
    ("dossiers", 1, "received_on", None, "missing"),
    ("procedures", 1, "month", "2023-01-15", "first day of a month"),
    ("procedures", 1, "online_level", "half", "not one of"),
    ("procedures", 2, "legacy_province_code", "45", "duplicated key"),
    ("procedures", 3, "month", "2099-01-01", "future"),
    ("identification", 1, "population", -5, "negative"),
    ("identification", 1, "population_eligible", 2000, "greater than population"),
    ("identification", 1, "cccd_applications", 900, "greater than population_eligible"),
    ("identification", 1, "eid_level2_applications", 31, "greater than eid_applications"),
    ("identification", 1, "commune_code", "00004", "not in province_code"),
    ("services", 1, "medical_facilities_accepting_cccd", 11, "greater than medical_facilities"),
    ("services", 1, "social_beneficiaries_cashless", 11, "greater than social_beneficiaries"),
    ("services", 1, "records_cleaned", 11, "greater than records_specialised"),
    ("services", 2, "records_cleaned", -1, "negative"),
    ("tasks", 2, "task_id", "t1", "duplicated"),
    ("tasks", 1, "group", 6, "not one of"),
    ("tasks", 1, "deadline", "2022-02-01", "before assigned_on"),
    ("tasks", 1, "completed_on", "2022-02-01", "before assigned_on"),
    ("tasks", 1, "lead_unit", None, "missing"),
    ("tasks", 1, "status", "overdue", "not done"),
    ("tasks", 2, "status", "later", "not one of"),
    ("tasks", 2, "deadline", None, "missing"),
    ("tasks", 1, "legacy_province_code", None, "deadline before July 2025"),
    ("identification", 3, "as_of", None, "needs its date"),
    ("identification", 3, "as_of", "2025-07-31", "not in the row's month"),
    ("identification", 3, "figures", "weekly", "not one of"),
    ("services", 3, "as_of", "2099-08-31", "future"),
]


def test_totals_to_date_may_pass_the_eligible_population():
    # cards applied for to date count re-issued cards: a total above today's eligible
    # population is possible, a month's applications above it are not
    df = valid("identification")
    df.loc[3, "cccd_applications"] = 900
    assert find_problems("identification", df) == []
    df.loc[1, "cccd_applications"] = 900
    assert [(p.row, p.column) for p in find_problems("identification", df)] == [(1, "cccd_applications")]


def test_a_month_may_hold_its_flows_and_a_total_to_date_of_the_same_commune():
    df = valid("identification")
    df.loc[3, "month"] = df.loc[2, "month"] = pd.Timestamp("2023-02-01")
    df.loc[3, "as_of"] = pd.Timestamp("2023-02-28")
    df.loc[3, "legacy_province_code"] = "45"
    assert find_problems("identification", df) == []
    df.loc[2, "figures"] = "to_date"
    df.loc[2, "as_of"] = pd.Timestamp("2023-02-28")
    assert {p.reason for p in find_problems("identification", df)} == {"duplicated key: must be unique"}


@pytest.mark.parametrize(("table", "row", "column", "value", "reason"), CASES)
def test_each_rule_names_table_row_and_column(table, row, column, value, reason):
    problems = find_problems(table, _set(table, row, column, value))
    assert problems, "the bad value was accepted"
    hits = [p for p in problems if reason in p.reason]
    assert hits, [str(p) for p in problems]
    hit = next((p for p in hits if p.row == row), hits[0])  # a duplicate flags both rows
    assert hit.table == table
    assert hit.column is not None and column in hit.column
    assert hit.row == row
    assert f"table {table}" in str(hit) and f"row {row}" in str(hit) and column in str(hit)


def test_all_problems_are_collected_not_just_the_first():
    df = valid("dossiers")
    df.loc[1, "channel"] = "fax"
    df.loc[2, "agency_level"] = "ministry"
    df.loc[3, "province_code"] = "00"
    with pytest.raises(InputError) as err:
        validate("dossiers", df)
    found = sorted((p.row, p.column, p.reason) for p in err.value.problems)
    assert found == [  # the three changes, and what each breaks in its row
        (1, "channel", "not one of online, in_person, postal"),
        (1, "full_online", "full_online is true but channel is not online"),
        (2, "agency_level", "not one of province, commune, district"),
        (3, "commune_code", "commune is not in province_code"),
        (3, "province_code", "unknown code: not in the reference list"),
    ]
    assert str(err.value) == "table dossiers: 5 problems found"


def test_unknown_and_missing_columns_are_named():
    df = valid("dossiers").drop(columns=["synced"]).assign(citizen_name="Nguyễn Văn A")
    reasons = {(p.column, p.reason) for p in find_problems("dossiers", df)}
    assert ("citizen_name", "column not in the canonical table") in reasons
    assert ("synced", "required column is missing") in reasons


def test_wrong_type_is_named():
    df = valid("identification")
    df["population"] = df["population"].astype(str)
    problems = find_problems("identification", df)
    assert any(p.column == "population" and "wrong type" in p.reason for p in problems)


def test_unknown_table():
    with pytest.raises(InputError, match="unknown table"):
        find_problems("citizens", valid("tasks"))
