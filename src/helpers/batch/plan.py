"""Which reports a run makes: the jobs of `p06 build` and the default runs of reports.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.core import reference
from helpers.core.errors import InputError
from helpers.core.periods import Period
from helpers.core.text import check_lang
from helpers.core.units import Unit, parse_scope, parse_unit
from helpers.report.kinds import ReportKind, kind_for, kind_named, kinds_without_unit


@dataclass(frozen=True)
class Job:
    """One report: which kind, about which unit, over which period against which baseline
    (parsed once, here), in which language, from which data."""

    kind: ReportKind
    unit: Unit | None
    period: Period
    baseline: Period
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
    def parameters(self) -> dict[str, str]:
        """What the notebook's parameters cell receives (papermill injects them as text)."""
        params = {"period": str(self.period), "lang": self.lang, "data_dir": self.data_dir}
        if self.unit is not None:
            params["unit"] = self.selector
        params["baseline"] = str(self.baseline)
        return params


def notebook_of(kind: ReportKind) -> Path:
    if not kind.notebook.exists():
        raise InputError(f"report kind {kind.name!r} has no notebook: no {kind.notebook}")
    return kind.notebook


@dataclass(frozen=True)
class Plan:
    """One run of `p06 build`: its period and baseline, and the reports it makes."""

    period: Period
    baseline: Period
    data_dir: Path
    lang: str
    jobs: tuple[Job, ...]


def plan(
    period: str,
    data_dir: Path | str,
    units: list[str] = (),
    everything: bool = False,
    notebook: str = "province_review",
    lang: str = "vi",
    communes_of: list[str] = (),
    all_communes: bool = False,
    baseline: str | None = None,
) -> Plan:
    """The reports to build: named units, or every current province and the reports about no
    one unit (the national overview); and the commune reviews of named provinces, or of
    every province. `notebook` names the kind of report for the units (see
    `helpers.report.kinds`). The period, baseline and units are parsed here, once."""
    check_lang(lang)
    folder = Path(data_dir).resolve()
    preferred = kind_named(notebook)
    selectors = list(units)
    if everything:
        selectors += [c for c in reference.provinces()["province_code"] if c not in selectors]
    p, b, named = parse_scope(period, dict.fromkeys(selectors), baseline)
    communes = commune_units(communes_of, all_communes)
    if not named and not communes:
        raise InputError(
            "nothing to build: give --unit U (repeatable), --all, --communes-of CODE or --all-communes"
        )
    kinds = [(kind_for(u, preferred), u) for u in named]
    kinds += [(kind, None) for kind in kinds_without_unit()] if everything else []
    kinds += [(kind_for(u, preferred), u) for u in communes]
    jobs = [Job(kind, unit, p, b, lang, str(folder)) for kind, unit in kinds]
    for kind in dict.fromkeys(j.kind for j in jobs):
        notebook_of(kind)
    return Plan(p, b, folder, lang, tuple({j.key: j for j in jobs}.values()))


def commune_units(provinces: list[str], every: bool) -> list[Unit]:
    """Every commune of the named current provinces (or of all of them)."""
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
    return [Unit("commune", code) for code in chosen["commune_code"]]


def load_runs(path: Path) -> list[dict]:
    """The committed list of default runs (reports.yml)."""
    with open(path, encoding="utf-8") as fh:
        runs = yaml.safe_load(fh)["runs"]
    for run in runs:
        if "period" not in run:
            raise InputError(f"{path}: every run needs a period: {run}")
    return runs
