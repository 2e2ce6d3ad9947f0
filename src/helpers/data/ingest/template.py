"""`p06 template`: an .xlsx a province can fill, with the headers ingest reads, an example
row and a notes sheet saying, per column, whether it is required (from the canonical
schema) and how to write it. Every word a reader sees comes from ingest_aliases.yml."""

from __future__ import annotations

from pathlib import Path

from helpers.core.text import check_lang
from helpers.data import schema, storage
from helpers.data.ingest import vocab
from helpers.data.ingest.personal import PSEUDONYMISED

_KIND_NOTE = {"legacy_province": "province", "id": "text"}


def _note_kind(table: str, key: str) -> str:
    if key.endswith("_pct"):
        return "pct"
    column = schema.table(table).column(vocab.canonical_of(key))
    if PSEUDONYMISED.get(table) == column.name:
        return "hashed"
    return _KIND_NOTE.get(column.kind, column.kind)


def notes(table: str, lang: str) -> list[list[str]]:
    """The notes sheet: a heading row, then per column its header, whether it is
    required, how to write it, and the other headers accepted for it."""
    text = vocab.template_text(lang)
    spec = schema.table(table)
    rows = [list(text["headings"])]
    for key, names in vocab.column_specs(table).items():
        if key.endswith("_pct"):
            continue
        column = spec.column(vocab.canonical_of(key))
        kind = _note_kind(table, key)
        how = text["kinds"][kind]
        if kind == "enum":
            how = how.format(values=vocab.accepted(column.name))
        if column.kind == "province":
            required = text["province_once"]
        else:
            required = text["required" if column.required else "optional"]
        others = [a for a in names["vi"] + names["en"] if a != names[lang][0]]
        rows.append([names[lang][0], required, how, "; ".join(others)])
    return rows


def write_template(table: str, target: Path | str, lang: str = "vi") -> Path:
    """An .xlsx template: the expected headers, an example row, and a notes sheet."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    schema.table(table)
    check_lang(lang)
    target = Path(target)
    text = vocab.template_text(lang)
    keys = [k for k in vocab.column_specs(table) if not k.endswith("_pct")]
    example = vocab.examples(table)
    book = openpyxl.Workbook()
    data = book.active
    data.title = text["data_sheet"]
    data.append([vocab.column_specs(table)[k][lang][0] for k in keys])
    data.append([example[k] for k in keys])
    for cell in data[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    for column in data.columns:
        data.column_dimensions[column[0].column_letter].width = max(14, len(str(column[0].value)) + 4)
    sheet = book.create_sheet(text["notes_sheet"])
    for row in notes(table, lang):
        sheet.append(row)
    for column, width in zip("ABCD", (34, 30, 70, 60), strict=True):
        sheet.column_dimensions[column].width = width
    with storage.atomic_path(target) as tmp:
        book.save(tmp)
    return target
