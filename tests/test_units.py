from collections import Counter
from datetime import date

import pytest

from helpers.core import reference
from helpers.core.errors import InputError
from helpers.core.periods import parse_period
from helpers.core.units import (
    COUNTRY,
    Unit,
    check_unit_period,
    current_of,
    legacy_of,
    name,
    parse_scope,
    parse_unit,
    slug,
)

# DESIGN.md section 3, typed here independently of data/reference/legacy_provinces.csv
MERGED = {
    "08": ["02", "08"],
    "15": ["10", "15"],
    "19": ["06", "19"],
    "25": ["17", "25", "26"],
    "24": ["24", "27"],
    "31": ["30", "31"],
    "33": ["33", "34"],
    "37": ["35", "36", "37"],
    "44": ["44", "45"],
    "48": ["48", "49"],
    "51": ["51", "62"],
    "52": ["52", "64"],
    "56": ["56", "58"],
    "66": ["54", "66"],
    "68": ["60", "67", "68"],
    "75": ["70", "75"],
    "79": ["74", "77", "79"],
    "80": ["72", "80"],
    "82": ["82", "87"],
    "86": ["83", "84", "86"],
    "91": ["89", "91"],
    "92": ["92", "93", "94"],
    "96": ["95", "96"],
}
UNCHANGED = ["01", "04", "11", "12", "14", "20", "22", "38", "40", "42", "46"]


def test_crosswalk_matches_design():
    expected = {legacy: cur for cur, olds in MERGED.items() for legacy in olds}
    expected.update({c: c for c in UNCHANGED})
    assert reference.crosswalk() == expected


def test_63_legacy_codes_map_to_exactly_one_of_34_current():
    cw = reference.crosswalk()
    assert len(cw) == 63
    assert set(cw.values()) == set(reference.provinces()["province_code"])
    assert len(reference.provinces()) == 34
    assert Counter(reference.legacy_provinces()["legacy_province_code"]).most_common(1)[0][1] == 1


def test_current_units_come_from_the_package():
    from vietnam_provinces import Province, Ward

    assert len(reference.communes()) == 3321 == len(list(Ward.iter_all()))
    assert set(reference.provinces()["province_code"]) == {f"{int(p.code):02d}" for p in Province.iter_all()}
    provinces_csv, communes_csv = reference.current_units_csv()
    assert (reference.REFERENCE_DIR / "provinces.csv").read_text(encoding="utf-8") == provinces_csv
    assert (reference.REFERENCE_DIR / "communes.csv").read_text(encoding="utf-8") == communes_csv


def test_every_commune_lies_in_the_current_province_of_its_legacy_province():
    com = reference.communes()
    assert (com["legacy_province_code"].map(reference.crosswalk()) == com["province_code"]).all()
    # every legacy province has communes
    assert com["legacy_province_code"].nunique() == 63


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("44", Unit("province", "44")),
        ("quang-tri", Unit("province", "44")),
        ("4", Unit("province", "04")),
        ("Quang-Tri", Unit("province", "44")),
        ("legacy/45", Unit("legacy_province", "45")),
        ("legacy/quang-tri", Unit("legacy_province", "45")),
        ("legacy/quang-binh", Unit("legacy_province", "44")),
        ("VN", COUNTRY),
        ("vn", COUNTRY),
        ("19742", Unit("commune", "19742")),
        ("ho-chi-minh", Unit("province", "79")),
    ],
)
def test_parse_unit(text, unit):
    assert parse_unit(text) == unit


@pytest.mark.parametrize("text", ["45", "quang-binh", "legacy/03", "legacy/xyz", "99999", "", "x/1"])
def test_unknown_units_are_input_errors(text):
    with pytest.raises(InputError, match="unknown unit"):
        parse_unit(text)


def test_selectors_slugs_and_names():
    u = parse_unit("legacy/quang-tri")
    assert u.selector == "legacy/45" and slug(u) == "legacy-45"
    assert name(u, "vi") == "Quảng Trị" and name(u, "en") == "Quang Tri"
    assert name(parse_unit("79"), "vi") == "Thành phố Hồ Chí Minh"
    assert name(parse_unit("79"), "en") == "Ho Chi Minh City"
    assert name(COUNTRY, "vi") == "Cả nước"


def test_crosswalk_helpers():
    assert current_of("45") == "44"
    assert legacy_of("79") == ["74", "77", "79"]
    assert legacy_of("01") == ["01"]


def test_legacy_units_only_before_july_2025():
    check_unit_period(parse_unit("legacy/45"), parse_period("2022-01..2023-12"))
    check_unit_period(parse_unit("legacy/45"), parse_period("2025-06"))
    with pytest.raises(InputError, match="ceased to exist"):
        check_unit_period(parse_unit("legacy/45"), parse_period("2025"))
    check_unit_period(parse_unit("44"), parse_period("2025"))


def test_a_scope_is_parsed_once_and_checked_whole():
    period, baseline, units = parse_scope("2024-q3", ["quang-tri", "legacy/45"], "previous")
    assert (period.start, period.end, str(period)) == (date(2024, 7, 1), date(2024, 9, 1), "2024-Q3")
    assert (baseline.start, baseline.end, str(baseline)) == (date(2024, 4, 1), date(2024, 6, 1), "2024-Q2")
    assert units == [Unit("province", "44"), Unit("legacy_province", "45")]
    assert str(parse_scope("2025", [])[1]) == "2021"  # the default baseline
    with pytest.raises(InputError, match="ceased to exist"):  # the baseline too must fit the unit
        parse_scope("2024", ["legacy/45"], "2025-Q3")


@pytest.mark.parametrize(
    ("name", "kind", "english"),
    [
        ("Xã Kim Phú", "xã", "Kim Phu Commune"),
        ("Phường Đông Thuận", "phường", "Dong Thuan Ward"),
        ("Đặc khu Vân Đồn", "đặc khu", "Van Don Special Zone"),
        ("Phường 2 Bảo Lộc", "phường", "Ward 2 Bao Loc"),  # a number: the type word first
    ],
)
def test_english_commune_names_put_the_type_word_after_the_name(name, kind, english):
    assert reference.english_commune_name(name, kind) == english


def test_every_commune_has_an_english_name_with_its_type_word():
    com = reference.communes()
    kinds = {"xã": "Commune", "phường": "Ward", "đặc khu": "Special Zone"}
    for name_en, kind in zip(com["name_en"], com["division_type"], strict=True):
        assert kinds[kind] in name_en and reference.fold(name_en) == name_en  # no diacritics
