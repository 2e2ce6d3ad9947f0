"""Tasks of a review by lead unit: what fell due in the period and how it ended."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.core.periods import Period
from helpers.core.units import Unit
from helpers.data import storage
from helpers.engine.windows import done_on_time_sql, overdue_sql

_FILTER = {
    "province": "province_code = ?",
    "legacy_province": "legacy_province_code = ?",
    "country": "? = 'VN'",
}


def by_lead_unit(unit: Unit, period: Period, data_dir: Path | str) -> pd.DataFrame:
    """Per lead unit: tasks due in the period; of them completed on time, completed late
    (by the end of the period), not done; and tasks overdue at the end of the period
    (deadline passed, not completed), whenever they fell due."""
    files = storage.table_files(data_dir, "tasks")
    columns = ["due", "on_time", "late", "not_done", "overdue"]
    if not files or unit.level == "commune":
        return pd.DataFrame(columns=columns)
    start, end = period.start, period.end_day
    due = "deadline BETWEEN $start AND $end"
    sql = f"""
        SELECT lead_unit,
          count(*) FILTER (WHERE {due}) AS due,
          count(*) FILTER (WHERE {due} AND {done_on_time_sql()}) AS on_time,
          count(*) FILTER (WHERE {due} AND NOT {done_on_time_sql()} AND completed_on <= $end) AS late,
          count(*) FILTER (WHERE {due} AND (completed_on IS NULL OR completed_on > $end)) AS not_done,
          count(*) FILTER (WHERE {overdue_sql("$end")}) AS overdue
        FROM read_parquet($files)
        WHERE {_FILTER[unit.level].replace("?", "$code")} AND assigned_on <= $end
        GROUP BY lead_unit
        HAVING due > 0 OR overdue > 0
        ORDER BY due DESC, lead_unit
    """
    con = storage.shared_connection()
    frame = con.execute(
        sql, {"start": start, "end": end, "code": unit.code, "files": [str(f) for f in files]}
    ).df()
    return frame.set_index("lead_unit")[columns]


def overdue_leads(table: pd.DataFrame) -> list[str]:
    """Lead units with overdue tasks, most overdue first."""
    if table.empty:
        return []
    rows = table[table["overdue"] > 0].sort_values("overdue", ascending=False, kind="stable")
    return list(rows.index)
