"""The personal-data finder (`helpers.data.personal`): each kind found by its content, in a
whole value or inside a sentence, masked with the token of data/reference; organisations,
codes, dossier numbers, dates, amounts and the sample's own words left as they are."""

from __future__ import annotations

import pyarrow as pa
import pytest

from helpers.core.reference import load_yaml
from helpers.data import personal

TOKEN = "[đã ẩn]"

FOUND = [
    # (text, kinds, the text masked)
    (
        "Rà soát hồ sơ của công dân Nguyễn Văn Bình, CCCD 045123456789, SĐT 0912345678",
        {"name", "id_number", "phone"},
        f"Rà soát hồ sơ của công dân {TOKEN}, CCCD {TOKEN}, SĐT {TOKEN}",
    ),
    ("Nguyễn Văn An", {"name"}, TOKEN),
    ("Trần Bình", {"name"}, TOKEN),  # two words, a value of its own
    ("TRẦN THỊ BÌNH", {"name"}, TOKEN),  # in capitals
    ("Nguyen Van Binh", {"name"}, TOKEN),  # without diacritics
    ("nguyễn văn bình nộp hồ sơ", {"name"}, f"{TOKEN} nộp hồ sơ"),  # in lower case, with Văn
    ("bà Kim Thị Hoa", {"name"}, f"bà {TOKEN}"),  # announced, a rarer family name
    ("Đ/c Trần Văn Hùng, Phó Chủ tịch UBND", {"name"}, f"Đ/c {TOKEN}, Phó Chủ tịch UBND"),
    ("công dân Nguyễn Văn Linh", {"name"}, f"công dân {TOKEN}"),  # also a ward's name, but announced
    ("Nguyễn Văn Bình Sở Tư pháp", {"name"}, f"{TOKEN} Sở Tư pháp"),  # the body's name kept
    ("Liên hệ binh.nguyen@gmail.com", {"email"}, f"Liên hệ {TOKEN}"),
    ("0987 654 321", {"phone"}, TOKEN),
    ("+84905111222", {"phone"}, TOKEN),
    ("ĐT: 0912.345.678.", {"phone"}, f"ĐT: {TOKEN}."),
    ("02333 822 123", {"phone"}, TOKEN),  # a landline: 0, then 10 digits
    ("045 123 456 789", {"id_number"}, TOKEN),
    ("CMND số 123456789 cấp ngày 05/01/2010", {"id_number"}, f"CMND số {TOKEN} cấp ngày 05/01/2010"),
]

NOT_PERSONAL = [
    "Công an tỉnh",
    "Sở Tư pháp",
    "UBND xã Kim Phú",
    "Văn phòng UBND tỉnh",
    "Sở Giáo Dục Và Đào Tạo",  # every word capitalised: no middle name, no person word
    "Đồng Bộ Hồ Sơ Lên Cổng DVCQG",
    "Đoàn Thanh niên tỉnh",
    "Thành phố Hồ Chí Minh",
    "Lâm Đồng",  # a province
    "Lê Lợi",  # a ward
    "Nguyễn Văn Linh",  # a ward named after a person
    "Phường Nguyễn Văn Linh",
    "đường Lê Lợi",
    "Trường THPT Phan Bội Châu",
    "Bà Rịa - Vũng Tàu",
    "1.001234",
    "2.002345.000.00.00.H45",
    "000.00.15.H45-240105-0001",
    "NV-202401001",
    "05/01/2024",
    "2024-01-05 08:30",
    "Kế hoạch số 123/KH-UBND ngày 05/01/2024",
    "1.234.567.890 đồng",
    "Kinh phí 123.456.789.012 đồng",
    "500000000 đồng",
    "Tiến độ Quý III năm 2024: 36,85%",
    "Hồ sơ",
]


@pytest.mark.parametrize(("text", "kinds", "masked"), FOUND, ids=[t for t, _, _ in FOUND])
def test_each_kind_is_found_and_masked_in_place(text, kinds, masked):
    assert personal.kinds(text) == kinds
    assert personal.mask(text) == masked


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_organisations_codes_dates_and_amounts_are_left_alone(text):
    assert personal.find(text) == [] and personal.mask(text) == text


def test_the_samples_own_lead_units_and_titles_pass_unmasked():
    words = load_yaml("sample_vocabulary.yml")
    values = [*words["lead_units"]["before"], *words["lead_units"]["after"]]
    values += [title for titles in words["task_titles"].values() for title in titles]
    assert len(values) > 30
    assert [v for v in values if personal.is_personal(v)] == []


def test_the_token_lives_in_reference_data():
    assert personal.mask_token() == load_yaml("personal_data.yml")["mask"] == TOKEN


def test_a_column_is_scanned_by_its_distinct_values():
    column = pa.array(
        ["Sở Y tế", None, "Nguyễn Văn An", "Sở Y tế", "Nguyễn Văn An", "gọi 0912345678", "Công an tỉnh"]
    )
    scan = personal.scan(column)
    assert scan.flags.tolist() == [False, False, True, False, True, True, False]
    assert scan.found == 3 and scan.counts == {"name": 2, "phone": 1}
    assert scan.masked.to_pylist() == [
        "Sở Y tế",
        None,
        TOKEN,
        "Sở Y tế",
        TOKEN,
        f"gọi {TOKEN}",
        "Công an tỉnh",
    ]
    assert scan.kinds_at(5) == {"phone"} and scan.kinds_at(0) == frozenset()
    clean = personal.scan(["Sở Y tế", None])
    assert clean.found == 0 and clean.masked.to_pylist() == ["Sở Y tế", None]
    assert personal.describe_kinds(scan.counts) == "2 names, 1 phone number"


def test_text_written_in_decomposed_unicode_is_read_too():
    import unicodedata

    text = unicodedata.normalize("NFD", "của công dân Nguyễn Văn Bình")
    assert personal.kinds(text) == {"name"}
    assert personal.mask(text) == f"của công dân {TOKEN}"
