"""The official Decision 766 index in the engine: `p06 indicators` (value as published from
the latest snapshot, rank and peers as published or by the published score with ties, the
snapshot's date, numerators, `recomputed` within 0.015 points of the published score for
every group whose formula is known), the functions a review calls (`official_index`,
`official_trend`, `official_ranking`, `official_vs_estimate`), and our estimate scored the
portal's way on a hand-made dossier fixture worked out here."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from portal_fixtures import (
    DEPARTMENT,
    NOWHERE,
    national,
    progress,
    write,
    write_commune_csv,
    write_province,
    write_score_xlsx,
)
from test_indicators import write_frame

from helpers.cli import main
from helpers.core.text import text
from helpers.data.ingest import ingest
from helpers.data.validation import validate
from helpers.engine.indicators import review
from helpers.engine.mart import build_mart
from helpers.engine.official import index_rows, latest
from helpers.engine.official_tables import (
    official_index,
    official_ranking,
    official_trend,
    official_vs_estimate,
)


def approx(x):
    return pytest.approx(x, abs=1e-9)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """Phú Thọ's six responses of 2026 as of 31 October, its progress as of 30 September, the
    national summary of 2026, the national score table and Phú Thọ's commune table of
    2026-Q3: the mart built over them (no dossiers at all)."""
    tmp = tmp_path_factory.mktemp("official")
    data = tmp / "data"
    ingest(write_province(tmp / "october"), "index_766", data, period="2026", as_of="2026-10-31")
    ingest([write(tmp / "national.json", national())], "index_766", data, period="2026", as_of="2026-10-31")
    earlier = write(tmp / "september" / "progress.json", progress(1600, 360))
    ingest([earlier], "index_766", data, period="2026", as_of="2026-09-30")
    ingest([write_score_xlsx(tmp / "q3.xlsx")], "index_766", data, period="2026-Q3", as_of="2026-10-05")
    ingest([write_commune_csv(tmp / "q3.csv")], "index_766", data, period="2026-Q3", as_of="2026-10-05")
    build_mart(data)
    return data


def _official(data, unit, period, level="province", lang="en"):
    table = review(unit, period, data_dir=data, level=level, lang=lang)
    return table[table["indicator"].str.startswith("index_766")].set_index(["unit", "indicator"])


def test_value_is_the_published_score_of_the_latest_snapshot(portal):
    r = _official(portal, "25", "2026").loc["25"]
    assert r.at["index_766", "value"] == 69.77  # the national summary's total
    assert r.at["index_766_progress", "value"] == 18.0  # 31 October, not 16.00 of 30 September
    assert str(r.at["index_766_progress", "as_of"]) == "2026-10-31"
    # the progress group's numerator and denominator, from the portal's own fields
    assert (r.at["index_766_progress", "numerator"], r.at["index_766_progress", "denominator"]) == (
        1800,
        2000,
    )
    assert r.at["index_766_progress", "months"] == 12 and r.at["index_766_progress", "months_covered"] == 10
    assert (
        r.at["index_766_progress", "note"]
        == "as published by the National Public Service Portal, snapshot of 31/10/2026"
    )
    # a quarter: the score table's figures
    q3 = _official(portal, "25", "2026-Q3").loc["25"]
    assert q3.at["index_766", "value"] == 65.5 and q3.at["index_766_satisfaction", "value"] == 15.0
    assert "the source gives no numerators" in q3.at["index_766_progress", "note"]
    assert math.isnan(q3.at["index_766_progress", "recomputed"])


def test_recomputed_reproduces_every_published_group_whose_formula_is_known(portal):
    heads = latest(index_rows(portal), "2026")
    groups = heads[heads["group"] != "total"]
    known = groups[groups["group"] != "online"]
    # every unit of Phú Thọ's responses: transparency 5 (the province, the department, three
    # communes), progress 6 (and the unmatched commune), payment 4, digitisation 3, satisfaction 3
    assert len(known[known["recomputed"].notna()]) == 5 + 6 + 4 + 3 + 3
    both = known.dropna(subset=["recomputed"])
    assert (both["recomputed"] - both["score"]).abs().max() <= 0.015
    # the groups of the national summary give no figures: not recomputed, and said so
    assert set(known.loc[known["recomputed"].isna(), "formula_note"]) == {"no_figures"}
    online = groups[groups["group"] == "online"]
    assert online["recomputed"].isna().all() and set(online["formula_note"]) == {"formula_not_published"}
    r = _official(portal, "25", "2026").loc["25"]
    assert r.at["index_766_online", "note"].endswith("; recomputed: formula not published")
    vi = _official(portal, "25", "2026", lang="vi").loc["25"]
    assert vi.at["index_766_online", "note"].endswith(text("note_formula_not_published", "vi"))
    assert r.at["index_766_satisfaction", "recomputed"] == approx(5 + 5.4 + 6)  # 16.40 published
    assert r.at["index_766_payment", "recomputed"] == approx(6 * 0.9 + 2.5 * 0.3 + 2.5 * 0.2)  # 6.65


def test_ranks_as_published_or_by_score_with_ties(portal):
    year = _official(portal, "25", "2026")
    totals = {
        u: review(u, "2026", data_dir=portal).set_index("indicator").loc["index_766", ["rank", "of"]]
        for u in ("46", "25", "66", "24")
    }
    # the national summary gives no rank: by score, Huế 72.00, Phú Thọ and Đắk Lắk 69.77 (both
    # 2nd), Bắc Ninh 60.00 (4th), of the four provinces it lists
    assert {u: (int(t["rank"]), int(t["of"])) for u, t in totals.items()} == {
        "46": (1, 4),
        "25": (2, 4),
        "66": (2, 4),
        "24": (4, 4),
    }
    assert (year.loc[("25", "index_766_progress"), "rank"], year.loc[("25", "index_766_progress"), "of"]) == (
        1,
        4,
    )
    # the quarter's table publishes its ranks: Hà Nội and Phú Thọ both 2nd
    q3 = _official(portal, "01", "2026-Q3")
    assert (q3.loc[("01", "index_766"), "rank"], q3.loc[("01", "index_766"), "of"]) == (2, 4)
    # a province with no figure has none, and says why
    none = _official(portal, "08", "2026").loc["08"]
    assert pd.isna(none.at["index_766", "value"]) and pd.isna(none.at["index_766", "rank"])
    assert none.at["index_766", "note"] == "no figure the portal published for this period is held"


def test_communes_are_ranked_among_the_communes_of_their_province(portal):
    com = _official(portal, "25", "2026", level="commune")
    progress_ranks = {
        u: (com.loc[(u, "index_766_progress"), "rank"], com.loc[(u, "index_766_progress"), "of"])
        for u in ("07900", "08494", "07894")
    }
    # 19.00, 18.00, 16.00 and the unmatched commune's 13.33: four communes listed
    assert progress_ranks == {"07900": (1, 4), "08494": (2, 4), "07894": (3, 4)}
    # transparency: Việt Trì and Nông Trang tie at 10.96 (both 1st), Lâm Thao 10.76
    assert (
        com.loc[("07894", "index_766_transparency"), "rank"]
        == com.loc[("07900", "index_766_transparency"), "rank"]
        == 1
    )
    # the total of a commune is the sum of the six groups of one snapshot
    assert com.loc[("07900", "index_766"), "value"] == approx(10.96 + 19 + 6.48 + 5.86 + 9.15 + 18)
    assert "the sum of the six groups" in com.loc[("07900", "index_766"), "note"]
    q3 = _official(portal, "25", "2026-Q3", level="commune")  # ties kept: 70.00 and 70.00
    assert [
        (q3.loc[(u, "index_766"), "rank"], q3.loc[(u, "index_766"), "of"])
        for u in ("07900", "08494", "07894")
    ] == [(1, 3), (1, 3), (3, 3)]


def test_official_index_of_a_unit(portal):
    table = official_index("25", "2026", portal, lang="en").set_index("group")
    assert list(table.index) == [
        "total",
        "transparency",
        "progress",
        "online",
        "payment",
        "digitisation",
        "satisfaction",
    ]
    assert table.at["total", "score"] == 69.77 and (table.at["total", "rank"], table.at["total", "of"]) == (
        2,
        4,
    )
    assert table.at["progress", "code"] == "TDGQ" and table.at["progress", "max_score"] == 20
    assert (table.at["progress", "numerator"], table.at["progress", "denominator"]) == (1800, 2000)
    assert table.at["online", "note"] == "recomputed: formula not published"
    assert table.at["payment", "formula_source"].startswith("derived from the portal's own figures")
    assert official_index("08", "2026", portal).empty


def test_trend_over_the_snapshots_held(portal):
    trend = official_trend("25", "2026", portal).set_index("as_of")
    assert [str(d) for d in trend.index] == ["2026-09-30", "2026-10-31"]
    assert trend["progress"].tolist() == [16.0, 18.0]
    assert pd.isna(trend.iloc[0]["total"]) and trend.iloc[1]["total"] == 69.77
    assert (trend.iloc[1]["rank"], trend.iloc[1]["of"]) == (2, 4)
    commune = official_trend("07900", "2026", portal).set_index("as_of")
    assert commune["progress"].tolist() == [18.0, 19.0]  # 20 × 360/400, then 20 × 380/400


def test_ranking_of_the_communes_and_departments_of_a_province(portal):
    ranking = official_ranking("25", "2026", portal, lang="en")
    assert ranking["unit"].tolist() == ["07900", "08494", "07894", "H44.199"]
    top = ranking.iloc[0]
    assert (top["unit_name"], top["score"], top["rank"], top["of"]) == ("Viet Tri Ward", approx(69.45), 1, 2)
    # its weakest group, as a share of the group's points: digitisation 9.15 of 22
    assert (top["weakest_group"], top["weakest_score"], top["weakest_points"]) == ("digitisation", 9.15, 22)
    assert ranking.iloc[1]["weakest_name"] == "Online payment"  # Lâm Thao: 0 of 10
    last = ranking.iloc[3]
    assert (last["unit_name"], bool(last["matched"]), last["portal_code"]) == (NOWHERE, False, "H44.199")
    assert pd.isna(last["score"])  # only its progress is published
    departments = official_ranking("25", "2026", portal, level="department", lang="en")
    assert departments[["unit", "unit_name"]].values.tolist() == [["H44.07", DEPARTMENT]]


def test_a_batch_leaves_the_periods_frames_for_its_reports(portal, tmp_path):
    """`p06 build` computes a period's rows, snapshots and latest snapshot once and leaves them
    beside the mart; a report's process reads them instead of computing them again, and
    answers the same (the hand-worked figures of the tests above)."""
    import shutil

    from helpers.core.periods import parse_period
    from helpers.engine import official

    data = tmp_path / "data"
    shutil.copytree(portal, data)
    official.share_official(data, [parse_period("2026"), parse_period("2026-Q3")])
    left = sorted(p.name.split("-")[1] for p in (data / "mart" / "shared").glob("official-*.feather"))
    assert left == ["latest", "latest", "rows", "rows", "snapshots", "snapshots"]
    for cached in (official._latest, official._snapshots, official._index_rows):
        cached.cache_clear()  # as in a worker process: nothing computed yet
    stats = official.table_stats(data)
    assert official._shared(str(data), stats, "2026", "latest", ()) is not None
    table = official_index("25", "2026", data, lang="en").set_index("group")
    assert (table.at["total", "score"], table.at["total", "rank"], table.at["total", "of"]) == (69.77, 2, 4)
    assert (table.at["progress", "numerator"], table.at["progress", "denominator"]) == (1800, 2000)
    assert [str(d) for d in official_trend("25", "2026", data)["as_of"]] == ["2026-09-30", "2026-10-31"]
    ranking = official_ranking("25", "2026", data, lang="en")
    assert ranking["unit"].tolist() == ["07900", "08494", "07894", "H44.199"]
    assert (ranking.iloc[0]["weakest_group"], ranking.iloc[0]["weakest_score"]) == ("digitisation", 9.15)
    assert official._shared(str(data), stats, "2025", "latest", ()) is None  # a period not left


def test_a_batch_for_some_provinces_leaves_their_part_and_answers_the_same(portal, tmp_path):
    """A batch about Phú Thọ's communes (or another province's) leaves the frames of every
    province and of the communes and departments of its provinces only; its processes
    answer from them what they answer from the whole, and read the whole for the rest."""
    import shutil

    from helpers.core.periods import parse_period
    from helpers.engine import official

    data = tmp_path / "data"
    shutil.copytree(portal, data)
    whole = official_ranking("25", "2026", data, lang="en")
    official.share_official(data, [parse_period("2026")], ("01",))  # communes of another province
    stats = official.table_stats(data)
    part = official._shared(str(data), stats, "2026", "latest", ("01",))
    assert set(part["unit_level"]) == {"province", "country"}  # no commune of 25 in it
    assert official_index("25", "2026", data, lang="en").set_index("group").at["total", "rank"] == 2
    assert official_ranking("25", "2026", data, lang="en").equals(whole)  # read from the whole
    official.share_official(data, [parse_period("2026")], ("25",))
    part = official._shared(str(data), stats, "2026", "latest", ("25",))
    assert set(part.loc[part["unit_level"] == "commune", "province_code"]) == {"25"}
    assert official_ranking("25", "2026", data, lang="en").equals(whole)  # read from the part
    assert official._HELD[(str(data), stats, "2026")] == ("25",)


def test_p06_indicators_carries_recomputed(portal, capsys):
    args = ["indicators", "--unit", "25", "--period", "2026", "--format", "json", "--lang", "en"]
    assert main([*args, "--data-dir", str(portal)]) == 0
    rows = {r["indicator"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["index_766_progress"]["recomputed"] == approx(18.0)
    assert rows["index_766_progress"]["rank"] == 1 and rows["index_766"]["rank"] == 2
    assert rows["index_766_online"]["recomputed"] is None
    assert rows["dossiers_received"]["recomputed"] is None  # not an official figure


# ---- our estimate, scored the portal's way, on a hand-made dossier fixture --------------------------

V, L = "07900", "08494"  # Phường Việt Trì, Xã Lâm Thao (Phú Thọ, 25)


def _dossier(
    i,
    commune,
    received,
    due,
    finished,
    channel,
    synced=True,
    fee=False,
    paid=False,
    digitised=False,
    e_result=False,
    rating=None,
):
    return {
        "dossier_id": f"d{i}",
        "province_code": "25",
        "legacy_province_code": None,
        "commune_code": commune,
        "agency_level": "commune",
        "procedure_code": "p1",
        "received_on": received,
        "channel": channel,
        "full_online": channel == "online",
        "due_on": due,
        "finished_on": finished,
        "synced": synced,
        "fee_required": fee,
        "paid_online": paid,
        "digitised": digitised,
        "e_result": e_result,
        "rating": rating,
    }


# 2026-Q3: July to September, its end 30 September
DOSSIERS = [
    _dossier(
        1,
        V,
        "2026-07-01",
        "2026-07-10",
        "2026-07-05",
        "online",
        fee=True,
        paid=True,
        digitised=True,
        e_result=True,
        rating="satisfied",
    ),  # on time
    _dossier(
        2,
        V,
        "2026-07-15",
        "2026-07-20",
        "2026-07-25",
        "in_person",
        fee=True,
        e_result=True,
        rating="dissatisfied",
    ),  # finished late: overdue
    _dossier(3, L, "2026-08-10", "2026-08-20", None, "online", digitised=True),  # pending past due: overdue
    _dossier(
        4, L, "2026-09-25", "2026-10-05", None, "online", synced=False, fee=True, paid=True, digitised=True
    ),  # pending, not yet due at the end: on time
    _dossier(
        5, V, "2026-09-28", "2026-10-02", "2026-10-10", "in_person"
    ),  # late after the end, on time at it
    _dossier(
        6,
        V,
        "2026-08-01",
        "2026-08-15",
        "2026-08-14",
        "online",
        fee=True,
        paid=True,
        e_result=True,
        rating="satisfied",
    ),
    _dossier(
        7, V, "2026-06-20", "2026-07-05", "2026-07-03", "in_person", e_result=True, rating="neutral"
    ),  # received before the period, finished in it
    _dossier(
        8,
        L,
        "2026-09-05",
        "2026-09-10",
        "2026-09-09",
        "in_person",
        digitised=True,
        e_result=True,
        rating="satisfied",
    ),
]
PROCEDURES = [
    {
        "month": "2026-09-01",
        "province_code": "25",
        "legacy_province_code": None,
        "procedure_code": code,
        "published": published,
        "online_level": level,
        "fee_required": False,
        "essential": False,
    }
    for code, published, level in [
        ("p1", True, "full"),
        ("p2", True, "partial"),
        ("p3", False, "none"),
        ("p4", True, "full"),
    ]
]


def _frame(rows, dates):
    frame = pd.DataFrame(rows)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ms]")
    frame.index += 1
    return frame


@pytest.fixture(scope="module")
def estimate(tmp_path_factory):
    """The dossiers and procedures above, and the portal's progress of Phú Thọ in 2026-Q3
    (20 × 1600/2000 = 16.00)."""
    tmp = tmp_path_factory.mktemp("estimate")
    data = tmp / "data"
    for table, rows, dates in [
        ("dossiers", DOSSIERS, ["received_on", "due_on", "finished_on"]),
        ("procedures", PROCEDURES, ["month"]),
    ]:
        frame = _frame(rows, dates)
        validate(table, frame)
        write_frame(frame, data, table, "fixture")
    ingest(
        [write(tmp / "progress.json", progress(1600, 360))],
        "index_766",
        data,
        period="2026-Q3",
        as_of="2026-10-05",
    )
    build_mart(data)
    return data


# received in the period: d1 d2 d3 d4 d5 d6 d8 (7); finished in it: d1 d2 d6 d7 d8 (5)
PARTS = {
    "published_on_time": 6 * 3 / 4,  # p1 p2 p4 published of 4 procedures in September
    "dossiers_synced": 6 * 6 / 7,  # all but d4
    "received_on_time": 20 * 5 / 7,  # overdue at 30 September: d2 (late) and d3 (pending past due)
    "procedures_online": min(6, 6 * (3 / 4) / 0.8),  # p1 p2 p4 online, full marks at 80%
    "dossiers_online": min(6, 6 * (4 / 7) / 0.5),  # d1 d3 d4 d6, full marks at 50%
    "paid_online": 6 * 3 / 4,  # d1 d4 d6 paid of d1 d2 d4 d6 with a fee
    "e_result": 6 * 5 / 5,  # every dossier finished in the period
    "digitised": 4 * 4 / 7,  # d1 d3 d4 d8
    "satisfied": min(6, 6 * (3 / 5) / 0.9),  # d1 d6 d8 of the five rated, full marks at 90%
}


def test_our_estimate_scored_the_portals_way_by_hand(estimate):
    r = review("25", "2026-Q3", data_dir=estimate, lang="en").set_index("indicator")
    assert (
        r.at["dossiers_received_on_time_pct", "numerator"],
        r.at["dossiers_received_on_time_pct", "denominator"],
    ) == (5, 7)
    assert r.at["score_766", "value"] == approx(sum(PARTS.values())) == approx(52.339285714285715)
    assert r.at["score_766", "denominator"] == 6 + 6 + 20 + 6 + 6 + 6 + 6 + 4 + 6
    note = r.at["score_766", "note"]
    for part in (  # the parts the dossiers cannot measure, stated by their reader names
        "Procedures with online payment",
        "Fee-charging procedures with dossiers",
        "Digitised data reused",
        "Petitions settled on time",
    ):
        assert part in note


def test_estimate_beside_the_official_index_by_group_and_part(estimate):
    table = official_vs_estimate("25", "2026-Q3", estimate, lang="en")
    parts = table[table["row"] == "part"].set_index("part")
    for part, points in PARTS.items():
        assert parts.at[part, "estimate_score"] == approx(points), part
    groups = table[table["row"] == "group"].set_index("group")
    # progress: the portal's 16.00 (1600 of 2000 on time) against our 20 × 5/7 = 14.29
    assert groups.at["progress", "official_score"] == 16.0
    assert groups.at["progress", "estimate_score"] == approx(20 * 5 / 7)
    assert groups.at["progress", "difference"] == approx(20 * 5 / 7 - 16.0)
    assert parts.at["received_on_time", "official_pct"] == approx(80.0)
    assert parts.at["received_on_time", "estimate_pct"] == approx(100 * 5 / 7)
    assert parts.at["received_on_time", "metric"] == "ON_TIME"
    # the groups the snapshot does not give have no official score; the online group says why
    assert pd.isna(groups.at["transparency", "official_score"])
    assert "formula not published" in parts.at["procedures_online", "why"]
    assert groups.at["online", "estimate_score"] == approx(
        PARTS["procedures_online"] + PARTS["dossiers_online"]
    )
    assert groups.at["online", "estimate_points"] == 12
    assert groups.at["payment", "estimate_points"] == 6  # B and C not measurable from dossiers
