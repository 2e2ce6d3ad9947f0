from datetime import date

import matplotlib.colors as mcolors
import pandas as pd
import pytest

from helpers.report import plots


def test_ranking_highlights_the_unit_and_orders_best_first():
    values = pd.Series({"A": 50.0, "Quảng Trị": 81.25, "C": 99.0, "D": float("nan")})
    fig = plots.ranking_chart(values, "Quảng Trị", "Tỷ lệ", "Tỷ lệ (%)", lang="vi")
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.texts if t.get_ha() == "right"]
    assert names == ["A", "Quảng Trị", "C"]  # bottom to top: best (C) at the top; D missing
    (bars,) = ax.collections  # one collection of bars, bottom to top
    widths = [path.vertices[:, 0].max() for path in bars.get_paths()]
    assert widths == [50.0, 81.25, 99.0]
    colors = [mcolors.to_hex(c) for c in bars.get_facecolors()]
    assert colors[1] == plots.HIGHLIGHT and colors[0] == colors[2] == plots.OTHERS
    assert ax.get_xlim() == (0, 99.0 * 1.12)  # room for the best value's label
    assert [t.get_fontweight() for t in ax.texts if t.get_text() == "Quảng Trị"] == ["bold"]
    labels = [t.get_text().strip() for t in ax.texts]
    # names and values bottom to top, Vietnamese decimal comma; 81.25 is exact in binary and
    # one decimal rounds it half to even: 81,2
    assert labels == ["A", "50,0", "Quảng Trị", "81,2", "C", "99,0"]
    assert ax.get_title() == "Tỷ lệ" and ax.get_xlabel() == "Tỷ lệ (%)"


def test_trend_chart_labels_months_and_numbers_by_language():
    frame = pd.DataFrame(
        {"x": [1000.0, 2500.0, 584405.0]}, index=[date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    )
    fig = plots.trend_chart(
        frame, {"x": "Cards"}, "Title", "Count", "Month", lang="en", target=3000, target_label="Target"
    )
    ax = fig.axes[0]
    fig.canvas.draw()
    assert [t.get_text() for t in ax.texts] == ["2024-01", "2024-02", "2024-03"]  # months under the axis
    assert ax.get_xticks().size == 0  # drawn as text, not ticks
    # the value axis spans the data with matplotlib's 5% margins: the month lines do not stretch it
    assert ax.get_ylim()[0] == pytest.approx(1000 - 0.05 * (584405 - 1000))
    assert any("," in t.get_text() for t in ax.get_yticklabels())  # 100,000 style
    assert ax.get_ylabel() == "Count" and ax.get_title() == "Title"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Cards", "Target"]


def test_funnel_shows_values_and_shares():
    fig = plots.funnel_chart([("Hồ sơ", 269362), ("Kích hoạt", 180646)], "Phễu", "Người", "vi")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert " 269.362 (100,0%)" in texts and " 180.646 (67,1%)" in texts


def test_stacked_bars_add_up():
    frame = pd.DataFrame({"a": [1, 2], "b": [3, 0]}, index=["X", "Y"])
    fig = plots.stacked_bars(frame, {"a": "A", "b": "B"}, "T", "n", "en")
    ax = fig.axes[0]
    ends = [[float(p.vertices[:, 0].max()) for p in part.get_paths()] for part in ax.collections]
    assert ends == [[1, 2], [4, 2]]  # part a: X 1, Y 2; then b stacked on it: X 1+3, Y 2+0
    assert [t.get_text() for t in ax.get_yticklabels()] == ["X", "Y"] and ax.get_yticks()[0] == 1  # X on top
    assert ax.get_xlim() == (0, 4 * 1.05)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "B"]
