"""What a reader needs before the figures: title, the synthetic-data notice, and the facts
of the review (unit, period, baseline, boundaries, data sources, coverage)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers.core import reference
from helpers.core.formatting import format_number
from helpers.core.text import text
from helpers.core.units import REORGANISATION, Unit, legacy_of, name
from helpers.data import storage
from helpers.data.schema import TABLES
from helpers.report.params import Params


def unit_name(unit: Unit | None, lang: str) -> str:
    """The unit's name; a commune's with its province's."""
    if unit is None:
        return ""
    if unit.level != "commune":
        return name(unit, lang)
    province = reference.communes().set_index("commune_code").at[unit.code, "province_code"]
    return text("commune_of", lang, commune=name(unit, lang), province=name(Unit("province", province), lang))


def title(params: Params, key: str = "title_province") -> str:
    return text(key, params.lang, unit_name=unit_name(params.unit, params.lang))


def subtitle(params: Params) -> str:
    baseline = str(params.baseline) if params.baseline else "–"
    return text("subtitle", params.lang, period=params.period, baseline=baseline)


def synthetic_notice(data_dir: Path, lang: str) -> str | None:
    """The notice every report built from the sample shows; None for real data."""
    return text("synthetic_banner", lang) if storage.sample_info(data_dir) is not None else None


def boundaries(params: Params) -> str:
    """Which boundaries the figures use, and which legacy provinces were summed."""
    lang, unit = params.lang, params.unit
    if unit is None or unit.level == "country":
        return text("boundaries_country", lang)
    if unit.level == "legacy_province":
        return text("boundaries_legacy", lang)
    out = text("boundaries_current", lang)
    province = unit.code if unit.level == "province" else None
    if province and params.period.start < REORGANISATION:
        names = ", ".join(f"{name(Unit('legacy_province', c), lang)} ({c})" for c in legacy_of(province))
        out += "; " + text("boundaries_aggregated", lang, legacy=names)
    return out


def data_sources(data_dir: Path, lang: str, until: date) -> list[str]:
    """One line per canonical table: rows and dates covered up to `until` (the end of the
    period, so a report reads no later data), or that the table is missing."""
    stats = tuple((str(p), p.stat().st_mtime_ns) for t in TABLES for p in storage.table_files(data_dir, t))
    return list(_data_sources(str(data_dir), lang, until, stats))


@lru_cache(maxsize=8)
def _data_sources(data_dir: str, lang: str, until: date, stats: tuple) -> tuple[str, ...]:
    """`data_sources`, remembered while no file changes: every report of a batch over the
    same period asks the same question."""
    lines = []
    con = storage.shared_connection()
    for table, schema in TABLES.items():
        files = storage.table_files(data_dir, table)
        col = schema.date_column
        rows, first, last = (
            con.execute(
                f"SELECT count(*), min({col}), max({col}) FROM read_parquet(?) WHERE {col} <= ?",
                [[str(f) for f in files], until],
            ).fetchone()
            if files
            else (0, None, None)
        )
        if not rows:
            lines.append(text("source_missing", lang, table=table))
            continue
        lines.append(
            text(
                "source_line",
                lang,
                table=table,
                rows=format_number(rows, lang),
                first=f"{first:%m/%Y}",
                last=f"{last:%m/%Y}",
            )
        )
    return tuple(lines)


def coverage_line(indicators: pd.DataFrame, lang: str) -> str | None:
    """The months of the period the data covers, per table, where it does not cover all of
    them (None when every table with data covers the whole period)."""
    tables = reference.indicators()["table"]
    rows = indicators[indicators["indicator"] != "score_766"].assign(
        table=lambda f: f["indicator"].map(tables)
    )
    parts = []
    for table, part in rows.groupby("table", sort=False):
        covered, months = int(part["months_covered"].max()), int(part["months"].iloc[0])
        if 0 < covered < months:
            parts.append(text("coverage_part", lang, table=table, covered=covered, months=months))
    return "; ".join(parts) or None


def facts(params: Params, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """The facts of a review as a two-column table: item and detail."""
    lang = params.lang
    rows = []
    if params.unit is not None:
        rows.append((text("label_unit", lang), f"{unit_name(params.unit, lang)} ({params.unit.selector})"))
    rows += [
        (text("label_period", lang), str(params.period)),
        (text("label_baseline", lang), str(params.baseline) if params.baseline else "–"),
        (text("label_boundaries", lang), boundaries(params)),
        (text("label_sources", lang), "; ".join(data_sources(params.data_dir, lang, params.period.end_day))),
    ]
    covered = coverage_line(indicators, lang) if indicators is not None else None
    if covered:
        rows.append((text("label_coverage", lang), covered))
    return pd.DataFrame(rows, columns=[text("col_item", lang), text("col_detail", lang)])
