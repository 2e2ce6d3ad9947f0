"""Monthly flows and totals to a date in the mart (DESIGN.md section 5), and what the notes
say of them.

A row of `identification` or `services` carries either the figures of its month or totals
at a date (`figures`, `as_of`: see data/schema.py). The mart must stay additive (sums over
months and over units), so a total is never stored as it is. Per series (a commune, or a
province where the commune is not given), the stock of a flow column at a month is its
latest total plus the flows reported after it (the sum of its flows while it has no total),
and the block holds the month's increment of that stock: the month's flow, or the
difference between a total and the stock before it. Summed to the end of a period, the
increments give each series' latest total (plus the flows after it), and over the series of
a unit the sum of those; summed over a period, the difference of two totals. A province
that reported a total before July 2025 for each of its former provinces and after it for
itself counts its former provinces' totals once: its first total replaces them.

Level columns (population, facilities, records) are what there is at a month: a month with
both figures and a total takes the total. A province whose rows are all monthly figures is
summed exactly as before (its increments are its flows).

Beside each block, `<block>.totals.parquet` lists the series-months of the provinces that
report totals: the date of the month's totals and of which columns, the columns with
monthly figures, and those where a month's figures disagree with its totals (the total less
the stock of the month before is not the month's flow, or the flow exceeds the total).
`facts` reads it for the notes: which figures are totals, at which dates.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pandas as pd

from helpers.data.schema import TABLES

SIDE_SUFFIX = ".totals.parquet"
BLOCKS = ("identification", "services")
"""The mart blocks whose rows may be totals to a date."""

_PLACE = "month, province_code, legacy_province_code"


def _place(block: str) -> str:
    return _PLACE + (", commune_code" if TABLES[block].has_communes else "")


def _series(block: str) -> str:
    """A series: a commune, or a province (a former one before July 2025) without one."""
    province = "province_code || '-' || coalesce(legacy_province_code, '')"
    return f"coalesce(commune_code, {province})" if TABLES[block].has_communes else province


def _rows(block: str) -> str:
    """The canonical rows, each marked whether it is a total (a blank `figures` is monthly)."""
    counts = ", ".join(TABLES[block].count_columns)
    return (
        f"SELECT {_place(block)}, coalesce(figures, 'monthly') = 'to_date' AS is_total, as_of, "
        f"{counts} FROM src"
    )


def _with_totals() -> str:
    return "(SELECT DISTINCT province_code FROM r WHERE is_total)"


def _plain(block: str) -> str:
    """Provinces without totals: the month's sums, as the mart always summed them."""
    counts = TABLES[block].count_columns
    sums = ", ".join(f"sum({c}) AS {c}" for c in counts)
    known = ", ".join(f"count(*) FILTER (WHERE {c} IS NOT NULL) AS known_{c}" for c in counts)
    return (
        f"SELECT {_place(block)}, count(*) AS rows, {sums}, {known} FROM r "
        f"WHERE province_code NOT IN {_with_totals()} GROUP BY ALL"
    )


def _list(names: list[str], condition: str) -> str:
    """SQL: the comma list of the names whose `condition` (with {c} for the name) holds."""
    parts = ", ".join(f"CASE WHEN {condition.format(c=c)} THEN '{c}' END" for c in names)
    return f"concat_ws(',', {parts})" if names else "''"


def _series_months(block: str) -> str:
    """One row per series and month: the month's flows and its totals side by side."""
    spec = TABLES[block]
    flows = spec.flow_columns
    levels = [c for c in spec.count_columns if c not in flows]
    parts = [
        f"sum({c}) FILTER (WHERE NOT is_total) AS f_{c}, max({c}) FILTER (WHERE is_total) AS t_{c}"
        for c in flows
    ]
    parts += [
        f"coalesce(max({c}) FILTER (WHERE is_total), max({c}) FILTER (WHERE NOT is_total)) AS {c}, "
        f"max({c}) FILTER (WHERE is_total) IS NOT NULL AS t_{c}"
        for c in levels
    ]
    return (
        f"SELECT {_place(block)}, {_series(block)} AS series, "
        f"max(as_of) FILTER (WHERE is_total) AS total_as_of, {', '.join(parts)} "
        f"FROM r WHERE province_code IN {_with_totals()} GROUP BY ALL"
    )


def _stocks(block: str) -> str:
    """The increments of each flow column's stock, per series-month (see the module's doc)."""
    flows = TABLES[block].flow_columns
    levels = [c for c in TABLES[block].count_columns if c not in flows]
    w = "PARTITION BY series ORDER BY month"
    anchored = ", ".join(f"count(t_{c}) OVER (w ROWS UNBOUNDED PRECEDING) AS n_{c}" for c in flows)
    own = ", ".join(
        f"coalesce(max(t_{c}) OVER (PARTITION BY series, n_{c}), 0) + sum(CASE WHEN t_{c} IS NULL "
        f"THEN coalesce(f_{c}, 0) ELSE 0 END) OVER (PARTITION BY series, n_{c} ORDER BY month "
        f"ROWS UNBOUNDED PRECEDING) AS s_{c}"
        for c in flows
    )
    # a province's own series after July 2025 starts from the stocks of its former provinces
    successor = "st0.commune_code IS NULL AND st0.legacy_province_code IS NULL"
    last = ", ".join(f"arg_max(s_{c}, month) AS last_{c}" for c in flows)
    base = ", ".join(f"sum(last_{c}) AS b_{c}" for c in flows)
    stock = ", ".join(
        f"CASE WHEN {successor} THEN coalesce(p.b_{c}, 0) ELSE 0 END AS base_{c}, "
        f"CASE WHEN {successor} AND n_{c} = 0 THEN coalesce(p.b_{c}, 0) ELSE 0 END + s_{c} AS stock_{c}"
        for c in flows
    )
    lags = ", ".join(
        f"stock_{c} - lag(stock_{c}, 1, base_{c}) OVER ({w}) AS d_{c}, "
        f"lag(stock_{c}) OVER ({w}) AS prev_{c}, lag(n_{c}) OVER ({w}) AS prev_n_{c}"
        for c in flows
    )
    differs = (
        "f_{c} IS NOT NULL AND t_{c} IS NOT NULL AND (t_{c} < f_{c} OR (prev_month = month - INTERVAL 1 MONTH"
        " AND prev_n_{c} > 0 AND t_{c} - prev_{c} <> f_{c}))"
    )
    out = [f"CASE WHEN f_{c} IS NULL AND t_{c} IS NULL THEN NULL ELSE d_{c} END AS {c}" for c in flows]
    out += list(levels)
    out += [f"(f_{c} IS NOT NULL OR t_{c} IS NOT NULL)::BIGINT AS known_{c}" for c in flows]
    out += [f"({c} IS NOT NULL)::BIGINT AS known_{c}" for c in levels]
    return f"""
        sm AS ({_series_months(block)}),
        seg AS (SELECT *, {anchored}, lag(month) OVER ({w}) AS prev_month FROM sm WINDOW w AS ({w})),
        st0 AS (SELECT *, {own} FROM seg),
        pred AS (SELECT province_code, {base} FROM (
            SELECT series, any_value(province_code) AS province_code, {last} FROM st0
            WHERE commune_code IS NULL AND legacy_province_code IS NOT NULL GROUP BY series)
            GROUP BY province_code),
        st AS (SELECT st0.*, {stock} FROM st0 LEFT JOIN pred p ON st0.province_code = p.province_code),
        inc AS (SELECT *, {lags} FROM st),
        side AS (SELECT {_place(block)}, series, total_as_of,
            {_list(list(flows), "t_{c} IS NOT NULL")} AS total_columns,
            {_list(list(flows), "f_{c} IS NOT NULL")} AS flow_columns,
            {_list(list(flows), differs)} AS disagree_columns FROM inc),
        windowed AS (SELECT {_place(block)}, 1::BIGINT AS rows, {", ".join(out)} FROM inc)
    """


def _levels(block: str) -> str:
    """Levels only (services): a month with figures and a total of a province takes the total."""
    counts = TABLES[block].count_columns
    out = ", ".join(counts)
    known = ", ".join(f"({c} IS NOT NULL)::BIGINT AS known_{c}" for c in counts)
    totals = _list(list(counts), "t_{c}")
    return f"""
        sm AS ({_series_months(block)}),
        side AS (SELECT {_place(block)}, series, total_as_of, {totals} AS total_columns,
            '' AS flow_columns, '' AS disagree_columns FROM sm),
        windowed AS (SELECT {_place(block)}, 1::BIGINT AS rows, {out}, {known} FROM sm)
    """


def _ctes(block: str) -> str:
    middle = _stocks(block) if TABLES[block].flow_columns else _levels(block)
    return f"r AS ({_rows(block)}), plain AS ({_plain(block)}), {middle}"


def block_sql(block: str) -> str:
    """The mart block's monthly rows (month, places, rows, counts, known_<count>): increments
    of stocks and levels for provinces with totals, plain sums for the others."""
    return f"WITH {_ctes(block)} SELECT * FROM plain UNION ALL BY NAME SELECT * FROM windowed"


def side_sql(block: str) -> str:
    """The series-months of provinces with totals (see the module's doc), sorted."""
    return f"WITH {_ctes(block)} SELECT * FROM side ORDER BY series, month"


def side_path(block_file: Path) -> Path:
    return block_file.with_name(block_file.name.replace(".parquet", SIDE_SUFFIX))


# ---- what the notes say ------------------------------------------------------------------------

_UNIT = {
    "commune": ("commune_code", "commune_code IS NOT NULL"),
    "province": ("province_code", "TRUE"),
    "legacy_province": ("legacy_province_code", "legacy_province_code IS NOT NULL"),
    "country": ("'VN'", "TRUE"),
}


def facts(con, side: Path, level: str, column: str, end: date, last: pd.Series | None = None) -> pd.DataFrame:
    """Per unit of `level`, what its figure of one column is made of: `totals` (series
    whose figure is a total), `first` and `last` (the dates of those totals), `flows`
    (monthly figures count too), `disagree` (series-months where a month's figures and its
    totals differ) and `side_rows` (the series-months read, to tell series without totals
    elsewhere).

    A stock reads each series' latest total at or before `end`, and the flows after it; a
    level (`last`: the month each unit's figure is read at) the rows of that month."""
    unit, keep = _UNIT[level]
    has = "list_contains(string_split({0}, ','), $column)"
    at_last = last is not None
    name = f"p06_read_at_{uuid.uuid4().hex}"  # registered on a connection others may share
    joined = f"JOIN {name} a ON a.unit_code = u.unit_code AND a.month = u.month" if at_last else ""
    sql = f"""
        WITH u AS (
            SELECT {unit} AS unit_code, series, month, total_as_of,
                   {has.format("total_columns")} AS has_total, {has.format("flow_columns")} AS has_flow,
                   {has.format("disagree_columns")} AS disagrees
            FROM read_parquet($path) WHERE month <= $end AND {keep}),
        s AS (SELECT u.* FROM u {joined}),
        latest AS (
            SELECT unit_code, series, max(month) FILTER (WHERE has_total) AS t_month,
                   arg_max(total_as_of, month) FILTER (WHERE has_total) AS t_as_of
            FROM s GROUP BY ALL),
        per AS (
            SELECT s.unit_code, s.series, any_value(l.t_month) AS t_month, any_value(l.t_as_of) AS t_as_of,
                   bool_or(s.has_flow AND (l.t_month IS NULL OR s.month > l.t_month)
                           OR NOT s.has_total AND $at_last) AS flows,
                   count(*) FILTER (WHERE s.disagrees) AS disagree, count(*) AS side_rows
            FROM s JOIN latest l ON s.unit_code = l.unit_code AND s.series = l.series GROUP BY ALL)
        SELECT unit_code, count(t_month) AS totals, min(t_as_of) AS first, max(t_as_of) AS last,
               bool_or(flows) AS flows, sum(disagree)::BIGINT AS disagree, sum(side_rows)::BIGINT AS side_rows
        FROM per GROUP BY unit_code
    """
    params = {"path": str(side), "end": end, "column": column, "at_last": at_last}
    if not at_last:
        return con.execute(sql, params).df().set_index("unit_code")
    read_at = pd.DataFrame({"unit_code": last.index, "month": pd.to_datetime(last.to_numpy())}).dropna()
    con.register(name, read_at)
    try:
        return con.execute(sql, params).df().set_index("unit_code")
    finally:
        con.unregister(name)
