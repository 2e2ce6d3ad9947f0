"""`p06 ingest` of several files and folders at once, and spreadsheets read by calamine:
all files checked before anything is written, stored months replaced per province."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
import xlsxwriter
from test_ingest import CCCD, NAMES, PHONES, _all_text

from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.ingest import describe, ingest

HEADER = [
    "Mã hồ sơ",
    "Họ và tên",
    "Số điện thoại",
    "Tỉnh",
    "Ngày tiếp nhận",
    "Hình thức nộp",
    "Đồng bộ DVCQG",
]


def _monthly(folder, month: int, rows: int, bad: bool = False):
    """An export of one month of Quảng Trị: `rows` dossiers, the last with a bad date if asked."""
    folder.mkdir(exist_ok=True)
    lines = [";".join(HEADER)]
    for i in range(rows):
        day = "32" if bad and i == rows - 1 else f"{i + 1:02d}"
        lines.append(
            ";".join(
                [
                    f"M{month}-{i}",
                    NAMES[i % 3],
                    PHONES[i % 3],
                    "Quảng Trị",
                    f"{day}/{month:02d}/2025",
                    "Trực tuyến" if i % 2 else "Trực tiếp",
                    "x",
                ]
            )
        )
    path = folder / f"2025-{month:02d}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def test_several_monthly_files_and_a_folder(tmp_path):
    exports, data = tmp_path / "exports", tmp_path / "data"
    for month, rows in ((8, 3), (9, 2), (10, 4)):
        _monthly(exports, month, rows)
    summary = ingest([exports], "dossiers", data)
    assert [f["file"] for f in summary["files"]] == [
        str(exports / f"2025-{m}.csv") for m in ("08", "09", "10")
    ]
    assert summary["written"] == {"44-2025-08": 3, "44-2025-09": 2, "44-2025-10": 4} and summary["rows"] == 9
    assert summary["replaced"] == []
    # a corrected September, given as a file beside another month's: September is replaced
    fixes = tmp_path / "fixes"
    summary = ingest([_monthly(fixes, 9, 5), _monthly(fixes, 11, 1)], "dossiers", data)
    assert summary["replaced"] == ["44-2025-09"]
    assert "replaced what was stored for: 44-2025-09" in describe(summary)[-1]
    stored = storage.read_table(data, "dossiers").to_pandas()
    counts = stored.groupby(stored["received_on"].astype("datetime64[ms]").dt.month).size().to_dict()
    assert counts == {8: 3, 9: 5, 10: 4, 11: 1}
    text = _all_text(data)
    assert not any(s in text or s.replace(" ", "") in text for s in NAMES + CCCD + PHONES)


def test_one_bad_file_among_many_writes_nothing(tmp_path):
    exports, data = tmp_path / "exports", tmp_path / "data"
    _monthly(exports, 8, 3)
    _monthly(exports, 9, 2, bad=True)
    _monthly(exports, 10, 2)
    with pytest.raises(InputError) as err:
        ingest([exports], "dossiers", data)
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column) == (str(exports / "2025-09.csv"), 3, "Ngày tiếp nhận")
    assert not storage.processed_dir(data).exists()


def test_missing_paths_and_empty_folders_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        ingest([tmp_path / "nope.csv"], "dossiers", tmp_path / "data")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no .csv, .xlsx"):
        ingest([tmp_path / "empty"], "dossiers", tmp_path / "data")
    with pytest.raises(InputError, match="unknown unit"):
        ingest([_monthly(tmp_path / "x", 8, 1)], "dossiers", tmp_path / "data", province="Atlantis")


def _xlsx(path, rows):
    """A provincial system's workbook: two empty rows, a title, a date line, then the header
    on row 5; dates as Excel dates, serial numbers and text."""
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = book.add_worksheet("Hồ sơ")
    when = book.add_format({"num_format": "dd/mm/yyyy"})
    ws.write(2, 0, "BÁO CÁO HỒ SƠ TIẾP NHẬN")
    ws.write(3, 0, "Kỳ báo cáo: tháng 8 năm 2025")
    ws.write_row(4, 0, ["STT", "Số hồ sơ", "Họ tên", "Mã xã", "Ngày nhận", "Hạn trả", "Toàn trình"])
    for r, row in enumerate(rows, start=5):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                ws.write_datetime(r, c, value, when)
            else:
                ws.write(r, c, value)
    book.close()
    return path


def test_xlsx_through_calamine_with_title_rows_and_serial_dates(tmp_path):
    src = _xlsx(
        tmp_path / "export.xlsx",
        [
            [1, "X-1", NAMES[0], "19333", datetime(2025, 8, 4), 45881, "Có"],  # 45881: 12 August 2025
            [2, "X-2", NAMES[1], 18859, "05/08/2025", "2025-08-15", ""],
            [3, 1234567, NAMES[2], "19333", 45873.5, datetime(2025, 8, 14, 17, 30), "x"],  # noon, 4 August
        ],
    )
    data = tmp_path / "data"
    summary = ingest([src], "dossiers", data)
    f = summary["files"][0]
    assert (f["sheet"], f["header_row"], f["rows"]) == ("Hồ sơ", 5, 3)
    assert f["personal_dropped"] == ["Họ tên"] and [i["header"] for i in f["ignored"]] == ["STT"]
    t = storage.read_table(data, "dossiers").to_pandas()
    assert [pd.Timestamp(v).date() for v in t["received_on"]] == [
        date(2025, 8, 4),
        date(2025, 8, 5),
        date(2025, 8, 4),
    ]
    assert [pd.Timestamp(v).date() for v in t["due_on"]] == [
        date(2025, 8, 12),
        date(2025, 8, 15),
        date(2025, 8, 14),
    ]
    assert t["commune_code"].tolist() == ["19333", "18859", "19333"]
    assert t["province_code"].tolist() == ["44"] * 3  # from the communes: the file has no province column
    assert t["full_online"].tolist() == [True, False, True]
    assert NAMES[0] not in _all_text(data) and "X-1" not in _all_text(data)


def test_xlsx_problems_carry_the_row_numbers_the_spreadsheet_shows(tmp_path):
    src = _xlsx(
        tmp_path / "bad.xlsx",
        [
            [1, "Y-1", "", "19333", datetime(2025, 8, 4), 45881, "Có"],
            [2, "Y-2", "", "99999", "05/08/2025", "2025-08-15", "Có lẽ"],  # row 7: commune, full online
            [3, "Y-3", "", "19333", "tháng 8", "", ""],  # row 8: the date
        ],
    )
    with pytest.raises(InputError) as err:
        ingest([src], "dossiers", tmp_path / "data", sheet="Hồ sơ")
    found = sorted((p.row, p.column, p.sheet) for p in err.value.problems)
    assert found == [(7, "Mã xã", "Hồ sơ"), (7, "Toàn trình", "Hồ sơ"), (8, "Ngày nhận", "Hồ sơ")]
    with pytest.raises(InputError, match="no sheet 'Sheet9'"):
        ingest([src], "dossiers", tmp_path / "data", sheet="Sheet9")
