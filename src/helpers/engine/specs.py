"""The computable definition of every indicator of the catalog: which mart block it reads,
its numerator and denominator (a column and a window), its unit and direction, and the
optional columns it cannot be measured without."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from helpers.core import reference


@dataclass(frozen=True)
class Spec:
    """How one indicator is computed from the mart."""

    id: str
    block: str | None
    numerator: tuple[str, str] | None  # (column, window)
    denominator: tuple[str, str] | None
    unit: str
    direction: str
    needs: tuple[str, ...]

    @property
    def window(self) -> str | None:
        """The window that decides which months the figure is read from."""
        part = self.denominator or self.numerator
        return part[1] if part else None

    @property
    def is_flow(self) -> bool:
        """A count summed over the months of the period (compared per month when the
        baseline has another length)."""
        return self.unit == "count" and self.window == "period"


@lru_cache(maxsize=1)
def specs() -> tuple[Spec, ...]:
    """The computable definition of every catalog indicator, in catalog order."""
    out = []
    for ind in reference.catalog()["indicators"]:
        num, den = ind.get("numerator"), ind.get("denominator")
        out.append(
            Spec(
                id=ind["id"],
                block=ind["table"] if num else None,
                numerator=(num["column"], num["over"]) if num else None,
                denominator=(den["column"], den["over"]) if den else None,
                unit=ind["unit"],
                direction=ind["direction"],
                needs=tuple(ind.get("needs", ())),
            )
        )
    return tuple(out)
