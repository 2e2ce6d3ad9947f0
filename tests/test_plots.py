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
    assert ax.get_xlim() == (0, 99.0 * 1.15)  # room for the best value's label
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
    assert [t.get_text() for t in ax.texts] == ["Jan 2024", "Feb 2024", "Mar 2024"]  # months under the axis
    assert ax.get_xticks().size == 0  # drawn as text, not ticks
    # the value axis spans the data with matplotlib's 5% margins: the month lines do not stretch it
    assert ax.get_ylim()[0] == pytest.approx(1000 - 0.05 * (584405 - 1000))
    assert any("," in t.get_text() for t in ax.get_yticklabels())  # 100,000 style
    assert ax.get_ylabel() == "Count" and ax.get_title() == "Title"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Cards", "Target"]


def test_funnel_shows_values_and_shares():
    fig = plots.funnel_chart([("Hồ sơ", 269362), ("Kích hoạt", 180646)], "Phễu", "Người", "vi")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert " 269.362 (100,00%)" in texts and " 180.646 (67,06%)" in texts


def test_stacked_bars_add_up():
    frame = pd.DataFrame({"a": [1, 2], "b": [3, 0]}, index=["X", "Y"])
    fig = plots.stacked_bars(frame, {"a": "A", "b": "B"}, "T", "n", "en")
    ax = fig.axes[0]
    ends = [[float(p.vertices[:, 0].max()) for p in part.get_paths()] for part in ax.collections]
    assert ends == [[1, 2], [4, 2]]  # part a: X 1, Y 2; then b stacked on it: X 1+3, Y 2+0
    assert [t.get_text() for t in ax.get_yticklabels()] == ["X", "Y"] and ax.get_yticks()[0] == 1  # X on top
    assert ax.get_xlim() == (0, 4 * 1.05)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "B"]


def test_months_are_labelled_so_that_their_labels_fit():
    assert [plots.month_step(n) for n in (3, 7, 8, 12, 24, 36, 60, 120)] == [1, 1, 2, 2, 6, 6, 12, 24]


@pytest.mark.parametrize(
    ("n", "mine", "expected"),
    [
        (10, 8, list(range(10))),  # short: every peer
        (34, 20, [0, 1, 2, 3, 4, None, 17, 18, 19, 20, 21, 22, 23, None]),
        (63, 1, [0, 1, 2, 3, 4, None]),  # the unit among the leaders: the leaders alone
        (34, 33, [0, 1, 2, 3, 4, None, 30, 31, 32, 33]),  # the last: nothing after it
        (34, None, list(range(34))),  # no unit to centre on
    ],
)
def test_a_long_ranking_shows_the_leaders_and_the_nearest_peers(n, mine, expected):
    assert plots.focus_positions(n, mine) == expected


def test_a_focused_ranking_numbers_its_rows_and_marks_the_gaps():
    values = pd.Series({f"P{i:02d}": 100.0 - i for i in range(63)})
    fig = plots.ranking_chart(values, "P40", "T", "x", focus=True, footnote="note")
    names = [t.get_text() for t in fig.axes[0].texts if t.get_ha() == "right"][::-1]  # top to bottom
    assert names == ["1. P00", "2. P01", "3. P02", "4. P03", "5. P04", "…"] + [
        f"{i + 1}. P{i:02d}" for i in range(37, 44)
    ] + ["…"]
    assert "note" in [t.get_text() for t in fig.texts]


def test_months_on_too_few_dossiers_are_drawn_off_the_line():
    months = [date(2025, m, 1) for m in (1, 2, 3, 4)]
    frame = pd.DataFrame({"x": [50.0, 0.0, 100.0, 60.0]}, index=months)
    small = pd.DataFrame({"x": [False, True, True, False]}, index=months)
    fig = plots.trend_chart(frame, {"x": "X"}, "T", "%", "M", "en", small=small, small_label="few")
    line, marks = fig.axes[0].lines
    assert [v == v for v in line.get_ydata()] == [True, False, False, True]  # no jump through them
    assert list(marks.get_ydata()) == [0.0, 100.0] and marks.get_markerfacecolor() == "white"
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["X", "few"]


def _smallest_printed_font(fig) -> float:
    """The smallest text of a figure in points as the Word report prints it (the PNG's
    width shown at `document.chart_width_mm`)."""
    from helpers.report.document import chart_width_mm

    png = plots.png_bytes(fig)
    inches = int.from_bytes(png[16:20], "big") / plots.STYLE["savefig.dpi"]
    scale = chart_width_mm(png) / (inches * 25.4)
    texts = fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
    sizes = [t.get_fontsize() for t in texts if t.get_text().strip()]
    return min(sizes) * scale


@pytest.mark.parametrize("peers", [34, 63])
def test_a_ranking_of_every_province_prints_no_label_under_7_points(peers):
    values = pd.Series({f"Tỉnh số {i}": 90.0 - i / 2 for i in range(peers)})
    fig = plots.ranking_chart(
        values, "Tỉnh số 30", "Điểm QĐ 766 — năm 2025", "Điểm", focus=True, footnote="…"
    )
    assert _smallest_printed_font(fig) >= 7


def test_trend_tasks_and_comparison_charts_print_no_label_under_7_points():
    months = [date(2023 + m // 12, m % 12 + 1, 1) for m in range(36)]
    frame = pd.DataFrame({c: [float(i) for i in range(36)] for c in "abcd"}, index=months)
    labels = {c: f"Series {c} with a long name" for c in "abcd"}
    tasks = pd.DataFrame({"a": [1, 2] * 6, "b": [0, 1] * 6}, index=[f"Sở số {i} của tỉnh" for i in range(12)])
    grouped = pd.DataFrame({"v": [40.0, 60.0], "p": [50.0, 55.0], "b": [90.0, 99.0]}, index=["A", "B"])
    for fig in (
        plots.trend_chart(frame, labels, "A title", "%", "Month", "vi", target=50, target_label="Target"),
        plots.stacked_bars(tasks, {"a": "On time", "b": "Late"}, "Tasks", "n"),
        plots.grouped_bars(grouped, {"v": "This", "p": "Province", "b": "Best"}, "T", "%"),
        plots.funnel_chart([("A", 269362), ("B", 180646)], "Funnel", "People"),
    ):
        assert _smallest_printed_font(fig) >= 7


def test_a_legend_sits_inside_its_chart():
    tasks = pd.DataFrame({"a": [1], "b": [2], "c": [0]}, index=["Sở Tư pháp"])
    grouped = pd.DataFrame({"v": [40.0], "p": [50.0], "b": [90.0]}, index=["A"])
    for fig in (
        plots.stacked_bars(tasks, {"a": "Đúng hạn", "b": "Trễ hạn", "c": "Chưa hoàn thành"}, "T", "n"),
        plots.grouped_bars(grouped, {"v": "Xã, phường", "p": "Toàn tỉnh", "b": "Xã cao nhất"}, "T", "%"),
    ):
        fig.canvas.draw()
        box = fig.axes[0].get_legend().get_window_extent()
        assert box.y0 >= 0 and box.x0 >= 0 and box.x1 <= fig.bbox.width, "legend clipped"


def test_text_from_data_is_never_mathematics():
    fig = plots.stacked_bars(pd.DataFrame({"a": [1]}, index=["Sở $x$ và $"]), {"a": "A"}, "T", "n")
    fig.canvas.draw()  # an unbalanced `$` would raise here if labels were parsed as mathematics
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Sở $x$ và $"]


def test_svg_of_a_chart_is_matplotlibs_own_with_each_text_measured_once():
    import io

    from helpers.report import svg_canvas

    frame = pd.DataFrame({"x": [1.0, 5.0, 3.0]}, index=[date(2025, m, 1) for m in (1, 2, 3)])

    def chart():
        return plots.trend_chart(frame, {"x": "Hồ sơ trực tuyến"}, "Tỷ lệ hồ sơ", "%", "vi")

    own = io.StringIO()
    chart().savefig(own, format="svg", metadata={"Date": None, "Creator": None})
    svg_canvas._measured.cache_clear()
    first = plots.svg_text(chart())
    measured = svg_canvas._measured.cache_info()
    second = plots.svg_text(chart())
    again = svg_canvas._measured.cache_info()
    assert first == second == own.getvalue()  # the same bytes as matplotlib's SVG canvas
    assert measured.misses > 0 and again.misses == measured.misses  # the second chart measured nothing
    assert again.hits > measured.hits
