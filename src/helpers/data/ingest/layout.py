"""How a sheet is laid out beyond its header: the date of its rows where they carry none,
whether its counts are monthly figures or totals to a date, and rows that are not data
(a table's total, a heading of a task list, a task without a deadline).

Read once per sheet from its header, its title lines, its name and the options of the run
(`--figures`, `--as-of`, `--month`), before any row is read; a shape that cannot be read is
an input error naming the file and saying what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from helpers.core.errors import InputError, Problem
from helpers.data import schema
from helpers.data.ingest import headers, titles, values, vocab
from helpers.data.ingest.figures import (
    CHOICES,
    MONTHLY,
    TO_DATE,
    YEAR_TO_DATE,
    Undecided,
    marker,
    title_marker,
)
from helpers.data.ingest.titles import ReportDate

DATED_TABLES = ("procedures", "identification", "services")
"""Tables whose rows are dated by a month: a title, a sheet's name or an option may give it."""

STOCK_TABLES = ("identification", "services")
"""Tables whose counts may be monthly figures or totals to a date."""


@dataclass
class Options:
    """What the command line says for files that do not: `--figures`, `--as-of`, `--month`;
    and what is decided only once the whole run is read."""

    figures: str | None = None
    as_of: ReportDate | None = None
    month: ReportDate | None = None
    undecided: Undecided = field(default_factory=Undecided)

    @classmethod
    def of(cls, figures_: str | None = None, as_of=None, month=None) -> Options:
        """Read the options; a value that is not one is an input error."""
        if figures_ is not None and figures_ not in CHOICES:
            raise InputError(f"--figures {figures_}: expected to-date or monthly")
        day = _option(as_of, "--as-of", "a date such as 30/06/2026")
        period = _option(month, "--month", "a month such as 2026-06 or 06/2026")
        if day is not None and day.start != day.end:
            raise InputError(f"--as-of {as_of}: expected a date such as 30/06/2026")
        if period is not None and not period.one_month:
            raise InputError(f"--month {month}: expected a month such as 2026-06 or 06/2026")
        if day is not None and period is not None and day.month != period.month:
            raise InputError(f"--as-of {as_of} is not in --month {month}")
        return cls(CHOICES.get(figures_), day, period)

    @property
    def date(self) -> ReportDate | None:
        return self.as_of or self.month

    def problems(self, table: str) -> list[Problem]:
        """What the run cannot decide alone (figures that could be either)."""
        return self.undecided.problems(table)


def _option(text, name: str, expected: str) -> ReportDate | None:
    """A date (30/06/2026, 2026-06-30) or a period (2026-06, Tháng 6/2026) given as an option."""
    if text is None:
        return None
    try:
        day = text if isinstance(text, date) else values.parse_date(text)
        return ReportDate(day, day, False, str(text))
    except values.Bad:
        found = titles.parse(text)
    if found is None:
        raise InputError(f"{name} {text}: expected {expected}")
    return found


@dataclass
class Layout:
    """One sheet's layout (see the module's doc)."""

    where: str
    table: str = ""
    dating: ReportDate | None = None  # the date of rows that carry none
    dated_by: str = ""  # column, title, sheet or option
    kinds: dict[str, dict[str | None, int]] = field(default_factory=dict)  # flow column → kind → position
    levels_kind: str = MONTHLY  # what a row of levels (population) goes with
    list_date: date | None = None  # tasks: the day the list's results are at
    skipped: dict[str, list[int]] = field(default_factory=dict)  # reason → rows
    group: int | None = None  # tasks: the group of the last heading read
    groups: np.ndarray | None = None  # tasks: the group of each row of the chunk being read
    header_row: int = 0
    found: list = field(default_factory=list)  # problems of rows that are not data: (row, key, value, why)

    @property
    def own_month(self) -> bool:
        return self.dated_by == "column"

    def as_of(self, month: np.ndarray) -> np.ndarray:
        """The day totals of rows of `month` are at: the report date in its month, else the
        month's last day (not after today)."""
        day = np.asarray(month, dtype="datetime64[M]")
        last = (day + 1).astype("datetime64[D]") - 1
        if self.dating is not None:
            at = np.datetime64(self.dating.month, "M")
            last = np.where(day == at, np.datetime64(self.dating.end), last)
        return np.minimum(last, np.datetime64(date.today())).astype("datetime64[ms]")

    def summary(self) -> dict:
        unmarked = "undecided" if self.table == "identification" else MONTHLY
        out = {"figures": sorted({k or unmarked for by in self.kinds.values() for k in by})}
        if self.dating is not None and not self.own_month:
            month = f"{self.dating.month:%Y-%m}"
            out["dated"] = {"by": self.dated_by, "as": self.dating.written, "month": month}
        if self.list_date is not None:
            out["dated"] = {"by": self.dated_by, "as": self.list_date.isoformat()}
        out["skipped"] = {reason: rows for reason, rows in self.skipped.items() if rows}
        return out


def _lines(rows: list) -> list[str]:
    return [" ".join(str(c) for c in row if c is not None and str(c).strip()) for row in rows]


def _date_of(source, table: str, options: Options, where: str) -> tuple[ReportDate | None, str]:
    """The report date of a sheet whose rows carry none: its title lines, else its name, else
    the options; a file and an option that disagree are an input error."""
    try:
        found, by = titles.from_titles(_lines(source.titles)), "title"
    except titles.Conflict as exc:
        raise InputError(f"{where}: {exc}: give the date with --as-of or --month") from None
    if found is not None and found.range and not found.one_month:
        found = None  # "từ ngày 01/01/2024 đến ngày 31/07/2025": figures over months, not at a date
    if found is None and source.sheet is not None:
        year = options.date.end.year if options.date else None
        found, by = titles.parse(source.sheet, year), "sheet"
    given = options.date
    inside = given is not None and found is not None and found.start <= given.start <= given.end <= found.end
    if found is not None and given is not None and not inside:
        raise InputError(
            f"{where}: the file says {found.written!r}, the options say {given.written!r}: "
            "leave the option out, or correct the file"
        )
    return (found, by) if found is not None else (given, "option" if given else "")


def _kinds(source, match: headers.Match, table: str, title_kind: str | None, options: Options, where: str):
    """Per count column, its kind by position: what its header marks, else the sheet's (the
    kind its marked columns agree on, else the title's, else `--figures`; None: undecided).
    Services counts are levels: unmarked, they are the month's (or the title's totals)."""
    spec = schema.table(table)
    counts = set(spec.flow_columns if table == "identification" else spec.count_columns)
    found: dict[str, dict[str | None, int]] = {}
    for position, cell in enumerate(source.header):
        header = "" if cell is None else str(cell).strip()
        how, keys = headers.classify(header, table) if header else (headers.UNKNOWN, ())
        if how not in (headers.EXACT, headers.APPROXIMATE) or keys[0] not in counts:
            continue  # not a count (a share, `*_pct`, is read with its base)
        kind = marker(header)
        if kind == YEAR_TO_DATE:
            raise InputError(
                f"{where}: column {header!r} gives figures since the start of a year: not read "
                "(expected the figures of one month, 'trong tháng', or totals to a date, 'lũy kế')"
            )
        found.setdefault(keys[0], {}).setdefault(kind, position)
    said = ({title_kind} | {k for by_kind in found.values() for k in by_kind}) - {None}
    if options.figures is not None and said - {options.figures}:
        raise InputError(
            f"{where}: --figures {options.figures.replace('_', '-')} contradicts the file, whose headers "
            f"or title say {', '.join(k.replace('_', '-') for k in sorted(said))}"
        )
    if table == "services":
        default = TO_DATE if TO_DATE in {title_kind, options.figures} else None
    else:
        marked = {k for by_kind in found.values() for k in by_kind} - {None}
        default = marked.pop() if len(marked) == 1 else title_kind or options.figures
    return {key: {(k or default): p for k, p in by_kind.items()} for key, by_kind in found.items()}


_ONE_MONTH_LEVEL = "a services figure of one month is not read: it is what there is at a date"


def _place_read(source, match: headers.Match, kinds: dict, table: str) -> None:
    """Read each count column from the position of its kind: a column given twice, once per
    kind, is read twice (not listed as unused); services read their to-date column, and a
    services figure of one month is not read (a level is what there is at a date)."""
    for key, by_kind in kinds.items():
        if table == "services":
            for kind in [k for k in by_kind if k == MONTHLY or (k is None and TO_DATE in by_kind)]:
                header = str(source.header[by_kind.pop(kind)]).strip()
                match.ignored.append({"header": header, "reason": _ONE_MONTH_LEVEL, "closest": []})
        for kind, position in by_kind.items():
            match.headers[f"{key}@{kind}"] = str(source.header[position]).strip()
        if by_kind:
            match.columns[key] = min(by_kind.values())
            match.headers[key] = str(source.header[match.columns[key]]).strip()
        else:
            match.columns.pop(key, None)
            match.headers.pop(key, None)
    match.twice = [t for t in match.twice if t[0] not in kinds or len(kinds[t[0]]) < 2]
    read = {str(source.header[p]).strip() for by_kind in kinds.values() for p in by_kind.values()}
    for position in [p for p, h in match.unread.items() if h in read]:
        del match.unread[position]
    match.ignored = [i for i in match.ignored if i["header"] not in read]
    for header, key in list(match.approximate.items()):
        if key in kinds and header not in read:
            del match.approximate[header]
    for key, by_kind in kinds.items():
        for position in by_kind.values():
            header = str(source.header[position]).strip()
            if headers.classify(header, table)[0] == headers.APPROXIMATE:
                match.approximate[header] = key


def _shares_without_base(match: headers.Match, table: str) -> None:
    """A share is read only with the count it is a share of: without it, say so."""
    for key in [k for k in match.columns if k.endswith("_pct")]:
        whole = vocab.column_specs(table)[key]["of"]
        if whole not in match.columns and vocab.canonical_of(key) not in match.columns:
            header = match.headers.pop(key)
            del match.columns[key]
            reason = f"a share is read with the count it is a share of: the export has no {whole} column"
            match.ignored.append({"header": header, "reason": reason, "closest": []})


def _months_as_columns(source, where: str) -> None:
    """One column per month is not a layout ingest reads: say what it reads."""
    months = [str(c).strip() for c in source.header if c is not None and str(c).strip()]
    parsed = [(h, titles.parse(h, 2000)) for h in months]
    dated = [h for h, d in parsed if d is not None and d.one_month and d.start != d.end]
    if len(dated) >= 2:
        raise InputError(
            f"{where}: one column per month ({', '.join(repr(h) for h in dated[:3])}) is not read: expected "
            "one row per unit and month (a column such as 'Tháng'), or one sheet per month"
        )


def analyse(source, match: headers.Match, table: str, options: Options) -> Layout:
    """The layout of one sheet (see the module's doc)."""
    where = f"{source.file}" + (f", sheet {source.sheet}" if source.sheet else "")
    out = Layout(where, table, header_row=source.header_row)
    _months_as_columns(source, where)
    _shares_without_base(match, table)
    _some_figure(match, table, where)
    if table in DATED_TABLES:
        if "month" in match.columns:
            out.dating, out.dated_by = None, "column"
        else:
            out.dating, out.dated_by = _date_of(source, table, options, where)
            if out.dating is None:
                raise InputError(
                    f"{where}: no report date: no month column (such as 'Tháng'), no date in the title "
                    "lines (such as 'Tính đến ngày 30/06/2026' or 'Tháng 6 năm 2026') or in the sheet's "
                    "name: give it with --as-of DATE or --month M"
                )
    if table == "tasks":
        _list_date(out, source, match, options, where)
    if table in STOCK_TABLES:
        title_kind = title_marker(_lines(source.titles))
        if title_kind == YEAR_TO_DATE:
            raise InputError(f"{where}: the title gives figures since the start of a year: not read")
        if out.dating is not None and out.dating.to_date and not out.own_month:
            title_kind = TO_DATE
        out.kinds = _kinds(source, match, table, title_kind, options, where)
        _place_read(source, match, out.kinds, table)
        if TO_DATE in {k for by in out.kinds.values() for k in by}:
            out.levels_kind = TO_DATE
        elif table == "services" or not out.kinds:
            out.levels_kind = title_kind or options.figures or MONTHLY
        if table == "identification":
            _one_month_flows(out, where)
    return out


def _some_figure(match: headers.Match, table: str, where: str) -> None:
    """A table of figures by month needs a column beyond its units and month: a file whose
    header names only those is another table's (a dossier export has a province too)."""
    if table not in DATED_TABLES or set(match.columns) - {"month", "province", "commune"}:
        return
    specs = vocab.column_specs(table)
    examples = [spec["vi"][0] for key, spec in specs.items() if key not in vocab.PLACE_KEYS]
    raise InputError(
        f"{where}: no column of table {table} beside its units and months (expected headers such as "
        f"{', '.join(repr(e) for e in examples[1:5])})"
    )


def _one_month_flows(out: Layout, where: str) -> None:
    if out.own_month or out.dating is None or out.dating.one_month:
        return
    if MONTHLY in {k for by in out.kinds.values() for k in by}:
        raise InputError(
            f"{where}: the file is dated {out.dating.written!r}, more than a month, and its figures are "
            "monthly: monthly figures are of one month (a report of several months is not read as "
            "one); if they are totals to a date, say so with --figures to-date"
        )


def _list_date(out: Layout, source, match: headers.Match, options: Options, where: str) -> None:
    """The day a task list's results are at: a title line's date (a day, or a month), else
    `--as-of` or `--month`; required where the list gives results as words only."""
    try:
        found = titles.from_titles(_lines(source.titles))
    except titles.Conflict:
        found = None
    if found is not None and not (found.to_date or found.one_month):
        found = None
    given = options.date
    chosen = found or given
    out.dated_by = "title" if found else "option" if given else ""
    if chosen is not None:
        out.list_date = min(chosen.end, date.today())
    elif "status" in match.columns and "completed_on" not in match.columns:
        raise InputError(
            f"{where}: the results ('Đã hoàn thành', 'Quá hạn', ...) are at a date the list does not give: "
            "give it in a title line ('Tính đến ngày 30/06/2026') or with --as-of DATE"
        )


_FIGURES = {
    "monthly": "monthly figures",
    "to_date": "totals to a date",
    "undecided": "monthly figures (no header or title says so, but a figure falls from one month to the "
    "next, as only monthly figures do, or each unit has one month of a table with a month column)",
}
_DATED_BY = {"title": "its title", "sheet": "the sheet's name", "option": "the options"}
_SKIPPED = {
    "total": "rows of the table's total, not read",
    "heading": "headings of the list, not tasks",
    "no_deadline": "tasks without a deadline (such as 'Thường xuyên'), not counted",
}


def describe_layout(summary: dict) -> list[str]:
    """The lines `describe` prints about a sheet's layout (for the terminal, in English)."""
    lines = []
    kinds = summary.get("figures") or []
    if kinds:
        lines.append("figures read as " + " and ".join(_FIGURES[k] for k in kinds))
    if dated := summary.get("dated"):
        month = f" (month {dated['month']})" if "month" in dated else ""
        lines.append(f"dated by {_DATED_BY.get(dated['by'], dated['by'])}: {dated['as']}{month}")
    for reason, rows in (summary.get("skipped") or {}).items():
        more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
        shown = ", ".join(str(r) for r in rows[:10]) + more
        lines.append(f"{_SKIPPED[reason]}: row{'s' if len(rows) > 1 else ''} {shown}")
    return lines
