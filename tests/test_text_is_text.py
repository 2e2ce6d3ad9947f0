"""Text is text (docs/design.md section 12): a value from data is shown as typed in every output,
never as a script, a link, a heading or a formula. Each writer is given the same hostile
values: styled tables (pages and notebooks), Markdown (notebooks), the Word report and the
Excel appendix. tests/test_browser.py loads a whole report built from them in Chromium."""

from __future__ import annotations

import copy
import zipfile
from html import unescape

import openpyxl
import pandas as pd
import pytest
from docx import Document
from nbconvert.filters.markdown import markdown2html

from helpers.core.text import as_markdown, text
from helpers.report import display, tables

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</td></tr></table><h1>x</h1>",
    "[x](javascript:alert(1))",
    "# Sở Tư pháp $x$ *đậm*",
]
FORMULAS = ["=1+1", '=HYPERLINK("http://x.example","y")', "+1", "-1+2", "@SUM(A1)", "http://x.example"]
"""What a spreadsheet would read as a formula, a number or a link."""


def _no_markup(html: str) -> None:
    """No element or link made from the payloads: their `<` is an entity wherever they are."""
    for raw in ("<script", "<img", "<svg", "<h1", "</td></tr></table>", 'href="javascript', "<em>đậm"):
        assert raw not in html, raw


def test_styled_tables_escape_every_value_and_header():
    frame = pd.DataFrame({"Đơn vị": PAYLOADS, PAYLOADS[0]: range(len(PAYLOADS))})
    for styler in (
        tables.styled(frame, "t"),
        tables.styled(frame, "t", formats={PAYLOADS[0]: tables.integer_format("vi")}),  # a later format call
    ):
        html = styler._repr_html_()
        _no_markup(html)
        for payload in PAYLOADS:
            assert payload in unescape(html)  # shown as typed
    # the tasks table: lead units are its index, counts formatted by column
    by_lead = pd.DataFrame(
        {k: [1] * len(PAYLOADS) for k in ("due", "on_time", "late", "not_done", "overdue")},
        index=pd.Index(PAYLOADS, name="lead_unit"),
    )
    html = tables.tasks(by_lead, "vi")._repr_html_()
    _no_markup(html)
    assert PAYLOADS[3] in unescape(html)


def test_styled_tables_carry_their_styles_inline():
    """JupyterLab drops <style> elements from a notebook not yet trusted: alignment and the
    colour of a status are on the cells themselves."""
    shown = pd.DataFrame({"Chỉ tiêu": ["A"], "Giá trị": [1.0]})
    html = tables.styled(shown, "t", numeric=["Giá trị"])._repr_html_()
    assert "<style" not in html
    assert 'class="data row0 col1" style="' in html and "text-align: right" in html
    assert "!important" not in html  # JupyterLab's sanitiser keeps plain declarations
    assert "background:#1f4e79" in html  # the header's look


def test_markdown_shows_data_as_typed(monkeypatch):
    shown = []
    monkeypatch.setattr(display, "_display", lambda *objs, **kw: shown.extend(objs))
    params = type("P", (), {"lang": "vi"})()
    display.bullets(PAYLOADS, params)
    display.sentence(PAYLOADS[4])
    html = "".join(markdown2html(item.data) for item in shown)
    _no_markup(html)
    assert "<a " not in html and "<h1" not in html and "<strong" not in html and "<code" not in html
    assert html.count("<li>") == len(PAYLOADS)  # one item each: nothing closed a list early
    for payload in PAYLOADS:
        assert payload in unescape(html)


def test_markdown_escape_keeps_plain_text_plain():
    assert markdown2html(as_markdown("Tỷ lệ đạt 48,85% (tăng 36,85 điểm).")).strip() == (
        "<p>Tỷ lệ đạt 48,85% (tăng 36,85 điểm).</p>"
    )


@pytest.fixture(scope="module")
def seed_data(small_sample):
    from helpers.engine.mart import refresh_mart
    from helpers.report import filed, sections
    from helpers.report.params import check_parameters

    data_dir, _ = small_sample
    refresh_mart(data_dir)
    params = check_parameters("2022-01..2023-12", "vi", str(data_dir), unit="legacy/45", baseline="2021")
    indicators, peers = sections.review_tables(params)
    return filed.document_data(params, indicators, peers)


def _hostile(data: dict) -> dict:
    """The seed review's document data with hostile text wherever data puts text."""
    data = copy.deepcopy(data)
    values = PAYLOADS + FORMULAS
    data["tasks"] = [
        {"lead_unit": v, "due": 1, "on_time": 0, "late": 0, "not_done": 1, "overdue": 1} for v in values
    ]
    data["commendations"] = [{"commune": v, "reason": v} for v in values]
    data["shortcomings"] = list(values)
    data["next_tasks"] = list(values)
    for row, value in zip(data["lagging"], values, strict=False):
        row["commune"] = value
    return data


def test_the_word_report_writes_data_as_text(seed_data, tmp_path):
    from helpers.report.document import write_docx

    path = write_docx(_hostile(seed_data), [], tmp_path / "hostile.docx")
    with zipfile.ZipFile(path) as docx:
        xml = docx.read("word/document.xml").decode()
    _no_markup(xml)
    doc = Document(path)
    paragraphs = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for value in PAYLOADS + FORMULAS:
        assert any(value in p for p in paragraphs), value  # shortcomings and next tasks, as typed
        assert value in cells, value  # the tasks table of Appendix IV


def test_the_excel_appendix_never_makes_a_formula_or_a_link(seed_data, tmp_path):
    from helpers.report.workbook import write_xlsx

    path = write_xlsx(_hostile(seed_data), tmp_path / "hostile.xlsx")
    with zipfile.ZipFile(path) as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(xlsx.read(n).decode() for n in sheets)
        rels = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/_rels/")]
        links = "".join(xlsx.read(n).decode() for n in rels)
    assert "<f>" not in xml and "<f " not in xml, "a formula was written"
    assert "x.example" not in links, "a value became an external link"
    wb = openpyxl.load_workbook(path)
    ws = wb[text("xlsx_sheet_tasks", "vi")]
    lead_units = [c for c in ws["A"] if c.value in PAYLOADS + FORMULAS]
    assert {c.value for c in lead_units} == set(PAYLOADS + FORMULAS)
    assert all(c.data_type == "s" for c in lead_units)
