"""The Decision 766/QĐ-TTg service index (DESIGN.md section 7) as the portal scores it.

Groups, parts, points, thresholds, the score of a part without a denominator, and which
parts our data can measure are read from the catalog (`score_766` in indicators.yml);
nothing about the index is spelled here. The same part formula scores our estimate (from
indicator values) and recomputes the official index (from the portal's own figures, in
`helpers.engine.official`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.core import reference


@lru_cache(maxsize=1)
def groups() -> tuple[dict, ...]:
    """The six groups of the catalog, in order, each with its parts and parameters."""
    return tuple(reference.catalog()["score_766"])


def group_of(name: str) -> dict:
    return next(g for g in groups() if g["group"] == name)


def score_parts() -> list[dict]:
    """The Decision 766 parts of the catalog, flattened: group, part, the portal's metric,
    indicator, points, threshold, score without a denominator, measured, and why not."""
    out = []
    for group in groups():
        for part in group["parts"]:
            out.append(
                {
                    "group": group["group"],
                    "group_vi": group["name_vi"],
                    "group_en": group["name_en"],
                    "part": part["id"],
                    "metric": part.get("metric"),
                    "indicator": part.get("indicator"),
                    "points": part["points"],
                    "threshold": part.get("threshold"),
                    "empty": part.get("empty"),
                    "measured": part.get("measured", True),
                    "assumption": part.get("assumption", False),
                    "formula_source": part.get("formula_source", group["formula_source"]),
                    "why_vi": part.get("why_vi"),
                    "why_en": part.get("why_en"),
                }
            )
    return out


def part_score(pct, points: float, threshold: float | None):
    """Points earned by one part for a percentage (0-100): min(points, points × ratio ÷
    threshold), the threshold 100% unless set. Works on numbers, arrays and Series."""
    share = pct / 100.0
    return np.minimum(points, points * share / ((threshold or 100) / 100.0))


def part_points(pct, denominator, part: dict):
    """A part's points from its percentage and denominator: with no denominator (0), the
    part's `empty` score (the portal's rule: 0, or full marks when there was nothing to
    count), else missing; a missing percentage with a missing denominator is missing."""
    pct = pd.Series(pct, dtype=float)
    denominator = pd.Series(denominator, dtype=float, index=pct.index)
    earned = part_score(pct, part["points"], part.get("threshold"))
    if part.get("empty") is not None:
        earned = earned.where(~(pct.isna() & (denominator == 0)), float(part["empty"]))
    return earned


# ---- the official index recomputed from the portal's own figures ---------------------------------


@lru_cache(maxsize=1)
def metric_parts() -> dict[str, dict]:
    """The portal's metric code → the part of the catalog that scores it (with its group)."""
    return {
        part["metric"]: {**part, "group": group["group"]}
        for group in groups()
        for part in group["parts"]
        if part.get("metric")
    }


@lru_cache(maxsize=1)
def _metric_specs() -> pd.DataFrame:
    """Points, threshold and score without a denominator of each metric a part scores, by
    metric code (looked up for a whole period's figures at once)."""
    columns = ["points", "threshold", "empty"]
    rows = {metric: [part.get(c) for c in columns] for metric, part in metric_parts().items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).astype(float)


def figure_points(figures: pd.DataFrame) -> pd.DataFrame:
    """Each published metric (rows with metric, numerator, denominator, ratio) as the
    catalog's formula scores it: its percentage (from its numerator and denominator where
    the source gives them, else its published ratio; none where the denominator is 0) and
    its points (missing for a metric no part scores)."""
    spec = _metric_specs().reindex(figures["metric"].to_numpy())
    spec.index = figures.index
    num, den = figures["numerator"].astype(float), figures["denominator"].astype(float)
    given = num.notna() & den.notna()
    pct = (100.0 * num / den.where(den > 0)).where(given, figures["ratio"].astype(float))
    earned = np.minimum(spec["points"], spec["points"] * pct / spec["threshold"].fillna(100.0))
    empty = pct.isna() & given & (den == 0) & spec["empty"].notna()
    return pd.DataFrame({"pct": pct, "points": earned.where(~empty, spec["empty"])}, index=figures.index)


def recompute_parts(group: str, figures: pd.DataFrame | None) -> pd.DataFrame:
    """Each part of a group whose metric the source gives: the metric's percentage, the
    points the catalog's formula gives it, and the points the portal published for it."""
    columns = ["part", "metric", "numerator", "denominator", "pct", "recomputed", "published"]
    if figures is None or figures.empty:
        return pd.DataFrame(columns=columns)
    figures = figures.drop_duplicates("metric")
    scored = figure_points(figures)
    values = zip(  # each metric's figures as plain values: a group has a handful
        figures["numerator"].tolist(),
        figures["denominator"].tolist(),
        scored["pct"].tolist(),
        scored["points"].tolist(),
        figures["score"].tolist(),
        strict=True,
    )
    by_metric = dict(zip(figures["metric"].tolist(), values, strict=True))
    rows = [
        [part["id"], part["metric"], *by_metric[part["metric"]]]
        for part in group_of(group)["parts"]
        if part.get("metric") in by_metric
    ]
    return pd.DataFrame(rows, columns=columns)


def recompute_groups(figures: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each group's score by the catalog's formula over the source's figures, for every
    combination of `keys` (which include `group`): `recomputed`, `formula_note` where it
    cannot be (`formula_not_published`; `no_figures` is for the caller: a group the source
    gives no metric of), and the numerator and denominator of a group of one part (its
    `head_numerator`, `head_denominator`). A part whose figure has no score counts 0, as on
    the portal."""
    scored = figures.assign(points=figure_points(figures)["points"])
    scored = scored[scored["metric"].isin(metric_parts())]
    out = scored.assign(points=scored["points"].fillna(0.0)).groupby(keys)["points"].sum()
    out = out.rename("recomputed").to_frame()
    single = {g["group"]: g["parts"][0]["metric"] for g in groups() if len(g["parts"]) == 1}
    heads = scored[scored["metric"] == scored["group"].map(single)].set_index(keys)
    out["head_numerator"] = heads["numerator"].reindex(out.index).astype(float)
    out["head_denominator"] = heads["denominator"].reindex(out.index).astype(float)
    unpublished = {g["group"] for g in groups() if g["formula_source"] == "not_published"}
    hidden = out.index.get_level_values("group").isin(unpublished)
    out.loc[hidden, "recomputed"] = np.nan
    out["formula_note"] = np.where(hidden, "formula_not_published", None)
    return out.reset_index()


# ---- our estimate ------------------------------------------------------------------------------------


def score_766(long: pd.DataFrame) -> pd.DataFrame:
    """Our estimate per unit from its indicator values: the sum over measured parts of their
    points (a part without a value scores nothing and is not covered; one whose indicator
    has a zero denominator scores the part's `empty` points, and is covered); `denominator`
    is the points covered."""
    values = long.pivot(index="unit_code", columns="indicator", values="value")
    denominators = long.pivot(index="unit_code", columns="indicator", values="denominator")
    earned = pd.Series(0.0, index=values.index)
    covered = pd.Series(0.0, index=values.index)
    for part in score_parts():
        if not part["measured"]:
            continue
        points = part_points(values[part["indicator"]], denominators[part["indicator"]], part)
        earned += points.fillna(0.0)
        covered += np.where(points.notna(), part["points"], 0.0)
    return pd.DataFrame(
        {
            "unit_code": values.index,
            "indicator": "score_766",
            "numerator": earned.values,
            "denominator": covered.values,
            "value": earned.where(covered > 0).values,
        }
    )


def unmeasured_parts(values: pd.Series | dict) -> list[str]:
    """The parts of the index a unit's values leave out (their ids): those no data can
    measure, then those whose indicator has no value."""
    parts = score_parts()
    out = [p["part"] for p in parts if not p["measured"]]
    return out + [p["part"] for p in parts if p["measured"] and pd.isna(values.get(p["indicator"], np.nan))]


def parts_of_score(table: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The Decision 766 parts of one unit's review table: points, threshold, indicator value,
    points earned, and why a part is not measured."""
    values = table.set_index("indicator")["value"]
    denominators = table.set_index("indicator")["denominator"]
    notes = table.set_index("indicator")["note"] if "note" in table else pd.Series(dtype=object)
    rows = []
    for part in score_parts():
        indicator = part["indicator"]
        pct = values.get(indicator, np.nan) if part["measured"] else np.nan
        den = denominators.get(indicator, np.nan) if part["measured"] else np.nan
        earned = float(part_points([pct], [den], part).iloc[0]) if part["measured"] else np.nan
        measured = part["measured"] and not np.isnan(earned)
        why = part[f"why_{lang}"] if not part["measured"] else notes.get(indicator)
        rows.append(
            {
                "group": part[f"group_{lang}"],
                "part": part["part"],
                "indicator": indicator,
                "points": part["points"],
                "threshold": part["threshold"],
                "value": pct,
                "score": earned if measured else np.nan,
                "measured": measured,
                "why": why if not measured else None,
            }
        )
    return pd.DataFrame(rows)
