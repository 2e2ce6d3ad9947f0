"""Shortcomings, key tasks, lagging communes and commendations, from the hand-made fixture
of test_indicators (period 2024-Q1, baseline 2023-Q1)."""

import pandas as pd
import pytest
from test_indicators import C74, C77, C79

from helpers.core.periods import parse_period
from helpers.engine.indicators import review
from helpers.report import findings


@pytest.fixture(scope="module")
def communes(data_dir):
    return review("79", "2024-Q1", "2023-Q1", level="commune", data_dir=data_dir, lang="en")


def test_lagging_communes_lowest_first(communes):
    lag = findings.lagging_communes(communes, n=3, indicators=["dossiers_online_pct"])
    # online: C77 0 of 1, C79 1 of 2, C74 2 of 3; communes without dossiers are left out
    assert lag["unit"].tolist() == [C77, C79, C74]
    assert lag["value"].tolist() == pytest.approx([0.0, 50.0, 100 * 2 / 3])


def test_shortcomings_and_next_tasks_are_written_from_the_figures(data_dir, communes):
    unit = review("79", "2024-Q1", "2023-Q1", data_dir=data_dir, lang="en")
    lag = findings.lagging_communes(communes, n=1, indicators=["dossiers_on_time_pct"])
    lines = findings.shortcomings(unit, lag, "en")
    # published 5 of 6 (83.33%) against a 100% target; on time 2 of 3 (66.67%) against 95%: figures
    # with two decimals, targets as set, gaps in percentage points written out in a sentence
    assert (
        "Procedures published on the National Public Service Portal: 83.33%, short of the "
        "100% target (a gap of 16.67 percentage points)."
    ) in lines
    assert any(line.startswith("Dossiers settled on time: 66.67%, short of the 95%") for line in lines)
    # on time fell from 100% (2023-Q1: d11 and d12 on time) to 66.67%
    assert "Dossiers settled on time fell against the baseline: 100.00% → 66.67%." in lines
    assert lines[-1].startswith("Communes lowest on “Dossiers settled on time”:")
    tasks = findings.next_tasks(unit, lag, parse_period("2024-Q1"), "en", ["Công an tỉnh"])
    on_time = [t for t in tasks if t.startswith("Raise “Dossiers settled on time”")]
    assert on_time and "from 66.67% to 95% in Q2 2024, starting with" in on_time[0]
    assert tasks[-1] == "Complete the 2 overdue tasks (lead units: Công an tỉnh)."


def test_vietnamese_wording():
    unit = pd.DataFrame(
        [
            {
                "indicator": "dossiers_online_pct",
                "name": "Tỷ lệ hồ sơ nộp trực tuyến",
                "value": 48.85,
                "target": 50.0,
                "status": "not_achieved",
                "unit_of_measure": "pct",
                "change_pp": 36.85,
                "baseline_value": 12.0,
            }
        ]
    )
    lines = findings.shortcomings(unit, unit.head(0), "vi")
    assert lines == [
        "Tỷ lệ hồ sơ nộp trực tuyến đạt 48,85%, chưa đạt mục tiêu 50% (còn thiếu 1,15 điểm phần trăm)."
    ]
    # a name in the middle of a sentence is in sentence case; an abbreviation keeps its capitals
    lagging = pd.DataFrame(
        [{"indicator": "dossiers_online_pct", "name": "Tỷ lệ hồ sơ nộp trực tuyến", "unit": "1",
          "unit_name": "Xã A", "value": 20.0, "unit_of_measure": "pct"}]
    )  # fmt: skip
    tasks = findings.next_tasks(unit, lagging, parse_period("2025"), "vi")
    assert tasks == [
        "Nâng tỷ lệ hồ sơ nộp trực tuyến từ 48,85% lên 50% trong năm 2026, tập trung vào Xã A (20,00%)."
    ]
    assert findings.in_sentence("TTHC có DVCTT", "vi") == "TTHC có DVCTT"


def test_commendations_best_and_most_improved(communes):
    table = findings.commendations(communes, "en", indicators=["dossiers_online_pct"])
    rows = table.values.tolist()
    # best online: Phường… of C74 (66.7%); most improved: C74 again (0% in 2023-Q1 → 66.7%)
    names = communes.drop_duplicates("unit").set_index("unit")["unit_name"]
    assert rows == [
        [names[C74], "Best on “Dossiers submitted online” (66.67%)"],
        [names[C74], "Largest improvement on “Dossiers submitted online” (+66.67 percentage points)"],
    ]


def test_furthest_from_targets_when_a_province_misses_only_counts():
    from helpers.report.overview import furthest_from_targets

    table = pd.DataFrame(
        {
            "unit_name": ["A", "B", "B"],
            "indicator": ["tasks_overdue", "dossiers_online_pct", "tasks_overdue"],
            "name": ["Overdue", "Online", "Overdue"],
            "status": ["not_achieved"] * 3,
            "unit_of_measure": ["count", "pct", "count"],
            "target": [0.0, 50.0, 0.0],
            "value": [3.0, 40.0, 1.0],
        }
    )
    out = furthest_from_targets(table, "en").set_index("Province")
    # B misses two targets, one of them by 10 points; A misses a count only: no gap in points
    assert list(out.index) == ["B", "A"]
    assert out.loc["B", "Indicators not achieved"] == 2 and out.loc["B", "Largest gap"] == "Online: 10.00 pp"
    assert out.loc["A", "Largest gap"] == "–"
