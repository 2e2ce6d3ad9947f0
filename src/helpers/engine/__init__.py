"""The engine layer: the mart of additive monthly counts (`mart`), the indicators of the
catalog for any unit and period (`indicators`, with the Decision 766 score in `score`),
monthly series (`trends`) and tasks by lead unit (`tasks`). The period windows and the
definition of an overdue task live once, in `windows`.

`review` is the engine's main question: every indicator for a unit over a period."""

from helpers.engine.indicators import review

__all__ = ["review"]
