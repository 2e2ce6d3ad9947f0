"""Showing a review in a notebook: headings an outline picks up, the synthetic-data notice,
styled tables, charts and lists. Text comes from report_text.yml in the report's language.

Headings are Markdown outputs (`## 2. ...`), so JupyterLab's table of contents and the
rendered page's outline both list the sections, in the reader's language. Styles are
inline, so stored outputs read well before a notebook is trusted (JupyterLab drops <style>
elements from untrusted outputs). Every piece of text shown here passes through
`as_markdown` or `as_html`: a value from data is shown as typed, never as markup.
"""

from __future__ import annotations

from helpers.core.text import as_html, as_markdown, text
from helpers.report import heading as head
from helpers.report.kinds import commune_index
from helpers.report.params import Params
from helpers.report.style import CHART_FORMAT, NOTICE_STYLE, page_css


def _display(*objs, **kwargs) -> None:
    from IPython.display import display

    display(*objs, **kwargs)


def markdown(source: str) -> None:
    from IPython.display import Markdown

    _display(Markdown(source))


def html(source: str) -> None:
    from IPython.display import HTML

    _display(HTML(source))


def section(key: str, params: Params) -> None:
    """A section heading from the report text (`## 1. Key results at a glance`)."""
    markdown(f"## {as_markdown(text(key, params.lang))}")


def subheading(key: str, params: Params) -> None:
    markdown(f"### {as_markdown(text(key, params.lang))}")


def paragraph(words: str) -> None:
    """A sentence of the review's text, as a paragraph (a figure's sentence, as a review
    writes it)."""
    markdown(as_markdown(words))


def sentence(words: str) -> None:
    """A sentence under a chart or instead of one, in italics."""
    markdown(f"*{as_markdown(words)}*")


def title(params: Params, key: str = "title_province", facts=None) -> None:
    """The report's title (the page's one level-1 heading), the report styles, the notice
    on synthetic data, the subtitle and the facts of the review."""
    from helpers.report.tables import styled

    markdown(f"# {as_markdown(head.title(params, key))}")
    notice = head.synthetic_notice(params.data_dir, params.lang)
    banner = f'<div class="p06-banner" style="{NOTICE_STYLE}">{as_html(notice)}</div>' if notice else ""
    html(page_css() + banner)
    sentence(head.subtitle(params))
    if facts is not None:
        _display(styled(facts, "facts", numeric=[]))


def figure(chart) -> None:
    """A chart (a `charts.Chart` or a matplotlib figure), with its title as alternative
    text, and under it the sentence naming what it leaves out; a chart with nothing to draw
    is that sentence alone. The figure is freed."""
    fig, note = (chart.figure, chart.note) if hasattr(chart, "note") else (chart, None)
    if fig is not None:
        _image(fig)
    if note:
        sentence(note)


def _image(fig) -> None:
    import base64
    import os

    from helpers.report.plots import png_bytes, svg_text

    alt = " ".join(fig.axes[0].get_title().split()) if fig.axes else ""  # a wrapped title on one line
    formats = os.environ.get(CHART_FORMAT, "png").split(",")
    bundle = {}
    if "svg" in formats:
        bundle["image/svg+xml"] = svg_text(fig, close="png" not in formats)  # else drawn again as PNG
    if "png" in formats or not bundle:
        bundle["image/png"] = base64.b64encode(png_bytes(fig)).decode()
    bundle["text/plain"] = alt
    metadata = {mime: {"alt": alt} for mime in bundle if mime.startswith("image/")}
    _display(bundle, metadata=metadata, raw=True)


def bullets(items: list[str], params: Params) -> None:
    """Sentences as a Markdown list (each shown as typed: the names of lead units and
    communes in them are data), or "none" when there are none."""
    if not items:
        none(params)
    else:
        markdown("\n".join(f"- {as_markdown(item)}" for item in items))


def note(key: str, params: Params, **values) -> None:
    sentence(text(key, params.lang, **values))


def none(params: Params, why: str | None = None) -> None:
    """ "None." — or, where the data lacks what the section needs, why (`why`, the review's
    note: "chưa có dữ liệu nhiệm vụ Đề án 06")."""
    if why:
        sentence(text("section_no_data", params.lang, why=why))
    else:
        markdown(as_markdown(text("none_found", params.lang)))


def table(styler) -> None:
    """A styled table (see helpers.report.tables)."""
    _display(styler)


def commune_reviews_link(params: Params) -> None:
    """For a current province: where its communes' own reviews are (the build writes the
    index beside the province's review)."""
    if params.unit is not None and params.unit.level == "province":
        markdown(text("link_commune_reviews", params.lang, href=commune_index(params.unit.code)))
