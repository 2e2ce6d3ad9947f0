"""Which reports a run makes: the jobs of `p06 build` and the default runs of reports.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.core import reference
from helpers.core.errors import InputError
from helpers.core.paths import NOTEBOOK_DIR
from helpers.core.periods import parse_period
from helpers.core.units import check_unit_period, parse_unit, slug

NATIONAL = "national"
COMMUNES = "communes"
"""The folder of commune reviews inside reports/<period>/."""
COMMUNE_NOTEBOOK = "commune_review"


@dataclass(frozen=True)
class Job:
    """One report: which notebook, with which parameters, written where."""

    notebook: str
    name: str  # file stem in reports/<period>/[folder/]
    period: str
    unit: str | None
    lang: str
    data_dir: str
    folder: str = ""  # "" for province and national reports, "communes" for commune reviews

    @property
    def key(self) -> str:
        """The report's name in the build state and the index: its path below the period."""
        return f"{self.folder}/{self.name}" if self.folder else self.name

    @property
    def parameters(self) -> dict:
        params = {"period": self.period, "lang": self.lang, "data_dir": self.data_dir}
        if self.unit is not None:
            params["unit"] = self.unit
        return params


def notebook_path(notebook: str, folder: Path = NOTEBOOK_DIR) -> Path:
    source = folder / f"{notebook}.ipynb"
    if not source.exists():
        raise InputError(f"unknown notebook {notebook!r}: no {source}")
    return source


def plan(
    period: str,
    units: list[str],
    everything: bool,
    notebook: str,
    lang: str,
    data_dir: Path,
    communes_of: list[str] | None = None,
    all_communes: bool = False,
) -> list[Job]:
    """The reports to build: named units, or every current province and the national
    overview; and the commune reviews of named provinces, or of every province."""
    p = parse_period(period)
    selectors = list(units)
    if everything:
        selectors += [c for c in reference.provinces()["province_code"] if c not in selectors]
    communes = commune_jobs(p, communes_of or [], all_communes, lang, data_dir)
    if not selectors and not communes:
        raise InputError(
            "nothing to build: give --unit U (repeatable), --all, --communes-of CODE or --all-communes"
        )
    notebook_path(notebook)
    jobs = []
    for text in dict.fromkeys(selectors):
        unit = parse_unit(text)
        check_unit_period(unit, p)
        if unit.level == "commune":  # a commune's review, beside the others of its province
            jobs.append(Job(COMMUNE_NOTEBOOK, unit.code, str(p), unit.code, lang, str(data_dir), COMMUNES))
        else:
            jobs.append(Job(notebook, slug(unit), str(p), unit.selector, lang, str(data_dir)))
    if everything:
        jobs.append(Job("national_overview", NATIONAL, str(p), None, lang, str(data_dir)))
    return list({j.key: j for j in jobs + communes}.values())


def commune_jobs(period, provinces: list[str], every: bool, lang: str, data_dir: Path) -> list[Job]:
    """One commune review per commune of the named current provinces (or of all of them)."""
    if not provinces and not every:
        return []
    codes = reference.provinces()["province_code"].tolist() if every else []
    for text in provinces:
        unit = parse_unit(text)
        if unit.level != "province":
            raise InputError(f"--communes-of takes a current province (44, quang-tri), not {text!r}")
        codes.append(unit.code)
    com = reference.communes()
    chosen = com[com["province_code"].isin(dict.fromkeys(codes))]
    notebook_path(COMMUNE_NOTEBOOK)
    return [
        Job(COMMUNE_NOTEBOOK, code, str(period), code, lang, str(data_dir), COMMUNES)
        for code in chosen["commune_code"]
    ]


def load_runs(path: Path) -> list[dict]:
    """The committed list of default runs (reports.yml)."""
    with open(path, encoding="utf-8") as fh:
        runs = yaml.safe_load(fh)["runs"]
    for run in runs:
        if "period" not in run:
            raise InputError(f"{path}: every run needs a period: {run}")
    return runs
