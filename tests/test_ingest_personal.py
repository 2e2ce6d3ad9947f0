"""Personal data planted in every text column of every table: found by content whatever the
header says, masked in free text and in a few rows of an organisation or code column, the
column refused where many rows hold it, and nothing of it in any file written under the
data folder (Parquet decoded, staging, the terminal's summary) or in a built report."""

from __future__ import annotations

import zipfile

import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

from helpers.cli import main
from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.ingest import describe, ingest
from helpers.data.ingest.stage import Stage

NAME, ID, PHONE, EMAIL = "Nguyễn Văn Bình", "045123456789", "0912345678", "binh.nguyen@gmail.com"
PLANTED = {"name": NAME, "id_number": ID, "phone": PHONE, "email": EMAIL}
SENTENCE = f"Rà soát hồ sơ của công dân {NAME}, CCCD {ID}, SĐT {PHONE}, thư {EMAIL}"


def written_text(folder) -> str:
    """Every file under `folder` but the salt, as text: text files as they are, every value
    of each Parquet and Arrow file, and every part of a Word or Excel file, decoded."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name == ".salt":
            continue
        if path.suffix not in (".parquet", ".arrow", ".docx", ".xlsx", ".png"):
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
        if path.suffix == ".parquet":
            parts.append(str(pq.read_table(path).to_pylist()))
        elif path.suffix == ".arrow":
            parts.append(str(ipc.open_file(path).read_all().to_pylist()))
        elif path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                parts += [z.read(n).decode("utf-8", errors="replace") for n in z.namelist()]
    return "\n".join(parts)


def assert_nothing_planted(text: str) -> None:
    for kind, value in PLANTED.items():
        assert value not in text, kind
    assert "Nguyen Van Binh" not in text and "912345678" not in text and "123456789" not in text


def _csv(path, header, rows):
    path.write_text("\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


TASK_HEADER = [
    "Mã nhiệm vụ",
    "Tỉnh",
    "Nhóm",
    "Nội dung nhiệm vụ",
    "Đơn vị chủ trì",
    "Ngày giao",
    "Hạn hoàn thành",
]


def _tasks(n=100, lead=None, ids=None, titles=None):
    """`n` tasks of Quảng Trị; `lead`, `ids`, `titles`: values planted in the first rows."""
    rows = []
    for i in range(n):
        rows.append(
            [
                f"QT-{i + 1:03d}",
                "Quảng Trị",
                str(i % 5 + 1),
                "Số hóa hồ sơ, kết quả giải quyết TTHC",
                "Sở Tư pháp" if i % 2 else "Công an tỉnh",
                "05/01/2024",
                "31/03/2024",
            ]
        )
    for column, planted in ((0, ids), (3, titles), (4, lead)):
        for i, value in enumerate(planted or []):
            rows[i][column] = value
    return rows


def test_planted_in_every_text_column_of_tasks(tmp_path):
    data = tmp_path / "data"
    src = _csv(
        tmp_path / "tasks.csv",
        TASK_HEADER,
        _tasks(lead=[NAME, ID, PHONE, EMAIL], ids=[ID, PHONE, EMAIL, NAME], titles=[SENTENCE]),
    )
    summary = ingest([src], "tasks", data)
    masked = {m["canonical"]: m for m in summary["files"][0]["personal_masked"]}
    assert masked["title"]["values"] == 1 and masked["title"]["rows"] == []
    assert masked["title"]["kinds"] == {"name": 1, "id_number": 1, "phone": 1, "email": 1}
    assert masked["lead_unit"]["rows"] == [2, 3, 4, 5] and masked["lead_unit"]["how"] == "masked"
    assert masked["task_id"]["rows"] == [2, 3, 4, 5] and masked["task_id"]["how"] == "hashed"
    lines = "\n".join(describe(summary))
    assert "personal data masked in column 'Nội dung nhiệm vụ' (title): 1 values" in lines
    assert "in column 'Đơn vị chủ trì' (lead_unit), rows 2, 3, 4, 5: 4 values" in lines
    assert "replaced by salted hashes in column 'Mã nhiệm vụ' (task_id)" in lines
    table = storage.read_table(data, "tasks").to_pandas().set_index("task_id")
    title = "Rà soát hồ sơ của công dân [đã ẩn], CCCD [đã ẩn], SĐT [đã ẩn], thư [đã ẩn]"
    assert title in table["title"].tolist()
    assert table["lead_unit"].value_counts()["[đã ẩn]"] == 4
    assert table.index.is_unique and "QT-005" in table.index  # hashed ids stay unique
    assert_nothing_planted(written_text(data) + lines)


@pytest.mark.parametrize("table", ["dossiers", "procedures"])
def test_planted_in_the_procedure_code_and_dossier_id(tmp_path, table):
    data = tmp_path / "data"
    if table == "dossiers":
        header = ["Mã hồ sơ", "Tỉnh", "Mã TTHC", "Ngày tiếp nhận"]
        rows = [[f"H-{i}", "44", f"1.00{i:04d}", "04/08/2025"] for i in range(100)]
        for i, value in enumerate(PLANTED.values()):
            rows[i][0], rows[10 + i][2] = value, value
    else:
        header = ["Tháng", "Tỉnh", "Mã TTHC", "Công khai"]
        rows = [["08/2025", "44", f"1.00{i:04d}", "Có"] for i in range(100)]
        for i, value in enumerate(PLANTED.values()):
            rows[i][2] = value
    summary = ingest([_csv(tmp_path / "x.csv", header, rows)], table, data)
    [masked] = summary["files"][0]["personal_masked"]  # a dossier id is hashed whatever it holds
    assert masked["canonical"] == "procedure_code" and masked["values"] == 4
    assert masked["kinds"] == {"name": 1, "id_number": 1, "phone": 1, "email": 1}
    assert_nothing_planted(written_text(data) + "\n".join(describe(summary)))


@pytest.mark.parametrize(
    ("table", "header", "row"),
    [
        ("identification", ["Tháng", "Tỉnh", "Mã xã", "Dân số"], ["08/2025", "44", "{}", "100"]),
        ("services", ["Tháng", "Tỉnh", "Số cơ sở KCB"], ["08/2025", "{}", "10"]),
    ],
)
def test_planted_in_the_code_columns_of_count_tables(tmp_path, table, header, row):
    """Province and commune codes are checked against the reference lists: a personal value
    there is refused as no unit, and the problem does not repeat it."""
    rows = [[v.format(value) for v in row] for value in PLANTED.values()]
    with pytest.raises(InputError) as err:
        ingest([_csv(tmp_path / "x.csv", header, rows)], table, tmp_path / "data")
    named = {p.row for p in err.value.problems if p.column == header[row.index("{}")]}
    assert named == {2, 3, 4, 5}
    assert_nothing_planted(err.value.report())
    assert not storage.table_files(tmp_path / "data", table)


def test_a_lead_unit_column_of_people_is_refused_with_its_rows_named(tmp_path):
    officials = [f"{s} Văn {g}" for s in ("Nguyễn", "Trần", "Lê") for g in ("An", "Bình", "Cường", "Dũng")]
    src = _csv(tmp_path / "tasks.csv", TASK_HEADER, _tasks(n=40, lead=officials))
    with pytest.raises(InputError) as err:
        ingest([src], "tasks", tmp_path / "data")
    found = [(p.row, p.column, p.value) for p in err.value.problems]
    assert found == [(r, "Đơn vị chủ trì", "[đã ẩn]") for r in range(2, 14)]
    reason = err.value.problems[0].reason
    assert "where an organisation's name belongs, in 12 of 40 filled rows" in reason
    assert "too many to mask (at most 2 here" in reason
    report = err.value.report()
    assert "Nguyễn Văn An" not in report and "nothing was written" in report
    assert not storage.processed_dir(tmp_path / "data").exists()


def test_ten_phone_numbers_in_a_procedure_code_column_are_refused(tmp_path):
    rows = [[f"H-{i}", "44", PHONE if i % 10 == 0 else f"1.00{i:04d}", "04/08/2025"] for i in range(100)]
    src = _csv(tmp_path / "x.csv", ["Mã hồ sơ", "Tỉnh", "Mã TTHC", "Ngày tiếp nhận"], rows)
    with pytest.raises(InputError) as err:
        ingest([src], "dossiers", tmp_path / "data")
    assert [p.row for p in err.value.problems] == list(range(2, 102, 10))
    assert "where a code belongs, in 10 of 100 filled rows" in err.value.problems[0].reason


def test_staged_chunks_hold_no_personal_data(tmp_path, monkeypatch):
    """A run stopped before its commit: what it staged is masked already."""

    def stop(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(Stage, "commit", stop)
    monkeypatch.setattr(Stage, "cleanup", lambda self: None)
    src = _csv(tmp_path / "tasks.csv", TASK_HEADER, _tasks(lead=[NAME], ids=[ID], titles=[SENTENCE]))
    with pytest.raises(KeyboardInterrupt):
        ingest([src], "tasks", tmp_path / "data")
    staged = list(storage.processed_dir(tmp_path / "data").rglob("*.arrow"))
    assert staged
    assert_nothing_planted(written_text(tmp_path / "data"))


def test_a_built_report_shows_no_planted_value(tmp_path, capsys):
    """`p06 build` of a small data folder whose task list carries personal data: the page,
    its notebook, the Word report and the Excel appendix hold none of it."""
    from test_indicators import write_fixture

    data, reports = tmp_path / "data", tmp_path / "reports"
    write_fixture(data, tables=["dossiers", "identification"])
    rows = [
        [f"T{i}", "Bình Dương", "1", SENTENCE if i == 0 else "Số hóa hồ sơ", lead, "05/01/2024", "15/02/2024"]
        for i, lead in enumerate([NAME] + ["Sở Tư pháp", "Sở Y tế", "Công an tỉnh"] * 7)
    ]
    src = _csv(tmp_path / "tasks.csv", TASK_HEADER, rows)
    assert main(["ingest", str(src), "--table", "tasks", "--data-dir", str(data)]) == 0
    printed = capsys.readouterr().out
    args = ["build", "--period", "2024-Q1", "--unit", "79", "--format", "html,docx,xlsx", "--jobs", "1"]
    assert main([*args, "--data-dir", str(data), "--reports-dir", str(reports)]) == 0
    built = {p.suffix for p in reports.rglob("*") if p.is_file()}
    assert {".html", ".ipynb", ".docx", ".xlsx"} <= built
    page = (reports / "2024-Q1" / "79.html").read_text(encoding="utf-8")
    assert "Sở Tư pháp" in page  # the lead units are shown: the planted one is not
    assert_nothing_planted(written_text(reports) + written_text(data) + printed)
