from datetime import date

import pytest

from helpers.core.errors import InputError
from helpers.core.periods import from_months, parse_period, resolve_baseline


@pytest.mark.parametrize(
    ("text", "start", "end", "n"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 1), 12),
        ("2024-Q3", date(2024, 7, 1), date(2024, 9, 1), 3),
        ("2024-q1", date(2024, 1, 1), date(2024, 3, 1), 3),
        ("2024-07", date(2024, 7, 1), date(2024, 7, 1), 1),
        ("2022..2023", date(2022, 1, 1), date(2023, 12, 1), 24),
        ("2022-01..2023-12", date(2022, 1, 1), date(2023, 12, 1), 24),
        ("2024-Q4..2025-02", date(2024, 10, 1), date(2025, 2, 1), 5),
    ],
)
def test_parse_period(text, start, end, n):
    p = parse_period(text)
    assert (p.start, p.end, p.n_months) == (start, end, n)
    assert len(p.months()) == n
    assert p.months()[0] == start and p.months()[-1] == end


def test_label_normalises_quarter_case():
    assert str(parse_period("2024-q3")) == "2024-Q3"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "24",
        "2024-13",
        "2024-Q5",
        "2024-00",
        "2023..2022",
        "2022-05..2022-04",
        "2021..2022..2023",
        "last year",
    ],
)
def test_malformed_periods_are_input_errors(text):
    with pytest.raises(InputError, match="period"):
        parse_period(text)


def test_end_day():
    assert parse_period("2024-02").end_day == date(2024, 2, 29)
    assert parse_period("2023-02").end_day == date(2023, 2, 28)
    assert parse_period("2022..2023").end_day == date(2023, 12, 31)


def test_previous_is_the_equal_period_before():
    assert parse_period("2024-Q1").previous() == parse_period("2023-Q4")
    assert str(parse_period("2024").previous()) == "2023"
    prev = parse_period("2022-01..2023-12").previous()
    assert (prev.start, prev.end) == (date(2020, 1, 1), date(2021, 12, 1))


def test_baseline_defaults_to_2021_and_accepts_previous():
    p = parse_period("2024")
    assert str(resolve_baseline(None, p)) == "2021"
    assert str(resolve_baseline("previous", p)) == "2023"
    assert str(resolve_baseline("2020-Q4", p)) == "2020-Q4"


def test_from_months_picks_the_shortest_label():
    assert str(from_months(date(2024, 4, 1), date(2024, 6, 1))) == "2024-Q2"
    assert str(from_months(date(2022, 1, 1), date(2023, 12, 1))) == "2022..2023"
    assert str(from_months(date(2024, 5, 1), date(2024, 5, 1))) == "2024-05"
    assert str(from_months(date(2024, 5, 1), date(2024, 8, 1))) == "2024-05..2024-08"


def test_next_is_the_equal_period_after():
    assert str(parse_period("2024-Q4").next()) == "2025-Q1"
    assert str(parse_period("2022-01..2023-12").next()) == "2024..2025"
    assert str(parse_period("2024-07").next()) == "2024-08"
