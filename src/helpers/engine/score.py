"""The Decision 766/QĐ-TTg service index (DESIGN.md section 7), from indicator values.

Points, thresholds and which parts the data can measure are read from the catalog
(`score_766` in indicators.yml); nothing about the index is spelled here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core import reference


def score_parts() -> list[dict]:
    """The Decision 766 parts of the catalog, flattened: group, part, indicator, points,
    threshold, measured, and why a part is not measured."""
    out = []
    for group in reference.catalog()["score_766"]:
        for part in group["parts"]:
            out.append(
                {
                    "group": group["group"],
                    "group_vi": group["name_vi"],
                    "group_en": group["name_en"],
                    "part": part["id"],
                    "indicator": part.get("indicator"),
                    "points": part["points"],
                    "threshold": part.get("threshold"),
                    "measured": part.get("measured", True),
                    "assumption": part.get("assumption", False),
                    "why_vi": part.get("why_vi"),
                    "why_en": part.get("why_en"),
                }
            )
    return out


def part_score(pct: pd.Series, points: float, threshold: float | None) -> pd.Series:
    """Points earned by one Decision 766 part for a percentage (0-100)."""
    share = pct / 100.0
    if threshold:
        return np.minimum(points, points * share / (threshold / 100.0))
    return points * share


def score_766(long: pd.DataFrame) -> pd.DataFrame:
    """The index per unit from its indicator values: the sum over measured parts of points ×
    ratio, or min(points, points × ratio ÷ threshold) where a threshold is set. A part
    without a value scores nothing and is not covered; `denominator` is the points covered."""
    values = long.pivot(index="unit_code", columns="indicator", values="value")
    earned = pd.Series(0.0, index=values.index)
    covered = pd.Series(0.0, index=values.index)
    for part in score_parts():
        if not part["measured"]:
            continue
        pct = values[part["indicator"]]
        earned += part_score(pct, part["points"], part["threshold"]).fillna(0.0)
        covered += np.where(pct.notna(), part["points"], 0.0)
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
    notes = table.set_index("indicator")["note"] if "note" in table else pd.Series(dtype=object)
    rows = []
    for part in score_parts():
        pct = values.get(part["indicator"], np.nan) if part["measured"] else np.nan
        measured = part["measured"] and not np.isnan(pct)
        earned = float(part_score(pd.Series([pct]), part["points"], part["threshold"]).iloc[0])
        why = part[f"why_{lang}"] if not part["measured"] else notes.get(part["indicator"])
        rows.append(
            {
                "group": part[f"group_{lang}"],
                "part": part["part"],
                "indicator": part["indicator"],
                "points": part["points"],
                "threshold": part["threshold"],
                "value": pct,
                "score": earned if measured else np.nan,
                "measured": measured,
                "why": why if not measured else None,
            }
        )
    return pd.DataFrame(rows)
