"""Layouts people make: shares in percent with their base, one sheet per month, shapes that
are refused with a sentence saying what was expected; and every fixture of every table
through `p06 ingest`, which ends in exit 0 or an input error, never another exception."""

from __future__ import annotations

import pytest
from ingest_fixtures import (
    ALL,
    MONTHLY_SHEETS,
    activation_shares,
    fractions_with_base,
    monthly_sheets,
    months_as_columns,
    quarter_of_monthly_figures,
    second_header_line,
    shares_with_base,
    since_the_start_of_the_year,
)

from helpers.cli import main
from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.ingest import ingest
from helpers.engine.indicators import review
from helpers.engine.mart import build_mart


def _review(data, unit="44", period="2025-Q4", level="province"):
    build_mart(data)
    return review(unit, period, "2021", level=level, data_dir=data, lang="en")


def test_a_departments_shares_read_with_their_bases(tmp_path):
    data = tmp_path / "data"
    ingest([shares_with_base(tmp_path)], "services", data)
    [row] = storage.read_table(data, "services").to_pylist()
    # 81.2% of 150 facilities = 121.8, rounded: 122; 65% of 22,000 beneficiaries = 14,300
    assert (row["medical_facilities"], row["medical_facilities_accepting_cccd"]) == (150, 122)
    assert (row["social_beneficiaries"], row["social_beneficiaries_cashless"]) == (22_000, 14_300)
    assert (row["figures"], row["as_of"].isoformat()) == ("to_date", "2025-11-30")
    r = _review(data, period="2025-11").set_index("indicator")
    assert r.at["medical_cccd_pct", "value"] == pytest.approx(100 * 122 / 150)
    assert r.at["social_cashless_pct", "value"] == pytest.approx(65.0)
    assert r.at["medical_cccd_pct", "note"] == "total to date at 30 November 2025"
    # no share of records: "not measured", and the notes say why
    assert r.at["records_cleaned_pct", "note"] == "not measured: the export has no “Records cleaned” column"


def test_shares_as_fractions_and_shares_of_totals_to_date(tmp_path):
    data = tmp_path / "data"
    ingest([fractions_with_base(tmp_path)], "services", data)
    [row] = storage.read_table(data, "services").to_pylist()
    # a column of numbers of at most 1 is of fractions: 0.812 of 150 = 121.8 → 122; 0.5 of 780,000
    assert (row["medical_facilities_accepting_cccd"], row["records_cleaned"]) == (122, 390_000)
    ingest([activation_shares(tmp_path)], "identification", tmp_path / "ident", province="44")
    r = _review(tmp_path / "ident").set_index("indicator")
    # 72% of 5,000 applications = 3,600 accounts; 80.5% of 4,000 = 3,220: 6,820 of 9,000
    assert r.at["eid_activated_total", "value"] == 3_600 + 3_220
    assert r.at["eid_activation_pct", "value"] == pytest.approx(100 * 6_820 / 9_000)


def test_a_workbook_of_one_sheet_per_month(tmp_path):
    data = tmp_path / "data"
    summary = ingest([monthly_sheets(tmp_path)], "identification", data, province="44", sheet="all")
    dated = [(f["sheet"], f["dated"]["by"], f["dated"]["month"]) for f in summary["files"]]
    assert dated == [
        ("T10-2025", "sheet", "2025-10"),
        ("T11-2025", "sheet", "2025-11"),
        ("Báo cáo", "title", "2025-12"),
    ]
    assert summary["written"] == {"44-2025-10": 2, "44-2025-11": 2, "44-2025-12": 2}
    wards = _review(data, level="commune")
    issued = wards[wards["indicator"] == "cccd_issued_total"].set_index("unit")["value"]
    # monthly figures summed: Đồng Thuận 300 + 250 + 400 = 950, Đồng Sơn 200 + 180 + 150 = 530
    assert (issued["18859"], issued["18871"]) == (950, 530)
    assert sum(n for rows in MONTHLY_SHEETS.values() for _, n, _ in rows) == 950 + 530
    r = _review(data).set_index("indicator")
    assert r.at["cccd_issued_total", "value"] == 1_480
    assert r.at["cccd_issued_total", "note"] == "sum of monthly figures to December 2025"
    # the same sheets without "trong tháng": a ward's figure falls from November to December
    # (Đồng Sơn 180 → 150), so they are monthly figures, read without asking
    ingest([monthly_sheets(tmp_path, marked=False)], "identification", tmp_path / "other", province="44")
    assert _review(tmp_path / "other").set_index("indicator").at["cccd_issued_total", "value"] == 1_480


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (second_header_line, "a second header line under the header is not read: give each column a header"),
        (
            months_as_columns,
            "one column per month ('Tháng 10', 'Tháng 11', 'Tháng 12') is not read: expected",
        ),
        (since_the_start_of_the_year, "gives figures since the start of a year: not read (expected"),
        (quarter_of_monthly_figures, "monthly figures are of one month"),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_shapes_not_read_are_refused_with_what_was_expected(tmp_path, capsys, build, expected):
    path = build(tmp_path)
    assert (
        main(
            [
                "ingest",
                str(path),
                "--table",
                "identification",
                "--province",
                "44",
                "--data-dir",
                str(tmp_path / "d"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert expected in err and str(path) in err and "Traceback" not in err
    assert not storage.table_files(tmp_path / "d", "identification")


OPTIONS = [{}, {"province": "44"}, {"province": "44", "figures": "to-date", "as_of": "31/12/2025"}]


def _earlier_fixtures(folder):
    """The exports of the earlier ingest tests, written again into `folder`."""
    from test_ingest import BAD_ROWS, GOOD_ROWS, _dossier_csv, _identification_xlsx
    from test_ingest_files import _monthly, _xlsx

    yield _dossier_csv(folder / "good.csv", GOOD_ROWS)
    yield _dossier_csv(folder / "bad.csv", BAD_ROWS)
    yield _identification_xlsx(
        folder / "cccd.xlsx", [["01/2024", "Quảng Trị", "19333", 1000, 800, 10, 10, 10, 5, 5, ""]]
    )
    yield _monthly(folder / "monthly", 8, 3)
    yield _xlsx(folder / "export.xlsx", [[1, "X-1", "", "19333", "04/08/2025", "12/08/2025", "Có"]])


def _every_fixture(folder):
    for name, build in sorted(ALL.items()):
        target = folder / name
        target.mkdir(parents=True)
        yield build(target)
    earlier = folder / "earlier"
    earlier.mkdir(parents=True)
    yield from _earlier_fixtures(earlier)


def test_every_fixture_of_every_table_ends_in_exit_0_or_an_input_error(tmp_path):
    """No traceback whatever the file, the table or the options: an input error is the only
    exception `ingest` may raise (`p06 ingest` turns it into exit 2 with the file named)."""
    outcomes = {}
    fixtures = list(_every_fixture(tmp_path / "fixtures"))
    assert len(fixtures) >= len(ALL) + 5
    for number, path in enumerate(fixtures):
        for table in storage.TABLES:
            for i, options in enumerate(OPTIONS):
                data = tmp_path / "data" / f"{number}-{table}-{i}"
                try:
                    ingest([path], table, data, **options)
                    outcomes[(path.name, table, i)] = 0
                except InputError as exc:
                    assert str(exc), (path, table, options)
                    outcomes[(path.name, table, i)] = 2
    # the fixtures made to be read are read with the options they need
    # ... and a file of another table is not read as one of this one
    assert outcomes[("ty-le-phan-so.xlsx", "identification", 1)] == 2
    assert outcomes[("cccd.xlsx", "services", 1)] == 2
    assert outcomes[("good.csv", "procedures", 1)] == 2
    assert outcomes[("cong-an-cccd-luy-ke.csv", "identification", 1)] == 0
    assert outcomes[("danh-muc-nhiem-vu.csv", "tasks", 1)] == 0
    assert outcomes[("theo-thang.xlsx", "identification", 1)] == 0
    assert outcomes[("khong-ro.csv", "identification", 2)] == 0
    assert outcomes[("khong-ro.csv", "identification", 1)] == 2
    assert sum(v == 0 for v in outcomes.values()) >= 20 and sum(v == 2 for v in outcomes.values()) >= 100


def test_the_template_shows_both_forms_and_the_words_of_results(tmp_path, capsys):
    import openpyxl

    target = tmp_path / "cccd.xlsx"
    assert main(["template", "--table", "identification", "--output", str(target)]) == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["so_lieu_thang", "so_lieu_luy_ke", "ghi_chu"]
    monthly = list(book["so_lieu_thang"].iter_rows(values_only=True))
    assert monthly[0][:2] == ("Tháng", "Tỉnh/Thành phố") and "Số thẻ CCCD đã cấp trong tháng" in monthly[0]
    totals = list(book["so_lieu_luy_ke"].iter_rows(values_only=True))
    assert totals[0][0] == "Tính đến ngày 31/12/2023" and "Số thẻ CCCD đã cấp (lũy kế)" in totals[1]
    assert "Tháng" not in totals[1] and "Dân số" in totals[1]  # a level: no mark
    forms = list(book["ghi_chu"].iter_rows(values_only=True))[-1]
    assert forms[0] == "Cách ghi" and "--figures to-date hoặc --figures monthly" in forms[2]
    tasks = tmp_path / "tasks.xlsx"
    assert main(["template", "--table", "tasks", "--lang", "en", "--output", str(tasks)]) == 0
    book = openpyxl.load_workbook(tasks)
    assert book.sheetnames == ["data", "task_list", "notes"]
    assert list(book["task_list"].iter_rows(values_only=True))[1] == (
        "No.",
        "Task",
        "Lead unit",
        "Deadline",
        "Result",
    )
    notes = {row[0]: row[2] for row in book["notes"].iter_rows(values_only=True)}
    for words in ("Đã hoàn thành", "Hoàn thành chậm", "Đang thực hiện", "Chưa hoàn thành", "Quá hạn"):
        assert words in notes["Status"]
    assert "Quý II/2024" in notes["Deadline"] and "Thường xuyên" in notes["Deadline"]


def test_a_catalogue_dated_in_its_title(tmp_path):
    from ingest_fixtures import csv

    path = csv(
        tmp_path / "danh-muc-tthc.csv",
        [
            "DANH MỤC THỦ TỤC HÀNH CHÍNH THÁNG 11 NĂM 2025",
            ["Tỉnh", "Mã TTHC", "Công khai", "Mức độ DVC"],
            ["Quảng Trị", "1.001", "Có", "Toàn trình"],
            ["Quảng Trị", "1.002", "Không", "Một phần"],
        ],
    )
    summary = ingest([path], "procedures", tmp_path / "data")
    assert summary["written"] == {"44-2025-11": 2}
    r = _review(tmp_path / "data", period="2025-11").set_index("indicator")
    # November 2025: 1 of the 2 procedures published; both online (full or partial)
    assert r.at["procedures_published_pct", "value"] == pytest.approx(50.0)
    assert r.at["procedures_online_pct", "value"] == pytest.approx(100.0)
