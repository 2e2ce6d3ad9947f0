"""The Excel appendix of the seed review and the national workbook, read back with openpyxl:
cover, contents and notes sheets, one Excel table per sheet, no merged or blank cells,
numbers stored as numbers, and the same bytes for the same data."""

from __future__ import annotations

import math

import openpyxl
import pytest

from helpers.core.text import text
from helpers.engine.mart import refresh_mart
from helpers.report import filed, sections
from helpers.report.overview import provinces_review
from helpers.report.params import check_parameters
from helpers.report.workbook import write_national_xlsx, write_xlsx

PERIOD, UNIT, BASELINE = "2022-01..2023-12", "legacy/45", "2021"
TABLE_SHEETS = ["notes", "indicators", "score", "tasks", "lagging", "commendations", "peers", "official"]
"""The sheets of the seed review's workbook: the official index's (empty: none is held for 2022-2023)."""


@pytest.fixture(scope="module")
def seed(small_sample, tmp_path_factory):
    """The seed review's data, its review table, and its workbook."""
    data_dir, _ = small_sample
    refresh_mart(data_dir)
    params = check_parameters(PERIOD, "vi", str(data_dir), unit=UNIT, baseline=BASELINE)
    indicators, peers = sections.review_tables(params)
    data = filed.document_data(params, indicators, peers)
    path = write_xlsx(data, tmp_path_factory.mktemp("xlsx") / "legacy-45.xlsx")
    return data, indicators, path


@pytest.fixture(scope="module")
def national(small_sample, tmp_path_factory):
    data_dir, _ = small_sample
    refresh_mart(data_dir)
    params = check_parameters(PERIOD, "vi", str(data_dir), baseline=BASELINE)
    table = provinces_review(params.period, params.baseline, params.data_dir, "vi")
    data = filed.national_data(params, table)
    return data, table, write_national_xlsx(data, tmp_path_factory.mktemp("national") / "national.xlsx")


def _sheet(key: str) -> str:
    return text(f"xlsx_sheet_{key}", "vi")


def _table(ws, name: str) -> tuple[list[str], list[list]]:
    """Header and rows of an Excel table of a sheet."""
    rows = [[c.value for c in row] for row in ws[ws.tables[name].ref]]
    return rows[0], rows[1:]


def test_cover_contents_notes_then_one_table_per_sheet(seed):
    wb = openpyxl.load_workbook(seed[2])
    assert wb.sheetnames == [_sheet(k) for k in ["cover", "contents"] + TABLE_SHEETS]
    assert not wb[_sheet("cover")].tables
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        assert len(ws.tables) == 1, f"{name} holds one Excel table"
        assert ws["A1"].value, f"{name} has its title in A1"
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges, f"{ws.title} has merged cells"


def test_tables_have_one_header_row_and_no_blank_cells(seed):
    wb = openpyxl.load_workbook(seed[2])
    for ws in wb.worksheets[1:]:
        (table,) = ws.tables.values()
        header, rows = _table(ws, table.name)
        assert all(isinstance(h, str) and h for h in header)
        assert len(set(header)) == len(header)
        assert all(v is not None and v != "" for row in rows for v in row), f"blank cell in {ws.title}"


def test_indicator_values_are_the_review_numbers(seed):
    _, indicators, path = seed
    ws = openpyxl.load_workbook(path)[_sheet("indicators")]
    header, rows = _table(ws, "indicators")
    assert header[3] == text("xlsx_col_value", "vi") and header[2] == text("xlsx_col_unit", "vi")
    values = {r[0]: r[3] for r in rows}
    expected = indicators.set_index("indicator")["value"]
    assert set(values) == set(expected.index)
    for indicator, value in expected.items():
        if math.isnan(value):
            assert values[indicator] == text("xlsx_missing", "vi")
        else:
            assert isinstance(values[indicator], int | float), f"{indicator} stored as text"
            assert abs(values[indicator] - value) < 1e-9
    assert values["cccd_issued_total"] == 584405


def test_numbers_carry_display_formats_and_units_in_headers(seed):
    ws = openpyxl.load_workbook(seed[2])[_sheet("indicators")]
    start = ws.tables["indicators"].ref.split(":")[0]
    first = ws[start].row
    formats = {ws.cell(r, 1).value: ws.cell(r, 4).number_format for r in range(first + 1, ws.max_row + 1)}
    assert formats["cccd_issued_total"] == "#,##0"
    assert formats["dossiers_online_pct"] == "0.00"
    header, _ = _table(ws, "indicators")
    assert "(điểm phần trăm)" in header[7]
    score_header, _ = _table(openpyxl.load_workbook(seed[2])[_sheet("score")], "score_766")
    assert "Giá trị (%)" in score_header


def test_cover_says_what_contents_links_and_notes_define(seed):
    data, _, path = seed
    wb = openpyxl.load_workbook(path)
    cover = [c.value for c in wb[_sheet("cover")]["A"] if c.value]
    assert text("synthetic_banner", "vi") in cover
    assert text("xlsx_cover_contact_text", "vi") in cover
    assert "Quảng Trị (legacy/45)" in cover
    contents = wb[_sheet("contents")]
    header, rows = _table(contents, "contents")
    assert [r[0] for r in rows] == [_sheet(k) for k in ["cover"] + TABLE_SHEETS]
    ref = contents.tables["contents"].ref.split(":")[0]
    links = [contents.cell(contents[ref].row + i, 1).hyperlink for i in range(1, len(rows) + 1)]
    assert all(link is not None and link.location.startswith("'") for link in links)
    _, notes = _table(wb[_sheet("notes")], "notes")
    assert [r[0] for r in notes] == [d["id"] for d in data["definitions"]]
    assert all(r[4] and r[5] for r in notes), "every indicator has a definition and a source"


def test_the_national_workbook_has_the_34_provinces(national):
    data, table, path = national
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [_sheet(k) for k in ("cover", "contents", "notes", "provinces")]
    ws = wb[_sheet("provinces")]
    header, rows = _table(ws, "provinces")
    assert len(rows) == 34
    assert header[:2] == [text("xlsx_col_province_code", "vi"), text("xlsx_col_province", "vi")]
    expected = table.set_index(["unit", "indicator"])["value"]
    ids = [d["id"] for d in data["definitions"]]
    for row in rows:
        for indicator, value in zip(ids, row[2:], strict=True):
            want = expected[(row[0], indicator)]
            if math.isnan(want):
                assert value == text("xlsx_missing", "vi")
            else:
                assert isinstance(value, int | float) and abs(value - want) < 1e-9
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges


def test_the_same_data_gives_the_same_bytes(seed, national, tmp_path):
    data, _, path = seed
    assert write_xlsx(data, tmp_path / "again.xlsx").read_bytes() == path.read_bytes()
    nat, _, nat_path = national
    assert write_national_xlsx(nat, tmp_path / "national.xlsx").read_bytes() == nat_path.read_bytes()


def test_an_empty_table_still_has_one_row_saying_so(seed, tmp_path):
    data = seed[0] | {"lagging": [], "tasks": []}
    wb = openpyxl.load_workbook(write_xlsx(data, tmp_path / "empty.xlsx"))
    _, rows = _table(wb[_sheet("lagging")], "lagging")
    assert rows[0][0] == text("none_found", "vi") and len(rows) == 1


def test_sheets_print_on_the_page_with_their_header_row(seed):
    """Printed, a table's columns fit the page's width and its header row repeats on every
    page; on screen the header row stays in view; the cover is one portrait column."""
    from helpers.report.workbook import COVER_WIDTH, HEADER_ROW

    wb = openpyxl.load_workbook(seed[2])
    cover = wb[_sheet("cover")]
    assert cover.page_setup.orientation == "portrait" and cover.sheet_properties.pageSetUpPr.fitToPage
    assert cover.column_dimensions["A"].width <= COVER_WIDTH + 1 < 70  # within A4's width in any suite
    for ws in wb.worksheets[1:]:
        assert ws.freeze_panes == f"A{HEADER_ROW + 2}", ws.title
        assert ws.print_title_rows == f"${HEADER_ROW + 1}:${HEADER_ROW + 1}", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1), ws.title  # one page wide (1 is the default)
        assert ws.page_setup.fitToHeight == 0, ws.title  # as many pages down as it takes
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4


def test_figures_carry_what_they_cover_beside_them(seed):
    wb = openpyxl.load_workbook(seed[2])
    _, rows = _table(wb[_sheet("indicators")], "indicators")
    names = {r[0]: r[1] for r in rows}
    covered = seed[0]["score"]["covered"]
    assert names["score_766"].endswith(f"(tính trên {covered}/100 điểm)")
    assert names["cccd_coverage_pct"].endswith("(vượt 100% vì tính cả hồ sơ cấp đổi, cấp lại)")
    assert wb[_sheet("score")]["A1"].value.endswith(f"(tính trên {covered}/100 điểm)")
