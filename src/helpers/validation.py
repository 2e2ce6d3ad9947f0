"""Validation of the canonical tables: one pandera schema per table (DESIGN.md section 5).

Every problem is collected (pandera's lazy mode) and reported with table, row, column and
value, so a user fixes a file in one pass. Rows are numbered from 1 unless the caller
passes its own numbering (for example the row numbers a spreadsheet shows).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pandera.pandas as pa

from helpers import reference
from helpers.errors import InputError, Problem
from helpers.storage import COUNT_COLUMNS
from helpers.units import REORGANISATION

_BOOL = pa.Column(bool, nullable=False)


def _codes(values, nullable: bool = False) -> pa.Column:
    """A code column whose values must exist in a reference list."""
    return pa.Column(str, pa.Check.isin(sorted(values)), nullable=nullable)


def _month_start(nullable: bool = False) -> pa.Column:
    return pa.Column(
        "datetime64[ms]",
        pa.Check(lambda s: s.dt.day == 1, element_wise=False, error="is not the first day of a month"),
        nullable=nullable,
    )


def _count() -> pa.Column:
    return pa.Column("int64", pa.Check.ge(0), nullable=False)


def _rule(columns: list[str], predicate, error: str) -> pa.Check:
    """A check across columns; `columns` name where the problem is reported."""
    return pa.Check(predicate, element_wise=False, error=error, name="|".join(columns))


def _not_after(earlier: str, later: str) -> pa.Check:
    return _rule(
        [later],
        lambda df: df[later].isna() | df[earlier].isna() | (df[later] >= df[earlier]),
        f"{later} is before {earlier}",
    )


def _at_most(part: str, whole: str) -> pa.Check:
    return _rule([part], lambda df: df[part] <= df[whole], f"{part} is greater than {whole}")


def _legacy_matches_current() -> pa.Check:
    cw = reference.crosswalk()
    return _rule(
        ["legacy_province_code"],
        lambda df: (
            df["legacy_province_code"].isna() | (df["legacy_province_code"].map(cw) == df["province_code"])
        ),
        "legacy province is not part of province_code (Resolution 202/2025/QH15 crosswalk)",
    )


def _commune_in_province() -> pa.Check:
    home = reference.communes().set_index("commune_code")["province_code"]
    return _rule(
        ["commune_code"],
        lambda df: df["commune_code"].isna() | (df["commune_code"].map(home) == df["province_code"]),
        "commune is not in province_code",
    )


def _legacy_before_reorganisation(date_col: str) -> pa.Check:
    cutoff = pd.Timestamp(REORGANISATION)
    return _rule(
        ["legacy_province_code"],
        lambda df: (df[date_col] >= cutoff) | df["legacy_province_code"].notna(),
        f"missing: every row with {date_col} before July 2025 belongs to one legacy province",
    )


def _not_future(col: str) -> pa.Check:
    return _rule(
        [col], lambda df: df[col].isna() | (df[col] <= pd.Timestamp(date.today())), f"{col} is in the future"
    )


def _place_columns(nullable_commune: bool) -> dict[str, pa.Column]:
    return {
        "province_code": _codes(reference.provinces()["province_code"]),
        "legacy_province_code": _codes(reference.crosswalk(), nullable=True),
        "commune_code": _codes(reference.communes()["commune_code"], nullable=nullable_commune),
    }


def _schemas() -> dict[str, pa.DataFrameSchema]:
    places = _place_columns(nullable_commune=True)
    province_places = {k: v for k, v in places.items() if k != "commune_code"}
    date_col = pa.Column("datetime64[ms]", nullable=False)
    return {
        "dossiers": pa.DataFrameSchema(
            {
                "dossier_id": pa.Column(str, pa.Check.str_length(1, 128), unique=True),
                **places,
                "agency_level": pa.Column(str, pa.Check.isin(["province", "commune", "district"])),
                "procedure_code": pa.Column(str, pa.Check.str_length(1, 64)),
                "received_on": date_col,
                "channel": pa.Column(str, pa.Check.isin(["online", "in_person", "postal"])),
                "full_online": _BOOL,
                "due_on": date_col,
                "finished_on": pa.Column("datetime64[ms]", nullable=True),
                "synced": _BOOL,
                "fee_required": _BOOL,
                "paid_online": _BOOL,
                "digitised": _BOOL,
                "e_result": _BOOL,
                "rating": pa.Column(
                    str, pa.Check.isin(["satisfied", "neutral", "dissatisfied"]), nullable=True
                ),
            },
            checks=[
                _legacy_matches_current(),
                _commune_in_province(),
                _legacy_before_reorganisation("received_on"),
                _not_after("received_on", "due_on"),
                _not_after("received_on", "finished_on"),
                _not_future("received_on"),
                _not_future("finished_on"),
                _rule(
                    ["full_online"],
                    lambda df: ~df["full_online"] | (df["channel"] == "online"),
                    "full_online is true but channel is not online",
                ),
                _rule(
                    ["paid_online"],
                    lambda df: ~df["paid_online"] | df["fee_required"],
                    "paid_online is true but fee_required is false",
                ),
                _rule(
                    ["rating"],
                    lambda df: df["rating"].isna() | df["finished_on"].notna(),
                    "rated but not finished",
                ),
            ],
            strict=True,
            ordered=False,
        ),
        "procedures": pa.DataFrameSchema(
            {
                "month": _month_start(),
                **province_places,
                "procedure_code": pa.Column(str, pa.Check.str_length(1, 64)),
                "published": _BOOL,
                "online_level": pa.Column(str, pa.Check.isin(["full", "partial", "none"])),
                "fee_required": _BOOL,
                "essential": _BOOL,
            },
            checks=[_legacy_matches_current(), _legacy_before_reorganisation("month"), _not_future("month")],
            unique=["month", "province_code", "legacy_province_code", "procedure_code"],
            strict=True,
        ),
        "identification": pa.DataFrameSchema(
            {
                "month": _month_start(),
                **places,
                **{c: _count() for c in COUNT_COLUMNS["identification"]},
            },
            checks=[
                _legacy_matches_current(),
                _commune_in_province(),
                _legacy_before_reorganisation("month"),
                _not_future("month"),
                _at_most("population_eligible", "population"),
                _at_most("cccd_applications", "population_eligible"),
                _at_most("eid_applications", "population_eligible"),
                _at_most("eid_level2_applications", "eid_applications"),
            ],
            unique=["month", "province_code", "legacy_province_code", "commune_code"],
            strict=True,
        ),
        "services": pa.DataFrameSchema(
            {
                "month": _month_start(),
                **province_places,
                **{c: _count() for c in COUNT_COLUMNS["services"]},
            },
            checks=[
                _legacy_matches_current(),
                _legacy_before_reorganisation("month"),
                _not_future("month"),
                _at_most("medical_facilities_accepting_cccd", "medical_facilities"),
                _at_most("social_beneficiaries_cashless", "social_beneficiaries"),
                _at_most("records_cleaned", "records_specialised"),
            ],
            unique=["month", "province_code", "legacy_province_code"],
            strict=True,
        ),
        "tasks": pa.DataFrameSchema(
            {
                "task_id": pa.Column(str, pa.Check.str_length(1, 64), unique=True),
                **province_places,
                "group": pa.Column("int64", pa.Check.isin([1, 2, 3, 4, 5])),
                "title": pa.Column(str, pa.Check.str_length(1, 500)),
                "lead_unit": pa.Column(str, pa.Check.str_length(1, 200)),
                "assigned_on": date_col,
                "deadline": date_col,
                "completed_on": pa.Column("datetime64[ms]", nullable=True),
            },
            checks=[
                _legacy_matches_current(),
                _legacy_before_reorganisation("assigned_on"),
                _not_after("assigned_on", "deadline"),
                _not_after("assigned_on", "completed_on"),
                _not_future("assigned_on"),
                _not_future("completed_on"),
            ],
            strict=True,
        ),
    }


_SCHEMA_CACHE: dict[str, pa.DataFrameSchema] = {}


def schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of a canonical table."""
    if not _SCHEMA_CACHE:
        _SCHEMA_CACHE.update(_schemas())
    if table not in _SCHEMA_CACHE:
        raise InputError(f"unknown table {table!r}: expected one of {', '.join(_SCHEMA_CACHE)}")
    return _SCHEMA_CACHE[table]


def columns(table: str) -> list[str]:
    """The canonical columns of a table, in DESIGN.md order."""
    return list(schema(table).columns)


def find_problems(table: str, df: pd.DataFrame) -> list[Problem]:
    """Every problem in `df` as a canonical `table`; empty when the table is valid.

    Row numbers are the frame's index values: give the frame the numbering users see.
    """
    sch = schema(table)
    try:
        sch.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _problems_from(table, exc.failure_cases, sch)
    return []


def _problems_from(table: str, cases: pd.DataFrame, sch: pa.DataFrameSchema) -> list[Problem]:
    """Turn pandera's failure cases into one Problem per row, column and rule."""
    problems, seen = [], set()
    wide: dict[tuple[int, int | None], dict[str, object]] = {}
    for case in cases.itertuples(index=False):
        row = None if pd.isna(case.index) else int(case.index)
        column, value, reason = case.column, _plain(case.failure_case), str(case.check)
        if reason == "column_in_schema":
            column, reason = value, "column not in the canonical table"
        elif reason == "column_in_dataframe":
            column, reason = value, "required column is missing"
        elif reason == "multiple_fields_uniqueness":
            column, reason = "+".join(sch.unique), "duplicated key: must be unique"
        elif case.schema_context == "DataFrameSchema" and not pd.isna(case.check_number):
            # a rule across columns: pandera lists every column of a failing row
            wide.setdefault((int(case.check_number), row), {})[column] = value
            continue
        else:
            reason = _reason(reason, value)
        key = (row, column, reason)
        if key not in seen:
            seen.add(key)
            problems.append(Problem(table, column, row, value, reason))
    for (number, row), values in wide.items():
        check = sch.checks[number]
        column = check.name.split("|")[0]
        problems.append(Problem(table, column, row, values.get(column), check.error))
    return problems


def _reason(check: str, value: object) -> str:
    """A reader's wording of pandera's built-in check names."""
    if check.startswith("isin("):
        allowed = check[len("isin([") : -2].replace("'", "").split(", ")
        if len(allowed) > 10:
            return "unknown code: not in the reference list"
        return f"not one of {', '.join(allowed)}"
    if check.startswith("dtype("):
        return f"wrong type {value}: expected {check[7:-2]}"
    return {
        "field_uniqueness": "duplicated: must be unique",
        "not_nullable": "missing: a value is required",
        "greater_than_or_equal_to(0)": "negative: a count is never below 0",
    }.get(check, check)


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value.item() if hasattr(value, "item") else value


def validate(table: str, df: pd.DataFrame) -> None:
    """Raise InputError listing every problem when `df` is not a valid canonical `table`."""
    problems = find_problems(table, df)
    if problems:
        raise InputError(f"table {table}: {len(problems)} problems found", problems)
