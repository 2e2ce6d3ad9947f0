"""`p06 build` end to end on a small sample: outputs and indexes, incremental rebuilds,
failures that leave the others built, identical bytes, and the lock."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import shutil

import nbformat
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers.batch.build import LOCK_FILE, build
from helpers.batch.notebooks import NOTEBOOK_DIR
from helpers.batch.plan import plan
from helpers.cli import main
from helpers.data import storage
from helpers.report.kinds import KINDS, ReportKind


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, small_sample):
    # a private copy: one test rewrites a data file
    path = tmp_path_factory.mktemp("build-data")
    shutil.copytree(small_sample[0] / "processed", path / "processed")
    return path


@pytest.fixture(scope="module")
def first_build(data_dir, tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    summary = build(plan("2024-Q4", data_dir, units=["44", "79"]), reports, jobs=2)
    return reports, summary


def test_outputs_and_indexes_exist_and_link(first_build):
    reports, summary = first_build
    assert [r.status for r in summary.results] == ["built", "built"]
    folder = reports / "2024-Q4"
    for name in ("44", "79"):
        assert (folder / f"{name}.html").exists() and (folder / f"{name}.ipynb").exists()
    index = (folder / "index.html").read_text()
    assert 'href="44.html"' in index and 'href="79.html"' in index
    assert "Quảng Trị (44)" in index and "Thành phố Hồ Chí Minh (79)" in index
    root = (reports / "index.html").read_text()
    assert 'href="2024-Q4/index.html"' in root
    assert not list(folder.glob(".*.running.ipynb"))
    page = (folder / "44.html").read_text()
    assert "sections.show" not in page and "check_parameters" not in page


def test_second_build_does_nothing(first_build, data_dir, capsys):
    reports, _ = first_build
    assert (
        main(
            [
                "build",
                "--period",
                "2024-Q4",
                "--unit",
                "44",
                "--unit",
                "79",
                "--data-dir",
                str(data_dir),
                "--reports-dir",
                str(reports),
            ]
        )
        == 0
    )
    assert "nothing to do, all 2 reports are up to date" in capsys.readouterr().out


def test_changed_data_rebuilds_exactly_the_reports_that_read_it(first_build, data_dir):
    reports, _ = first_build
    build(plan("2025-Q2", data_dir, units=["44"]), reports, jobs=1)
    # a dossier of March 2025 changes: the 2025-Q2 report reads it, the 2024-Q4 ones do not
    path = storage.table_dir(data_dir, "dossiers") / "sample-2025-03.parquet"
    table = pq.read_table(path)
    synced = table["synced"].to_pylist()
    synced[0] = not synced[0]
    table = table.set_column(table.schema.get_field_index("synced"), "synced", pa.array(synced, pa.bool_()))
    storage.write_table(table, data_dir, "dossiers", path.stem)
    early = build(plan("2024-Q4", data_dir, units=["44", "79"]), reports, jobs=1)
    late = build(plan("2025-Q2", data_dir, units=["44"]), reports, jobs=1)
    assert [r.status for r in early.results] == ["skipped", "skipped"]
    assert [r.status for r in late.results] == ["built"]


def test_same_inputs_same_bytes(first_build, data_dir):
    reports, _ = first_build
    before = {p.name: p.read_bytes() for p in (reports / "2024-Q4").glob("*.html") if p.name != "index.html"}
    build(plan("2024-Q4", data_dir, units=["44", "79"]), reports, jobs=2, force=True)
    after = {p.name: p.read_bytes() for p in (reports / "2024-Q4").glob("*.html") if p.name != "index.html"}
    assert before == after and len(before) == 2


def test_a_failing_report_leaves_the_others_built(data_dir, tmp_path, monkeypatch, capsys):
    # a notebook that ends its process for unit 79: the same thread then builds 44 in a new one
    nb = nbformat.read(NOTEBOOK_DIR / "province_review.ipynb", 4)
    crash = nbformat.v4.new_code_cell('if unit == "79":\n    import os\n    os._exit(1)')
    crash["id"] = "crash"
    nb.cells.insert(3, crash)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(nb, notebooks / "province_review.ipynb")
    review = dataclasses.replace(KINDS["province_review"], notebook=notebooks / "province_review.ipynb")
    monkeypatch.setitem(KINDS, "province_review", review)
    reports = tmp_path / "reports"
    code = main(
        [
            "build",
            "--period",
            "2024-Q4",
            "--unit",
            "79",
            "--unit",
            "44",
            "--jobs",
            "1",
            "--data-dir",
            str(data_dir),
            "--reports-dir",
            str(reports),
        ]
    )
    assert code == 1
    out = capsys.readouterr().out
    assert "built 1" in out and "failed 1" in out and "failed 79" in out
    folder = reports / "2024-Q4"
    assert (folder / "44.html").exists() and not (folder / "79.html").exists()
    assert (folder / "79.ipynb").exists()  # the notebook with its parameters, for the reader of the error
    state = json.loads((folder / "build.json").read_text())
    assert state["reports"]["79"]["status"] == "failed" and state["reports"]["79"]["error"]
    index = (folder / "index.html").read_text()
    assert "79.ipynb" in index and "p06-bad" in index


def test_a_second_build_into_the_same_folder_is_refused(data_dir, tmp_path, capsys):
    reports = tmp_path / "reports"
    reports.mkdir()
    with open(reports / LOCK_FILE, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code = main(
            [
                "build",
                "--period",
                "2024-Q4",
                "--unit",
                "44",
                "--data-dir",
                str(data_dir),
                "--reports-dir",
                str(reports),
            ]
        )
    assert code == 2  # refused, in one line
    assert capsys.readouterr().err == (
        f"p06 build: another p06 build is writing to {reports}: wait for it to finish, "
        "or build into another folder with --reports-dir\n"
    )
    assert not (reports / "2024-Q4").exists()


def test_bad_arguments_exit_2(data_dir, tmp_path):
    args = ["--data-dir", str(data_dir), "--reports-dir", str(tmp_path)]
    assert main(["build", "--period", "2025", "--unit", "legacy/45", *args]) == 2
    assert main(["build", "--period", "2025-13", "--all", *args]) == 2
    assert main(["build", "--period", "2025", "--unit", "44", "--baseline", "2021-Q5", *args]) == 2
    assert main(["build", "--period", "2025", "--unit", "44", "--notebook", "nope", *args]) == 2
    assert main(["build", *args]) == 2


def test_a_build_leaves_the_working_directory_alone(data_dir, tmp_path):
    # the workers are threads of this process: nothing may change its directory
    before = os.getcwd()
    build(plan("2024-Q4", data_dir, units=["44", "79"]), tmp_path / "reports", jobs=2)
    assert os.getcwd() == before


def test_the_country_builds_and_indexes(data_dir, tmp_path):
    summary = build(plan("2024-Q4", data_dir, units=["VN"]), tmp_path / "reports", jobs=1)
    assert [r.status for r in summary.results] == ["built"]
    index = (tmp_path / "reports" / "2024-Q4" / "index.html").read_text()
    assert 'href="VN.html"' in index and "communes/index-VN" not in index


KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
TOY_CELLS = [  # (tags, source) of a notebook that makes a report of a new kind
    (["parameters"], 'unit = "44"\nperiod = "2025"\nlang = "vi"\ndata_dir = ""'),
    ([], 'from IPython.display import Markdown\nMarkdown(f"# Toy review of {unit} for {period}")'),
    (
        ["remove"],
        'from helpers.report.record import glue\nglue("key_figures", {"dossiers_online_pct": 12.5})',
    ),
]


def test_a_new_kind_of_report_is_one_entry_in_the_registry(data_dir, tmp_path, monkeypatch):
    notebook = tmp_path / "toy_review.ipynb"
    cells = [nbformat.v4.new_code_cell(source, metadata={"tags": tags}) for tags, source in TOY_CELLS]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata=KERNEL), notebook)
    toy = ReportKind(
        "toy_review", notebook, levels=("province",), reads={"province": ("province",)}, folder="toys"
    )
    monkeypatch.setitem(KINDS, "toy_review", toy)
    reports = tmp_path / "reports"
    summary = build(
        plan("2024-Q4", data_dir, units=["44"], notebook="toy_review"), reports, formats=("html", "docx")
    )
    assert [(r.name, r.status, r.outputs) for r in summary.results] == [
        ("toys/44", "built", ["html", "ipynb"])
    ]
    page = (reports / "2024-Q4" / "toys" / "44.html").read_text()
    assert "Toy review of 44 for 2024-Q4" in page
    assert not (reports / "2024-Q4" / "toys" / "44.docx").exists()  # the kind writes no document
    index = (reports / "2024-Q4" / "index.html").read_text()
    assert '<a href="toys/44.html">Quảng Trị (44)</a>' in index and '<td class="num">12,50%</td>' in index


def test_the_baseline_is_a_build_option_passed_to_the_notebook(first_build, data_dir, tmp_path):
    reports = tmp_path / "reports"
    build(plan("2024-Q4", data_dir, units=["44"]), reports, jobs=1)
    summary = build(plan("2024-Q4", data_dir, units=["44"], baseline="previous"), reports, jobs=1)
    assert [r.status for r in summary.results] == ["built"]  # another baseline: another report
    nb = nbformat.read(reports / "2024-Q4" / "44.ipynb", 4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert injected.source.splitlines()[1:] == [
        'period = "2024-Q4"',
        'lang = "vi"',
        f'data_dir = "{data_dir.resolve()}"',
        'unit = "44"',
        'baseline = "2024-Q3"',
    ]
    page = (reports / "2024-Q4" / "44.html").read_text()
    assert "Kỳ báo cáo: quý IV/2024 · Kỳ gốc so sánh: quý III/2024" in page


def test_index_pages_escape_what_reports_recorded(tmp_path):
    from helpers.batch.index import write_indexes

    folder = tmp_path / "2025"
    folder.mkdir()
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    reports = {
        "44": {"unit": "44", "status": "failed", "error": payload, "outputs": None, "values": None},
        "communes/19333": {"unit": "19333", "status": "built", "outputs": ["html", "ipynb"], "values": {}},
    }
    write_indexes(tmp_path, folder, reports, "en")
    for page in (folder / "index.html", folder / "communes" / "index-44.html", tmp_path / "index.html"):
        assert "<script" not in page.read_text() and "<img" not in page.read_text(), page
    index = (folder / "index.html").read_text()
    assert (
        "<pre>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#34;alert(2)&#34;&gt;</pre>"
        in index
    )


def test_a_batch_computes_the_communes_its_reports_read(data_dir, tmp_path):
    from helpers.batch.build import _shared
    from helpers.core import reference
    from helpers.engine.compute import compute, scope_units
    from helpers.engine.indicators import computation_key
    from helpers.engine.mart import refresh_mart

    def scope(**asked):
        return _shared(plan("2024-Q4", data_dir, **asked).jobs, data_dir).scope

    communes = reference.communes()
    a_79_commune = communes.loc[communes["province_code"] == "79", "commune_code"].iloc[0]
    assert scope(units=["44", "79"]) == ("44", "79")  # each province review reads its communes
    assert scope(communes_of=["44"]) == ("44",)  # a commune review reads its province's
    assert scope(units=[a_79_commune, "44"]) == ("44", "79")
    assert scope(units=["VN"]) == scope(units=["legacy/45"]) == ()  # communes of several: all
    assert scope(units=["44"], everything=True) == ()  # the 34 provinces are all of them
    # a part of the level computed alone is the same as those units computed in the whole
    period = plan("2024-Q4", data_dir, units=["44"]).period
    blocks, _ = computation_key(refresh_mart(data_dir), "commune")
    part = scope_units("commune", ("44",))
    assert part == communes.loc[communes["province_code"] == "44", "commune_code"].tolist()
    alone = compute(data_dir, "commune", period, list(blocks), part)
    whole = compute(data_dir, "commune", period, list(blocks))
    whole = whole[whole["unit_code"].isin(set(part))].reset_index(drop=True)
    assert len(alone) == len(whole) > 0
    assert alone.equals(whole)
