"""The canonical tables (DESIGN.md section 5), defined once.

Every other module reads the schema from here: validation builds its pandera schemas
from it, ingest reads values by each column's kind, storage writes its Arrow types, the
mart sums its count columns, and fingerprints place files in time by its date column.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.core.errors import InputError


@dataclass(frozen=True)
class Column:
    """One canonical column.

    `kind` says how values are read and checked: `id` (an identifier, unique in its
    table), `province`/`legacy_province`/`commune` (codes from the reference lists), `code`
    (a free code such as a procedure's), `date`, `month` (first day of a month), `bool`,
    `enum` (one of `values`), `count` (a whole number, 0 or more), `text`, `group` (1-5).
    `required`: a row cannot exist without a value; the others may be missing (null),
    because exports carry only what the provincial system prints. `blank_is_value`: a
    blank says something (a dossier still pending, not rated, a task still open), so a
    column with blanks is not a partly missing column.
    """

    name: str
    kind: str
    required: bool = False
    values: tuple[str, ...] = ()
    blank_is_value: bool = False


@dataclass(frozen=True)
class Table:
    """One canonical table: its columns, the date that places a row in time, and the
    columns that identify a row."""

    name: str
    columns: tuple[Column, ...]
    date_column: str
    key: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def of_kind(self, *kinds: str) -> list[str]:
        return [c.name for c in self.columns if c.kind in kinds]

    @property
    def has_communes(self) -> bool:
        """Rows placed in a commune (a `commune_code` column): counted per commune too."""
        return "commune_code" in self.names

    @property
    def count_columns(self) -> tuple[str, ...]:
        return tuple(self.of_kind("count"))

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _places(commune: bool) -> tuple[Column, ...]:
    out = (
        Column("province_code", "province", required=True),
        Column("legacy_province_code", "legacy_province", blank_is_value=True),
    )
    return out + ((Column("commune_code", "commune", blank_is_value=True),) if commune else ())


def _counts(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, "count") for n in names)


AGENCY_LEVELS = ("province", "commune", "district")
CHANNELS = ("online", "in_person", "postal")
RATINGS = ("satisfied", "neutral", "dissatisfied")
ONLINE_LEVELS = ("full", "partial", "none")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "dossiers",
            (
                Column("dossier_id", "id"),
                *_places(commune=True),
                Column("agency_level", "enum", values=AGENCY_LEVELS),
                Column("procedure_code", "code"),
                Column("received_on", "date", required=True),
                Column("channel", "enum", values=CHANNELS),
                Column("full_online", "bool"),
                Column("due_on", "date"),
                Column("finished_on", "date", blank_is_value=True),
                Column("synced", "bool"),
                Column("fee_required", "bool"),
                Column("paid_online", "bool"),
                Column("digitised", "bool"),
                Column("e_result", "bool"),
                Column("rating", "enum", values=RATINGS, blank_is_value=True),
            ),
            date_column="received_on",
        ),
        Table(
            "procedures",
            (
                Column("month", "month", required=True),
                *_places(commune=False),
                Column("procedure_code", "code", required=True),
                Column("published", "bool"),
                Column("online_level", "enum", values=ONLINE_LEVELS),
                Column("fee_required", "bool"),
                Column("essential", "bool"),
            ),
            date_column="month",
            key=("month", "province_code", "legacy_province_code", "procedure_code"),
        ),
        Table(
            "identification",
            (
                Column("month", "month", required=True),
                *_places(commune=True),
                *_counts(
                    "population",
                    "population_eligible",
                    "cccd_applications",
                    "cccd_issued",
                    "eid_applications",
                    "eid_level2_applications",
                    "eid_activated",
                ),
            ),
            date_column="month",
            key=("month", "province_code", "legacy_province_code", "commune_code"),
        ),
        Table(
            "services",
            (
                Column("month", "month", required=True),
                *_places(commune=False),
                *_counts(
                    "medical_facilities",
                    "medical_facilities_accepting_cccd",
                    "social_beneficiaries",
                    "social_beneficiaries_cashless",
                    "records_specialised",
                    "records_cleaned",
                ),
            ),
            date_column="month",
            key=("month", "province_code", "legacy_province_code"),
        ),
        Table(
            "tasks",
            (
                Column("task_id", "id", required=True),
                *_places(commune=False),
                Column("group", "group", required=True),
                Column("title", "text", required=True),
                Column("lead_unit", "text", required=True),
                Column("assigned_on", "date", required=True),
                Column("deadline", "date", required=True),
                Column("completed_on", "date", blank_is_value=True),
            ),
            date_column="assigned_on",
        ),
    )
}
"""Every canonical table, in DESIGN.md order."""

TABLE_NAMES = tuple(TABLES)


_ARROW_TYPES = {"date": "date32", "month": "date32", "bool": "bool_", "count": "int64", "group": "int64"}


def arrow_schema(name: str):
    """The Arrow schema every stored file of a table has: all canonical columns in order,
    an absent optional column stored as nulls of its type."""
    import pyarrow as pa

    return pa.schema(
        [pa.field(c.name, getattr(pa, _ARROW_TYPES.get(c.kind, "string"))()) for c in table(name).columns]
    )


def table(name: str) -> Table:
    """The schema of a canonical table; an unknown name is an input error."""
    if name not in TABLES:
        raise InputError(f"unknown table {name!r}: expected one of {', '.join(TABLES)}")
    return TABLES[name]
