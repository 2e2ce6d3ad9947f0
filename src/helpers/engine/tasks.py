"""Tasks of a review by lead unit: what fell due in the period and how it ended."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.core.periods import Period
from helpers.core.units import Unit
from helpers.data import storage
from helpers.engine.mart import source_sql
from helpers.engine.windows import done_on_time_sql, overdue_sql, undated_done_sql, untimed_sql

_FILTER = {
    "province": "province_code = ?",
    "legacy_province": "legacy_province_code = ?",
    "country": "? = 'VN'",
}


def by_lead_unit(unit: Unit, period: Period, data_dir: Path | str) -> pd.DataFrame:
    """Per lead unit: tasks due in the period; of them completed on time, completed late
    (by the end of the period, or reported done late), not done; and tasks overdue at the
    end of the period (deadline passed, not completed), whenever they fell due. A task
    reported done without a completion date is due, and neither on time, late nor not done."""
    files = storage.table_files(data_dir, "tasks")
    columns = ["due", "on_time", "late", "not_done", "overdue"]
    if not files or unit.level == "commune":
        return pd.DataFrame(columns=columns)
    start, end = period.start, period.end_day
    due = "deadline BETWEEN $start AND $end"
    late = f"(completed_on <= $end OR completed_on IS NULL AND {undated_done_sql()})"
    sql = f"""
        SELECT lead_unit,
          count(*) FILTER (WHERE {due}) AS due,
          count(*) FILTER (WHERE {due} AND {done_on_time_sql()}) AS on_time,
          count(*) FILTER (WHERE {due} AND NOT coalesce({done_on_time_sql()}, FALSE) AND NOT {untimed_sql()}
                           AND {late}) AS late,
          count(*) FILTER (WHERE {due} AND (completed_on IS NULL OR completed_on > $end)
                           AND NOT {undated_done_sql()}) AS not_done,
          count(*) FILTER (WHERE {overdue_sql("$end", status="status")}) AS overdue
        FROM ({source_sql(data_dir, "tasks")})
        WHERE {_FILTER[unit.level].replace("?", "$code")} AND coalesce(assigned_on, deadline) <= $end
        GROUP BY lead_unit
        HAVING due > 0 OR overdue > 0
        ORDER BY due DESC, lead_unit
    """
    con = storage.shared_connection()
    frame = con.execute(sql, {"start": start, "end": end, "code": unit.code}).df()
    return frame.set_index("lead_unit")[columns]


def overdue_leads(table: pd.DataFrame) -> list[str]:
    """Lead units with overdue tasks, most overdue first."""
    if table.empty:
        return []
    rows = table[table["overdue"] > 0].sort_values("overdue", ascending=False, kind="stable")
    return list(rows.index)
