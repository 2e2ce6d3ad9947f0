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


@dataclass(frozen=True)
class Job:
    """One report: which notebook, with which parameters, written where."""

    notebook: str
    name: str  # file stem in reports/<period>/
    period: str
    unit: str | None
    lang: str
    data_dir: str

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
    period: str, units: list[str], everything: bool, notebook: str, lang: str, data_dir: Path
) -> list[Job]:
    """The reports to build: named units, or every current province and the national overview."""
    p = parse_period(period)
    selectors = list(units)
    if everything:
        selectors += [c for c in reference.provinces()["province_code"] if c not in selectors]
    if not selectors:
        raise InputError("nothing to build: give --unit U (repeatable) or --all")
    notebook_path(notebook)
    jobs = []
    for text in dict.fromkeys(selectors):
        unit = parse_unit(text)
        check_unit_period(unit, p)
        jobs.append(Job(notebook, slug(unit), str(p), unit.selector, lang, str(data_dir)))
    if everything:
        jobs.append(Job("national_overview", NATIONAL, str(p), None, lang, str(data_dir)))
    return jobs


def load_runs(path: Path) -> list[dict]:
    """The committed list of default runs (reports.yml)."""
    with open(path, encoding="utf-8") as fh:
        runs = yaml.safe_load(fh)["runs"]
    for run in runs:
        if "period" not in run:
            raise InputError(f"{path}: every run needs a period: {run}")
    return runs
