"""Every sentence and label a reader sees, from data/reference/report_text.yml (and the
phrases of the filed documents, document_text.yml), in Vietnamese (the default) or English.
Code never spells reader-facing text itself."""

from __future__ import annotations

import html
from functools import lru_cache

from helpers.core.errors import InputError
from helpers.core.reference import load_yaml

LANGS = ("vi", "en")


TEXT_FILES = ("report_text.yml", "document_text.yml")


@lru_cache(maxsize=1)
def _texts() -> dict:
    from helpers.core.paths import REFERENCE_DIR

    texts: dict = {}
    for name in TEXT_FILES:
        if (REFERENCE_DIR / name).exists():
            texts.update(load_yaml(name))
    return texts


def text(key: str, lang: str = "vi", **values) -> str:
    """A piece of report text in the reader's language, with its placeholders filled."""
    return _texts()[key][lang].format(**values)


def has_text(key: str) -> bool:
    """Whether the report text holds `key` (for optional phrases, such as a figure's reason
    for passing 100)."""
    return key in _texts()


READER_NAMES = ("table", "column", "part")
"""Identifiers a reader could meet, by kind: canonical tables, their columns, the parts of
the Decision 766 score; `report_text.yml` names each as `<kind>_<identifier>`."""


def reader_name(kind: str, identifier: str, lang: str = "vi") -> str:
    """The reader's name of a table, column or score part (`synced` → `Đồng bộ lên Cổng
    DVCQG`); an identifier without one is shown as it is (tests/test_formatting.py checks that
    every table, column and part of the schema and catalog has one)."""
    if kind not in READER_NAMES:
        raise ValueError(f"unknown kind of identifier {kind!r}")
    key = f"{kind}_{identifier}"
    return text(key, lang) if key in _texts() else identifier


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}: expected vi or en")
    return lang


# ---- text is text: a value from data shown as typed, in every output -----------------------

_MARKDOWN = {c: "\\" + c for c in "\\`*_{}[]()#+-.!|~:$"} | {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "\n": " ",
    "\r": " ",
}


def as_markdown(value: object) -> str:
    """Text as Markdown that shows it as typed and nothing else: HTML's special characters
    as entities, Markdown's punctuation escaped with a backslash (so `[x](javascript:...)`
    is no link, `# x` no heading, `$x$` no formula), line breaks as spaces."""
    return "".join(_MARKDOWN.get(c, c) for c in str(value))


def as_html(value: object) -> str:
    """Text as HTML that shows it as typed: `<`, `>`, `&` and quotes as entities (the rule
    pandas' Styler applies with `escape="html"`)."""
    return html.escape(str(value), quote=True)
