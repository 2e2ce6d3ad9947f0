"""The `dossiers` table of the sample: one month of dossiers at a time, so memory stays flat
as the scale grows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from helpers.core import reference
from helpers.core.periods import month_from_index, month_index
from helpers.core.units import REORGANISATION

if TYPE_CHECKING:
    from helpers.data.sample.generator import Generator

CHANNELS = np.array(["online", "in_person", "postal"])
AGENCY_LEVELS = np.array(["province", "district", "commune"])
RATINGS = np.array(["satisfied", "neutral", "dissatisfied"])

POSTAL_SHARE = 0.04
"""Share of the dossiers not filed online that come by post."""

LEVEL_SHARES = {False: [0.25, 0.45, 0.30], True: [0.35, 0.0, 0.65]}
"""Share of dossiers handled at province, district and commune level, before and after July
2025 (when districts were abolished and their work went to the communes)."""

MAX_DAYS_LATE = 15
"""A late dossier is finished 1 to this many days after its due date."""

RATED_SHARE = 0.35
"""Share of finished dossiers whose applicant rates the service."""

NOT_SATISFIED_SPLIT = (0.6, 0.4)
"""How the ratings that are not `satisfied` split between neutral and dissatisfied."""


def dossier_table(gen: Generator, col: int) -> pa.Table:
    """Every dossier received in month `col` of the sample, all provinces."""
    month = gen.months[col]
    merged = month >= REORGANISATION
    codes, fee, due_days, popularity = gen.catalogue
    blocks = []
    for row, legacy_code in enumerate(gen.legacy["legacy_province_code"]):
        n = int(gen.volumes[row, col])
        rng = gen.rng("dossiers", legacy_code, col)
        blocks.append(_dossier_block(gen, rng, row, col, n, merged, popularity))
    block = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    n_rows = len(block["proc"])
    days_in_month = (month_from_index(month_index(month) + 1) - month).days
    rng = gen.rng("dossier-dates", col)
    received = np.datetime64(month, "D") + rng.integers(0, days_in_month, n_rows)
    due = received + due_days[block["proc"]]
    late = rng.integers(1, MAX_DAYS_LATE + 1, n_rows)
    actual = np.where(
        block["on_time"], rng.integers(0, due_days[block["proc"]] + 1), due_days[block["proc"]] + late
    )
    finished = received + actual
    end = np.datetime64(gen.months[-1], "M") + 1
    pending = finished >= end.astype("datetime64[D]")
    rated = ~pending & block["rated"]
    fee_req = fee[block["proc"]]
    ids = [f"S{month:%Y%m}-{i:08d}" for i in range(n_rows)]
    legacy_codes = gen.legacy["legacy_province_code"].to_numpy()[block["legacy_row"]]
    current = np.vectorize(reference.crosswalk().get, otypes=[object])(legacy_codes)
    commune = gen.communes["commune_code"].to_numpy(object)[block["commune"]]
    return pa.table(
        {
            "dossier_id": pa.array(ids, pa.string()),
            "province_code": pa.array(current, pa.string()),
            "legacy_province_code": pa.nulls(n_rows, pa.string())
            if merged
            else pa.array(legacy_codes, pa.string()),
            "commune_code": pa.array(commune, pa.string()),
            "agency_level": pa.array(AGENCY_LEVELS[block["level"]]),
            "procedure_code": pa.array(codes[block["proc"]]),
            "received_on": pa.array(received.astype("datetime64[D]"), pa.date32()),
            "channel": pa.array(CHANNELS[block["channel"]]),
            "full_online": pa.array(block["full_online"]),
            "due_on": pa.array(due.astype("datetime64[D]"), pa.date32()),
            "finished_on": pa.array(finished.astype("datetime64[D]"), pa.date32(), mask=pending),
            "synced": pa.array(block["synced"]),
            "fee_required": pa.array(fee_req),
            "paid_online": pa.array(fee_req & block["paid"]),
            "digitised": pa.array(block["digitised"]),
            "e_result": pa.array(block["e_result"] & ~pending),
            "rating": pa.array(RATINGS[block["rating"]], pa.string(), mask=~rated),
        }
    )


def _channels(rng: np.random.Generator, n: int, k_online: int) -> np.ndarray:
    """Exactly `k_online` online dossiers (the plan's count), a few postal, the rest in person;
    as positions in CHANNELS, shuffled."""
    channel = np.ones(n, np.int64)
    channel[:k_online] = 0
    channel[k_online:][rng.random(n - k_online) < POSTAL_SHARE] = 2
    return rng.permutation(channel)


def _dossier_block(
    gen: Generator,
    rng: np.random.Generator,
    row: int,
    col: int,
    n: int,
    merged: bool,
    popularity: np.ndarray,
) -> dict[str, np.ndarray]:
    """The attributes of one legacy province's dossiers in one month, before dates.

    The order of the draws below is part of the sample's bytes: do not reorder them."""
    channel = _channels(rng, n, int(gen.online_counts[row, col]))
    online = channel == 0

    def draw(name: str) -> np.ndarray:
        return rng.random(n) < gen.rate(name)[row, col]

    synced = draw("synced")
    gen.seed_review.calibrate_synced(synced, row, col)
    mine = np.flatnonzero(
        gen.communes["legacy_province_code"].to_numpy() == gen.legacy.at[row, "legacy_province_code"]
    )
    commune_w = gen.communes["weight"].to_numpy()[mine]
    satisfied = gen.rate("satisfied")[row, col]
    neutral, dissatisfied = NOT_SATISFIED_SPLIT
    return {
        "legacy_row": np.full(n, row),
        "commune": mine[rng.choice(len(mine), n, p=commune_w / commune_w.sum())],
        "level": rng.choice(3, n, p=LEVEL_SHARES[merged]),
        "proc": rng.choice(len(popularity), n, p=popularity),
        "channel": channel,
        "full_online": online & draw("full_online"),
        "synced": synced,
        "on_time": draw("on_time"),
        "paid": online & draw("paid_online"),
        "digitised": draw("digitised"),
        "e_result": draw("e_result"),
        "rated": rng.random(n) < RATED_SHARE,
        "rating": rng.choice(3, n, p=[satisfied, (1 - satisfied) * neutral, (1 - satisfied) * dissatisfied]),
    }
