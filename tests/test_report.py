"""Report parameters, heading, banner and tables."""

import pandas as pd
import pytest

from helpers import report
from helpers.errors import InputError


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unit": "99", "period": "2024"}, "unknown unit"),
        ({"unit": "44", "period": "2024-13"}, "invalid period"),
        ({"unit": "legacy/45", "period": "2025"}, "ceased to exist"),
        ({"unit": "legacy/45", "period": "2024", "baseline": "2025-Q3"}, "ceased to exist"),
        ({"unit": "44", "period": "2024", "lang": "fr"}, "unknown language"),
    ],
)
def test_bad_parameters_are_named(data_dir, kwargs, message):
    args = {"lang": "vi", "data_dir": str(data_dir), **kwargs}
    with pytest.raises(InputError, match=message):
        report.check_parameters(**args)


def test_missing_data_is_named(tmp_path):
    with pytest.raises(InputError, match="no canonical tables"):
        report.check_parameters("2024", data_dir=str(tmp_path), unit="44")


def test_data_dir_defaults_to_environment_then_repository(monkeypatch, tmp_path):
    monkeypatch.setenv("P06_DATA_DIR", str(tmp_path))
    assert report.resolve_data_dir("") == tmp_path
    monkeypatch.delenv("P06_DATA_DIR")
    assert report.resolve_data_dir("") == report.REPO / "data"
    assert str(report.resolve_data_dir("x/y")) == "x/y"


def test_heading_names_unit_period_boundaries_and_sources(data_dir):
    p = report.check_parameters("2024-Q1", "en", str(data_dir), unit="79", baseline="2023-Q1")
    html = report.heading(p)
    assert "Project 06 review — Ho Chi Minh City" in html
    assert "Binh Duong (74), Ba Ria - Vung Tau (77), Ho Chi Minh City (79)" in html
    # rows up to the end of the period only: all but d5 (April 2024), d13 and d14 (2025)
    assert "dossiers: 11 rows, 02/2023 – 03/2024" in html
    assert "SYNTHETIC SAMPLE DATA" not in html  # the fixture is not the sample


def test_banner_shows_for_the_sample(small_sample):
    data_dir, _ = small_sample
    p = report.check_parameters("2022-01..2023-12", "vi", str(data_dir), unit="legacy/45")
    assert "DỮ LIỆU MẪU TỔNG HỢP" in report.heading(p)
    assert report.boundaries(p) == "63 tỉnh, thành phố trước ngày 1/7/2025"


def test_text_and_table_html():
    assert report.text("subtitle", "en", period="2024", baseline="2021") == "Period: 2024 · Baseline: 2021"
    html = report.table_html(
        pd.DataFrame({"A": ["<b>x</b>"], "B": ["1.0"], "S": ["Đạt"]}), numeric=["B"], status="S"
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in html and '<td class="num">1.0</td>' in html
    assert '<td class="p06-ok">Đạt</td>' in html
