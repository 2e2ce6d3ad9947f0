"""The data of each section of a review, as named DataFrames a notebook shows.

Every function here returns numbers, not formatted text: the notebook names the frame,
shows it through `helpers.report.tables` and draws it with `helpers.report.charts`, so an
analyst changes what a section shows in the notebook cell. All figures come from the
engine; the lists of indicators each section shows are named below.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from helpers.core import reference
from helpers.core.formatting import date_words, format_value
from helpers.core.text import has_text, reader_name, text
from helpers.core.units import Unit, province_of
from helpers.engine import tasks, trends
from helpers.engine.indicators import peers_of, review, review_units
from helpers.engine.official import indicator_ids
from helpers.engine.score import parts_of_score
from helpers.report.findings import KEY_COMMUNE_INDICATORS
from helpers.report.params import Params

DOSSIER_RATES = [
    "dossiers_online_pct",
    "dossiers_synced_pct",
    "dossiers_on_time_pct",
    "dossiers_digitised_pct",
]
PROCEDURE_RATES = ["procedures_online_pct", "procedures_full_online_pct", "essential_online_pct"]
IDENTIFICATION_STOCKS = [
    "cccd_issued_total",
    "eid_applications_total",
    "eid_level2_total",
    "eid_activated_total",
]
DATA_USE_RATES = ["medical_cccd_pct", "social_cashless_pct", "records_cleaned_pct"]
PEER_INDICATORS = ["dossiers_online_pct", "score_766"]
KEY_FIGURES = [
    "index_766",
    "score_766",
    "dossiers_online_pct",
    "dossiers_on_time_pct",
    "eid_activation_pct",
    "cccd_issued_total",
]
"""The figures an index page shows for each report."""


def review_tables(params: Params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The unit's review table and the same table for all its peers, from one computation."""
    level, _, group = peers_of(params.unit, "province")
    peer_table = review_units(
        level, group, group, params.period, params.baseline, params.data_dir, params.lang
    )
    table = peer_table[peer_table["unit"] == params.unit.selector].reset_index(drop=True)
    return table, peer_table


def official_groups() -> set[str]:
    """The ids of the official index's six groups (`index_766_transparency`...)."""
    return set(indicator_ids().values()) - {"index_766"}


def key_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """The key results: every indicator but the official index's six groups, which the
    index's own section shows beside our estimate (its total stays)."""
    return indicators[~indicators["indicator"].isin(official_groups())]


def target(indicators: pd.DataFrame, indicator: str) -> float | None:
    """The period's target of one indicator, or None."""
    value = indicators.set_index("indicator")["target"].get(indicator)
    return None if value is None or pd.isna(value) else float(value)


def chart_range(params: Params) -> tuple[date, date]:
    """Months a trend chart spans: from the baseline's start (or the period's) to the period's end."""
    start = min(params.period.start, params.baseline.start) if params.baseline else params.period.start
    return start, params.period.end


def monthly(params: Params, indicators: list[str]) -> pd.DataFrame:
    """Monthly values of `indicators` for the unit over the chart range (one column each)."""
    start, end = chart_range(params)
    return trends.monthly(params.unit, start, end, indicators, params.data_dir)


def monthly_bases(params: Params, indicators: list[str]) -> pd.DataFrame:
    """How many records (dossiers) each month's value of `indicators` rests on: the monthly
    denominators, for charts that mark rates over too few."""
    start, end = chart_range(params)
    return trends.monthly(params.unit, start, end, indicators, params.data_dir, part="denominator")


def why_missing(indicators: pd.DataFrame, indicator: str) -> str | None:
    """The review's reason an indicator has no value (its note), or None when it has one."""
    row = indicators.set_index("indicator").loc[indicator]
    return None if pd.notna(row["value"]) else (row["note"] or None)


def score_parts(indicators: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The Decision 766 parts: group, part (by its reader's name), points, threshold, value,
    points earned, why not measured."""
    parts = parts_of_score(indicators, lang)
    parts["part"] = [reader_name("part", p, lang) for p in parts["part"]]
    return parts[["group", "part", "points", "threshold", "value", "score", "why"]]


def points_covered(indicators: pd.DataFrame) -> int:
    """How many of the Decision 766 index's 100 points the data measures for the unit (the
    engine's denominator of `score_766`: the one home of this figure)."""
    covered = indicators.set_index("indicator")["denominator"].get("score_766")
    return 0 if covered is None or pd.isna(covered) else int(covered)


def qualifier(indicator: str, value, points, lang: str) -> str | None:
    """What a reader must read beside a figure: the points of the 100 our Decision 766
    estimate covers (`tính trên 44/100 điểm`), or why a share passes 100 (ID card
    applications count re-issued cards); None where the figure needs nothing.
    `points` is the row's denominator (for `score_766`, the points covered)."""
    if value is None or pd.isna(value):
        return None
    if indicator == "score_766":
        covered = 0 if points is None or pd.isna(points) else int(points)
        return text("score_covers_short", lang, covered=covered) if covered < 100 else None
    key = f"over_100_{indicator}"
    return text(key, lang) if value > 100 and has_text(key) else None


def points_words(review: pd.DataFrame, lang: str) -> str:
    """What the Decision 766 scores of a review's units cover: `tính trên 94/100 điểm`, or
    the range where units differ (or that there is no score)."""
    rows = review[(review["indicator"] == "score_766") & review["value"].notna()]
    points = sorted({int(p) for p in rows["denominator"].dropna()})
    if not points:
        return text("chart_no_value", lang)
    if len(points) == 1:
        return text("score_covers_short", lang, covered=points[0])
    return text("score_covers_range", lang, least=points[0], most=points[-1])


def column_qualifiers(review: pd.DataFrame, indicators: list[str], lang: str) -> list[str]:
    """For a table of many units (one column per indicator): each column's qualifiers, as
    sentences to show under it (`Điểm QĐ 766: tính trên 94/100 điểm.`)."""
    names = reference.indicators()[f"short_{lang}"]
    lines = []
    for indicator in indicators:
        rows = review[review["indicator"] == indicator]
        found = {
            qualifier(indicator, v, p, lang) for v, p in zip(rows["value"], rows["denominator"], strict=True)
        }
        if found := sorted(q for q in found if q):
            lines.append(text("column_qualifier", lang, name=names[indicator], what="; ".join(found)))
    return lines


def with_qualifier(shown: str, indicator: str, value, points, lang: str) -> str:
    """A formatted figure with its qualifier beside it: `26,10 (tính trên 44/100 điểm)`."""
    what = qualifier(indicator, value, points, lang)
    return text("figure_with_qualifier", lang, figure=shown, what=what) if what else shown


def eid_funnel(indicators: pd.DataFrame, lang: str) -> pd.DataFrame:
    """From e-ID application to activation at the end of the period: stage and people."""
    values = indicators.set_index("indicator")["value"]
    stages = [
        ("funnel_applications", "eid_applications_total"),
        ("funnel_level2", "eid_level2_total"),
        ("funnel_activated", "eid_activated_total"),
    ]
    return pd.DataFrame(
        {"stage": [text(k, lang) for k, _ in stages], "people": [values.get(i) for _, i in stages]}
    ).dropna()


def tasks_by_lead(params: Params) -> pd.DataFrame:
    """Tasks due in the period and how they ended, and tasks overdue at its end, per lead unit."""
    return tasks.by_lead_unit(params.unit, params.period, params.data_dir)


def peer_values(peer_indicators: pd.DataFrame, indicators: list[str] = PEER_INDICATORS) -> pd.DataFrame:
    """One row per peer (by name), one column per indicator: what the ranking charts draw."""
    part = peer_indicators[peer_indicators["indicator"].isin(indicators)]
    return part.pivot(index="unit_name", columns="indicator", values="value")[indicators]


def commune_review(params: Params) -> pd.DataFrame:
    """Every commune of the unit on every indicator the mart holds per commune."""
    if params.unit.level == "commune":
        return pd.DataFrame(columns=["indicator", "value"])
    return review(
        params.unit,
        params.period,
        params.baseline,
        level="commune",
        data_dir=params.data_dir,
        lang=params.lang,
    )


SCORE_POINTS = "score_766_points"
"""The key figure that says how many of the 100 points a report's Decision 766 score covers."""


OFFICIAL_AS_OF = "index_766_as_of"
"""The key figure that says the date of the official index's snapshot (ISO)."""


def key_figures(indicators: pd.DataFrame) -> dict:
    """The figures a batch index shows for a report, by indicator id (None where missing),
    the points its Decision 766 score covers (`SCORE_POINTS`) and the official index's date
    (`OFFICIAL_AS_OF`)."""
    values = indicators.set_index("indicator")["value"]
    figures = {k: (None if pd.isna(values.get(k)) else round(float(values[k]), 6)) for k in KEY_FIGURES}
    as_of = indicators.set_index("indicator")["as_of"].get("index_766")
    held = figures.get("index_766") is not None and hasattr(as_of, "isoformat")
    day = as_of.isoformat()[:10] if held else None
    return figures | {SCORE_POINTS: points_covered(indicators), OFFICIAL_AS_OF: day}


def key_figure(figures: dict, indicator: str, lang: str) -> str:
    """One key figure as an index page shows it, with its qualifier (`26,10 (tính trên
    44/100 điểm)`); the official index with its date (`78,93 (31/12/2025)`)."""
    value = figures.get(indicator)
    shown = format_value(value, reference.indicators().at[indicator, "unit"], lang)
    if indicator == "index_766" and figures.get(OFFICIAL_AS_OF):
        day = date_words(date.fromisoformat(figures[OFFICIAL_AS_OF]), lang)
        return text("figure_with_qualifier", lang, figure=shown, what=day)
    return with_qualifier(shown, indicator, value, figures.get(SCORE_POINTS), lang)


def all_values(indicators: pd.DataFrame) -> dict:
    """Every value of a review table by unit|indicator, for tests and documents."""
    return {
        f"{r.unit}|{r.indicator}": (None if pd.isna(r.value) else round(float(r.value), 6))
        for r in indicators.itertuples()
    }


# ---- the commune review --------------------------------------------------------------------

COMMUNE_RATES = ["dossiers_online_pct", "dossiers_on_time_pct", "dossiers_digitised_pct"]
COMMUNE_STOCKS = ["cccd_issued_total", "eid_applications_total", "eid_activated_total"]
COMMUNE_COMPARED = KEY_COMMUNE_INDICATORS
"""Indicators on which a commune is compared with the others of its province."""


def commune_tables(params: Params) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The commune's review table, the same for every commune of its province (its peers),
    and the province's own table: all from computations a batch shares."""
    province = province_of(params.unit.code)
    _, _, peers = peers_of(params.unit, "commune")
    peer_table = review_units(
        "commune", peers, peers, params.period, params.baseline, params.data_dir, params.lang
    )
    table = peer_table[peer_table["unit"] == params.unit.selector].reset_index(drop=True)
    whole = review(
        Unit("province", province), params.period, params.baseline, data_dir=params.data_dir, lang=params.lang
    )
    return table, peer_table, whole


def commune_standing(
    indicators: pd.DataFrame, peers: pd.DataFrame, province: pd.DataFrame, ids: list[str] = COMMUNE_COMPARED
) -> pd.DataFrame:
    """Per compared indicator: the commune's value, rank and peer count, the province's value,
    the best commune's value and the bottom-quarter line among the communes."""
    mine = indicators.set_index("indicator")
    whole = province.set_index("indicator")["value"]
    rows = []
    for ind in ids:
        values = peers.loc[peers["indicator"] == ind, "value"].dropna()
        rows.append(
            {
                "indicator": ind,
                "name": mine.at[ind, "name"],
                "value": mine.at[ind, "value"],
                "province_value": whole.get(ind),
                "best": values.max() if len(values) else None,
                "bottom_quarter": values.quantile(0.25) if len(values) else None,
                "rank": mine.at[ind, "rank"],
                "of": mine.at[ind, "of"],
            }
        )
    return pd.DataFrame(rows)


def not_at_commune_level(indicators: pd.DataFrame) -> list[str]:
    """Names of the indicators the data holds only for provinces."""
    return indicators.loc[indicators["value"].isna() & indicators["note"].notna(), "name"].tolist()
