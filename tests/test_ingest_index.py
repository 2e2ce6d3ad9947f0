"""`p06 ingest --table index_766`: the portal's saved responses (both shapes, at province,
department and commune level), its national summary and its score tables (.xlsx with title
rows, CSV with group codes) read into the canonical table, names matched to our codes or
reported, snapshots kept or replaced, bad files refused, and no personal data stored.

The fixtures (tests/portal_fixtures.py) give every figure worked out by hand."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest
from portal_fixtures import (
    DEPARTMENT,
    LAM_THAO,
    NOWHERE,
    PROVINCE,
    national,
    progress,
    write,
    write_commune_csv,
    write_province,
    write_score_xlsx,
)

from helpers.cli import main
from helpers.core.errors import InputError
from helpers.data import storage
from helpers.data.ingest import describe, ingest
from helpers.data.portal import command

YEAR, AS_OF = "2026", "2026-10-31"


def _rows(data_dir) -> pd.DataFrame:
    """The stored table, missing text as None."""
    table = storage.read_table(data_dir, "index_766")
    frame = table.to_pandas()
    for field in table.schema:
        if pa.types.is_string(field.type):
            values = frame[field.name].astype(object)
            frame[field.name] = values.where(values.notna(), None)
    return frame


def _one(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column].isna() if value is None else frame[column] == value
    found = frame[mask]
    assert len(found) == 1, (where, len(found))
    return found.iloc[0]


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The six responses of Phú Thọ for 2026, as of 31 October."""
    tmp = tmp_path_factory.mktemp("portal")
    files = write_province(tmp / "responses")
    summary = ingest(files, "index_766", tmp / "data", period=YEAR, as_of=AS_OF)
    return tmp / "data", summary


def test_both_shapes_at_province_department_and_commune_level(province):
    data_dir, summary = province
    rows = _rows(data_dir)
    assert set(rows["group"]) == {
        "transparency",
        "progress",
        "online",
        "payment",
        "digitisation",
        "satisfaction",
    }
    heads = rows[rows["metric"].isna()]
    # the province, from the overview of evaluation[] responses and the parent of trees
    for group, score in [("transparency", 10.66), ("progress", 18.0), ("payment", 6.65), ("online", 8.83)]:
        row = _one(heads, unit_level="province", group=group)
        assert (row["province_code"], row["score"]) == ("25", score)
    # a department keeps the portal's code and name, under its province
    dept = _one(heads, unit_level="department", group="progress")
    assert (dept["province_code"], dept["portal_unit_code"], dept["portal_unit_name"]) == (
        "25",
        "H44.07",
        DEPARTMENT,
    )
    assert dept["commune_code"] is None
    # communes matched by name within the province, the portal's suffix understood
    communes = heads[(heads["group"] == "progress") & (heads["unit_level"] == "commune")]
    assert dict(zip(communes["portal_unit_code"], communes["commune_code"], strict=True)) == {
        "H44.100": "07900",  # UBND Phường Việt Trì
        "H44.106": "08494",  # UBND xã Lâm Thao - Tỉnh Phú Thọ
        "H44.101": "07894",  # UBND Phường Nông Trang
        "H44.199": None,  # UBND xã Không Tồn Tại: no such commune, kept under the portal's code
    }
    assert summary["matched"] == {"province": 1, "commune": 3}
    assert summary["departments"] == 1 and summary["unmatched"] == 1 and summary["ambiguous"] == 0
    assert summary["names"] == [
        {
            "level": "commune",
            "name": NOWHERE,
            "status": "unmatched",
            "reason": "no commune of this name in the province",
            "candidates": "",
        }
    ]


def test_numerators_denominators_and_null_scores_are_kept(province):
    data_dir, _ = province
    rows = _rows(data_dir)
    on_time = _one(rows, unit_level="province", metric="ON_TIME")
    assert (on_time["numerator"], on_time["denominator"]) == (1800, 2000)
    sync = _one(rows, unit_level="province", metric="DOSSIER_SYNC")
    assert (sync["numerator"], sync["denominator"], sync["ratio"], sync["score"]) == (1900, 2000, 95.0, 5.7)
    nothing = _one(rows, unit_level="province", metric="PUBLISH_ON_TIME")  # 0/0: no ratio, no score
    assert (nothing["numerator"], nothing["denominator"]) == (0, 0)
    assert pd.isna(nothing["ratio"]) and pd.isna(nothing["score"])
    copies = _one(rows, commune_code="07900", metric="ELECTRONIC_CERTIFIED_COPY")  # only a ratio published
    assert pd.isna(copies["numerator"]) and (copies["ratio"], copies["score"]) == (100.0, 2.0)
    paid = _one(rows, unit_level="province", metric="ONLINE_PAYMENT_PROCEDURES")  # B of the payment formula
    assert (paid["numerator"], paid["denominator"]) == (30, 100)
    assert set(rows["period"]) == {"2026"} and set(rows["as_of"].astype(str)) == {AS_OF}
    assert set(rows["source_file"]) == {f"{g}.json" for g in set(rows["group"])}


def test_national_summary_names_provinces_as_the_portal_writes_them(tmp_path):
    src = write(tmp_path / "national.json", national())
    summary = ingest([src], "index_766", tmp_path / "data", period=YEAR, as_of=AS_OF)
    rows = _rows(tmp_path / "data")
    totals = rows[rows["group"] == "total"].set_index("portal_unit_name")
    assert totals.loc["UBND Thành phố Huế", "province_code"] == "46"
    assert totals.loc["UBND thành phố Bắc Ninh", "province_code"] == "24"  # a province written as a city
    assert totals.loc["UBND tỉnh Đắk Lắk", "province_code"] == "66"
    assert totals.loc["Cả nước", "unit_level"] == "country" and pd.isna(
        totals.loc["Cả nước", "province_code"]
    )
    phu_tho = rows[(rows["province_code"] == "25") & rows["metric"].isna()].set_index("group")["score"]
    assert phu_tho.to_dict() == {
        "total": 69.77,
        "transparency": 10.66,
        "progress": 18.0,
        "online": 8.83,
        "payment": 6.65,
        "satisfaction": 16.4,
        "digitisation": 9.23,
    }
    assert summary["matched"]["province"] == 4 and list(summary["written"]) == [f"VN-2026-{AS_OF}-summary"]


def test_score_table_xlsx_with_title_rows_keeps_published_ranks(tmp_path):
    src = write_score_xlsx(tmp_path / "xep-hang-quy-3.xlsx")
    ingest([src], "index_766", tmp_path / "data", period="2026-Q3", as_of="2026-10-05")
    rows = _rows(tmp_path / "data")
    totals = rows[rows["group"] == "total"].set_index("province_code")
    assert totals["rank"].to_dict() == {"46": 1, "01": 2, "25": 2, "66": 4}  # a tie, as published
    assert totals.loc["25", "score"] == 65.5 and totals.loc["25", "max_score"] == 100
    groups = rows[(rows["province_code"] == "25") & (rows["group"] != "total")].set_index("group")
    assert groups["max_score"].to_dict() == {
        "transparency": 18,
        "progress": 20,
        "online": 12,
        "payment": 10,
        "digitisation": 22,
        "satisfaction": 18,
    }
    assert groups["rank"].isna().all()  # the table ranks the total only
    first = rows.iloc[0]
    assert (first["period"], str(first["period_start_on"]), str(first["period_end_on"])) == (
        "2026-Q3",
        "2026-07-01",
        "2026-09-30",
    )


def test_score_table_csv_with_group_codes_and_decimal_commas(tmp_path):
    src = write_commune_csv(tmp_path / "phu-tho.csv")
    summary = ingest([src], "index_766", tmp_path / "data", period="2026-Q3", as_of="2026-10-05")
    rows = _rows(tmp_path / "data")
    totals = rows[rows["group"] == "total"]
    communes = totals[totals["unit_level"] == "commune"].set_index("commune_code")["score"]
    assert communes.to_dict() == {"07900": 70.0, "08494": 70.0, "07894": 55.25}  # "70,00" read as 70
    assert totals["rank"].isna().all()  # no rank column: ranked by the engine
    assert set(totals["province_code"]) == {"25"}  # the province's own row says where the communes are
    assert summary["matched"] == {"province": 1, "commune": 3} and list(summary["written"]) == [
        "25-2026-Q3-2026-10-05-table"
    ]


def test_a_name_matching_two_communes_or_none_is_reported_never_guessed(tmp_path):
    src = tmp_path / "communes.csv"
    src.write_text(
        "Đơn vị,Tổng điểm\n"
        '"UBND xã Lâm Thao",60\n'  # a Xã Lâm Thao in Phú Thọ and one in Bắc Ninh
        f'"{LAM_THAO}",61\n'  # the portal's suffix tells which
        '"UBND xã Không Có",62\n',
        encoding="utf-8",
    )
    summary = ingest([src], "index_766", tmp_path / "data", period="2026-Q3", as_of="2026-10-05")
    rows = _rows(tmp_path / "data").set_index("portal_unit_name")
    assert pd.isna(rows.loc["UBND xã Lâm Thao", "commune_code"])
    assert rows.loc[LAM_THAO, "commune_code"] == "08494" and rows.loc[LAM_THAO, "province_code"] == "25"
    assert pd.isna(rows.loc["UBND xã Không Có", "commune_code"])
    reported = {n["name"]: (n["status"], n["candidates"]) for n in summary["names"]}
    assert reported == {
        "UBND xã Lâm Thao": ("ambiguous", "08494, 09529"),
        "UBND xã Không Có": ("unmatched", ""),
    }
    lines = "\n".join(describe(summary))
    assert "1 names matched no unit, 1 matched two or more" in lines and "08494, 09529" in lines


def test_snapshots_of_one_period_are_kept_and_the_same_snapshot_replaced(tmp_path):
    data = tmp_path / "data"
    earlier = write(tmp_path / "september" / "progress.json", progress(1600, 360))
    later = write(tmp_path / "october" / "progress.json", progress())
    ingest([earlier], "index_766", data, period=YEAR, as_of="2026-09-30")
    ingest([later], "index_766", data, period=YEAR, as_of=AS_OF)
    assert len(storage.table_files(data, "index_766")) == 2
    rows = _rows(data)
    heads = rows[(rows["unit_level"] == "province") & rows["metric"].isna()]
    assert dict(zip(heads["as_of"].astype(str), heads["score"], strict=True)) == {
        "2026-09-30": 16.0,
        AS_OF: 18.0,
    }
    again = ingest([later], "index_766", data, period=YEAR, as_of=AS_OF)
    assert again["replaced"] == [f"25-2026-{AS_OF}-progress"]
    assert len(_rows(data)) == len(rows) and len(storage.table_files(data, "index_766")) == 2


def test_two_files_of_one_snapshot_are_refused(tmp_path):
    first = write(tmp_path / "a" / "progress.json", progress())
    second = write(tmp_path / "b" / "progress.json", progress())
    with pytest.raises(InputError) as err:
        ingest([first, second], "index_766", tmp_path / "data", period=YEAR, as_of=AS_OF)
    assert "gives the same snapshot" in err.value.report()
    assert not storage.table_files(tmp_path / "data", "index_766")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"code": "OK", "data": {"parent": ', "not valid JSON (line 1"),
        (
            b'{"code": "OK", "data": {"items": []}}',
            "an unknown shape: expected the portal's Decision 766 response",
        ),
        (b"[1, 2, 3]", "an unknown shape"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_malformed_or_unknown_json_exits_2_naming_the_file(tmp_path, capsys, content, expected):
    src = tmp_path / "saved.json"
    src.write_bytes(content)
    args = ["ingest", str(src), "--table", "index_766", "--period", YEAR, "--as-of", AS_OF]
    assert main([*args, "--data-dir", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert str(src) in err and expected in err and "Traceback" not in err
    assert not (tmp_path / "data" / "processed" / "index_766").exists()


def test_bad_figures_and_arguments_exit_2(tmp_path, capsys, monkeypatch):
    data = ["--data-dir", str(tmp_path / "data")]
    good = write(tmp_path / "progress.json", progress())
    bad = progress()
    bad["data"]["children"][1]["score"] = "mười chín"
    bad_file = write(tmp_path / "bad" / "progress.json", bad)
    unknown = json.loads(json.dumps(progress()))
    unknown["data"] = {"overview": {"departmentName": PROVINCE, "metrics": [{"code": "X"}]}, "evaluation": []}
    unknown_file = write(tmp_path / "unknown" / "x.json", unknown)
    cases = [
        ([str(bad_file), "--period", YEAR, "--as-of", AS_OF], "children[1]: not a number"),
        ([str(unknown_file), "--period", YEAR, "--as-of", AS_OF], "no metric code the catalog knows"),
        ([str(good), "--as-of", AS_OF], "needs --period"),
        ([str(good), "--period", YEAR], "needs --as-of"),
        ([str(good), "--period", "2025..2026", "--as-of", AS_OF], "not a range"),
        ([str(good), "--period", YEAR, "--as-of", "2099-01-01"], "in the future"),
        ([str(good), "--period", YEAR, "--as-of", "31/13/2026"], "not a date"),
        ([str(good), "--period", YEAR, "--as-of", AS_OF, "--province", "legacy/45"], "34 current provinces"),
    ]
    for args, expected in cases:
        assert main(["ingest", *args, "--table", "index_766", *data]) == 2, expected
        assert expected in capsys.readouterr().err
    assert main(["ingest", str(good), "--table", "dossiers", "--period", YEAR, *data]) == 2
    assert "--period is for --table index_766" in capsys.readouterr().err
    monkeypatch.setattr(command, "MAX_BYTES", 100)
    assert main(["ingest", str(good), "--table", "index_766", "--period", YEAR, "--as-of", AS_OF, *data]) == 2
    assert "over the limit of 100" in capsys.readouterr().err
    assert not storage.table_files(tmp_path / "data", "index_766")


PLANTED = ["Nguyễn Văn An", "079123456789", "<script>alert(1)</script>", "an.nguyen@example.com"]


def test_personal_data_in_unit_names_and_codes_is_not_stored(tmp_path, capsys):
    def entry(name, code):
        return {
            "departmentId": "x",
            "departmentName": name,
            "departmentCode": code,
            "totalScore": 50.0,
            "groupScores": {"CKMB": 9, "TDGQ": 10, "CLGQ": 8, "TTTT": 5, "MDHL": 10, "MDSH": 8},
        }

    extra = [
        entry(PLANTED[0], "H90"),  # a citizen's name where a unit belongs
        entry("UBND tỉnh Lai Châu", PLANTED[1]),  # an ID number where a code belongs
        entry(PLANTED[2], "H91"),  # markup
        entry(f"UBND tỉnh Sơn La {PLANTED[3]}", "H92"),  # an e-mail address inside a name
    ]
    src = write(tmp_path / "national.json", national(extra))
    data = tmp_path / "data"
    args = ["ingest", str(src), "--table", "index_766", "--period", YEAR, "--as-of", AS_OF]
    assert main([*args, "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    rows = _rows(data)
    stored = " ".join(str(v) for v in rows.astype(str).to_numpy().ravel())
    for value in PLANTED:
        assert value not in stored and value not in out
        for path in data.rglob("*"):
            if path.is_file():
                assert value.encode() not in path.read_bytes(), path
    assert "not kept:" in out and "looks like a person's name" in out and "markup" in out
    lai_chau = _one(rows, province_code="12", group="total")  # its code dropped, its name matched
    assert pd.isna(lai_chau["portal_unit_code"])
    kept = rows[rows["portal_unit_code"].isin(["H90", "H91", "H92"]) & (rows["group"] == "total")]
    assert kept["portal_unit_name"].isna().all() and len(kept) == 3  # figures kept under the code only


def test_cli_prints_how_many_names_matched(tmp_path, capsys):
    folder = tmp_path / "responses"
    write_province(folder)
    args = ["ingest", str(folder), "--table", "index_766", "--period", YEAR, "--as-of", AS_OF]
    assert main([*args, "--data-dir", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    assert "names matched: 1 provinces, 3 communes; 1 departments kept" in out
    assert f"unmatched commune: '{NOWHERE}'" in out
    assert "progress.json: parent+children, group progress" in out


def test_a_province_and_the_national_summary_in_one_run(tmp_path):
    """The same group score comes twice, in Phú Thọ's response and in the national summary:
    both kept, each under its file (the engine reads one)."""
    folder = tmp_path / "saved"
    write_province(folder)
    write(folder / "service-results.json", national())
    summary = ingest([folder], "index_766", tmp_path / "data", period=YEAR, as_of=AS_OF)
    rows = _rows(tmp_path / "data")
    province = rows[(rows["unit_level"] == "province") & (rows["province_code"] == "25")]
    progress_rows = province[(province["group"] == "progress") & province["metric"].isna()]
    assert sorted(progress_rows["source_file"]) == ["progress.json", "service-results.json"]
    assert set(progress_rows["score"]) == {18.0}
    assert summary["matched"] == {"province": 4, "commune": 3}


def test_the_earlier_services_list_of_units(tmp_path):
    """`report_tinh_766_service` (2025): a list of units, the groups by code, numbers as text."""
    listing = [
        {
            "ROW_STT": "1",
            "ID": "398126",
            "TEN": "Tỉnh An Giang",
            "CKMB": "17.5",
            "TDGQ": "19.2",
            "CLGQ": "9.1",
            "TTTT": "8.0",
            "MDHL": "16.0",
            "MDSH": "12.4",
            "TONG_SCORE": "82.2",
        },
        {
            "ROW_STT": "2",
            "ID": "11358",
            "TEN": "Thành phố Cần Thơ",
            "CKMB": "16",
            "TDGQ": "18.5",
            "CLGQ": "9",
            "TTTT": "7.5",
            "MDHL": "15",
            "MDSH": "11",
            "TONG_SCORE": "77",
        },
    ]
    src = write(tmp_path / "report_tinh_766.json", listing)
    ingest([src], "index_766", tmp_path / "data", period="2025", as_of="2025-12-31")
    rows = _rows(tmp_path / "data")
    totals = rows[rows["group"] == "total"].set_index("province_code")["score"]
    assert totals.to_dict() == {"91": 82.2, "92": 77.0}
    an_giang = rows[(rows["province_code"] == "91") & (rows["group"] != "total")].set_index("group")["score"]
    assert an_giang.to_dict() == {
        "transparency": 17.5,
        "progress": 19.2,
        "online": 9.1,
        "payment": 8.0,
        "satisfaction": 16.0,
        "digitisation": 12.4,
    }


def test_a_file_named_after_a_person_is_not_stored_under_that_name(tmp_path):
    src = write(tmp_path / "Trần Thị Bình.json", progress())
    summary = ingest([src], "index_766", tmp_path / "data", period=YEAR, as_of=AS_OF)
    rows = _rows(tmp_path / "data")
    assert rows["source_file"].isna().all()
    assert [d["field"] for d in summary["dropped"]] == ["file name"]
    for path in (tmp_path / "data").rglob("*.parquet"):
        assert "Trần Thị Bình".encode() not in path.read_bytes()
