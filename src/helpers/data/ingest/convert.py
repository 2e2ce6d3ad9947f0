"""One sheet's rows to canonical columns: what the export carries, what it lacks, and
every value read a whole column at a time.

The canonical schema (`helpers.data.schema`) says each column's kind and whether a row
can exist without it; nothing about columns is restated here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.core import reference
from helpers.data import schema
from helpers.data.ingest import figures, headers, layout, places, skipped, tasklists, values, vocab
from helpers.data.ingest.dayorder import DayMonth
from helpers.data.ingest.figures import MONTHLY, TO_DATE
from helpers.data.ingest.headers import Match
from helpers.data.ingest.layout import Layout, Options
from helpers.data.ingest.read import Chunk

_EMPTY_DTYPES = {
    "date": "datetime64[ms]",
    "month": "datetime64[ms]",
    "bool": "boolean",
    "count": "Int64",
    "group": "Int64",
}


@dataclass
class Plan:
    """How one sheet becomes rows of a canonical table."""

    table: str
    match: Match
    given: tuple[str, str | None] | None = None  # --province, read
    given_text: str | None = None
    layout: Layout | None = None  # its report date, figures, rows that are not data
    options: Options | None = None  # the run's --figures, --as-of, --month
    file: str = ""
    dates: DayMonth = field(default_factory=DayMonth)  # the order of day and month (--date-order)

    @classmethod
    def of(cls, source, table: str, given=None, given_text=None, options: Options | None = None) -> Plan:
        """The plan of one sheet: its header read, its layout analysed (data/ingest/layout.py)."""
        options = options or Options()
        match = headers.match(source.header, table)
        found = layout.analyse(source, match, table, options)
        return cls(table, match, given, given_text, found, options, str(source.file))

    @property
    def spec(self) -> schema.Table:
        return schema.table(self.table)

    def header_of(self, column: str) -> str:
        """The header a canonical column is read from, as the file writes it (else its name)."""
        key = {
            "province_code": "province",
            "legacy_province_code": "province",
            "commune_code": "commune",
        }.get(column, column)
        headers = self.match.headers
        return headers.get(key) or headers.get(f"{key}_pct") or column

    def _pct_whole(self, key: str) -> str:
        return vocab.column_specs(self.table)[key]["of"]

    @cached_property
    def provided(self) -> set[str]:
        """The canonical columns this export gives a value for."""
        keys = set(self.match.columns)
        out = {vocab.canonical_of(k) for k in keys if not k.endswith("_pct")}
        out |= {vocab.canonical_of(k) for k in keys if k.endswith("_pct") and self._pct_whole(k) in keys}
        if self.given is not None or "commune" in keys:
            out.add("province_code")
        if "province_code" in out:
            out.add("legacy_province_code")
        out |= self._from_layout(keys)
        return out & set(self.spec.names)

    def _from_layout(self, keys: set[str]) -> set[str]:
        """Columns given by the sheet's layout rather than a column of its own: the month of a
        dated report, what its figures are, a task list's ids, date and results."""
        if self.layout is None:
            return set()
        out = {"month"} if self.layout.dating is not None else set()
        if self.table in layout.STOCK_TABLES:
            out |= {"figures", "as_of"}
        if self.table == "tasks":
            out |= {"task_id"} | ({"as_of"} if self.layout.list_date else set())
            out |= {"completed_on"} if "status" in keys else set()
            out |= {"group"} if "title" in keys else set()
        return out

    @property
    def missing(self) -> list[str]:
        """Canonical columns the export lacks, in schema order."""
        return [c for c in self.spec.names if c not in self.provided]

    @property
    def missing_required(self) -> list[str]:
        return [c for c in self.spec.required if c not in self.provided]

    def missing_reason(self, column: str) -> str:
        specs = vocab.column_specs(self.table)
        spec = specs["province" if column == "province_code" else column]
        reason = f"required column is missing (header such as {spec['vi'][0]!r} or {spec['en'][0]!r})"
        if column == "province_code":
            reason += "; a file of one province may give it once instead: --province CODE"
        return reason

    @property
    def unchecked(self) -> set[str]:
        """Canonical columns whose schema problems are not reported row by row: required
        columns the export lacks (one problem says so), and what is read from them."""
        out = set(self.missing_required)
        if out & {"province_code", self.spec.date_column}:
            out.add("legacy_province_code")
        return out

    def unmeasurable(self) -> list[dict]:
        """The catalog's indicators of this table that need a column the export lacks."""
        missing = {c for c in self.missing if not set(self.spec.standing_for(c)) & self.provided}
        out = []
        for indicator in reference.catalog()["indicators"]:
            lacking = [c for c in indicator.get("needs") or [] if c in missing]
            if indicator.get("table") == self.table and lacking:
                out.append({"indicator": indicator["id"], "needs": lacking})
        return out


def blank_rows(columns: list) -> np.ndarray:
    """Rows whose every cell is empty."""
    n = len(columns[0]) if columns else 0
    out = np.ones(n, dtype=bool)
    for column in columns:
        if isinstance(column, pa.Array | pa.ChunkedArray):
            text = pc.utf8_trim_whitespace(column)
            empty = pc.or_kleene(pc.is_null(text), pc.equal(text, ""))
            out &= pc.fill_null(empty, True).to_numpy(zero_copy_only=False)
        else:  # spreadsheet cells: empty text or none (a cell of spaces counts as filled)
            out &= pd.isna(column) | (column == "")
    return out


def _empty(kind: str, n: int):
    dtype = _EMPTY_DTYPES.get(kind)
    if dtype is None:
        return pd.array(pa.nulls(n, pa.string()), dtype="str")
    if dtype.startswith("datetime"):
        return np.full(n, np.datetime64("NaT"), dtype=dtype)
    return pd.array([None] * n, dtype=dtype)


def _reader(column: schema.Column, plan: Plan):
    if plan.table == "tasks" and column.name == "deadline":
        return tasklists.read_deadlines
    if column.kind == "enum":
        return lambda v: values.read_enums(v, column.name)
    if column.kind == "date":
        return lambda v: values.read_dates(v, plan.dates)
    return values.READERS[column.kind]


def _filtered(chunk: Chunk, keep: np.ndarray) -> Chunk:
    if keep.all():
        return chunk
    columns = [c.filter(pa.array(keep)) if isinstance(c, pa.Array) else c[keep] for c in chunk.columns]
    return Chunk(chunk.rows[keep], columns)


def to_frame(chunk: Chunk, plan: Plan) -> tuple[pd.DataFrame, list[tuple], np.ndarray]:
    """A chunk as a canonical frame indexed by the rows' numbers (a row giving a month's
    figures and totals to a date gives two); the problems of values that cannot be read, as
    (row, header key, value, reason); and which rows of the frame have one."""
    keep = ~blank_rows(chunk.columns)
    problems: list[tuple] = []
    if plan.layout is not None:
        plan.layout.groups = None
        keep &= ~skipped.skip(chunk, plan, keep)
        problems += plan.layout.found
        plan.layout.found = []
    groups = plan.layout.groups[keep] if plan.layout is not None and plan.layout.groups is not None else None
    chunk = _filtered(chunk, keep)
    rows = chunk.rows
    n = len(rows)
    spec, at = plan.spec, plan.match.columns
    kinds = plan.layout.kinds if plan.layout is not None else {}
    data: dict[str, object] = {}
    for column in spec.columns:
        if column.kind in ("province", "legacy_province", "commune") or column.name not in at:
            continue
        if column.name in kinds:
            continue
        if plan.table == "tasks" and column.name == "status":
            read, done = tasklists.read_statuses(chunk.columns[at["status"]])
            data["completed_on"] = _completed(data.get("completed_on"), done.values, n)
        else:
            read = _reader(column, plan)(chunk.columns[at[column.name]])
        data[column.name] = read.values
        problems += [(r, column.name, v, why) for r, v, why in read.problems(rows)]
    by_kind: dict[str | None, dict[str, object]] = {}
    for key, positions in kinds.items():
        for kind, position in positions.items():
            read = values.read_counts(chunk.columns[position])
            by_kind.setdefault(kind, {})[key] = read.values
            problems += [(r, f"{key}@{kind}", v, why) for r, v, why in read.problems(rows)]
    problems += _shares(chunk, plan, data, by_kind, rows)
    if "month" in spec.names and "month" not in data and plan.layout is not None and plan.layout.dating:
        data["month"] = np.full(n, np.datetime64(plan.layout.dating.month, "ms"))
    when = data.get(spec.date_column, _empty("date", n))
    found = places.read_places(
        rows,
        np.asarray(when, dtype="datetime64[ms]"),
        chunk.columns[at["province"]] if "province" in at else None,
        chunk.columns[at["commune"]] if "commune" in at else None,
        plan.given,
        plan.given_text,
    )
    problems += found.problems
    data["province_code"], data["legacy_province_code"] = (
        values.as_text(found.province),
        values.as_text(found.legacy),
    )
    if found.commune is not None and "commune_code" in spec.names:
        data["commune_code"] = values.as_text(found.commune)
    if plan.table == "tasks" and plan.layout is not None:
        _task_columns(data, plan, groups, n)
    frame = pd.DataFrame(
        {c.name: data[c.name] if c.name in data else _empty(c.kind, n) for c in spec.columns},
        index=pd.Index(rows, name="row"),
    )
    if plan.table in layout.STOCK_TABLES and plan.layout is not None:
        frame = _by_figures(frame, plan, by_kind)
    bad = np.isin(frame.index, np.fromiter((p[0] for p in problems), dtype=np.int64, count=len(problems)))
    return frame, problems, bad


def _completed(given, from_status: np.ndarray, n: int) -> np.ndarray:
    """Completion dates: the column's, else those written after a result ("Đã hoàn thành ngày ...")."""
    if given is None:
        return np.asarray(from_status, dtype="datetime64[ms]")
    given = np.asarray(given, dtype="datetime64[ms]")
    return np.where(np.isnat(given), from_status, given)


def _shares(chunk: Chunk, plan: Plan, data: dict, by_kind: dict, rows: np.ndarray) -> list[tuple]:
    """Counts given as shares of another count (`*_pct` headers), read with their base; the
    base's kind (monthly figures or totals) is the count's."""
    problems = []
    at = plan.match.columns
    for key, position in at.items():
        whole = key.endswith("_pct") and vocab.column_specs(plan.table)[key]["of"]
        target = vocab.canonical_of(key)
        if not whole or target in at:
            continue
        read = figures.read_shares(chunk.columns[position])
        problems += [(r, key, v, why) for r, v, why in read.problems(rows)]
        for part in [p for p in (data, *by_kind.values()) if whole in p]:
            share = read.values * pd.array(part[whole], dtype="Int64").astype("Float64") / 100
            rounded = np.round(share.to_numpy(dtype=float, na_value=np.nan))
            part[target] = pd.array(rounded, dtype="Float64").astype("Int64")
    return problems


def _task_columns(data: dict, plan: Plan, groups, n: int) -> None:
    """A task list's ids where it has none, its date, and the groups its headings name."""
    if "task_id" not in plan.match.columns:
        title, deadline = data.get("title", [None] * n), data.get("deadline", _empty("date", n))
        data["task_id"] = tasklists.task_ids(data["province_code"], title, deadline)
    if plan.layout.list_date is not None:
        data["as_of"] = np.full(n, np.datetime64(plan.layout.list_date, "ms"))
    if "group" not in plan.match.columns and groups is not None:
        data["group"] = pd.array([None if np.isnan(g) else int(g) for g in groups], dtype="Int64")


def _by_figures(frame: pd.DataFrame, plan: Plan, by_kind: dict) -> pd.DataFrame:
    """The rows of a sheet of counts, one per kind of figures it gives (`figures`, `as_of`
    set, its flows): the levels (population) on the totals' row where there is one."""
    lay, spec = plan.layout, plan.spec
    if plan.table == "services":  # levels only: one row, totals where any column is
        merged = {k: v for part in by_kind.values() for k, v in part.items()}
        by_kind = {TO_DATE if TO_DATE in by_kind else MONTHLY: merged}
    order = sorted(by_kind, key=lambda k: (k is None, k != MONTHLY)) or [lay.levels_kind]
    with_levels = TO_DATE if TO_DATE in order else order[0]
    flows, n = set(spec.flow_columns), len(frame)
    no_date = np.full(n, np.datetime64("NaT"), "datetime64[ms]")
    parts = []
    for kind in order:
        part = frame.copy()
        for column in flows:
            part[column] = _empty("count", n)
        for column, read in by_kind.get(kind, {}).items():
            part[column] = read
        if kind != with_levels:
            for column in set(spec.count_columns) - flows:
                part[column] = _empty("count", n)
        part["figures"] = pd.array([TO_DATE if kind == TO_DATE else MONTHLY] * n, dtype="str")
        month = part["month"].to_numpy(dtype="datetime64[ms]")
        part["as_of"] = lay.as_of(month) if kind == TO_DATE else no_date
        if kind is None and plan.options is not None:
            undecided = [c for c, by in lay.kinds.items() if None in by]
            named = [plan.match.headers.get(f"{c}@None", c) for c in undecided]
            plan.options.undecided.add(plan.file, part, undecided, lay.own_month, named)
        parts.append(part)
    return pd.concat(parts) if len(parts) > 1 else parts[0]
