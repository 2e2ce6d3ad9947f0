"""The procedure catalogue of the sample: invented procedure codes with their fees, time
limits and popularity, drawn once per sample."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

N_PROCEDURES = 400
"""Administrative procedures in the catalogue: enough for a realistic long tail of rare ones."""

FEE_SHARE = 0.45
"""Share of procedures that charge a fee."""

DUE_DAYS = [1, 3, 5, 7, 10, 15, 20, 30]
"""Statutory time limits (days) a procedure may have."""

POPULARITY_EXPONENT = 1.1
"""Popularity follows Zipf's law: a few procedures take most dossiers."""


class Catalogue(NamedTuple):
    """The procedures, one entry per position: code, fee, time limit and share of dossiers."""

    codes: np.ndarray
    fee: np.ndarray
    due_days: np.ndarray
    popularity: np.ndarray


def draw_catalogue(rng: np.random.Generator) -> Catalogue:
    """Invented procedure codes in the national format (1.00xxxx), fees, limits, popularity."""
    codes = np.array([f"1.{1000 + 7 * i:06d}" for i in range(N_PROCEDURES)])
    fee = rng.random(N_PROCEDURES) < FEE_SHARE
    due_days = rng.choice(DUE_DAYS, N_PROCEDURES)
    popularity = 1.0 / np.arange(1, N_PROCEDURES + 1) ** POPULARITY_EXPONENT
    popularity = rng.permutation(popularity)
    return Catalogue(codes, fee, due_days, popularity / popularity.sum())
