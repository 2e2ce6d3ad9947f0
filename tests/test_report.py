"""Report parameters, heading facts, the synthetic-data notice and styled tables."""

from datetime import date

import pandas as pd
import pytest

from helpers.core.errors import InputError
from helpers.core.paths import REPO, resolve_data_dir
from helpers.core.text import text
from helpers.report import heading, tables
from helpers.report.params import check_parameters


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
        check_parameters(**args)


def test_missing_data_is_named(tmp_path):
    with pytest.raises(InputError, match="no canonical tables"):
        check_parameters("2024", data_dir=str(tmp_path), unit="44")


def test_data_dir_defaults_to_environment_then_repository(monkeypatch, tmp_path):
    monkeypatch.setenv("P06_DATA_DIR", str(tmp_path))
    assert resolve_data_dir("") == tmp_path
    monkeypatch.delenv("P06_DATA_DIR")
    assert resolve_data_dir("") == REPO / "data"
    assert str(resolve_data_dir("x/y")) == "x/y"


def test_heading_names_unit_period_boundaries_and_sources(data_dir):
    p = check_parameters("2024-Q1", "en", str(data_dir), unit="79", baseline="2023-Q1")
    assert heading.title(p) == "Project 06 review — Ho Chi Minh City"
    facts = heading.facts(p).set_index("Item")["Detail"]
    assert "Binh Duong (74), Ba Ria - Vung Tau (77), Ho Chi Minh City (79)" in facts["Boundaries"]
    # rows up to the end of the period only: all but d5 (April 2024), d13 and d14 (2025)
    assert "Data on administrative dossiers: 11 rows, February 2023 to March 2024" in facts["Data sources"]
    assert (facts["Period"], facts["Baseline"]) == ("Q1 2024", "Q1 2023")  # in words, not the syntax
    assert heading.synthetic_notice(p.data_dir, "en") is None  # the fixture is not the sample


def test_coverage_is_stated_where_the_data_covers_part_of_the_period(data_dir):
    from helpers.engine.indicators import review

    p = check_parameters("2024-Q1", "en", str(data_dir), unit="79", baseline="2023-Q1")
    indicators = review("79", "2024-Q1", "2023-Q1", data_dir=data_dir, lang="en")
    # services: only March 2024 in the fixture; dossiers: every month of the quarter
    line = heading.coverage_line(indicators, "en")
    assert "data on health, social security and specialised records: 1 of 3 months" in line
    assert "dossiers" not in line
    assert heading.facts(p, indicators).set_index("Item")["Detail"]["Data of the period"] == line


def test_notice_shows_for_the_sample(small_sample):
    data_dir, _ = small_sample
    p = check_parameters("2022-01..2023-12", "vi", str(data_dir), unit="legacy/45")
    assert heading.synthetic_notice(p.data_dir, "vi").startswith("DỮ LIỆU MẪU TỔNG HỢP")
    assert heading.boundaries(p) == "63 tỉnh, thành phố trước ngày 1/7/2025"


def test_text_and_styled_tables():
    assert text("subtitle", "en", period="2024", baseline="2021") == "Period: 2024 · Baseline: 2021"
    frame = pd.DataFrame({"A": ["<b>x</b>"], "B": [1234.5]})
    html = tables.styled(frame, "t", formats=tables.number_formats({"B": "pct"}, "vi")).to_html()
    assert "1.234,50%" in html and 'id="T_t"' in html and 'class="p06"' in html
    assert tables.styled(frame, "t").to_html() == tables.styled(frame, "t").to_html()  # same bytes


def test_a_baseline_the_data_does_not_reach_is_said_with_the_earliest_it_covers(data_dir):
    # the fixture's first rows are of February 2023 (tasks are placed in time by their deadline,
    # the first June 2023): 2021 is out of reach; the earliest baseline is February to December 2023
    p = check_parameters("2024-Q1", "en", str(data_dir), unit="79", baseline="2021")
    facts = heading.facts(p).set_index("Item")["Detail"]
    assert facts["Baseline"] == (
        "The data does not reach the baseline (2021): it starts in February 2023, so baseline values "
        "and changes are left empty. The earliest baseline the data covers: February 2023 to December 2023."
    )
    assert (
        heading.baseline_gap(check_parameters("2024-Q1", "en", str(data_dir), unit="79", baseline="2023"))
        is None
    )


@pytest.mark.parametrize(
    ("first", "period", "expected"),
    [
        (date(2024, 1, 1), "2025", "2024"),  # a whole year before the period
        (date(2024, 3, 1), "2025", "2024-03..2024-12"),  # the months before the period
        (date(2025, 2, 1), "2025", None),  # no month before the period
        (date(2022, 6, 1), "2024-Q1", "2023"),
    ],
)
def test_the_earliest_baseline_the_data_covers(first, period, expected):
    from helpers.core.periods import parse_period

    found = heading.earliest_baseline(first, parse_period(period))
    assert (str(found) if found else None) == expected
