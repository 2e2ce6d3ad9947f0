"""The indicator engine: every catalog indicator for any unit and period, from the mart.

Each indicator is defined in the catalog (`data/reference/indicators.yml`) by a numerator
and an optional denominator: a mart column summed over the months of the period, the
last month of the period, or every month up to its end. Sums of counts are taken first,
for the unit and all its peers at once; a ratio is computed once, at the end, and is
missing (NaN) when its denominator is 0. Nothing here repeats a name, unit or source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import reference, storage
from helpers.errors import InputError
from helpers.mart import BLOCKS_BY_NAME, block_path, ensure_mart
from helpers.periods import Period, parse_period, resolve_baseline
from helpers.units import COUNTRY, Unit, check_unit_period, name, parse_unit

WINDOWS = ("period", "last_month", "to_date")


@dataclass(frozen=True)
class Spec:
    """How one indicator is computed from the mart."""

    id: str
    block: str | None
    numerator: tuple[str, str] | None  # (column, window)
    denominator: tuple[str, str] | None
    unit: str
    direction: str


@lru_cache(maxsize=1)
def specs() -> tuple[Spec, ...]:
    """The computable definition of every catalog indicator, in catalog order."""
    out = []
    for ind in reference.catalog()["indicators"]:
        num, den = ind.get("numerator"), ind.get("denominator")
        out.append(
            Spec(
                id=ind["id"],
                block=ind["table"] if num else None,
                numerator=(num["column"], num["over"]) if num else None,
                denominator=(den["column"], den["over"]) if den else None,
                unit=ind["unit"],
                direction=ind["direction"],
            )
        )
    return tuple(out)


def _window_sql(column: str, window: str, period: Period) -> str:
    start, end = f"DATE '{period.start}'", f"DATE '{period.end}'"
    condition = {
        "period": f"month BETWEEN {start} AND {end}",
        "last_month": f"month = {end}",
        "to_date": f"month <= {end}",
    }[window]
    return f'coalesce(sum({column}) FILTER (WHERE {condition}), 0) AS "{column}@{window}"'


def block_sums(
    data_dir: Path | str, block: str, level: str, period: Period, units: list[str]
) -> pd.DataFrame:
    """Sums of the block's columns over each window of `period`, one row per unit.

    A unit with no row at all in the block up to the end of the period gets missing
    values (its data is absent), not zeros.
    """
    needed = sorted(
        {part for s in specs() if s.block == block for part in (s.numerator, s.denominator) if part}
    )
    path = block_path(data_dir, block)
    select = ", ".join(_window_sql(col, win, period) for col, win in needed)
    con = storage.shared_connection()
    frame = con.execute(
        f"SELECT unit_code, {select} FROM read_parquet(?) WHERE level = ? AND month <= ? GROUP BY unit_code",
        [str(path), level, period.end],
    ).df()
    frame = frame.set_index("unit_code")
    return frame.reindex(units)


@lru_cache(maxsize=16)
def _compute_cached(
    data_dir: str,
    level: str,
    period: Period,
    units: tuple[str, ...],
    blocks: tuple[str, ...],
    mart_token: str,
) -> pd.DataFrame:
    """`compute`, remembered while the mart's inputs (`mart_token`) are the same: in a batch
    build, every report of a period ranks its unit among the same peers."""
    return compute(data_dir, level, period, list(units), list(blocks))


def compute(
    data_dir: Path | str, level: str, period: Period, units: list[str], blocks: list[str]
) -> pd.DataFrame:
    """Numerator, denominator and value of every indicator for every unit.

    Long format: unit_code, indicator, numerator, denominator, value. An indicator whose
    block is missing (table absent, or no commune detail) has missing values throughout.
    """
    frames = {b: block_sums(data_dir, b, level, period, units) for b in blocks}
    rows = []
    for spec in specs():
        if spec.block is None:
            continue
        frame = frames.get(spec.block)
        if frame is None:
            num = den = pd.Series(np.nan, index=units)
        else:
            num = frame[f"{spec.numerator[0]}@{spec.numerator[1]}"].astype(float)
            den = (
                frame[f"{spec.denominator[0]}@{spec.denominator[1]}"].astype(float)
                if spec.denominator
                else pd.Series(np.nan, index=units)
            )
        value = ratio(num, den) if spec.denominator else num
        rows.append(
            pd.DataFrame(
                {
                    "unit_code": units,
                    "indicator": spec.id,
                    "numerator": num.values,
                    "denominator": den.values,
                    "value": value.values,
                }
            )
        )
    long = pd.concat(rows, ignore_index=True)
    scores = score_766(long)
    return pd.concat([long, scores], ignore_index=True)


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """100 × numerator ÷ denominator; missing where the denominator is 0 or missing."""
    den = denominator.where(denominator > 0)
    return 100.0 * numerator / den


def score_766(long: pd.DataFrame) -> pd.DataFrame:
    """The Decision 766 index per unit from its indicator values: the sum over measured
    parts of points × ratio, or min(points, points × ratio ÷ threshold) where a threshold
    is set. A part without data scores nothing and is listed as not measured."""
    values = long.pivot(index="unit_code", columns="indicator", values="value")
    earned = pd.Series(0.0, index=values.index)
    covered = pd.Series(0.0, index=values.index)
    for part in score_parts():
        if not part["measured"]:
            continue
        pct = values[part["indicator"]]
        scored = part_score(pct, part["points"], part["threshold"])
        earned += scored.fillna(0.0)
        covered += np.where(pct.notna(), part["points"], 0.0)
    value = earned.where(covered > 0)
    return pd.DataFrame(
        {
            "unit_code": values.index,
            "indicator": "score_766",
            "numerator": earned.values,
            "denominator": covered.values,
            "value": value.values,
        }
    )


def part_score(pct: pd.Series, points: float, threshold: float | None) -> pd.Series:
    """Points earned by one Decision 766 part for a percentage (0-100)."""
    share = pct / 100.0
    if threshold:
        return np.minimum(points, points * share / (threshold / 100.0))
    return points * share


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


# ---- reviews --------------------------------------------------------------------------------


def peers_of(unit: Unit, level: str) -> tuple[str, list[str], list[str]]:
    """(mart level, units reported, peers ranked among) for a unit and an output level."""
    if level == "commune":
        com = reference.communes()
        if unit.level == "province":
            codes = com.loc[com["province_code"] == unit.code, "commune_code"].tolist()
        elif unit.level == "legacy_province":
            codes = com.loc[com["legacy_province_code"] == unit.code, "commune_code"].tolist()
        elif unit.level == "country":
            codes = com["commune_code"].tolist()
        else:
            province = com.loc[com["commune_code"] == unit.code, "province_code"].iloc[0]
            return "commune", [unit.code], com.loc[com["province_code"] == province, "commune_code"].tolist()
        return "commune", codes, codes
    if level != "province":
        raise InputError(f"invalid level {level!r}: expected province or commune")
    if unit.level == "province":
        return "province", [unit.code], reference.provinces()["province_code"].tolist()
    if unit.level == "legacy_province":
        return "legacy_province", [unit.code], list(reference.crosswalk())
    if unit.level == "country":
        return "country", ["VN"], ["VN"]
    return peers_of(unit, "commune")


def review(
    unit: str | Unit,
    period: str | Period,
    baseline: str | Period | None = None,
    level: str = "province",
    data_dir: Path | str = "data",
    lang: str = "vi",
) -> pd.DataFrame:
    """Every indicator for a unit (or each commune of it) over a period, against a baseline.

    One row per unit and indicator: value, numerator, denominator, target for the period's
    year, status, baseline value, change in percentage points and relative change, rank
    among peers and their count, and a note where a value cannot be computed.
    """
    unit = unit if isinstance(unit, Unit) else parse_unit(unit)
    period = period if isinstance(period, Period) else parse_period(period)
    base = baseline if isinstance(baseline, Period) else resolve_baseline(baseline, period)
    check_unit_period(unit, period)
    check_unit_period(unit, base)
    mart_level, shown, peers = peers_of(unit, level)
    return review_units(mart_level, shown, peers, period, base, data_dir, lang)


def review_units(
    mart_level: str,
    shown: list[str],
    peers: list[str],
    period: Period,
    base: Period,
    data_dir: Path | str = "data",
    lang: str = "vi",
) -> pd.DataFrame:
    """The review table for units `shown` of one mart level, ranked among `peers`."""
    marker = ensure_mart(data_dir)
    blocks = [b for b in marker["blocks"] if mart_level != "commune" or BLOCKS_BY_NAME[b].has_commune]
    token = json.dumps(marker["inputs"], sort_keys=True)
    now = _compute_cached(str(data_dir), mart_level, period, tuple(peers), tuple(blocks), token)
    then = _compute_cached(str(data_dir), mart_level, base, tuple(shown), tuple(blocks), token)
    out = now[now["unit_code"].isin(shown)].merge(
        then[["unit_code", "indicator", "value"]].rename(columns={"value": "baseline_value"}),
        on=["unit_code", "indicator"],
        how="left",
    )
    out = out.merge(_ranks(now), on=["unit_code", "indicator"], how="left")
    out = _add_targets(out, period)
    out = _add_changes(out)
    out["note"] = _notes(out, marker, mart_level, lang)
    cat = reference.indicators()
    out["name"] = out["indicator"].map(cat[f"name_{lang}"])
    out["unit_of_measure"] = out["indicator"].map(cat["unit"])
    out["group"] = out["indicator"].map(cat["group"]).astype(int)
    selectors = {c: (Unit(mart_level, c) if mart_level != "country" else COUNTRY).selector for c in shown}
    out["unit"] = out["unit_code"].map(selectors)
    out["unit_name"] = out["unit_code"].map(unit_names(mart_level, shown, lang))
    out["period"] = str(period)
    out["baseline"] = str(base)
    order = {s.id: i for i, s in enumerate(specs())}
    position = {c: i for i, c in enumerate(shown)}
    out = out.assign(_u=out["unit_code"].map(position), _i=out["indicator"].map(order))
    out = out.sort_values(["_u", "_i"], kind="stable")
    return out[COLUMNS].reset_index(drop=True)


def unit_names(mart_level: str, codes: list[str], lang: str = "vi") -> dict[str, str]:
    """Names of many units of one level at once."""
    if mart_level == "country":
        return {c: name(COUNTRY, lang) for c in codes}
    frame, col = {
        "province": (reference.provinces(), "province_code"),
        "legacy_province": (reference.legacy_provinces(), "legacy_province_code"),
        "commune": (reference.communes(), "commune_code"),
    }[mart_level]
    names = frame.set_index(col)[f"name_{lang}"]
    return {c: names[c] for c in codes}


COLUMNS = [
    "unit",
    "unit_name",
    "period",
    "indicator",
    "group",
    "name",
    "unit_of_measure",
    "value",
    "numerator",
    "denominator",
    "target",
    "status",
    "baseline",
    "baseline_value",
    "change_pp",
    "change_rel_pct",
    "rank",
    "of",
    "note",
]


def _ranks(now: pd.DataFrame) -> pd.DataFrame:
    """Rank of each unit among its peers (1 is best; ties share the best rank)."""
    direction = {s.id: s.direction for s in specs()}
    parts = []
    for indicator, group in now.groupby("indicator", sort=False):
        valued = group.dropna(subset=["value"])
        ascending = direction[indicator] == "lower"
        rank = valued["value"].rank(method="min", ascending=ascending)
        of = len(valued)
        parts.append(
            pd.DataFrame(
                {
                    "unit_code": group["unit_code"],
                    "indicator": indicator,
                    "rank": rank.reindex(group.index).astype("Int64") if of > 1 else pd.NA,
                    "of": of if of > 1 else pd.NA,
                }
            )
        )
    ranks = pd.concat(parts, ignore_index=True)
    ranks["of"] = ranks["of"].astype("Int64")
    ranks["rank"] = ranks["rank"].astype("Int64")
    return ranks


def _add_targets(out: pd.DataFrame, period: Period) -> pd.DataFrame:
    targets = reference.targets()
    year = targets[targets["year"] == period.end.year].set_index("indicator")["target"]
    out["target"] = out["indicator"].map(year).astype(float)
    direction = out["indicator"].map({s.id: s.direction for s in specs()})
    met = np.where(direction == "lower", out["value"] <= out["target"], out["value"] >= out["target"])
    out["status"] = np.select(
        [out["value"].isna(), out["target"].isna(), met], ["no_data", "no_target", "achieved"], "not_achieved"
    )
    return out


def _add_changes(out: pd.DataFrame) -> pd.DataFrame:
    is_pct = out["indicator"].map({s.id: s.unit for s in specs()}) == "pct"
    diff = out["value"] - out["baseline_value"]
    out["change_pp"] = diff.where(is_pct)
    base = out["baseline_value"].where(out["baseline_value"] != 0)
    out["change_rel_pct"] = 100.0 * diff / base
    return out


def _notes(out: pd.DataFrame, marker: dict, mart_level: str, lang: str) -> list[str | None]:
    """Why a value is missing, or what a score covers."""
    table = {s.id: s.block for s in specs()}
    missing = set(marker.get("missing_tables", []))
    notes = []
    for row in out.itertuples():
        note = None
        if row.indicator == "score_766":
            note = _score_note(row.denominator, lang)
        elif table[row.indicator] in missing:
            note = (
                f"thiếu bảng {table[row.indicator]}"
                if lang == "vi"
                else f"missing table: {table[row.indicator]}"
            )
        elif mart_level == "commune" and not BLOCKS_BY_NAME[table[row.indicator]].has_commune:
            note = "không có số liệu cấp xã" if lang == "vi" else "not available at commune level"
        elif pd.isna(row.value):
            note = "mẫu số bằng 0" if lang == "vi" else "zero denominator"
        notes.append(note)
    return notes


def _score_note(covered: float, lang: str) -> str:
    unmeasured = [p for p in score_parts() if not p["measured"]]
    names = ", ".join(p["part"] for p in unmeasured)
    pts = 0 if pd.isna(covered) else int(covered)
    if lang == "vi":
        return f"tính trên {pts}/100 điểm; chưa đo được: {names}"
    return f"covers {pts} of 100 points; not measured: {names}"


def score_breakdown(
    unit: str | Unit, period: str | Period, data_dir: Path | str = "data", lang: str = "vi"
) -> pd.DataFrame:
    """The Decision 766 parts for one unit and period (see `parts_of_score`)."""
    return parts_of_score(review(unit, period, data_dir=data_dir, lang=lang), lang)


def parts_of_score(table: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The Decision 766 parts of one unit's review table: points, threshold, indicator value,
    points earned, and why a part is not measured."""
    values = table.set_index("indicator")["value"]
    rows = []
    for part in score_parts():
        pct = values.get(part["indicator"], np.nan) if part["measured"] else np.nan
        measured = part["measured"] and not np.isnan(pct)
        earned = float(part_score(pd.Series([pct]), part["points"], part["threshold"]).iloc[0])
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
                "why": part[f"why_{lang}"],
            }
        )
    return pd.DataFrame(rows)
