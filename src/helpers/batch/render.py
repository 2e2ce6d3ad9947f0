"""Executed notebooks to HTML a reviewer opens: no code, one self-contained file."""

from __future__ import annotations

import re
import threading
from html import escape

import nbformat
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
_IMAGE = re.compile(r'<img src="data:image/(?:svg\+xml|png|jpeg);base64,[^"]*"')
_NON_ASCII_REFERENCE = re.compile(r"&#(\d+);")
_IMAGE_TYPES = ("image/svg+xml", "image/png", "image/jpeg")  # the order the page prefers them in


class PageExporter(HTMLExporter):
    """nbconvert's HTML exporter without its last step, a pass of the whole page through
    BeautifulSoup (two thirds of the time of rendering a report) that makes each output
    focusable and gives images without alt text a placeholder. Here one substitution does
    the first, and each chart gets the alt text its output carries (the template drops it)."""

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
        alts = iter(_image_alts(nb))
        html = _IMAGE.sub(lambda m: f'{m.group(0)} alt="{escape(next(alts, ""))}"', html)
        html = _NON_ASCII_REFERENCE.sub(_character, html)  # Vietnamese as text, as the soup left it
        return _OUTPUT.sub(r'<div class="\1" tabindex="0"', html), resources


def _character(reference: re.Match) -> str:
    """A numeric character reference as its character when it is not ASCII (no such
    character means anything to HTML); ASCII ones (`&#39;`, say) stay escaped."""
    code = int(reference.group(1))
    return chr(code) if code > 127 else reference.group(0)


def _image_alts(nb: nbformat.NotebookNode) -> list[str]:
    """The alt text of each image output the page shows, in order."""
    alts = []
    for cell in nb.cells:
        if set(cell.get("metadata", {}).get("tags", [])) & set(REMOVE_TAGS):
            continue
        for output in cell.get("outputs", []):
            shown = next((m for m in _IMAGE_TYPES if m in output.get("data", {})), None)
            if shown:
                alts.append(output.get("metadata", {}).get(shown, {}).get("alt", ""))
    return alts


def _new_exporter() -> PageExporter:
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_TAGS)
    config.TagRemovePreprocessor.enabled = True
    exporter = PageExporter(config=config, template_name="lab")
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
