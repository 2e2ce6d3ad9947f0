"""The order of day and month: what the data shows is used and said, what it cannot show is
said, `--date-order` settles it, and a file read in the default order before its data
showed the other is read again."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from helpers.cli import main
from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.ingest import describe, ingest, read

HEADER = "Mã hồ sơ;Tỉnh;Ngày tiếp nhận;Ngày hẹn trả\n"


def _csv(path, rows):
    path.write_text(HEADER + "".join(f"{';'.join(r)}\n" for r in rows), encoding="utf-8")
    return path


def _received(data) -> list[date]:
    frame = storage.read_table(data, "dossiers").to_pandas().sort_values("received_on")
    return [pd.Timestamp(v).date() for v in frame["received_on"]]


def test_month_day_year_shown_by_a_day_above_12_is_read_so_and_said(tmp_path):
    src = _csv(
        tmp_path / "us.csv", [["A1", "44", "08/04/2025", "08/14/2025"], ["A2", "44", "08/05/2025", ""]]
    )
    summary = ingest([src], "dossiers", tmp_path / "data")
    assert summary["files"][0]["date_order"] == {"order": "mdy", "why": "data", "example": "08/14/2025"}
    assert "dates read as month/day/year: the data says so ('08/14/2025')" in "\n".join(describe(summary))
    assert _received(tmp_path / "data") == [date(2025, 8, 4), date(2025, 8, 5)]


def test_day_month_year_shown_by_the_data_is_said_too(tmp_path):
    src = _csv(tmp_path / "vn.csv", [["A1", "44", "04/08/2025", "14/08/2025"]])
    summary = ingest([src], "dossiers", tmp_path / "data")
    assert "dates read as day/month/year: the data says so ('14/08/2025')" in "\n".join(describe(summary))


def test_dates_that_cannot_tell_are_read_day_first_and_said_and_the_user_can_say(tmp_path, capsys):
    rows = [["A1", "44", "08/04/2025", "08/11/2025"], ["A2", "44", "08/05/2025", ""]]
    src = _csv(tmp_path / "either.csv", rows)
    data = tmp_path / "data"
    assert main(["ingest", str(src), "--table", "dossiers", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "dates read as day/month/year, the Vietnamese order, but the data cannot tell" in out
    assert "--date-order mdy" in out
    assert _received(data) == [date(2025, 4, 8), date(2025, 5, 8)]
    other = tmp_path / "other"
    assert (
        main(["ingest", str(src), "--table", "dossiers", "--date-order", "mdy", "--data-dir", str(other)])
        == 0
    )
    assert "dates read as month/day/year, as --date-order says" in capsys.readouterr().out
    assert _received(other) == [date(2025, 8, 4), date(2025, 8, 5)]


def test_a_date_against_the_order_given_is_named(tmp_path):
    src = _csv(tmp_path / "mixed.csv", [["A1", "44", "25/01/2025", ""]])
    with pytest.raises(InputError) as err:
        ingest([src], "dossiers", tmp_path / "data", date_order="mdy")
    [problem] = err.value.problems
    assert (problem.row, problem.value) == (2, "25/01/2025")
    assert problem.reason == "not a date: expected mm/dd/yyyy (the file's order), yyyy-mm-dd or an Excel date"


def test_a_file_read_day_first_until_its_data_shows_otherwise_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(read.sources, "__defaults__", (None, 2))  # chunks of two rows
    rows = [["A1", "44", "08/04/2025", ""], ["A2", "44", "08/05/2025", ""], ["A3", "44", "08/20/2025", ""]]
    summary = ingest([_csv(tmp_path / "late.csv", rows)], "dossiers", tmp_path / "data")
    assert summary["files"][0]["date_order"]["order"] == "mdy"
    assert summary["written"] == {"44-2025-08": 3}
    assert _received(tmp_path / "data") == [date(2025, 8, 4), date(2025, 8, 5), date(2025, 8, 20)]
