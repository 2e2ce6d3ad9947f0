"""What a reader needs before the figures: title, the synthetic-data notice, and the facts
of the review (unit, period, baseline, boundaries, data sources, coverage)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers.core import reference
from helpers.core.formatting import (
    MISSING,
    date_words,
    format_number,
    month_words,
    months_words,
    period_words,
)
from helpers.core.periods import Period, from_months, month_from_index, month_index, parse_period
from helpers.core.text import reader_name, text
from helpers.core.units import REORGANISATION, Unit, legacy_of, name, province_of
from helpers.data import storage
from helpers.data.schema import TABLES
from helpers.report.params import Params


def unit_name(unit: Unit | None, lang: str) -> str:
    """The unit's name; a commune's with its province's."""
    if unit is None:
        return ""
    if unit.level != "commune":
        return name(unit, lang)
    province = province_of(unit.code)
    return text("commune_of", lang, commune=name(unit, lang), province=name(Unit("province", province), lang))


def title(params: Params, key: str = "title_province") -> str:
    return text(key, params.lang, unit_name=unit_name(params.unit, params.lang))


def subtitle(params: Params) -> str:
    baseline = period_words(params.baseline, params.lang) if params.baseline else MISSING
    return text("subtitle", params.lang, period=period_words(params.period, params.lang), baseline=baseline)


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
    """One line per canonical table: rows and months covered up to `until` (the end of the
    period, so a report reads no later data), or that the table is missing."""
    lines = []
    for table, (rows, first, last) in table_spans(data_dir, until).items():
        name = reader_name("table", table, lang)
        if not rows:
            lines.append(text("source_missing", lang, table=name))
            continue
        months = published_periods(data_dir, until, lang) if TABLES[table].published else None
        months = months or months_words(first, last, lang)
        lines.append(text("source_line", lang, table=name, rows=format_number(rows, lang), months=months))
    return lines


def published_periods(data_dir: Path, until: date, lang: str) -> str | None:
    """The periods of the official index held up to `until`, and its latest snapshot's date:
    `năm 2025 (cập nhật đến ngày 31/12/2025)` (its rows are periods, not months)."""
    files = tuple((str(f), f.stat().st_mtime_ns) for f in storage.table_files(data_dir, "index_766"))
    if not files:
        return None
    found = _published(files, until)
    if not found:
        return None
    periods = sorted((parse_period(p) for p, _ in found), key=lambda p: (p.start.year, -p.n_months, p.start))
    latest = max(day for _, day in found)
    named = ", ".join(period_words(p, lang) for p in periods)
    return text("source_published", lang, periods=named, date=date_words(latest, lang))


@lru_cache(maxsize=8)
def _published(files: tuple, until: date) -> list[tuple[str, date]]:
    """Each period of the official index held up to `until` and its latest snapshot's date,
    remembered while no file changes (every review of a batch says it)."""
    return storage.shared_connection().execute(
        "SELECT period, max(as_of) FROM read_parquet(?) WHERE period_start_on <= ? GROUP BY period",
        [[f for f, _ in files], until],
    ).fetchall()


def table_spans(data_dir: Path, until: date) -> dict[str, tuple[int, date | None, date | None]]:
    """Per canonical table: rows, first and last date up to `until` (0, None, None without data)."""
    stats = tuple((str(p), p.stat().st_mtime_ns) for t in TABLES for p in storage.table_files(data_dir, t))
    return _table_spans(str(data_dir), until, stats)


@lru_cache(maxsize=8)
def _table_spans(data_dir: str, until: date, stats: tuple) -> dict:
    """`table_spans`, remembered while no file changes: every report of a batch over the
    same period asks the same question."""
    out = {}
    con = storage.shared_connection()
    for table, schema in TABLES.items():
        files = storage.table_files(data_dir, table)
        col = schema.date_column
        out[table] = (
            con.execute(
                f"SELECT count(*), min({col}), max({col}) FROM read_parquet(?) WHERE {col} <= ?",
                [[str(f) for f in files], until],
            ).fetchone()
            if files
            else (0, None, None)
        )
    return out


def baseline_gap(params: Params) -> str | None:
    """Where the data starts after the baseline ends: the sentence that says so once, with
    the earliest baseline the data covers (None when the data reaches the baseline)."""
    if params.baseline is None:
        return None
    spans = table_spans(params.data_dir, params.period.end_day)
    firsts = [first for rows, first, _ in spans.values() if rows]
    if not firsts:
        return None
    first = min(firsts)
    start = date(first.year, first.month, 1)
    if params.baseline.end >= start:
        return None
    lang = params.lang
    suggestion = earliest_baseline(start, params.period)
    offer = (
        text("baseline_offer", lang, suggestion=period_words(suggestion, lang))
        if suggestion
        else text("baseline_offer_none", lang)
    )
    return text(
        "baseline_gap",
        lang,
        baseline=period_words(params.baseline, lang),
        first=month_words(start, lang),
        offer=offer,
    )


def earliest_baseline(first: date, period: Period) -> Period | None:
    """The earliest baseline the data covers: its first whole calendar year if that ends
    before the period starts, else its months before the period (None if it has none)."""
    year = first.year if first.month == 1 else first.year + 1
    if date(year, 12, 1) < period.start:
        return parse_period(str(year))
    before = month_from_index(month_index(period.start) - 1)
    return from_months(first, before) if first <= before else None


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
            name = reader_name("table", table, lang)
            parts.append(text("coverage_part", lang, table=name, covered=covered, months=months))
    return "; ".join(parts) or None


def facts(params: Params, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """The facts of a review as a two-column table: item and detail."""
    lang = params.lang
    rows = []
    if params.unit is not None:
        rows.append((text("label_unit", lang), f"{unit_name(params.unit, lang)} ({params.unit.selector})"))
    baseline = period_words(params.baseline, lang) if params.baseline else MISSING
    rows += [
        (text("label_period", lang), period_words(params.period, lang)),
        (text("label_baseline", lang), baseline_gap(params) or baseline),
        (text("label_boundaries", lang), boundaries(params)),
        (text("label_sources", lang), "; ".join(data_sources(params.data_dir, lang, params.period.end_day))),
    ]
    covered = coverage_line(indicators, lang) if indicators is not None else None
    if covered:
        rows.append((text("label_coverage", lang), covered))
    return pd.DataFrame(rows, columns=[text("col_item", lang), text("col_detail", lang)])
