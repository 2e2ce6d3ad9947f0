"""The kinds of report a build makes, in one registry that `p06 build`, its fingerprints,
workers and index pages read: for each kind its notebook, the units it reviews, where its
files go, the documents it can write, what it reads from the mart (computed once for a
whole batch) and the index page that lists it.

Adding a kind is one entry in `KINDS` (or `register`) and its notebook: a notebook with a
`parameters` cell taking `period`, `baseline`, `lang`, `data_dir` (and `unit` where the
kind reviews units), and recording `key_figures` (and `document` where it writes one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from helpers.core.errors import InputError
from helpers.core.paths import NOTEBOOK_DIR
from helpers.core.units import Unit, slug

Writer = Callable[[dict, list[tuple[str, bytes]], Path], None]
"""Writes one document to a path from what a notebook recorded as `document` and the PNG
charts it drew (title, bytes)."""

PERIOD_INDEX = "period"
"""Listed on reports/<period>/index.html."""
COMMUNE_INDEX = "communes"
"""Listed on the index of its province's communes (`commune_index`)."""


def write_review_docx(data: dict, charts: list[tuple[str, bytes]], target: Path) -> None:
    from helpers.report.document import write_docx

    write_docx(data, charts, target)


def write_review_xlsx(data: dict, charts: list[tuple[str, bytes]], target: Path) -> None:
    from helpers.report.workbook import write_xlsx

    write_xlsx(data, target)


def write_overview_xlsx(data: dict, charts: list[tuple[str, bytes]], target: Path) -> None:
    from helpers.report.workbook import write_national_xlsx

    write_national_xlsx(data, target)


@dataclass(frozen=True, eq=False)
class ReportKind:
    """One kind of report (each is one object: compared and hashed as itself)."""

    name: str  # what `p06 build --notebook` and reports.yml's `notebook` name
    notebook: Path
    levels: tuple[str, ...]  # the unit levels it reviews; () for a report about no one unit
    reads: Mapping[str, tuple[str, ...]]  # mart levels read, by the unit's level ("" without a unit)
    folder: str = ""  # below reports/<period>/
    writers: Mapping[str, Writer] = field(default_factory=dict)  # documents beside the page
    index: str = PERIOD_INDEX
    stem: str = ""  # the file name of a report about no one unit
    label: str = ""  # its name on an index page (a key of report_text.yml), for one about no one unit

    @property
    def outputs(self) -> tuple[str, ...]:
        """What it can make: the page, and a document for each writer."""
        return ("html", *self.writers)

    def accepts(self, unit: Unit | None) -> bool:
        return unit.level in self.levels if unit is not None else not self.levels

    def file_stem(self, unit: Unit | None) -> str:
        """`44`, `legacy-45`, `VN`, a commune's code, or the kind's own stem."""
        return slug(unit) if unit is not None else self.stem

    def key(self, unit: Unit | None) -> str:
        """The report's path below reports/<period>/, without suffix: its name in the build
        state and the index pages."""
        stem = self.file_stem(unit)
        return f"{self.folder}/{stem}" if self.folder else stem

    def mart_levels(self, unit: Unit | None) -> tuple[str, ...]:
        return self.reads[unit.level if unit is not None else ""]


PROVINCE_REVIEW = ReportKind(
    "province_review",
    NOTEBOOK_DIR / "province_review.ipynb",
    levels=("province", "legacy_province", "country"),
    reads={
        "province": ("province", "commune"),
        "legacy_province": ("legacy_province", "commune"),
        "country": ("country", "commune"),
    },
    writers={"docx": write_review_docx, "xlsx": write_review_xlsx},
)
COMMUNE_REVIEW = ReportKind(
    "commune_review",
    NOTEBOOK_DIR / "commune_review.ipynb",
    levels=("commune",),
    reads={"commune": ("commune", "province")},
    folder="communes",
    index=COMMUNE_INDEX,
)
NATIONAL_OVERVIEW = ReportKind(
    "national_overview",
    NOTEBOOK_DIR / "national_overview.ipynb",
    levels=(),
    reads={"": ("province",)},
    writers={"xlsx": write_overview_xlsx},
    stem="national",
    label="index_national",
)

KINDS: dict[str, ReportKind] = {k.name: k for k in (PROVINCE_REVIEW, COMMUNE_REVIEW, NATIONAL_OVERVIEW)}
"""Every kind a build can make, by name; the order is the order of preference when a unit
could be reviewed by more than one."""


def register(kind: ReportKind) -> ReportKind:
    """Add a kind (or replace one of the same name)."""
    KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> ReportKind:
    try:
        return KINDS[name]
    except KeyError:
        raise InputError(f"unknown report kind {name!r}: expected one of {', '.join(KINDS)}") from None


def kind_for(unit: Unit, preferred: ReportKind) -> ReportKind:
    """The kind that reviews a unit: the one asked for where it can, else the first that can
    (a commune's review for a commune)."""
    if preferred.accepts(unit):
        return preferred
    for kind in KINDS.values():
        if kind.levels and kind.accepts(unit):
            return kind
    raise InputError(f"no kind of report reviews unit {unit}")


def kind_without_unit(key: str) -> ReportKind | None:
    """The kind of a report about no one unit, from its key."""
    return next((k for k in kinds_without_unit() if k.key(None) == key), None)


def kinds_without_unit() -> list[ReportKind]:
    """The kinds `--all` adds once per period (the national overview)."""
    return [k for k in KINDS.values() if not k.levels]


def index_of(key: str) -> str:
    """Which index page lists a report, from its key (kinds that share a folder share an
    index page)."""
    folder = key.rpartition("/")[0]
    return next((k.index for k in KINDS.values() if k.folder == folder), PERIOD_INDEX)


def commune_index(province_code: str) -> str:
    """The index of a province's commune reviews, below reports/<period>/."""
    return f"{COMMUNE_REVIEW.folder}/index-{province_code}.html"
