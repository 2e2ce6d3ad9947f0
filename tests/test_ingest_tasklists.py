"""Task lists as steering committees keep them: no ids, no assignment dates, results in
words, headings between groups, deadlines as months and quarters, ongoing tasks. Expected
figures worked out by hand on ingest_fixtures.TASKS (the list as of 31/12/2025):

    task  deadline     result                          due in      timing
    1     30/09/2025   Đã hoàn thành                   Q3 2025     done, no date: neither
    2     31/10/2025   Đã hoàn thành ngày 20/10/2025   Q4 2025     on time
    3     30/11/2025   Chưa hoàn thành                 Q4 2025     not done
    4     Quý IV/2025  Đang thực hiện                  Q4 (31/12)  not done
    5     15/12/2025   Quá hạn                         Q4 2025     not done
    6     Thường xuyên Đang thực hiện                  never       not stored
    7     31/08/2025   Hoàn thành chậm                 Q3 2025     late (said so, no date)
    8     Tháng 12/2025 Hoàn thành                     Q4 (31/12)  done, no date: neither
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from ingest_fixtures import CCCD, NAMES, PHONES, SCRIPT, task_list, task_list_bad_results
from test_ingest import _all_text

from helpers.core.errors import InputError
from helpers.core.periods import parse_period
from helpers.core.units import parse_unit
from helpers.data import storage
from helpers.data.ingest import describe, ingest
from helpers.data.ingest.tasklists import parse_status
from helpers.data.ingest.values import Bad
from helpers.engine.indicators import review
from helpers.engine.mart import build_mart
from helpers.engine.tasks import by_lead_unit


def _stored(data) -> pd.DataFrame:
    return storage.read_table(data, "tasks").to_pandas().sort_values("deadline").reset_index(drop=True)


def _review(data, period) -> pd.DataFrame:
    build_mart(data)
    return review("44", period, "2021", data_dir=data, lang="en").set_index("indicator")


def test_a_committee_task_list_is_read(tmp_path):
    data = tmp_path / "data"
    summary = ingest([task_list(tmp_path)], "tasks", data, province="44")
    f = summary["files"][0]
    # the titles take rows 1-3, the header row 4: headings on rows 5 and 13, task 6 on row 11
    assert f["skipped"] == {"heading": [5, 13], "no_deadline": [11]}
    assert f["dated"] == {"by": "title", "as": "2025-12-31"}
    text = "\n".join(describe(summary))
    assert "headings of the list, not tasks: rows 5, 13" in text
    assert "tasks without a deadline (such as 'Thường xuyên'), not counted: row 11" in text
    t = _stored(data)
    assert len(t) == 7 and summary["rows"] == 7
    assert t["status"].tolist() == [
        "done_late",  # 7, 31/08
        "done",  # 1, 30/09
        "done",  # 2, 31/10, done on 20/10
        "not_done",  # 3, 30/11: "Chưa hoàn thành" is not done
        "overdue",  # 5, 15/12
        "in_progress",  # 4, Quý IV/2025
        "done",  # 8, Tháng 12/2025
    ]
    assert [d.isoformat() for d in t["deadline"]] == [
        "2025-08-31",
        "2025-09-30",
        "2025-10-31",
        "2025-11-30",
        "2025-12-15",
        "2025-12-31",
        "2025-12-31",
    ]
    assert [None if pd.isna(d) else d.isoformat() for d in t["completed_on"]] == [
        None,
        None,
        "2025-10-20",
    ] + [None] * 4
    assert t["group"].tolist() == [1, 1, 1, 1, 1, 1, 2]  # "Nhóm 1" heads tasks 1-7, "NHÓM II" task 8
    assert set(t["as_of"].astype(str)) == {"2025-12-31"} and t["assigned_on"].isna().all()
    # ids from the province, the title and the deadline, the same in every export of the list
    expected = hashlib.sha256("44|Số hóa hồ sơ, kết quả giải quyết TTHC|2025-09-30".encode()).hexdigest()[:16]
    assert t.at[1, "task_id"] == expected
    ingest([task_list(tmp_path)], "tasks", data, province="44")
    assert _stored(data)["task_id"].tolist() == t["task_id"].tolist()


def test_task_indicators_from_results_in_words(tmp_path):
    data = tmp_path / "data"
    ingest([task_list(tmp_path)], "tasks", data, province="44")
    q4 = _review(data, "2025-Q4")
    # due in Q4: tasks 2, 3, 4, 5, 8; task 8 is done without a date, neither on time nor late,
    # so it is left out: on time 1 (task 2) of 4
    assert q4.at["tasks_on_time_pct", "value"] == pytest.approx(25.0)
    assert (q4.at["tasks_on_time_pct", "numerator"], q4.at["tasks_on_time_pct", "denominator"]) == (1, 4)
    assert q4.at["tasks_on_time_pct", "note"] == (
        "tasks done without a completion date: 1, counted as done, not as on time or late"
    )
    # overdue at 31/12/2025: tasks 3 (30/11) and 5 (15/12); task 4 falls due on that day, tasks
    # 1 and 7 are done (without dates)
    assert q4.at["tasks_overdue", "value"] == 2
    q3 = _review(data, "2025-Q3")
    # due in Q3: tasks 1 (done, no date: left out) and 7 (done late): 0 of 1 on time
    assert (q3.at["tasks_on_time_pct", "numerator"], q3.at["tasks_on_time_pct", "denominator"]) == (0, 1)
    assert q3.at["tasks_overdue", "value"] == 0
    table = by_lead_unit(parse_unit("44"), parse_period("2025-Q4"), data)
    assert table.loc["Sở Y tế"].to_dict() == {"due": 1, "on_time": 0, "late": 0, "not_done": 0, "overdue": 0}
    assert table.loc["Sở Tư pháp"].to_dict() == {
        "due": 1,
        "on_time": 0,
        "late": 0,
        "not_done": 1,
        "overdue": 1,
    }
    assert table.loc["Sở Tài chính"].to_dict() == {
        "due": 1,
        "on_time": 1,
        "late": 0,
        "not_done": 0,
        "overdue": 0,
    }
    q3_table = by_lead_unit(parse_unit("44"), parse_period("2025-Q3"), data)
    assert q3_table.loc["Sở Khoa học và Công nghệ", "late"] == 1  # "Hoàn thành chậm"


def test_results_are_whole_phrases():
    assert parse_status("Chưa hoàn thành") == ("not_done", None)  # not "hoàn thành" inside it
    assert parse_status("ĐÃ HOÀN THÀNH") == ("done", None)
    assert parse_status("Quá hạn") == ("overdue", None)
    assert parse_status("Đang thực hiện") == ("in_progress", None)
    assert parse_status("Hoàn thành (20/06/2025)")[1].isoformat() == "2025-06-20"
    assert parse_status("Chưa hoàn thành 30/06/2025") == ("not_done", None)  # a date of a task not done
    for value in ("Hoàn thành một phần", "Chưa", "Đã"):
        with pytest.raises(Bad, match="the whole phrase"):
            parse_status(value)


def test_an_unknown_result_is_named_and_a_list_without_its_date_is_refused(tmp_path):
    bad = task_list_bad_results(tmp_path)
    with pytest.raises(InputError) as err:
        ingest([bad], "tasks", tmp_path / "data", province="44")
    [problem] = err.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "Kết quả thực hiện", "Hoàn thành một phần")
    undated = task_list(tmp_path, dated=False)
    with pytest.raises(InputError, match=f"^{undated}: the results .* give it in a title line"):
        ingest([undated], "tasks", tmp_path / "data", province="44")
    summary = ingest([undated], "tasks", tmp_path / "data", province="44", as_of="31/12/2025")
    assert summary["rows"] == 7 and summary["files"][0]["dated"] == {"by": "option", "as": "2025-12-31"}


def test_names_phone_numbers_and_markup_in_a_task_list(tmp_path):
    data = tmp_path / "data"
    summary = ingest([task_list(tmp_path, planted=True)], "tasks", data, province="44")
    # found by their content: the headers do not say what they hold
    assert summary["files"][0]["personal_dropped"] == ["Người theo dõi", "Liên hệ", "Mã cán bộ"]
    everything = _all_text(data)
    for secret in NAMES + PHONES + CCCD:
        assert secret not in everything and secret.replace(" ", "") not in everything
    # markup in a title or a lead unit is kept as the text it is (escaped wherever it is shown)
    stored = _stored(data)
    assert SCRIPT in stored["title"].str.cat() and SCRIPT in stored["lead_unit"].str.cat()
    build_mart(data)
    table = by_lead_unit(parse_unit("44"), parse_period("2025-Q4"), data)
    assert table.loc[f"Sở Tư pháp {SCRIPT}", "overdue"] == 1  # as text; the report escapes it
