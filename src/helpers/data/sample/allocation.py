"""Integer allocation: split a total into parts that add up exactly.

The sample generator uses it wherever a figure must come out exact (the seed review's
totals) while the rows that carry it stay realistic in shape.
"""

from __future__ import annotations

import numpy as np


def allocate(total: int, weights: np.ndarray, caps: np.ndarray | None = None) -> np.ndarray:
    """Split `total` into integers proportional to `weights`, never above `caps`.

    Largest-remainder rounding: every part is the floor of its exact share or one more,
    and the parts sum to `total` exactly. Ties go to the earlier position.
    """
    weights = np.asarray(weights, dtype=float)
    if total < 0 or (weights < 0).any():
        raise ValueError("total and weights must not be negative")
    if caps is not None:
        caps = np.asarray(caps, dtype=np.int64)
        if total > caps.sum():
            raise ValueError(f"cannot allocate {total} within caps summing to {caps.sum()}")
        weights = np.where(caps > 0, weights, 0.0)
    if total == 0:
        return np.zeros(len(weights), dtype=np.int64)
    if weights.sum() <= 0:
        weights = np.ones(len(weights)) if caps is None else (caps > 0).astype(float)
    exact = total * weights / weights.sum()
    parts = np.floor(exact).astype(np.int64)
    if caps is not None:
        parts = np.minimum(parts, caps)
    remainder = exact - parts
    while (missing := total - int(parts.sum())) > 0:
        room = np.ones(len(parts), bool) if caps is None else parts < caps
        order = np.lexsort((np.arange(len(parts)), -remainder))
        chosen = order[room[order]][:missing]
        parts[chosen] += 1
        remainder[chosen] = -1.0
    return parts
