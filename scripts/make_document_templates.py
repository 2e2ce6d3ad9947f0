"""Write the default Word templates of the filed review, one per language:
data/reference/templates/report_vi.docx and report_en.docx.

The templates follow Decree 30/2020/NĐ-CP: A4, Times New Roman, margins 20 mm top and
bottom, 30 mm left, 15 mm right; the issuing body and the national heading at the top,
number and symbol, place and date, the title, numbered parts, recipients and signature,
appendices on their own pages. They hold Jinja fields filled by
`helpers.report.document.write_docx` (docxtpl): `{{ unit.title }}`, loops over the figures'
sentences and the appendix rows. Text in [square brackets] is a placeholder for what the
data cannot know (number, date of signing, signatory) and is highlighted.

A province edits its copy of the template in Word; this script only writes the defaults,
with the text of data/reference/templates/template_text.yml (the reports read the .docx,
never that file; the phrases the code fills in come from document_text.yml).

    python scripts/make_document_templates.py [OUTPUT_DIR]
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from helpers.report.document import repack

OUT = Path(__file__).resolve().parents[1] / "data" / "reference" / "templates"
FONT = "Times New Roman"
PLACEHOLDER = re.compile(r"(\[[^\]]+\])")
FIXED = datetime(2025, 1, 1)
"""The templates' date (document properties and zip entries): same text, same bytes."""

TEXT = OUT / "template_text.yml"
"""The templates' own text, per language (what a province then edits in Word)."""


def phrases() -> dict:
    import yaml

    return yaml.safe_load(TEXT.read_text(encoding="utf-8"))


# ---- styles ----------------------------------------------------------------------------------


def _fonts(rpr, lang: str | None = None) -> None:
    """Times New Roman for every script (no theme fonts, which would win over it)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if lang:
        for old in rpr.findall(qn("w:lang")):
            rpr.remove(old)
        tag = OxmlElement("w:lang")
        tag.set(qn("w:val"), lang)
        tag.set(qn("w:eastAsia"), lang)
        rpr.append(tag)


def _style(doc, name: str, base: str = "Normal", kind=WD_STYLE_TYPE.PARAGRAPH, **fmt):
    """A paragraph style with the given font and paragraph settings (created if missing)."""
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, kind)
    if name != base:
        style.base_style = styles[base]
    font, par = style.font, style.paragraph_format
    font.name = FONT
    _fonts(style.element.get_or_add_rPr())
    font.color.rgb = RGBColor(0, 0, 0) if "color" not in fmt else fmt["color"]
    for key in ("size", "bold", "italic"):
        if key in fmt:
            setattr(font, key, Pt(fmt[key]) if key == "size" else fmt[key])
    for key in (
        "alignment",
        "first_line_indent",
        "left_indent",
        "space_before",
        "space_after",
        "line_spacing",
        "keep_with_next",
        "page_break_before",
        "keep_together",
    ):
        if key in fmt:
            setattr(par, key, fmt[key])
    return style


def _defaults(doc, lang: str) -> None:
    """The document's default run and paragraph properties: Times New Roman 14, the language."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, lang=lang)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), "28")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def make_styles(doc, lang: str) -> None:
    """The styles a province restyles in Word to change the look of every report."""
    _defaults(doc, lang)
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    body = {"space_before": Pt(6), "space_after": Pt(0), "line_spacing": 1.15}
    _style(doc, "Normal", size=14, alignment=justify, first_line_indent=Mm(10), **body)
    for name in ("Heading 1", "Heading 2"):
        _style(doc, name, size=14, bold=True, italic=False, keep_with_next=True, **body)
    flat = {"first_line_indent": Mm(0), "space_before": Pt(0), "space_after": Pt(0), "line_spacing": 1.0}
    _style(doc, "P06 Dash", first_line_indent=Mm(10))
    _style(doc, "P06 Letterhead", size=13, alignment=center, **flat)
    _style(doc, "P06 Title", size=14, bold=True, alignment=center, keep_with_next=True, **flat)
    _style(doc, "P06 Notice", size=12, bold=True, alignment=center, color=RGBColor(0xC0, 0, 0), **flat)
    _style(doc, "P06 Figure", alignment=center, keep_with_next=True, **(flat | {"space_before": Pt(6)}))
    _style(doc, "Caption", size=13, italic=True, bold=False, alignment=center, **flat)
    cell = flat | {"space_before": Pt(1), "space_after": Pt(1)}
    _style(doc, "P06 Cell", size=11, alignment=WD_ALIGN_PARAGRAPH.LEFT, **cell)
    _style(doc, "P06 Cell Number", "P06 Cell", size=11, alignment=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "P06 Cell Head", "P06 Cell", size=11, bold=True, alignment=center)
    _style(doc, "P06 Recipients Head", size=12, bold=True, italic=True, **flat)
    _style(doc, "P06 Recipients", size=11, **flat)
    _style(doc, "P06 Signature", size=14, bold=True, alignment=center, **flat)
    _style(
        doc, "P06 Appendix", size=14, bold=True, alignment=center, keep_with_next=True,
        page_break_before=True, **flat,
    )  # fmt: skip
    _style(doc, "P06 Appendix Title", size=14, bold=True, alignment=center, keep_with_next=True, **flat)
    _style(doc, "P06 Appendix Note", size=13, italic=True, alignment=center, keep_with_next=True, **flat)
    _style(
        doc, "P06 Table Title", size=14, bold=True, keep_with_next=True, **(body | {"space_before": Pt(12)})
    )
    _style(doc, "P06 Note", size=12, italic=True, first_line_indent=Mm(0))


# ---- paragraphs and tables ---------------------------------------------------------------------


def para(container, content: str, style: str = "Normal", bold: bool | None = None):
    """A paragraph whose [placeholders] are highlighted runs."""
    p = container.add_paragraph(style=style)
    for piece in PLACEHOLDER.split(content):
        if not piece:
            continue
        run = p.add_run(piece)
        run.bold = bold
        if PLACEHOLDER.fullmatch(piece):
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return p


def rule(container, indent_mm: float, style: str = "P06 Letterhead") -> None:
    """A short centred rule (under the issuer, the motto and the title): an empty paragraph
    two points high with a bottom border, as wide as its box less `indent_mm` each side."""
    p = para(container, "", style)
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.insert(1, border)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    ppr.append(mark)
    p.paragraph_format.left_indent = Mm(indent_mm)
    p.paragraph_format.right_indent = Mm(indent_mm)
    p.paragraph_format.line_spacing = Pt(4)


def widths(table, mm: list[float]) -> None:
    """Fixed column widths (the grid and every cell), so Word and LibreOffice agree."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tblw = table._tbl.tblPr.find(qn("w:tblW"))
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(round(sum(mm) * 1440 / 25.4)))
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "57")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        table._tbl.tblPr.append(margins)
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), mm, strict=True):
        col.set(qn("w:w"), str(round(width * 1440 / 25.4)))
    for row in table.rows:
        for cell, width in zip(row.cells, mm, strict=True):
            cell.width = Mm(width)


def row_flags(row, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def cell_text(cell, content: str, style: str = "P06 Cell") -> None:
    cell.paragraphs[0].style = cell.part.document.styles[style]
    for piece in PLACEHOLDER.split(content):
        if piece:
            run = cell.paragraphs[0].add_run(piece)
            if PLACEHOLDER.fullmatch(piece):
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


TABLES = {
    "indicator_rows": (
        ["col_no", "col_indicator", "col_value", "col_target", "col_status", "col_baseline", "col_change",
         "col_rank"],
        ["no", "name", "value", "target", "status", "baseline", "change", "rank"],
        [8, 49, 19, 15, 19, 19, 23, 13], {0, 2, 3, 5, 6, 7},
    ),
    "score_rows": (
        ["col_group", "col_part", "col_points", "col_threshold", "col_value", "col_score"],
        ["group", "part", "points", "threshold", "value", "score"], [38, 55, 18, 18, 18, 18], {2, 3, 4, 5},
    ),
    "lagging_rows": (
        ["col_no", "col_indicator", "col_commune", "col_value", "col_rank"],
        ["no", "name", "commune", "value", "rank"], [10, 70, 45, 20, 20], {0, 3, 4},
    ),
    "commendation_rows": (
        ["col_no", "col_commune", "col_reason"], ["no", "commune", "reason"], [10, 45, 110], {0},
    ),
    "task_rows": (
        ["col_no", "col_lead", "col_due", "col_on_time", "col_late", "col_not_done", "col_overdue"],
        ["no", "lead_unit", "due", "on_time", "late", "not_done", "overdue"],
        [10, 55, 20, 20, 20, 20, 20], {0, 2, 3, 4, 5, 6},
    ),
    "fact_rows": (["col_item", "col_detail"], ["item", "detail"], [40, 125], set()),
    "definition_rows": (
        ["col_no", "col_indicator", "col_unit", "col_formula", "col_source"],
        ["no", "name", "unit", "formula", "source"], [10, 45, 18, 52, 40], {0},
    ),
}  # fmt: skip
"""The appendix tables: the list each loops over, its headers (keys of the template text),
the fields of each row, column widths in mm (165 mm in all, the text width) and the
right-aligned (numeric) columns."""

TOTALS = {
    "score_rows": ["total", "", "{{ score_total.points }}", "", "", "{{ score_total.score }}"],
    "task_rows": ["", "total"]
    + [f"{{{{ task_total.{k} }}}}" for k in ("due", "on_time", "late", "not_done", "overdue")],
}
"""Total rows under a table (`total` is the template's word for it)."""


def loop_table(doc, t: dict, rows: str):
    """A table with one header row, a docxtpl row loop over `rows` and its total row, if any."""
    heads, fields, mm, numeric = TABLES[rows]
    total = TOTALS.get(rows)
    table = doc.add_table(rows=4 + (total is not None), cols=len(heads))
    table.style = doc.styles["Table Grid"]
    for i, head in enumerate(heads):
        cell_text(table.cell(0, i), t[head], "P06 Cell Head")
    cell_text(table.cell(1, 0), f"{{%tr for r in {rows} %}}")
    for i, field in enumerate(fields):
        cell_text(table.cell(2, i), f"{{{{ r.{field} }}}}", "P06 Cell Number" if i in numeric else "P06 Cell")
    cell_text(table.cell(3, 0), "{%tr endfor %}")
    for i, field in enumerate(total or []):
        cell_text(
            table.cell(4, i), t.get(field, field), "P06 Cell Number" if i in numeric else "P06 Cell Head"
        )
        for run in table.cell(4, i).paragraphs[0].runs:
            run.bold = True
    widths(table, mm)
    for i, row in enumerate(table.rows):
        row_flags(row, header=i == 0)
    return table


def borderless(doc, mm: list[float]):
    table = doc.add_table(rows=2, cols=len(mm))
    widths(table, mm)
    return table


# ---- the document ------------------------------------------------------------------------------


def page_setup(doc) -> None:
    """A4 portrait, the Decree's margins, page numbers at the top from the second page."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.style = doc.styles["P06 Letterhead"]
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "2"
    run.append(t)
    field.append(run)
    p._p.append(field)


def letterhead(doc, t: dict) -> None:
    """Issuing body (left) and national heading (right); number (left), place and date (right)."""
    table = borderless(doc, [70, 95])
    left, right = table.cell(0, 0), table.cell(0, 1)
    cell_text(left, "{{ unit.issuer_parent|upper }}", "P06 Letterhead")
    para(left, t["issuer"], "P06 Letterhead", bold=True)
    rule(left, 20)
    cell_text(right, t["nation"], "P06 Letterhead")
    right.paragraphs[0].runs[0].bold = True
    right.paragraphs[0].runs[0].font.size = Pt(12)
    para(right, t["motto"], "P06 Letterhead", bold=True)
    rule(right, 16)
    cell_text(table.cell(1, 0), t["number"], "P06 Letterhead")
    cell_text(table.cell(1, 1), t["date"], "P06 Letterhead")
    for run in table.cell(1, 1).paragraphs[0].runs:
        run.italic = True
    for row in table.rows:
        row.cells[0].paragraphs[0].paragraph_format.space_before = Pt(6)
        row.cells[1].paragraphs[0].paragraph_format.space_before = Pt(6)


def heading_block(doc, t: dict) -> None:
    para(doc, "", "P06 Title")
    para(doc, t["kind"], "P06 Title")
    para(doc, t["title"], "P06 Title")
    rule(doc, 55, "P06 Title")
    para(doc, "{%p if notice %}", "P06 Notice")
    notice = para(doc, "{{ notice }}", "P06 Notice")
    notice.paragraph_format.space_before = Pt(6)
    para(doc, "{%p endif %}", "P06 Notice")
    para(doc, t["intro"])


def lines(doc, items: str, template: str, t: dict | None, style: str = "P06 Dash") -> None:
    """A loop over sentences, one paragraph each, then the template's "none" when there are
    none (unless `t` is None)."""
    para(doc, f"{{%p for line in {items} %}}", style)
    para(doc, template, style)
    para(doc, "{%p endfor %}", style)
    if t is not None:
        para(doc, f"{{%p if not {items} %}}", style)
        para(doc, t["none"], style)
        para(doc, "{%p endif %}", style)


def body(doc, t: dict) -> None:
    """Parts I to IV and the closing sentence."""
    para(doc, t["part1"], "Heading 1")
    para(doc, "{{ results_lead }}")
    para(doc, "{%p for group in results %}", "Heading 2")
    para(doc, "{{ loop.index }}. {{ group.name }}", "Heading 2")
    para(doc, "{%p for line in group.lines %}", "P06 Dash")
    para(doc, "- {{ line }}", "P06 Dash")
    para(doc, "{%p endfor %}", "P06 Dash")
    para(doc, "{%p endfor %}", "Heading 2")
    para(doc, "{%p if figures %}", "Heading 2")
    para(doc, t["figures"], "Heading 2")
    para(doc, "{%p for fig in figures %}", "P06 Figure")
    para(doc, "{{ fig.image }}", "P06 Figure")
    para(doc, t["caption"], "Caption")
    para(doc, "{%p endfor %}", "Caption")
    para(doc, "{%p endif %}", "Caption")
    para(doc, t["part2"], "Heading 1")
    lines(doc, "shortcomings", "- {{ line }}", t)
    para(doc, t["part3"], "Heading 1")
    lines(doc, "next_tasks", "- {{ line }}", t)
    para(doc, t["part4"], "Heading 1")
    para(doc, "{%p if commendations %}")
    para(doc, t["commend_lead"])
    para(doc, "{%p endif %}")
    lines(doc, "commendations", "- {{ line.commune }}: {{ line.reasons }}.", t)
    para(doc, t["closing"]).paragraph_format.keep_with_next = True


def signature(doc, t: dict) -> None:
    """Recipients (left) and the signature block (right), as placeholders."""
    para(doc, "", "P06 Recipients").paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=2)
    widths(table, [80, 85])
    left, right = table.cell(0, 0), table.cell(0, 1)
    cell_text(left, t["recipients_head"], "P06 Recipients Head")
    for line in t["recipients"]:
        para(left, line, "P06 Recipients")
    cell_text(right, t["authority"], "P06 Signature")
    for _ in range(4):
        para(right, "", "P06 Signature")
    para(right, t["signatory"], "P06 Signature")
    row_flags(table.rows[0])


def appendix_heading(doc, t: dict, number: str, title: str) -> None:
    para(doc, t["appendix"].format(number), "P06 Appendix")
    para(doc, title, "P06 Appendix Title")
    para(doc, t["attached"], "P06 Appendix Note")
    para(doc, "", "P06 Appendix Note")


def conditional(doc, t: dict, items: str) -> None:
    """A table shown only when `items` has rows; otherwise the template's "none"."""
    para(doc, f"{{%p if {items} %}}", "P06 Cell")
    loop_table(doc, t, items)
    para(doc, "{%p else %}", "P06 Cell")
    para(doc, t["none"])
    para(doc, "{%p endif %}", "P06 Cell")


def appendices(doc, t: dict) -> None:
    """Phụ lục I to V: each a title, the attachment line and its tables."""
    appendix_heading(doc, t, "I", t["app1"])
    loop_table(doc, t, "indicator_rows")
    para(doc, "{%p if indicator_notes %}", "P06 Note")
    para(doc, t["notes_head"], "P06 Note")
    lines(doc, "indicator_notes", "- {{ line }}", None, "P06 Note")
    para(doc, "{%p endif %}", "P06 Note")
    appendix_heading(doc, t, "II", t["app2"])
    loop_table(doc, t, "score_rows")
    para(doc, "{{ score_note }}", "P06 Note")
    appendix_heading(doc, t, "III", t["app3"])
    para(doc, t["app3a"], "P06 Table Title")
    conditional(doc, t, "lagging_rows")
    para(doc, t["app3b"], "P06 Table Title")
    conditional(doc, t, "commendation_rows")
    appendix_heading(doc, t, "IV", t["app4"])
    conditional(doc, t, "task_rows")
    appendix_heading(doc, t, "V", t["app5"])
    para(doc, t["app5a"], "P06 Table Title")
    loop_table(doc, t, "fact_rows")
    para(doc, t["app5b"], "P06 Table Title")
    loop_table(doc, t, "definition_rows")


def template(t: dict) -> Document:
    """The whole default template of one language, with its text `t`."""
    doc = Document()
    make_styles(doc, t["lang"])
    page_setup(doc)
    letterhead(doc, t)
    heading_block(doc, t)
    body(doc, t)
    signature(doc, t)
    appendices(doc, t)
    props = doc.core_properties
    props.author = props.last_modified_by = props.comments = props.title = props.subject = ""
    props.keywords = props.category = ""
    props.language = t["lang"]
    props.revision = 1
    props.created = props.modified = FIXED
    _drop_thumbnail(doc)
    return doc


def _drop_thumbnail(doc) -> None:
    """python-docx's blank document carries a picture of another document as its preview."""
    rels = doc.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype.endswith("/thumbnail")]:
        rels.pop(rid)


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for lang, text in phrases().items():
        path = out / f"report_{lang}.docx"
        template(text).save(path)
        repack(path, FIXED)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
