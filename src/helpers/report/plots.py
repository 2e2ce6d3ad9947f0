"""Charts in one style: titled, labelled axes with units, readable at report width, the
highlighted unit in one colour, numbers written the reader's way, Vietnamese diacritics
rendered (DejaVu Sans, shipped with matplotlib, covers them).

Sized for paper: a chart is as wide as the Word report shows it (150 mm), so its type is
printed at the size it is set in, and no label is set under 7.5 pt. In a page the chart
scales to the screen's width. Text is text: labels from data (names of lead units, say)
are never read as mathematics."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from helpers.core.formatting import format_number, format_value, month_short  # noqa: E402

HIGHLIGHT = "#c0392b"
OTHERS = "#9fb3c8"
PALETTE = ["#1f4e79", "#2e86c1", "#48c9b0", "#f39c12", "#8e44ad", "#7f8c8d"]
TARGET = "#2c3e50"
WIDTH = 5.9
"""Inches: the width the Word report prints a chart at (150 mm), so 8 pt is 8 pt on paper."""
SMALLEST_FONT = 7.5
"""No text on a chart is smaller (points, at the printed size)."""

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titley": 1.0,  # a fixed place: finding one (tick labels above?) costs a layout per chart
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#e5e8eb",
    "grid.linewidth": 0.8,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "figure.dpi": 100,
    "savefig.dpi": 150,  # PNG for print: 150 dots per inch at the printed size
    "text.parse_math": False,  # a `$` in a lead unit's name is a dollar sign, not mathematics
    "legend.frameon": False,
    "svg.hashsalt": "p06",
    "svg.fonttype": "none",  # text as text: smaller, faster, and the reader's browser draws the diacritics
}


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes, the same bytes for the same figure, and the figure freed."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def svg_text(fig: Figure, close: bool = True) -> str:
    """The figure as SVG text, the same for the same figure, and the figure freed (unless it
    is to be drawn again)."""
    import io

    from helpers.report.svg_canvas import BACKEND

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, backend=BACKEND)
    if close:
        plt.close(fig)
    return buffer.getvalue()


def use_style() -> None:
    """Apply the report style (idempotent)."""
    plt.rcParams.update(STYLE)


def number_axis(axis, lang: str, decimals: int = 0, integer: bool = False) -> None:
    """Tick labels with the reader's thousands separator and decimal mark; `integer` keeps
    ticks on whole numbers (counts of tasks, say)."""
    if integer:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang, decimals)))


def _fix_margins(
    fig: Figure,
    labels: Sequence[str] = (),
    fontsize: float = 10,
    bottom_in: float = 0.55,
    top_in: float = 0.4,
    right_in: float = 0.25,
) -> None:
    """Margins in inches, sized from the longest category label: the same layout as a
    tight layout, without the extra draw it costs (charts are most of a report's time).
    The title is centred on the figure rather than on the axes, so a long one (wrapped to
    the figure's width by `wrap_title`) never runs off its edge."""
    width, height = fig.get_size_inches()
    longest = max((len(str(label)) for label in labels), default=4)
    left_in = 0.25 + 0.62 * fontsize / 72 * longest
    left, right = min(0.45, left_in / width), 1 - right_in / width
    fig.subplots_adjust(left=left, right=right, bottom=bottom_in / height, top=1 - top_in / height)
    for ax in fig.axes:
        ax.title.set_x((0.5 - left) / (right - left))


def _month_labels(months: Sequence, lang: str) -> list[str]:
    return [month_short(m, lang) for m in months]


def month_step(n: int, most: int = 7) -> int:
    """Every how many months a label is written under a chart of `n` months: all of them up
    to `most`, else every 2, 3, 6, 12... months, so that at most `most` fit the width."""
    for step in (1, 2, 3, 6, 12, 24, 60):
        if -(-n // step) <= most:
            return step
    return -(-n // most)


def _month_axis(ax, positions: list[int], labels: list[str]) -> None:
    """Months along the x axis as plain text under short marks, with light vertical lines:
    the look of tick labels at a fraction of their cost (a tick is a dozen objects to draw).
    Drawn in axes height, so the lines never stretch the value axis."""
    ax.set_xticks([])
    below = blended_transform_factory(ax.transData, ax.transAxes)
    rc = matplotlib.rcParams
    grid = LineCollection([[(p, 0), (p, 1)] for p in positions], colors=rc["grid.color"], zorder=0.5)
    marks = LineCollection([[(p, -0.02), (p, 0)] for p in positions], colors="black", clip_on=False)
    for lines in (grid, marks):
        lines.set(transform=below, linewidth=rc["grid.linewidth"] if lines is grid else 0.8)
        ax.add_collection(lines, autolim=False)
    for position, label in zip(positions, labels, strict=True):
        ax.text(position, -0.035, label, transform=below, ha="center", va="top")
    ax.xaxis.labelpad = 2.0 * rc["font.size"]  # below the month labels, not over them


def _bars(starts: Sequence[float], widths: Sequence[float], ys: Sequence[float], half: float) -> list:
    """Horizontal bars as rectangles for one collection (drawn as one; a bar patch each would
    update the axes' limits once per bar, which the charts here set themselves)."""
    return [
        [(x, y - half), (x + w, y - half), (x + w, y + half), (x, y + half)]
        for x, w, y in zip(starts, widths, ys, strict=True)
    ]


def legend_columns(entries: list[str], fontsize: float = 10, most: int = 4) -> int:
    """As many legend columns as fit the chart's width with the longest entry in each (about
    0.6 of the font size per character, plus the line sample and the gap)."""
    widest = max((len(str(e)) for e in entries), default=1) * 0.6 * fontsize / 72 + 0.75
    return max(1, min(most, len(entries), int((WIDTH - 0.4) // widest)))


def wrap_title(title: str, fontsize: float = 12) -> tuple[str, int]:
    """A chart title broken into lines that fit the chart's width (bold type is about 0.62
    of its size per character), and the number of lines."""
    import textwrap

    lines = textwrap.wrap(title, max(20, int((WIDTH - 0.3) * 72 / (0.62 * fontsize)))) or [""]
    return "\n".join(lines), len(lines)


def _open_circle(color: str) -> dict:
    """A month drawn off its line: an open circle in the line's colour."""
    return {
        "linestyle": "none",
        "marker": "o",
        "markersize": 4.5,
        "markerfacecolor": "white",
        "markeredgecolor": color,
        "markeredgewidth": 1.2,
    }


def trend_chart(
    frame: pd.DataFrame,
    labels: dict[str, str],
    title: str,
    ylabel: str,
    xlabel: str,
    lang: str = "vi",
    target: float | None = None,
    target_label: str | None = None,
    small: pd.DataFrame | None = None,
    small_label: str | None = None,
    integer: bool = False,
) -> Figure:
    """Lines over months, one per column of `frame` (index: months), with an optional target.

    `small` (the same months and columns, True where a month's value rests on too few
    records to read as a rate) draws those months as open circles off the line, with
    `small_label` in the legend, so a rate over four dossiers does not jump across the
    chart. `integer` keeps the value axis on whole numbers (counts)."""
    use_style()
    marked = small is not None and bool(small.to_numpy(dtype=bool).any())
    entries = list(labels.values()) + ([target_label] if target is not None else [])
    entries += [small_label] if marked else []
    columns = legend_columns(entries)
    rows = -(-len(entries) // columns)
    title, title_lines = wrap_title(title)
    extra = 0.22 * (title_lines - 1)
    height = 3.5 + 0.25 * rows + extra
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    x = np.arange(len(frame))
    for column, label in labels.items():
        y = frame[column].to_numpy(dtype=float)
        few = small[column].to_numpy(dtype=bool) if marked and column in small else np.zeros(len(y), bool)
        marker = {"marker": "o", "markersize": 2.5} if marked else {}
        (line,) = ax.plot(x, np.where(few, np.nan, y), label=label, linewidth=2, **marker)
        if few.any():
            ax.plot(x[few], y[few], **_open_circle(line.get_color()))
    if target is not None:
        ax.axhline(target, color=TARGET, linestyle="--", linewidth=1.2, label=target_label)
    handles, names = ax.get_legend_handles_labels()
    if marked:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], **_open_circle("#555555")))
        names.append(small_label)
    step = month_step(len(x))
    _month_axis(ax, list(x[::step]), _month_labels(list(frame.index)[::step], lang))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    number_axis(ax.yaxis, lang, integer=integer)
    bottom = 0.8 + 0.25 * rows  # month labels, the axis title, then the legend's rows
    axes_height = height - 0.4 - extra - bottom
    ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.55 / axes_height), ncol=columns)
    _fix_margins(fig, ["100.000.000"], bottom_in=bottom, top_in=0.4 + extra)
    return fig


def funnel_chart(stages: list[tuple[str, float]], title: str, xlabel: str, lang: str = "vi") -> Figure:
    """Horizontal bars from the first stage to the last, each with its value and its share
    of the first stage."""
    use_style()
    title, title_lines = wrap_title(title)
    top_in = 0.4 + 0.22 * (title_lines - 1)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.6 * len(stages) + 0.8 + top_in))
    labels = [s[0] for s in stages][::-1]
    values = [s[1] for s in stages][::-1]
    bars = ax.barh(labels, values, color=PALETTE[: len(stages)][::-1])
    first = stages[0][1]
    for bar, value in zip(bars, values, strict=True):
        share = f" ({format_value(100 * value / first, 'pct', lang)})" if first else ""
        ax.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f" {format_number(value, lang)}{share}",
            va="center",
            fontsize=9,
        )
    ax.set_xlim(0, max(values) * 1.6 if max(values) > 0 else 1)  # room for the value and share
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    number_axis(ax.xaxis, lang)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    _fix_margins(fig, labels, top_in=top_in)
    return fig


def focus_positions(n: int, mine: int | None, leaders: int = 5, around: int = 3) -> list[int | None]:
    """The positions (0 is best) a ranking of `n` shows when it is too long for paper: the
    leaders, then the unit at `mine` with its nearest peers on either side, `None` marking
    each run left out; all of them when the ranking is short or names no unit."""
    if mine is None or n <= leaders + 2 * around + 3:
        return list(range(n))
    kept = sorted(set(range(leaders)) | set(range(max(0, mine - around), min(n, mine + around + 1))))
    out: list[int | None] = []
    for position in kept:
        if out and out[-1] is not None and position != out[-1] + 1:
            out.append(None)
        out.append(position)
    if out[-1] != n - 1:
        out.append(None)
    return out


def ranking_chart(
    values: pd.Series,
    highlight: str | None,
    title: str,
    xlabel: str,
    lang: str = "vi",
    decimals: int = 1,
    higher_is_better: bool = True,
    focus: bool = False,
    footnote: str | None = None,
) -> Figure:
    """Peers as horizontal bars, best at the top, the unit under review in its own colour.

    `values` is indexed by display name; missing values are left out. With `focus`, a long
    ranking shows its leaders and the unit's nearest peers, each name with its position
    (`6. Quảng Trị`) and a row of dots where peers are left out, so its labels print at
    their size on paper; `footnote` says so under the chart.
    """
    use_style()
    data = values.dropna().sort_values(ascending=not higher_is_better, kind="stable")
    order = list(data.index)
    mine = order.index(highlight) if highlight in order else None
    shown = focus_positions(len(order), mine) if focus else list(range(len(order)))
    numbered = len(shown) < len(order)
    title, title_lines = wrap_title(title)
    top_in = 0.4 + 0.22 * (title_lines - 1)
    bottom_in = 0.55 + (0.3 if footnote else 0.0)
    row = 0.22 if len(shown) <= 40 else 0.17
    fig, ax = plt.subplots(figsize=(WIDTH, row * len(shown) + top_in + bottom_in + 0.35))
    rows = shown[::-1]  # the best at the top
    names = ["…" if p is None else (f"{p + 1}. {order[p]}" if numbered else order[p]) for p in rows]
    heights = np.array([np.nan if p is None else float(data.iloc[p]) for p in rows])
    colors = [HIGHLIGHT if p is not None and order[p] == highlight else OTHERS for p in rows]
    drawn = [i for i, h in enumerate(heights) if h == h]
    bars = _bars([0.0] * len(drawn), heights[drawn], drawn, 0.35)
    ax.add_collection(
        PolyCollection(bars, facecolors=[colors[i] for i in drawn], edgecolors="none"), autolim=False
    )
    # names and values as plain text, not tick labels: a tick is a dozen objects to draw
    at_left = blended_transform_factory(ax.transAxes, ax.transData)
    for y, (value, n, p) in enumerate(zip(heights, names, rows, strict=True)):
        mine_style = (
            {"color": HIGHLIGHT, "fontweight": "bold"} if p is not None and order[p] == highlight else {}
        )
        ax.text(-0.01, y, n, transform=at_left, ha="right", va="center", fontsize=8, **mine_style)
        if value == value:
            label = f" {format_number(value, lang, decimals)}"
            ax.text(value, y, label, va="center", fontsize=SMALLEST_FONT, **mine_style)
    ax.set_yticks([])
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.set_xlim(0, max(np.nanmax(heights) * 1.15, 1) if len(drawn) else 1)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    number_axis(ax.xaxis, lang)
    if footnote:
        fig.text(
            0.01, 0.08 / fig.get_size_inches()[1], wrap_title(footnote, 8)[0], fontsize=8, color="#444444"
        )
    _fix_margins(fig, names, fontsize=8, right_in=0.45, top_in=top_in, bottom_in=bottom_in)
    return fig


def _legend_below(ax, fig, handles_or_none, ncol: int, gap_in: float) -> None:
    """A legend centred under the figure (as the title is: long labels on the left push the
    axes right, and a legend centred on them runs off the edge), its top `gap_in` inches
    below the axes (so it never runs into the axis title nor off the figure, whatever the
    chart's height)."""
    box = ax.get_position()
    axes_height = box.height * fig.get_size_inches()[1]
    centre = (0.5 - box.x0) / box.width
    kwargs = {"loc": "upper center", "bbox_to_anchor": (centre, -gap_in / axes_height), "ncol": ncol}
    if handles_or_none:
        ax.legend(*handles_or_none, **kwargs)
    else:
        ax.legend(**kwargs)


def stacked_bars(
    frame: pd.DataFrame, labels: dict[str, str], title: str, xlabel: str, lang: str = "vi"
) -> Figure:
    """Horizontal stacked bars, one per row of `frame` (index: display names), first row at
    the top; each part one collection of bars."""
    use_style()
    n = len(frame)
    title, title_lines = wrap_title(title)
    top_in = 0.4 + 0.22 * (title_lines - 1)
    columns = legend_columns(list(labels.values()))
    legend_rows = -(-len(labels) // columns)
    bottom_in = 0.75 + 0.25 * legend_rows
    fig, ax = plt.subplots(figsize=(WIDTH, 0.35 * n + top_in + bottom_in + 0.3))
    colors = ["#1e7b34", "#f39c12", "#b03a2e", "#7f8c8d"]
    ys = [n - 1 - i for i in range(n)]  # the first row at the top
    left = [0.0] * n
    for (column, label), color in zip(labels.items(), colors, strict=False):
        widths = frame[column].astype(float).tolist()
        part = PolyCollection(_bars(left, widths, ys, 0.325), facecolors=color, edgecolors="none")
        part.set_label(label)
        ax.add_collection(part, autolim=False)
        left = [x + w for x, w in zip(left, widths, strict=True)]
    top = max((x for x in left if math.isfinite(x)), default=0.0)  # a missing count draws no bar
    ax.set_xlim(0, 1.05 * top if top > 0 else 1)
    ax.set_ylim(-0.325 - 0.05 * (n - 0.35), n - 0.675 + 0.05 * (n - 0.35))  # matplotlib's 5% margins
    ax.set_yticks(ys, list(frame.index))
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    number_axis(ax.xaxis, lang, integer=True)
    _fix_margins(fig, list(frame.index), fontsize=8, bottom_in=bottom_in, top_in=top_in)
    _legend_below(ax, fig, None, columns, 0.55)
    return fig


def grouped_bars(
    frame: pd.DataFrame, labels: dict[str, str], title: str, xlabel: str, lang: str = "vi", decimals: int = 2
) -> Figure:
    """Horizontal bars in groups: one group per row of `frame` (index: display names), one
    bar per column, the first column (the unit under review) highlighted."""
    use_style()
    n_rows, n_cols = len(frame), len(labels)
    title, title_lines = wrap_title(title)
    top_in = 0.4 + 0.22 * (title_lines - 1)
    columns = legend_columns(list(labels.values()))
    legend_rows = -(-n_cols // columns)
    bottom_in = 0.75 + 0.25 * legend_rows
    fig, ax = plt.subplots(figsize=(WIDTH, 0.28 * n_rows * n_cols + top_in + bottom_in + 0.3))
    height = 0.8 / n_cols
    colors = [HIGHLIGHT, PALETTE[0], OTHERS]
    positions = range(n_rows)[::-1]
    for j, (column, label) in enumerate(labels.items()):
        ys = [p + (n_cols - 1 - j - (n_cols - 1) / 2) * height for p in positions]
        values = frame[column].to_numpy(dtype=float)
        ax.barh(ys, values, height=height * 0.92, color=colors[j % len(colors)], label=label)
        for y, v in zip(ys, values, strict=True):
            if v == v:
                ax.text(v, y, f" {format_number(v, lang, decimals)}", va="center", fontsize=SMALLEST_FONT)
    ax.set_yticks(list(positions), list(frame.index))
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlim(0, 118)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    number_axis(ax.xaxis, lang)
    _fix_margins(fig, list(frame.index), fontsize=8, bottom_in=bottom_in, top_in=top_in)
    _legend_below(ax, fig, None, columns, 0.55)
    return fig
