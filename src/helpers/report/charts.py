"""The review's charts, each drawn from a frame a notebook names: labels come from the
catalog and the report text, drawing from `helpers.report.plots`. To chart something else,
change the frame in the cell (add an indicator id to a monthly frame, say); the labels follow.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from helpers.core import reference
from helpers.core.text import text
from helpers.report import plots
from helpers.report.params import Params

TASK_OUTCOMES = {"on_time": "col_on_time", "late": "col_late", "not_done": "col_not_done"}


def short_name(indicator: str, lang: str) -> str:
    return reference.indicators().at[indicator, f"short_{lang}"]


def trend(
    frame: pd.DataFrame,
    params: Params,
    title_key: str,
    ylabel_key: str = "chart_pct",
    target: float | None = None,
    target_of: str | None = None,
) -> Figure:
    """Lines over months, one per indicator column of `frame`, with an optional target line."""
    lang = params.lang
    return plots.trend_chart(
        frame,
        {c: short_name(c, lang) for c in frame.columns},
        text(title_key, lang),
        text(ylabel_key, lang),
        text("chart_month", lang),
        lang,
        target=target,
        target_label=f"{text('chart_target', lang)}: {short_name(target_of, lang)}"
        if target is not None
        else None,
    )


def funnel(frame: pd.DataFrame, params: Params) -> Figure:
    """Bars from the first stage to the last (`stage`, `people`)."""
    return plots.funnel_chart(
        list(zip(frame["stage"], frame["people"], strict=True)),
        text("chart_funnel_title", params.lang),
        text("chart_people", params.lang),
        params.lang,
    )


def tasks(frame: pd.DataFrame, params: Params) -> Figure | None:
    """Tasks due in the period by lead unit: on time, late, not done (None when none fell due)."""
    due = frame[frame["due"] > 0]
    if due.empty:
        return None
    return plots.stacked_bars(
        due,
        {k: text(v, params.lang) for k, v in TASK_OUTCOMES.items()},
        text("chart_tasks_title", params.lang),
        text("chart_count", params.lang),
        params.lang,
    )


def ranking(values: pd.DataFrame, indicator: str, params: Params, highlight: str | None = None) -> Figure:
    """Peers ranked on one indicator column of `values` (indexed by name), `highlight` in colour."""
    lang = params.lang
    unit = reference.indicators().at[indicator, "unit"]
    title_key = "chart_score_title" if indicator == "score_766" else "chart_ranking_title"
    xlabel = (
        short_name(indicator, lang)
        if unit == "score"
        else text("chart_pct" if unit == "pct" else "chart_count", lang)
    )
    title = text(title_key, lang, name=short_name(indicator, lang), period=params.period)
    direction = reference.indicators().at[indicator, "direction"]
    return plots.ranking_chart(
        values[indicator], highlight, title, xlabel, lang, higher_is_better=direction != "lower"
    )


def commune_comparison(standing: pd.DataFrame, params: Params) -> Figure:
    """Each compared indicator: the commune, its province as a whole, and the best commune."""
    lang = params.lang
    frame = standing.set_index("indicator")[["value", "province_value", "best"]].astype(float)
    frame.index = [short_name(i, lang) for i in frame.index]
    labels = {
        "value": text("chart_this_commune", lang),
        "province_value": text("col_province_value", lang),
        "best": text("col_best", lang),
    }
    return plots.grouped_bars(
        frame, labels, text("chart_commune_title", lang, period=params.period), text("chart_pct", lang), lang
    )
