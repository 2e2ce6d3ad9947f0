"""Reviews: every catalog indicator for a unit (or the communes of one) over a period,
against a baseline, with targets, status, changes, ranks among peers and notes.

The values come from `helpers.engine.compute` (sums over the mart for the unit and all its
peers at once); the definitions from the catalog (`data/reference/indicators.yml`, read in
`helpers.engine.specs`). Nothing here repeats a name, unit or source.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import reference
from helpers.core.errors import InputError
from helpers.core.periods import Period
from helpers.core.units import COUNTRY, Unit, names, parse_scope, province_of
from helpers.engine.blocks import BLOCKS_BY_NAME
from helpers.engine.compute import computation, compute_cached, level_scope, precompute, shared_path
from helpers.engine.mart import current_mart, inputs_token, read_marker
from helpers.engine.notes import Notes
from helpers.engine.official import indicator_ids, share_official
from helpers.engine.specs import specs

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
            province = province_of(unit.code)
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
    year, status, baseline value, changes, rank among peers and their count, the months
    of the period and the months its data covers, and a note where a value is missing,
    partial, or compared per month. Reads the mart; run `p06 mart` (or `refresh_mart`)
    first.
    """
    period, base, (unit,) = parse_scope(period, [unit], baseline)
    mart_level, shown, peers = peers_of(unit, level)
    return review_units(mart_level, shown, peers, period, base, data_dir, lang)


def data_span(marker: dict) -> tuple[str, str] | None:
    """The first and last month any table of the data covers."""
    spans = [v for v in marker.get("covers", {}).values() if v]
    return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


def check_period_covered(period: Period, marker: dict) -> None:
    """A period the data does not reach at all is bad input, naming what the data covers."""
    span = data_span(marker)
    if span and (f"{period.start:%Y-%m}" > span[1] or f"{period.end:%Y-%m}" < span[0]):
        raise InputError(f"no data for {period}: the data covers {span[0]}..{span[1]}")


def computation_key(marker: dict, mart_level: str) -> tuple[tuple[str, ...], str]:
    """The blocks a level reads and a token of the mart's inputs: what a computation is
    remembered (and shared by a batch) under."""
    blocks = tuple(b for b in marker["blocks"] if mart_level != "commune" or BLOCKS_BY_NAME[b].has_commune)
    return blocks, inputs_token(marker)


def share_computations(
    data_dir: Path | str, levels: list[str], periods: list[Period], load: bool = False, scope: tuple = ()
) -> None:
    """Compute each level over each period once, for every report of a batch to read (the
    communes of the provinces of `scope` only, where given: those its reports read); with
    `load`, also read them into this process (a worker about to run the batch's reports).

    The official index of each period is made in a thread of its own meanwhile (its query,
    and the levels' queries, run outside the interpreter's lock), the baseline's first: a
    level's computation of a period reads that period's official index, and waits for it."""
    marker = current_mart(data_dir)
    order = list(reversed(dict.fromkeys(periods)))  # the baseline's index is the smaller, or none
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="p06-official") as pool:
        official = [pool.submit(share_official, data_dir, [period], scope) for period in order]
        for period, made in zip(order, official, strict=True):
            made.result()
            for level in levels:
                blocks, token = computation_key(marker, level)
                part = level_scope(level, scope)
                precompute(data_dir, level, period, blocks, token, part)
                if load:
                    compute_cached(str(data_dir), level, period, blocks, token, part)


def read_computed(data_dir: Path | str, levels: list[str], periods: list[Period], scope: tuple = ()) -> None:
    """Read into this process the computations a batch has left already (a worker waiting
    for the rest); none is computed here."""
    marker = current_mart(data_dir)
    for period in dict.fromkeys(periods):
        for level in levels:
            blocks, token = computation_key(marker, level)
            part = level_scope(level, scope)
            if shared_path(data_dir, level, period, blocks, token, part).exists():
                compute_cached(str(data_dir), level, period, blocks, token, part)


def review_units(
    mart_level: str,
    shown: list[str],
    peers: list[str],
    period: Period,
    base: Period,
    data_dir: Path | str = "data",
    lang: str = "vi",
) -> pd.DataFrame:
    """The review table for units `shown` of one mart level, ranked among `peers` (the same
    question asked again, by every commune of a province in a batch, is answered from memory
    while the mart's inputs are the same). Some of the peers are read from the table of all
    of them: a review asks for its peers' table first, then again for its own unit."""
    marker = current_mart(data_dir)
    check_period_covered(period, marker)
    blocks, token = computation_key(marker, mart_level)
    common = (period, base, str(data_dir), lang, blocks, token)
    if len(set(shown)) < len(set(peers)) and set(shown) <= set(peers):
        every = _review_cached(mart_level, tuple(peers), tuple(peers), *common)
        return _rows_of(every, mart_level, shown)
    return _review_cached(mart_level, tuple(shown), tuple(peers), *common).copy()


def _rows_of(table: pd.DataFrame, mart_level: str, shown: list[str]) -> pd.DataFrame:
    """The rows of units `shown`, in that order (each unit's indicators in the table's order)."""
    selectors = [(Unit(mart_level, c) if mart_level != "country" else COUNTRY).selector for c in shown]
    position = {s: i for i, s in enumerate(selectors)}
    rows = table[table["unit"].isin(position)]
    order = rows["unit"].map(position).to_numpy()
    return rows.iloc[order.argsort(kind="stable")].reset_index(drop=True)


@lru_cache(maxsize=8)
def _review_cached(
    mart_level: str,
    shown: tuple[str, ...],
    peers: tuple[str, ...],
    period: Period,
    base: Period,
    data_dir: str,
    lang: str,
    blocks: tuple[str, ...],
    token: str,
) -> pd.DataFrame:
    marker = read_marker(data_dir)  # the one `review_units` checked
    every = computation(str(data_dir), mart_level, period, blocks, token, list(peers))
    now = every[every["unit_code"].isin(set(peers))]
    then = computation(str(data_dir), mart_level, base, blocks, token, list(shown))
    then = then[then["unit_code"].isin(set(shown))]
    out = now[now["unit_code"].isin(set(shown))].merge(
        then[["unit_code", "indicator", "value", "months_covered"]].rename(
            columns={"value": "baseline_value", "months_covered": "baseline_months"}
        ),
        on=["unit_code", "indicator"],
        how="left",
    )
    out = out.merge(_ranks(now), on=["unit_code", "indicator"], how="left")
    out = _add_targets(out, period)
    out = _add_changes(out)
    out["note"] = Notes(marker, mart_level, lang, {s.id: s for s in specs()}, period.end).for_rows(out)
    cat = reference.indicators()
    out["name"] = out["indicator"].map(cat[f"name_{lang}"])
    out["unit_of_measure"] = out["indicator"].map(cat["unit"])
    out["group"] = out["indicator"].map(cat["group"]).astype(int)
    selectors = {c: (Unit(mart_level, c) if mart_level != "country" else COUNTRY).selector for c in shown}
    out["unit"] = out["unit_code"].map(selectors)
    out["unit_name"] = out["unit_code"].map(names(mart_level, shown, lang))
    out["period"] = str(period)
    out["baseline"] = str(base)
    order = {s.id: i for i, s in enumerate(specs())}
    position = {c: i for i, c in enumerate(shown)}
    out = out.assign(_u=out["unit_code"].map(position), _i=out["indicator"].map(order))
    out = out.sort_values(["_u", "_i"], kind="stable")
    return out[COLUMNS].reset_index(drop=True)


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
    "comparison",
    "change_per_month",
    "rank",
    "of",
    "months",
    "months_covered",
    "baseline_months",
    "as_of",
    "note",
    "recomputed",
]
"""The columns of a review table, in order (`p06 indicators` prints them); `recomputed`:
the official index's groups by the catalog's formulas over the portal's own figures."""


def _ranks(now: pd.DataFrame) -> pd.DataFrame:
    """Rank of each unit among the peers with a value (1 is best; ties share the best rank);
    a unit without a value has no rank, and peers without data are not counted."""
    lower = now["indicator"].map({s.id: s.direction == "lower" for s in specs()}).fillna(False).astype(bool)
    key = now["value"].where(lower, -now["value"])  # ascending rank of the key: 1 is best
    by = now["indicator"]
    rank = key.groupby(by, sort=False).rank(method="min")
    of = now["value"].notna().groupby(by, sort=False).transform("sum")
    ranked = now["value"].notna() & (of > 1)
    rank, of = rank.where(ranked), of.where(ranked)
    if "official_rank" in now:  # the official index: ranked as published, within its snapshot
        official = now["indicator"].isin(set(indicator_ids().values()))
        rank, of = rank.where(~official, now["official_rank"]), of.where(~official, now["official_of"])
    return pd.DataFrame(
        {
            "unit_code": now["unit_code"].values,
            "indicator": by.values,
            "rank": rank.astype("Int64").values,
            "of": of.astype("Int64").values,
        }
    )


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
    """Change against the baseline: percentage points for percentages; for a flow whose
    period and baseline cover different numbers of months, per month (monthly averages)."""
    kinds = {s.id: s for s in specs()}
    is_pct = out["indicator"].map(lambda i: kinds[i].unit == "pct" if i in kinds else False)
    flow = out["indicator"].map(lambda i: kinds[i].is_flow if i in kinds else False)
    per_month = flow & (out["months_covered"] != out["baseline_months"]) & (out["baseline_months"] > 0)
    now = out["value"].where(
        ~per_month, out["value"] / out["months_covered"].where(out["months_covered"] > 0)
    )
    then = out["baseline_value"].where(
        ~per_month, out["baseline_value"] / out["baseline_months"].where(out["baseline_months"] > 0)
    )
    diff = now - then
    out["change_pp"] = diff.where(is_pct)
    out["change_rel_pct"] = 100.0 * diff / then.where(then != 0)
    out["comparison"] = np.where(per_month, "per_month", "total")
    out["change_per_month"] = diff.where(per_month)
    return out
