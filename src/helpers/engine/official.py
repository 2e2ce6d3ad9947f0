"""The official Decision 766 index as the National Public Service Portal publishes it
(table `index_766`, DESIGN.md sections 5-7): the latest snapshot of a period, its ranks, and
each group recomputed from the portal's own figures.

A unit's figure for a period is its published score in the latest snapshot held (by
`as_of`), group by group; where a snapshot gives all six groups of a unit and no total, the
total is their sum. Ranks are those published; where the source gives none, units are
ranked by the published score (ties share the best rank) among the units of the same
level in the same snapshot: provinces among provinces, departments and communes among
those of their province. `recomputed` applies the catalog's formulas (`score_766`) to the
figures the source gives.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import reference
from helpers.core.periods import Period, month_index
from helpers.core.units import province_of
from helpers.data import storage
from helpers.data.schema import INDEX_766
from helpers.engine.mart import mart_dir
from helpers.engine.score import groups, recompute_groups

TABLE = INDEX_766.name
GROUPS = ("total", *(g["group"] for g in groups()))
"""The total, then the six groups in the catalog's order."""

_DUPLICATE_KEY = ["unit_key", "period", "as_of", "group", "metric"]


@lru_cache(maxsize=1)
def indicator_ids() -> dict[str, str]:
    """Catalog indicator id of the total and of each group (`index_group` in indicators.yml)."""
    return {i["index_group"]: i["id"] for i in reference.catalog()["indicators"] if i.get("index_group")}


_UNIT_KEY = """CASE
    WHEN unit_level = 'commune' AND commune_code IS NOT NULL THEN commune_code
    WHEN unit_level = 'province' AND province_code IS NOT NULL THEN province_code
    WHEN unit_level = 'country' THEN 'VN'
    ELSE 'portal:' || coalesce(portal_unit_name, portal_unit_code, '') END"""
"""Who a row is about (SQL): a province or commune code where the name matched one, `VN` for
the country, else the portal's name (or code, where the name was not kept) for departments
and unmatched names: the portal gives codes in some responses only."""


def table_stats(data_dir: Path | str) -> tuple:
    """What tells whether the table's files changed: their paths, times and sizes."""
    files = storage.table_files(data_dir, TABLE)
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def index_rows(data_dir: Path | str, period: Period | str | None = None, **match: str) -> pd.DataFrame:
    """Every row of the table (of one period, where given: a review reads its own), each with
    its `unit_key`, duplicates across files dropped (a rank kept where one copy has it), and
    the totals derived from six groups added; remembered while no file of the table changes.
    `match` (a period given): only the rows with these values (`unit_key="44"`)."""
    if period is None:
        return _index_rows(str(data_dir), table_stats(data_dir), None).copy()
    return _matching("rows", data_dir, period, match)


def periods_held(data_dir: Path | str) -> list[str]:
    """The periods the table holds figures for, as labelled (2025, 2026-Q3)."""
    files = [str(p) for p in storage.table_files(data_dir, TABLE)]
    if not files:
        return []
    query = "SELECT DISTINCT period FROM read_parquet($files) ORDER BY period"
    with storage.shared_connection().cursor() as con:  # its own: other queries may be pending
        return [r[0] for r in con.execute(query, {"files": files}).fetchall()]


def latest_of(
    data_dir: Path | str, period: Period | str, within: list[str] | None = None, **match: str
) -> pd.DataFrame:
    """`latest` over the table held, remembered while no file of the table changes: every
    table of a review asks for the same period's snapshot. `match`: only the rows with these
    values (`unit_key="44"`, or `province_code="44", unit_level="commune"`); `within`: the
    units the caller reads (a batch's process may hold only theirs)."""
    return _matching("latest", data_dir, period, match, within)


def snapshots_of(data_dir: Path | str, period: Period | str, **match: str) -> pd.DataFrame:
    """The group and total rows of every snapshot of a period held, ranked (`ranked`),
    remembered while no file of the table changes: every unit's trend reads them. `match`:
    only the rows with these values."""
    return _matching("snapshots", data_dir, period, match)


def _matching(
    frame: str,
    data_dir: Path | str,
    period: Period | str,
    match: dict[str, str],
    within: list[str] | None = None,
) -> pd.DataFrame:
    """One of a period's frames, or its rows with the values of `match`, in the frame's order:
    taken by the positions found once for each value, not by comparing every row of the
    frame again for each unit a review asks about. Read from the part a batch made for its
    provinces where this process holds one and the question is about units inside it."""
    data_dir, stats, period = str(data_dir), table_stats(data_dir), str(period)
    scope = _HELD.get((data_dir, stats, period), ())
    units = [match["unit_key"]] if "unit_key" in match else list(within or [])
    provinces = [match["province_code"]] if "province_code" in match else []  # their communes
    asked = bool(units or provinces)
    inside = all(_inside(unit, scope) for unit in units) and all(p in scope for p in provinces)
    if scope and not (asked and inside):
        scope = ()
    whole = _FRAMES[frame](data_dir, stats, period, scope)
    if not match:
        return whole.copy()
    columns = tuple(match)
    key = tuple(match.values()) if len(columns) > 1 else match[columns[0]]
    found = _positions(data_dir, stats, period, frame, columns, scope).get(key)
    return whole.iloc[found if found is not None else []]


@lru_cache(maxsize=24)
def _positions(
    data_dir: str, stats: tuple, period: str, frame: str, columns: tuple[str, ...], scope: tuple = ()
) -> dict:
    """The rows of each value (each combination of values) of `columns` in one of a period's
    frames, by position; rows missing a value belong to none."""
    whole = _FRAMES[frame](data_dir, stats, period, scope)
    if whole.empty:
        return {}
    by = list(columns) if len(columns) > 1 else columns[0]
    return whole.groupby(by, sort=False, dropna=True).indices


# ---- what a batch computes once for all its reports ------------------------------------------------


SHARED = ("rows", "snapshots", "latest")
"""The frames of a period a batch leaves for its reports: its rows, its snapshots ranked, its
latest snapshot (`index_rows`, `snapshots_of`, `latest_of`)."""


def shared_path(data_dir: str, stats: tuple, period: str, frame: str, scope: tuple = ()) -> Path:
    """Where a batch leaves one of a period's frames (beside the mart's shared computations,
    named by the table's files, so a change to them never reads a stale one, and by its
    scope)."""
    named = [list(map(list, stats)), period, frame] + ([list(scope)] if scope else [])
    key = hashlib.sha256(json.dumps(named).encode()).hexdigest()[:20]
    return mart_dir(data_dir) / "shared" / f"official-{frame}-{key}.feather"


_HELD: dict[tuple, tuple] = {}
"""The provinces a batch's frames of a period cover, in a process that made or read them."""


def _inside(key: str, scope: tuple) -> bool:
    """Whether a part made for the provinces of `scope` holds every row of a unit (by its
    unit key): the country and every province are in each part, a commune or department
    where its province is (and the communes and departments of a province, where it is in
    `scope`)."""
    return key == "VN" or key in _province_codes() or province_of(key) in scope


@lru_cache(maxsize=1)
def _province_codes() -> frozenset:
    return frozenset(reference.provinces()["province_code"])


def share_official(data_dir: Path | str, periods: list[Period], scope: tuple = ()) -> None:
    """Compute each period's frames once and leave them for the reports of a batch (every
    review reads them first; a worker reads them in milliseconds instead of computing them
    again): of the communes and departments, those of the provinces of `scope`, where given.
    Nothing is left where the table is not held."""
    stats = table_stats(data_dir)
    if not stats:
        return
    for period in dict.fromkeys(str(p) for p in periods):
        for frame in SHARED:
            target = shared_path(str(data_dir), stats, period, frame, scope)
            if not target.exists():
                result = _FRAMES[frame](str(data_dir), stats, period, scope)
                with storage.atomic_path(target) as tmp:
                    result.reset_index(drop=True).to_feather(tmp)
        if scope:
            _HELD[(str(data_dir), stats, period)] = scope


LOOKUPS = {
    "rows": [("unit_key",)],
    "snapshots": [("unit_key",)],
    "latest": [("unit_key",), ("province_code", "unit_level")],
}
"""How reviews look up each of a period's frames: a unit's rows, a province's communes."""


def read_shared(data_dir: Path | str, periods: list[Period], scope: tuple = ()) -> None:
    """Read the frames a batch has left for each period, and where each unit's rows are,
    into this process; a period whose frames are not all there yet is left (read when a
    review first asks, or made where no batch left it)."""
    data_dir, stats = str(data_dir), table_stats(data_dir)
    for period in dict.fromkeys(str(p) for p in periods):
        if stats and all(shared_path(data_dir, stats, period, frame, scope).exists() for frame in SHARED):
            for frame in SHARED:
                for columns in LOOKUPS[frame]:
                    _positions(data_dir, stats, period, frame, columns, scope)
            if scope:
                _HELD[(data_dir, stats, period)] = scope


def _shared(data_dir: str, stats: tuple, period: str | None, frame: str, scope: tuple) -> pd.DataFrame | None:
    """A frame a batch left for this period, where it did."""
    if period is None or not stats:
        return None
    path = shared_path(data_dir, stats, period, frame, scope)
    return pd.read_feather(path) if path.exists() else None


@lru_cache(maxsize=8)
def _snapshots(data_dir: str, stats: tuple, period: str, scope: tuple = ()) -> pd.DataFrame:
    shared = _shared(data_dir, stats, period, "snapshots", scope)
    if shared is not None:
        return shared
    rows = _index_rows(data_dir, stats, period, scope)
    heads = rows[rows["metric"].isna()]
    heads = ranked(heads) if len(heads) else heads.assign(of=pd.Series(dtype=float))
    return heads.reset_index(drop=True)


@lru_cache(maxsize=8)
def _latest(data_dir: str, stats: tuple, period: str, scope: tuple = ()) -> pd.DataFrame:
    shared = _shared(data_dir, stats, period, "latest", scope)
    if shared is not None:
        return shared
    return latest(_index_rows(data_dir, stats, period, scope), period).reset_index(drop=True)


@lru_cache(maxsize=8)
def _index_rows(data_dir: str, stats: tuple, period: str | None, scope: tuple = ()) -> pd.DataFrame:
    """The rows of a period (all where None); with a `scope`, the communes' and departments'
    rows of those provinces only, besides every other: each ranked among the same units as
    in the whole (communes and departments within their province)."""
    shared = _shared(data_dir, stats, period, "rows", scope)
    if shared is not None:
        return shared
    names = INDEX_766.names
    if not stats:
        return pd.DataFrame(columns=[*names, "unit_key", "derived"])
    # one row per unit, period, snapshot, group and metric: the same published figure may come
    # in two files (a response and a summary); the copy with a rank is kept
    key = ", ".join(f'"{c}"' for c in _DUPLICATE_KEY)
    files = [str(p) for p in storage.table_files(data_dir, TABLE)]
    where = "" if period is None else "WHERE period = $period"
    params = {"files": files} | ({} if period is None else {"period": period})
    # the part of a scope: after the duplicates are dropped among all, as in the whole
    part = "" if not scope else "WHERE list_contains($scope, province_code) OR " + _OUTSIDE_PROVINCES
    params |= {"scope": list(scope)} if scope else {}
    with storage.shared_connection().cursor() as con:  # its own: other queries may be pending
        frame = (
            con.sql(
                f"""SELECT * FROM (
                      SELECT *, {_UNIT_KEY} AS unit_key, false AS derived FROM read_parquet($files) {where}
                      QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY rank NULLS LAST, source_file) = 1
                    ) {part}
                    ORDER BY rank NULLS LAST, source_file, {key}""",
                params=params,
            )
            .to_arrow_table()
            .to_pandas()  # dates as calendar dates
        )
    return pd.concat([frame, _derived_totals(frame)], ignore_index=True)


def _derived_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """A total for every unit and snapshot with the six groups' scores and no total."""
    heads = frame[frame["metric"].isna()]
    keys = ["unit_key", "period", "as_of"]
    has_total = heads[heads["group"] == "total"].set_index(keys).index
    parts = heads[(heads["group"] != "total") & heads["score"].notna()]
    counts = parts.groupby(keys)["group"].nunique()
    complete = counts[(counts == len(GROUPS) - 1) & ~counts.index.isin(has_total)].index
    if not len(complete):
        return frame.iloc[0:0]
    chosen = parts.set_index(keys).loc[complete].reset_index()
    sums = chosen.groupby(keys).agg(score=("score", "sum"), max_score=("max_score", "sum"))
    first = chosen.drop_duplicates(keys).set_index(keys)
    out = first.assign(score=sums["score"], max_score=sums["max_score"]).reset_index()
    return out.assign(group="total", metric=None, numerator=np.nan, denominator=np.nan, ratio=np.nan).assign(
        rank=np.nan, derived=True
    )


_OUTSIDE_PROVINCES = "unit_level NOT IN ('commune', 'department') OR province_code IS NULL"
"""Rows in every part (SQL): all but the communes' and departments' of a province."""

_FRAMES = {"rows": _index_rows, "snapshots": _snapshots, "latest": _latest}
"""How each of a period's frames is made (or read where a batch left it)."""


# ---- a period's latest snapshot -----------------------------------------------------------------


def _scope(frame: pd.DataFrame) -> pd.Series:
    """Among whom a unit is ranked: communes and departments within their province."""
    inside = frame["unit_level"].isin(["commune", "department"])
    return frame["province_code"].where(inside, "").fillna("")


def ranked(heads: pd.DataFrame) -> pd.DataFrame:
    """Group and total rows with `rank` and `of`: as published, else by the published score
    (ties share the best rank) among the units of the same level in the same snapshot."""
    heads = heads.assign(scope=_scope(heads))
    keys = [heads["period"], heads["as_of"], heads["unit_level"], heads["group"], heads["scope"]]
    published = heads["rank"].notna()
    any_published = published.groupby(keys).transform("any")
    by_score = heads["score"].groupby(keys).rank(method="min", ascending=False)
    count_scored = heads["score"].notna().groupby(keys).transform("sum")
    count_ranked = published.groupby(keys).transform("sum")
    rank = heads["rank"].where(any_published, by_score)
    of = count_ranked.where(any_published, count_scored)
    keep = rank.notna() & (of > 1)
    return heads.assign(rank=rank.where(keep), of=of.where(keep)).drop(columns="scope")


def latest(rows: pd.DataFrame, period: Period | str) -> pd.DataFrame:
    """The group and total rows of a period's latest snapshot per unit and group, ranked,
    each with `recomputed` (and `formula_note` where it cannot be) from the metrics of the
    same snapshot, and the numerator and denominator of a group of one part (progress: on
    time of received)."""
    period_rows = rows[rows["period"] == str(period)]
    heads = ranked(period_rows[period_rows["metric"].isna()])
    if heads.empty:
        return heads.assign(recomputed=pd.Series(dtype=float), formula_note=pd.Series(dtype=object))
    stamp = pd.to_datetime(heads["as_of"])  # dates as numbers: a group's max in one pass
    heads = heads[stamp == stamp.groupby([heads["unit_key"], heads["group"]]).transform("max")]
    keys = ["unit_key", "as_of", "group"]
    figures = period_rows[period_rows["metric"].notna()].merge(heads[keys], on=keys)
    empty = pd.DataFrame(columns=[*keys, "recomputed", "head_numerator", "head_denominator", "formula_note"])
    done = recompute_groups(figures, keys) if len(figures) else empty
    heads = heads.merge(done, on=keys, how="left")
    unpublished = {g["group"] for g in groups() if g["formula_source"] == "not_published"}
    heads["formula_note"] = np.select(
        [heads["group"].isin(unpublished) | (heads["group"] == "total"), heads["formula_note"].isna()],
        ["formula_not_published", "no_figures"],
        heads["formula_note"],
    )
    heads["formula_note"] = heads["formula_note"].where(heads["recomputed"].isna(), None)
    heads["numerator"] = heads["numerator"].where(heads["numerator"].notna(), heads["head_numerator"])
    heads["denominator"] = heads["denominator"].where(heads["denominator"].notna(), heads["head_denominator"])
    return heads.drop(columns=["head_numerator", "head_denominator"])


def months_covered(period: Period, as_of) -> int:
    """The months of the period a snapshot of `as_of` covers (the figure is the year, quarter
    or month to that date while the period runs)."""
    if as_of is None or pd.isna(as_of):
        return 0
    return max(0, min(period.n_months, month_index(as_of) - month_index(period.start) + 1))


# ---- rows of `p06 indicators` --------------------------------------------------------------------


OFFICIAL_COLUMNS = ["recomputed", "official_rank", "official_of", "official_note"]
"""The columns the official indicators add to a computation (missing for the others)."""


def indicator_rows(data_dir: Path | str, level: str, period: Period, units: list[str]) -> pd.DataFrame:
    """The official indicators of every unit of a level (province, commune, country) in the
    long format of `helpers.engine.compute`, with the columns of OFFICIAL_COLUMNS.

    `official_note` says why a value is missing or how it was made: `no_table` (no index
    held), `no_snapshot` (none for this period; always for a former province: the index is
    kept on the current boundaries), `derived_total`; `formula_note`-style
    reasons for `recomputed` follow after a `|`.
    """
    ids = indicator_ids()
    have = bool(storage.table_files(data_dir, TABLE))
    # the portal's index is kept on the current boundaries: a former province has none
    held = have and level != "legacy_province"
    heads = latest_of(data_dir, period, within=units) if held else pd.DataFrame()
    if len(heads):
        heads = heads[heads["unit_key"].isin(set(units))]
    columns = ["unit_key", "group", "numerator", "denominator", "score", "as_of", "recomputed", "rank", "of",
               "derived", "formula_note"]  # fmt: skip
    heads = heads[columns] if len(heads) else pd.DataFrame(columns=columns)
    heads = heads.drop_duplicates(["unit_key", "group"], keep="last")
    grid = pd.DataFrame(
        {"group": np.repeat(GROUPS, len(units)), "unit_key": np.tile(np.asarray(units, object), len(GROUPS))}
    )
    rows = grid.merge(
        heads.astype({"unit_key": object, "group": object}),
        on=["unit_key", "group"],
        how="left",
        indicator=True,
    )
    found = rows["_merge"] == "both"
    n = len(rows)
    notes = np.full(n, "no_table" if not have else "no_snapshot", dtype=object)
    hit = rows[found]
    published = zip(hit["derived"].tolist(), hit["formula_note"].tolist(), strict=True)
    notes[found.to_numpy()] = [_note(derived, formula) for derived, formula in published]
    as_of = rows["as_of"].astype(object).where(found, None).tolist()
    covered = {d: months_covered(period, d) for d in dict.fromkeys(as_of)}  # a few dates, many units
    return pd.DataFrame(  # columns from lists: the types pandas gives the records of `compute`
        {
            "unit_code": rows["unit_key"].tolist(),
            "indicator": rows["group"].map(ids).tolist(),
            "numerator": rows["numerator"].astype(float),
            "denominator": rows["denominator"].astype(float),
            "value": rows["score"].astype(float),
            "months": [period.n_months] * n,
            "months_covered": [covered[d] for d in as_of],
            "as_of": as_of,
            "absent": [""] * n,
            "partly": [""] * n,
            "recomputed": rows["recomputed"].astype(float),
            "official_rank": rows["rank"].astype(float),
            "official_of": rows["of"].astype(float),
            "official_note": notes.tolist(),
        }
    )


def _note(derived: bool, formula_note) -> str:
    parts = ["derived_total" if derived else "published"]
    if isinstance(formula_note, str):
        parts.append(formula_note)
    return "|".join(parts)
