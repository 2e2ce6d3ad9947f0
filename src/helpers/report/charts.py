"""The review's charts, each drawn from a frame a notebook names: labels come from the
catalog and the report text, drawing from `helpers.report.plots`. To chart something else,
change the frame in the cell (add an indicator id to a monthly frame, say); the labels follow.

A chart says what it cannot show rather than drawing it: a series the data does not
measure (the review table has no value for it, or no month has one) is left out and named
under the chart with the review's reason; a chart with nothing left is one sentence. A
monthly rate over fewer than `SMALL_BASE` dossiers is marked, and a unit whose typical
month has fewer is drawn as counts of dossiers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.core import reference
from helpers.core.formatting import DECIMALS, period_words
from helpers.core.text import text
from helpers.report import plots
from helpers.report.params import Params
from helpers.report.sections import points_words

TASK_OUTCOMES = {"on_time": "col_on_time", "late": "col_late", "not_done": "col_not_done"}
SMALL_BASE = 20
"""Fewer dossiers than this in a month: that month's rate is marked as indicative; a unit
whose months mostly have fewer is charted as counts (a rate over four dossiers jumps
between 0 and 100%)."""
FOCUS_OVER = 20
"""A ranking of more peers than this shows the leaders and the unit's nearest peers."""


@dataclass
class Chart:
    """A chart and what its reader must read with it: the figure (None when there is
    nothing to draw) and the sentence naming what is not drawn, or why there is no chart."""

    figure: Figure | None
    note: str | None = None


def short_name(indicator: str, lang: str) -> str:
    return reference.indicators().at[indicator, f"short_{lang}"]


def _reasons(review: pd.DataFrame | None, lang: str) -> dict[str, str]:
    """Why the review has no value for an indicator: its note, by indicator id."""
    if review is None:
        return {}
    missing = review[review["value"].isna()]
    return {
        i: (n or text("chart_no_value", lang))
        for i, n in zip(missing["indicator"], missing["note"], strict=True)
    }


def _left_out(names: dict[str, str], why: dict[str, str], title: str, lang: str, drawn: bool) -> str | None:
    """The sentence under (or instead of) a chart: what it leaves out and why."""
    if not why:
        return None
    reasons = list(dict.fromkeys(why.values()))
    if not drawn:
        if len(reasons) == 1:
            return text("chart_absent", lang, title=title, reasons=reasons[0])
        items = "; ".join(text("chart_item", lang, name=names[i], reason=r) for i, r in why.items())
        return text("chart_absent", lang, title=title, reasons=items)
    items = "; ".join(text("chart_item", lang, name=names[i], reason=r) for i, r in why.items())
    return text("chart_left_out", lang, items=items)


def trend(
    frame: pd.DataFrame,
    params: Params,
    title_key: str,
    ylabel_key: str = "chart_pct",
    target: float | None = None,
    target_of: str | None = None,
    review: pd.DataFrame | None = None,
    bases: pd.DataFrame | None = None,
) -> Chart:
    """Lines over months, one per indicator column of `frame`, with an optional target line.

    `review` (the unit's review table) says which indicators the data does not measure:
    those are left out and named. `bases` (`sections.monthly_bases`) gives the dossiers each
    monthly rate rests on: months under SMALL_BASE are marked, and a unit whose median month
    is under it is drawn as counts of dossiers."""
    lang = params.lang
    title = text(title_key, lang)
    names = {c: short_name(c, lang) for c in frame.columns}
    known = _reasons(review, lang)
    why = {c: known[c] for c in frame.columns if c in known}
    why |= {c: text("chart_no_months", lang) for c in frame.columns if c not in why and frame[c].isna().all()}
    drawn = [c for c in frame.columns if c not in why]
    note = _left_out(names, why, title, lang, bool(drawn))
    if not drawn:
        return Chart(None, note)
    shown = frame[drawn]
    has_value = shown.notna().any(axis=1).to_numpy()
    shown = shown.iloc[int(np.argmax(has_value)) :]  # months before the data starts are not drawn
    options: dict = {}
    ylabel = text(ylabel_key, lang)
    if bases is not None:
        base = bases.reindex(index=shown.index, columns=drawn)
        typical = np.nanmedian(base.to_numpy(dtype=float)) if base.notna().any().any() else np.nan
        if typical < SMALL_BASE:
            shown = (shown * base / 100.0).round()
            title = text("chart_counts_title", lang, title=title)
            ylabel, target = text("chart_dossiers", lang), None
            options["integer"] = True
            note = " ".join(filter(None, [text("chart_counts", lang, n=SMALL_BASE), note]))
        elif (base < SMALL_BASE).any().any():
            options["small"] = base < SMALL_BASE
            options["small_label"] = text("chart_small_months", lang, n=SMALL_BASE)
    drawn_target = target if target_of is None or target_of in drawn else None
    figure = plots.trend_chart(
        shown,
        {c: names[c] for c in drawn},
        title,
        ylabel,
        text("chart_month", lang),
        lang,
        target=drawn_target,
        target_label=f"{text('chart_target', lang)}: {short_name(target_of, lang)}"
        if drawn_target is not None
        else None,
        **options,
    )
    return Chart(figure, note)


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


def ranking(
    values: pd.DataFrame,
    indicator: str,
    params: Params,
    highlight: str | None = None,
    review: pd.DataFrame | None = None,
) -> Chart:
    """Peers ranked on one indicator column of `values` (indexed by name), `highlight` in
    colour. A ranking of more than FOCUS_OVER peers around a unit shows the leaders and the
    unit's nearest peers (legible on paper; all peers are in the Excel appendix); a ranking
    of fewer than two peers with a value is a sentence. `review` (the peers' review table)
    lets a Decision 766 score say what it covers."""
    lang = params.lang
    cat = reference.indicators()
    unit, name = cat.at[indicator, "unit"], short_name(indicator, lang)
    period = period_words(params.period, lang)
    column = values[indicator].dropna()
    if len(column) < 2:
        within = period_words(params.period, lang, "within")
        return Chart(None, text("chart_ranking_single", lang, name=name, period=within, count=len(column)))
    title_key = "chart_score_title" if indicator == "score_766" else "chart_ranking_title"
    xlabel = name if unit == "score" else text("chart_pct" if unit == "pct" else "chart_count", lang)
    covers = points_words(review, lang) if indicator == "score_766" and review is not None else None
    if covers:
        xlabel = text("figure_with_qualifier", lang, figure=xlabel, what=covers)
    title = text(title_key, lang, name=name, period=period)
    focus = highlight is not None and len(column) > FOCUS_OVER
    footnote = (
        text(
            "chart_focus_note", lang, unit=highlight, total=len(column), sheet=text("xlsx_sheet_peers", lang)
        )
        if focus
        else None
    )
    figure = plots.ranking_chart(
        values[indicator],
        highlight,
        title,
        xlabel,
        lang,
        decimals=DECIMALS.get(unit, 0),
        higher_is_better=cat.at[indicator, "direction"] != "lower",
        focus=focus,
        footnote=footnote,
    )
    return Chart(figure)


def commune_comparison(standing: pd.DataFrame, params: Params, review: pd.DataFrame | None = None) -> Chart:
    """Each compared indicator: the commune, its province as a whole, and the best commune;
    an indicator the commune has no value for is left out and named (with `review`'s reason)."""
    lang = params.lang
    title = text("chart_commune_title", lang, period=period_words(params.period, lang))
    names = {i: short_name(i, lang) for i in standing["indicator"]}
    known = _reasons(review, lang)
    missing = standing.loc[standing["value"].isna(), "indicator"]
    why = {i: known.get(i, text("chart_no_value", lang)) for i in missing}
    kept = standing[standing["value"].notna()]
    note = _left_out(names, why, title, lang, bool(len(kept)))
    if kept.empty:
        return Chart(None, note)
    frame = kept.set_index("indicator")[["value", "province_value", "best"]].astype(float)
    frame.index = [names[i] for i in frame.index]
    labels = {
        "value": text("chart_this_commune", lang),
        "province_value": text("col_province_value", lang),
        "best": text("col_best", lang),
    }
    figure = plots.grouped_bars(frame, labels, title, text("chart_pct", lang), lang, decimals=DECIMALS["pct"])
    return Chart(figure, note)


def official_trend(shares: pd.DataFrame, params: Params, held: int) -> Chart:
    """The official index at each snapshot (`official.snapshot_shares`): one group of bars per
    group of the index, one bar per snapshot compared (the latest highlighted), as shares of
    each group's points; `held` snapshots in all, the chart saying so when it shows fewer."""
    lang = params.lang
    title = text("chart_official_title", lang, period=period_words(params.period, lang))
    sheet = text("xlsx_sheet_official_snapshots", lang)
    note = text("chart_official_recent", lang, count=held, sheet=sheet) if held > shares.shape[1] else None
    labels = {c: c for c in shares.columns}
    figure = plots.grouped_bars(
        shares, labels, title, text("chart_official_axis", lang), lang, decimals=DECIMALS["pct"]
    )
    return Chart(figure, note)
