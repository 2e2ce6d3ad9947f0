"""Method and provenance of a report: parameters, data fingerprint, code version, package
versions, and the definition of every indicator shown (traceable to the catalog)."""

from __future__ import annotations

import hashlib
import platform
from datetime import date
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from helpers.core import reference
from helpers.core.formatting import MISSING
from helpers.core.text import text
from helpers.data.fingerprints import data_fingerprint
from helpers.engine.mart import current_mart

PACKAGES = [
    "pandas",
    "duckdb",
    "pyarrow",
    "pandera",
    "matplotlib",
    "papermill",
    "nbconvert",
    "vietnam-provinces",
]
SRC = Path(__file__).resolve().parents[1]
COMPUTING = ("core/*.py", "data/*.py", "engine/*.py", "report/*.py")
"""The helper modules a report's figures and sentences come from (ingest and the sample
change the data, which has its own fingerprint; batch and cli only run reports)."""


def _data_fingerprint(data_dir: Path | str, until: date) -> str:
    marker = current_mart(data_dir)
    return data_fingerprint(marker["inputs"], marker["first_dates"], until)


def code_version() -> str:
    """A short hash of the helper code that computes figures and of the reference data."""
    digest = hashlib.sha256()
    files = [(p.relative_to(SRC).as_posix(), p) for pattern in COMPUTING for p in SRC.glob(pattern)]
    files += [
        (p.relative_to(reference.REFERENCE_DIR).as_posix(), p) for p in reference.REFERENCE_DIR.rglob("*")
    ]
    for name, path in sorted(files):
        if path.is_file():
            digest.update(name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def package_versions() -> str:
    out = [f"python {platform.python_version()}"]
    for name in PACKAGES:
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} {MISSING}")
    return ", ".join(out)


def provenance_table(parameters: dict, data_dir: Path | str, until: date, lang: str) -> pd.DataFrame:
    """Parameters, data fingerprint, code version and package versions of a report."""
    params = ", ".join(f"{k} = {v!r}" for k, v in parameters.items())
    rows = [
        (text("prov_parameters", lang), params),
        (text("prov_data", lang), _data_fingerprint(data_dir, until)),
        (text("prov_code", lang), code_version()),
        (text("prov_packages", lang), package_versions()),
    ]
    return pd.DataFrame(rows, columns=[text("col_item", lang), text("col_detail", lang)])


def definitions(ids: list[str], lang: str) -> list[dict]:
    """The catalog's definition of each indicator, as readers get it (the one place that
    says which of the catalog's words a reader sees): name, unit, direction, formula, source."""
    cat = reference.indicators()
    sources = reference.catalog()["sources"]
    formula = "formula_vi" if lang == "vi" else "formula"
    return [
        {
            "id": i,
            "group": int(cat.at[i, "group"]),
            "name": cat.at[i, f"name_{lang}"],
            "short": cat.at[i, f"short_{lang}"],
            "unit": cat.at[i, "unit"],
            "direction": cat.at[i, "direction"],
            "formula": cat.at[i, formula],
            "source": sources.get(cat.at[i, "source"], cat.at[i, "source"]),
        }
        for i in ids
    ]


def definitions_table(indicator_ids: list[str], lang: str) -> pd.DataFrame:
    """The definition of each indicator shown: id, name, formula, source."""
    rows = definitions(indicator_ids, lang)
    return pd.DataFrame(
        {
            text("col_id", lang): [d["id"] for d in rows],
            text("col_indicator", lang): [d["name"] for d in rows],
            text("col_formula", lang): [d["formula"] for d in rows],
            text("col_source", lang): [d["source"] for d in rows],
        }
    )
