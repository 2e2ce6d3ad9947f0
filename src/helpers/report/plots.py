"""Charts in one style: titled, labelled axes with units, readable at report width, the
highlighted unit in one colour, numbers written the reader's way, Vietnamese diacritics
rendered (DejaVu Sans, shipped with matplotlib, covers them)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from helpers.core.formatting import format_number  # noqa: E402

HIGHLIGHT = "#c0392b"
OTHERS = "#9fb3c8"
PALETTE = ["#1f4e79", "#2e86c1", "#48c9b0", "#f39c12", "#8e44ad", "#7f8c8d"]
TARGET = "#2c3e50"
WIDTH = 9.0

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
    "savefig.dpi": 100,
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


def svg_text(fig: Figure) -> str:
    """The figure as SVG text, the same for the same figure, and the figure freed."""
    import io

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
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
    tight layout, without the extra draw it costs (charts are most of a report's time)."""
    width, height = fig.get_size_inches()
    longest = max((len(str(label)) for label in labels), default=4)
    left_in = 0.25 + 0.62 * fontsize / 72 * longest
    fig.subplots_adjust(
        left=min(0.45, left_in / width),
        right=1 - right_in / width,
        bottom=bottom_in / height,
        top=1 - top_in / height,
    )


def _month_labels(months: Sequence, lang: str) -> list[str]:
    return [f"{m:%m/%Y}" if lang == "vi" else f"{m:%Y-%m}" for m in months]


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


def trend_chart(
    frame: pd.DataFrame,
    labels: dict[str, str],
    title: str,
    ylabel: str,
    xlabel: str,
    lang: str = "vi",
    target: float | None = None,
    target_label: str | None = None,
) -> Figure:
    """Lines over months, one per column of `frame` (index: months), with an optional target."""
    use_style()
    entries = list(labels.values()) + ([target_label] if target is not None else [])
    columns = legend_columns(entries)
    rows = -(-len(entries) // columns)
    fig, ax = plt.subplots(figsize=(WIDTH, 3.5 + 0.25 * rows))
    x = list(range(len(frame)))
    for column, label in labels.items():
        ax.plot(x, frame[column].to_numpy(dtype=float), label=label, linewidth=2)
    if target is not None:
        ax.axhline(target, color=TARGET, linestyle="--", linewidth=1.2, label=target_label)
    step = 1 if len(x) <= 12 else 3 * -(-len(x) // 24)  # at most about 12 labels
    _month_axis(ax, x[::step], _month_labels(list(frame.index)[::step], lang))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    number_axis(ax.yaxis, lang)
    bottom = 0.8 + 0.25 * rows  # month labels, the axis title, then the legend's rows
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.55 / (3.5 + 0.25 * rows - 0.4 - bottom)), ncol=columns
    )
    _fix_margins(fig, ["100.000.000"], bottom_in=bottom)
    return fig


def funnel_chart(stages: list[tuple[str, float]], title: str, xlabel: str, lang: str = "vi") -> Figure:
    """Horizontal bars from the first stage to the last, each with its value and its share
    of the first stage."""
    use_style()
    fig, ax = plt.subplots(figsize=(WIDTH, 0.6 * len(stages) + 1.2))
    labels = [s[0] for s in stages][::-1]
    values = [s[1] for s in stages][::-1]
    bars = ax.barh(labels, values, color=PALETTE[: len(stages)][::-1])
    first = stages[0][1]
    for bar, value in zip(bars, values, strict=True):
        share = f" ({format_number(100 * value / first, lang, 1)}%)" if first else ""
        ax.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f" {format_number(value, lang)}{share}",
            va="center",
            fontsize=9,
        )
    ax.set_xlim(0, max(values) * 1.3 if max(values) > 0 else 1)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    number_axis(ax.xaxis, lang)
    _fix_margins(fig, labels)
    return fig


def ranking_chart(
    values: pd.Series,
    highlight: str | None,
    title: str,
    xlabel: str,
    lang: str = "vi",
    decimals: int = 1,
    higher_is_better: bool = True,
) -> Figure:
    """Peers as horizontal bars, best at the top, the unit under review in its own colour.

    `values` is indexed by display name; missing values are left out.
    """
    use_style()
    data = values.dropna().sort_values(ascending=not higher_is_better)
    fig, ax = plt.subplots(figsize=(WIDTH, (0.22 if len(data) <= 40 else 0.17) * len(data) + 1.3))
    names = list(data.index)[::-1]
    heights = data.to_numpy(dtype=float)[::-1]
    colors = [HIGHLIGHT if n == highlight else OTHERS for n in names]
    bars = _bars([0.0] * len(heights), heights, range(len(heights)), 0.35)
    ax.add_collection(PolyCollection(bars, facecolors=colors, edgecolors="none"), autolim=False)
    # names and values as plain text, not tick labels: a tick is a dozen objects to draw
    at_left = blended_transform_factory(ax.transAxes, ax.transData)
    for y, (value, n) in enumerate(zip(heights, names, strict=True)):
        mine = {"color": HIGHLIGHT, "fontweight": "bold"} if n == highlight else {}
        ax.text(-0.01, y, n, transform=at_left, ha="right", va="center", fontsize=8, **mine)
        ax.text(value, y, f" {format_number(value, lang, decimals)}", va="center", fontsize=7.5, **mine)
    ax.set_yticks([])
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.set_xlim(0, max(heights.max() * 1.12, 1) if len(heights) else 1)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    number_axis(ax.xaxis, lang)
    _fix_margins(fig, names, fontsize=8, right_in=0.45)
    return fig


def stacked_bars(
    frame: pd.DataFrame, labels: dict[str, str], title: str, xlabel: str, lang: str = "vi"
) -> Figure:
    """Horizontal stacked bars, one per row of `frame` (index: display names), first row at
    the top; each part one collection of bars."""
    use_style()
    n = len(frame)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.35 * n + 1.5))
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
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    number_axis(ax.xaxis, lang, integer=True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / n), ncol=len(labels))
    _fix_margins(fig, list(frame.index), bottom_in=1.05)
    return fig


def grouped_bars(
    frame: pd.DataFrame, labels: dict[str, str], title: str, xlabel: str, lang: str = "vi"
) -> Figure:
    """Horizontal bars in groups: one group per row of `frame` (index: display names), one
    bar per column, the first column (the unit under review) highlighted."""
    use_style()
    n_rows, n_cols = len(frame), len(labels)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.28 * n_rows * n_cols + 1.6))
    height = 0.8 / n_cols
    colors = [HIGHLIGHT, PALETTE[0], OTHERS]
    positions = range(n_rows)[::-1]
    for j, (column, label) in enumerate(labels.items()):
        ys = [p + (n_cols - 1 - j - (n_cols - 1) / 2) * height for p in positions]
        values = frame[column].to_numpy(dtype=float)
        ax.barh(ys, values, height=height * 0.92, color=colors[j % len(colors)], label=label)
        for y, v in zip(ys, values, strict=True):
            if v == v:
                ax.text(v, y, f" {format_number(v, lang, 1)}", va="center", fontsize=7.5)
    ax.set_yticks(list(positions), list(frame.index))
    ax.set_xlim(0, 112)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    number_axis(ax.xaxis, lang)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.45 / max(1, n_rows) - 0.12), ncol=n_cols)
    _fix_margins(fig, list(frame.index), bottom_in=1.05)
    return fig
