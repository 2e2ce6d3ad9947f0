"""The parts of a review written from the figures: shortcomings, key tasks for the next
period, communes that lag, units proposed for commendation. Nothing here is typed by
hand: every sentence is a catalog template filled with computed values."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from helpers.core.formatting import (
    date_words,
    format_change,
    format_target,
    format_value,
    in_sentence,
    period_words,
)
from helpers.core.periods import Period
from helpers.core.text import text

KEY_COMMUNE_INDICATORS = [
    "dossiers_online_pct",
    "dossiers_on_time_pct",
    "dossiers_digitised_pct",
    "eid_activation_pct",
]
"""Indicators on which communes are compared (those the mart holds per commune)."""


def _ordered(frame: pd.DataFrame, worst_first: bool) -> pd.DataFrame:
    """Rows with a value, worst (or best) first; ties broken by unit code for stable output."""
    valued = frame.dropna(subset=["value"])
    return valued.sort_values(["value", "unit"], ascending=[worst_first, True], kind="stable")


def lagging_communes(
    communes: pd.DataFrame, n: int = 3, indicators: list[str] = KEY_COMMUNE_INDICATORS
) -> pd.DataFrame:
    """The `n` communes with the lowest values on each key indicator.

    `communes` is a commune-level review table (`review(..., level="commune")`).
    """
    parts = [_ordered(communes[communes["indicator"] == ind], worst_first=True).head(n) for ind in indicators]
    parts = [p for p in parts if len(p)]
    if not parts:
        return communes.head(0)
    return pd.concat(parts, ignore_index=True)


def _communes_for(lagging: pd.DataFrame, indicator: str, lang: str) -> str:
    """The lagging communes of one indicator, with their values, as one phrase."""
    if not len(lagging):
        return ""
    return _phrases(
        tuple(lagging["indicator"]),
        tuple(lagging["unit_name"]),
        tuple(lagging["value"]),
        tuple(lagging["unit_of_measure"]),
        lang,
    ).get(indicator, "")


@lru_cache(maxsize=4)
def _phrases(indicators: tuple, names: tuple, values: tuple, units: tuple, lang: str) -> dict[str, str]:
    """Every indicator's phrase of lagging communes in one pass (asked once per indicator)."""
    out: dict[str, list[str]] = {}
    for ind, name, value, unit in zip(indicators, names, values, units, strict=True):
        out.setdefault(ind, []).append(f"{name} ({format_value(value, unit, lang)})")
    return {k: ", ".join(v) for k, v in out.items()}


def official_weakest(official: pd.DataFrame | None) -> pd.Series | None:
    """The official index's weakest group (the furthest from its points, as a share of
    them), or None where no official index is held."""
    if official is None or official.empty:
        return None
    parts = official[(official["group"] != "total") & official["score"].notna()]
    if parts.empty:
        return None
    return parts.loc[(parts["score"] / parts["max_score"]).idxmin()]


def _weak_units(units: list[pd.DataFrame], group: str, n: int = 3) -> str:
    """The lowest-scoring departments, then communes, whose weakest group is `group`."""
    names = []
    for frame in units:
        mine = frame[(frame["weakest_group"] == group) & frame["score"].notna()]
        names += list(mine.sort_values(["score", "unit_name"], kind="stable")["unit_name"].head(n))
    return ", ".join(names)


def official_lines(
    official: pd.DataFrame | None, units: list[pd.DataFrame], period: Period, lang: str
) -> tuple[list[str], list[str]]:
    """The shortcoming and the next task the official index points to: its weakest group,
    with the departments and communes weakest in it (`units`: the province's ranked
    departments and communes, `official.ranking`)."""
    weakest = official_weakest(official)
    if weakest is None:
        return [], []
    values = {
        "group": in_sentence(weakest["name"], lang),
        "score": format_value(weakest["score"], "score", lang),
        "points": format_value(weakest["max_score"], "count", lang),
        "date": date_words(weakest["as_of"], lang),
    }
    named = _weak_units(units, weakest["group"])
    focus = text("next_task_focus", lang, communes=named) if named else ""
    return (
        [
            text("official_shortfall", lang, **values)
            + (text("official_shortfall_units", lang, units=named) if named else "")
        ],
        [
            text(
                "official_next_task",
                lang,
                next_period=period_words(period.next(), lang, "within"),
                focus=focus,
                **values,
            )
        ],
    )


def shortcomings(
    unit_review: pd.DataFrame, lagging: pd.DataFrame, lang: str, official: list[str] | None = None
) -> list[str]:
    """Gaps to targets, indicators that fell against the baseline, communes that lag; first,
    the official index's weakest group (`official`: the lines of `official_lines`)."""
    lines = list(official or [])
    for r in unit_review.itertuples():
        if r.status == "not_achieved":
            gap = abs(r.target - r.value)
            lines.append(
                text(
                    "shortfall",
                    lang,
                    name=r.name,
                    value=format_value(r.value, r.unit_of_measure, lang),
                    target=format_target(r.target, r.unit_of_measure, lang),
                    gap=format_change(gap, r.unit_of_measure, lang, words=True).lstrip("+"),
                )
            )
    for r in unit_review.itertuples():
        if (
            r.unit_of_measure == "pct"
            and pd.notna(r.change_pp)
            and r.change_pp < 0
            and r.indicator != "tasks_overdue"
        ):
            lines.append(
                text(
                    "worsened",
                    lang,
                    name=r.name,
                    baseline=format_value(r.baseline_value, r.unit_of_measure, lang),
                    value=format_value(r.value, r.unit_of_measure, lang),
                )
            )
    for indicator in dict.fromkeys(lagging["indicator"]) if len(lagging) else []:
        name = lagging.loc[lagging["indicator"] == indicator, "name"].iloc[0]
        lines.append(
            text(
                "lagging_line",
                lang,
                name=in_sentence(name, lang),
                communes=_communes_for(lagging, indicator, lang),
            )
        )
    return lines


def next_tasks(
    unit_review: pd.DataFrame,
    lagging: pd.DataFrame,
    period: Period,
    lang: str,
    overdue_leads: list[str] | None = None,
    official: list[str] | None = None,
) -> list[str]:
    """One task per target not achieved (with the communes to start with), and the overdue
    tasks to finish; first, the official index's weakest group (`official_lines`)."""
    lines = list(official or [])
    for r in unit_review.itertuples():
        if r.status != "not_achieved" or r.indicator == "tasks_overdue":
            continue
        communes = _communes_for(lagging, r.indicator, lang) if len(lagging) else ""
        focus = text("next_task_focus", lang, communes=communes) if communes else ""
        lines.append(
            text(
                "next_task",
                lang,
                name=in_sentence(r.name, lang),
                value=format_value(r.value, r.unit_of_measure, lang),
                target=format_target(r.target, r.unit_of_measure, lang),
                next_period=period_words(period.next(), lang, "within"),
                focus=focus,
            )
        )
    overdue = unit_review.loc[unit_review["indicator"] == "tasks_overdue", "value"]
    if len(overdue) and pd.notna(overdue.iloc[0]) and overdue.iloc[0] > 0:
        leads = ", ".join(overdue_leads or []) or "–"
        lines.append(text("next_task_overdue", lang, count=int(overdue.iloc[0]), leads=leads))
    return lines


def commendations(
    communes: pd.DataFrame, lang: str, n: int = 1, indicators: list[str] = KEY_COMMUNE_INDICATORS
) -> pd.DataFrame:
    """Communes proposed for commendation: the best value and the largest improvement
    against the baseline on each key indicator."""
    rows = []
    for ind in indicators:
        part = communes[communes["indicator"] == ind]
        for r in _ordered(part, worst_first=False).head(n).itertuples():
            rows.append(
                (
                    r.unit_name,
                    text(
                        "commend_best",
                        lang,
                        name=in_sentence(r.name, lang),
                        value=format_value(r.value, r.unit_of_measure, lang),
                    ),
                )
            )
        improved = part.dropna(subset=["change_pp"])
        improved = (
            improved[improved["change_pp"] > 0]
            .sort_values(["change_pp", "unit"], ascending=[False, True], kind="stable")
            .head(n)
        )
        for r in improved.itertuples():
            rows.append(
                (
                    r.unit_name,
                    text(
                        "commend_improved",
                        lang,
                        name=in_sentence(r.name, lang),
                        change=format_change(r.change_pp, "pct", lang, words=True),
                    ),
                )
            )
    return pd.DataFrame(rows, columns=[text("col_commune", lang), text("col_reason", lang)])


def commune_lags(standing: pd.DataFrame, lang: str) -> list[str]:
    """Where a commune lags: below its province as a whole, or in its bottom quarter."""
    lines = []
    for r in standing.dropna(subset=["value"]).itertuples():
        value = format_value(r.value, "pct", lang)
        if pd.notna(r.province_value) and r.value < r.province_value:
            province = format_value(r.province_value, "pct", lang)
            lines.append(
                text(
                    "commune_lag_line",
                    lang,
                    name=r.name,
                    value=value,
                    province=province,
                    rank=r.rank,
                    of=r.of,
                )
            )
        elif pd.notna(r.bottom_quarter) and r.value <= r.bottom_quarter:
            lines.append(text("commune_bottom_line", lang, name=r.name, value=value, rank=r.rank, of=r.of))
    return lines


def commune_next_tasks(standing: pd.DataFrame, period: Period, lang: str) -> list[str]:
    """One task per indicator on which the commune is below its province."""
    lagging = standing.dropna(subset=["value", "province_value"])
    return [
        text(
            "commune_next_task",
            lang,
            name=in_sentence(r.name, lang),
            value=format_value(r.value, "pct", lang),
            province=format_value(r.province_value, "pct", lang),
            next_period=period_words(period.next(), lang, "within"),
        )
        for r in lagging.itertuples()
        if r.value < r.province_value
    ]
