"""The review's tables as an Excel workbook officials re-use, in the accessible style of
statistical publications (the UK Analysis Function's gptables/aftables): a cover sheet,
contents with links, notes with every definition and source, then one table per sheet.

Each table is an Excel table (one header row, units in the headers, no merged or blank
cells: a missing value is `[x]`, explained on the cover), its title in A1 and a line
saying what the sheet holds above it. Numbers are stored as numbers with display formats
such as `#,##0`, which Excel shows in the reader's locale (584.405 in Vietnamese). Made from
`filed.document_data` (or `filed.national_data`) alone; the same data gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from helpers.core.formatting import MISSING
from helpers.core.text import text
from helpers.data.storage import atomic_path
from helpers.report.filed import fixed_time
from helpers.report.sections import qualifier, with_qualifier

HEADER_ROW = 4
"""Zero-based row of every table's header: title, description and symbols above it."""

NUMBER_FORMATS = {"count": "#,##0", "pct": "0.00", "score": "0.00", "int": "0", "decimal": "#,##0.00"}
"""Display formats by kind of column: percentages (0-100, `%` in the header) and scores
with two decimals, counts with thousands separators."""

WIDTHS = {"text": 30, "long": 45, "code": 12, "label": 11, "id": 22}
"""Column widths (characters) of text columns; `NUMBER_WIDTHS` those of number columns: as
narrow as their figures allow (headers wrap), so that a table printed to the page's width
keeps its type legible."""
NUMBER_WIDTHS = {"int": 8}
NUMBER_WIDTH = 11
COVER_WIDTH = 64
"""Width of the cover's one column: its paragraphs wrap within a portrait A4 page."""
PORTRAIT_WIDTH = 110
"""A table whose columns are wider than this (in characters) is printed landscape."""
UNIT_KINDS = {"pct": "pct", "count": "count", "score": "score"}


@dataclass
class Column:
    """A table column: its header (with the unit) and the kind of its values (a number
    format, `text`/`long`/`code`, or `unit` where each row's unit decides)."""

    header: str
    kind: str = "text"


@dataclass
class Table:
    """One sheet's table: sheet name, Excel table name, title and rows of values."""

    sheet: str
    name: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    units: list[str] | None = None
    """The unit (pct, count, score) of each row, for columns of kind `unit`."""


class Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, workbook) -> None:
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.notice = add({"bold": True, "font_color": "#C00000", "text_wrap": True, "valign": "top"})
        self.heading = add({"bold": True, "font_size": 12})
        self.paragraph = add({"text_wrap": True, "valign": "top"})
        self.header = add({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        self.header_number = add(
            {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "align": "right"}
        )
        self.text = add({"text_wrap": True, "valign": "top"})
        self.missing = add({"align": "right", "valign": "top"})
        self.missing_text = add({"valign": "top"})
        self.link = add({"font_color": "#0563C1", "underline": 1, "valign": "top"})
        self.numbers = {k: add({"num_format": f, "valign": "top"}) for k, f in NUMBER_FORMATS.items()}


# ---- writing one sheet -------------------------------------------------------------------------


def _kind(kind: str, unit: str) -> str:
    """A column's number format for one row: `unit` columns follow the row's unit; `parts`
    (numerators, denominators) are counts, except a score's points."""
    if kind == "unit":
        return UNIT_KINDS.get(unit, "decimal")
    if kind == "parts":
        return "score" if unit == "score" else "count"
    return kind


def _cell(sheet, row: int, col: int, value, kind: str, fmt: Formats, lang: str) -> None:
    """One cell: a number in its format, text wrapped, `[x]` where there is no value."""
    if value is None or value == "":
        shown = fmt.missing_text if kind in WIDTHS else fmt.missing
        sheet.write_string(row, col, text("xlsx_missing", lang), shown)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, fmt.text)
    else:
        sheet.write_number(row, col, value, fmt.numbers.get(kind, fmt.numbers["decimal"]))


def write_table(workbook, table: Table, fmt: Formats, lang: str, notes_pointer: bool = True) -> None:
    """A sheet with a title in A1, what it holds, the symbols, and the table below."""
    sheet = workbook.add_worksheet(table.sheet)
    rows = table.rows or [[text("none_found", lang)] + [None] * (len(table.columns) - 1)]
    widths = [WIDTHS.get(c.kind, NUMBER_WIDTHS.get(c.kind, NUMBER_WIDTH)) for c in table.columns]
    sheet.write_string(0, 0, table.title, fmt.title)
    described = text("xlsx_describe", lang, rows=len(rows), columns=len(widths), header_row=HEADER_ROW + 1)
    sheet.write_string(1, 0, described if table.rows else text("xlsx_describe_empty", lang))
    sheet.write_string(2, 0, text("xlsx_missing_note", lang))
    if notes_pointer:
        sheet.write_string(3, 0, text("xlsx_notes_pointer", lang))
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        unit = table.units[r - HEADER_ROW - 1] if table.units and table.rows else "decimal"
        for c, (value, column) in enumerate(zip(values, table.columns, strict=True)):
            _cell(sheet, r, c, value, _kind(column.kind, unit), fmt, lang)
        fit_row(sheet, r, values, widths)
    headers = [
        {"header": c.header, "header_format": fmt.header if c.kind in WIDTHS else fmt.header_number}
        for c in table.columns
    ]
    last = (HEADER_ROW + len(rows), len(widths) - 1)
    sheet.add_table(
        HEADER_ROW, 0, *last, {"name": table.name, "style": "Table Style Light 1", "columns": headers}
    )
    fit_row(sheet, HEADER_ROW, [c.header for c in table.columns], widths)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    _print_setup(sheet, landscape=sum(widths) > PORTRAIT_WIDTH, header=True)


def fit_row(sheet, row: int, values: list, widths: list[float]) -> None:
    """A row tall enough for its wrapped text (neither Excel nor LibreOffice grows a row for
    text written by a program): about one line per column width of characters."""
    lines = max(
        (-(-len(v) // max(int(w) - 2, 1)) if isinstance(v, str) else 1)
        for v, w in zip(values, widths, strict=True)
    )
    if lines > 1:
        sheet.set_row(row, 15 * lines)


def _print_setup(sheet, landscape: bool = False, header: bool = False) -> None:
    """Printed on A4, every column within the page's width (as many pages down as it takes);
    a table's header row repeats at the top of every page."""
    sheet.set_paper(9)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.fit_to_pages(1, 0)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    if header:
        sheet.repeat_rows(HEADER_ROW)


def write_cover(
    workbook, name: str, title: str, paragraphs: list[tuple[str, str]], notice: str | None, fmt: Formats
) -> None:
    """The cover: title, the synthetic-data notice where it applies, then headed paragraphs."""
    sheet = workbook.add_worksheet(name)
    sheet.set_column(0, 0, COVER_WIDTH)
    sheet.write_string(0, 0, title, fmt.title)
    row = 1
    if notice:
        sheet.write_string(row, 0, notice, fmt.notice)
        fit_row(sheet, row, [notice], [COVER_WIDTH])
        row += 1
    for heading, body in paragraphs:
        row += 1
        sheet.write_string(row, 0, heading, fmt.heading)
        sheet.write_string(row + 1, 0, body, fmt.paragraph)
        fit_row(sheet, row + 1, [body], [COVER_WIDTH])
        row += 2
    _print_setup(sheet)


def write_contents(workbook, lang: str, entries: list[tuple[str, str]], fmt: Formats) -> None:
    """The contents: each sheet, linked, and what it holds."""
    sheet = workbook.add_worksheet(text("xlsx_sheet_contents", lang))
    sheet.write_string(0, 0, text("xlsx_title_contents", lang), fmt.title)
    sheet.write_string(
        1, 0, text("xlsx_describe", lang, rows=len(entries), columns=2, header_row=HEADER_ROW + 1)
    )
    for r, (name, about) in enumerate(entries, start=HEADER_ROW + 1):
        sheet.write_url(r, 0, f"internal:'{name}'!A1", fmt.link, string=name)
        sheet.write_string(r, 1, about, fmt.text)
        fit_row(sheet, r, [name, about], [24, 70])
    sheet.add_table(
        HEADER_ROW,
        0,
        HEADER_ROW + len(entries),
        1,
        {
            "name": "contents",
            "style": "Table Style Light 1",
            "columns": [
                {"header": text("xlsx_col_sheet", lang), "header_format": fmt.header},
                {"header": text("xlsx_col_contents", lang), "header_format": fmt.header},
            ],
        },
    )
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 70)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    _print_setup(sheet, header=True)


# ---- the tables of a review ----------------------------------------------------------------------

LABELS = {
    "unit": "xlsx_unit_",
    "direction": "xlsx_direction_",
    "status": "status_",
    "comparison": "xlsx_comparison_",
}
"""Columns whose codes are shown as words, and the text keys that name them."""

TABLES = {
    "notes": ("notes", "definitions", [
        ("id", "xlsx_col_id", "id"), ("name", "xlsx_col_name", "text"), ("unit", "xlsx_col_unit", "label"),
        ("direction", "xlsx_col_direction", "label"), ("formula", "xlsx_col_formula", "long"),
        ("source", "xlsx_col_source", "long"),
    ]),
    "indicators": ("indicators", "indicators", [
        ("id", "xlsx_col_id", "id"), ("name", "xlsx_col_name", "text"), ("unit", "xlsx_col_unit", "label"),
        ("value", "xlsx_col_value", "unit"), ("target", "xlsx_col_target", "unit"),
        ("status", "xlsx_col_status", "label"), ("baseline_value", "xlsx_col_baseline_value", "unit"),
        ("change_pp", "xlsx_col_change_pp", "pct"), ("change_rel_pct", "xlsx_col_change_rel", "pct"),
        ("comparison", "xlsx_col_comparison", "label"),
        ("change_per_month", "xlsx_col_change_month", "decimal"),
        ("rank", "xlsx_col_rank", "int"), ("of", "xlsx_col_of", "int"), ("months", "xlsx_col_months", "int"),
        ("months_covered", "xlsx_col_months_covered", "int"), ("numerator", "xlsx_col_numerator", "parts"),
        ("denominator", "xlsx_col_denominator", "parts"), ("note", "xlsx_col_note", "text"),
    ]),
    "score": ("score_766", "score_parts", [
        ("group", "xlsx_col_score_group", "text"), ("part", "xlsx_col_part", "text"),
        ("points", "xlsx_col_points", "int"), ("threshold", "xlsx_col_threshold", "pct"),
        ("value", "xlsx_col_part_value", "pct"), ("score", "xlsx_col_score", "score"),
        ("why", "xlsx_col_why", "text"),
    ]),
    "tasks": ("tasks", "tasks", [("lead_unit", "xlsx_col_lead_unit", "text")] + [
        (k, f"xlsx_col_{k}", "count") for k in ("due", "on_time", "late", "not_done", "overdue")
    ]),
    "lagging": ("lagging", "lagging", [
        ("id", "xlsx_col_id", "id"), ("name", "xlsx_col_name", "text"),
        ("commune_code", "xlsx_col_commune_code", "code"), ("commune", "xlsx_col_commune", "text"),
        ("value", "xlsx_col_pct_value", "pct"), ("rank", "xlsx_col_rank", "int"),
        ("of", "xlsx_col_of", "int"),
    ]),
    "commendations": ("commendations", "commendations", [
        ("commune", "xlsx_col_commune", "text"), ("reason", "xlsx_col_reason", "long"),
    ]),
}  # fmt: skip
"""Each table of the review workbook: Excel table name, the list of the data it shows, and
its columns (field, header text key, kind)."""


def _titles(data: dict) -> dict:
    baseline = data["baseline"]["label"] if data["baseline"] else MISSING
    unit = data["unit"]["name"] if "unit" in data else ""
    return {"unit_name": unit, "period": data["period"]["label"], "baseline": baseline}


def _value(record: dict, field: str, kind: str, lang: str):
    value = record[field]
    if field == "name" and "value" in record and "denominator" in record:
        # a figure's qualifier (what a score covers, why a share passes 100) beside it: the
        # value cell holds the number alone
        return with_qualifier(value, record["id"], record["value"], record["denominator"], lang)
    return text(f"{LABELS[field]}{value}", lang) if kind == "label" and value is not None else value


def record_table(data: dict, key: str) -> Table:
    """One of the review's tables (TABLES) from the records of the data."""
    lang = data["lang"]
    name, source, spec = TABLES[key]
    records = data[source]
    return Table(
        text(f"xlsx_sheet_{key}", lang),
        name,
        text(f"xlsx_title_{key}", lang, **_titles(data)),
        [Column(text(head, lang), kind) for _, head, kind in spec],
        [[_value(r, field, kind, lang) for field, _, kind in spec] for r in records],
        [r.get("unit", "decimal") for r in records],
    )


def wide_table(data: dict, units: list[dict], table: tuple[str, str, str], heads: tuple[str, str]) -> Table:
    """One row per unit, one column per indicator (header with the unit), numbers as numbers.
    `table` is the sheet, table name and title; `heads` the text keys of the first two columns."""
    lang = data["lang"]
    columns = [Column(text(heads[0], lang), "code"), Column(text(heads[1], lang))]
    for d in data["definitions"]:
        header = text(f"xlsx_header_unit_{d['unit']}", lang, name=d["short"])
        found = {qualifier(d["id"], u["values"].get(d["id"]), u.get("points"), lang) for u in units}
        if found := sorted(q for q in found if q):  # what its figures cover, beside them
            header = text("figure_with_qualifier", lang, figure=header, what="; ".join(found))
        columns.append(Column(header, UNIT_KINDS[d["unit"]]))
    rows = [[u["code"], u["name"]] + [u["values"].get(d["id"]) for d in data["definitions"]] for u in units]
    return Table(*table, columns, rows)


def peers_table(data: dict) -> Table:
    lang = data["lang"]
    title = text("xlsx_title_peers", lang, **_titles(data))
    table = (text("xlsx_sheet_peers", lang), "peers", title)
    return wide_table(data, data["peers"], table, ("xlsx_col_unit_code", "xlsx_col_unit_name"))


# ---- the two workbooks -----------------------------------------------------------------------------


def _cover_paragraphs(data: dict) -> list[tuple[str, str]]:
    lang = data["lang"]
    paragraphs = [(text("xlsx_cover_about", lang), text("xlsx_cover_about_text", lang))]
    paragraphs += [(f["item"], f["detail"]) for f in data["facts"]]
    paragraphs += [
        (text("xlsx_cover_source", lang), text("xlsx_cover_source_text", lang)),
        (text("xlsx_cover_symbols", lang), text("xlsx_missing_note", lang)),
        (text("xlsx_cover_contact", lang), text("xlsx_cover_contact_text", lang)),
    ]
    return paragraphs


def _write(data: dict, target: Path, title: str, tables: list[Table]) -> Path:
    """Cover, contents, notes and the tables, in one workbook written atomically."""
    import xlsxwriter

    lang, target = data["lang"], Path(target)
    notes = record_table(data, "notes")
    entries = [
        (text("xlsx_sheet_cover", lang), text("xlsx_contents_cover", lang)),
        (notes.sheet, text("xlsx_contents_notes", lang)),
    ] + [(t.sheet, t.title) for t in tables]
    with atomic_path(target) as tmp:
        # text is text: a value starting with `=`, `+`, `-` or `@` stays a string, never a
        # formula, a link or a number (every cell is written by type, and these say so again)
        options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        workbook = xlsxwriter.Workbook(str(tmp), options)
        workbook.set_properties({"title": title, "created": fixed_time(data), "author": ""})
        fmt = Formats(workbook)
        notice = text("synthetic_banner", lang) if data["synthetic"] else None
        write_cover(workbook, entries[0][0], title, _cover_paragraphs(data), notice, fmt)
        write_contents(workbook, lang, entries, fmt)
        write_table(workbook, notes, fmt, lang, notes_pointer=False)
        for table in tables:
            write_table(workbook, table, fmt, lang)
        workbook.close()
    return target


def write_xlsx(data: dict, target: Path) -> Path:
    """The review's Excel appendix from `filed.document_data`'s dict."""
    lang = data["lang"]
    title = text("xlsx_title_cover", lang, **_titles(data))
    tables = [record_table(data, k) for k in ("indicators", "score", "tasks", "lagging", "commendations")]
    score = data["score"]
    tables[1].title = with_qualifier(tables[1].title, "score_766", score["value"], score["covered"], lang)
    tables.append(peers_table(data))
    tables += official_tables(data)
    return _write(data, target, title, tables)


def official_tables(data: dict) -> list[Table]:
    """The official Decision 766 index's sheets (`helpers.report.official_sheets`)."""
    from helpers.report.official_sheets import official_tables as tables

    return tables(data)


def write_national_xlsx(data: dict, target: Path) -> Path:
    """The national workbook from `filed.national_data`'s dict: the 34 provinces side by side."""
    lang, period = data["lang"], data["period"]["label"]
    sheet = (
        text("xlsx_sheet_provinces", lang),
        "provinces",
        text("xlsx_title_provinces", lang, period=period),
    )
    table = wide_table(data, data["provinces"], sheet, ("xlsx_col_province_code", "xlsx_col_province"))
    return _write(data, target, text("xlsx_title_national", lang, period=period), [table])
