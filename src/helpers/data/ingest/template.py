"""`p06 template`: an .xlsx a province can fill, with the headers ingest reads, example rows
and a notes sheet saying, per column, whether it is required (from the canonical schema)
and how to write it. Every word a reader sees comes from ingest_aliases.yml.

Where figures come in two forms the template shows both, one sheet each (DESIGN.md section
5): `identification` and `services` as the figures of a month, or as totals to the date
of a title line; `tasks` as a list with ids and dates, or as steering committees keep it
(results in words, `values: status` of ingest_aliases.yml). Each sheet reads back as it is.
"""

from __future__ import annotations

from pathlib import Path

from helpers.core.text import check_lang
from helpers.data import schema, storage
from helpers.data.ingest import vocab
from helpers.data.ingest.personal import PSEUDONYMISED

_KIND_NOTE = {"legacy_province": "province", "id": "text"}
TWO_FORMS = ("identification", "services")
"""Tables whose template has a sheet of monthly figures and one of totals to a date."""


def _note_kind(table: str, key: str) -> str:
    if key.endswith("_pct"):
        return "pct"
    column = schema.table(table).column(vocab.canonical_of(key))
    if PSEUDONYMISED.get(table) == column.name:
        return "hashed"
    return _KIND_NOTE.get(column.kind, column.kind)


def _phrases(name: str) -> str:
    """Every phrase of an enum's vocabulary, grouped by value: for the notes of task results."""
    return "; ".join(" / ".join(words) for words in vocab.aliases()["values"][name].values())


def notes(table: str, lang: str) -> list[list[str]]:
    """The notes sheet: a heading row, then per column its header, whether it is
    required, how to write it, and the other headers accepted for it; then how figures
    may be given, where there are two ways."""
    text = vocab.template_text(lang)
    spec = schema.table(table)
    rows = [list(text["headings"])]
    for key, names in vocab.column_specs(table).items():
        if key.endswith("_pct"):
            continue
        column = spec.column(vocab.canonical_of(key))
        kind = _note_kind(table, key)
        how = text["kinds"].get(f"{table}.{column.name}") or text["kinds"][kind]
        if kind == "enum":
            values = _phrases(column.name) if f"{table}.{column.name}" in text["kinds"] else None
            how = how.format(values=values or vocab.accepted(column.name))
        if column.kind == "province":
            required = text["province_once"]
        else:
            required = text["required" if column.required else "optional"]
        others = [a for a in names["vi"] + names["en"] if a != names[lang][0]]
        rows.append([names[lang][0], required, how, "; ".join(others)])
    forms = text["forms"]
    if table in forms:
        rows.append([forms["label"], "", forms[table], ""])
    return rows


def _header(table: str, key: str, lang: str, suffix: str | None) -> str:
    """The header a template writes: the column's first alias, marked as a month's figures
    or a total to a date where its figures are flows."""
    name = vocab.column_specs(table)[key][lang][0]
    flows = schema.table(table).flow_columns if table == "identification" else ()
    return f"{name} {suffix}" if suffix and vocab.canonical_of(key) in flows else name


def _sheets(table: str, lang: str) -> list[tuple[str, list[list]]]:
    """(name, rows) of every data sheet: title lines, the header, example rows."""
    text, example = vocab.template_text(lang), vocab.examples(table)
    forms = text["forms"]
    keys = [k for k in vocab.column_specs(table) if not k.endswith("_pct")]
    if table not in TWO_FORMS:
        main = [[_header(table, k, lang, None) for k in keys], [example[k] for k in keys]]
        sheets = [(text["data_sheet"], main)]
        if table == "tasks":
            committee = vocab.examples("tasks_committee")
            title = forms["to_date_title"].format(date=committee["date"])
            rows = [[title], committee["header"][lang], *committee["rows"]]
            sheets.append((forms["committee_sheet"], rows))
        return sheets
    monthly = [[_header(table, k, lang, forms["monthly_suffix"]) for k in keys], [example[k] for k in keys]]
    totals = vocab.examples(f"{table}_to_date")
    dated = [k for k in keys if k != "month"]
    title = forms["to_date_title"].format(date=vocab.examples("to_date")["date"])
    header = [_header(table, k, lang, forms["to_date_suffix"]) for k in dated]
    to_date = [[title], header, [totals[k] for k in dated]]
    return [(forms["monthly_sheet"], monthly), (forms["to_date_sheet"], to_date)]


def write_template(table: str, target: Path | str, lang: str = "vi") -> Path:
    """An .xlsx template: the expected headers and example rows (one sheet per form of the
    figures), and a notes sheet."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    schema.table(table)
    check_lang(lang)
    target = Path(target)
    text = vocab.template_text(lang)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in _sheets(table, lang):
        data = book.create_sheet(name)
        for row in rows:
            data.append(row)
        header = next(i for i, row in enumerate(rows, start=1) if len(row) > 1)
        for cell in data[header]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
        for column in data.columns:
            width = len(str(column[header - 1].value or ""))
            data.column_dimensions[column[0].column_letter].width = max(14, width + 4)
    sheet = book.create_sheet(text["notes_sheet"])
    for row in notes(table, lang):
        sheet.append(row)
    for column, width in zip("ABCD", (34, 30, 70, 60), strict=True):
        sheet.column_dimensions[column].width = width
    with storage.atomic_path(target) as tmp:
        book.save(tmp)
    return target
