"""Executed notebooks to HTML a reviewer opens: no code, one self-contained file."""

from __future__ import annotations

import re
import threading
from html import escape

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

REMOVE_TAGS = ("remove", "parameters", "injected-parameters")


_EXPORTER: list = []  # built once per process, on first use
_LOCK = threading.Lock()
_OUTPUT = re.compile(r'<div class="([^"]*\bjp-OutputArea-output\b[^"]*)"')
_HEADING = re.compile(r"(<h[1-6][^>]*>)(.*?)(</h[1-6]>)", re.S)
_REFERENCE = re.compile(r"&#(\d+);")
PAGE_TEMPLATE = "p06-page.html.j2"
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block data_svg scoped %}{{ super() | with_alt(output, 'image/svg+xml') }}{% endblock data_svg %}
{% block data_png scoped %}{{ super() | with_alt(output, 'image/png') }}{% endblock data_png %}
{% block data_jpg scoped %}{{ super() | with_alt(output, 'image/jpeg') }}{% endblock data_jpg %}
"""
"""JupyterLab's page, each image output given the alt text its output carries (the lab
template drops it)."""


class PageExporter(HTMLExporter):
    """nbconvert's HTML exporter without its last step, a pass of the whole page through
    BeautifulSoup (two thirds of the time of rendering a report) that makes each output
    focusable, gives images without alt text a placeholder and writes headings' letters as
    text. Here outputs are made focusable by one substitution, charts carry their own alt
    text (`_TEMPLATE`), and headings' Vietnamese letters are turned back into text."""

    def from_notebook_node(self, nb, resources=None, **kw):
        info = nb.metadata.get("language_info", {})
        lexer = info.get("pygments_lexer", info.get("name"))
        self.register_filter(
            "highlight_code",
            self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)),
        )
        resources = self._init_resources(resources)
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
        )
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        html = _HEADING.sub(_heading_as_text, html)
        return _OUTPUT.sub(r'<div class="\1" tabindex="0"', html), resources

    def _preprocess(self, nb, resources):
        """The preprocessors run on the copy `from_notebook_node` has just made, without
        nbconvert's two more deep copies of the notebook and its validation after each
        preprocessor: half the time of rendering a review (13 → 7 ms for a commune's, 28 →
        14 ms for a province's). A notebook executed here is written by nbformat itself, and
        the preprocessors only remove tagged cells."""
        for preprocessor in self._preprocessors:
            nb, resources = preprocessor(nb, resources)
        return nb, resources


def with_alt(html: str, output, mime: str) -> str:
    """An image output's HTML with the alt text of its metadata on its first <img>."""
    alt = (output.get("metadata", {}).get(mime) or {}).get("alt")
    return html if alt is None else html.replace("<img ", f'<img alt="{escape(alt)}" ', 1)


def _heading_as_text(heading: re.Match) -> str:
    """A heading with its letters as text: nbconvert writes every non-ASCII letter of a
    heading as a numeric character reference (`K&#7871;t qu&#7843;`)."""
    return heading.group(1) + _REFERENCE.sub(_character, heading.group(2)) + heading.group(3)


def _character(reference: re.Match) -> str:
    """The character of a numeric reference where it is a printable letter or sign beyond
    ASCII; any other (ASCII, C1 controls, surrogates, out of range) stays a reference."""
    code = int(reference.group(1))
    printable = 160 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
    return chr(code) if printable else reference.group(0)


def _new_exporter() -> PageExporter:
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_TAGS)
    config.TagRemovePreprocessor.enabled = True
    exporter = PageExporter(
        config=config,
        template_name="lab",
        extra_loaders=[DictLoader({PAGE_TEMPLATE: _TEMPLATE})],
        template_file=PAGE_TEMPLATE,
    )
    exporter.register_filter("with_alt", with_alt)
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exporter


def render_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """Self-contained HTML of an executed notebook, without input code; the same notebook
    gives the same bytes (no scripts fetched from the network, no random ids)."""
    with _LOCK:  # one exporter: it keeps per-render state, and rendering holds the GIL anyway
        if not _EXPORTER:
            _EXPORTER.append(_new_exporter())  # templates compiled once, not once per worker
        body, _ = _EXPORTER[0].from_notebook_node(notebook, resources={"metadata": {"name": title}})
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    body = re.sub(r"<script[^>]*>\s*window\.MathJax[\s\S]*?</script>", "", body)
    return body
