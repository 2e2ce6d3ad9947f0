"""Review tables as readers get them: styled DataFrames in the report's number format, aligned
text for the terminal, and JSON. Headers and statuses come from report_text.yml.

A notebook keeps the raw frame (numbers) under its own name and shows it through one of
the stylers here, so the numbers an analyst works with are the numbers a reader sees.
"""

from __future__ import annotations

import json
import math
import re

import pandas as pd
from pandas.io.formats.style import Styler

from helpers.core.formatting import MISSING, format_change, format_number, format_target, format_value
from helpers.core.text import text
from helpers.report.sections import with_qualifier

STATUS_COLOURS = {
    "achieved": "color: #1e7b34; font-weight: 600",
    "not_achieved": "color: #b03a2e; font-weight: 600",
}


def _plain(value):
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return f"{value:%Y-%m}"
    return value.item() if hasattr(value, "item") else value


def to_json(table: pd.DataFrame) -> str:
    """One JSON array of objects, one per unit and indicator; missing values are null."""
    records = [{k: _plain(v) for k, v in row.items()} for row in table.to_dict("records")]
    return json.dumps(records, ensure_ascii=False, indent=1)


def status_label(status: str, lang: str) -> str:
    return text(f"status_{status}", lang)


def _change(row, lang: str) -> str:
    if row.comparison == "per_month":
        return text("change_per_month", lang, value=format_change(row.change_per_month, "count", lang))
    if row.unit_of_measure == "pct":
        return format_change(row.change_pp, "pct", lang)
    return format_change(row.value - row.baseline_value, row.unit_of_measure, lang)


def _rank(rank, of) -> str:
    return MISSING if pd.isna(rank) else f"{int(rank)}/{int(of)}"


def display_frame(table: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The key-results table of a review as formatted strings in the reader's language (for
    the terminal and the index pages)."""
    units = table["unit_of_measure"]
    return pd.DataFrame(
        {
            text("col_indicator", lang): table["name"].values,
            text("col_value", lang): [
                with_qualifier(
                    format_value(r.value, r.unit_of_measure, lang), r.indicator, r.value, r.denominator, lang
                )
                for r in table.itertuples()
            ],
            text("col_target", lang): [
                format_target(v, u, lang) for v, u in zip(table["target"], units, strict=True)
            ],
            text("col_status", lang): [status_label(s, lang) for s in table["status"]],
            text("col_baseline", lang): [
                format_value(v, u, lang) for v, u in zip(table["baseline_value"], units, strict=True)
            ],
            text("col_change", lang): [_change(r, lang) for r in table.itertuples()],
            text("col_rank", lang): [_rank(r, o) for r, o in zip(table["rank"], table["of"], strict=True)],
            text("col_note", lang): table["note"].fillna("").values,
        }
    )


def to_text(table: pd.DataFrame, lang: str = "vi") -> str:
    """Aligned plain text, one block per unit, for the terminal."""
    blocks = []
    for (unit, unit_name), part in table.groupby(["unit", "unit_name"], sort=False):
        title = text(
            "title_terminal",
            lang,
            unit_name=unit_name,
            unit=unit,
            period=part["period"].iloc[0],
            baseline=part["baseline"].iloc[0],
        )
        blocks.append(title + "\n" + display_frame(part, lang).to_string(index=False))
    return "\n\n".join(blocks)


# ---- styled tables for notebooks and rendered reports -------------------------------------


TABLE_STYLE = "border-collapse:collapse;font-size:0.92em;margin:6px 0 14px 0"
HEAD_STYLE = "background:#1f4e79;color:#fff;padding:5px 8px;text-align:left;font-weight:600"
CELL_STYLE = "padding:4px 8px;border-bottom:1px solid #ddd;vertical-align:top;text-align:left"
EVEN_ROW = "background:#f6f8fa"
_STYLE_BLOCK = re.compile(r'<style type="text/css">(.*?)</style>\s*', re.S)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CELL = re.compile(r"<(td|th|table)\b([^>]*)>")


class ReportStyler(Styler):
    """A pandas Styler whose plain-text form is the table itself (not an object address), so
    the same table gives the same notebook bytes; whose every value and header is escaped
    (text from data is shown as typed: pandas leaves a column unescaped once a later
    `format` call names other columns, so every call here escapes); and whose HTML carries
    its styles inline, so JupyterLab shows them before a notebook is trusted."""

    def __repr__(self) -> str:
        return self.data.to_string(index=False)

    def format(self, formatter=None, subset=None, na_rep=None, precision=None, decimal=".",
               thousands=None, escape="html", hyperlinks=None):  # fmt: skip
        return super().format(
            formatter, subset=subset, na_rep=na_rep, precision=precision, decimal=decimal,
            thousands=thousands, escape=escape, hyperlinks=hyperlinks,
        )  # fmt: skip

    def format_index(self, formatter=None, axis=0, level=None, na_rep=None, precision=None,
                     decimal=".", thousands=None, escape="html", hyperlinks=None):  # fmt: skip
        return super().format_index(
            formatter, axis=axis, level=level, na_rep=na_rep, precision=precision, decimal=decimal,
            thousands=thousands, escape=escape, hyperlinks=hyperlinks,
        )  # fmt: skip

    def _repr_html_(self) -> str:
        return inline_styles(self.to_html())


def inline_styles(html: str) -> str:
    """A Styler's HTML with its <style> rules (per-cell ids) and the report's table look
    moved into each element's `style` attribute."""
    block = _STYLE_BLOCK.search(html)
    by_id: dict[str, list[str]] = {}
    for selectors, body in _RULE.findall(block.group(1) if block else ""):
        declarations = ";".join(d.strip() for d in body.split(";") if d.strip())
        for selector in selectors.split(","):
            by_id.setdefault(selector.strip().lstrip("#"), []).append(declarations)
    html = _STYLE_BLOCK.sub("", html, count=1)

    def styled_tag(match: re.Match) -> str:
        tag, attrs = match.group(1), match.group(2)
        if tag == "table":
            return f'<table{attrs} style="{TABLE_STYLE}">'
        base = [HEAD_STYLE if tag == "th" else CELL_STYLE]
        row = re.search(r"\brow(\d+)\b", attrs)
        if tag == "td" and row and int(row.group(1)) % 2 == 1:
            base.append(EVEN_ROW)
        ident = re.search(r'\bid="([^"]+)"', attrs)
        base += by_id.get(ident.group(1), []) if ident else []
        return f'<{tag}{attrs.rstrip()} style="{";".join(base)}">'

    return _CELL.sub(styled_tag, html)


def styled(
    frame: pd.DataFrame,
    name: str,
    formats: dict | None = None,
    numeric: list[str] | None = None,
    wrapping: list[str] = (),
):
    """A DataFrame as the report shows it: no index, numbers right-aligned in the given
    formats (on one line, except the `wrapping` columns, whose figures carry words),
    every value and header escaped, a fixed id (`name`) so the same table gives the same
    bytes."""
    numeric = (
        numeric
        if numeric is not None
        else [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    )
    styler = ReportStyler(frame).hide(axis="index").set_uuid(name).set_table_attributes('class="p06"')
    styler = styler.format(na_rep=MISSING).format_index(axis=1)
    if formats:
        styler = styler.format(formats, na_rep=MISSING)
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
    if one_line := [c for c in numeric if c not in wrapping]:
        styler = styler.set_properties(subset=one_line, **{"white-space": "nowrap"})
    return styler


def key_results(indicators: pd.DataFrame, lang: str):
    """Every indicator with value, target, status, baseline, change, rank and note: numbers
    formatted by each indicator's unit, the status coloured."""
    shown = display_frame(indicators, lang)
    status = text("col_status", lang)
    numeric = [text(k, lang) for k in ("col_value", "col_target", "col_baseline", "col_change", "col_rank")]
    styler = styled(shown, "key_results", numeric=numeric, wrapping=[text("col_value", lang)])
    colours = {status_label(k, lang): v for k, v in STATUS_COLOURS.items()}
    return styler.map(lambda v: colours.get(v, ""), subset=[status])


def number_formats(columns: dict[str, str], lang: str) -> dict:
    """Styler formats for columns holding values of a unit (`pct`, `count`, `score`)."""
    return {c: (lambda v, u=u: format_value(v, u, lang)) for c, u in columns.items()}


def integer_format(lang: str):
    return lambda v: format_number(v, lang)


def wide(frame: pd.DataFrame, lang: str, name: str, index_label: str = "col_province"):
    """A frame with one column per indicator id (index: unit names) as a styled table:
    short names as headers, each column in its indicator's unit."""
    from helpers.core import reference

    cat = reference.indicators()
    shown = frame.rename(columns={i: cat.at[i, f"short_{lang}"] for i in frame.columns})
    shown = shown.rename_axis(text(index_label, lang)).reset_index()
    formats = number_formats({cat.at[i, f"short_{lang}"]: cat.at[i, "unit"] for i in frame.columns}, lang)
    return styled(shown, name, formats=formats)


def lagging(frame: pd.DataFrame, lang: str):
    """The communes that lag, as a styled table: indicator, commune, value."""
    shown = pd.DataFrame(
        {
            text("col_indicator", lang): frame["name"].values,
            text("col_commune", lang): frame["unit_name"].values,
            text("col_value", lang): frame["value"].values,
        }
    )
    return styled(shown, "lagging", formats=number_formats({text("col_value", lang): "pct"}, lang))


def score(parts: pd.DataFrame, lang: str):
    """The Decision 766 parts as a styled table, with why a part is not measured."""
    heads = {
        "group": "col_group",
        "part": "col_part",
        "points": "col_points",
        "threshold": "col_threshold",
        "value": "col_value",
        "score": "col_score",
        "why": "col_why",
    }
    shown = parts[list(heads)].rename(columns={k: text(v, lang) for k, v in heads.items()})
    units = {"col_points": "count", "col_threshold": "pct", "col_value": "pct", "col_score": "score"}
    return styled(
        shown, "score_parts", formats=number_formats({text(k, lang): u for k, u in units.items()}, lang)
    )


def tasks(frame: pd.DataFrame, lang: str):
    """Tasks by lead unit as a styled table."""
    heads = {
        "due": "col_due",
        "on_time": "col_on_time",
        "late": "col_late",
        "not_done": "col_not_done",
        "overdue": "col_overdue",
    }
    shown = frame.rename(columns={k: text(v, lang) for k, v in heads.items()})
    shown = shown.rename_axis(text("col_lead_unit", lang)).reset_index()
    return styled(shown, "tasks", formats={text(v, lang): integer_format(lang) for v in heads.values()})


def standing(frame: pd.DataFrame, lang: str):
    """A commune among the communes of its province: value, province, best commune, rank."""
    shown = pd.DataFrame(
        {
            text("col_indicator", lang): frame["name"].values,
            text("col_value", lang): frame["value"].values,
            text("col_province_value", lang): frame["province_value"].values,
            text("col_best", lang): frame["best"].values,
            text("col_rank", lang): [_rank(r, o) for r, o in zip(frame["rank"], frame["of"], strict=True)],
        }
    )
    heads = [text(k, lang) for k in ("col_value", "col_province_value", "col_best")]
    return styled(
        shown,
        "standing",
        formats=number_formats(dict.fromkeys(heads, "pct"), lang),
        numeric=[*heads, text("col_rank", lang)],
    )


# ---- the official Decision 766 index ----------------------------------------------------------------


def official_groups(frame: pd.DataFrame, lang: str):
    """The official index's total and groups beside our estimate (`official.groups`)."""
    heads = {
        "name": "col_group", "points": "col_points", "official": "col_official", "rank": "col_rank",
        "estimate": "col_estimate", "measured": "col_measured", "official_same": "col_official_same",
        "difference": "col_difference", "why": "col_note",
    }  # fmt: skip
    shown = frame.assign(rank=[_rank(r, o) for r, o in zip(frame["rank"], frame["of"], strict=True)])
    shown = shown[list(heads)].rename(columns={k: text(v, lang) for k, v in heads.items()})
    scores = {text(k, lang): "score" for k in ("col_official", "col_estimate", "col_official_same")}
    formats = number_formats(
        {**scores, text("col_points", lang): "count", text("col_measured", lang): "count"}, lang
    )
    formats[text("col_difference", lang)] = lambda v: format_change(v, "score", lang)
    numbers = ("col_points", "col_official", "col_rank", "col_estimate", "col_measured", "col_official_same",
               "col_difference")  # fmt: skip
    numeric = [text(k, lang) for k in numbers]
    return styled(shown, "official_groups", formats=formats, numeric=numeric)


def official_units(frame: pd.DataFrame, level: str, lang: str):
    """Departments or communes ranked by the official total, each with its weakest group."""
    shown = pd.DataFrame(
        {
            text("col_rank", lang): [_rank(r, o) for r, o in zip(frame["rank"], frame["of"], strict=True)],
            text("col_department" if level == "department" else "col_commune", lang): frame[
                "unit_name"
            ].values,
            text("col_unit_score", lang): frame["score"].values,
            text("col_weakest", lang): frame["weakest_name"].values,
            text("col_weakest_score", lang): [
                f"{format_value(s, 'score', lang)}/{format_value(p, 'count', lang)}"
                for s, p in zip(frame["weakest_score"], frame["weakest_points"], strict=True)
            ],
        }
    )
    formats = number_formats({text("col_unit_score", lang): "score"}, lang)
    numeric = [text(k, lang) for k in ("col_rank", "col_unit_score", "col_weakest_score")]
    return styled(shown, f"official_{level}", formats=formats, numeric=numeric)


def official_index(frame: pd.DataFrame, lang: str):
    """A unit's official index as published: the total and each group, its points, score and
    rank among its peers (`official_tables.official_index`)."""
    shown = pd.DataFrame(
        {
            text("col_group", lang): frame["name"].values,
            text("col_points", lang): frame["max_score"].values,
            text("col_official", lang): frame["score"].values,
            text("col_rank", lang): [_rank(r, o) for r, o in zip(frame["rank"], frame["of"], strict=True)],
        }
    )
    formats = number_formats({text("col_points", lang): "count", text("col_official", lang): "score"}, lang)
    return styled(shown, "official_index", formats=formats)
