"""`p06 ingest` on messy fixtures made for it: each ingests correctly with the personal
columns gone, or fails naming file, row and column, with nothing written.

The command line is being rewired elsewhere: these tests call `ingest()` and read the
terminal lines from `describe()`, which `p06 ingest` prints."""

from __future__ import annotations

from datetime import date

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.ingest import describe, ingest, write_template
from helpers.data.ingest.places import parse_province
from helpers.data.ingest.template import notes
from helpers.data.ingest.values import (
    Bad,
    parse_bool,
    parse_count,
    parse_date,
    parse_group,
    parse_month,
    parse_pct,
)
from helpers.data.ingest.vocab import norm
from helpers.data.schema import EXPORT_TABLES

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
CCCD = ["045090001234", "045191005678", "044088009012"]
PHONES = ["0912345678", "0987 654 321", "+84905111222"]


def _dossier_csv(path, rows, bom=True, sep=";"):
    header = [
        "Mã hồ sơ",
        "Họ tên người nộp",
        "Số CCCD",
        "Ghi chú",
        "mã TTHC",
        "TỈNH/THÀNH PHỐ",
        "Xã/Phường",
        "Cấp giải quyết",
        "Ngày tiếp nhận",
        "Ngày hẹn trả",
        "Ngày trả kết quả",
        "Hình thức nộp",
        "Toàn trình",
        "Đồng bộ DVCQG",
        "Có phí",
        "Thanh toán trực tuyến",
        "Số hóa",
        "Kết quả điện tử",
        "Đánh giá",
    ]
    lines = [
        "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ",
        "Từ ngày 01/01/2024 đến ngày 31/07/2025",
        "",
        sep.join(header),
    ]
    lines += [sep.join(r) for r in rows]
    text = "\n".join(lines) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


GOOD_ROWS = [
    # legacy name before July 2025, dd/mm/yyyy, Có/x/blank booleans, a phone in "Ghi chú"
    [
        "HS-0001",
        NAMES[0],
        CCCD[0],
        PHONES[0],
        "1.001",
        "Quảng Trị",
        "19333",
        "Cấp xã",
        "05/01/2024",
        "10/01/2024",
        "09/01/2024",
        "Trực tuyến",
        "x",
        "Có",
        "Có",
        "Có",
        "1",
        "TRUE",
        "Hài lòng",
    ],
    [
        "HS-0002",
        NAMES[1],
        CCCD[1],
        PHONES[1],
        "1.002",
        "Tỉnh Quảng Bình",
        "",
        "Cấp tỉnh",
        "2024-02-01",
        "2024-02-15",
        "",
        "Trực tiếp",
        "",
        "Có",
        "Không",
        "",
        "0",
        "FALSE",
        "",
    ],
    # after July 2025: the current province by code, postal by its long name
    [
        "HS-0003",
        NAMES[2],
        CCCD[2],
        PHONES[2],
        "1.003",
        "44",
        "19333",
        "Cấp xã",
        "03/08/2025",
        "13/08/2025",
        "12/08/2025",
        "Qua dịch vụ bưu chính công ích",
        "",
        "có",
        "không",
        "",
        "Có",
        "Có",
        "Bình thường",
    ],
]


def _plain(series) -> list:
    return [None if pd.isna(v) else v for v in series]


def _all_text(data_dir) -> str:
    """Everything written under data_dir: raw bytes and every decoded value."""
    parts = []
    for path in sorted(storage.processed_dir(data_dir).rglob("*")):
        if path.is_file():
            parts.append(path.read_bytes().decode("latin-1"))
            if path.suffix == ".parquet":
                parts.append(str(pq.read_table(path).to_pylist()))
    return "\n".join(parts)


def test_messy_csv_ingests_with_personal_columns_gone(tmp_path):
    src = _dossier_csv(tmp_path / "export.csv", GOOD_ROWS)
    data = tmp_path / "data"
    summary = ingest([src], "dossiers", data)
    out = "\n".join(describe(summary))
    assert "header on row 4" in out
    assert "personal data dropped, columns: Họ tên người nộp, Số CCCD, Ghi chú" in out
    table = storage.read_table(data, "dossiers").to_pandas().sort_values("received_on")
    assert table["province_code"].tolist() == ["44", "44", "44"]
    assert _plain(table["legacy_province_code"]) == ["45", "44", None]
    assert table["channel"].tolist() == ["online", "in_person", "postal"]
    assert table["full_online"].tolist() == [True, False, False]
    assert _plain(table["rating"]) == ["satisfied", None, "neutral"]
    assert table["finished_on"].isna().tolist() == [False, True, False]
    everything = _all_text(data)
    for secret in NAMES + CCCD + PHONES + ["HS-0001", "HS-0002", "HS-0003"]:
        assert secret not in everything and secret.replace(" ", "") not in everything
    assert table["dossier_id"].str.fullmatch(r"[0-9a-f]{24}").all()
    # each row is stored with the unit in force in its month: a former province before July 2025
    assert summary["written"] == {"44-2025-08": 1, "legacy-44-2024-02": 1, "legacy-45-2024-01": 1}
    assert summary["files"][0]["missing_columns"] == [] and summary["files"][0]["ignored"] == []


def test_same_file_twice_keeps_one_copy_and_stored_months_are_replaced(tmp_path):
    src = _dossier_csv(tmp_path / "export.csv", GOOD_ROWS, bom=False, sep=",")
    data = tmp_path / "data"
    ingest([src], "dossiers", data)
    ingest([src], "dossiers", data)
    assert storage.read_table(data, "dossiers").num_rows == 3
    # a corrected export of January 2024 replaces that month and says so
    corrected = list(GOOD_ROWS[0])
    corrected[11], corrected[12] = "Trực tiếp", ""  # channel, and so not full online
    fixed = _dossier_csv(tmp_path / "january.csv", [corrected])
    summary = ingest([fixed], "dossiers", data)
    assert "replaced what was stored for: legacy-45-2024-01" in "\n".join(describe(summary))
    table = storage.read_table(data, "dossiers").to_pandas()
    assert len(table) == 3 and table["channel"].value_counts()["in_person"] == 2


BAD_ROWS = [
    GOOD_ROWS[0],
    # row 6: duplicated dossier; finish before receipt
    [
        "HS-0001",
        "",
        "",
        "",
        "1.001",
        "Quảng Trị",
        "19333",
        "Cấp xã",
        "05/01/2024",
        "10/01/2024",
        "01/01/2024",
        "Trực tuyến",
        "x",
        "Có",
        "Có",
        "Có",
        "1",
        "TRUE",
        "Hài lòng",
    ],
    # row 7: unknown province, a date that is not one, a channel nobody uses
    [
        "HS-0009",
        "",
        "",
        "",
        "1.001",
        "Atlantis",
        "",
        "Cấp tỉnh",
        "31/02/2024",
        "10/03/2024",
        "",
        "Fax",
        "",
        "Có",
        "Không",
        "",
        "0",
        "FALSE",
        "",
    ],
    # row 8: a future date
    [
        "HS-0010",
        "",
        "",
        "",
        "1.001",
        "Quảng Trị",
        "",
        "Cấp tỉnh",
        "05/01/2099",
        "10/01/2099",
        "",
        "Trực tiếp",
        "",
        "Có",
        "Không",
        "",
        "0",
        "FALSE",
        "",
    ],
]


def test_bad_rows_are_all_named_and_nothing_is_written(tmp_path):
    src = _dossier_csv(tmp_path / "bad.csv", BAD_ROWS)
    data = tmp_path / "data"
    with pytest.raises(InputError) as err:
        ingest([src], "dossiers", data)
    found = {(p.row, p.column) for p in err.value.problems}
    assert (6, "Mã hồ sơ") in found and (5, "Mã hồ sơ") in found  # the duplicate, both rows
    assert (6, "Ngày trả kết quả") in found  # finished before received
    assert (7, "TỈNH/THÀNH PHỐ") in found and (7, "Ngày tiếp nhận") in found
    assert (7, "Hình thức nộp") in found
    assert (8, "Ngày tiếp nhận") in found  # in the future
    assert all(p.file == str(src) for p in err.value.problems)
    assert "file " in str(err.value.problems[0]) and "row " in str(err.value.problems[0])
    assert not storage.processed_dir(data).exists() or not storage.table_files(data, "dossiers")


def test_error_report_lists_problems(tmp_path):
    src = _dossier_csv(tmp_path / "bad.csv", BAD_ROWS)
    with pytest.raises(InputError) as err:
        ingest([src], "dossiers", tmp_path)
    report = err.value.report()  # what `p06 ingest` prints on stderr before exiting with 2
    assert "nothing was written" in report and "row 7, column Hình thức nộp" in report


def _identification_xlsx(path, rows):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Báo cáo"
    ws.append(["SỐ LIỆU CẤP CCCD VÀ ĐỊNH DANH ĐIỆN TỬ"])
    ws.append(["Đơn vị: Công an tỉnh"])
    ws.append(["", "", "", "Dân cư", None, "Căn cước", None, "Định danh điện tử"])  # merged groups
    ws.merge_cells("D3:E3")
    ws.append(
        [
            "Tháng",
            "Tỉnh",
            "Mã xã",
            "Dân số",
            "Dân số từ 14 tuổi",
            "Số hồ sơ CCCD thu nhận",
            "Số thẻ CCCD đã cấp",
            "Số hồ sơ định danh điện tử",
            "Định danh điện tử mức độ 2",
            "Số tài khoản đã kích hoạt",
            "Họ và tên cán bộ",
        ]
    )
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_xlsx_with_title_rows_merged_headers_serial_dates_and_separators(tmp_path):
    src = _identification_xlsx(
        tmp_path / "cccd.xlsx",
        [
            [
                45292,
                "Tỉnh Quảng Bình",
                "18859",
                "12.345",
                "9.500",
                "1.200",
                "1,150",
                300,
                250,
                210,
                NAMES[0],
            ],  # 45292 is 1 January 2024 as an Excel serial
            ["Tháng 3/2024", "Quảng Trị", 19333, 8000, 6200, 40, 38, "100", "80", "60", NAMES[1]],
        ],
    )
    data = tmp_path / "data"
    summary = ingest([src], "identification", data)
    assert summary["files"][0]["header_row"] == 4
    assert summary["files"][0]["personal_dropped"] == ["Họ và tên cán bộ"]
    t = storage.read_table(data, "identification").to_pandas().sort_values("month")
    assert [m.date() if hasattr(m, "date") else m for m in t["month"]] == [date(2024, 1, 1), date(2024, 3, 1)]
    assert t["legacy_province_code"].tolist() == ["44", "45"]
    assert t["population"].tolist() == [12345, 8000]
    assert t["cccd_issued"].tolist() == [1150, 38]
    assert NAMES[0] not in _all_text(data)


def test_counts_above_denominators_are_named(tmp_path):
    src = _identification_xlsx(
        tmp_path / "bad.xlsx",
        [
            ["01/2024", "Quảng Trị", "19333", 1000, 2000, 10, 10, 10, 20, 5, ""],
        ],
    )
    with pytest.raises(InputError) as err:
        ingest([src], "identification", tmp_path / "data")
    found = {(p.row, p.column, p.sheet) for p in err.value.problems}
    assert (5, "Dân số từ 14 tuổi", "Báo cáo") in found  # above the population
    assert (5, "Định danh điện tử mức độ 2", "Báo cáo") in found  # above e-ID applications


def test_services_percentages_and_unknown_units(tmp_path):
    path = tmp_path / "services.csv"
    path.write_text(
        "Tháng,Tỉnh,Số cơ sở KCB,Tỷ lệ cơ sở KCB sử dụng CCCD,Số đối tượng ASXH,"
        "Số đối tượng nhận không dùng tiền mặt,Số bản ghi CSDL chuyên ngành,"
        "Tỷ lệ làm sạch\n"
        '12/2023,Quảng Trị,150,"81,2%",22000,14300,"780.000",50\n',
        encoding="utf-8",
    )
    data = tmp_path / "data"
    ingest([path], "services", data)
    t = storage.read_table(data, "services").to_pylist()[0]
    assert t["medical_facilities_accepting_cccd"] == 122  # 81.2% of 150, rounded
    assert t["records_cleaned"] == 390_000
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Tháng,Tỉnh,Số cơ sở KCB,Số cơ sở KCB sử dụng CCCD,Số đối tượng ASXH,"
        "Số đối tượng nhận không dùng tiền mặt,Số bản ghi CSDL chuyên ngành,"
        "Số bản ghi đã làm sạch\n12/2023,Thành phố Gotham,1,1,1,1,1,1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        ingest([bad], "services", data)
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [(2, "Tỉnh", "Thành phố Gotham")]


def test_refuses_to_mix_with_the_sample(small_sample, tmp_path):
    src = _dossier_csv(tmp_path / "export.csv", GOOD_ROWS)
    with pytest.raises(InputError, match="synthetic sample"):
        ingest([src], "dossiers", small_sample[0])


@pytest.mark.parametrize("table", EXPORT_TABLES)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_templates_round_trip(tmp_path, table, lang):
    target = write_template(table, tmp_path / f"{table}.xlsx", lang)
    book = openpyxl.load_workbook(target)
    # a data sheet per form of the figures (monthly and to date; a committee's task list), notes last
    forms = {"identification": 2, "services": 2, "tasks": 2}.get(table, 1)
    assert len(book.sheetnames) == forms + 1
    notes = list(book.worksheets[-1].iter_rows(values_only=True))
    assert len(notes) > 3 and all(row[2] for row in notes[1:])
    summary = ingest([target], table, tmp_path / "data", province="44")
    # one example row a sheet; the committee's list has three tasks under a heading
    assert summary["rows"] == {"tasks": 4}.get(table, forms)


def test_value_readers():
    assert parse_date("05/01/2024") == date(2024, 1, 5)
    assert parse_date("2024-01-05 08:30") == date(2024, 1, 5)
    assert parse_date(45292) == date(2024, 1, 1) == parse_date("45292")
    assert parse_month("Tháng 3/2024") == date(2024, 3, 1) == parse_month("2024-03")
    assert parse_count("1.234.567") == parse_count("1,234,567") == 1_234_567
    assert parse_pct("81,2%") == pytest.approx(81.2) and parse_pct(0.5) == 50
    assert parse_bool("x") and not parse_bool("") and parse_bool("Có") and not parse_bool("Không")
    assert parse_province("Thành phố Hồ Chí Minh", date(2025, 8, 1)) == ("79", None)
    assert parse_province("Bình Dương", date(2024, 8, 1)) == ("79", "74")
    assert parse_province("Bình Dương", date(2025, 8, 1)) == ("79", None)
    assert parse_province("45", date(2024, 1, 1)) == ("44", "45")
    assert norm("  Ngày   TIẾP NHẬN (dd/mm/yyyy) ") == "ngay tiep nhan"
    for reader, value in ((parse_count, "1.5"), (parse_date, "31/02/2024"), (parse_bool, "maybe")):
        with pytest.raises(Bad):
            reader(value)
    assert parse_bool("Đã thanh toán") and not parse_bool("Chưa đồng bộ")
    assert parse_group(2.0) == 2 == parse_group("Nhóm II")
    assert parse_province("Huế", date(2024, 1, 1)) == ("46", None)  # a current name before July 2025


def test_template_notes_mark_required_from_the_schema():
    rows = {row[0]: row[1] for row in notes("dossiers", "en")[1:]}
    required = {h for h, mark in rows.items() if mark == "required"}
    assert required == {"Received on"}
    assert (
        rows["Province"].startswith("required, or leave the column out") and "--province" in rows["Province"]
    )
    assert rows["Full online"].startswith("optional")
    vi = notes("dossiers", "vi")
    assert vi[0] == ["Cột", "Bắt buộc", "Cách ghi", "Tên cột khác được chấp nhận"]
