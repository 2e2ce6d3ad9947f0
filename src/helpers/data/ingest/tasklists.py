"""Task lists as steering committees keep them: "STT; Nội dung nhiệm vụ; Đơn vị chủ trì;
Thời hạn; Kết quả thực hiện", results as words, no task ids and no assignment dates.

- **Results** are read as whole phrases of ingest_aliases.yml `values: status` ("Chưa hoàn
  thành" is not done: no phrase is looked for inside another); a date after the phrase is
  the completion date ("Đã hoàn thành ngày 20/6/2026").
- **Deadlines** may be a date, "Trước 30/6/2026", a month ("Tháng 6/2026"), a quarter ("Quý
  II/2026") or a year (their last day); a task without one ("Thường xuyên") is never due,
  and is not stored (the summary counts it).
- **Headings**: a row with a title and no lead unit, deadline or result heads a part of the
  list ("I. Nhóm 1: ..."): it is not a task; "Nhóm N" in it gives the group of the tasks
  under it.
- **Task ids** missing from the list are made from the province, the title and the
  deadline (the first 16 hex digits of their SHA-256): the same task gets the same id in
  every export of the list.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.data.ingest import titles, values, vocab
from helpers.data.ingest.values import Bad, Read, blank
from helpers.data.schema import DONE_STATUSES

_GROUP = re.compile(r"\bnhom (i{1,3}|iv|v|[1-5])\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}


@lru_cache(maxsize=1)
def _no_deadline() -> frozenset[str]:
    return frozenset(titles.flat(w) for w in vocab.aliases()["no_deadline"])


def no_deadline(value: object) -> bool:
    """A deadline cell saying the task has none ("Thường xuyên")."""
    return not blank(value) and titles.flat(value) in _no_deadline()


def parse_deadline(value: object):
    """A deadline: a date, or the last day of the month, quarter or year written."""
    try:
        return values.parse_date(value)
    except Bad:
        pass
    found = titles.parse(value)
    if found is None:
        raise Bad(
            "not a deadline: expected a date (30/06/2026), a month (Tháng 6/2026), a quarter "
            "(Quý II/2026) or a year; a task without one (Thường xuyên) is not counted"
        )
    return found.end


def read_deadlines(cells) -> Read:
    """Deadlines, each distinct value read once (task lists are short)."""
    return values.read_distinct(
        values.trimmed(cells), lambda v: np.datetime64(parse_deadline(v), "ms"), "datetime64[ms]"
    )


@lru_cache(maxsize=1)
def _statuses() -> dict[str, str]:
    return vocab.vocabulary("status")


def parse_status(value: object) -> tuple[str, object]:
    """(status, completion date or None) of a result as written: a whole phrase of the
    vocabulary, optionally followed by the day it was done (a date after a result not done
    is not read)."""
    words = _statuses()
    text = str(value).strip()
    for cut in re.finditer(r"[\s(,;:-]+(?:ngày\s+|ngay\s+|on\s+)?(?=\d)", text):
        head, tail = text[: cut.start()], text[cut.end() :].rstrip(" )")
        if vocab.norm(head) in words:
            try:
                day = values.parse_date(tail)
            except Bad:
                break
            status = words[vocab.norm(head)]  # a date after a result not done is not a completion
            return status, day if status in DONE_STATUSES else None
    key = vocab.norm(value)
    if key in words:
        return words[key], None
    raise Bad(f"not a result: expected one of {vocab.accepted('status')} (the whole phrase)")


def read_statuses(cells) -> tuple[Read, Read]:
    """The statuses of a column, and the completion dates written after them."""
    d = values.Distinct.of(values.trimmed(cells))
    status, done, reasons = [], [], []
    for value in d.uniques:
        if value is None or blank(value):
            status.append(None)
            done.append(None)
            reasons.append(None)
            continue
        try:
            s, day = parse_status(value)
            status.append(s)
            done.append(None if day is None else np.datetime64(day, "ms"))
            reasons.append(None)
        except Bad as exc:
            status.append(None)
            done.append(None)
            reasons.append(str(exc))
    days = np.array([np.datetime64("NaT") if x is None else x for x in done] + [np.datetime64("NaT")])
    return Read(d.spread(status, str), d, reasons), Read(days.astype("datetime64[ms]")[d.codes])


def group_of_heading(title: object) -> int | None:
    """The Project 06 group a heading names ("Nhóm 2: ...", "NHÓM II"), if any."""
    found = _GROUP.search(titles.flat(title))
    if not found:
        return None
    token = found.group(1)
    return _ROMAN.get(token) or int(token)


def task_ids(province, title, deadline) -> pd.array:
    """Ids made from the province, the title (its words, spaces collapsed) and the deadline."""
    out = []
    for p, t, d in zip(province, title, deadline, strict=True):
        if p is None or pd.isna(t) or pd.isna(d):
            out.append(None)
            continue
        key = "|".join((str(p), " ".join(str(t).split()), str(pd.Timestamp(d).date())))
        out.append(hashlib.sha256(key.encode()).hexdigest()[:16])
    return pd.array(out, dtype="str")
