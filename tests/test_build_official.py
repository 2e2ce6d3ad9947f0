"""A data folder holding only the official Decision 766 index still builds a review: the
portal's score table of 2026-Q3 and Quảng Trị's commune table, taken through `p06 ingest`,
then `p06 build --unit 44 --period 2026-Q3` writes the page, the Word report and the Excel
appendix; the index's section quotes it as reviews do, every other section says what it
lacks, and a department name planted with markup is shown as text everywhere."""

from __future__ import annotations

import csv
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from docx import Document
from test_indicators import write_frame

from helpers.cli import main
from helpers.core.text import text
from helpers.data import storage
from helpers.data.schema import INDEX_766

GROUPS = ["Công khai, minh bạch (18)", "Tiến độ giải quyết (20)", "Dịch vụ công trực tuyến (12)",
          "Thanh toán trực tuyến (10)", "Số hóa hồ sơ (22)", "Mức độ hài lòng (18)"]  # fmt: skip
PROVINCES = [
    [1, "Thành phố Huế", 72.0, 12.0, 18.0, 9.0, 8.0, 10.0, 15.0, 1],
    [2, "Quảng Trị", 62.18, 10.5, 16.0, 8.5, 6.18, 9.0, 12.0, 2],  # 10.5 + 16 + 8.5 + 6.18 + 9 + 12
    [3, "Phú Thọ", 60.0, 10.0, 16.0, 8.0, 6.0, 8.0, 12.0, 3],
    [4, "Đắk Lắk", 58.5, 10.0, 15.5, 8.0, 6.0, 7.0, 12.0, 4],
]
COMMUNES = [
    ("UBND tỉnh Quảng Trị", 62.18, 10.5, 16.0, 8.5, 6.18, 9.0, 12.0),
    ("UBND Phường Đông Hà", 70.0, 12.0, 18.0, 9.0, 7.0, 10.0, 14.0),
    ("UBND xã Gio Linh - Tỉnh Quảng Trị", 55.0, 9.0, 14.0, 7.0, 4.0, 9.0, 12.0),  # weakest: payment 40%
    ("UBND Phường Đồng Hới", 64.0, 11.0, 16.0, 8.0, 6.0, 9.0, 14.0),
]
HOSTILE = "<script>alert(1)</script> - Tỉnh Quảng Trị"
SENTENCE = (
    "Chỉ số phục vụ người dân, doanh nghiệp (Bộ chỉ số theo Quyết định 766/QĐ-TTg) của tỉnh đạt 62,18 điểm, "
    "xếp thứ 2/4 tỉnh, thành phố (số liệu Cổng Dịch vụ công quốc gia cập nhật ngày 05/10/2026)."
)


def _score_table(path):
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("BẢNG XẾP HẠNG CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP\nQuý III năm 2026\n\n")
        out = csv.writer(f)
        out.writerow(["STT", "Tỉnh, thành phố", "Tổng điểm", *GROUPS, "Xếp hạng"])
        out.writerows(PROVINCES)
    return path


def _commune_table(path):
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("Kết quả Bộ chỉ số 766 - tỉnh Quảng Trị - quý 3/2026\n\n")
        out = csv.writer(f)
        out.writerow(["Đơn vị", "Tổng điểm", "CKMB", "TDGQ", "CLGQ", "TTTT", "MDSH", "MDHL"])
        out.writerows(COMMUNES)
    return path


def _planted_department(data_dir):
    """A department whose name carries markup, written straight to the table (the portal's
    ingest would drop it): the page, the Word report and the workbook show it as text."""
    rows = []
    scores = [("total", 60.0, 100.0), ("transparency", 10.0, 18.0), ("progress", 16.0, 20.0),
              ("online", 8.0, 12.0), ("payment", 5.0, 10.0), ("digitisation", 9.0, 22.0),
              ("satisfaction", 12.0, 18.0)]  # fmt: skip
    for group, score, points in scores:
        rows.append(
            {"province_code": "44", "commune_code": None, "portal_unit_code": "H44.09",
             "portal_unit_name": HOSTILE, "unit_level": "department", "period": "2026-Q3",
             "period_start_on": "2026-07-01", "period_end_on": "2026-09-30", "as_of": "2026-10-05",
             "group": group, "metric": None, "numerator": None, "denominator": None, "ratio": None,
             "score": score, "max_score": points, "rank": None, "source_file": "planted"}
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=INDEX_766.names)
    for column in ("period_start_on", "period_end_on", "as_of"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ms]")
    for column in ("numerator", "denominator", "rank"):
        frame[column] = frame[column].astype("Int64")
    for column in ("ratio",):
        frame[column] = frame[column].astype(float)
    write_frame(frame, data_dir, "index_766", "planted")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("only-index")
    data, reports = root / "data", root / "reports"
    for path in (_score_table(root / "xep-hang-q3.csv"), _commune_table(root / "quang-tri-q3.csv")):
        args = ["ingest", str(path), "--table", "index_766", "--period", "2026-Q3", "--as-of", "2026-10-05"]
        assert main([*args, "--data-dir", str(data)]) == 0
    _planted_department(data)
    assert storage.available_tables(data) == ["index_766"]
    args = ["build", "--unit", "44", "--period", "2026-Q3", "--format", "html,docx,xlsx"]
    assert main([*args, "--data-dir", str(data), "--reports-dir", str(reports)]) == 0
    return reports / "2026-Q3"


def _page_text(path) -> str:
    body = re.sub(r"<style.*?</style>|<script.*?</script>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&amp;", "&")


def test_the_review_quotes_the_official_index(built):
    page = _page_text(built / "44.html")
    assert SENTENCE in page
    # the department and communes as the source ranks them, the lagging ones named
    assert "Xã Gio Linh (55,00 điểm; thấp nhất ở nhóm Thanh toán trực tuyến: 4,00/10 điểm)" in page
    assert "Tổng điểm 100 62,18 2/4" in page  # the groups table leads with the total and its rank
    # the facts name the index's data by its period and snapshot, not by months
    source = text("table_index_766", "vi")
    # 28 rows from each table (the total and six groups of four units), 7 planted
    assert f"Dữ liệu {source}: 63 dòng, quý III/2026 (cập nhật đến ngày 05/10/2026)" in page


def test_every_other_section_says_what_it_lacks(built):
    page = _page_text(built / "44.html")
    missing = {t: text("note_missing_table", "vi", table=text(f"table_{t}", "vi")) for t in
               ("dossiers", "procedures", "identification", "services", "tasks")}  # fmt: skip
    for title, table in [
        ("chart_dossiers_title", "dossiers"),
        ("chart_procedures_title", "procedures"),
        ("chart_identification_title", "identification"),
        ("chart_data_use_title", "services"),
    ]:
        assert text("chart_absent", "vi", title=text(title, "vi"), reasons=missing[table]) in page, title
    assert text("section_no_data", "vi", why=missing["tasks"]) in page
    # our estimate has nothing to measure: its parts say why, its score is empty
    assert "Traceback" not in page and "Error" not in page


def test_the_word_report_and_the_workbook_are_written(built):
    doc = Document(built / "44.docx")
    paragraphs = [p.text for p in doc.paragraphs]
    assert f"- {SENTENCE}" in paragraphs
    wb = openpyxl.load_workbook(built / "44.xlsx")
    sheet = wb[text("xlsx_sheet_official", "vi")]
    (table,) = sheet.tables.values()
    rows = [[c.value for c in row] for row in sheet[table.ref]][1:]
    assert rows[0][4:6] + rows[0][9:12] == [62.18, "[x]", 2, 4, "05/10/2026"]  # total, its rank, its date
    units = wb[text("xlsx_sheet_official_units", "vi")]
    names = [c.value for c in units["C"]]
    assert HOSTILE in names and "UBND xã Gio Linh - Tỉnh Quảng Trị" not in names  # our commune names
    assert "Xã Gio Linh" in names


def test_markup_from_data_is_text_everywhere(built):
    html = (built / "44.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the Word report names it (a lagging department) as typed: text, never markup
    with zipfile.ZipFile(built / "44.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml and "<script>" not in xml
    assert any(HOSTILE in p.text for p in Document(built / "44.docx").paragraphs)


def test_the_index_page_shows_the_official_index_with_its_date(built):
    page = _page_text(built / "index.html")
    assert "Chỉ số QĐ 766 (chính thức)" in page  # its column, before our estimate's
    assert "62,18 (05/10/2026)" in page
