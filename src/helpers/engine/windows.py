"""The definitions the engine's queries share, written once.

A period's figure is read from monthly counts through one of four windows: the months of
the period (`period`, flows), the last month of it the data covers (`last_month`,
catalogue-type figures), every month up to its end (`to_date`, stocks), or the months of
the period each read as seen at the period's end (`period_at_end`: dossiers not overdue at
the end, from counts kept per number of months between receipt and the end,
`<column>_<k>`); the indicator engine sums the mart through them and the monthly series
read each month as a period of its own. A task is overdue at a day when its deadline has
passed and it is not completed by that day, and done on time when completed by its
deadline: the mart and the task tables both count tasks so (the task tables by the days of
a period, not through these windows).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from helpers.data.schema import DONE_STATUSES

OVERDUE_LAGS = 3
"""Months after its month of receipt within which a dossier's falling overdue is placed
exactly (`period_at_end`); a later one is judged at the data's last date."""


def window_sql(window: str, start: str, end: str, last_covered: str, month: str = "month") -> str:
    """The SQL condition on the `month` column for a window over months `start`..`end`, the
    last of them the data covers being `last_covered` (SQL date expressions)."""
    return {
        "period": f"{month} BETWEEN {start} AND {end}",
        "period_at_end": f"{month} BETWEEN {start} AND {end}",
        "last_month": f"{month} = {last_covered}",
        "to_date": f"{month} <= {end}",
    }[window]


def window_sum_sql(
    column: str, window: str, start: date, end: date, last_covered: str, table: str = ""
) -> str:
    """Sum of a monthly count over a window of the period start..end, named column@window
    (`last_covered`: the SQL expression of the last month covered; `table`: the alias of
    the mart block in the query, if any)."""
    prefix = f"{table}." if table else ""
    condition = window_sql(window, f"DATE '{start}'", f"DATE '{end}'", last_covered, f"{prefix}month")
    summed = at_end_sql(column, end, prefix) if window == "period_at_end" else f"{prefix}{column}"
    return f'coalesce(sum({summed}) FILTER (WHERE {condition}), 0) AS "{column}@{window}"'


def at_end_sql(column: str, end: date, prefix: str = "") -> str:
    """SQL: a month's `column` as seen at the end of the month `end`: `<column>_<k>` for the
    month `k` months before it (the last column for `OVERDUE_LAGS` months or more)."""
    cases = " ".join(
        f"WHEN {prefix}month = DATE '{end}' - INTERVAL {k} MONTH THEN {prefix}{column}_{k}"
        for k in range(OVERDUE_LAGS)
    )
    return f"CASE {cases} ELSE {prefix}{column}_{OVERDUE_LAGS} END"


def monthly_column(column: str, window: str) -> str:
    """The mart column a month reads when read as a period of its own."""
    return f"{column}_0" if window == "period_at_end" else column


def monthly_window(series: pd.Series, window: str) -> pd.Series:
    """The value of a window for each month read as a period of its own: a month's own count
    for `period` and `last_month`, the running total for `to_date`."""
    values = series.astype(float)
    return values.cumsum() if window == "to_date" else values


def undated_done_sql(completed: str = "completed_on", status: str = "status") -> str:
    """SQL: a task the list says is done (or done late) but gives no completion date for:
    it counts as done, never as overdue."""
    return f"({completed} IS NULL AND coalesce({status} IN {DONE_STATUSES}, FALSE))"


def untimed_sql(completed: str = "completed_on", status: str = "status") -> str:
    """SQL: a task done with neither a completion date nor a word saying it was late: it
    counts as done, but neither on time nor late."""
    return f"({completed} IS NULL AND coalesce({status} = 'done', FALSE))"


def overdue_sql(
    day: str, deadline: str = "deadline", completed: str = "completed_on", status: str | None = None
) -> str:
    """SQL: a task is overdue at the end of `day` (a SQL date expression) when its deadline
    has passed and it was not completed by then (with `status`: nor reported done without a
    completion date)."""
    done = f" AND NOT {undated_done_sql(completed, status)}" if status else ""
    return f"({deadline} < {day} AND ({completed} IS NULL OR {completed} > {day}){done})"


def done_on_time_sql(deadline: str = "deadline", completed: str = "completed_on") -> str:
    """SQL: a task completed by its deadline."""
    return f"({completed} <= {deadline})"


def received_on_time_sql() -> str:
    """SQL (the mart's dossiers of a month, `src`): dossiers received in the month and not
    overdue at the end of a period that ends `k` months later (`received_on_time_<k>`, the
    last for `OVERDUE_LAGS` months or more). A dossier is overdue from the day after its due
    date when not finished by then (finished late, or pending), so pending dossiers count,
    as on the portal; the last column judges pending dossiers at the data's last date.
    `at_end_sql` reads these columns."""
    late = "(due_on IS NOT NULL AND (finished_on IS NULL OR finished_on > due_on))"
    months = "(date_diff('month', date_trunc('month', received_on), date_trunc('month', due_on + 1)))"
    last = "(SELECT max(greatest(received_on, coalesce(finished_on, received_on))) FROM src)"
    out = [
        f"count(*) FILTER (WHERE NOT ({late} AND {months} <= {k})) AS received_on_time_{k}"
        for k in range(OVERDUE_LAGS)
    ]
    ever = f"({late} AND (finished_on IS NOT NULL OR due_on < {last}))"
    out.append(f"count(*) FILTER (WHERE NOT {ever}) AS received_on_time_{OVERDUE_LAGS}")
    return ", ".join(out)
