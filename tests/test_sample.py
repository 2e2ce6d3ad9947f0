"""The synthetic sample: deterministic, complete, valid, and the seed review's figures.

The seed figures are read from the Parquet files with plain DuckDB SQL, independently of
any indicator code.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from helpers.cli import main
from helpers.core import reference
from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.sample import Generator, write_sample
from helpers.data.sample.clock import FULL_SAMPLE_MONTHS, PROJECT_START, clock
from helpers.data.sample.generator import national_population_thousand
from helpers.data.sample.identification import STATISTICS_MONTH
from helpers.data.sample.seed_review import ONLINE_GRAIN, ONLINE_PCT_BASELINE, ONLINE_PCT_WINDOW, SeedReview
from helpers.data.sample.tasks import vocabulary
from helpers.data.schema import EXPORT_TABLES, TABLE_NAMES
from helpers.data.validation import find_problems


def _glob(data_dir, table):
    return str(storage.table_dir(data_dir, table) / "*.parquet")


def _one(sql: str):
    return duckdb.sql(sql).fetchall()[0]


def _digest(data_dir) -> dict[str, str]:
    root = storage.processed_dir(data_dir)
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_arguments_same_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_sample(a, scale=0.02, legacy_codes=["45", "62"])
    write_sample(b, scale=0.02, legacy_codes=["45", "62"])
    assert _digest(a) == _digest(b)
    assert len(_digest(a)) > 70  # a file per month of dossiers, and the other tables
    write_sample(b, scale=0.02, seed=7, legacy_codes=["45", "62"])
    assert _digest(a) != _digest(b)


def test_sample_covers_every_province_commune_and_month(full_sample):
    data_dir, _ = full_sample
    months, provinces = _one(
        f"select count(distinct month), count(distinct province_code) "
        f"from '{_glob(data_dir, 'identification')}'"
    )
    assert (months, provinces) == (70, 34)
    communes = _one(f"select count(distinct commune_code) from '{_glob(data_dir, 'identification')}'")
    assert communes == (3321,)
    first, last, n_prov = _one(
        f"select min(received_on), max(received_on), count(distinct province_code) "
        f"from '{_glob(data_dir, 'dossiers')}'"
    )
    assert str(first) == "2021-01-01" and str(last) <= "2026-10-31" and str(last) >= "2026-10-01"
    assert n_prov == 34


@pytest.mark.parametrize(
    ("table", "date_col"),
    [
        ("dossiers", "received_on"),
        ("procedures", "month"),
        ("identification", "month"),
        ("services", "month"),
        ("tasks", "assigned_on"),
    ],
)
def test_legacy_codes_before_july_2025_only(full_sample, table, date_col):
    data_dir, _ = full_sample
    before_missing, after_present, n_legacy = _one(
        f"select count(*) filter (where {date_col} < DATE '2025-07-01' and legacy_province_code is null),"
        f" count(*) filter (where {date_col} >= DATE '2025-07-01' and legacy_province_code is not null),"
        f" count(distinct legacy_province_code) from '{_glob(data_dir, table)}'"
    )
    assert before_missing == 0 and after_present == 0 and n_legacy == 63


def test_every_table_written_is_valid(small_sample):
    data_dir, counts = small_sample
    for table in TABLE_NAMES:  # the tables a province exports, and the portal's index
        frame = storage.read_table(data_dir, table).to_pandas(date_as_object=False)
        frame.index += 1
        assert find_problems(table, frame) == [], table
        assert len(frame) == counts[table]


def test_no_personal_data_columns(small_sample):
    data_dir, _ = small_sample
    for table in EXPORT_TABLES:
        names = set(storage.read_table(data_dir, table).column_names)
        assert not names & {"name", "full_name", "cccd", "id_number", "phone", "address", "email"}


def test_marker_labels_the_data_synthetic(small_sample):
    data_dir, counts = small_sample
    marker = json.loads((storage.processed_dir(data_dir) / "SAMPLE.json").read_text())
    assert marker["synthetic"] is True and marker["rows"] == counts


def test_provinces_differ_enough_to_rank(full_sample):
    data_dir, _ = full_sample
    rates = duckdb.sql(
        f"select province_code, avg((channel = 'online')::int) as r from '{_glob(data_dir, 'dossiers')}'"
        f" where year(received_on) = 2024 group by 1"
    ).df()
    assert rates["r"].max() - rates["r"].min() > 0.10
    yearly = duckdb.sql(
        f"select year(received_on) y, avg((channel = 'online')::int) r "
        f"from '{_glob(data_dir, 'dossiers')}' group by 1 order by 1"
    ).df()
    assert yearly["r"].is_monotonic_increasing


def test_national_identification_totals_of_the_right_order(full_sample):
    data_dir, _ = full_sample
    cards, eid = _one(
        f"select sum(cccd_issued), sum(eid_activated) from '{_glob(data_dir, 'identification')}'"
        f" where month <= DATE '2024-06-01'"
    )
    assert 70e6 < cards < 100e6  # about 86 million by mid-2024
    assert 40e6 < eid < 90e6  # about 76 million accounts by mid-2024
    pop = _one(
        f"select sum(population) from '{_glob(data_dir, 'identification')}' where month = DATE '2024-01-01'"
    )[0]
    assert 95e6 < pop < 105e6


# ---- the seed review: legacy Quảng Trị, 2022-01..2023-12 against 2021 -----------------------


@pytest.fixture(scope="module", params=["small", "full"])
def seed_data(request, small_sample, full_sample):
    return (small_sample if request.param == "small" else full_sample)[0]


def test_seed_identification_stocks(seed_data):
    issued, applications, activated = _one(
        f"select sum(cccd_issued), sum(eid_applications), sum(eid_activated) "
        f"from '{_glob(seed_data, 'identification')}' "
        f"where legacy_province_code = '45' and month <= DATE '2023-12-01'"
    )
    assert (issued, applications, activated) == (584_405, 269_362, 180_646)


def test_seed_procedures_published_and_online(seed_data):
    published, total, online = _one(
        f"select count(*) filter (where published), count(*), "
        f"count(*) filter (where online_level in ('full', 'partial')) "
        f"from '{_glob(seed_data, 'procedures')}' "
        f"where legacy_province_code = '45' and month = DATE '2023-12-01'"
    )
    assert published == total > 0
    assert online / total > 0.80


def test_seed_dossiers_synced(seed_data):
    synced, received = _one(
        f"select count(*) filter (where synced), count(*) from '{_glob(seed_data, 'dossiers')}' "
        f"where legacy_province_code = '45' and received_on between DATE '2022-01-01' and DATE '2023-12-31'"
    )
    assert synced == received > 0


def test_seed_online_rate_up_36_85_points(seed_data):
    rows = (
        duckdb.sql(
            f"select year(received_on) between 2022 and 2023 as in_review, "
            f"count(*) filter (where channel = 'online') as online, count(*) as received "
            f"from '{_glob(seed_data, 'dossiers')}' where legacy_province_code = '45' "
            f"and received_on < DATE '2024-01-01' group by 1"
        )
        .df()
        .set_index("in_review")
    )
    review = 100 * rows.at[True, "online"] / rows.at[True, "received"]
    baseline = 100 * rows.at[False, "online"] / rows.at[False, "received"]
    assert round(review - baseline, 2) == 36.85


def test_seed_medical_facilities_all_accept_cccd(seed_data):
    accepting, facilities = _one(
        f"select sum(medical_facilities_accepting_cccd), sum(medical_facilities) "
        f"from '{_glob(seed_data, 'services')}' "
        f"where legacy_province_code = '45' and month = DATE '2023-12-01'"
    )
    assert accepting == facilities > 0


# ---- the plan's constants and seed steps, worked out by hand -------------------------------


def test_named_constants_match_their_explanations():
    # 2021-01..2026-10 is 6 × 12 - 2 months; the 63 legacy provinces held 99,948 thousand people
    assert FULL_SAMPLE_MONTHS == 70
    assert national_population_thousand() == 99_948
    assert national_population_thousand() == reference.legacy_provinces()["population_2023_thousand"].sum()
    # the trends' clock: Project 06 starts in month 12, the 2023 statistics sit at month 30
    assert (clock(date(2021, 1, 1)), clock(date(2026, 10, 1))) == (0, 69)
    assert (PROJECT_START, STATISTICS_MONTH) == (12, 30)
    # 12.00% and 48.85% of a multiple of 2000 dossiers are whole numbers: 240 and 977
    assert ONLINE_GRAIN * ONLINE_PCT_BASELINE / 100 == 240
    assert ONLINE_GRAIN * ONLINE_PCT_WINDOW / 100 == 977


def test_vocabulary_lists():
    vocab = vocabulary()
    assert [len(vocab["lead_units"][k]) for k in ("before", "after")] == [11, 11]
    assert sorted(vocab["task_titles"]) == [1, 2, 3, 4, 5]
    assert vocab["lead_units"]["before"][-1] == "UBND cấp huyện"  # districts, gone after July 2025
    assert vocab["lead_units"]["after"][-1] == "UBND cấp xã"


def _seed(row):
    """The seed review over the full sample's 70 months, its unit at `row` of the plan."""
    gen = Generator()
    return SeedReview(row, gen.months, gen.rng)


def test_seed_review_leaves_a_sample_without_the_seed_unit_alone():
    gen = Generator()
    assert SeedReview.in_plan(["01", "62"], gen.months, gen.rng).row is None
    assert SeedReview.in_plan(["01", "45", "62"], gen.months, gen.rng).row == 1
    vol = np.ones((1, 70), np.int64)
    _seed(None).calibrate_volumes(vol)
    assert (vol == 1).all()


def test_seed_volumes_and_online_counts_by_hand():
    seed = _seed(0)
    vol = np.ones((1, 70), np.int64)
    seed.calibrate_volumes(vol)
    # 12 dossiers in 2021 and 24 in the window: 1,988 and 1,976 more in their last months
    assert (vol[0, 11], vol[0, 35]) == (1989, 1977)
    assert (vol[0, :12].sum(), vol[0, 12:36].sum()) == (2000, 2000)
    counts = np.zeros((1, 70), np.int64)
    seed.calibrate_online_counts(counts, vol, np.full((1, 70), 0.5))
    assert (counts[0, :12].sum(), counts[0, 12:36].sum(), counts[0, 36:].sum()) == (240, 977, 0)


def test_seed_online_curve_averages_near_the_reviewed_rates():
    rate = np.zeros((1, 70))
    _seed(0).calibrate_online_rate(rate, np.arange(70.0))
    # 2021: 11.5% rising by 1 point (mean 12%); window: 20% to 78% in a line (mean 49%)
    assert rate[0, :12].mean() == pytest.approx(0.12)
    assert rate[0, 12:36].mean() == pytest.approx(0.49)
    assert rate[0, 69] == pytest.approx(0.88)


# ---- safety: nothing lost, nothing mixed ---------------------------------------------------


def test_a_failed_run_leaves_the_previous_sample(tmp_path, monkeypatch):
    write_sample(tmp_path, scale=0.01, legacy_codes=["45"])
    before = _digest(tmp_path)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("helpers.data.sample.write.identification_table", boom)
    with pytest.raises(RuntimeError):
        write_sample(tmp_path, scale=0.02, legacy_codes=["45"])
    assert _digest(tmp_path) == before
    assert not (storage.processed_dir(tmp_path) / ".sample-staging").exists()


def test_refuses_to_mix_with_user_data(tmp_path):
    own = storage.table_dir(tmp_path, "dossiers") / "export-2024.parquet"
    own.parent.mkdir(parents=True)
    own.write_bytes(b"user data")
    with pytest.raises(InputError, match="not the sample"):
        write_sample(tmp_path, scale=0.01, legacy_codes=["45"])
    assert own.read_bytes() == b"user data"


def test_cli_rejects_bad_scale_with_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", "--scale", "-1", "--data-dir", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "must be positive" in capsys.readouterr().err


def test_cli_sample_writes_and_summarises(tmp_path, capsys):
    assert main(["sample", "--scale", "0.01", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Synthetic sample (seed 6, scale 0.01)" in out and "dossiers" in out and "index_766" in out
    assert storage.available_tables(tmp_path) == list(TABLE_NAMES)


def test_cli_reports_input_errors_with_exit_2(tmp_path, capsys):
    own = storage.table_dir(tmp_path, "tasks") / "mine.parquet"
    own.parent.mkdir(parents=True)
    own.write_bytes(b"x")
    assert main(["sample", "--scale", "0.01", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("p06 sample:") and "Traceback" not in err


def test_commune_sizes_follow_population(small_sample):
    data_dir, _ = small_sample
    pop = (
        duckdb.sql(
            f"select legacy_province_code, sum(population) p from '{_glob(data_dir, 'identification')}'"
            f" where month = DATE '2023-06-01' group by 1"
        )
        .df()
        .set_index("legacy_province_code")["p"]
    )
    expected = (
        reference.legacy_provinces().set_index("legacy_province_code")["population_2023_thousand"] * 1000
    )
    ratio = (pop / expected.reindex(pop.index)).astype(float)
    assert ((ratio > 0.98) & (ratio < 1.02)).all(), ratio
    assert isinstance(pop, pd.Series)
