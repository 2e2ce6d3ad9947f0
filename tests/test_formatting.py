"""Numbers, periods and dates as each language writes them: one precision per kind of
figure, periods in words (never the command line's syntax), names in sentence case, and
what a reader must read beside a figure."""

from datetime import date

import pytest

from helpers.core.formatting import (
    format_change,
    format_target,
    format_value,
    in_sentence,
    month_short,
    month_words,
    period_words,
)
from helpers.core.periods import parse_period
from helpers.report.sections import qualifier, with_qualifier


@pytest.mark.parametrize(
    ("period", "lang", "label", "phrase", "within"),
    [
        ("2025", "vi", "năm 2025", "năm 2025", "trong năm 2025"),
        ("2025-Q3", "vi", "quý III/2025", "quý III/2025", "trong quý III/2025"),
        ("2024-03", "vi", "tháng 03/2024", "tháng 03/2024", "trong tháng 03/2024"),
        ("2022..2023", "vi", "giai đoạn 2022 – 2023", "giai đoạn 2022 – 2023", "trong giai đoạn 2022 – 2023"),
        (
            "2022-01..2023-12",
            "vi",
            "giai đoạn 2022 – 2023",
            "giai đoạn 2022 – 2023",
            "trong giai đoạn 2022 – 2023",
        ),
        (
            "2024-02..2024-06",
            "vi",
            "từ tháng 02/2024 đến tháng 06/2024",
            "từ tháng 02/2024 đến tháng 06/2024",
            "từ tháng 02/2024 đến tháng 06/2024",
        ),
        ("2025", "en", "2025", "in 2025", "in 2025"),
        ("2025-Q3", "en", "Q3 2025", "in Q3 2025", "in Q3 2025"),
        ("2024-03", "en", "March 2024", "in March 2024", "in March 2024"),
        ("2022..2023", "en", "2022–2023", "in 2022–2023", "in 2022–2023"),
        (
            "2022-01..2023-06",
            "en",
            "January 2022 to June 2023",
            "from January 2022 to June 2023",
            "from January 2022 to June 2023",
        ),
    ],
)
def test_a_period_as_each_language_writes_it(period, lang, label, phrase, within):
    p = parse_period(period)
    assert (period_words(p, lang), period_words(p, lang, "phrase"), period_words(p, lang, "within")) == (
        label,
        phrase,
        within,
    )


def test_months_and_their_short_form():
    assert month_words(date(2024, 5, 17), "vi") == "tháng 05/2024"
    assert month_words(date(2024, 5, 17), "en") == "May 2024"
    assert [month_short(date(2024, 9, 1), lang) for lang in ("vi", "en")] == ["09/2024", "Sep 2024"]


def test_one_precision_per_kind_of_figure():
    assert [format_value(v, "pct", "vi") for v in (99.314, 70.3, 100.0)] == ["99,31%", "70,30%", "100,00%"]
    assert format_value(62.176, "score", "vi") == "62,18" and format_value(584405, "count", "vi") == "584.405"
    assert format_value(48.85, "pct", "en") == "48.85%" and format_value(None, "pct", "en") == "–"
    # targets are written as the document that sets them writes them
    assert [format_target(t, "pct", "vi") for t in (100.0, 80.0, 62.5)] == ["100%", "80%", "62,5%"]
    # a change in percentage points: short in a table cell, in words in a sentence
    assert format_change(36.85, "pct", "vi") == "+36,85 điểm %"
    assert format_change(20.0, "pct", "vi", words=True) == "+20,00 điểm phần trăm"
    assert format_change(-3.09, "pct", "en", words=True) == "-3.09 percentage points"


def test_names_in_the_middle_of_a_sentence():
    assert in_sentence("Tỷ lệ hồ sơ nộp trực tuyến", "vi") == "tỷ lệ hồ sơ nộp trực tuyến"
    assert in_sentence("Điểm QĐ 766", "vi") == "điểm QĐ 766"
    assert in_sentence("CCCD đã cấp", "vi") == "CCCD đã cấp"  # an abbreviation keeps its capitals
    assert in_sentence("Dossiers submitted online", "en") == "Dossiers submitted online"  # quoted as is


def test_what_a_reader_reads_beside_a_figure():
    # our Decision 766 estimate over part of the 100 points says which part, whatever its value
    assert with_qualifier("26,10", "score_766", 26.1, 44, "vi") == "26,10 (tính trên 44/100 điểm)"
    assert qualifier("score_766", 30.83, 44.0, "en") == "covers 44 of 100 points"
    assert qualifier("score_766", None, 0, "vi") is None  # no score, nothing to qualify
    # ID card applications above the eligible population: re-issued cards count
    assert qualifier("cccd_coverage_pct", 117.46, 1.0, "vi") == "vượt 100% vì tính cả hồ sơ cấp đổi, cấp lại"
    assert qualifier("cccd_coverage_pct", 98.0, 1.0, "vi") is None
    assert qualifier("dossiers_online_pct", 100.0, 1.0, "vi") is None


def test_every_identifier_a_reader_meets_has_a_name_in_both_languages():
    """Tables, their columns and the parts of the Decision 766 score appear in notes and
    facts by their reader names (report_text.yml), never by their identifiers."""
    from helpers.core.text import reader_name
    from helpers.data.schema import TABLES
    from helpers.engine.score import score_parts

    kinds = [("table", t) for t in TABLES] + [("column", c) for t in TABLES.values() for c in t.names]
    kinds += [("part", p["part"]) for p in score_parts()]
    for lang in ("vi", "en"):
        missing = [f"{kind}_{i}" for kind, i in kinds if reader_name(kind, i, lang) == i]
        assert missing == [], f"no {lang} name in report_text.yml for {missing}"
    assert reader_name("column", "synced", "vi") == "Đồng bộ lên Cổng DVCQG"
