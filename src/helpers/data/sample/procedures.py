"""The `procedures` table of the sample: which procedures of the catalogue each province has
published and put online, month by month."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from helpers.core import reference
from helpers.core.units import REORGANISATION
from helpers.data.sample.catalogue import N_PROCEDURES

if TYPE_CHECKING:
    from helpers.data.sample.generator import Generator

N_ESSENTIAL = 25
"""Project 06 names 25 essential online public services; the first 25 codes play them."""

THRESHOLDS = {
    "published": (-12, 10, 3),
    "partial": (18, 12, 8),
}
"""(mean, sd, performance spread) of the month on the trends' clock at which a procedure is
published (most before 2021: month -12 is January 2020) and first goes online, partly (mostly
in 2022-2023); better provinces are earlier by `spread` months per unit of score."""

FULL_AFTER_PARTIAL = 14
"""Mean months (exponential) between a procedure going partly and fully online."""


def thresholds(gen: Generator) -> dict[str, np.ndarray]:
    """Per legacy province and procedure: months (on the trends' clock) it was published,
    went online (partly) and went full-process online."""
    shape = (len(gen.legacy), N_PROCEDURES)
    rng = gen.rng("procedure-thresholds")
    z = gen.performance[:, None]
    mean, sd, spread = THRESHOLDS["published"]
    published = rng.normal(mean, sd, shape) - spread * z
    mean, sd, spread = THRESHOLDS["partial"]
    partial = rng.normal(mean, sd, shape) - spread * z
    full = partial + rng.exponential(FULL_AFTER_PARTIAL, shape)
    gen.seed_review.calibrate_procedures(published, partial, gen.t)
    return {"published": published, "partial": partial, "full": full}


def procedure_table(gen: Generator) -> pa.Table:
    """The procedure catalogue in force each month: per legacy province before July 2025,
    per current province after (the merged province adopts its most advanced member's)."""
    codes, fee = gen.catalogue.codes, gen.catalogue.fee
    th = thresholds(gen)
    legacy_codes = gen.legacy["legacy_province_code"].to_numpy()
    current_codes = np.array([reference.crosswalk()[c] for c in legacy_codes])
    parts = []
    for col, month in enumerate(gen.months):
        t = gen.t[col]
        if month < REORGANISATION:
            units = [
                (c, lc, np.array([i]))
                for i, (c, lc) in enumerate(zip(current_codes, legacy_codes, strict=True))
            ]
        else:
            units = [(c, None, np.flatnonzero(current_codes == c)) for c in sorted(set(current_codes))]
        for current, legacy, rows in units:
            first = {k: v[rows].min(axis=0) for k, v in th.items()}
            level = np.where(first["full"] <= t, "full", np.where(first["partial"] <= t, "partial", "none"))
            parts.append((month, current, legacy, first["published"] <= t, level))
    n = N_PROCEDURES
    return pa.table(
        {
            "month": pa.array(np.repeat([p[0] for p in parts], n), pa.date32()),
            "province_code": pa.array(np.repeat([p[1] for p in parts], n), pa.string()),
            "legacy_province_code": pa.array(np.repeat([p[2] for p in parts], n), pa.string()),
            "procedure_code": pa.array(np.tile(codes, len(parts))),
            "published": pa.array(np.concatenate([p[3] for p in parts])),
            "online_level": pa.array(np.concatenate([p[4] for p in parts])),
            "fee_required": pa.array(np.tile(fee, len(parts))),
            "essential": pa.array(np.tile(np.arange(n) < N_ESSENTIAL, len(parts))),
        }
    )
