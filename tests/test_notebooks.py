"""The notebooks run by papermill with other parameters, checked against the engine; the
rendered HTML holds no code, fetches nothing and is the same bytes for the same inputs."""

from __future__ import annotations

import re

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from helpers.batch.notebooks import NOTEBOOK_DIR, execute
from helpers.batch.render import render_html
from helpers.core import reference
from helpers.engine.indicators import review
from helpers.report.record import read

CROSSING = "2025-04..2025-09"  # a current province over a period across 1 July 2025


def recorded(notebook) -> dict:
    """The values a notebook recorded by name."""
    values = read(notebook, "values")
    assert values is not None, "no recorded values"
    return values


@pytest.fixture(scope="module")
def province_run(small_sample, tmp_path_factory):
    data_dir, _ = small_sample
    out = tmp_path_factory.mktemp("nb") / "province.ipynb"
    nb = execute(
        NOTEBOOK_DIR / "province_review.ipynb",
        out,
        {"unit": "79", "period": CROSSING, "baseline": "2024-Q2", "lang": "en", "data_dir": str(data_dir)},
    )
    return data_dir, nb, out


def test_province_review_records_what_the_engine_computes(province_run):
    data_dir, nb, _ = province_run
    values = recorded(nb)
    expected = review("79", CROSSING, "2024-Q2", data_dir=data_dir, lang="en")
    assert len(values) == len(expected) > 20
    for row in expected.itertuples():
        got = values[f"{row.unit}|{row.indicator}"]
        if row.value != row.value:  # NaN
            assert got is None
        else:
            assert got == pytest.approx(row.value, rel=1e-6), row.indicator


def test_province_review_in_english_names_the_merged_provinces(province_run):
    _, nb, _ = province_run
    html = render_html(nb, "79")
    assert "Project 06 review — Ho Chi Minh City" in html
    assert "figures before 1 July 2025 summed from the former provinces" in html
    assert "Binh Duong (74)" in html


def test_rendered_html_has_no_code_and_fetches_nothing(province_run):
    _, nb, _ = province_run
    html = render_html(nb, "79")
    for code in ("display.section", "check_parameters", "import ", "glue("):
        assert code not in html
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', html)
    # the eight charts of a province review, embedded in the page, each titled
    assert re.findall(r'<img alt="([^"]*)" src="data:image/png;base64,', html) == [
        "Administrative dossiers by month",
        "Online public services by month",
        "ID cards and e-ID (cumulative)",
        "From e-ID application to activation (end of period)",
        "Data in use by month",
        "Tasks due in the period by lead unit",
        "Dossiers online — April 2025 to September 2025",
        "Decision 766 index, our estimate — April 2025 to September 2025",
    ]


def test_same_inputs_same_html(province_run, tmp_path):
    data_dir, nb, _ = province_run
    again = execute(
        NOTEBOOK_DIR / "province_review.ipynb",
        tmp_path / "again.ipynb",
        {"unit": "79", "period": CROSSING, "baseline": "2024-Q2", "lang": "en", "data_dir": str(data_dir)},
    )
    assert render_html(again, "79") == render_html(nb, "79")


def test_national_overview_across_july_2025(small_sample, tmp_path):
    data_dir, _ = small_sample
    nb = execute(
        NOTEBOOK_DIR / "national_overview.ipynb",
        tmp_path / "national.ipynb",
        {"period": CROSSING, "lang": "en", "data_dir": str(data_dir)},
    )
    values = recorded(nb)
    expected = review("44", CROSSING, data_dir=data_dir, lang="en").set_index("indicator")["value"]
    for indicator in ("dossiers_online_pct", "score_766", "cccd_issued_total"):
        assert values[f"44|{indicator}"] == pytest.approx(expected[indicator], rel=1e-6)
    html = render_html(nb, "national")
    assert "Before and after the reorganisation of 1 July 2025" in html
    assert "Former province (Q2 2025)" in html  # April to June, before the change


def test_getting_started_runs_and_the_hand_count_matches(small_sample, tmp_path):
    data_dir, _ = small_sample
    nb = execute(
        NOTEBOOK_DIR / "getting_started.ipynb",
        tmp_path / "start.ipynb",
        {"unit": "79", "period": "2025", "lang": "en", "data_dir": str(data_dir)},
    )
    check = next(c for c in nb.cells if c.cell_type == "code" and "by_hand" in c.source)
    text = check.outputs[0]["data"]["text/plain"]
    numbers = [float(n) for n in text.splitlines()[-1].split()[1:]]
    online, received, engine_online, engine_received = numbers
    assert (online, received) == (engine_online, engine_received) and received > 0


def test_bad_parameters_stop_the_notebook_with_a_clear_message(small_sample, tmp_path):
    data_dir, _ = small_sample
    target = tmp_path / "bad.ipynb"
    with pytest.raises(PapermillExecutionError) as failed:
        execute(
            NOTEBOOK_DIR / "province_review.ipynb",
            target,
            {"unit": "legacy/45", "period": "2025", "data_dir": str(data_dir)},
        )
    # the set-up cell stopped the notebook, with the reason in one line
    assert "check_parameters(" in failed.value.source
    assert (failed.value.ename, failed.value.evalue) == (
        "InputError",
        "unit legacy/45 is a legacy province, which ceased to exist on 1 July 2025; period 2025 "
        "ends after June 2025: use the current province 44 instead",
    )
    assert not target.exists()  # nothing written


def test_stored_outputs_are_the_seed_review():
    nb = nbformat.read(NOTEBOOK_DIR / "province_review.ipynb", 4)
    values = recorded(nb)
    assert values["legacy/45|cccd_issued_total"] == 584405
    assert values["legacy/45|eid_applications_total"] == 269362
    assert values["legacy/45|eid_activated_total"] == 180646
    assert values["legacy/45|dossiers_synced_pct"] == 100
    # one figure per indicator of the catalog, each a plain number or null
    assert len(values) == len(reference.catalog()["indicators"])
    assert {type(v) for v in values.values()} <= {int, float, type(None)}


# ---- the official Decision 766 index in each review, from the sample ------------------------------


def _official_totals(data_dir, period: str, where: str) -> dict:
    """The portal's totals of the latest snapshot, by unit, read from the sample's files with
    plain DuckDB SQL: (score, date) for each province (`where` picks the level)."""
    import duckdb

    files = str(data_dir / "processed" / "index_766" / "*.parquet")
    rows = duckdb.sql(
        f"""select coalesce(commune_code, province_code), score, as_of from '{files}'
            where period = '{period}' and "group" = 'total' and {where}
            qualify as_of = max(as_of) over (partition by coalesce(commune_code, province_code))"""
    ).fetchall()
    return {unit: (score, day) for unit, score, day in rows}


def _sentence_figures(totals: dict, unit: str) -> tuple[str, str, str]:
    """The unit's score, its rank among the others (ties share the best) and the date, as the
    sentence writes them."""
    score, day = totals[unit]
    rank = 1 + sum(s > score for s, _ in totals.values())
    return f"{score:.2f}".replace(".", ","), f"{rank}/{len(totals)}", f"{day:%d/%m/%Y}"


def test_the_province_review_leads_with_the_official_index(small_sample, tmp_path):
    data_dir, _ = small_sample
    nb = execute(
        NOTEBOOK_DIR / "province_review.ipynb",
        tmp_path / "official.ipynb",
        {"unit": "44", "period": "2025", "lang": "vi", "data_dir": str(data_dir)},
    )
    totals = _official_totals(data_dir, "2025", "unit_level = 'province'")
    score, rank, day = _sentence_figures(totals, "44")
    html = render_html(nb, "44")
    assert (
        f"của tỉnh đạt {score} điểm, xếp thứ {rank} tỉnh, thành phố (số liệu Cổng Dịch vụ công quốc gia "
        f"cập nhật ngày {day})"
    ) in html
    assert (
        html.index("2. Bộ chỉ số phục vụ người dân")
        < html.index(f"đạt {score} điểm")
        < html.index("3. Thủ tục")
    )
    assert "Ước tính theo cùng công thức từ dữ liệu của địa phương" in html
    assert "Bộ chỉ số QĐ 766 qua các lần cập nhật — năm 2025" in html  # the trend chart's title
    assert "Các xã, phường có điểm thấp nhất: " in html and "Các sở, ban, ngành có điểm thấp nhất: " in html
    document = read(nb, "document")
    assert document["official"]["held"] and f"đạt {score} điểm" in document["official"]["sentence"]


def test_the_commune_review_shows_its_official_figures(small_sample, tmp_path):
    data_dir, _ = small_sample
    nb = execute(
        NOTEBOOK_DIR / "commune_review.ipynb",
        tmp_path / "commune.ipynb",
        {"unit": "19333", "period": "2025", "lang": "vi", "data_dir": str(data_dir)},
    )
    totals = _official_totals(data_dir, "2025", "unit_level = 'commune' and province_code = '44'")
    score, rank, day = _sentence_figures(totals, "19333")
    html = render_html(nb, "19333")
    assert (
        f"của phường đạt {score} điểm, xếp thứ {rank} xã, phường trong tỉnh (số liệu Cổng Dịch vụ công quốc "
        f"gia cập nhật ngày {day})"
    ) in html


def test_the_national_overview_ranks_the_provinces_by_the_official_index(small_sample, tmp_path):
    data_dir, _ = small_sample
    nb = execute(
        NOTEBOOK_DIR / "national_overview.ipynb",
        tmp_path / "national-2025.ipynb",
        {"period": "2025", "lang": "vi", "data_dir": str(data_dir)},
    )
    totals = _official_totals(data_dir, "2025", "unit_level = 'province'")
    values = recorded(nb)
    for unit, (score, _) in totals.items():
        assert values[f"{unit}|index_766"] == pytest.approx(score)
    html = render_html(nb, "national")
    day = f"{next(iter(totals.values()))[1]:%d/%m/%Y}"
    assert f"Chỉ số QĐ 766 (chính thức): số liệu Cổng Dịch vụ công quốc gia cập nhật ngày {day}." in html
    assert "Chỉ số QĐ 766 (chính thức) — năm 2025" in html  # its ranking chart, beside the estimate's
