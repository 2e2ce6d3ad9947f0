"""Bounded work and ordinary CSV files: a spreadsheet that would unpack past a limit is
refused before it is read (declared sizes checked, and not trusted); a value or a row past
a limit, a row with values past the header, a quote never closed are input errors naming
row and column; a line break inside a quoted value is part of the value."""

from __future__ import annotations

import base64
import os
import struct
import zipfile

import openpyxl
import pytest

from helpers.cli import main
from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.ingest import ingest, limits

HEADER = "Mã hồ sơ;Tỉnh;Ngày tiếp nhận;Mã TTHC\n"
SHEET_START = b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c></row>'


def _exit_2(capsys, path, table="dossiers", data=None) -> str:
    code = main(["ingest", str(path), "--table", table, "--data-dir", str(data or path.parent / "data")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err


def _bomb(path, cell_bytes: int, varied: bool = False):
    """A workbook whose sheet holds one cell of `cell_bytes` bytes: one letter repeated, or
    `varied` text that packs hardly at all."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_START + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
            for _ in range(cell_bytes >> 20):
                sheet.write(base64.b64encode(os.urandom(3 << 18)) if varied else b"a" * (1 << 20))
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return path


def _declare_sizes(path, size_of):
    """Rewrite the sizes the archive's central directory declares: `size_of(info)` for each
    entry (a forged archive: the data stays as it is)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    at = data.rfind(b"PK\x05\x06")
    start = struct.unpack_from("<L", data, at + 16)[0]
    for info in infos:
        assert data[start : start + 4] == b"PK\x01\x02"
        struct.pack_into("<L", data, start + 24, size_of(info))
        name, extra, comment = struct.unpack_from("<3H", data, start + 28)
        start += 46 + name + extra + comment
    path.write_bytes(bytes(data))
    return path


def test_a_zip_bomb_is_refused_by_its_ratio_before_reading(tmp_path, capsys):
    bomb = _bomb(tmp_path / "bomb.xlsx", 64 << 20)  # 64 MiB of one letter: 1,000 times smaller packed
    assert bomb.stat().st_size < 200_000
    err = _exit_2(capsys, bomb)
    assert str(bomb) in err and "unpacks 1,0" in err and f"over the limit of {limits.MAX_RATIO}" in err
    assert not (tmp_path / "data").exists()


def test_declared_sizes_are_not_trusted(tmp_path, capsys):
    bomb = _declare_sizes(_bomb(tmp_path / "liar.xlsx", 64 << 20), lambda info: info.compress_size)
    with zipfile.ZipFile(bomb) as archive:  # as declared, nothing unpacks past its packed size
        assert all(i.file_size == i.compress_size for i in archive.infolist())
    err = _exit_2(capsys, bomb)
    assert "unpacks more than 200 times its packed size, the limit" in err


def test_an_archive_declaring_more_than_the_limit_is_refused(tmp_path, capsys):
    # two entries declaring 600 MiB each: 1,200 MiB in all
    big = _declare_sizes(_bomb(tmp_path / "big.xlsx", 1 << 20), lambda info: 600 << 20)
    err = _exit_2(capsys, big)
    assert f"{big}: refused before reading: it unpacks to 1,200 MiB, over the limit of 1,024 MiB" in err


def test_a_cell_larger_than_a_row_is_refused_before_reading(tmp_path, capsys):
    # varied text packs hardly at all: no ratio gives it away, the cell's size does
    cell = _bomb(tmp_path / "cell.xlsx", 2 << 20, varied=True)
    err = _exit_2(capsys, cell)
    assert "holds a cell of more than 1 MiB, the limit for one row" in err


def test_an_xls_file_past_its_size_is_refused(tmp_path, capsys):
    path = tmp_path / "old.xls"
    with open(path, "wb") as fh:
        fh.truncate(limits.MAX_XLS_BYTES + 1)  # sparse: nothing is written
    err = _exit_2(capsys, path)
    assert "over the limit of 128 MiB for an .xls file" in err


def test_a_file_that_is_not_a_workbook(tmp_path, capsys):
    path = tmp_path / "fake.xlsx"
    path.write_text("Mã hồ sơ;Tỉnh\n", encoding="utf-8")
    assert "not a .xlsx file" in _exit_2(capsys, path)


def test_cells_under_no_header_are_named_and_a_cell_at_excels_limit_is_a_value(tmp_path):
    path = tmp_path / "long.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã hồ sơ", "Tỉnh", "Ngày tiếp nhận", "Mã TTHC"])
    sheet.append(["A1", "44", "04/08/2025", "x" * 32_000])  # a value: within the limit
    sheet.append(["A2", "44", "06/08/2025", "1.003", None, "ghi chú"])  # under no header
    book.save(path)
    with pytest.raises(InputError) as err:
        ingest([path], "dossiers", tmp_path / "data")
    found = {(p.row, p.column, p.reason.split(":")[0]) for p in err.value.problems}
    assert (3, None, "more values than the header names columns (4)") in found
    assert not any("characters" in p.reason for p in err.value.problems)


def _csv(path, text):
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_a_line_break_in_a_quoted_value_is_part_of_it(tmp_path):
    src = _csv(
        tmp_path / "alt-enter.csv", 'A1;44;04/08/2025;"1.001\nsửa đổi"\nA2;44;05/08/2025;1.002\nA3;44;x;1\n'
    )
    with pytest.raises(InputError) as err:
        ingest([src], "dossiers", tmp_path / "data")
    assert [(p.row, p.value) for p in err.value.problems] == [(5, "x")]  # A3 starts on line 5
    src.write_text(HEADER + 'A1;44;04/08/2025;"1.001\nsửa đổi"\nA2;44;05/08/2025;1.002\n', encoding="utf-8")
    ingest([src], "dossiers", tmp_path / "data")
    codes = sorted(storage.read_table(tmp_path / "data", "dossiers")["procedure_code"].to_pylist())
    assert codes == ["1.001\nsửa đổi", "1.002"]


def test_a_quote_inside_a_value_does_not_mislead_row_numbers(tmp_path):
    src = _csv(tmp_path / "inches.csv", 'A1;44;04/08/2025;12" screen\nA2;44;"05/08\n2025";1\nA3;44;zz;1\n')
    with pytest.raises(InputError) as err:
        ingest([src], "dossiers", tmp_path / "data")
    assert [p.row for p in err.value.problems] == [3, 5]


def test_rows_with_values_past_the_header_are_named_with_their_count(tmp_path, capsys):
    # a value left empty past the last column (a trailing ;) is no value
    src = _csv(tmp_path / "extra.csv", "A1;44;04/08/2025;1;;x\nA2;44;05/08/2025;1;\nA3;44;06/08/2025;1;5;6\n")
    err = _exit_2(capsys, src)
    assert "row 2: value '6 values': more values than the header names columns (4)" in err
    assert "row 4: value '6 values'" in err and "row 3" not in err


def test_a_field_of_two_megabytes_is_an_input_error_naming_row_and_column(tmp_path, capsys):
    src = _csv(tmp_path / "big.csv", "A1;44;04/08/2025;" + "x" * 2_100_000 + "\nA2;44;05/08/2025;1\n")
    err = _exit_2(capsys, src)
    assert "row 2, column Mã TTHC" in err and "over the limit of 1,048,576 for one row" in err
    assert len(err) < 1_000  # the value is not printed


def test_a_long_field_is_named_and_shown_cut_short(tmp_path, capsys):
    src = _csv(tmp_path / "long.csv", "A1;44;04/08/2025;" + "y" * 40_000 + "\n")
    err = _exit_2(capsys, src)
    assert "row 2, column Mã TTHC: value 'yyyy" in err and "(40,000 characters)" in err
    assert "a value of 40,000 characters, over the limit of 32,767" in err and len(err) < 2_000


def test_a_quote_never_closed_is_named(tmp_path, capsys):
    src = _csv(tmp_path / "open.csv", 'A1;44;04/08/2025;"1.001\nA2;44;05/08/2025;1\n')
    err = _exit_2(capsys, src)
    assert "row 2: a quote opened there is never closed" in err
