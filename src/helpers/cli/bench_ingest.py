"""The ingest benchmark: `p06 ingest` of a large export against the fastest plain reader
of the same file, each in a fresh process (time, and peak memory as max RSS).

- CSV: a deterministic dossier export of `rows_csv` rows (title lines, Vietnamese headers,
  dd/mm/yyyy dates, Có/Không, a column of fake names that ingest must drop), against
  DuckDB copying the same CSV to Parquet (`COPY (SELECT * FROM read_csv(...)) TO ...`).
- xlsx: the same kind of export of `rows_xlsx` rows written by xlsxwriter (Excel dates,
  serial numbers and text dates), against python-calamine reading every row of the sheet.

`python -m helpers.cli.bench_ingest [ROWS_CSV [ROWS_XLSX]]` prints the table. The exports
are written by a child process, so that this process stays small: Linux carries a
parent's peak memory into a child it starts (over exec), which would inflate the figures.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from helpers.cli.measure import run_group

TITLES = ["BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ TTHC", "Từ ngày 01/01/2024 đến ngày 31/12/2025"]
HEADER = [
    "Mã hồ sơ",
    "Họ tên",
    "Tỉnh/Thành phố",
    "Xã/Phường",
    "Cấp giải quyết",
    "Mã TTHC",
    "Ngày tiếp nhận",
    "Hình thức nộp",
    "Toàn trình",
    "Ngày hẹn trả",
    "Ngày trả kết quả",
    "Đồng bộ DVCQG",
    "Có phí",
    "Thanh toán trực tuyến",
    "Số hóa",
    "Kết quả điện tử",
    "Đánh giá",
]
_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
_MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc"]
_GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phương", "Sơn", "Tâm"]


def dossier_export(rows: int, seed: int = 6) -> dict[str, np.ndarray]:
    """A deterministic export of Quảng Trị's dossiers, 2024-2025, as text columns (header → values)."""
    from helpers.core import reference

    rng = np.random.default_rng(seed)
    communes = reference.communes()
    communes = communes.loc[communes["legacy_province_code"] == "45", "commune_code"].to_numpy()
    received = np.datetime64("2024-01-01") + rng.integers(0, 731, rows).astype("timedelta64[D]")
    due = received + rng.integers(3, 16, rows).astype("timedelta64[D]")
    done = received + rng.integers(0, 21, rows).astype("timedelta64[D]")
    finished = rng.random(rows) < 0.9
    channel = rng.choice(
        np.array(["Trực tuyến", "Trực tiếp", "Bưu chính"], dtype=object), rows, p=[0.6, 0.35, 0.05]
    )
    online = channel == "Trực tuyến"
    fee = rng.random(rows) < 0.4

    def yes(flags):
        return np.where(flags, "Có", "Không").astype(object)

    def text_dates(days, keep=None):
        out = np.array([f"{d[8:10]}/{d[5:7]}/{d[:4]}" for d in np.datetime_as_string(days)], dtype=object)
        return out if keep is None else np.where(keep, out, "")

    rating = rng.choice(np.array(["Hài lòng", "Bình thường", ""], dtype=object), rows, p=[0.5, 0.1, 0.4])
    names = [
        f"{s} {m} {g}"
        for s, m, g in zip(
            rng.choice(_SURNAMES, rows), rng.choice(_MIDDLE, rows), rng.choice(_GIVEN, rows), strict=True
        )
    ]
    return {
        "Mã hồ sơ": np.array([f"000.00.15.H45-{i:08d}" for i in range(rows)], dtype=object),
        "Họ tên": np.array(names, dtype=object),
        "Tỉnh/Thành phố": np.full(rows, "Quảng Trị", dtype=object),
        "Xã/Phường": rng.choice(communes, rows).astype(object),
        "Cấp giải quyết": rng.choice(np.array(["Cấp xã", "Cấp tỉnh"], dtype=object), rows),
        "Mã TTHC": np.array([f"1.{n:06d}" for n in rng.integers(0, 2000, rows)], dtype=object),
        "Ngày tiếp nhận": text_dates(received),
        "Hình thức nộp": channel,
        "Toàn trình": np.where(online & (rng.random(rows) < 0.5), "x", "").astype(object),
        "Ngày hẹn trả": text_dates(due),
        "Ngày trả kết quả": text_dates(done, finished),
        "Đồng bộ DVCQG": yes(rng.random(rows) < 0.9),
        "Có phí": yes(fee),
        "Thanh toán trực tuyến": yes(fee & (rng.random(rows) < 0.5)),
        "Số hóa": yes(rng.random(rows) < 0.7),
        "Kết quả điện tử": yes(finished & (rng.random(rows) < 0.6)),
        "Đánh giá": np.where(finished, rating, "").astype(object),
        "_received": received,
        "_due": due,
    }


def write_csv(path: Path, rows: int) -> Path:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    columns = dossier_export(rows)
    table = pa.table({h: pa.array(columns[h], type=pa.string()) for h in HEADER})
    with open(path, "wb") as fh:
        fh.write(("\n".join(TITLES) + "\n").encode("utf-8"))
        pcsv.write_csv(table, fh, pcsv.WriteOptions(quoting_style="needed", batch_size=65_536))
    return path


def write_xlsx(path: Path, rows: int) -> Path:
    """The same export as a workbook: received dates as Excel dates, due dates as serial
    numbers, finish dates as text."""
    import xlsxwriter

    columns = dossier_export(rows)
    received = columns.pop("_received").astype("datetime64[D]").astype(object)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Hồ sơ")
    when = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, title in enumerate(TITLES):
        sheet.write_string(r, 0, title)
    top = len(TITLES)
    sheet.write_row(top, 0, HEADER)
    due = (columns["_due"] - np.datetime64("1899-12-30")).astype(int)  # Excel serial numbers
    at = HEADER.index("Ngày tiếp nhận")
    for i in range(rows):
        values = [columns[h][i] for h in HEADER]
        values[HEADER.index("Ngày hẹn trả")] = int(due[i])
        sheet.write_row(top + 1 + i, 0, values)
        sheet.write_datetime(top + 1 + i, at, received[i], when)
    book.close()
    return path


_INGEST = (
    "import sys; from helpers.data.ingest import ingest; "
    "print(ingest([sys.argv[1]], 'dossiers', sys.argv[2])['rows'])"
)
_DUCKDB = (
    "import sys, duckdb; con = duckdb.connect(); "
    "con.execute(f\"COPY (SELECT * FROM read_csv('{sys.argv[1]}', skip=2, header=true)) TO '{sys.argv[2]}' "
    '(FORMAT parquet)"); print(con.execute(f"SELECT count(*) FROM \'{sys.argv[2]}\'").fetchall()[0][0])'
)
_CALAMINE = (
    "import sys; from python_calamine import CalamineWorkbook; "
    "print(sum(1 for _ in CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).iter_rows()))"
)


def _measure(script: str, *args: str) -> tuple[float, float, int]:
    seconds, mib, out = run_group([sys.executable, "-c", script, *args])
    return seconds, mib, int(out.strip().splitlines()[-1])


def bench_ingest(rows_csv: int = 1_000_000, rows_xlsx: int = 100_000) -> dict:
    """Measure ingest of a CSV and an xlsx export against their floors; every figure from a
    fresh process. Returns seconds, rows per second, peak MiB and the ratio to the floor."""
    work = Path(tempfile.mkdtemp(prefix="p06-bench-ingest-"))
    result: dict = {"cores": os.cpu_count()}
    try:
        for kind, rows, floor, floor_args in (
            ("csv", rows_csv, _DUCKDB, lambda p: (str(p), str(work / "floor.parquet"))),
            ("xlsx", rows_xlsx, _CALAMINE, lambda p: (str(p),)),
        ):
            if not rows:
                continue
            path = work / f"export.{kind}"
            # written by another process: a child started from a large parent would report
            # the parent's peak memory as its own (Linux keeps the high-water mark over exec)
            run_group([sys.executable, "-m", "helpers.cli.bench_ingest", "write", kind, str(path), str(rows)])
            i_s, i_mib, stored = _measure(_INGEST, str(path), str(work / f"data-{kind}"))
            f_s, f_mib, _ = _measure(floor, *floor_args(path))
            result[kind] = {
                "rows": rows,
                "stored": stored,
                "mib_file": path.stat().st_size / 2**20,
                "ingest_s": i_s,
                "ingest_rows_s": rows / i_s,
                "ingest_mib": i_mib,
                "floor": "DuckDB COPY to Parquet" if kind == "csv" else "calamine, every row",
                "floor_s": f_s,
                "floor_rows_s": rows / f_s,
                "floor_mib": f_mib,
                "ratio": i_s / f_s,
            }
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_ingest(result: dict) -> None:
    """The measurements side by side."""
    print(f"p06 ingest against the floor, {result['cores']} cores; each figure from a fresh process")
    print(f"{'export':<30} {'':<26} {'seconds':>8} {'rows/s':>11} {'peak MiB':>9} {'ratio':>6}")
    for kind in ("csv", "xlsx"):
        if kind not in result:
            continue
        r = result[kind]
        label = f"{r['rows']:,} rows .{kind} ({r['mib_file']:.0f} MiB)"
        print(
            f"{label:<30} {'p06 ingest':<26} {r['ingest_s']:>8.1f} {r['ingest_rows_s']:>11,.0f} "
            f"{r['ingest_mib']:>9.0f} {r['ratio']:>5.1f}x"
        )
        floor = f"{r['floor_s']:>8.1f} {r['floor_rows_s']:>11,.0f} {r['floor_mib']:>9.0f}"
        print(f"{'':<30} {r['floor']:<26} {floor}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["write"]:
        kind, target, count = sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
        (write_csv if kind == "csv" else write_xlsx)(target, count)
    else:
        print_ingest(bench_ingest(*[int(a) for a in sys.argv[1:3]]))
