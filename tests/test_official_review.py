"""The official Decision 766 index in a review (`helpers.report.official`), on the hand-made
portal fixtures of test_official.py, every expected figure worked out here: the sentence
reviews write, in both languages, for a province and a commune; the sentence where none is
held; our estimate beside it, group by group; the trend chart's frame; the lagging communes
with their weakest group; the findings it gives; the Word report's sentence and the Excel
appendix's sheets."""

from __future__ import annotations

from datetime import date

import openpyxl
import pandas as pd
import pytest
from docx import Document
from test_official import PARTS, estimate, portal  # noqa: F401 (fixtures)

from helpers.core.periods import parse_period
from helpers.core.text import text
from helpers.core.units import parse_unit
from helpers.report import filed, findings, official, sections
from helpers.report.document import write_docx
from helpers.report.params import Params
from helpers.report.workbook import write_xlsx

PHU_THO_2026 = (
    "Chỉ số phục vụ người dân, doanh nghiệp (Bộ chỉ số theo Quyết định 766/QĐ-TTg) của tỉnh đạt 69,77 điểm, "
    "xếp thứ 2/4 tỉnh, thành phố (số liệu Cổng Dịch vụ công quốc gia cập nhật ngày 31/10/2026)."
)
"""Phú Thọ in the national summary of 2026 as of 31 October: 69.77, tied 2nd of the four
provinces it lists with Đắk Lắk (no rank is published, so by score, ties sharing)."""


def _params(data_dir, unit: str, period: str, lang: str = "vi", baseline: str = "2021") -> Params:
    return Params(parse_unit(unit), parse_period(period), parse_period(baseline), lang, data_dir)


def test_the_sentence_reads_as_reviews_write_it(portal):  # noqa: F811
    vi = _params(portal, "25", "2026")
    assert official.sentence(official.index(vi), vi.unit, "vi") == PHU_THO_2026
    en = _params(portal, "25", "2026", "en")
    assert official.sentence(official.index(en), en.unit, "en") == (
        "The service index for citizens and businesses (Decision 766/QĐ-TTg) of the province scored "
        "69.77 points, ranking 2 of 4 provinces (National Public Service Portal, figures as of "
        "31 October 2026)."
    )
    # Huế is a city; the quarter's table publishes its ranks (Hà Nội and Phú Thọ both 2nd)
    hue = _params(portal, "46", "2026-Q3")
    assert official.sentence(official.index(hue), hue.unit, "vi").startswith(
        "Chỉ số phục vụ người dân, doanh nghiệp (Bộ chỉ số theo Quyết định 766/QĐ-TTg) của thành phố đạt "
        "72,00 điểm, xếp thứ 1/4 tỉnh, thành phố (số liệu Cổng Dịch vụ công quốc gia cập nhật ngày "
        "05/10/2026)"
    )


def test_a_commune_is_ranked_among_the_communes_of_its_province(portal):  # noqa: F811
    # Phú Thọ's commune table of 2026-Q3: Việt Trì and Lâm Thao 70.00 (both 1st), Nông Trang 55.25
    ward = _params(portal, "07900", "2026-Q3")
    assert official.sentence(official.index(ward), ward.unit, "vi") == (
        "Chỉ số phục vụ người dân, doanh nghiệp (Bộ chỉ số theo Quyết định 766/QĐ-TTg) của phường đạt "
        "70,00 điểm, xếp thứ 1/3 xã, phường trong tỉnh (số liệu Cổng Dịch vụ công quốc gia cập nhật ngày "
        "05/10/2026)."
    )
    commune = _params(portal, "08494", "2026-Q3", "en")
    assert ", ranking 1 of 3 communes of the province " in official.sentence(
        official.index(commune), commune.unit, "en"
    )


def test_where_none_is_held_one_sentence_says_so_and_how_to_load_it(portal, tmp_path):  # noqa: F811
    missing = official.none(_params(portal, "25", "2025"))
    assert missing.startswith(
        "Chưa có số liệu Bộ chỉ số QĐ 766 do Cổng Dịch vụ công quốc gia công bố cho năm 2025 "
        "(dữ liệu có: năm 2026, quý III/2026). Nạp số liệu đã lưu từ Cổng bằng lệnh p06 ingest <tệp> "
        "--table index_766 --period <kỳ> --as-of <ngày cập nhật>"
    )
    assert official.index(_params(portal, "25", "2025")).empty
    # nothing held at all: no list of periods
    assert "(dữ liệu có" not in official.none(_params(tmp_path, "25", "2025"))
    # a former province: the index is kept on the current boundaries (25 was Phú Thọ, is now too)
    legacy = _params(portal, "legacy/25", "2025-Q1", baseline="2024")
    assert official.index(legacy).empty
    assert official.none(legacy) == text("official_none_legacy", "vi", period="quý I/2025")


def test_the_estimate_beside_it_is_explained_by_group(estimate):  # noqa: F811
    """The portal's progress of Phú Thọ in 2026-Q3 is 16.00 (1,600 on time of 2,000); our
    estimate 20 × 5/7 = 14.29 on the same part (5 of 7 dossiers not overdue): −1.71. The
    other groups: no published score, or no formula (online services)."""
    params = _params(estimate, "25", "2026-Q3", "en")
    beside = official.beside(params).set_index("group")
    progress = beside.loc["progress"]
    assert progress["official"] == 16.0 and progress["official_same"] == 16.0
    assert progress["estimate"] == pytest.approx(20 * 5 / 7) and progress["measured"] == 20
    assert progress["difference"] == pytest.approx(20 * 5 / 7 - 16.0)
    assert progress["part"] == "Dossiers on time of those received"
    assert (progress["part_estimate"], progress["part_official"]) == (pytest.approx(100 * 5 / 7), 80.0)
    assert beside["difference"].drop("progress").isna().all()
    assert beside.at["online", "estimate"] == pytest.approx(
        PARTS["procedures_online"] + PARTS["dossiers_online"]
    )
    assert official.gap_line(beside.reset_index(), "en") == (
        "On the parts both measure, they differ most in Processing progress: estimate 14.29 points, "
        "portal 16.00 (Dossiers on time of those received: estimate 71.43%, portal 80.00%)."
    )
    rows = {r.group: r for r in beside.reset_index().itertuples()}
    assert official.why(rows["progress"], "en") == (
        "differs most on Dossiers on time of those received (estimate 71.43%, portal 80.00%)"
    )
    assert official.why(rows["online"], "en") == text("official_why_unpublished", "en")
    # payment: our data measures 6 of its 10 points (paid online), the portal gives no score
    assert official.why(rows["payment"], "en") == "our data measures 6 of 10 points"


def test_the_groups_table_leads_with_the_total(estimate):  # noqa: F811
    params = _params(estimate, "25", "2026-Q3", "en")
    indicators, _ = sections.review_tables(params)
    table = official.groups(official.index(params), official.beside(params), indicators, "en")
    assert list(table["group"]) == [
        "total", "transparency", "progress", "online", "payment", "digitisation", "satisfaction",
    ]  # fmt: skip
    total = table.iloc[0]
    assert total["estimate"] == pytest.approx(sum(PARTS.values())) and total["measured"] == 66
    assert pd.isna(total["official"])  # the snapshot gives progress only: no total
    assert table.set_index("group").at["progress", "official"] == 16.0
    assert official.estimate_line(indicators, "en") == (
        "Our estimate by the same formulas from local data: 52.34 points (covers 66 of 100 points)."
    )


def test_the_trend_chart_compares_the_latest_snapshot_with_the_earliest():
    trend = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2025-09-30", "2025-11-30", "2025-12-31"]).date,
            "total": [60.0, 61.0, 62.18],
            "transparency": [9.0, 9.0, 9.0],
            "progress": [16.0, 16.5, 17.0],
            "online": [6.0, 6.0, 6.0],
            "payment": [5.0, 5.0, 5.18],
            "digitisation": [11.0, 11.5, 11.0],
            "satisfaction": [13.0, 13.0, 14.0],
        }
    )
    shares = official.snapshot_shares(trend, "vi")
    assert list(shares.columns) == ["31/12/2025", "30/09/2025"]
    assert shares.index[0] == "Tổng điểm (100 điểm)" and shares.index[2] == "Tiến độ giải quyết (20 điểm)"
    assert shares.iloc[0].tolist() == pytest.approx([62.18, 60.0])
    assert shares.iloc[2].tolist() == pytest.approx([85.0, 80.0])  # 17 of 20, 16 of 20
    assert shares.iloc[4].tolist() == pytest.approx([51.8, 50.0])  # payment: 5.18 of 10, 5 of 10
    assert list(official.snapshot_shares(trend.head(1), "vi").columns) == ["30/09/2025"]


def test_the_lagging_communes_are_named_with_their_weakest_group(portal):  # noqa: F811
    """2026-Q3: Nông Trang 55.25 (weakest: digitisation, 8 of 22 = 36%), Việt Trì and Lâm Thao
    70.00 (digitisation, 10 of 22 = 45%)."""
    communes = official.ranking(_params(portal, "25", "2026-Q3"), "commune")
    assert list(communes["unit"]) == ["07900", "08494", "07894"]  # by score, ties by name
    assert official.lagging_line(communes, "commune", "vi") == (
        "Các xã, phường có điểm thấp nhất: Phường Nông Trang (55,25 điểm; thấp nhất ở nhóm Số hóa hồ sơ: "
        "8,00/22 điểm); Phường Việt Trì (70,00 điểm; thấp nhất ở nhóm Số hóa hồ sơ: 10,00/22 điểm); "
        "Xã Lâm Thao (70,00 điểm; thấp nhất ở nhóm Số hóa hồ sơ: 10,00/22 điểm)."
    )
    assert official.ranking(_params(portal, "07900", "2026-Q3"), "commune").empty  # a commune's review


def test_findings_name_the_official_weakest_group(portal):  # noqa: F811
    """Phú Thọ, 2026: digitisation 9.23 of 22 (42%) is its weakest group (transparency 59%,
    payment 67%, online 74%, progress 90%, satisfaction 91%)."""
    index = official.index(_params(portal, "25", "2026"))
    units = pd.DataFrame(
        {
            "unit_name": ["Xã A", "Xã B", "Xã C"],
            "score": [70.0, 60.0, 50.0],
            "weakest_group": ["digitisation", "digitisation", "payment"],
        }
    )
    shortfall, task = findings.official_lines(index, [units], parse_period("2026"), "vi")
    assert shortfall == [
        "Theo Bộ chỉ số QĐ 766 do Cổng DVCQG công bố (cập nhật ngày 31/10/2026), nhóm đạt thấp nhất là "
        "số hóa hồ sơ: 9,23/22 điểm. Thấp nhất ở nhóm này: Xã B, Xã A."
    ]
    assert task == [
        "Nâng điểm nhóm số hóa hồ sơ của Bộ chỉ số QĐ 766 (đạt 9,23/22 điểm, cập nhật ngày 31/10/2026) "
        "trong năm 2027, tập trung vào Xã B, Xã A."
    ]
    assert findings.official_lines(index.head(0), [units], parse_period("2026"), "vi") == ([], [])


@pytest.fixture(scope="module")
def filed_phu_tho(portal, tmp_path_factory):  # noqa: F811
    """Phú Thọ's review of 2026 from the portal's figures alone: its Word report and workbook."""
    params = _params(portal, "25", "2026")
    indicators, peers = sections.review_tables(params)
    data = filed.document_data(params, indicators, peers)
    folder = tmp_path_factory.mktemp("filed")
    return data, write_docx(data, [], folder / "25.docx"), write_xlsx(data, folder / "25.xlsx")


def test_the_word_report_quotes_the_official_index(filed_phu_tho):
    data, docx, _ = filed_phu_tho
    paragraphs = [p.text for p in Document(docx).paragraphs]
    assert f"- {PHU_THO_2026}" in paragraphs
    # its groups are not repeated as figures of their own (in part I or appendix I's notes), nor
    # listed as not measured
    group_name = "Chỉ số QĐ 766 do Cổng DVCQG công bố: "
    assert not [p for p in paragraphs if group_name in p]
    assert not [
        p for p in paragraphs if p.startswith(text("doc_not_measured", "vi", names="")[:20]) and "766" in p
    ]
    assert data["official"]["held"] and data["official"]["sentence"] == PHU_THO_2026


def test_the_workbook_has_the_official_index_sheets(filed_phu_tho):
    _, _, xlsx = filed_phu_tho
    wb = openpyxl.load_workbook(xlsx)
    sheets = [text(f"xlsx_sheet_{k}", "vi") for k in ("official", "official_snapshots", "official_units")]
    assert wb.sheetnames[-3:] == sheets
    ws = wb[sheets[0]]
    (table,) = ws.tables.values()
    rows = [[c.value for c in row] for row in ws[table.ref]]
    header, rows = rows[0], {r[0] if r[0] != "[x]" else "total": r for r in rows[1:]}
    heads = ("xlsx_col_portal_code", "xlsx_col_official_part", "xlsx_col_official_group", "xlsx_col_points")
    assert header[:4] == [text(k, "vi") for k in heads]
    total = dict(zip(header, rows["total"], strict=True))
    assert (total[header[4]], total[text("xlsx_col_rank", "vi")], total[text("xlsx_col_of", "vi")]) == (
        69.77,
        2,
        4,
    )
    assert total[text("xlsx_col_as_of", "vi")] == "31/10/2026"
    # the progress group's numerator and denominator (1,800 on time of 2,000 received), stored as numbers
    progress = dict(zip(header, rows["TDGQ"], strict=True))
    assert (progress[text("xlsx_col_numerator", "vi")], progress[text("xlsx_col_denominator", "vi")]) == (
        1800,
        2000,
    )
    # a metric: 1,900 of 2,000 dossiers synchronised, 6 × 95% = 5.70 points
    sync = dict(zip(header, rows["DOSSIER_SYNC"], strict=True))
    assert sync[text("xlsx_col_ratio", "vi")] == pytest.approx(95.0)
    assert sync[text("xlsx_col_recomputed", "vi")] == pytest.approx(5.7)
    assert ws.cell(table.ref and int(table.ref.split(":")[0][1:]) + 1, 5).number_format == "0.00"
    # every snapshot: progress 16.00 on 30 September, 18.00 on 31 October
    snaps = wb[sheets[1]]
    (table,) = snaps.tables.values()
    values = [[c.value for c in row] for row in snaps[table.ref]][1:]
    assert [(v[0], v[3]) for v in values] == [("30/09/2026", 16.0), ("31/10/2026", 18.0)]
    units = wb[sheets[2]]
    (table,) = units.tables.values()
    listed = [[c.value for c in row] for row in units[table.ref]][1:]
    assert ["sở, ban, ngành", "H44.07", "Sở Công Thương - Tỉnh Phú Thọ"] in [r[:3] for r in listed]


def test_the_index_pages_key_figure_carries_the_snapshots_date():
    indicators = pd.DataFrame(
        {
            "indicator": sections.KEY_FIGURES,
            "value": [62.18, 26.1, 50.0, 90.0, 70.0, 1000.0],
            "denominator": [None, 44, 100, 100, 100, None],
            "as_of": [date(2026, 1, 15), None, None, None, None, None],
        }
    )
    figures = sections.key_figures(indicators)
    assert figures["index_766_as_of"] == "2026-01-15" and figures["score_766_points"] == 44
    assert sections.key_figure(figures, "index_766", "vi") == "62,18 (15/01/2026)"
    assert sections.key_figure(figures, "score_766", "vi") == "26,10 (tính trên 44/100 điểm)"
    none = sections.key_figures(indicators.assign(value=[None, 26.1, 50.0, 90.0, 70.0, 1000.0]))
    assert none["index_766_as_of"] is None and sections.key_figure(none, "index_766", "vi") == "–"


def test_the_national_overview_orders_provinces_by_the_official_index_then_our_estimate():
    from helpers.report.overview import official_dates, side_by_side

    table = pd.DataFrame(
        {
            "unit_name": ["A", "A", "B", "B", "C", "C"],
            "indicator": ["index_766", "score_766"] * 3,
            "value": [60.0, 70.0, 80.0, 50.0, None, 90.0],
            "as_of": [date(2025, 12, 31), None, date(2026, 1, 15), None, None, None],
        }
    )
    wide = side_by_side(table, ["index_766", "score_766"])
    assert list(wide.index) == ["B", "A", "C"]  # C has no official figure: last, though best estimated
    without = side_by_side(
        table.assign(value=[None, 70.0, None, 50.0, None, 90.0]), ["index_766", "score_766"]
    )
    assert list(without.index) == ["C", "A", "B"]  # none held: by our estimate
    assert official_dates(table, "vi") == (
        "Chỉ số QĐ 766 (chính thức): số liệu Cổng Dịch vụ công quốc gia cập nhật từ ngày 31/12/2025 "
        "đến ngày 15/01/2026."
    )
    assert official_dates(table[table["indicator"] == "score_766"], "vi") is None
