"""The filed Word report of the seed review (Quảng Trị, 2022-01..2023-12 against 2021), read
back with python-docx: figures in sentences, the Decree 30 layout, appendices, placeholders,
the synthetic-data notice, English, and the same bytes for the same data."""

from __future__ import annotations

import copy
import io
import json

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from helpers.core.text import text
from helpers.engine.mart import refresh_mart
from helpers.report import filed, sections
from helpers.report.document import default_template, write_docx
from helpers.report.params import check_parameters

PERIOD, UNIT, BASELINE = "2022-01..2023-12", "legacy/45", "2021"
TEMPLATE_FIELDS = {
    "unit", "period", "next_period", "baseline", "notice", "results_lead", "results", "figures",
    "shortcomings", "next_tasks", "commendations", "indicator_rows", "indicator_notes", "score_rows",
    "score_total", "score_note", "lagging_rows", "commendation_rows", "task_rows", "task_total",
    "fact_rows", "definition_rows",
}  # fmt: skip
"""The fields the default templates use; README tells a province which to keep."""
SEED_SENTENCE = (
    "Tỷ lệ hồ sơ nộp trực tuyến đạt 48,85%, tăng 36,85 điểm phần trăm so với trước khi triển khai Đề án"
)
INDICATOR_HEADS = [
    "TT",
    "Chỉ tiêu",
    "Giá trị",
    "Mục tiêu",
    "Đánh giá",
    "Kỳ gốc (năm 2021)",
    "Thay đổi",
    "Xếp hạng",
]


def _chart() -> tuple[str, bytes]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 2), dpi=50)
    fig.add_subplot().plot([1, 2, 3], [3, 1, 2])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return "Hồ sơ TTHC theo tháng", buffer.getvalue()


@pytest.fixture(scope="module")
def seed(small_sample):
    """The seed review's document data in both languages (and the review table, in vi)."""
    data_dir, _ = small_sample
    refresh_mart(data_dir)
    out = {}
    for lang in ("vi", "en"):
        params = check_parameters(PERIOD, lang, str(data_dir), unit=UNIT, baseline=BASELINE)
        indicators, peers = sections.review_tables(params)
        out[lang] = filed.document_data(params, indicators, peers)
        out[f"table_{lang}"] = indicators
    return out


@pytest.fixture(scope="module")
def written(seed, tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    chart = _chart()
    paths = {lang: write_docx(seed[lang], [chart], folder / f"{lang}.docx") for lang in ("vi", "en")}
    return paths, chart


def _text(doc) -> str:
    return "".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))


def _tables_with_header(doc, first: str) -> list:
    return [t for t in doc.tables if t.rows[0].cells[0].text == first]


def test_the_data_is_plain_json(seed):
    data = seed["vi"]
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert data["unit"]["issuer_parent"] == "UBND tỉnh Quảng Trị"
    assert data["period"]["phrase"] == "giai đoạn 2022 – 2023"
    assert data["synthetic"] is True
    values = {r["id"]: r["value"] for r in data["indicators"]}
    assert values["cccd_issued_total"] == 584405
    assert {r["id"] for r in data["definitions"]} == set(values)


def test_the_figures_are_written_in_sentences(written):
    doc = Document(written[0]["vi"])
    body = _text(doc)
    for figure in ("584.405", "269.362", "180.646", "36,85"):
        assert figure in body
    assert "Đã cấp 584.405 thẻ CCCD" in body
    assert SEED_SENTENCE in body


def test_the_letterhead_follows_decree_30(written):
    doc = Document(written[0]["vi"])
    head = doc.tables[0]
    left, right = head.cell(0, 0).text, head.cell(0, 1).text
    assert "UBND TỈNH QUẢNG TRỊ" in left and "BAN CHỈ ĐẠO ĐỀ ÁN 06" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert head.cell(1, 0).text.startswith("Số: ")
    assert head.cell(1, 1).text.startswith("Quảng Trị, ngày ")
    titles = [p.text for p in doc.paragraphs[:4]]
    assert "BÁO CÁO" in titles
    assert any(t.startswith("Kết quả thực hiện Đề án 06 giai đoạn 2022 – 2023") for t in titles)


def test_every_page_is_a4_with_the_decree_margins(written):
    doc = Document(written[0]["vi"])
    for section in doc.sections:
        assert abs(section.page_width.mm - 210) < 0.5 and abs(section.page_height.mm - 297) < 0.5
        assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
        assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20


def test_the_body_is_times_new_roman_13_to_14_points(written):
    doc = Document(written[0]["vi"])
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert 13 <= normal.font.size.pt <= 14
    fonts = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = fonts.find(qn("w:rFonts"))
    assert {fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
    assert not [a for a in fonts.attrib if a.endswith("Theme")], "a theme font would replace Times New Roman"


def test_the_appendices_have_titles_on_new_pages_and_their_tables(seed, written):
    doc = Document(written[0]["vi"])
    appendices = [p for p in doc.paragraphs if p.text.startswith("Phụ lục ")]
    assert [p.text for p in appendices] == [f"Phụ lục {n}" for n in ("I", "II", "III", "IV", "V")]
    assert all(p.style.paragraph_format.page_break_before for p in appendices)
    assert len(doc.tables) == 2 + 7  # letterhead, signature; I, II, III (2), IV, V (2)
    (indicators,) = _tables_with_header(doc, "TT")[:1]
    assert [c.text for c in indicators.rows[0].cells] == INDICATOR_HEADS
    # every indicator but the official index's six groups (its total stays; the workbook has all)
    assert len(indicators.rows) == 1 + len(seed["vi"]["indicators"]) - 6
    assert "584.405" in [r.cells[2].text for r in indicators.rows]
    for table in doc.tables[2:]:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None, "header rows repeat on each page"
        width = sum(int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol")))
        assert width <= round(165 * 1440 / 25.4) + 5, "tables fit within the text width"
    score = _tables_with_header(doc, "Nhóm")[0]
    assert score.rows[-1].cells[0].text == "Tổng cộng"
    assert score.rows[-1].cells[-1].text == "57,34"  # our estimate by the portal's formulas


def test_the_synthetic_notice_is_on_the_first_page(written):
    doc = Document(written[0]["vi"])
    notice = text("synthetic_banner", "vi")
    first_part = next(i for i, p in enumerate(doc.paragraphs) if p.style.name == "Heading 1")
    assert notice in [p.text for p in doc.paragraphs[:first_part]]


def test_a_document_from_real_data_has_no_notice(seed, tmp_path):
    data = copy.deepcopy(seed["vi"]) | {"synthetic": False}
    doc = Document(write_docx(data, [], tmp_path / "real.docx"))
    assert text("synthetic_banner", "vi") not in _text(doc)


def test_what_the_data_cannot_know_is_a_highlighted_placeholder(written):
    doc = Document(written[0]["vi"])
    runs = [r for p in doc.element.body.iter(qn("w:p")) for r in p.iter(qn("w:r"))]
    highlighted = {
        "".join(t.text for t in r.iter(qn("w:t")))
        for r in runs
        if (h := r.find(f"{qn('w:rPr')}/{qn('w:highlight')}")) is not None
        and h.get(qn("w:val")) == WD_COLOR_INDEX.YELLOW.name.lower()
    }
    assert {"[số]", "[...]", "[Họ và tên]", "[QUYỀN HẠN, CHỨC VỤ NGƯỜI KÝ]"} <= highlighted
    assert "Nơi nhận:" in _text(doc)


def test_charts_are_figures_with_captions_and_alternative_text(written):
    paths, (title, _) = written
    doc = Document(paths["vi"])
    assert len(doc.inline_shapes) == 1
    assert doc.inline_shapes[0]._inline.docPr.get("descr") == title
    assert doc.inline_shapes[0].width.mm <= 150.5
    assert f"Hình 1. {title}" in [p.text for p in doc.paragraphs]


def test_empty_lists_say_none_and_drop_their_tables(seed, tmp_path):
    data = copy.deepcopy(seed["vi"]) | {"lagging": [], "commendations": [], "tasks": [], "shortcomings": []}
    doc = Document(write_docx(data, [], tmp_path / "empty.docx"))
    assert len(doc.tables) == 2 + 4
    assert "Không có." in [p.text for p in doc.paragraphs]


def test_an_english_document_has_the_english_heading(written):
    doc = Document(written[0]["en"])
    body = _text(doc)
    assert "SOCIALIST REPUBLIC OF VIET NAM" in body and "Independence - Freedom - Happiness" in body
    assert "CỘNG HÒA" not in body
    assert "584,405 chip ID cards" in body and "up 36.85 percentage points" in body


def test_the_same_data_gives_the_same_bytes(seed, written, tmp_path):
    paths, chart = written
    again = write_docx(seed["vi"], [chart], tmp_path / "again.docx")
    assert again.read_bytes() == paths["vi"].read_bytes()
    assert not list(tmp_path.glob(".*.tmp")), "the write is atomic: no temporary file is left"


def test_the_templates_use_the_documented_fields():
    from docxtpl import DocxTemplate

    for lang in ("vi", "en"):
        fields = DocxTemplate(str(default_template(lang))).get_undeclared_template_variables()
        assert fields == TEMPLATE_FIELDS


@pytest.mark.parametrize(
    ("unit", "lang", "title", "issuer", "place"),
    [
        ("legacy/45", "vi", "tỉnh Quảng Trị", "UBND tỉnh Quảng Trị", "Quảng Trị"),
        ("79", "vi", "thành phố Hồ Chí Minh", "UBND thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("19495", "vi", "xã Gio Linh", "UBND xã Gio Linh", "Gio Linh"),
        ("VN", "vi", "cả nước", "Chính phủ", "Hà Nội"),
        ("legacy/45", "en", "Quang Tri province", "Quang Tri province People's Committee", "Quang Tri"),
    ],
)
def test_the_unit_as_the_letterhead_names_it(unit, lang, title, issuer, place):
    from helpers.core.units import parse_unit

    described = filed.describe_unit(parse_unit(unit), lang)
    assert (described["title"], described["issuer_parent"], described["place"]) == (title, issuer, place)
