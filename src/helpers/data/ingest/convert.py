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
from helpers.data.ingest import places, values, vocab
from helpers.data.ingest.dayorder import DayMonth
from helpers.data.ingest.headers import Match
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
    dates: DayMonth = field(default_factory=DayMonth)  # the order of day and month (--date-order)

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
        return out & set(self.spec.names)

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
        missing = set(self.missing)
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
    if column.kind == "enum":
        return lambda v: values.read_enums(v, column.name)
    if column.kind == "date":
        return lambda v: values.read_dates(v, plan.dates)
    return values.READERS[column.kind]


def to_frame(chunk: Chunk, plan: Plan) -> tuple[pd.DataFrame, list[tuple], np.ndarray]:
    """A chunk as a canonical frame indexed by the rows' numbers; the problems of values
    that cannot be read, as (row, header key, value, reason); and which rows have one."""
    keep = ~blank_rows(chunk.columns)
    rows = chunk.rows[keep]
    if not keep.all():
        chunk = Chunk(
            rows, [c.filter(pa.array(keep)) if isinstance(c, pa.Array) else c[keep] for c in chunk.columns]
        )
    n = len(rows)
    spec, at = plan.spec, plan.match.columns
    problems: list[tuple] = []
    data: dict[str, object] = {}
    for column in spec.columns:
        if column.kind in ("province", "legacy_province", "commune") or column.name not in at:
            continue
        read = _reader(column, plan)(chunk.columns[at[column.name]])
        data[column.name] = read.values
        problems += [(r, column.name, v, why) for r, v, why in read.problems(rows)]
    for key, position in at.items():
        whole = key.endswith("_pct") and vocab.column_specs(plan.table)[key]["of"]
        target = vocab.canonical_of(key)
        if not whole or target in at:
            continue
        read = values.read_pcts(chunk.columns[position])
        problems += [(r, key, v, why) for r, v, why in read.problems(rows)]
        if whole in data:
            share = read.values * data[whole].astype("Float64") / 100
            data[target] = pd.array(
                np.round(share.to_numpy(dtype=float, na_value=np.nan)), dtype="Float64"
            ).astype("Int64")
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
    frame = pd.DataFrame(
        {c.name: data[c.name] if c.name in data else _empty(c.kind, n) for c in spec.columns},
        index=pd.Index(rows, name="row"),
    )
    bad = np.isin(rows, np.fromiter((p[0] for p in problems), dtype=np.int64, count=len(problems)))
    return frame, problems, bad
