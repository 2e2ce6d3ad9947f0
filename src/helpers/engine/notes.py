"""The note of each row of a review table: why a value is missing, what part of the
period or of the records it was computed from, how it was compared with the baseline, and
what the Decision 766 score covers. Every sentence comes from report_text.yml."""

from __future__ import annotations

import pandas as pd

from helpers.core.formatting import format_number
from helpers.core.text import text
from helpers.engine.compute import has_data
from helpers.engine.mart import BLOCKS_BY_NAME
from helpers.engine.score import unmeasured_parts


class Notes:
    """Notes for the rows of one review table (one mart level, one language)."""

    def __init__(self, marker: dict, mart_level: str, lang: str, specs: dict, period_end):
        self.specs = specs
        self.period_end = period_end
        self.missing = set(marker.get("missing_tables", []))
        self.covers = marker.get("covers", {})
        self.level = mart_level
        self.lang = lang

    def t(self, key: str, **values) -> str:
        return text(key, self.lang, **values)

    def for_rows(self, out: pd.DataFrame) -> list[str | None]:
        unmeasured = self._unmeasured(out)
        notes = []
        for row in out.itertuples():
            if row.indicator == "score_766":
                pts = 0 if pd.isna(row.denominator) else int(row.denominator)
                parts = [self.t("note_score", points=pts, parts=", ".join(unmeasured[row.unit_code]))]
            else:
                parts = self._indicator(row)
            notes.append("; ".join(parts) or None)
        return notes

    @staticmethod
    def _unmeasured(out: pd.DataFrame) -> dict[str, list[str]]:
        """Per unit, the Decision 766 parts its values leave out (one pass over the table)."""
        scored = out[out["indicator"] != "score_766"]
        values = scored.pivot(index="unit_code", columns="indicator", values="value")
        return {
            unit: unmeasured_parts(dict(zip(values.columns, row, strict=True)))
            for unit, row in zip(values.index, values.to_numpy(), strict=True)
        }

    def _indicator(self, row) -> list[str]:
        s = self.specs[row.indicator]
        if s.block in self.missing:
            return [self.t("note_missing_table", table=s.block)]
        if self.level == "commune" and not BLOCKS_BY_NAME[s.block].has_commune:
            return [self.t("note_no_commune")]
        if row.absent:
            return [self.t("note_not_measured", column=row.absent)]
        if not has_data(s.window, row.months_covered, row.as_of):
            span = self.covers.get(s.block) or ["–", "–"]
            return [self.t("note_no_data", table=s.block, first=span[0], last=span[1])]
        out = [self.t("note_zero_denominator")] if pd.isna(row.value) else []
        if s.window == "period" and row.months_covered < row.months:
            out.append(self.t("note_partial", covered=row.months_covered, months=row.months))
        if s.window != "period" and row.as_of is not None and row.as_of < self.period_end:
            out.append(self.t("note_as_of", month=f"{row.as_of:%m/%Y}"))
        if row.partly:
            column, known, base = row.partly.split(":")
            out.append(
                self.t(
                    "note_partly_measured",
                    column=column,
                    known=format_number(int(known), self.lang),
                    base=format_number(int(base), self.lang),
                )
            )
        if row.comparison == "per_month":
            out.append(
                self.t(
                    "note_per_month",
                    value=format_number(row.value / row.months_covered, self.lang),
                    months=row.months_covered,
                    baseline=format_number(row.baseline_value / row.baseline_months, self.lang),
                    baseline_months=int(row.baseline_months),
                )
            )
        return out
