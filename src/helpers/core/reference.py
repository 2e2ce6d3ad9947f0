"""Reference data: administrative units, the legacy→current crosswalk, the indicator catalog.

The current units are written from the `vietnam-provinces` package (never retyped):
`python -m helpers.core.reference` regenerates `provinces.csv` and `communes.csv`, and a
test checks the committed files still match the installed package.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.core.paths import REFERENCE_DIR

if TYPE_CHECKING:  # pandas is imported where a table is read: a batch worker never needs it
    import pandas as pd

# the type words of province names in vietnam-provinces: strings matched, not shown
_CITY = "Thành phố "
_PROVINCE = "Tỉnh "


def fold(text: str) -> str:
    """ASCII folding of Vietnamese text: diacritics removed, đ → d."""
    text = text.replace("đ", "d").replace("Đ", "D")  # letters matched and folded, not text shown
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str) -> str:
    """`Thành phố Hồ Chí Minh` → `thanh-pho-ho-chi-minh`; used in unit selectors and file names."""
    folded = fold(text).lower()
    out = "".join(ch if ch.isalnum() else "-" for ch in folded)
    return "-".join(part for part in out.split("-") if part)


def is_city(name: str) -> bool:
    """A centrally-run city (`Thành phố Hà Nội`), by the type word of its name."""
    return name.startswith(_CITY)


def short_name(name: str) -> str:
    """Province name without its type word: `Thành phố Huế` → `Huế`."""
    for prefix in (_CITY, _PROVINCE):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def english_name(name: str) -> str:
    """English form used in reports: ASCII short name, `City` for centrally-run cities."""
    base = fold(short_name(name))
    return f"{base} City" if name.startswith(_CITY) else base


_COMMUNE_KINDS = {"xa": "Commune", "phuong": "Ward", "dac khu": "Special Zone"}
"""The English word of each division type of `vietnam-provinces` below a province (keyed by
the type's ASCII fold: `xã` → `xa`); written into communes.csv, read from there."""


def english_commune_name(name: str, division_type: str) -> str:
    """`Xã Kim Phú` → `Kim Phu Commune`, `Phường 2 Bảo Lộc` → `Ward 2 Bao Loc`: ASCII, the type
    word in English and after the name, as English writes it (before a number)."""
    kind = _COMMUNE_KINDS.get(fold(division_type))
    prefix = division_type.capitalize() + " "  # the type word the name starts with
    if kind is None or not name.startswith(prefix):
        return fold(name)
    rest = fold(name[len(prefix) :])
    return f"{kind} {rest}" if rest[:1].isdigit() else f"{rest} {kind}"


def current_units_csv() -> tuple[str, str]:
    """The text of provinces.csv and communes.csv, generated from `vietnam-provinces`."""
    from vietnam_provinces import Province, Ward

    legacy = _read_csv("commune_legacy.csv").set_index("commune_code")["legacy_province_code"]
    prov = io.StringIO()
    w = csv.writer(prov, lineterminator="\n")
    w.writerow(["province_code", "name_vi", "short_name_vi", "name_en", "slug", "division_type"])
    for p in sorted(Province.iter_all(), key=lambda p: int(p.code)):
        short = short_name(p.name)
        w.writerow(
            [f"{int(p.code):02d}", p.name, short, english_name(p.name), slugify(short), p.division_type.value]
        )
    com = io.StringIO()
    w = csv.writer(com, lineterminator="\n")
    w.writerow(
        [
            "commune_code",
            "name_vi",
            "name_en",
            "slug",
            "division_type",
            "province_code",
            "legacy_province_code",
        ]
    )
    for c in sorted(Ward.iter_all(), key=lambda c: int(c.code)):
        code = f"{int(c.code):05d}"
        w.writerow(
            [
                code,
                c.name,
                english_commune_name(c.name, c.division_type.value),
                slugify(c.name),
                c.division_type.value,
                f"{int(c.province_code):02d}",
                legacy[code],
            ]
        )
    return prov.getvalue(), com.getvalue()


def write_current_units(directory: Path = REFERENCE_DIR) -> None:
    """Regenerate provinces.csv and communes.csv from the installed package."""
    provinces, communes = current_units_csv()
    (directory / "provinces.csv").write_text(provinces, encoding="utf-8")
    (directory / "communes.csv").write_text(communes, encoding="utf-8")


def _read_csv(name: str) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def provinces() -> pd.DataFrame:
    """The 34 current provinces (since 1 July 2025)."""
    return _read_csv("provinces.csv")


@lru_cache(maxsize=1)
def communes() -> pd.DataFrame:
    """The 3,321 current communes, wards and special zones, with their legacy province."""
    return _read_csv("communes.csv")


@lru_cache(maxsize=1)
def legacy_provinces() -> pd.DataFrame:
    """The 63 provinces before 1 July 2025 and the current province each became part of."""
    df = _read_csv("legacy_provinces.csv")
    df["short_name_vi"] = df["name_vi"].map(short_name)
    df["name_en"] = df["name_vi"].map(english_name)
    df["slug"] = df["short_name_vi"].map(slugify)
    df["population_2023_thousand"] = df["population_2023_thousand"].astype(int)
    return df


@lru_cache(maxsize=1)
def crosswalk() -> dict[str, str]:
    """Legacy province code → current province code (Resolution 202/2025/QH15)."""
    lp = legacy_provinces()
    return dict(zip(lp["legacy_province_code"], lp["province_code"], strict=True))


def load_yaml(name: str) -> dict:
    """A YAML file of data/reference (the C loader where available: the catalog is read
    by every report)."""
    import yaml

    with open(REFERENCE_DIR / name, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=1)
def catalog() -> dict:
    """The indicator catalog (indicators.yml): groups, sources, indicators, Decision 766 parts."""
    return load_yaml("indicators.yml")


@lru_cache(maxsize=1)
def _indicators() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(catalog()["indicators"]).set_index("id")


def indicators() -> pd.DataFrame:
    """One row per indicator of the catalog, indexed by id (a copy: callers may change it)."""
    return _indicators().copy()


@lru_cache(maxsize=1)
def targets() -> pd.DataFrame:
    """Targets by indicator and year; `is_assumption` marks those no document sets."""
    import pandas as pd

    df = pd.read_csv(REFERENCE_DIR / "targets.csv", dtype={"indicator": str, "source": str})
    df["is_assumption"] = df["is_assumption"].astype(str).str.lower().eq("true")
    return df


if __name__ == "__main__":  # pragma: no cover
    write_current_units()
    print(f"wrote {REFERENCE_DIR / 'provinces.csv'} and {REFERENCE_DIR / 'communes.csv'}")
