"""The national overview: the 34 provinces side by side, the Decision 766 ranking, the
provinces furthest from their targets, and the picture across the 2025 reorganisation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.core import reference
from helpers.core.formatting import format_change, format_value
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
    "score_766",
]


def provinces_review(period: Period, baseline: Period, data_dir: Path | str, lang: str) -> pd.DataFrame:
    """The review table of all 34 current provinces, ranked among themselves."""
    codes = reference.provinces()["province_code"].tolist()
    return review_units("province", codes, codes, period, baseline, data_dir, lang)


def side_by_side(table: pd.DataFrame, indicators: list[str] = OVERVIEW_INDICATORS) -> pd.DataFrame:
    """One row per province (best Decision 766 score first), one column per indicator id."""
    part = table[table["indicator"].isin(indicators)]
    wide = part.pivot(index="unit_name", columns="indicator", values="value")[indicators]
    return wide.sort_values("score_766", ascending=False, kind="stable")


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
        columns=[text("col_province", lang), f"{text('col_former', lang)} ({before})", f"{name} ({after})"],
    )


def period_parts(period: Period) -> tuple[Period, Period] | None:
    """The parts of a period before and after the reorganisation, if it crosses it."""
    if not period.start < REORGANISATION <= period.end:
        return None
    return (
        from_months(period.start, month_from_index(month_index(REORGANISATION) - 1)),
        from_months(REORGANISATION, period.end),
    )
