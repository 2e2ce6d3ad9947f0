"""Rows of a sheet that are not data: a table's total ("Tổng cộng"), a second header line
under the header ("Trong tháng | Lũy kế" under a merged "Số thẻ CCCD đã cấp"), a task list's
headings ("I. Nhóm 1: ...", which give the group of the tasks under them) and its tasks
without a deadline ("Thường xuyên"). Each is skipped and counted on the sheet's layout, so
the summary says which rows were not read and why.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.data.ingest import tasklists, values, vocab
from helpers.data.ingest.figures import marker
from helpers.data.ingest.layout import STOCK_TABLES, Layout


@lru_cache(maxsize=1)
def _total_words() -> frozenset[str]:
    return frozenset(vocab.norm(w) for w in vocab.aliases()["total_rows"])


def _texts(column) -> np.ndarray:
    """A column's cells folded as headers are (object array)."""
    if isinstance(column, pa.Array | pa.ChunkedArray):
        column = np.asarray(pc.fill_null(column, "").to_pylist(), dtype=object)
    return np.array([vocab.norm(v) if isinstance(v, str) else "" for v in column], dtype=object)


def _blank(column) -> np.ndarray:
    if isinstance(column, pa.Array | pa.ChunkedArray):
        text = pc.utf8_trim_whitespace(column)
        return pc.fill_null(pc.equal(text, ""), True).to_numpy(zero_copy_only=False)
    return np.array([values.blank(v) for v in column], dtype=bool)


def skip(chunk, plan, keep: np.ndarray) -> np.ndarray:
    """Rows among `keep` that are not data, recorded by reason on the plan's layout: a
    table's total ("Tổng cộng"), a task list's headings (remembering the group they name) and
    its tasks without a deadline ("Thường xuyên")."""
    at, out = plan.match.columns, np.zeros(len(keep), dtype=bool)
    layout = plan.layout
    if plan.table in STOCK_TABLES:
        out |= _second_header(chunk, plan, keep)
    if plan.table in STOCK_TABLES:  # the total's word is in a unit's, the month's or the first column
        positions = {at[key] for key in ("commune", "province", "month") if key in at} | {0}
        for position in sorted(p for p in positions if p < len(chunk.columns)):
            out |= np.isin(_texts(chunk.columns[position]), list(_total_words()))
        _record(layout, "total", chunk.rows[keep & out])
    if plan.table == "tasks" and "title" in at:
        others = [at[k] for k in ("lead_unit", "deadline", "status", "completed_on", "task_id") if k in at]
        heading = ~_blank(chunk.columns[at["title"]])
        for position in others:
            heading &= _blank(chunk.columns[position])
        heading &= keep
        _groups(plan, chunk, heading, keep)
        _record(layout, "heading", chunk.rows[heading])
        out |= heading
        if "deadline" in at:
            cells = chunk.columns[at["deadline"]]
            cells = cells.to_pylist() if isinstance(cells, pa.Array | pa.ChunkedArray) else cells
            ongoing = np.array([tasklists.no_deadline(v) for v in cells], dtype=bool) & keep & ~out
            _record(layout, "no_deadline", chunk.rows[ongoing])
            out |= ongoing
    return out


def _second_header(chunk, plan, keep: np.ndarray) -> np.ndarray:
    """The line under the header, where it says what each column above it is ("Trong tháng",
    "Lũy kế" under a merged "Số thẻ CCCD đã cấp"): a second header line is not read; say how
    to write the header instead."""
    out = np.zeros(len(keep), dtype=bool)
    first = np.flatnonzero(chunk.rows == plan.layout.header_row + 1)
    if not len(first) or not keep[first[0]]:
        return out
    i = int(first[0])
    cells = [c[i].as_py() if isinstance(c, pa.Array | pa.ChunkedArray) else c[i] for c in chunk.columns]
    marked = [(p, str(v).strip()) for p, v in enumerate(cells) if isinstance(v, str) and marker(v)]
    if not marked:
        return out
    position, value = marked[0]
    reason = (
        "a second header line under the header is not read: give each column a header of its own that "
        "says what it counts, such as 'Số thẻ CCCD đã cấp trong tháng' and 'Số thẻ CCCD đã cấp (lũy kế)'"
    )
    key = next((k for k, p in plan.match.columns.items() if p == position), "")
    plan.layout.found.append((int(chunk.rows[i]), key, value, reason))
    out[i] = True
    return out


def _record(layout: Layout, reason: str, rows: np.ndarray) -> None:
    if len(rows):
        layout.skipped.setdefault(reason, []).extend(int(r) for r in rows)


def _groups(plan, chunk, heading: np.ndarray, keep: np.ndarray) -> None:
    """The group of every row under a heading naming one (where the list has no group column)."""
    if "group" in plan.match.columns:
        return
    titles_ = chunk.columns[plan.match.columns["title"]]
    titles_ = titles_.to_pylist() if isinstance(titles_, pa.Array | pa.ChunkedArray) else list(titles_)
    groups = np.full(len(keep), np.nan)
    for i in np.flatnonzero(heading):
        found = tasklists.group_of_heading(titles_[i])
        groups[i] = found if found is not None else 0
    filled = pd.Series(groups).ffill().fillna(plan.layout.group or 0).to_numpy()
    plan.layout.group = int(filled[-1]) if len(filled) else plan.layout.group
    plan.layout.groups = np.where(filled > 0, filled, np.nan)
