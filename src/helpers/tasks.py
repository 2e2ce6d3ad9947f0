"""Tasks of a review by lead unit: what fell due in the period and how it ended."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import storage
from helpers.periods import Period
from helpers.units import Unit

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
    sql = f"""
        SELECT lead_unit,
          count(*) FILTER (WHERE deadline BETWEEN $start AND $end) AS due,
          count(*) FILTER (WHERE deadline BETWEEN $start AND $end AND completed_on <= deadline)
            AS on_time,
          count(*) FILTER (WHERE deadline BETWEEN $start AND $end AND completed_on > deadline
                           AND completed_on <= $end) AS late,
          count(*) FILTER (WHERE deadline BETWEEN $start AND $end
                           AND (completed_on IS NULL OR completed_on > $end)) AS not_done,
          count(*) FILTER (WHERE deadline < $end AND (completed_on IS NULL OR completed_on > $end))
            AS overdue
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
