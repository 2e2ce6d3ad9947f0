"""The look of a rendered report: one stylesheet, and the inline style of the notice on
synthetic data (inline, so an untrusted notebook still shows it in red).

On a phone the page never scrolls sideways: charts scale to the width (their SVG keeps its
viewBox), and a table wider than the screen scrolls within its own box, its first column
kept wide enough to read (`width:max-content` stops a narrow screen squeezing names to a
word per line). Text is left-aligned by a selector more specific than JupyterLab's, not by
`!important`, so a figure's inline `text-align:right` wins (the tables' styles are inline:
JupyterLab keeps them in a notebook not yet trusted, where it drops <style> elements)."""

from __future__ import annotations

CHART_FORMAT = "P06_CHART_FORMAT"
"""Environment variable: `svg` draws charts as SVG (what `p06 build` asks of its workers:
about twice as fast, and crisp in a browser), `svg,png` as both (when the build also writes
Word documents, which take PNG); otherwise PNG, which a notebook shows before it is trusted."""

NOTICE_STYLE = (
    "background:#fdecea;border:2px solid #c0392b;color:#7b241c;padding:10px 14px;"
    "font-weight:600;margin:8px 0 16px 0;border-radius:4px"
)

_CSS = """
table.p06{border-collapse:collapse;font-size:0.92em;margin:6px 0 14px 0;max-width:100%;display:block;
overflow-x:auto;table-layout:auto;width:max-content}
table.p06 td{min-width:6.5em}
table.p06 td[style*="right"]{min-width:0}
table.p06 td:first-child{min-width:9em}
#T_key_results td:last-child,#T_score_parts td:last-child,#T_official_groups td:last-child{min-width:15em}
.jp-OutputArea-output img,.jp-RenderedImage img{max-width:100%;height:auto}
.jp-RenderedSVG img{width:100%;max-width:860px;height:auto}
.jp-OutputArea-output{max-width:100%;overflow-x:auto}
table.p06 th{background:#1f4e79;color:#fff;padding:5px 8px;text-align:left;font-weight:600}
table.p06 td{padding:4px 8px;border-bottom:1px solid #ddd;vertical-align:top;text-align:left}
.jp-RenderedHTMLCommon table.p06 th,.jp-RenderedHTMLCommon table.p06 td{text-align:left}
table.p06 td.num{text-align:right !important;white-space:nowrap}
table.p06 tr:nth-child(even) td{background:#f6f8fa}
.p06-ok{color:#1e7b34;font-weight:600}.p06-bad{color:#b03a2e;font-weight:600}
.jp-RenderedMarkdown h2{border-bottom:2px solid #1f4e79;color:#1f4e79;padding-bottom:3px;margin-top:26px}
.p06-title{font-size:1.7em;font-weight:700;margin:4px 0}
.p06-subtitle{font-size:1.1em;color:#444;margin-bottom:10px}
.p06-list li{margin:3px 0}
"""


def page_css() -> str:
    """The report's styles as a <style> element."""
    return f"<style>{_CSS}</style>"
