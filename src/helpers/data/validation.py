"""Validation of the canonical tables: one pandera schema per table, built from the
canonical schema (`helpers.data.schema`) and the rules across columns below.

Every problem is collected (pandera's lazy mode) and reported with table, row, column and
value, so a user fixes a file in one pass. Rows are numbered from 1 unless the caller
passes its own numbering (for example the row numbers a spreadsheet shows).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pandera.pandas as pa

from helpers.core import reference
from helpers.core.errors import InputError, Problem
from helpers.core.units import REORGANISATION
from helpers.data import schema as canonical


def _codes(values, nullable: bool) -> pa.Column:
    """A code column whose values must exist in a reference list."""
    return pa.Column(str, pa.Check.isin(sorted(values)), nullable=nullable)


def _rule(columns: list[str], predicate, error: str) -> pa.Check:
    """A check across columns; `columns` name where the problem is reported."""
    return pa.Check(predicate, element_wise=False, error=error, name="|".join(columns))


def _not_after(earlier: str, later: str) -> pa.Check:
    return _rule(
        [later],
        lambda df: df[later].isna() | df[earlier].isna() | (df[later] >= df[earlier]),
        f"{later} is before {earlier}",
    )


def _at_most(part: str, whole: str, monthly_only: bool = False) -> pa.Check:
    """`part` no greater than `whole`; with `monthly_only`, on rows of a month's figures only
    (cards applied for to date may pass the population of today: re-issued cards count)."""

    def holds(df):
        ok = df[part].isna() | df[whole].isna() | (df[part] <= df[whole])
        return ok | _to_date(df) if monthly_only else ok

    return _rule([part], holds, f"{part} is greater than {whole}")


def _to_date(df) -> pd.Series:
    """Rows whose counts are totals to a date (canonical `figures`)."""
    return df["figures"].fillna("monthly").eq("to_date") if "figures" in df else pd.Series(False, df.index)


def _totals_dated() -> list[pa.Check]:
    """A total to a date has its date, in its month."""
    return [
        _rule(
            ["as_of"],
            lambda df: ~_to_date(df) | df["as_of"].notna(),
            "missing: a total to a date needs its date (as_of)",
        ),
        _rule(
            ["as_of"],
            lambda df: df["as_of"].isna() | (df["as_of"].dt.to_period("M").dt.start_time == df["month"]),
            "as_of is not in the row's month",
        ),
        _not_future("as_of"),
    ]


def _only_if(flag: str, condition, error: str) -> pa.Check:
    """`flag` may be true only where `condition(df)` holds (missing values pass)."""
    return _rule(
        [flag], lambda df: df[flag].isna() | ~df[flag].fillna(False).astype(bool) | condition(df), error
    )


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


def _column(col: canonical.Column) -> pa.Column:
    """The pandera column of a canonical column, by its kind."""
    nullable = not col.required
    if col.kind == "province":
        return _codes(reference.provinces()["province_code"], nullable)
    if col.kind == "legacy_province":
        return _codes(reference.crosswalk(), nullable)
    if col.kind == "commune":
        return _codes(reference.communes()["commune_code"], nullable)
    if col.kind in ("date", "month"):
        checks = (
            [pa.Check(lambda s: s.dt.day == 1, element_wise=False, error="is not the first day of a month")]
            if col.kind == "month"
            else []
        )
        return pa.Column("datetime64[ms]", checks, nullable=nullable)
    if col.kind == "bool":
        return pa.Column("boolean", nullable=nullable, coerce=False)
    if col.kind == "enum":
        return pa.Column(str, pa.Check.isin(list(col.values)), nullable=nullable)
    if col.kind == "count":
        return pa.Column("Int64", pa.Check.ge(0), nullable=nullable)
    if col.kind == "group":
        return pa.Column("Int64", pa.Check.isin([1, 2, 3, 4, 5]), nullable=nullable)
    if col.kind == "number":
        return pa.Column("float64", pa.Check.ge(0), nullable=nullable)
    length = 500 if col.kind == "text" and col.name == "title" else 200 if col.kind == "text" else 128
    return pa.Column(str, pa.Check.str_length(1, length), nullable=nullable, unique=col.kind == "id")


_RULES = {
    "dossiers": lambda: [
        _legacy_matches_current(),
        _commune_in_province(),
        _legacy_before_reorganisation("received_on"),
        _not_after("received_on", "due_on"),
        _not_after("received_on", "finished_on"),
        _not_future("received_on"),
        _not_future("finished_on"),
        _only_if(
            "full_online",
            lambda df: df["channel"].isna() | (df["channel"] == "online"),
            "full_online is true but channel is not online",
        ),
        _only_if(
            "paid_online",
            lambda df: df["fee_required"].isna() | df["fee_required"].fillna(False).astype(bool),
            "paid_online is true but fee_required is false",
        ),
        _rule(
            ["rating"],
            lambda df: df["rating"].isna() | df["finished_on"].notna(),
            "rated but not finished",
        ),
    ],
    "procedures": lambda: [
        _legacy_matches_current(),
        _legacy_before_reorganisation("month"),
        _not_future("month"),
    ],
    "identification": lambda: [
        _legacy_matches_current(),
        _commune_in_province(),
        _legacy_before_reorganisation("month"),
        _not_future("month"),
        _at_most("population_eligible", "population"),
        _at_most("cccd_applications", "population_eligible", monthly_only=True),
        _at_most("eid_applications", "population_eligible", monthly_only=True),
        _at_most("eid_level2_applications", "eid_applications"),
        *_totals_dated(),
    ],
    "services": lambda: [
        _legacy_matches_current(),
        _legacy_before_reorganisation("month"),
        _not_future("month"),
        _at_most("medical_facilities_accepting_cccd", "medical_facilities"),
        _at_most("social_beneficiaries_cashless", "social_beneficiaries"),
        _at_most("records_cleaned", "records_specialised"),
        *_totals_dated(),
    ],
    "tasks": lambda: [
        _legacy_matches_current(),
        _legacy_before_reorganisation("deadline"),
        _not_after("assigned_on", "deadline"),
        _not_after("assigned_on", "completed_on"),
        _not_future("assigned_on"),
        _not_future("completed_on"),
        _not_future("as_of"),
        _rule(
            ["status"],
            lambda df: (
                df["status"].isna() | df["completed_on"].isna() | df["status"].isin(canonical.DONE_STATUSES)
            ),
            "completed_on is given but the status says the task is not done",
        ),
    ],
    "index_766": lambda: [
        _commune_in_province(),
        _not_after("period_start_on", "period_end_on"),
    ],
}
"""The rules across columns of each table (the schema gives the columns themselves)."""


def _build(table: canonical.Table) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {c.name: _column(c) for c in table.columns},
        checks=_RULES[table.name](),
        unique=list(table.key) or None,
        strict=True,
        ordered=False,
    )


_SCHEMA_CACHE: dict[str, pa.DataFrameSchema] = {}


def schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of a canonical table, built once from `helpers.data.schema`."""
    if table not in _SCHEMA_CACHE:
        _SCHEMA_CACHE[table] = _build(canonical.table(table))
    return _SCHEMA_CACHE[table]


def find_problems(table: str, df: pd.DataFrame) -> list[Problem]:
    """Every problem in `df` as a canonical `table`; empty when the table is valid.

    Row numbers are the frame's index values: give the frame the numbering users see.
    """
    sch = schema(table)
    try:
        sch.validate(_nullable_types(table, df), lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _problems_from(table, exc.failure_cases, sch)
    return []


def _nullable_types(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Booleans and whole numbers in pandas' nullable types, which the schemas use because
    optional columns may be missing; a column of another type is left for pandera to name."""
    out = df.copy(deep=False)
    for col in canonical.table(table).columns:
        if col.name not in out:
            continue
        values = out[col.name]
        if col.kind == "bool" and (pd.api.types.is_bool_dtype(values) or values.isna().all()):
            out[col.name] = values.astype("boolean")
        elif col.kind in ("count", "group") and (
            pd.api.types.is_integer_dtype(values)
            or (pd.api.types.is_float_dtype(values) and values.dropna().mod(1).eq(0).all())
        ):
            out[col.name] = values.astype("Int64")
        elif col.kind == "number" and (pd.api.types.is_numeric_dtype(values) or values.isna().all()):
            out[col.name] = values.astype("float64")
    return out


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
