"""The `tasks` table of the sample: the Project 06 task lists provinces assign and close.

Titles and lead units come from data/reference/sample_vocabulary.yml.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pyarrow as pa

from helpers.core import reference

if TYPE_CHECKING:
    from helpers.data.sample.generator import Generator


class Owner(NamedTuple):
    """A province that keeps a task list, and the period and size of that list."""

    current: str
    legacy: str | None  # None for a current province (after July 2025)
    z: float  # performance score
    start: str
    stop: str
    count: int


LEGACY_LISTS = ("2022-02-01", "2025-05-31", 40)
"""(first, last assignment day, count) of each legacy province's list: Project 06 plans from
February 2022 until the July 2025 merger."""
CURRENT_LISTS = ("2025-07-01", "2026-09-30", 16)
"""The same for each current province, from the merger on."""

N_GROUPS = 5
"""Project 06 groups its tasks in five (see `groups` in indicators.yml)."""

DEADLINE_DAYS = [30, 60, 90, 120, 180]
"""Days a task is given."""

ON_TIME = (0.75, 0.08, 0.4, 0.97)
"""(base, performance spread, low, high) of the chance that a task is done by its deadline."""

MIN_DAYS_TO_DONE = 5
"""A task done on time takes at least this many days (and is done before its deadline)."""

DAYS_LATE = (1, 120)
"""A late task is done this many days after its deadline (low inclusive, high exclusive)."""


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    """Lead units (`before`/`after` the 2025 reorganisation) and task titles per group."""
    return reference.load_yaml("sample_vocabulary.yml")


def _owners(gen: Generator) -> list[Owner]:
    """Every legacy province, then every current province (at its members' mean score)."""
    legacy_codes = gen.legacy["legacy_province_code"].tolist()
    owners = [
        Owner(reference.crosswalk()[c], c, gen.performance[i], *LEGACY_LISTS)
        for i, c in enumerate(legacy_codes)
    ]
    for current in sorted({o.current for o in owners}):
        z = float(np.mean([o.z for o in owners if o.current == current]))
        owners.append(Owner(current, None, z, *CURRENT_LISTS))
    return owners


def _owner_tasks(gen: Generator, owner: Owner, last_day: np.datetime64) -> list[dict]:
    """One owner's tasks assigned up to `last_day`, in the order of their assignment."""
    vocab = vocabulary()
    rng = gen.rng("tasks", owner.current, owner.legacy or "")
    first, last = np.datetime64(owner.start), np.datetime64(owner.stop)
    assigned = np.sort(first + rng.integers(0, int((last - first).astype(int)), owner.count))
    rows = []
    for i, day in enumerate(assigned):
        if day > last_day:
            continue
        group = int(rng.integers(1, N_GROUPS + 1))
        deadline = day + int(rng.choice(DEADLINE_DAYS))
        on_time = rng.random() < np.clip(ON_TIME[0] + ON_TIME[1] * owner.z, ON_TIME[2], ON_TIME[3])
        days_given = int((deadline - day).astype(int))
        done = day + int(rng.integers(MIN_DAYS_TO_DONE, max(MIN_DAYS_TO_DONE + 1, days_given)))
        if not on_time:
            done = deadline + int(rng.integers(*DAYS_LATE))
        rows.append(
            {
                "task_id": f"{owner.legacy or owner.current}-{'L' if owner.legacy else 'C'}{i + 1:03d}",
                "province_code": owner.current,
                "legacy_province_code": owner.legacy,
                "group": group,
                "title": str(rng.choice(vocab["task_titles"][group])),
                "lead_unit": str(rng.choice(vocab["lead_units"]["before" if owner.legacy else "after"])),
                "assigned_on": day,
                "deadline": deadline,
                "completed_on": done if done <= last_day else None,
            }
        )
    return rows


def task_table(gen: Generator) -> pa.Table:
    """Task lists: 40 per legacy province (2022 to mid-2025), 16 per current province after."""
    end = np.datetime64(gen.months[-1], "M") + 1
    last_day = end.astype("datetime64[D]") - 1
    rows = [row for owner in _owners(gen) for row in _owner_tasks(gen, owner, last_day)]
    cols = {k: [r[k] for r in rows] for k in rows[0]}
    return pa.table(
        {
            "task_id": pa.array(cols["task_id"], pa.string()),
            "province_code": pa.array(cols["province_code"], pa.string()),
            "legacy_province_code": pa.array(cols["legacy_province_code"], pa.string()),
            "group": pa.array(cols["group"], pa.int64()),
            "title": pa.array(cols["title"], pa.string()),
            "lead_unit": pa.array(cols["lead_unit"], pa.string()),
            "assigned_on": pa.array(np.array(cols["assigned_on"], "datetime64[D]"), pa.date32()),
            "deadline": pa.array(np.array(cols["deadline"], "datetime64[D]"), pa.date32()),
            "completed_on": pa.array(
                [None if d is None else d.astype("datetime64[D]").item() for d in cols["completed_on"]],
                pa.date32(),
            ),
        }
    )
