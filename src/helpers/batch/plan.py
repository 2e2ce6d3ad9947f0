"""Which reports a run makes: the jobs of `p06 build` and the default runs of reports.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.core import reference
from helpers.core.errors import InputError
from helpers.core.periods import parse_period
from helpers.core.units import Unit, check_unit_period, parse_unit
from helpers.report.kinds import ReportKind, kind_for, kind_named, kinds_without_unit


@dataclass(frozen=True)
class Job:
    """One report: which kind, about which unit, with which parameters."""

    kind: ReportKind
    unit: Unit | None
    period: str
    lang: str
    data_dir: str

    @property
    def name(self) -> str:
        """The file stem in reports/<period>/[folder/]."""
        return self.kind.file_stem(self.unit)

    @property
    def folder(self) -> str:
        return self.kind.folder

    @property
    def key(self) -> str:
        """The report's name in the build state and the index: its path below the period."""
        return self.kind.key(self.unit)

    @property
    def selector(self) -> str | None:
        return self.unit.selector if self.unit is not None else None

    @property
    def parameters(self) -> dict:
        params = {"period": self.period, "lang": self.lang, "data_dir": self.data_dir}
        if self.unit is not None:
            params["unit"] = self.selector
        return params


def notebook_of(kind: ReportKind) -> Path:
    if not kind.notebook.exists():
        raise InputError(f"report kind {kind.name!r} has no notebook: no {kind.notebook}")
    return kind.notebook


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
    """The reports to build: named units, or every current province and the reports about no
    one unit (the national overview); and the commune reviews of named provinces, or of
    every province. `notebook` names the kind of report for the units (see
    `helpers.report.kinds`)."""
    p = parse_period(period)
    preferred = kind_named(notebook)
    selectors = list(units)
    if everything:
        selectors += [c for c in reference.provinces()["province_code"] if c not in selectors]
    communes = commune_jobs(p, communes_of or [], all_communes, preferred, lang, data_dir)
    if not selectors and not communes:
        raise InputError(
            "nothing to build: give --unit U (repeatable), --all, --communes-of CODE or --all-communes"
        )
    jobs = []
    for text in dict.fromkeys(selectors):
        unit = parse_unit(text)
        check_unit_period(unit, p)
        jobs.append(Job(kind_for(unit, preferred), unit, str(p), lang, str(data_dir)))
    if everything:
        jobs += [Job(kind, None, str(p), lang, str(data_dir)) for kind in kinds_without_unit()]
    for kind in dict.fromkeys(j.kind for j in jobs + communes):
        notebook_of(kind)
    return list({j.key: j for j in jobs + communes}.values())


def commune_jobs(
    period, provinces: list[str], every: bool, preferred: ReportKind, lang: str, data_dir: Path
) -> list[Job]:
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
    units = [Unit("commune", code) for code in chosen["commune_code"]]
    return [Job(kind_for(unit, preferred), unit, str(period), lang, str(data_dir)) for unit in units]


def load_runs(path: Path) -> list[dict]:
    """The committed list of default runs (reports.yml)."""
    with open(path, encoding="utf-8") as fh:
        runs = yaml.safe_load(fh)["runs"]
    for run in runs:
        if "period" not in run:
            raise InputError(f"{path}: every run needs a period: {run}")
    return runs
