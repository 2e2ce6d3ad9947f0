"""The official Decision 766 index as a review asks for it, one call each (numbers, not
formatted text; labels in the reader's language from the catalog and report_text.yml):

- `official_index`: a unit's official index for a period: the total and six groups of the
  latest snapshot held, with ranks, snapshot dates, numerators and the recomputed scores;
- `official_trend`: the same unit and period over every snapshot held;
- `official_ranking`: the departments or communes of a province ranked by the official
  figures, each with its weakest group;
- `official_vs_estimate`: our estimate (`score_766`) beside the official index, group by
  group and part by part, the difference and why it cannot be measured where it cannot.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import reference
from helpers.core.periods import Period, parse_period
from helpers.core.text import text
from helpers.core.units import Unit, names, parse_unit
from helpers.engine.indicators import review
from helpers.engine.mart import current_mart, inputs_token
from helpers.engine.official import GROUPS, index_rows, latest_of, snapshots_of, table_stats
from helpers.engine.score import group_of, groups, parts_of_score, recompute_parts, score_parts

_NOTE_KEYS = {"formula_not_published": "note_formula_not_published", "no_figures": "note_no_figures"}


def _unit_key(unit: str | Unit) -> str:
    """Whose rows a unit's are: a current province's or commune's by its code, the
    country's; a former province has none (the index is kept on the current boundaries, and
    its code may be a current province's: 44 was Quảng Bình, is now Quảng Trị)."""
    unit = unit if isinstance(unit, Unit) else parse_unit(unit)
    if unit.level == "country":
        return "VN"
    return unit.selector if unit.level == "legacy_province" else unit.code


def _period(period: str | Period) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


def group_label(group: str, lang: str) -> str:
    """The reader's name of a group of the index, or of its total."""
    if group == "total":
        return reference.indicators().at["index_766", f"short_{lang}"]
    return group_of(group)[f"name_{lang}"]


def _source(group: str, lang: str) -> str | None:
    if group == "total":
        return None
    return reference.catalog()["formula_sources"][group_of(group)["formula_source"]][lang]


def _points(group: str) -> float:
    return 100.0 if group == "total" else float(group_of(group)["points"])


# ---- one unit ---------------------------------------------------------------------------------------


def official_index(
    unit: str | Unit, period: str | Period, data_dir: Path | str = "data", lang: str = "vi"
) -> pd.DataFrame:
    """The total and six groups of a unit's latest snapshot of the period, one row each:
    group, code, name, score (as published), max_score, rank, of, as_of, numerator and
    denominator (where the source gives them), recomputed (the catalog's formula over the
    source's figures), formula_source and note (why not recomputed). Empty where no figure
    of the unit for the period is held."""
    period = _period(period)
    heads = latest_of(data_dir, period, unit_key=_unit_key(unit))
    heads = heads.set_index("group") if len(heads) else heads
    codes = {g["group"]: g["code"] for g in groups()}
    rows = []
    for group in GROUPS:
        if group not in heads.index:
            continue
        row = heads.loc[group]
        note = _NOTE_KEYS.get(row["formula_note"]) if isinstance(row["formula_note"], str) else None
        rows.append(
            {
                "group": group,
                "code": codes.get(group),
                "name": group_label(group, lang),
                "score": row["score"],
                "max_score": row["max_score"] if pd.notna(row["max_score"]) else _points(group),
                "rank": row["rank"],
                "of": row["of"],
                "as_of": row["as_of"],
                "numerator": row["numerator"],
                "denominator": row["denominator"],
                "recomputed": row["recomputed"],
                "derived": bool(row["derived"]),
                "formula_source": _source(group, lang),
                "note": text(note, lang) if note else None,
            }
        )
    return _frame(rows, ["group", "code", "name", "score", "max_score", "rank", "of", "as_of", "numerator",
                         "denominator", "recomputed", "derived", "formula_source", "note"])  # fmt: skip


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=columns)
    for column in ("rank", "of"):
        if column in out:
            out[column] = out[column].astype("Int64")
    return out


def official_trend(unit: str | Unit, period: str | Period, data_dir: Path | str = "data") -> pd.DataFrame:
    """The unit's published scores of the period over every snapshot held: one row per
    snapshot date (`as_of`), one column per group and the total (missing where that snapshot
    did not give it), and the total's rank and peers."""
    period = _period(period)
    mine = snapshots_of(data_dir, period, unit_key=_unit_key(unit))
    columns = ["as_of", *GROUPS, "rank", "of"]
    if mine.empty:
        return pd.DataFrame(columns=columns)
    wide = mine.pivot_table(index="as_of", columns="group", values="score", aggfunc="first")
    totals = mine[mine["group"] == "total"].set_index("as_of")
    wide = wide.reindex(columns=list(GROUPS))
    wide["rank"] = totals["rank"].reindex(wide.index)
    wide["of"] = totals["of"].reindex(wide.index)
    return _frame(wide.reset_index().rename_axis(columns=None).to_dict("records"), columns)


# ---- the units of a province ----------------------------------------------------------------------


RANKING_COLUMNS = ["unit", "unit_name", "portal_code", "matched", "score", "rank", "of", "as_of",
                   "weakest_group", "weakest_name", "weakest_score", "weakest_points"]  # fmt: skip
"""The columns of `official_ranking`."""


def official_ranking(
    province: str | Unit,
    period: str | Period,
    data_dir: Path | str = "data",
    level: str = "commune",
    lang: str = "vi",
) -> pd.DataFrame:
    """The communes (or departments) of a province the source lists, ranked by the official
    total of their latest snapshot (ties share the best rank; units without a total follow),
    each with its weakest group: the one furthest from its points, as a share of them."""
    period = _period(period)
    code = _unit_key(province)
    heads = latest_of(data_dir, period, province_code=code, unit_level=level)
    columns = RANKING_COLUMNS
    if heads.empty:
        return pd.DataFrame(columns=columns)
    ours = (
        names("commune", sorted(heads["commune_code"].dropna().unique()), lang) if level == "commune" else {}
    )
    rows = [_ranking_row(unit, ours, lang) for unit in _ranking_facts(heads).to_dict("records")]
    out = _frame(rows, columns)
    out = out.sort_values(["score", "unit_name"], ascending=[False, True], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def _ranking_facts(heads: pd.DataFrame) -> pd.DataFrame:
    """Per unit (in the order the source lists them): its first row's codes, name and date,
    its first portal code given, its total's score, rank and date, and its weakest group
    (the first furthest from its points, as a share of them), all at once for a province's
    communes."""
    first = heads.drop_duplicates("unit_key").set_index("unit_key")
    coded = heads.dropna(subset=["portal_unit_code"]).drop_duplicates("unit_key")
    totals = heads[heads["group"] == "total"].drop_duplicates("unit_key").set_index("unit_key")
    parts = heads[heads["group"] != "total"]
    parts = parts.assign(share=parts["score"] / parts["max_score"].where(parts["max_score"] > 0))
    parts = parts[parts["share"].notna()]
    weakest = parts.loc[parts.groupby("unit_key", sort=False)["share"].idxmin()].set_index("unit_key")
    keys = first.index
    return pd.DataFrame(
        {
            "commune_code": first["commune_code"].astype(object),
            "portal_unit_name": first["portal_unit_name"].astype(object),
            "portal_unit_code": coded.set_index("unit_key")["portal_unit_code"].reindex(keys).astype(object),
            "has_total": keys.isin(totals.index),
            "score": totals["score"].reindex(keys),
            "rank": totals["rank"].reindex(keys),
            "of": totals["of"].reindex(keys),
            "as_of": totals["as_of"].reindex(keys).where(keys.isin(totals.index), first["as_of"]),
            "weakest_group": weakest["group"].reindex(keys).astype(object),
            "weakest_score": weakest["score"].reindex(keys),
            "weakest_points": weakest["max_score"].reindex(keys),
        },
        index=keys,
    )


def _ranking_row(unit: dict, ours: dict, lang: str) -> dict:
    matched = isinstance(unit["commune_code"], str)
    code = unit["portal_unit_code"] if isinstance(unit["portal_unit_code"], str) else None
    weakest = unit["weakest_group"] if isinstance(unit["weakest_group"], str) else None
    return {
        "unit": unit["commune_code"] if matched else code,
        "unit_name": ours.get(unit["commune_code"]) if matched else unit["portal_unit_name"],
        "portal_code": code,
        "matched": matched,
        "score": unit["score"],
        "rank": unit["rank"],
        "of": unit["of"],
        "as_of": unit["as_of"],
        "weakest_group": weakest,
        "weakest_name": group_label(weakest, lang) if weakest else None,
        "weakest_score": unit["weakest_score"],
        "weakest_points": unit["weakest_points"],
    }


# ---- our estimate beside it ----------------------------------------------------------------------------


def official_vs_estimate(
    unit: str | Unit,
    period: str | Period,
    data_dir: Path | str = "data",
    baseline: str | Period | None = None,
    lang: str = "vi",
) -> pd.DataFrame:
    """Our estimate (`score_766`, from the unit's own data) beside the official index of its
    latest snapshot: for each group a row (`row` = group) with both scores and the
    difference (estimate − official), then a row per part (`row` = part) with the portal's
    metric and ratio, its points by the portal (published, else recomputed from its
    figures; its numerator, denominator and recomputed points where the source gives them),
    our indicator's value and points, the difference, and why a side is missing.
    Remembered while the mart's inputs and the index's files are the same (a review shows
    it in its section and files it in its documents)."""
    unit = unit if isinstance(unit, Unit) else parse_unit(unit)
    inputs = (inputs_token(current_mart(data_dir)), table_stats(data_dir))
    return _vs_cached(unit, _period(period), str(data_dir), baseline, lang, inputs).copy()


@lru_cache(maxsize=8)
def _vs_cached(unit: Unit, period: Period, data_dir: str, baseline, lang: str, inputs: tuple) -> pd.DataFrame:
    table = review(unit, period, baseline, data_dir=data_dir, lang=lang)
    ours = parts_of_score(table, lang).assign(group_id=[p["group"] for p in score_parts()])
    key = _unit_key(unit)
    official = latest_of(data_dir, period, unit_key=key)
    heads = official.set_index("group") if len(official) else pd.DataFrame()
    metrics = index_rows(data_dir, period, unit_key=key)
    metrics = metrics[metrics["metric"].notna()]
    rows = []
    for entry in groups():
        group = entry["group"]
        head = heads.loc[group] if group in heads.index else None
        mine = ours[ours["group_id"] == group]
        figures = (
            metrics[(metrics["group"] == group) & (metrics["as_of"] == head["as_of"])]
            if head is not None
            else None
        )
        theirs = recompute_parts(group, figures).set_index("part")
        estimate = mine["score"].sum(min_count=1)
        published = np.nan if head is None else head["score"]
        rows.append(_group_row(group, entry, head, published, estimate, mine, lang))
        for part in mine.itertuples():
            rows.append(_part_row(group, entry, part, theirs, lang))
    return pd.DataFrame(rows)


def _group_row(group, entry, head, published, estimate, mine, lang) -> dict:
    return {
        "row": "group",
        "group": group,
        "name": entry[f"name_{lang}"],
        "part": None,
        "metric": entry["code"],
        "points": float(entry["points"]),
        "official_pct": np.nan,
        "official_score": published,
        "numerator": np.nan if head is None else head["numerator"],
        "denominator": np.nan if head is None else head["denominator"],
        "official_recomputed": np.nan if head is None else head["recomputed"],
        "as_of": None if head is None else head["as_of"],
        "estimate_pct": np.nan,
        "estimate_score": estimate,
        "estimate_points": float(mine.loc[mine["measured"], "points"].sum()),
        "difference": estimate - published,
        "why": None,
    }


def _part_row(group, entry, part, theirs, lang) -> dict:
    spec = next(p for p in entry["parts"] if p["id"] == part.part)
    metric = spec.get("metric")
    found = theirs.loc[part.part] if part.part in theirs.index else None
    official_score = np.nan
    if found is not None:
        official_score = found["published"] if pd.notna(found["published"]) else found["recomputed"]
    why = part.why if isinstance(part.why, str) else None
    if metric is None and entry["formula_source"] == "not_published":
        why = (
            text("note_formula_not_published", lang)
            if why is None
            else f"{why}; {text('note_formula_not_published', lang)}"
        )
    return {
        "row": "part",
        "group": group,
        "name": entry[f"name_{lang}"],
        "part": part.part,
        "metric": metric,
        "points": float(part.points),
        "official_pct": np.nan if found is None else found["pct"],
        "official_score": official_score,
        "numerator": np.nan if found is None else found["numerator"],
        "denominator": np.nan if found is None else found["denominator"],
        "official_recomputed": np.nan if found is None else found["recomputed"],
        "as_of": None,
        "estimate_pct": part.value,
        "estimate_score": part.score,
        "estimate_points": float(part.points) if part.measured else 0.0,
        "difference": part.score - official_score,
        "why": why,
    }
