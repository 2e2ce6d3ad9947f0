"""Exports in the shapes provinces publish them, made by hand for the ingest tests: police
reports of totals to a date (by month, or dated in their title), departments' tables of
shares and bases, workbooks of one sheet per month, steering committees' task lists, and
shapes ingest refuses. Each builder writes one file into a folder and returns its path;
`ALL` lists them for the test that runs every fixture through every table.

Units: Quảng Trị (44) since July 2025, its wards Đồng Thuận (18859) and Đồng Sơn (18871),
and before July 2025 its former provinces Quảng Bình (legacy 44) and Quảng Trị (legacy 45).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
CCCD = ["045090001234", "045191005678", "044088009012"]
PHONES = ["0912345678", "0987 654 321", "+84905111222"]
SCRIPT = "<script>alert(1)</script>"
FOLDER = Path(__file__).parent / "fixtures" / "ingest"
"""Committed exports (the README's examples)."""


def csv(path: Path, lines: list, sep: str = ";") -> Path:
    """A CSV file of title lines (strings) and rows (lists), UTF-8 with a BOM."""
    text = "\n".join(line if isinstance(line, str) else sep.join(str(c) for c in line) for line in lines)
    path.write_text(text + "\n", encoding="utf-8-sig")
    return path


def xlsx(path: Path, sheets: dict[str, list]) -> Path:
    """A workbook of sheets, each a list of rows (a string is a title line in column A)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, lines in sheets.items():
        sheet = book.create_sheet(name)
        for line in lines:
            sheet.append([line] if isinstance(line, str) else list(line))
    book.save(path)
    return path


# ---- police reports: totals to a date, monthly figures ----------------------------------------

ISSUED = "Số thẻ CCCD đã cấp"
ACTIVATED = "Số tài khoản đã kích hoạt"
TOTALS_BY_MONTH = [
    # the issue's example: one ward at 10,000, 10,300 and 10,700 cards to date; a second ward
    ("10/2025", "Phường Đồng Thuận", 10_000, 5_000),
    ("11/2025", "Phường Đồng Thuận", 10_300, 5_200),
    ("12/2025", "Phường Đồng Thuận", 10_700, 5_600),
    ("10/2025", "Phường Đồng Sơn", 7_000, 3_000),
    ("11/2025", "Phường Đồng Sơn", 7_600, 3_100),
    ("12/2025", "Phường Đồng Sơn", 8_000, 3_300),
]


def totals_by_month(folder: Path, wards: int = 2) -> Path:
    """Commune-by-month totals to date, marked "(lũy kế)", with the table's total row."""
    rows = [r for r in TOTALS_BY_MONTH if wards == 2 or r[1] == "Phường Đồng Thuận"]
    lines = [
        "CÔNG AN TỈNH QUẢNG TRỊ",
        "KẾT QUẢ CẤP CCCD VÀ KÍCH HOẠT ĐỊNH DANH ĐIỆN TỬ THEO THÁNG",
        ["Tháng", "Xã/Phường", f"{ISSUED} (lũy kế)", f"{ACTIVATED} (lũy kế)"],
        *[list(r) for r in rows],
        ["Tổng cộng", "", *(sum(r[i] for r in rows if r[0] == "12/2025") for i in (2, 3))],
    ]
    return csv(folder / f"luy-ke-theo-thang-{wards}.csv", lines)


def dated_in_title(folder: Path, day: str, wards: list[tuple], name: str = "bao-cao") -> Path:
    """The usual police table: title lines, "Tính đến ngày ...", a row per ward, no month."""
    lines = [
        "CÔNG AN TỈNH QUẢNG TRỊ",
        "BÁO CÁO KẾT QUẢ CẤP CĂN CƯỚC",
        f"Tính đến ngày {day}",
        "",
        ["STT", "Xã/Phường", ISSUED, ACTIVATED],
        *[[i, w, issued, activated] for i, (w, issued, activated) in enumerate(wards, start=1)],
    ]
    return csv(folder / f"{name}.csv", lines)


def monthly_flows(folder: Path, rows: list[tuple], name: str = "trong-thang") -> Path:
    """Monthly figures by ward and month, headers marked "trong tháng"."""
    header = ["Tháng", "Xã/Phường", f"{ISSUED} trong tháng", f"{ACTIVATED} trong tháng"]
    return csv(folder / f"{name}.csv", [header, *[list(r) for r in rows]])


def flows_and_totals(folder: Path) -> Path:
    """A month's figures and the totals to date side by side; December's disagree."""
    header = ["Tháng", "Mã xã", f"{ISSUED} trong tháng", f"{ISSUED} lũy kế"]
    rows = [
        ["10/2025", "18859", 500, 10_000],
        ["11/2025", "18859", 300, 10_300],
        ["12/2025", "18859", 450, 10_700],
    ]
    return csv(folder / "trong-thang-va-luy-ke.csv", [header, *rows])


def unmarked_growing(folder: Path) -> Path:
    """No header or title says what the figures are, and they only grow: could be either."""
    header = ["Tháng", "Xã/Phường", ISSUED, ACTIVATED]
    return csv(folder / "khong-ro.csv", [header, *[list(r) for r in TOTALS_BY_MONTH]])


def unmarked_falling(folder: Path) -> Path:
    """Unmarked, but a ward's figure falls from October to November: a month's figures."""
    header = ["Tháng", "Xã/Phường", ISSUED, ACTIVATED]
    rows = [["10/2025", "18859", 420, 150], ["11/2025", "18859", 380, 160], ["12/2025", "18859", 410, 170]]
    return csv(folder / "khong-ro-giam.csv", [header, *rows])


def unmarked_report(folder: Path) -> Path:
    """A report of one month, no marker: could be the month's figures or totals."""
    lines = ["BÁO CÁO THÁNG 12 NĂM 2025", ["Xã/Phường", ISSUED, ACTIVATED], ["18859", 10_700, 5_600]]
    return csv(folder / "bao-cao-thang-12.csv", lines)


def undated(folder: Path) -> Path:
    """Totals to date of which the file gives no date at all."""
    lines = [["Xã/Phường", f"{ISSUED} (lũy kế)", f"{ACTIVATED} (lũy kế)"], ["18859", 10_700, 5_600]]
    return csv(folder / "khong-ngay.csv", lines)


def provinces_across_the_reorganisation(folder: Path) -> tuple[Path, Path]:
    """Province totals (no commune): each former province at 30/06/2025, then today's at
    31/12/2025."""
    before = csv(
        folder / "tinh-30-06-2025.csv",
        [
            "Tính đến ngày 30/06/2025",
            ["Tỉnh", f"{ISSUED} (lũy kế)"],
            ["Quảng Bình", 300_000],
            ["Quảng Trị", 250_000],
        ],
    )
    after = csv(
        folder / "tinh-31-12-2025.csv",
        ["Tính đến ngày 31/12/2025", ["Tỉnh", f"{ISSUED} (lũy kế)"], ["Quảng Trị", 600_000]],
    )
    return before, after


# ---- departments' tables, workbooks ------------------------------------------------------------


def shares_with_base(folder: Path) -> Path:
    """A department's table of bases and percentages only, dated in its title."""
    lines = [
        "SỞ Y TẾ - SỞ NỘI VỤ",
        "Số liệu tính đến ngày 30/11/2025",
        [
            "Tỉnh",
            "Tổng số cơ sở KCB",
            "Tỷ lệ cơ sở KCB chấp nhận CCCD (%)",
            "Số đối tượng ASXH",
            "Tỷ lệ chi trả qua tài khoản (%)",
        ],
        ["Quảng Trị", 150, "81,2", "22.000", "65%"],
    ]
    return csv(folder / "ty-le.csv", lines)


def fractions_with_base(folder: Path) -> Path:
    """Shares written as fractions in a spreadsheet (0.812), a month column."""
    rows = [
        [
            "Tháng",
            "Tỉnh",
            "Số cơ sở KCB",
            "Tỷ lệ cơ sở KCB sử dụng CCCD",
            "Số bản ghi CSDL chuyên ngành",
            "Tỷ lệ làm sạch",
        ],
        ["11/2025", "Quảng Trị", 150, 0.812, 780_000, 0.5],
    ]
    return xlsx(folder / "ty-le-phan-so.xlsx", {"Sheet1": rows})


def activation_shares(folder: Path) -> Path:
    """Police totals with e-ID applications and the share of them activated."""
    lines = [
        "Tính đến ngày 31/12/2025",
        ["Xã/Phường", "Số hồ sơ định danh điện tử (lũy kế)", "Tỷ lệ kích hoạt (%)"],
        ["Phường Đồng Thuận", 5_000, "72"],
        ["Phường Đồng Sơn", 4_000, "80,5"],
    ]
    return csv(folder / "ty-le-kich-hoat.csv", lines)


MONTHLY_SHEETS = {
    # sheet name → (ward, cards issued in the month, applications in the month)
    "T10-2025": [("Phường Đồng Thuận", 300, 320), ("Phường Đồng Sơn", 200, 210)],
    "T11-2025": [("Phường Đồng Thuận", 250, 260), ("Phường Đồng Sơn", 180, 200)],
    "T12-2025": [("Phường Đồng Thuận", 400, 390), ("Phường Đồng Sơn", 150, 160)],
}


def monthly_sheets(folder: Path, marked: bool = True) -> Path:
    """One sheet per month, dated by its name (the last by its title line instead)."""
    suffix = " trong tháng" if marked else ""
    sheets = {}
    for name, rows in MONTHLY_SHEETS.items():
        header = ["Xã/Phường", f"{ISSUED}{suffix}", f"Số hồ sơ CCCD thu nhận{suffix}"]
        lines = [header, *[list(r) for r in rows]]
        if name == "T12-2025":  # dated in its title: the name says nothing
            name, lines = "Báo cáo", ["Tháng 12 năm 2025", *lines]
        sheets[name] = lines
    return xlsx(folder / f"theo-thang{'' if marked else '-khong-ro'}.xlsx", sheets)


# ---- shapes refused --------------------------------------------------------------------------


def second_header_line(folder: Path) -> Path:
    lines = [
        "Tháng 12 năm 2025",
        ["Xã/Phường", ISSUED, "", ACTIVATED, ""],
        ["", "Trong tháng", "Lũy kế", "Trong tháng", "Lũy kế"],
        ["18859", 400, 10_700, 100, 5_600],
    ]
    return csv(folder / "hai-dong-tieu-de.csv", lines)


def months_as_columns(folder: Path) -> Path:
    lines = [["Xã/Phường", "Tháng 10", "Tháng 11", "Tháng 12", ISSUED], ["18859", 10_000, 10_300, 10_700, ""]]
    return csv(folder / "thang-theo-cot.csv", lines)


def since_the_start_of_the_year(folder: Path) -> Path:
    lines = [["Tháng", "Xã/Phường", f"{ISSUED} từ đầu năm", ACTIVATED], ["12/2025", "18859", 4_000, 300]]
    return csv(folder / "tu-dau-nam.csv", lines)


def quarter_of_monthly_figures(folder: Path) -> Path:
    lines = ["BÁO CÁO QUÝ IV/2025", ["Xã/Phường", f"{ISSUED} trong kỳ"], ["18859", 1_000]]
    return csv(folder / "quy-iv.csv", lines)


# ---- task lists ----------------------------------------------------------------------------


TASK_HEADER = ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Kết quả thực hiện"]
TASKS = [
    ["I", "Nhóm 1: Phục vụ giải quyết TTHC và cung cấp dịch vụ công trực tuyến", "", "", ""],
    ["1", "Số hóa hồ sơ, kết quả giải quyết TTHC", "Văn phòng UBND tỉnh", "30/09/2025", "Đã hoàn thành"],
    ["2", "Tích hợp thanh toán trực tuyến", "Sở Tài chính", "31/10/2025", "Đã hoàn thành ngày 20/10/2025"],
    ["3", "Làm sạch dữ liệu hộ tịch", "Sở Tư pháp", "30/11/2025", "Chưa hoàn thành"],
    [
        "4",
        "Kết nối CSDL đất đai với CSDL dân cư",
        "Sở Nông nghiệp và Môi trường",
        "Quý IV/2025",
        "Đang thực hiện",
    ],
    ["5", "Báo cáo sơ kết", "Sở Nội vụ", "15/12/2025", "Quá hạn"],
    ["6", "Tuyên truyền Đề án 06", "Sở Văn hóa, Thể thao và Du lịch", "Thường xuyên", "Đang thực hiện"],
    ["7", "Hoàn thiện phần mềm một cửa", "Sở Khoa học và Công nghệ", "31/08/2025", "Hoàn thành chậm"],
    ["II", "NHÓM II: PHỤC VỤ PHÁT TRIỂN KINH TẾ, XÃ HỘI", "", "", ""],
    ["8", "Chi trả an sinh xã hội không dùng tiền mặt", "Sở Y tế", "Tháng 12/2025", "Hoàn thành"],
]


def task_list(folder: Path, dated: bool = True, planted: bool = False) -> Path:
    """A steering committee's list: no ids, no assignment dates, results in words; with
    `planted`, a column of the officers following each task (citizens' names), their ID and
    phone numbers under headers that do not say so, and markup in a title and a lead unit."""
    header, rows = list(TASK_HEADER), [list(r) for r in TASKS]
    if planted:
        header += ["Người theo dõi", "Liên hệ", "Mã cán bộ"]
        rows = [
            r + ([NAMES[i % 3], PHONES[i % 3], CCCD[i % 3]] if r[3] else ["", "", ""])
            for i, r in enumerate(rows)
        ]
        rows[2][1] = f"{rows[2][1]} {SCRIPT}"
        rows[3][2] = f"{rows[3][2]} {SCRIPT}"
    titles = ["BAN CHỈ ĐẠO ĐỀ ÁN 06 TỈNH QUẢNG TRỊ", "DANH MỤC NHIỆM VỤ NĂM 2025"]
    titles += ["(Tính đến ngày 31/12/2025)"] if dated else []
    return csv(
        folder / f"nhiem-vu{'' if dated else '-khong-ngay'}{'-ca-nhan' if planted else ''}.csv",
        [*titles, header, *rows],
    )


def task_list_bad_results(folder: Path) -> Path:
    rows = [["1", "Số hóa hồ sơ", "Văn phòng UBND tỉnh", "30/09/2025", "Hoàn thành một phần"]]
    return csv(folder / "nhiem-vu-ket-qua-la.csv", ["Tính đến ngày 31/12/2025", TASK_HEADER, *rows])


def _committed(name: str):
    return lambda folder: FOLDER / name


ALL = {
    "totals_by_month": totals_by_month,
    "totals_by_month_one_ward": lambda f: totals_by_month(f, wards=1),
    "dated_in_title": lambda f: dated_in_title(f, "30/11/2025", [("Phường Đồng Thuận", 10_300, 5_200)]),
    "monthly_flows": lambda f: monthly_flows(f, [("10/2025", "18859", 300, 100)]),
    "flows_and_totals": flows_and_totals,
    "unmarked_growing": unmarked_growing,
    "unmarked_falling": unmarked_falling,
    "unmarked_report": unmarked_report,
    "undated": undated,
    "provinces_before": lambda f: provinces_across_the_reorganisation(f)[0],
    "provinces_after": lambda f: provinces_across_the_reorganisation(f)[1],
    "shares_with_base": shares_with_base,
    "fractions_with_base": fractions_with_base,
    "activation_shares": activation_shares,
    "monthly_sheets": monthly_sheets,
    "monthly_sheets_unmarked": lambda f: monthly_sheets(f, marked=False),
    "second_header_line": second_header_line,
    "months_as_columns": months_as_columns,
    "since_the_start_of_the_year": since_the_start_of_the_year,
    "quarter_of_monthly_figures": quarter_of_monthly_figures,
    "task_list": task_list,
    "task_list_undated": lambda f: task_list(f, dated=False),
    "task_list_planted": lambda f: task_list(f, planted=True),
    "task_list_bad_results": task_list_bad_results,
    "committed_police_report": _committed("cong-an-cccd-luy-ke.csv"),
    "committed_task_list": _committed("danh-muc-nhiem-vu.csv"),
}
"""Every fixture of this module by name: a builder of one file in a given folder."""
