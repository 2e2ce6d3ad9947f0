"""What the data covers: a period beyond it, a partly covered quarter, a baseline of another
length, an export without an optional column, and damaged files, each with the answer
worked out by hand on the fixture of test_indicators (dossiers to 2025-08, services only in
March 2024)."""

from __future__ import annotations

import json
import math
import shutil

import pandas as pd
import pytest
from test_indicators import write_frame

from helpers.cli import main
from helpers.core.errors import InputError
from helpers.data import storage
from helpers.engine.indicators import review
from helpers.engine.mart import build_mart, mart_dir


def _json(capsys, *args) -> list[dict]:
    assert main(["indicators", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_period_the_data_does_not_reach_exits_2(data_dir, capsys):
    assert main(["indicators", "--unit", "79", "--period", "2030", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "no data for 2030: the data covers 2023-01..2025-08" in err


def test_a_partly_covered_quarter_sums_its_months_and_says_so(data_dir, capsys):
    # 2025-Q3: dossiers only in August (d14); July and September have none
    rows = _json(capsys, "--unit", "79", "--period", "2025-Q3", "--lang", "en", "--data-dir", str(data_dir))
    received = next(r for r in rows if r["indicator"] == "dossiers_received")
    assert (received["value"], received["months"], received["months_covered"]) == (1, 3, 1)
    assert "computed from 1 of 3 months" in received["note"]
    # identification's last row is May 2024: the stock is read there, and says so (and that it
    # is a sum of monthly figures, not a total to a date)
    issued = next(r for r in rows if r["indicator"] == "cccd_issued_total")
    assert issued["value"] == 90 + 25 + 7 + 40 + 0 and issued["as_of"] == "2024-05"
    assert issued["note"] == "sum of monthly figures to May 2024"


def test_a_flow_against_a_baseline_of_another_length_is_compared_per_month(data_dir):
    # 2024-01..2024-06 covers Jan-Apr for 79 (d1..d8 and d5 in April: 7 dossiers over 4 months);
    # the baseline 2023 covers Feb, Mar (d11, d12) and Dec (d4): 3 dossiers over 3 months
    r = review("79", "2024-01..2024-06", "2023", data_dir=data_dir, lang="en").set_index("indicator")
    row = r.loc["dossiers_received"]
    assert (row["value"], row["months_covered"], row["baseline_value"], row["baseline_months"]) == (
        7,
        4,
        3,
        3,
    )
    assert row["comparison"] == "per_month"
    assert row["change_per_month"] == pytest.approx(7 / 4 - 1)
    assert row["change_rel_pct"] == pytest.approx(100 * (7 / 4 - 1) / 1)
    # a ratio is comparable whatever the lengths: no per-month comparison
    assert r.loc["dossiers_online_pct", "comparison"] == "total"


def test_no_rank_without_a_value_and_peers_without_data_not_counted(data_dir):
    # services 2024-Q1: only today's 79 reports; Hà Nội has no value and no rank
    r = review("01", "2024-Q1", data_dir=data_dir).set_index("indicator")
    assert math.isnan(r.at["medical_cccd_pct", "value"])
    assert pd.isna(r.at["medical_cccd_pct", "rank"]) and pd.isna(r.at["medical_cccd_pct", "of"])


def test_an_export_without_an_optional_column_is_not_measured(tmp_path):
    from test_indicators import DOSSIERS, _frame

    frame = _frame(DOSSIERS).drop(columns=["channel", "full_online"])
    write_frame(frame, tmp_path, "dossiers", "export")
    build_mart(tmp_path)
    r = review("79", "2024-Q1", "2023-Q1", data_dir=tmp_path, lang="en").set_index("indicator")
    assert math.isnan(r.at["dossiers_online_pct", "value"])
    assert (
        r.at["dossiers_online_pct", "note"] == "not measured: the export has no “Submission channel” column"
    )
    assert r.at["dossiers_received", "value"] == 6 and r.at["dossiers_synced_pct", "value"] == pytest.approx(
        100 * 5 / 6
    )
    # measured: synced 6, received on time 20, paid online 6, e-result 6, digitised 4, satisfied 6
    assert r.at["score_766", "note"].startswith("covers 48 of 100 points; not measured: ")
    assert r.at["score_766", "note"].endswith(
        "Satisfaction with petition handling, Procedures published on time, "
        "Procedures offered online, Dossiers submitted online"
    )


def test_an_export_without_finished_dates_is_not_measured_on_time(tmp_path):
    from test_indicators import DOSSIERS, _frame

    frame = _frame(DOSSIERS).drop(columns=["finished_on", "rating"])
    write_frame(frame, tmp_path, "dossiers", "export")
    build_mart(tmp_path)
    r = review("79", "2024-Q1", data_dir=tmp_path, lang="en").set_index("indicator")
    assert math.isnan(r.at["dossiers_on_time_pct", "value"])
    assert r.at["dossiers_on_time_pct", "note"] == "not measured: the export has no “Date settled” column"


@pytest.mark.parametrize("where", ["processed", "mart"])
def test_a_truncated_parquet_file_stops_with_one_line(data_dir, tmp_path, capsys, where):
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    build_mart(copy)
    victim = (
        storage.table_files(copy, "dossiers")[0]
        if where == "processed"
        else mart_dir(copy) / "dossiers.parquet"
    )
    victim.write_bytes(victim.read_bytes()[:100])
    code = main(["indicators", "--unit", "79", "--period", "2024", "--data-dir", str(copy)])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert str(victim) in err and ("p06 mart --force" if where == "mart" else "p06 ingest") in err
    assert "Traceback" not in err


def test_reads_never_build_the_mart(tmp_path):
    from test_indicators import write_fixture

    write_fixture(tmp_path, tables=["dossiers"])
    shutil.rmtree(mart_dir(tmp_path))
    with pytest.raises(InputError, match="run `p06 mart` first"):
        review("79", "2024-Q1", data_dir=tmp_path)
