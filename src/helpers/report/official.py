"""The official Decision 766 index in a review (DESIGN.md section 7): the sentence reviews
write ("... đạt 62,18 điểm, xếp thứ 19/34 tỉnh, thành phố (số liệu Cổng Dịch vụ công quốc gia
cập nhật ngày 30/09/2026)"), its groups beside our estimate with the difference explained
group by group, its snapshots, the departments and communes of a province ranked with their
weakest group, and the one sentence that says so where none is held.

The frames come from `helpers.engine.official_tables` (numbers a notebook names and shows);
every sentence from report_text.yml or document_text.yml, its numbers and dates written by
`helpers.core.formatting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core import reference
from helpers.core.formatting import date_words, format_value, period_words
from helpers.core.periods import parse_period
from helpers.core.text import reader_name, text
from helpers.core.units import Unit
from helpers.engine import official_tables as tables
from helpers.engine.official import GROUPS
from helpers.engine.official import periods_held as official_periods
from helpers.engine.score import group_of
from helpers.report.params import Params

LAGGING = 3
"""How many departments, and how many communes, a review names as lagging."""

LEVELS = ("department", "commune")
"""The units of a province the portal ranks, in the order a review shows them."""


def index(params: Params) -> pd.DataFrame:
    """The unit's official index for the period (`official_index`): the total and six groups
    of the latest snapshot held; empty where none is (and always for a former province: the
    index is kept on the current boundaries)."""
    return tables.official_index(params.unit or "VN", params.period, params.data_dir, params.lang)


def snapshots(params: Params) -> pd.DataFrame:
    """The unit's published scores over every snapshot of the period held (`official_trend`)."""
    return tables.official_trend(params.unit or "VN", params.period, params.data_dir)


def ranking(params: Params, level: str) -> pd.DataFrame:
    """A province's departments or communes ranked by the official total (`official_ranking`);
    empty for any other unit."""
    if params.unit is None or params.unit.level != "province":
        return pd.DataFrame(columns=tables.RANKING_COLUMNS)
    return tables.official_ranking(params.unit, params.period, params.data_dir, level, params.lang)


def beside(params: Params) -> pd.DataFrame:
    """Each group of the official index beside our estimate: its points, the published score,
    our estimate over the parts our data measures (`measured` of the points), the portal's
    score on those same parts, the difference on them (estimate − portal), and the part where
    the two differ most (its reader name and both percentages). A group our data measures
    whole is compared whole, even where the source gives its score alone (a score table).
    Where the portal publishes no formula, or our data measures no part, there is no
    difference."""
    vs = tables.official_vs_estimate(
        params.unit, params.period, params.data_dir, params.baseline, params.lang
    )
    unpublished = {
        g["group"] for g in reference.catalog()["score_766"] if g["formula_source"] == "not_published"
    }
    rows = []
    for head in vs[vs["row"] == "group"].itertuples():
        parts = vs[(vs["row"] == "part") & (vs["group"] == head.group)]
        measured = parts[parts["estimate_points"] > 0]
        both = measured[measured["official_score"].notna()]
        same = both["official_score"].sum() if len(measured) and len(both) == len(measured) else np.nan
        if pd.isna(same) and len(measured) == len(parts) and head.group not in unpublished:
            same = head.official_score  # our data measures the whole group: compare it whole
        gaps = (both["estimate_score"] - both["official_score"]).abs()
        widest = both.loc[gaps.idxmax()] if len(both) and gaps.notna().any() else None
        rows.append(
            {
                "group": head.group,
                "name": head.name,
                "points": head.points,
                "official": head.official_score,
                "estimate": head.estimate_score,
                "measured": head.estimate_points,
                "official_same": same,
                "difference": head.estimate_score - same,
                "part": None if widest is None else reader_name("part", widest["part"], params.lang),
                "part_estimate": np.nan if widest is None else widest["estimate_pct"],
                "part_official": np.nan if widest is None else widest["official_pct"],
            }
        )
    return pd.DataFrame(rows)


# ---- sentences ----------------------------------------------------------------------------------


def _unit_words(unit: Unit, lang: str) -> tuple[str, str]:
    """How the sentence names the unit (`tỉnh`, `thành phố`, `xã`, `phường`) and its peers
    (`tỉnh, thành phố`; `xã, phường trong tỉnh`)."""
    if unit.level == "country":
        return text("doc_unit_title_country", lang), ""
    if unit.level == "commune":
        kind = reference.communes().set_index("commune_code").at[unit.code, "division_type"]
        division = text(f"doc_division_{reference.slugify(kind).replace('-', '_')}", lang)
        return text("doc_official_this", lang, unit=division), text("doc_official_peers_commune", lang)
    city = reference.is_city(reference.provinces().set_index("province_code").at[unit.code, "name_vi"])
    kind = text("doc_official_city" if city else "doc_official_province", lang)
    return text("doc_official_this", lang, unit=kind), text("doc_official_peers_province", lang)


def sentence(official: pd.DataFrame, unit: Unit, lang: str) -> str | None:
    """The sentence a review writes for the official index (`doc_official_index`): total,
    rank among its peers and the snapshot's date; None where the source gives no total."""
    total = official[official["group"] == "total"]
    if total.empty or pd.isna(total["score"].iloc[0]):
        return None
    row = total.iloc[0]
    who, peers = _unit_words(unit, lang)
    ranked = pd.notna(row["rank"]) and pd.notna(row["of"]) and peers
    rank = (
        text("doc_official_rank", lang, rank=int(row["rank"]), of=int(row["of"]), peers=peers)
        if ranked
        else ""
    )
    figure = text(
        "doc_official_index",
        lang,
        unit=who,
        score=format_value(row["score"], "score", lang),
        rank=rank,
        date=date_words(row["as_of"], lang),
    )
    return text("doc_sentence", lang, figure=figure, aside="", change="")


def periods_held(params: Params) -> list[str]:
    """The periods the official index is held for, in the reader's words."""
    periods = sorted(
        {parse_period(p) for p in official_periods(params.data_dir)},
        key=lambda p: (p.start.year, -p.n_months, p.start),
    )
    return [period_words(p, params.lang) for p in periods]


def none(params: Params) -> str:
    """The one sentence a review shows where no official index is held for its unit and
    period: which periods are held, and how to load one; for a former province, that the
    index is kept on the current boundaries."""
    lang = params.lang
    if params.unit is not None and params.unit.level == "legacy_province":
        return text("official_none_legacy", lang, period=period_words(params.period, lang))
    held = periods_held(params)
    periods = text("official_held", lang, periods=", ".join(held)) if held else ""
    return text("official_none", lang, period=period_words(params.period, lang), held=periods)


def document_none(params: Params) -> str:
    """The Word report's sentence where no official index is held (without the command)."""
    figure = text("doc_official_none", params.lang, period=period_words(params.period, params.lang, "phrase"))
    return text("doc_sentence", params.lang, figure=figure, aside="", change="")


def estimate_line(indicators: pd.DataFrame, lang: str) -> str | None:
    """Our estimate beside it: `Ước tính theo cùng công thức từ dữ liệu của địa phương: 60,68
    điểm (tính trên 66/100 điểm).` (None without an estimate)."""
    row = indicators.set_index("indicator").loc["score_766"]
    if pd.isna(row["value"]):
        return None
    covered = 0 if pd.isna(row["denominator"]) else int(row["denominator"])
    covers = text("score_covers_short", lang, covered=covered)
    return text("official_estimate", lang, score=format_value(row["value"], "score", lang), covers=covers)


def gap_line(compared: pd.DataFrame, lang: str) -> str | None:
    """Where our estimate and the official index differ most, on the parts both measure:
    the group, both scores on those parts, and the part that makes the difference."""
    known = compared.dropna(subset=["difference"])
    if known.empty:
        return None
    row = known.loc[known["difference"].abs().idxmax()]
    values = {
        "group": row["name"],
        "estimate": format_value(row["estimate"], "score", lang),
        "official": format_value(row["official_same"], "score", lang),
    }
    if not isinstance(row["part"], str):  # compared whole: the source gives the group's score alone
        return text("official_gap_whole", lang, **values)
    part_estimate, part_official = (
        format_value(row[k], "pct", lang) for k in ("part_estimate", "part_official")
    )
    parts = {"part": row["part"], "part_estimate": part_estimate, "part_official": part_official}
    return text("official_gap", lang, **parts, **values)


def why(row, lang: str) -> str:
    """A group's note beside its two scores: why they cannot be compared, or the part where
    they differ most; and the points our data does not measure."""
    entry = next(g for g in reference.catalog()["score_766"] if g["group"] == row.group)
    if entry["formula_source"] == "not_published":
        return text("official_why_unpublished", lang)
    if not row.measured:
        return text("official_why_unmeasured", lang)
    notes = []
    if isinstance(row.part, str):
        notes.append(
            text(
                "official_why_part",
                lang,
                part=row.part,
                estimate=format_value(row.part_estimate, "pct", lang),
                official=format_value(row.part_official, "pct", lang),
            )
        )
    elif pd.notna(row.official) and pd.isna(row.official_same):
        notes.append(text("official_why_no_figures", lang))
    if row.measured < row.points:
        notes.append(text("official_why_partly", lang, measured=int(row.measured), points=int(row.points)))
    return "; ".join(notes)


def summary_lines(
    official: pd.DataFrame, compared: pd.DataFrame, indicators: pd.DataFrame, params: Params
) -> list[str]:
    """The paragraphs that lead the index's section: the sentence reviews write, then our
    estimate and where the two differ most."""
    lead = sentence(official, params.unit, params.lang) if params.unit is not None else None
    beside_it = [estimate_line(indicators, params.lang), gap_line(compared, params.lang)]
    return [line for line in (lead, " ".join(b for b in beside_it if b)) if line]


def all_units_line(units: pd.DataFrame, level: str, lang: str) -> str:
    """Where the whole ranking is: `Xếp hạng đủ 78 xã, phường: phụ lục Excel, trang “...”.`"""
    kind = text(f"official_kind_{level}", lang)
    return text(
        "official_all_units", lang, count=len(units), kind=kind, sheet=text("xlsx_sheet_official_units", lang)
    )


def lagging(units: pd.DataFrame, n: int = LAGGING) -> pd.DataFrame:
    """The `n` units with the lowest official total, lowest first."""
    scored = units.dropna(subset=["score"])
    return scored.sort_values(["score", "unit_name"], kind="stable").head(n)


def lagging_line(units: pd.DataFrame, level: str, lang: str) -> str | None:
    """`Các xã, phường có điểm thấp nhất: Xã A (73,61 điểm; thấp nhất ở nhóm Thanh toán trực
    tuyến: 4,22/10 điểm); ...` (None where the source lists none)."""
    low = lagging(units)
    if low.empty:
        return None
    names = "; ".join(unit_words(r, lang) for r in low.itertuples())
    return text(f"official_lagging_{level}", lang, units=names)


def unit_words(row, lang: str) -> str:
    """One ranked unit with its weakest group, as a phrase."""
    return text(
        "official_unit_weakest",
        lang,
        name=row.unit_name,
        score=format_value(row.score, "score", lang),
        group=row.weakest_name or "–",
        weakest=format_value(row.weakest_score, "score", lang),
        points=format_value(row.weakest_points, "count", lang),
    )


# ---- the frames a review shows ----------------------------------------------------------------


def groups(
    official: pd.DataFrame, compared: pd.DataFrame, indicators: pd.DataFrame, lang: str
) -> pd.DataFrame:
    """The total and each group: points, the published score, its rank and peers, our
    estimate and the points it measures, the portal's score on those parts, the difference,
    and the note that explains it (`why`)."""
    published = official.set_index("group")
    mine = indicators.set_index("indicator")
    total = {
        "group": "total",
        "name": text("official_total", lang),
        "points": 100.0,
        "estimate": mine.at["score_766", "value"],
        "measured": mine.at["score_766", "denominator"],
        "official_same": np.nan,
        "difference": np.nan,
        "why": "",
    }
    rows = [total] + [
        {
            **{
                k: getattr(r, k)
                for k in ("group", "name", "points", "estimate", "measured", "official_same", "difference")
            },
            "why": why(r, lang),
        }  # fmt: skip
        for r in compared.itertuples()
    ]
    out = pd.DataFrame(rows)
    out["official"] = out["group"].map(published["score"]) if len(published) else np.nan
    out["rank"] = out["group"].map(published["rank"]) if len(published) else pd.NA
    out["of"] = out["group"].map(published["of"]) if len(published) else pd.NA
    return out[["group", "name", "points", "official", "rank", "of", "estimate", "measured", "official_same",
                "difference", "why"]]  # fmt: skip


def snapshot_shares(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The trend chart's frame: one row per group (the total first, by its reader's name with
    its points), one column per snapshot compared (the latest, then the earliest held, by
    date: the change over the snapshots at a size that prints), each score as a share of its
    points (the total's points are 100)."""
    ordered = frame.sort_values("as_of", ascending=False)
    recent = ordered.iloc[[0, -1]] if len(ordered) > 1 else ordered
    rows = {}
    for group in GROUPS:
        points = 100.0 if group == "total" else float(group_of(group)["points"])
        name = text("official_total", lang) if group == "total" else group_of(group)[f"name_{lang}"]
        label = text("official_group_points", lang, name=name, points=format_value(points, "count", lang))
        rows[label] = {
            date_words(d, lang): 100.0 * v / points
            for d, v in zip(recent["as_of"], recent[group], strict=True)
        }
    return pd.DataFrame(rows).T


# ---- for the filed documents ---------------------------------------------------------------------


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value.item() if hasattr(value, "item") else value


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [{c: _plain(row[c]) for c in columns} for _, row in frame.iterrows()]


UNIT_FIELDS = ["level", "portal_code", "unit_name", "score", "rank", "of", "weakest_name", "weakest_score",
               "weakest_points", "as_of"]  # fmt: skip
"""The fields of a ranked department or commune in the documents."""


def document_part(
    params: Params,
    official: pd.DataFrame,
    compared: pd.DataFrame | None,
    trend: pd.DataFrame,
    units: dict[str, pd.DataFrame],
) -> dict:
    """The official index as the Word report and the Excel appendix take it, plain JSON:
    the sentence reviews write (or the one saying none is held), the total and groups with
    our estimate beside them, each metric the source gives, every snapshot, and the
    departments and communes ranked. `compared` is `beside(params)` (None where no index)."""
    lang = params.lang
    held = not official.empty
    out = {
        "held": held,
        "sentence": sentence(official, params.unit, lang) if held else document_none(params),
        "groups": [],
        "metrics": [],
        "snapshots": _records(trend, list(trend.columns)),
        "units": [],
    }
    if not held:
        return out
    estimate = compared.set_index("group") if compared is not None and len(compared) else pd.DataFrame()
    for row in official.itertuples():
        mine = estimate.loc[row.group] if row.group in estimate.index else None
        out["groups"].append(
            {
                "code": row.code if isinstance(row.code, str) else None,
                "name": row.name,
                "points": _plain(row.max_score),
                "score": _plain(row.score),
                "numerator": _plain(row.numerator),
                "denominator": _plain(row.denominator),
                "recomputed": _plain(row.recomputed),
                "rank": _plain(row.rank),
                "of": _plain(row.of),
                "as_of": _plain(row.as_of),
                "estimate": None if mine is None else _plain(mine["estimate"]),
                "note": row.note if isinstance(row.note, str) else None,
            }
        )
    out["metrics"] = metrics(params)
    for level in LEVELS:
        frame = units.get(level)
        if frame is not None and len(frame):
            shown = frame.assign(level=text(f"official_kind_{level}", lang))
            out["units"] += _records(shown, UNIT_FIELDS)
    return out


def metrics(params: Params) -> list[dict]:
    """Each metric of the latest snapshot the source gives, with its group, as published and
    recomputed, and our estimate of the same part."""
    vs = tables.official_vs_estimate(
        params.unit, params.period, params.data_dir, params.baseline, params.lang
    )
    parts = vs[(vs["row"] == "part") & vs["metric"].notna() & vs["official_pct"].notna()]
    return [
        {
            "group": r.name,
            "code": r.metric,
            "name": reader_name("part", r.part, params.lang),
            "points": _plain(r.points),
            "score": _plain(r.official_score),
            "numerator": _plain(r.numerator),
            "denominator": _plain(r.denominator),
            "ratio": _plain(r.official_pct),
            "recomputed": _plain(r.official_recomputed),
            "estimate": _plain(r.estimate_score),
        }
        for r in parts.itertuples()
    ]
