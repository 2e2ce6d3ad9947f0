"""Commune reviews in a build: their files and index, a commune of a merged province across
July 2025 checked against the engine, an interrupted batch resumed, and the same bytes from a
Dask cluster as from local workers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from helpers.batch.build import JOURNAL, build
from helpers.batch.plan import plan
from helpers.engine.indicators import review
from helpers.report.record import read

ACROSS = "2025-04..2025-09"  # across the reorganisation of 1 July 2025
QUANG_TRI = ["19333", "18859"]  # communes of today's Quảng Trị (legacy 44 and 45)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, small_sample):
    path = tmp_path_factory.mktemp("commune-data")
    shutil.copytree(small_sample[0] / "processed", path / "processed")
    return path


@pytest.fixture(scope="module")
def built(data_dir, tmp_path_factory):
    reports = tmp_path_factory.mktemp("commune-reports")
    summary = build(plan(ACROSS, data_dir, units=["44", *QUANG_TRI[:2]]), reports, jobs=2)
    return reports, summary


def test_commune_reviews_and_their_index(built):
    reports, summary = built
    assert sorted(r.name for r in summary.results) == ["44", "communes/18859", "communes/19333"]
    assert all(r.status == "built" for r in summary.results)
    folder = reports / ACROSS
    for code in QUANG_TRI[:2]:
        assert (folder / "communes" / f"{code}.html").exists()
    index = (folder / "communes" / "index-44.html").read_text()
    assert 'href="19333.html"' in index and 'href="18859.html"' in index
    assert "Chưa lập" in index  # the province's other communes are listed, not built
    assert 'href="../44.html"' in index
    period_index = (folder / "index.html").read_text()
    assert 'href="communes/index-44.html"' in period_index
    province_page = (folder / "44.html").read_text()
    assert "communes/index-44.html" in province_page  # the province review links its communes


def test_a_commune_of_a_merged_province_across_july_2025_matches_the_engine(built, data_dir):
    reports, _ = built
    nb = nbformat.read(reports / ACROSS / "communes" / "19333.ipynb", 4)
    values = read(nb, "values")
    expected = review("19333", ACROSS, data_dir=data_dir, level="commune", lang="vi")
    assert len(values) == len(expected) and expected["value"].notna().sum() >= 10
    for row in expected.itertuples():
        got = values[f"{row.unit}|{row.indicator}"]
        assert got is None if row.value != row.value else got == pytest.approx(row.value, rel=1e-6)
    html = (reports / ACROSS / "communes" / "19333.html").read_text()
    assert "Phường Đông Hà, Quảng Trị" in html
    charts = [o for c in nb.cells for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {})]
    assert len(charts) == 3  # a build draws its charts as SVG


def _in_group(group: int) -> set[int]:
    """The processes still running in a process group (a build, its fork server and its
    workers)."""
    out = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):  # ended meanwhile
            continue
        state, _, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == group and state != "Z":  # a zombie runs nothing: it waits to be reaped
            out.add(int(pid))
    return out


def test_an_interrupted_batch_stops_cleanly_and_a_second_run_goes_on(data_dir, tmp_path):
    reports = tmp_path / "reports"
    units = [a for c in ("18859", "18871", "18880", "18901", "18904", "18919") for a in ("--unit", c)]
    cmd = [sys.executable, "-m", "helpers.cli", "build", "--period", "2025", "--jobs", "2", *units]
    cmd += ["--data-dir", str(data_dir), "--reports-dir", str(reports)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    journal = reports / "2025" / JOURNAL
    deadline = time.time() + 120
    while time.time() < deadline and not (journal.exists() and journal.read_text().strip()):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()[-500:]
    assert "interrupted" in err.decode()
    time.sleep(1)
    assert not _in_group(proc.pid), "a worker is still running"
    folder = reports / "2025"
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]
    assert not journal.exists()  # what it held is in build.json
    done = json.loads((folder / "build.json").read_text())["reports"]
    assert done and all(r["status"] == "built" for r in done.values())
    again = build(plan("2025", data_dir, units=[c for c in units if c != "--unit"]), reports, jobs=2)
    skipped = [r for r in again.results if r.status == "skipped"]
    assert len(skipped) == len(done) and len(again.built) == 6 - len(done)


def test_a_killed_build_leaves_its_journal_for_the_next(data_dir, tmp_path):
    from helpers.batch.build import State
    from helpers.batch.worker import Result

    folder = tmp_path / "2025"
    state = State(folder)
    state.record(Result("communes/18859", "18859", "built", "abc", values={"score_766": 80.0}))
    state.record(Result("communes/18871", "18871", "failed", "", error="InputError: no"))
    with open(folder / JOURNAL, "a") as fh:
        fh.write('{"name": "communes/18880", "sta')  # the line being written when killed
    again = State(folder)
    assert again.reports == {
        "communes/18859": {
            "unit": "18859",
            "status": "built",
            "fingerprint": "abc",
            "error": None,
            "values": {"score_766": 80.0},
            "outputs": None,
        },
        "communes/18871": {
            "unit": "18871",
            "status": "failed",
            "fingerprint": "",
            "error": "InputError: no",
            "values": None,
            "outputs": None,
        },
    }
    again.save("2025")
    assert not (folder / JOURNAL).exists()
    assert json.loads((folder / "build.json").read_text())["reports"] == again.reports


def test_a_dask_cluster_builds_the_same_bytes(data_dir, tmp_path, built):
    distributed = pytest.importorskip("distributed")
    reports = tmp_path / "cluster"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        summary = build(
            plan(ACROSS, data_dir, units=["44", *QUANG_TRI[:2]]), reports, scheduler=cluster.scheduler_address
        )
    assert [r.status for r in summary.results] == ["built"] * 3
    local = built[0] / ACROSS
    for name in ("44.html", "communes/19333.html", "communes/18859.html", "44.ipynb"):
        assert (reports / ACROSS / name).read_bytes() == (local / name).read_bytes(), name


def test_a_cluster_that_cannot_see_the_data_is_named(tmp_path):
    distributed = pytest.importorskip("distributed")
    from helpers.batch.executors import DaskExecutor
    from helpers.core.errors import InputError

    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        DaskExecutor(cluster.scheduler_address) as executor,
        pytest.raises(InputError, match="storage every worker sees"),
    ):
        executor.check(tmp_path / "nowhere", tmp_path / "reports")
