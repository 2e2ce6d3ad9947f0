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
    `enum` (one of `values`), `count` (a whole number, 0 or more), `number` (a decimal
    number, 0 or more: a published ratio or score), `text`, `group` (1-5).
    `required`: a row cannot exist without a value; the others may be missing (null),
    because exports carry only what the provincial system prints. `blank_is_value`: a
    blank says something (a dossier still pending, not rated, a task still open), so a
    column with blanks is not a partly missing column. `free_text`: sentences people write
    (a task's title), where personal data found by content is masked in place; in any other
    text column (a lead unit, a code) such a value is masked whole or the column refused.
    `level`: a count of what there is at a date (people, facilities, records), never summed
    over months; the other counts are of what happened in a month (flows), summed to a
    stock. `stands_for`: an optional column whose values answer what an indicator asks of
    another (a task's reported status stands for its completion date where the list gives
    none).
    """

    name: str
    kind: str
    required: bool = False
    values: tuple[str, ...] = ()
    blank_is_value: bool = False
    free_text: bool = False
    level: bool = False
    stands_for: str | None = None


@dataclass(frozen=True)
class Table:
    """One canonical table: its columns, the date that places a row in time, and the
    columns that identify a row."""

    name: str
    columns: tuple[Column, ...]
    date_column: str
    key: tuple[str, ...] = ()
    published: bool = False
    """Figures a public body publishes (the portal's Decision 766 index), read as published:
    not a province's export, so no `p06 template` (the sample makes its own synthetic copy,
    from its dossiers, in `helpers.data.sample.official`)."""

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
    def flow_columns(self) -> tuple[str, ...]:
        """Counts of what happened in a month (not `level`): summed to a stock."""
        return tuple(c.name for c in self.columns if c.kind == "count" and not c.level)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def text_columns(self) -> list[Column]:
        """The columns stored as text not drawn from a closed list (codes, identifiers,
        names, titles): every one is read for personal data by content."""
        return [c for c in self.columns if _ARROW_TYPES.get(c.kind) is None and c.kind not in _CLOSED]

    def standing_for(self, name: str) -> list[str]:
        """The columns that may stand for column `name` (see `Column.stands_for`)."""
        return [c.name for c in self.columns if c.stands_for == name]


def _places(commune: bool) -> tuple[Column, ...]:
    out = (
        Column("province_code", "province", required=True),
        Column("legacy_province_code", "legacy_province", blank_is_value=True),
    )
    return out + ((Column("commune_code", "commune", blank_is_value=True),) if commune else ())


def _counts(*names: str, level: bool = False) -> tuple[Column, ...]:
    return tuple(Column(n, "count", level=level) for n in names)


def _figures() -> tuple[Column, ...]:
    """What a row's counts are (FIGURES) and, for totals, the date they are at."""
    return (Column("figures", "enum", values=FIGURES), Column("as_of", "date"))


AGENCY_LEVELS = ("province", "commune", "district")
CHANNELS = ("online", "in_person", "postal")
RATINGS = ("satisfied", "neutral", "dissatisfied")
ONLINE_LEVELS = ("full", "partial", "none")

# The official Decision 766 index as the National Public Service Portal publishes it
# (DESIGN.md sections 5 and 7): one row per unit, period, snapshot and metric, group or total.
INDEX_766_LEVELS = ("country", "province", "department", "commune")
INDEX_766_GROUPS = ("total", "transparency", "progress", "online", "payment", "digitisation", "satisfaction")
INDEX_766 = Table(
    "index_766",
    (
        Column("province_code", "province"),  # empty for the country and for names matching no province
        Column("commune_code", "commune", blank_is_value=True),
        Column("portal_unit_code", "code"),  # the portal's own code: H44, H44.07, H44.100
        Column("portal_unit_name", "text"),  # as the portal writes it, once checked
        Column("unit_level", "enum", required=True, values=INDEX_766_LEVELS),
        Column("period", "code", required=True),  # its label: 2026, 2026-Q3, 2026-08
        Column("period_start_on", "month", required=True),
        Column("period_end_on", "date", required=True),  # the period's last day
        Column("as_of", "date", required=True),  # the snapshot's date
        Column("group", "enum", required=True, values=INDEX_766_GROUPS),
        Column("metric", "code", blank_is_value=True),  # empty on a group's or the total's row
        Column("numerator", "count", blank_is_value=True),
        Column("denominator", "count", blank_is_value=True),
        Column("ratio", "number", blank_is_value=True),
        Column("score", "number", blank_is_value=True),
        Column("max_score", "number", blank_is_value=True),
        Column("rank", "count", blank_is_value=True),
        Column("source_file", "text"),
    ),
    date_column="period_start_on",
    key=(
        "unit_level",
        "province_code",
        "commune_code",
        "portal_unit_code",
        "portal_unit_name",
        "period",
        "as_of",
        "group",
        "metric",
        "source_file",  # the same published figure may come in two files: a response and a summary
    ),
    published=True,
)
# Flows and to-date figures (DESIGN.md section 5). A row of `identification` or `services`
# says what its counts are: `monthly`, the figures of its month (for identification, flows:
# cards issued in the month), or `to_date`, totals at the date `as_of` (cards issued up to
# that day), with `month` the month of that date. A blank `figures` is `monthly`. A total is
# never summed as a flow: the mart turns each commune's totals into the differences between
# successive totals, so that every sum over months stays additive (see engine/stocks.py).
FIGURES = ("monthly", "to_date")

# Tasks as steering committees track them: the result as written ("Đã hoàn thành", "Quá
# hạn"), read as one of these whole phrases (ingest_aliases.yml `values: status`). A task
# done without a completion date counts as done, but neither on time nor late.
TASK_STATUSES = ("done", "done_late", "in_progress", "not_done", "overdue")
DONE_STATUSES = ("done", "done_late")

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
                *_counts("population", "population_eligible", level=True),
                *_counts(
                    "cccd_applications",
                    "cccd_issued",
                    "eid_applications",
                    "eid_level2_applications",
                    "eid_activated",
                ),
                *_figures(),
            ),
            date_column="month",
            key=("month", "province_code", "legacy_province_code", "commune_code", "figures"),
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
                    level=True,
                ),
                *_figures(),
            ),
            date_column="month",
            key=("month", "province_code", "legacy_province_code", "figures"),
        ),
        Table(
            "tasks",
            (
                Column("task_id", "id", required=True),
                *_places(commune=False),
                Column("group", "group"),
                Column("title", "text", required=True, free_text=True),
                Column("lead_unit", "text", required=True),
                Column("assigned_on", "date"),
                Column("deadline", "date", required=True),
                Column("completed_on", "date", blank_is_value=True),
                Column("status", "enum", values=TASK_STATUSES, stands_for="completed_on"),
                Column("as_of", "date"),
            ),
            # a task list as committees keep it has no assignment dates: a task is placed in
            # time by its deadline (every task that is due or overdue in a period has one)
            date_column="deadline",
        ),
        INDEX_766,
    )
}
"""Every canonical table, in DESIGN.md order."""

TABLE_NAMES = tuple(TABLES)

EXPORT_TABLES = tuple(name for name, t in TABLES.items() if not t.published)
"""The tables a province exports (and `p06 template` and the sample write)."""


_ARROW_TYPES = {
    "date": "date32",
    "month": "date32",
    "bool": "bool_",
    "count": "int64",
    "group": "int64",
    "number": "float64",
}
_CLOSED = ("enum", "province", "legacy_province", "commune")
"""Text kinds whose values come from a closed list (checked against it, never free text)."""


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
