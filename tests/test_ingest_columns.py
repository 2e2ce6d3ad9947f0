"""`p06 ingest` with the columns exports really carry: optional columns left out, one
province given for a whole file, headers shortened or in a system's own words, and every
bad value named in one pass whatever is missing. Expected answers worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from test_ingest import CCCD, NAMES, PHONES, _all_text

from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.ingest import describe, ingest
from helpers.data.ingest.headers import AMBIGUOUS, APPROXIMATE, EXACT, PERSONAL, UNKNOWN, classify

SECRETS = NAMES + CCCD + PHONES


def _csv(path, header, rows, titles=(), sep=","):
    lines = [*titles, sep.join(header), *(sep.join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stored(data) -> pd.DataFrame:
    return storage.read_table(data, "dossiers").to_pandas().sort_values("received_on").reset_index(drop=True)


def _days(series) -> list:
    return [None if pd.isna(v) else pd.Timestamp(v).date() for v in series]


def _assert_no_personal_data(data):
    everything = _all_text(data)
    for secret in SECRETS:
        assert secret not in everything and secret.replace(" ", "") not in everything


PARTIAL = [
    "Mã hồ sơ",
    "Họ tên",
    "Tỉnh",
    "Ngày tiếp nhận",
    "Hình thức nộp",
    "Ngày hẹn trả",
    "Ngày trả kết quả",
]


def test_export_without_optional_columns_is_stored_with_them_empty(tmp_path):
    src = _csv(
        tmp_path / "partial.csv",
        PARTIAL,
        [
            ["A1", NAMES[0], "Quảng Trị", "04/08/2025", "Trực tuyến", "14/08/2025", "12/08/2025"],
            ["A2", NAMES[1], "Quảng Trị", "05/08/2025", "Trực tiếp", "15/08/2025", ""],
            ["A3", NAMES[2], "Quảng Trị", "01/09/2025", "Trực tuyến", "11/09/2025", "20/09/2025"],
        ],
    )
    data = tmp_path / "data"
    summary = ingest([src], "dossiers", data)
    f = summary["files"][0]
    assert summary["rows"] == 3 and summary["written"] == {"44-2025-08": 2, "44-2025-09": 1}
    assert f["personal_dropped"] == ["Họ tên"]
    lacking = [
        "commune_code",
        "agency_level",
        "procedure_code",
        "full_online",
        "synced",
        "fee_required",
        "paid_online",
        "digitised",
        "e_result",
        "rating",
    ]
    assert f["missing_columns"] == lacking
    assert f["unmeasurable_indicators"] == [
        {"indicator": "dossiers_synced_pct", "needs": ["synced"]},
        {"indicator": "dossiers_paid_online_pct", "needs": ["fee_required", "paid_online"]},
        {"indicator": "dossiers_digitised_pct", "needs": ["digitised"]},
        {"indicator": "dossiers_e_result_pct", "needs": ["e_result"]},
        {"indicator": "satisfaction_pct", "needs": ["rating"]},
    ]
    t = _stored(data)
    assert t[lacking].isna().all().all()
    assert t["channel"].tolist() == ["online", "in_person", "online"]
    assert _days(t["finished_on"]) == [date(2025, 8, 12), None, date(2025, 9, 20)]
    for path in storage.table_files(data, "dossiers"):  # each file says which columns its export lacked
        assert storage.absent_columns(data, path) == frozenset(lacking)
    text = "\n".join(describe(summary))
    assert "columns the export lacks (stored empty): commune_code, agency_level" in text
    assert "indicator satisfaction_pct cannot be measured from it (needs rating)" in text
    _assert_no_personal_data(data)


ONE_PROVINCE = ["Số hồ sơ", "Xã/Phường", "Ngày tiếp nhận", "Kênh nộp"]


def test_a_file_of_one_province_gives_it_once(tmp_path):
    after = _csv(tmp_path / "after.csv", ONE_PROVINCE, [["B1", "", "03/08/2025", "Trực tuyến"]])
    data = tmp_path / "data"
    ingest([after], "dossiers", data, province="44")
    before = _csv(tmp_path / "before.csv", ONE_PROVINCE, [["B2", "", "03/03/2024", "Trực tiếp"]])
    summary = ingest([before], "dossiers", data, province="legacy/45")
    assert summary["written"] == {"legacy-45-2024-03": 1}
    t = _stored(data)
    assert t["province_code"].tolist() == ["44", "44"]
    assert [None if pd.isna(v) else v for v in t["legacy_province_code"]] == ["45", None]
    # by slug, and before July 2025 the former province is read from each row's commune
    communes = _csv(
        tmp_path / "communes.csv",
        ONE_PROVINCE,
        [["B3", "19333", "04/03/2024", "Trực tuyến"], ["B4", "18859", "05/04/2024", "Trực tuyến"]],
    )
    summary = ingest([communes], "dossiers", data, province="quang-tri")
    assert summary["written"] == {"legacy-45-2024-03": 1, "legacy-44-2024-04": 1}
    assert summary["replaced"] == ["legacy-45-2024-03"]


def test_a_current_province_before_july_2025_needs_a_commune_or_a_former_province(tmp_path):
    src = _csv(
        tmp_path / "x.csv",
        ONE_PROVINCE,
        [["C1", "19333", "04/03/2024", "Trực tuyến"], ["C2", "", "05/03/2024", "Trực tuyến"]],
    )
    with pytest.raises(InputError) as err:
        ingest([src], "dossiers", tmp_path / "data", province="44")
    [problem] = err.value.problems
    assert (problem.row, problem.column) == (3, "province_code")
    assert "--province legacy/44 or --province legacy/45" in problem.reason
    assert not storage.table_files(tmp_path / "data", "dossiers")


def test_a_province_column_that_disagrees_with_the_one_given(tmp_path):
    src = _csv(
        tmp_path / "x.csv",
        ["Mã hồ sơ", "Tỉnh", "Ngày tiếp nhận"],
        [["D1", "Quảng Trị", "04/08/2025"], ["D2", "Huế", "04/08/2025"], ["D3", "", "04/08/2025"]],
    )
    with pytest.raises(InputError) as err:
        ingest([src], "dossiers", tmp_path / "data", province="44")
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [(3, "Tỉnh", "Huế")]
    assert "differs from --province 44" in err.value.problems[0].reason


def test_headers_shortened_or_in_a_systems_own_words(tmp_path):
    header = [
        "STT",  # a row counter: not a column, listed
        "Mã số",  # "Mã số hồ sơ" with "hồ sơ" left out
        "Tỉnh/Thành phố",
        "Ngày tiếp nhận hồ sơ",  # "Ngày tiếp nhận" with words added
        "Hạn trả",  # a synonym
        "Ngày trả kết quả thực tế",
        "Kênh nộp",
        "Có phí",
        "Tình trạng thanh toán",  # Đã/Chưa thanh toán
        "Mức độ hài lòng",
        "Trạng thái",  # the dossier's status: not a column
        "Ngày tiếp nhận / Ngày hoàn thành",  # could be two columns: not guessed
        "Người nộp",  # personal
    ]
    rows = [
        [
            "1",
            "E1",
            "Quảng Trị",
            "04/08/2025",
            "14/08/2025",
            "12/08/2025",
            "Trực tuyến",
            "Có",
            "Đã thanh toán",
            "Hài lòng",
            "Đã trả kết quả",
            "04/08/2025",
            NAMES[0],
        ],
        [
            "2",
            "E2",
            "Quảng Trị",
            "05/08/2025",
            "15/08/2025",
            "",
            "Bưu điện",
            "Có",
            "Chưa thanh toán",
            "",
            "Đang xử lý",
            "05/08/2025",
            NAMES[1],
        ],
    ]
    data = tmp_path / "data"
    summary = ingest([_csv(tmp_path / "h.csv", header, rows)], "dossiers", data, province="44")
    f = summary["files"][0]
    assert f["approximate"] == {
        "Mã số": "dossier_id",
        "Ngày tiếp nhận hồ sơ": "received_on",
        "Ngày trả kết quả thực tế": "finished_on",
    }
    assert f["personal_dropped"] == ["Người nộp"]
    ignored = {i["header"]: i for i in f["ignored"]}
    assert list(ignored) == ["STT", "Trạng thái", "Ngày tiếp nhận / Ngày hoàn thành"]
    assert (
        ignored["Ngày tiếp nhận / Ngày hoàn thành"]["reason"]
        == "could be received_on or finished_on: not guessed"
    )
    assert {"header": "Trạng thái thanh toán", "column": "paid_online"} in ignored["Trạng thái"]["closest"]
    t = _stored(data)
    assert t["paid_online"].tolist() == [True, False] and t["fee_required"].tolist() == [True, True]
    assert t["channel"].tolist() == ["online", "postal"]
    assert [None if pd.isna(v) else v for v in t["rating"]] == ["satisfied", None]
    assert _days(t["due_on"]) == [date(2025, 8, 14), date(2025, 8, 15)]
    text = "\n".join(describe(summary))
    assert "column not used: 'Trạng thái'; closest known headers: 'Trạng thái" in text
    assert (
        "add its header as one line under columns > dossiers > <column> in data/reference/ingest_aliases.yml"
        in text
    )
    _assert_no_personal_data(data)


def test_header_classification():
    assert classify("NGÀY TIẾP NHẬN (dd/mm/yyyy)", "dossiers") == (EXACT, ("received_on",))
    assert classify("Ngày nhận", "dossiers") == (EXACT, ("received_on",))
    assert classify("Ngày tiếp nhận hồ sơ TTHC", "dossiers") == (APPROXIMATE, ("received_on",))
    assert classify("Đã số hóa hồ sơ", "dossiers") == (APPROXIMATE, ("digitised",))
    assert classify("Họ tên người nộp", "dossiers") == (PERSONAL, ())
    assert classify("Trạng thái", "dossiers") == (UNKNOWN, ())  # "thanh toán" carries the meaning
    assert classify("Ngày hẹn trả / Ngày hoàn thành", "dossiers")[0] == AMBIGUOUS
    # CCCD is part of the identification table's own headers: there it is not personal
    assert classify("Số thẻ CCCD đã cấp trong tháng", "identification") == (APPROXIMATE, ("cccd_issued",))


BAD_DATES_HEADER = ["Mã hồ sơ", "Tỉnh", "Ngày tiếp nhận", "Hình thức nộp", "Họ tên"]
BAD_DATES_ROWS = [
    ["F1", "Quảng Trị", "31/02/2025", "Trực tuyến", NAMES[0]],  # row 4
    ["F2", "Quảng Trị", "04/08/2025", "Trực tuyến", NAMES[1]],
    ["F3", "Quảng Trị", "hôm qua", "Trực tuyến", NAMES[2]],  # row 6
    ["F4", "Quảng Trị", "05/08/2025", "Trực tiếp", ""],
    ["F5", "Quảng Trị", "2025-13-01", "Trực tiếp", ""],  # row 8
]
TITLES = ["BÁO CÁO HỒ SƠ TTHC", "Từ ngày 01/08/2025 đến ngày 31/08/2025"]


def test_every_bad_value_is_named_although_optional_columns_are_missing(tmp_path):
    src = _csv(tmp_path / "bad.csv", BAD_DATES_HEADER, BAD_DATES_ROWS, titles=TITLES)  # no "Toàn trình"
    with pytest.raises(InputError) as err:
        ingest([src], "dossiers", tmp_path / "data")
    found = [(p.row, p.column, p.value) for p in err.value.problems]
    assert found == [
        (4, "Ngày tiếp nhận", "31/02/2025"),
        (6, "Ngày tiếp nhận", "hôm qua"),
        (8, "Ngày tiếp nhận", "2025-13-01"),
    ]
    assert "nothing was written" in str(err.value)
    assert not storage.processed_dir(tmp_path / "data").exists()


def test_a_missing_required_column_is_one_problem_and_bad_values_are_still_named(tmp_path):
    header = [h for h in BAD_DATES_HEADER if h != "Tỉnh"]
    rows = [[v for i, v in enumerate(r) if i != 1] for r in BAD_DATES_ROWS]
    rows[1][2] = "Fax"  # row 5: a channel nobody uses
    src = _csv(tmp_path / "bad.csv", header, rows, titles=TITLES)
    with pytest.raises(InputError) as err:
        ingest([src], "dossiers", tmp_path / "data")
    found = sorted((p.row or 0, p.column) for p in err.value.problems)
    assert found == [
        (0, "province_code"),
        (4, "Ngày tiếp nhận"),
        (5, "Hình thức nộp"),
        (6, "Ngày tiếp nhận"),
        (8, "Ngày tiếp nhận"),
    ]
    missing = next(p for p in err.value.problems if p.row is None)
    assert "required column is missing" in missing.reason and "--province" in missing.reason


def test_row_numbers_count_empty_lines_of_a_csv(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text(
        "Mã hồ sơ;Tỉnh;Ngày tiếp nhận\r\nG1;44;04/08/2025\r\n\r\n\r\nG2;44;99/08/2025\r\n;;\r\nG3;44;x\r\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        ingest([path], "dossiers", tmp_path / "data")
    assert [(p.row, p.value) for p in err.value.problems] == [(5, "99/08/2025"), (7, "x")]


def test_identifiers_repeated_across_files_are_named_in_each(tmp_path):
    header = ["Mã hồ sơ", "Tỉnh", "Ngày tiếp nhận"]
    one = _csv(tmp_path / "one.csv", header, [["H1", "44", "04/08/2025"], ["H2", "44", "05/08/2025"]])
    two = _csv(tmp_path / "two.csv", header, [["H3", "44", "04/09/2025"], ["H1", "44", "05/09/2025"]])
    with pytest.raises(InputError) as err:
        ingest([one, two], "dossiers", tmp_path / "data")
    found = [(p.file, p.row, p.value, p.reason) for p in err.value.problems]
    assert found == [
        (str(one), 2, "H1", "duplicated: must be unique"),
        (str(two), 3, "H1", "duplicated: must be unique"),
    ]


def test_a_file_bad_throughout_keeps_a_bounded_list_of_problems(tmp_path, monkeypatch):
    from helpers.data.ingest.command import Problems

    monkeypatch.setattr(Problems, "LIMIT", 2)
    rows = [[f"K{i}", "44", f"{i + 1}.8.2025x"] for i in range(5)]  # rows 2-6: no date reads
    src = _csv(tmp_path / "k.csv", ["Mã hồ sơ", "Tỉnh", "Ngày tiếp nhận"], rows)
    with pytest.raises(InputError, match="^5 problems in 1 file") as err:
        ingest([src], "dossiers", tmp_path / "data")
    found = [(p.row, p.reason) for p in err.value.problems]
    reason = "not a date: expected dd/mm/yyyy, yyyy-mm-dd or an Excel date"
    assert found == [(2, reason), (3, reason), (None, f"{reason} (and 3 more rows like it)")]


def test_aliases_name_one_column_each_and_template_text_has_both_languages():
    from helpers.data.ingest import vocab

    for table in ("dossiers", "procedures", "identification", "services", "tasks"):
        seen: dict[str, str] = {}
        for key, spec in vocab.column_specs(table).items():
            for alias in spec["vi"] + spec["en"]:
                assert seen.setdefault(vocab.norm(alias), key) == key, (table, alias)
    vi, en = vocab.template_text("vi"), vocab.template_text("en")
    assert vi.keys() == en.keys() and vi["kinds"].keys() == en["kinds"].keys()
