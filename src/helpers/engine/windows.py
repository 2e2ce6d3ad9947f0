"""The definitions the engine's queries share, written once.

A period's figure is read from monthly counts through one of three windows: the months of
the period (`period`, flows), the last month of it the data covers (`last_month`,
catalogue-type figures), or every month up to its end (`to_date`, stocks); the indicator
engine sums the mart through them and the monthly series read each month as a period of
its own. A task is overdue at a day when its deadline has passed and it is not completed
by that day, and done on time when completed by its deadline: the mart and the task tables
both count tasks so (the task tables by the days of a period, not through these windows).
"""

from __future__ import annotations

from datetime import date

import pandas as pd


def window_sql(window: str, start: str, end: str, last_covered: str, month: str = "month") -> str:
    """The SQL condition on the `month` column for a window over months `start`..`end`, the
    last of them the data covers being `last_covered` (SQL date expressions)."""
    return {
        "period": f"{month} BETWEEN {start} AND {end}",
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
    return f'coalesce(sum({prefix}{column}) FILTER (WHERE {condition}), 0) AS "{column}@{window}"'


def monthly_window(series: pd.Series, window: str) -> pd.Series:
    """The value of a window for each month read as a period of its own: a month's own count
    for `period` and `last_month`, the running total for `to_date`."""
    values = series.astype(float)
    return values.cumsum() if window == "to_date" else values


def overdue_sql(day: str, deadline: str = "deadline", completed: str = "completed_on") -> str:
    """SQL: a task is overdue at the end of `day` (a SQL date expression) when its deadline
    has passed and it was not completed by then."""
    return f"({deadline} < {day} AND ({completed} IS NULL OR {completed} > {day}))"


def done_on_time_sql(deadline: str = "deadline", completed: str = "completed_on") -> str:
    """SQL: a task completed by its deadline."""
    return f"({completed} <= {deadline})"
