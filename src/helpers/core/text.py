"""Every sentence and label a reader sees, from data/reference/report_text.yml (and the
phrases of the filed documents, document_text.yml), in Vietnamese (the default) or English.
Code never spells reader-facing text itself."""

from __future__ import annotations

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


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}: expected vi or en")
    return lang
