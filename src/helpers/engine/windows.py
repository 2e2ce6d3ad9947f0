"""The definitions every engine query shares, written once.

A period's figure is read from monthly counts through one of three windows: the months of
the period (`period`, flows), its last month (`last_month`, catalogue-type figures), or
every month up to its end (`to_date`, stocks). A task is overdue at a day when its
deadline has passed and it is not completed by that day. The mart, the indicator engine,
the monthly series and the task tables all use these, so they cannot disagree.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from helpers.data.schema import DONE_STATUSES


def window_sql(window: str, start: str, end: str, month: str = "month") -> str:
    """The SQL condition on the `month` column for a window over months `start`..`end`
    (SQL date expressions)."""
    return {
        "period": f"{month} BETWEEN {start} AND {end}",
        "last_month": f"{month} = {end}",
        "to_date": f"{month} <= {end}",
    }[window]


def window_sum_sql(column: str, window: str, start: date, end: date, table: str = "") -> str:
    """Sum of a monthly count over a window of the period start..end, named column@window
    (`table`: the alias of the mart block in the query, if any)."""
    prefix = f"{table}." if table else ""
    condition = window_sql(window, f"DATE '{start}'", f"DATE '{end}'", f"{prefix}month")
    return f'coalesce(sum({prefix}{column}) FILTER (WHERE {condition}), 0) AS "{column}@{window}"'


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
