"""Unit selectors (DESIGN.md section 3): what a review is about.

`44` or `quang-tri` (current province), `legacy/45` or `legacy/quang-tri` (a province
before 1 July 2025), `VN` (whole country), and a 5-digit commune code.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from helpers.core import reference
from helpers.core.errors import InputError
from helpers.core.periods import Period, parse_period, resolve_baseline
from helpers.core.text import text

REORGANISATION = date(2025, 7, 1)
"""Resolution 202/2025/QH15: the 34 provinces are in force from this day."""

Level = Literal["country", "province", "legacy_province", "commune"]


@dataclass(frozen=True)
class Unit:
    level: Level
    code: str

    @property
    def selector(self) -> str:
        """The canonical selector, also the report's file name."""
        return {"country": "VN", "legacy_province": f"legacy/{self.code}"}.get(self.level, self.code)

    def __str__(self) -> str:
        return self.selector


COUNTRY = Unit("country", "VN")


@lru_cache(maxsize=4)
def _selectors(level: Level) -> tuple[dict[str, str], dict[str, str]]:
    """Codes and slugs of a level's units, each to its code (read once: a batch parses
    thousands of selectors)."""
    frame, col = {
        "province": (reference.provinces(), "province_code"),
        "legacy_province": (reference.legacy_provinces(), "legacy_province_code"),
        "commune": (reference.communes(), "commune_code"),
    }[level]
    codes = frame[col].tolist()
    slugs: dict[str, str] = {}
    for slug_, code in zip(frame["slug"], codes, strict=True):
        slugs.setdefault(slug_, code)  # the first unit of a slug, as the reference lists them
    return dict(zip(codes, codes, strict=True)), slugs


def _lookup(level: Level, text: str) -> str | None:
    """The code of a unit named by its code (zero-padded to two digits) or its slug."""
    key = text.strip().lower()
    codes, slugs = _selectors(level)
    return codes.get(key.zfill(2)) or slugs.get(key)


def parse_unit(text: str) -> Unit:
    """Parse a unit selector; an unknown one raises InputError listing what is accepted.
    Full-width digits and letters (`４４`) are read as the ordinary ones (NFKC)."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    low = raw.lower()
    if low in ("vn", "vietnam", "viet-nam"):
        return COUNTRY
    if low.startswith("legacy/"):
        code = _lookup("legacy_province", low[7:])
        if code:
            return Unit("legacy_province", code)
    elif low.isdigit() and len(low) == 5:
        if low in _selectors("commune")[0]:
            return Unit("commune", low)
    else:
        code = _lookup("province", low)
        if code:
            return Unit("province", code)
    raise InputError(
        f"unknown unit {raw!r}: expected a current province code or slug (44, quang-tri), "
        "legacy/<code or slug> (legacy/45, legacy/quang-tri), a 5-digit commune code, or VN"
    )


def check_unit_period(unit: Unit, period: Period) -> None:
    """A legacy province exists only up to June 2025: later periods are an input error."""
    if unit.level == "legacy_province" and period.end >= REORGANISATION:
        raise InputError(
            f"unit {unit} is a legacy province, which ceased to exist on 1 July 2025; "
            f"period {period} ends after June 2025: use the current province "
            f"{current_of(unit.code)} instead"
        )


def parse_scope(
    period: str | Period, units: Iterable[str | Unit] = (), baseline: str | Period | None = None
) -> tuple[Period, Period, list[Unit]]:
    """What a review is about, each part parsed once from its text (or taken as parsed) and
    checked against the others: the period, the baseline (a period, `previous`, or the
    default) and the units, each of which must exist over both."""
    p = period if isinstance(period, Period) else parse_period(period)
    b = baseline if isinstance(baseline, Period) else resolve_baseline(baseline, p)
    parsed = [u if isinstance(u, Unit) else parse_unit(u) for u in units]
    for unit in parsed:
        check_unit_period(unit, p)
        check_unit_period(unit, b)
    return p, b, parsed


def current_of(legacy_code: str) -> str:
    """The current province a legacy province became part of."""
    return reference.crosswalk()[legacy_code]


def legacy_of(province_code: str) -> list[str]:
    """The legacy provinces that make up a current province, in code order."""
    return sorted(k for k, v in reference.crosswalk().items() if v == province_code)


def province_of(commune_code: str) -> str | None:
    """The province a commune is in (None for a code that is no commune's)."""
    return _province_of_commune().get(commune_code)


@lru_cache(maxsize=1)
def _province_of_commune() -> dict[str, str]:
    communes = reference.communes()
    return dict(zip(communes["commune_code"], communes["province_code"], strict=True))


def name(unit: Unit, lang: str = "vi") -> str:
    """The unit's name in the report language."""
    return names(unit.level, [unit.code], lang)[unit.code]


def names(level: Level, codes: list[str], lang: str = "vi") -> dict[str, str]:
    """Names of many units of one level at once, in the reader's language."""
    if level == "country":
        return {c: text("country_name", lang) for c in codes}
    found = _names(level, lang)
    return {c: found[c] for c in codes}


@lru_cache(maxsize=8)
def _names(level: Level, lang: str) -> dict[str, str]:
    frame, col = {
        "province": (reference.provinces(), "province_code"),
        "legacy_province": (reference.legacy_provinces(), "legacy_province_code"),
        "commune": (reference.communes(), "commune_code"),
    }[level]
    return dict(zip(frame[col], frame[f"name_{lang}"], strict=True))


def slug(unit: Unit) -> str:
    """A file-name-safe form of the selector: `44`, `legacy-45`, `VN`."""
    return unit.selector.replace("/", "-")
