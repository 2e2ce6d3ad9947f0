"""A report's parameters, checked once in the notebook's set-up cell."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.paths import resolve_data_dir
from helpers.core.periods import Period
from helpers.core.text import check_lang
from helpers.core.units import Unit, parse_scope
from helpers.data import storage


@dataclass(frozen=True)
class Params:
    """The checked parameters of a report."""

    unit: Unit | None
    period: Period
    baseline: Period | None
    lang: str
    data_dir: Path


def check_parameters(
    period: str, lang: str = "vi", data_dir: str = "", unit: str | None = None, baseline: str | None = None
) -> Params:
    """Check a notebook's parameters; a bad one raises InputError with a clear message
    (in a notebook, shown as one line without a traceback)."""
    _short_input_errors()
    check_lang(lang)
    folder = resolve_data_dir(data_dir)
    storage.require_tables(folder)
    p, b, units = parse_scope(period, [unit] if unit is not None else [], baseline)
    return Params(units[0] if units else None, p, b, lang, folder)


def _short_input_errors() -> None:
    """In IPython, show an InputError (a bad parameter, a period without data) as its
    message alone; every other error keeps its traceback."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is None:
        return

    def one_line(shell, etype, value, tb, tb_offset=None):
        shell.showtraceback((etype, value, tb), exception_only=True)

    shell.set_custom_exc((InputError,), one_line)
