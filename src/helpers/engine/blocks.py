"""The mart's blocks: what each holds (its canonical source, the SQL of its monthly counts,
its measures, the counts of known values of its optional columns), defined once.

`helpers.engine.mart` builds them; the engine reads their measures through the catalog's
windows. A new count is one more `count(*) FILTER (WHERE ...)` line in its block's SQL and
one more name in its `measures`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from helpers.data.schema import TABLES
from helpers.engine import stocks
from helpers.engine.windows import (
    OVERDUE_LAGS,
    done_on_time_sql,
    overdue_sql,
    received_on_time_sql,
    untimed_sql,
)


@dataclass(frozen=True)
class Block:
    """One mart table: the canonical table it reads and the SQL of its monthly counts.

    Every block counts `rows` (the source rows of the month: what tells which months the
    data covers) and, for each optional column an indicator needs, `known_<column>`: how
    many rows of its base measure (`known`: column → base) carry a value, so an indicator
    can tell an export without that column from a column of zeros."""

    name: str
    source: str
    sql: str  # selects month, province_code, legacy_province_code[, commune_code], counts...
    measures: tuple[str, ...]
    known: dict[str, str]
    listing: bool = False  # a list as known at a date (tasks): every month up to its last is covered

    @property
    def has_commune(self) -> bool:
        """Counts per commune, where its canonical table has communes."""
        return TABLES[self.source].has_communes


def _carried(column: str) -> bool:
    """Whether a column's blanks are values (pending, not rated, open): then the rows that
    know it are those from files whose export carried the column."""
    return any(column in t.names and t.column(column).blank_is_value for t in TABLES.values())


def _known_of(column: str, alias: str = "") -> str:
    """SQL: does a row know `column`? (non-null, or from a file that carried the column)."""
    return f"{alias}carries_{column}" if _carried(column) else f"{alias}{column} IS NOT NULL"


def _known(columns: tuple[str, ...]) -> str:
    return ", ".join(f"count(*) FILTER (WHERE {_known_of(c)}) AS known_{c}" for c in columns)


def _zeros(columns: tuple[str, ...]) -> str:
    return ", ".join(f"0 AS known_{c}" for c in columns)


_RECEIVED_KNOWN = (
    "channel",
    "full_online",
    "synced",
    "fee_required",
    "paid_online",
    "digitised",
    "finished_on",
)
_FINISHED_KNOWN = ("due_on", "e_result", "rating")
_ON_TIME_COLUMNS = tuple(f"received_on_time_{k}" for k in range(OVERDUE_LAGS + 1))

_DOSSIER_FLOWS = f"""
    SELECT date_trunc('month', received_on)::DATE AS month, province_code, legacy_province_code,
           commune_code,
           count(*) AS rows,
           count(*) AS received,
           {received_on_time_sql()},
           count(*) FILTER (WHERE synced) AS synced,
           count(*) FILTER (WHERE channel = 'online') AS online,
           count(*) FILTER (WHERE full_online) AS full_online,
           count(*) FILTER (WHERE fee_required) AS fee_required,
           count(*) FILTER (WHERE fee_required AND paid_online) AS paid_online,
           count(*) FILTER (WHERE digitised) AS digitised,
           0 AS finished, 0 AS finished_on_time, 0 AS e_result, 0 AS rated, 0 AS satisfied,
           {_known(_RECEIVED_KNOWN)}, {_zeros(_FINISHED_KNOWN)}
    FROM src GROUP BY ALL
    UNION ALL
    SELECT date_trunc('month', finished_on)::DATE, province_code, legacy_province_code,
           commune_code, 0, 0, {", ".join("0" for _ in _ON_TIME_COLUMNS)}, 0, 0, 0, 0, 0, 0,
           count(*),
           count(*) FILTER (WHERE finished_on <= due_on),
           count(*) FILTER (WHERE e_result),
           count(*) FILTER (WHERE rating IS NOT NULL),
           count(*) FILTER (WHERE rating = 'satisfied'),
           {_zeros(_RECEIVED_KNOWN)}, {_known(_FINISHED_KNOWN)}
    FROM src WHERE finished_on IS NOT NULL GROUP BY ALL
"""

_ONLINE = "online_level IN ('full', 'partial')"
_PROCEDURE_KNOWN = ("published", "online_level", "essential")
_PROCEDURE_STOCKS = f"""
    SELECT month, province_code, legacy_province_code,
           count(*) AS rows,
           count(*) AS procedures,
           count(*) FILTER (WHERE published) AS published,
           count(*) FILTER (WHERE {_ONLINE}) AS online,
           count(*) FILTER (WHERE online_level = 'full') AS full_online,
           count(*) FILTER (WHERE essential) AS essential,
           count(*) FILTER (WHERE essential AND {_ONLINE}) AS essential_online,
           {_known(_PROCEDURE_KNOWN)}
    FROM src GROUP BY ALL
"""


_IDENTIFICATION_COUNTS = TABLES["identification"].count_columns
_SERVICE_COUNTS = TABLES["services"].count_columns

# Tasks: the list as known at each month's end, from the first month any task is dated to
# the month of the latest date in the list (its `as_of`, or its latest assignment or
# completion): tasks falling due in the month and done by their deadline, those done with no
# completion date (neither on time nor late), and the stock overdue at the month's end. A
# task without an assignment date is there from its deadline on (a task due or overdue in a
# month was assigned by then). A reported status stands for a completion date not given.
_MONTH_END = "last_day(m.month)"
_DUE = "date_trunc('month', t.deadline) = m.month"
_UNTIMED = untimed_sql("t.completed_on", "t.status")
_ON_TIME = done_on_time_sql("t.deadline", "t.completed_on")
_TASKS = f"""
    WITH months AS (
        SELECT unnest(generate_series(
            (SELECT date_trunc('month', min(coalesce(assigned_on, deadline))) FROM src),
            (SELECT date_trunc('month', coalesce(max(as_of), max(greatest(assigned_on, completed_on)),
                                                 max(deadline))) FROM src),
            INTERVAL 1 MONTH))::DATE AS month
    )
    SELECT m.month, t.province_code, t.legacy_province_code,
           count(*) AS rows,
           count(*) FILTER (WHERE {_DUE}) AS tasks_due,
           count(*) FILTER (WHERE {_DUE} AND NOT {_UNTIMED}) AS tasks_due_timed,
           count(*) FILTER (WHERE {_DUE} AND {_ON_TIME}) AS tasks_due_on_time,
           count(*) FILTER (WHERE {_DUE} AND {_UNTIMED}) AS tasks_done_undated,
           count(*) FILTER (WHERE {overdue_sql(_MONTH_END, "t.deadline", "t.completed_on", "t.status")})
               AS tasks_overdue,
           count(*) FILTER (WHERE {_DUE} AND ({_known_of("completed_on", "t.")} OR t.status IS NOT NULL))
               AS known_completed_on
    FROM months m JOIN src t ON coalesce(t.assigned_on, t.deadline) <= {_MONTH_END}
    GROUP BY ALL
"""


def _known_names(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"known_{c}" for c in columns)


BLOCKS = (
    Block(
        "dossiers",
        "dossiers",
        _DOSSIER_FLOWS,
        (
            "rows",
            "received",
            *_ON_TIME_COLUMNS,
            "synced",
            "online",
            "full_online",
            "fee_required",
            "paid_online",
            "digitised",
            "finished",
            "finished_on_time",
            "e_result",
            "rated",
            "satisfied",
            *_known_names(_RECEIVED_KNOWN),
            *_known_names(_FINISHED_KNOWN),
        ),
        {**{c: "received" for c in _RECEIVED_KNOWN}, **{c: "finished" for c in _FINISHED_KNOWN}},
    ),
    Block(
        "procedures",
        "procedures",
        _PROCEDURE_STOCKS,
        (
            "rows",
            "procedures",
            "published",
            "online",
            "full_online",
            "essential",
            "essential_online",
            *_known_names(_PROCEDURE_KNOWN),
        ),
        {c: "procedures" for c in _PROCEDURE_KNOWN},
    ),
    Block(
        "identification",
        "identification",
        stocks.block_sql("identification"),
        ("rows", *_IDENTIFICATION_COUNTS, *_known_names(_IDENTIFICATION_COUNTS)),
        {c: "rows" for c in _IDENTIFICATION_COUNTS},
    ),
    Block(
        "services",
        "services",
        stocks.block_sql("services"),
        ("rows", *_SERVICE_COUNTS, *_known_names(_SERVICE_COUNTS)),
        {c: "rows" for c in _SERVICE_COUNTS},
    ),
    Block(
        "tasks",
        "tasks",
        _TASKS,
        (
            "rows",
            "tasks_due",
            "tasks_due_timed",
            "tasks_due_on_time",
            "tasks_done_undated",
            "tasks_overdue",
            "known_completed_on",
        ),
        {"completed_on": "tasks_due"},
        listing=True,
    ),
)
BLOCKS_BY_NAME = {b.name: b for b in BLOCKS}


def blocks_version() -> str:
    """A hash of every block's SQL and measures: a mart built by other code is rebuilt."""
    text = json.dumps([[b.name, b.sql, list(b.measures)] for b in BLOCKS])
    return hashlib.sha256(text.encode()).hexdigest()[:16]
