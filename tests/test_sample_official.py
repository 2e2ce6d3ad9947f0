"""The sample's official Decision 766 index: units named and coded as the portal names them,
the portal's counts of a hand-made month of dossiers worked out here, the catalog's part
formula on small numbers, and, on the small sample, every snapshot held, totals the sum of
their groups, denominators that are the sample's own dossier counts (read with plain DuckDB
SQL) and every group whose formula is known recomputed by the engine within 0.015 points."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from helpers.data import storage
from helpers.data.sample import Generator
from helpers.data.sample.official import METRICS, SNAPSHOTS, _points
from helpers.data.sample.portal_units import DRAWS, units_of
from helpers.data.sample.tally import Tally
from helpers.engine.official import index_rows, latest


@pytest.fixture(scope="module")
def quang_tri():
    """The plan of a sample of legacy Quảng Trị (45) alone: part of today's Quảng Trị (44)."""
    return Generator(legacy_codes=["45"])


def test_units_are_named_and_coded_as_the_portal_does(quang_tri):
    units = units_of(quang_tri)
    listed = {
        code: (level, name) for level, code, name in zip(units.level, units.code, units.name, strict=True)
    }
    assert listed["H44"] == ("province", "UBND tỉnh Quảng Trị")
    assert listed["H44.01"] == ("department", "Sở Tư pháp - Tỉnh Quảng Trị")
    assert listed["H44.08"] == ("department", "Sở Giáo dục và Đào tạo - Tỉnh Quảng Trị")
    # communes numbered from 100 among all 78 communes of Quảng Trị by code, whichever the
    # sample holds: 18859 (legacy Quảng Bình) is H44.100, so Đông Hà (19333) is the 42nd
    assert listed["H44.141"] == ("commune", "UBND Phường Đông Hà - Tỉnh Quảng Trị")
    assert listed["H44.156"] == ("commune", "UBND xã Gio Linh - Tỉnh Quảng Trị")
    assert units.name[-1] == "Cả nước" and units.level[-1] == "country"
    assert (units.level == "department").sum() == 8 and (units.level == "province").sum() == 1
    # one draw for performance, one per metric, one for procedures and one for petitions
    assert units.draws.shape[1] == DRAWS >= 1 + len(METRICS) + 2


def _month_of_dossiers(gen: Generator) -> pa.Table:
    """Four dossiers received in March 2025 (worked out in the test below)."""
    a, b = "19333", "19351"  # Đông Hà, Nam Đông Hà
    first_procedure = str(gen.catalogue.codes[0])  # shared to the first department
    day = date.fromisoformat
    return pa.table(
        {
            "commune_code": [a, a, b, b],
            "province_code": ["44"] * 4,
            "agency_level": ["commune", "province", "commune", "commune"],
            "procedure_code": [
                str(gen.catalogue.codes[3]),
                first_procedure,
                first_procedure,
                first_procedure,
            ],
            "channel": ["online", "in_person", "in_person", "postal"],
            "synced": [True, False, True, True],
            "fee_required": [True, True, False, False],
            "paid_online": [True, False, False, False],
            "digitised": [True, False, False, True],
            "e_result": [True, False, False, False],
            "rating": ["satisfied", "neutral", None, None],
            "finished_on": pa.array([day("2025-03-10"), day("2025-04-20"), None, None], pa.date32()),
            "due_on": pa.array([day("2025-03-15"), day("2025-03-31"), day("2025-05-02"), None], pa.date32()),
        }
    )


def test_tally_counts_a_hand_made_month(quang_tri):
    """Đông Hà: two received (one synced, one online, two with a fee, one paid online, one
    digitised); one finished in March on time (electronic result, satisfied), one finished
    on 20 April after its due date of 31 March (rated, not satisfied), so overdue from 1 April.
    Nam Đông Hà: two received, one pending past its due date of 2 May (overdue from 3 May),
    one pending without a due date (never overdue). The province's own dossier (the second)
    is the first department's too."""
    tally = Tally(quang_tri)
    march = quang_tri.months.index(date(2025, 3, 1))
    tally.add(_month_of_dossiers(quang_tri), march)
    communes = list(tally.communes.to_pylist())
    a, b = communes.index("19333"), communes.index("19351")
    department = len(communes)  # the first department of the first (only) province
    in_march = tally.window(march, march)
    assert [in_march[k][a] for k in ("received", "synced", "online", "fee", "paid", "digitised")] == [
        2, 1, 1, 2, 1, 1,
    ]  # fmt: skip
    assert [in_march[k][a] for k in ("finished", "e_result", "rated", "satisfied")] == [1, 1, 1, 1]
    assert in_march["on_time"][a] == 2  # the late one is not overdue before April
    to_april = tally.window(march, march + 1)
    assert [to_april[k][a] for k in ("finished", "rated", "satisfied", "on_time")] == [2, 2, 1, 1]
    assert tally.window(march, march + 1)["on_time"][b] == 2  # due on 2 May: not overdue in April
    assert tally.window(march, march + 2)["on_time"][b] == 1
    assert [to_april[k][department] for k in ("received", "finished", "on_time")] == [1, 1, 0]
    assert sum(v.sum() for v in in_march.values()) == (2 + 1 + 1 + 2 + 1 + 1 + 1 + 1 + 1 + 1 + 2) + (
        2 + 1 + 1 + 0 + 0 + 1 + 0 + 0 + 0 + 0 + 2
    ) + (1 + 0 + 0 + 1 + 0 + 0 + 0 + 0 + 0 + 0 + 1)  # Đông Hà, Nam Đông Hà, the department


def test_part_points_by_the_catalog_formula():
    num, den = np.array([81.0, 0.0, 95.0]), np.array([100.0, 0.0, 100.0])
    # satisfaction of dossiers: min(6, 6 × 81% ÷ 90%) = 5.40; nothing rated: 0 (`empty`); capped at 6
    assert _points("DOSSIER_RECEIVING_SATISFACTION", num, den).tolist() == pytest.approx([5.4, 0.0, 6.0])
    # procedures with fee dossiers: 2 × 40% ÷ 80% = 1.00; 90% is past the threshold: 2
    fee = _points("FEE_PROCEDURES_WITH_DOSSIERS", np.array([40.0, 90.0]), np.array([100.0, 100.0]))
    assert fee.tolist() == [1.0, 2.0]
    # petitions settled on time: none received is full marks (6)
    assert _points("PETITION_PROCESSING_ON_TIME", np.array([0.0]), np.array([0.0])).tolist() == [6.0]
    # procedures published on time: nothing to publish has no score
    assert np.isnan(_points("PUBLISH_ON_TIME", np.array([0.0]), np.array([0.0]))[0])


@pytest.fixture(scope="module")
def index(small_sample):
    data_dir, _ = small_sample
    return data_dir, index_rows(data_dir)


def test_every_snapshot_is_held_for_every_unit(index):
    _, rows = index
    heads = rows[rows["metric"].isna() & ~rows["derived"]]
    held = heads.groupby("period")["as_of"].agg(lambda s: sorted({str(d) for d in s})).to_dict()
    assert held == {period: sorted(days) for period, days in SNAPSHOTS.items()}
    # two provinces, eight departments each, every commune of both, and the country
    counts = heads[heads["group"] == "total"].groupby(["period", "as_of"])["unit_level"].value_counts()
    communes = 78 + 168  # Quảng Trị and Hồ Chí Minh City
    assert set(counts.unstack().itertuples(index=False, name=None)) == {(communes, 1, 16, 2)}


def test_totals_are_the_sum_of_the_groups_and_groups_within_their_points(index):
    _, rows = index
    heads = rows[rows["metric"].isna() & ~rows["derived"]]
    wide = heads.pivot_table(index=["unit_key", "period", "as_of"], columns="group", values="score")
    groups = ["transparency", "progress", "online", "payment", "digitisation", "satisfaction"]
    assert (wide[groups].sum(axis=1) - wide["total"]).abs().max() < 1e-9
    points = {
        "transparency": 18,
        "progress": 20,
        "online": 12,
        "payment": 10,
        "digitisation": 22,
        "satisfaction": 18,
    }
    for group, most in points.items():
        assert wide[group].between(0, most).all(), group


def test_recomputed_within_0015_of_every_group_whose_formula_is_known(index):
    _, rows = index
    for period in SNAPSHOTS:
        heads = latest(rows, period)
        known = heads[~heads["group"].isin(["online", "total"])]
        # provinces and departments give their metrics in every snapshot, communes in a year's
        with_metrics = (
            ["province", "department", "commune"] if len(period) == 4 else ["province", "department"]
        )
        assert known.loc[known["unit_level"].isin(with_metrics), "recomputed"].notna().all(), period
        assert (known["recomputed"] - known["score"]).abs().max() <= 0.015, period


def test_denominators_are_the_sample_s_own_dossiers(index):
    """The portal's received dossiers of Quảng Trị in 2025 and of Đông Hà in 2026-Q3, counted
    independently from the sample's dossier files; the portal's synchronised and on-time
    counts differ from the province's own by its offsets, a few points."""
    data_dir, rows = index
    files = str(storage.table_dir(data_dir, "dossiers") / "*.parquet")

    def ours(where: str) -> tuple[int, int]:
        return duckdb.sql(
            f"select count(*), count(*) filter (where synced) from '{files}' where {where}"
        ).fetchall()[0]

    def portal(unit: str, period: str, metric: str):
        heads = rows[(rows["unit_key"] == unit) & (rows["period"] == period) & (rows["metric"] == metric)]
        last = heads[heads["as_of"] == heads["as_of"].max()].iloc[0]
        return last["numerator"], last["denominator"]

    received, synced = ours("province_code = '44' and year(received_on) = 2025")
    num, den = portal("44", "2025", "DOSSIER_SYNC")
    assert den == received and abs(num / den - synced / received) < 0.25
    assert portal("44", "2025", "ON_TIME")[1] == received
    year = "commune_code = '19333' and received_on between '2026-01-01' and '2026-10-31'"
    assert portal("19333", "2026", "DOSSIER_SYNC")[1] == ours(year)[0] > 0
    # a quarter's snapshots give communes' scores, not their metrics
    assert rows[(rows["unit_key"] == "19333") & (rows["period"] == "2026-Q3")]["metric"].isna().all()
