"""Executed notebooks to HTML a reviewer opens: no code, one self-contained file."""

from __future__ import annotations

import re
import threading

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

REMOVE_TAGS = ("remove", "parameters", "injected-parameters")


_LOCAL = threading.local()


def _exporter() -> HTMLExporter:
    """One exporter per worker thread: building one (templates, preprocessors) costs more
    than a report's rendering, and an exporter keeps per-render state, so threads do not share."""
    if not hasattr(_LOCAL, "exporter"):
        _LOCAL.exporter = _new_exporter()
    return _LOCAL.exporter


def _new_exporter() -> HTMLExporter:
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_TAGS)
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exporter


def render_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """Self-contained HTML of an executed notebook, without input code; the same notebook
    gives the same bytes (no scripts fetched from the network, no random ids)."""
    body, _ = _exporter().from_notebook_node(notebook, resources={"metadata": {"name": title}})
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    body = re.sub(r"<script[^>]*>\s*window\.MathJax[\s\S]*?</script>", "", body)
    return body
