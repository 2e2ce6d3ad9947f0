"""The national overview: the 34 provinces side by side, the Decision 766 ranking, the
provinces furthest from their targets, and the picture across the 2025 reorganisation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.core import reference
from helpers.core.formatting import date_words, format_change, format_value, period_words
from helpers.core.periods import Period, from_months, month_from_index, month_index
from helpers.core.text import text
from helpers.core.units import REORGANISATION, Unit, legacy_of
from helpers.engine.indicators import review_units

OVERVIEW_INDICATORS = [
    "dossiers_online_pct",
    "dossiers_on_time_pct",
    "dossiers_synced_pct",
    "procedures_online_pct",
    "cccd_coverage_pct",
    "eid_activation_pct",
    "medical_cccd_pct",
    "index_766",
    "score_766",
]


def provinces_review(period: Period, baseline: Period, data_dir: Path | str, lang: str) -> pd.DataFrame:
    """The review table of all 34 current provinces, ranked among themselves."""
    codes = reference.provinces()["province_code"].tolist()
    return review_units("province", codes, codes, period, baseline, data_dir, lang)


def side_by_side(table: pd.DataFrame, indicators: list[str] = OVERVIEW_INDICATORS) -> pd.DataFrame:
    """One row per province, one column per indicator id: best official Decision 766 index
    first (as the portal ranks them), or best estimate where no official index is held."""
    part = table[table["indicator"].isin(indicators)]
    wide = part.pivot(index="unit_name", columns="indicator", values="value")[indicators]
    order = (
        ["index_766", "score_766"]
        if "index_766" in wide and wide["index_766"].notna().any()
        else ["score_766"]
    )
    return wide.sort_values(order, ascending=False, kind="stable", na_position="last")


def official_dates(table: pd.DataFrame, lang: str) -> str | None:
    """The dates of the official index's figures in a table of provinces: `Chỉ số QĐ 766
    (chính thức): số liệu Cổng DVCQG cập nhật ngày 31/12/2025.` (a range where provinces'
    latest snapshots differ); None where none is held."""
    days = sorted({d for d in table.loc[table["indicator"] == "index_766", "as_of"] if pd.notna(d)})
    if not days:
        return None
    first, last = date_words(days[0], lang), date_words(days[-1], lang)
    when = (
        text("overview_official_day", lang, date=first)
        if len(days) == 1
        else text("overview_official_range", lang, first=first, last=last)
    )
    name = reference.indicators().at["index_766", f"short_{lang}"]
    return text("overview_official_as_of", lang, name=name, when=when)


def furthest_from_targets(table: pd.DataFrame, lang: str, n: int = 10) -> pd.DataFrame:
    """Provinces with the most targets not achieved, then the largest gap in points."""
    missed = table[table["status"] == "not_achieved"].copy()
    pct = missed["unit_of_measure"] == "pct"
    missed["gap"] = (missed["target"] - missed["value"]).abs().where(pct)
    grouped = missed.groupby("unit_name").agg(count=("indicator", "size"), gap=("gap", "max"))
    gapped = missed.dropna(subset=["gap"])  # counts have no gap in points
    worst = gapped.loc[gapped.groupby("unit_name")["gap"].idxmax()]
    worst = worst.set_index("unit_name")["name"]
    grouped = grouped.sort_values(["count", "gap"], ascending=[False, False], kind="stable").head(n)
    return pd.DataFrame(
        {
            text("col_province", lang): grouped.index,
            text("col_not_achieved", lang): grouped["count"].values,
            text("col_largest_gap", lang): [
                f"{worst.get(p, '–')}: {format_change(g, 'pct', lang).lstrip('+')}" if pd.notna(g) else "–"
                for p, g in zip(grouped.index, grouped["gap"], strict=True)
            ],
        }
    )


def reorganisation_picture(
    period: Period, data_dir: Path | str, lang: str, indicator: str = "dossiers_online_pct"
) -> pd.DataFrame | None:
    """For a period across 1 July 2025: each merged province's former provinces before the
    change and the province after it, on one indicator. None for other periods."""
    parts = period_parts(period)
    if parts is None:
        return None
    before, after = parts
    codes = reference.provinces()["province_code"].tolist()
    legacy = list(reference.crosswalk())
    old = review_units("legacy_province", legacy, legacy, before, before, data_dir, lang)
    new = review_units("province", codes, codes, after, after, data_dir, lang)
    old = old[old["indicator"] == indicator].set_index("unit")
    new = new[new["indicator"] == indicator].set_index("unit")
    name = reference.indicators().at[indicator, f"short_{lang}"]
    rows = []
    for code in codes:
        members = [Unit("legacy_province", c).selector for c in legacy_of(code)]
        if len(members) < 2:
            continue
        former = "; ".join(
            f"{old.at[c, 'unit_name']} {format_value(old.at[c, 'value'], 'pct', lang)}" for c in members
        )
        rows.append((new.at[code, "unit_name"], former, format_value(new.at[code, "value"], "pct", lang)))
    return pd.DataFrame(
        rows,
        columns=[
            text("col_province", lang),
            text("col_in_period", lang, name=text("col_former", lang), period=period_words(before, lang)),
            text("col_in_period", lang, name=name, period=period_words(after, lang)),
        ],
    )


def period_parts(period: Period) -> tuple[Period, Period] | None:
    """The parts of a period before and after the reorganisation, if it crosses it."""
    if not period.start < REORGANISATION <= period.end:
        return None
    return (
        from_months(period.start, month_from_index(month_index(REORGANISATION) - 1)),
        from_months(REORGANISATION, period.end),
    )
