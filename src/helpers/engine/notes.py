"""The note of each row of a review table: why a value is missing, what part of the
period or of the records it was computed from, how it was compared with the baseline, and
what the Decision 766 score covers. Every sentence comes from report_text.yml."""

from __future__ import annotations

import json
from collections import namedtuple
from datetime import date
from functools import lru_cache

import pandas as pd

from helpers.core.formatting import date_words, format_number, in_sentence, month_words, months_words
from helpers.core.text import reader_name, text
from helpers.engine.blocks import BLOCKS_BY_NAME
from helpers.engine.compute import has_data
from helpers.engine.score import unmeasured_parts


@lru_cache(maxsize=64)
def _span_words(first: str, last: str, lang: str) -> str:
    """`2022-01`, `2025-12` in the reader's words (asked for every unit without data)."""
    return months_words(date.fromisoformat(f"{first}-01"), date.fromisoformat(f"{last}-01"), lang)


def _rows(frame: pd.DataFrame):
    """The rows of a table as named tuples of plain values: `itertuples` reads a column of
    text one value at a time, a province's communes have thousands of rows."""
    row = namedtuple("Row", frame.columns, rename=True)  # as itertuples names them
    return map(row._make, zip(*(frame[c].tolist() for c in frame.columns), strict=True))


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

    def name(self, kind: str, identifier: str) -> str:
        """A table, column or score part as the reader knows it."""
        return reader_name(kind, identifier, self.lang)

    def span(self, block: str) -> str:
        """The months a table's data covers, in the reader's words."""
        first, last = self.covers.get(block) or [None, None]
        return _span_words(first, last, self.lang) if first else "–"

    def for_rows(self, out: pd.DataFrame) -> list[str | None]:
        unmeasured = self._unmeasured(out)
        notes = []
        for row in _rows(out):
            if row.indicator == "score_766":
                pts = 0 if pd.isna(row.denominator) else int(row.denominator)
                names = [in_sentence(self.name("part", p), self.lang) for p in unmeasured[row.unit_code]]
                parts = [self.t("note_score", points=pts, parts=", ".join(names))]
            elif isinstance(getattr(row, "official_note", None), str):
                parts = self._official(row)
            else:
                parts = self._indicator(row)
            notes.append("; ".join(parts) or None)
        return notes

    _OFFICIAL = {
        "no_table": "note_official_no_table",
        "no_snapshot": "note_official_no_snapshot",
        "published": "note_official",
        "derived_total": "note_official_total",
        "formula_not_published": "note_formula_not_published",
        "no_figures": "note_no_figures",
    }

    def _official(self, row) -> list[str]:
        """The official index: where its figure comes from, and why it is not recomputed."""
        date = f"{row.as_of:%d/%m/%Y}" if row.as_of is not None and not pd.isna(row.as_of) else ""
        return [self.t(self._OFFICIAL[key], date=date) for key in row.official_note.split("|")]

    def _basis(self, basis: dict, as_of) -> list[str]:
        """Which figures a stock (or a level) is made of: monthly figures, totals to a date
        (at which dates), or both; and months whose figures disagree with the totals."""
        month = "" if as_of is None or pd.isna(as_of) else month_words(as_of, self.lang)
        if not basis["totals"]:
            return [self.t("note_stock_flows", month=month)]
        first, last = (date_words(date.fromisoformat(basis[k]), self.lang) for k in ("first", "last"))
        if first == last:
            out = [self.t("note_stock_total", date=last)]
        else:
            units = format_number(basis["totals"], self.lang)
            out = [self.t("note_stock_totals", units=units, first=first, last=last)]
        if basis["flows"]:
            out.append(self.t("note_stock_plus_flows", month=month))
        if basis["disagree"]:
            out.append(self.t("note_stock_disagree", count=format_number(basis["disagree"], self.lang)))
        return out

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
            return [self.t("note_missing_table", table=self.name("table", s.block))]
        if self.level == "commune" and not BLOCKS_BY_NAME[s.block].has_commune:
            return [self.t("note_no_commune")]
        if row.absent:
            return [self.t("note_not_measured", column=self.name("column", row.absent))]
        if not has_data(s.window, row.months_covered, row.as_of):
            return [self.t("note_no_data", table=self.name("table", s.block), months=self.span(s.block))]
        out = [self.t("note_zero_denominator")] if pd.isna(row.value) else []
        if s.window == "period" and row.months_covered < row.months:
            out.append(self.t("note_partial", covered=row.months_covered, months=row.months))
        basis = json.loads(row.basis) if isinstance(getattr(row, "basis", ""), str) and row.basis else None
        if basis is not None and "totals" in basis:
            out += self._basis(basis, row.as_of)
        elif s.window != "period" and row.as_of is not None and row.as_of < self.period_end:
            out.append(self.t("note_as_of", month=month_words(row.as_of, self.lang)))
        if basis is not None and basis.get("untimed"):
            out.append(self.t("note_tasks_untimed", count=format_number(basis["untimed"], self.lang)))
        if row.partly:
            column, known, base = row.partly.split(":")
            out.append(
                self.t(
                    "note_partly_measured",
                    column=self.name("column", column),
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
