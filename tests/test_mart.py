"""The mart: additive at every level, reproducible, rebuilt only when its inputs change,
and the seed review's figures out of `p06 indicators`."""

from __future__ import annotations

import hashlib
import json
import shutil

import duckdb
import pytest

from helpers.cli import main
from helpers.core import reference
from helpers.data.sample import write_sample
from helpers.engine.blocks import BLOCKS
from helpers.engine.mart import block_path, build_mart, mart_dir


@pytest.fixture(scope="module")
def mart(small_sample):
    data_dir, _ = small_sample
    build_mart(data_dir)
    return data_dir


def _sums(path, level, measures, where=""):
    cols = ", ".join(f"sum({m}) AS {m}" for m in measures)
    return (
        duckdb.sql(
            f"SELECT month, {cols} FROM '{path}' WHERE level = '{level}' {where} "
            f"GROUP BY month ORDER BY month"
        )
        .df()
        .set_index("month")
    )


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.name)
def test_provinces_add_up_to_the_country(mart, block):
    path = block_path(mart, block.name)
    provinces = _sums(path, "province", block.measures)
    country = _sums(path, "country", block.measures)
    assert provinces.equals(country)


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.has_commune], ids=lambda b: b.name)
def test_communes_add_up_to_their_province(mart, block):
    path = block_path(mart, block.name)
    com = reference.communes()
    for province in ("44", "79"):
        codes = ", ".join(f"'{c}'" for c in com.loc[com["province_code"] == province, "commune_code"])
        communes = _sums(path, "commune", block.measures, f"AND unit_code IN ({codes})")
        whole = _sums(path, "province", block.measures, f"AND unit_code = '{province}'")
        assert communes.equals(whole), province


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.name)
def test_legacy_provinces_add_up_to_the_current_one_before_july_2025(mart, block):
    path = block_path(mart, block.name)
    before = "AND month < DATE '2025-07-01'"
    legacy = _sums(path, "legacy_province", block.measures, f"AND unit_code IN ('74', '77', '79') {before}")
    current = _sums(path, "province", block.measures, f"AND unit_code = '79' {before}")
    if block.name == "dossiers":  # dossiers received before July 2025 but finished after
        current = current.loc[legacy.index]
    assert legacy.equals(current)


def _hashes(folder):
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.glob("*"))
        if p.suffix in (".parquet", ".json")
    }


def test_mart_is_reproducible_skipped_when_unchanged_and_rebuilt_when_changed(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_sample(a, scale=0.02, legacy_codes=["45", "62"])
    assert build_mart(a)["skipped"] is False
    first = _hashes(mart_dir(a))
    assert build_mart(a)["skipped"] is True
    # a change to the inputs: the mart rebuilt in place equals one built from scratch
    write_sample(a, scale=0.02, seed=11, legacy_codes=["45", "62"])
    assert build_mart(a)["skipped"] is False
    shutil.copytree(a / "processed", b / "processed")
    build_mart(b)
    assert _hashes(mart_dir(a)) == _hashes(mart_dir(b)) != first


def test_p06_mart_command(tmp_path, capsys):
    write_sample(tmp_path, scale=0.01, legacy_codes=["45"])
    assert main(["mart", "--data-dir", str(tmp_path)]) == 0
    assert "Mart built" in capsys.readouterr().out
    assert main(["mart", "--data-dir", str(tmp_path)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["mart", "--data-dir", str(tmp_path / "empty")]) == 2
    assert "no canonical tables" in capsys.readouterr().err


def test_seed_review_figures_from_p06_indicators(small_sample, capsys):
    data_dir, _ = small_sample
    assert (
        main(
            [
                "indicators",
                "--unit",
                "legacy/45",
                "--period",
                "2022-01..2023-12",
                "--baseline",
                "2021",
                "--format",
                "json",
                "--data-dir",
                str(data_dir),
            ]
        )
        == 0
    )
    rows = {r["indicator"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["cccd_issued_total"]["value"] == 584_405
    assert rows["eid_applications_total"]["value"] == 269_362
    assert rows["eid_activated_total"]["value"] == 180_646
    assert rows["procedures_published_pct"]["value"] == 100
    assert rows["dossiers_synced_pct"]["value"] == 100
    assert rows["procedures_online_pct"]["value"] > 80
    assert rows["medical_cccd_pct"]["value"] == 100
    assert round(rows["dossiers_online_pct"]["change_pp"], 2) == 36.85
    assert rows["dossiers_online_pct"]["of"] == 5  # the five legacy provinces of this sample
