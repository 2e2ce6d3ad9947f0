"""Hand-made responses and score tables of the portal's Decision 766 index, in the shapes the
portal returns (as public crawlers of dichvucong.gov.vn keep them: the envelope
{"code": "OK", "data": ...}; `overview` + `evaluation[]` with `metrics[]` for transparency,
satisfaction and digitisation; `parent` + `children[]` with the group's fields for progress,
online services and payment; `overview` + `evaluation[]` with `groupScores` for the national
summary). Small numbers, each score worked out by hand in the comments with the portal's
formulas (indicators.yml score_766), rounded to two decimals as the portal publishes them.

Phú Thọ (25) with one department and four communes: Phường Việt Trì (07900), Xã Lâm Thao
(08494, written with the suffix the portal adds), Phường Nông Trang (07894) and a name that
matches no commune.
"""

from __future__ import annotations

import json
from pathlib import Path

PROVINCE = "UBND tỉnh Phú Thọ"
DEPARTMENT = "Sở Công Thương - Tỉnh Phú Thọ"
VIET_TRI = "UBND Phường Việt Trì"
LAM_THAO = "UBND xã Lâm Thao - Tỉnh Phú Thọ"
NONG_TRANG = "UBND Phường Nông Trang"
NOWHERE = "UBND xã Không Tồn Tại"
CODES = {
    PROVINCE: "H44",
    DEPARTMENT: "H44.07",
    VIET_TRI: "H44.100",
    LAM_THAO: "H44.106",
    NONG_TRANG: "H44.101",
    NOWHERE: "H44.199",
}
TYPES = {PROVINCE: ("PROVINCE", "PROVINCE"), DEPARTMENT: ("PROVINCIAL_DEPARTMENT", "PROVINCE")}


def envelope(data: dict) -> dict:
    return {"code": "OK", "data": data, "message": "Thành công"}


def write(path: Path, document) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _unit(name: str, total: float, max_score: float, metrics: list, code: bool = False) -> dict:
    kind, level = TYPES.get(name, ("COMMUNE_PEOPLE_COMMITTEE", "COMMUNE"))
    out = {
        "stt": 1,
        "departmentId": f"id-{CODES[name]}",
        "departmentName": name,
        "departmentType": kind,
        "departmentLevel": level,
        "agencyLevel": "level_1" if name == PROVINCE else "level_2",
        "totalScore": total,
        "totalMaxScore": max_score,
        "ratio": round(100 * total / max_score, 2),
        "scoreDelta": None,
        "metrics": metrics,
    }
    if code:
        out["departmentCode"] = CODES[name]
    return out


def _m(code: str, numerator, denominator, ratio, score, max_score) -> dict:
    return {
        "code": code,
        "name": code.title(),
        "numerator": numerator,
        "denominator": denominator,
        "ratio": ratio,
        "score": score,
        "maxScore": max_score,
    }


# ---- transparency (CKMB, 18 points): each metric points × ratio --------------------------------


def _transparency_metrics(synced: int, received: int, sync_score: float) -> list:
    return [
        _m("PUBLISH_ON_TIME", 0, 0, None, None, 6),  # nothing to publish: no score
        _m("PUBLIC_UPDATE_ON_TIME", 30, 40, 75, 3.0, 4),  # 4 × 30/40 = 3.00
        _m("PUBLIC_CONTENT_FULL", 87, 89, 97.75, 1.96, 2),  # 2 × 87/89 = 1.955 → 1.96
        {
            **_m("DOSSIER_SYNC", synced, received, round(100 * synced / received, 2), sync_score, 6),
            "dataQualityStatus": "TEMP_NATIONAL_REPORT_DENOMINATOR",
        },
    ]


def transparency() -> dict:
    """Phú Thọ: 0 + 3.00 + 1.96 + 6 × 1900/2000 (5.70) = 10.66; Việt Trì: 3 + 1.96 + 6 × 400/400
    = 10.96; Lâm Thao: 3 + 1.96 + 6 × 290/300 (5.80) = 10.76; Nông Trang: 3 + 1.96 + 6 = 10.96
    (a tie with Việt Trì); the department: 3 + 1.96 + 6 × 45/50 (5.40) = 10.36."""
    return envelope(
        {
            "overview": {
                **_unit(PROVINCE, 10.66, 18, _transparency_metrics(1900, 2000, 5.7)),
                "averageScore": 9.1,
            },
            "monthlyChart": [],
            "evaluation": [
                _unit(DEPARTMENT, 10.36, 18, _transparency_metrics(45, 50, 5.4)),
                _unit(VIET_TRI, 10.96, 18, _transparency_metrics(400, 400, 6)),
                _unit(LAM_THAO, 10.76, 18, _transparency_metrics(290, 300, 5.8)),
                _unit(NONG_TRANG, 10.96, 18, _transparency_metrics(250, 250, 6)),
            ],
            "pagination": {"currentPage": 1, "pageSize": 200, "totalPages": 1},
        }
    )


# ---- satisfaction (MDHL, 18): min(6, 6 × r ÷ 90%) + 6 × petitions on time + 6 × petition satisfaction


def _satisfaction_metrics(satisfied, dossiers, s1, on_time, petitions, s2, pleased, s3) -> list:
    def r(n, d):
        return round(100 * n / d, 2) if d else 0

    return [
        _m("PETITION_CLASSIFICATION_TTHC", 1, max(petitions, 1), 50, None, 0),
        _m("DOSSIER_RECEIVING_SATISFACTION", satisfied, dossiers, r(satisfied, dossiers), s1, 6),
        _m("PETITION_PROCESSING_ON_TIME", on_time, petitions, r(on_time, petitions), s2, 6),
        _m("PETITION_HANDLING_SATISFACTION", pleased, petitions, r(pleased, petitions), s3, 6),
        _m("PETITION_CLASSIFICATION_STAFF", 0, max(petitions, 1), 0, None, 0),
    ]


def satisfaction() -> dict:
    """Phú Thọ: min(6, 6 × 0.75 ÷ 0.9) = 5.00, 6 × 18/20 = 5.40, 6 × 20/20 = 6 → 16.40.
    Việt Trì: min(6, 6 × 0.95 ÷ 0.9) = 6, no petitions: 6 + 6 → 18. Lâm Thao: 6 × 0.8 ÷ 0.9 =
    5.333 → 5.33, 6 × 2/4 = 3.00, 6 × 1/4 = 1.50 → 9.83."""
    return envelope(
        {
            "overview": _unit(PROVINCE, 16.4, 18, _satisfaction_metrics(1500, 2000, 5.0, 18, 20, 5.4, 20, 6)),
            "evaluation": [
                _unit(VIET_TRI, 18, 18, _satisfaction_metrics(380, 400, 6, 0, 0, 6, 0, 6)),
                _unit(LAM_THAO, 9.83, 18, _satisfaction_metrics(240, 300, 5.33, 2, 4, 3.0, 1, 1.5)),
            ],
            "pagination": {"currentPage": 1, "pageSize": 200, "totalPages": 1},
        }
    )


# ---- digitisation (MDSH, 22): 6/4/2/4/2/2/2, each min(points, points × r), reuse full at 80% --


def _digitisation_metrics(received, result, digitised, reused, connected, procedures, s) -> list:
    def r(n, d):
        return round(100 * n / d, 2)

    return [
        _m("ORIGINAL_RESULT_AVAILABLE", result, received, r(result, received), s[0], 6),
        _m("SO_HOA_GIAY_TO_GIAI_QUYET", digitised, received, r(digitised, received), s[1], 4),
        _m("REUSED_DIGITIZED_DATA", reused, received, r(reused, received), s[2], 2),
        _m("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", 0, received, 0, 0, 4),
        _m("CITIZEN_DATA_CONNECTED_DOSSIER", connected, received, r(connected, received), s[3], 2),
        _m("CITIZEN_DATA_CONNECTED_FORMALITY", procedures[0], procedures[1], r(*procedures), s[4], 2),
        _m("ELECTRONIC_CERTIFIED_COPY", None, None, 100, 2, 2),  # only a ratio is published
    ]


def digitisation() -> dict:
    """Phú Thọ (2,000 dossiers): 6 × 75% = 4.50, 4 × 25% = 1.00, min(2, 2 × 5% ÷ 80%) = 0.125 →
    0.13, 0, 2 × 50% = 1.00, 2 × 30/100 = 0.60, 2 → 9.23. Việt Trì (400): 4.50 + 1.00 + 2 × 10% ÷
    80% (0.25) + 0 + 1.00 + 2 × 10/50 (0.40) + 2 = 9.15. Lâm Thao (300): 6 × 50% (3.00) + 4 × 10%
    (0.40) + 0 + 0 + 2 × 50% (1.00) + 2 × 5/50 (0.20) + 2 = 6.60."""
    return envelope(
        {
            "overview": _unit(
                PROVINCE,
                9.23,
                22,
                _digitisation_metrics(2000, 1500, 500, 100, 1000, (30, 100), [4.5, 1.0, 0.13, 1.0, 0.6]),
                code=True,
            ),
            "evaluation": [
                _unit(
                    VIET_TRI,
                    9.15,
                    22,
                    _digitisation_metrics(400, 300, 100, 40, 200, (10, 50), [4.5, 1.0, 0.25, 1.0, 0.4]),
                    code=True,
                ),
                _unit(
                    LAM_THAO,
                    6.6,
                    22,
                    _digitisation_metrics(300, 150, 30, 0, 150, (5, 50), [3.0, 0.4, 0, 1.0, 0.2]),
                    code=True,
                ),
            ],
        }
    )


# ---- progress (TDGQ, 20): 20 × on time ÷ received, pending dossiers included --------------------


def _child(name: str, level: str, **fields) -> dict:
    return {
        "departmentId": f"id-{CODES[name]}",
        "departmentName": name,
        "departmentCode": CODES[name],
        "level": level,
        **fields,
        "scoreDelta": None,
    }


def _progress(name, level, received, on_time, score) -> dict:
    ratio = round(100 * on_time / received, 2) if received else 0
    return _child(
        name,
        level,
        totalReceived=received,
        totalOnTime=on_time,
        totalOverdue=received - on_time,
        avgProcessingDays=4.2,
        ratio=ratio,
        score=score,
        maxScore=20,
    )


def progress(province_on_time: int = 1800, viet_tri_on_time: int = 380) -> dict:
    """Phú Thọ: 20 × 1800/2000 = 18.00 (20 × 1600/2000 = 16.00 in the earlier snapshot). The
    department 20 × 40/50 = 16.00; Việt Trì 20 × 380/400 = 19.00 (20 × 360/400 = 18.00
    earlier); Lâm Thao 20 × 270/300 = 18.00; Nông Trang 20 × 200/250 = 16.00; the unknown name
    20 × 2/3 = 13.33."""
    score = round(20 * province_on_time / 2000, 2)
    return envelope(
        {
            "parent": {
                "departmentId": "id-H44",
                "departmentName": PROVINCE,
                "departmentCode": "H44",
                "totalReceived": 2000,
                "totalOnTime": province_on_time,
                "totalCompleted": 1700,
                "avgProcessingDays": 5.1,
                "ratio": round(100 * province_on_time / 2000, 2),
                "totalScore": score,
                "totalMaxScore": 20,
            },
            "children": [
                _progress(DEPARTMENT, "PROVINCE", 50, 40, 16.0),
                _progress(VIET_TRI, "COMMUNE", 400, viet_tri_on_time, round(20 * viet_tri_on_time / 400, 2)),
                _progress(LAM_THAO, "COMMUNE", 300, 270, 18.0),
                _progress(NONG_TRANG, "COMMUNE", 250, 200, 16.0),
                _progress(NOWHERE, "COMMUNE", 3, 2, 13.33),
            ],
            "monthlyChart": [],
        }
    )


# ---- online services (CLGQ, 12): the formula is not published --------------------------------------


def online() -> dict:
    def child(name, level, score):
        return _child(name, level, totalScore=score, totalMaxScore=12, ratio=round(100 * score / 12, 2))

    return envelope(
        {
            "parent": {
                "departmentId": "id-H44",
                "departmentName": PROVINCE,
                "departmentCode": "H44",
                "totalScore": 8.83,
                "totalMaxScore": 12,
                "ratio": 73.58,
                "authorityCount": 56,
                "partialCount": 31,
                "fullCount": 21,
                "onlineDossierCount": 406,
                "onlineServiceTotal": 1968,
                "channelOnlineSum": 1500,
                "channelDirectSum": 500,
                "channelPostalSum": 0,
                "channelTotalSum": 2000,
                "onlineOnTimeSum": 1400,
                "onlineOverdueSum": 100,
            },
            "children": [
                child(DEPARTMENT, "PROVINCE", 6.45),
                child(VIET_TRI, "COMMUNE", 6.48),
                child(LAM_THAO, "COMMUNE", 6.36),
                child(NONG_TRANG, "COMMUNE", 6.32),
            ],
        }
    )


# ---- online payment (TTTT, 10): 6·A + min(2, 2.5·B) + 2.5·C, a missing ratio counting 0 ---------


def _payment(name, level, paid, obliged, paid_procedures, fee_procedures, procedures_with_dossiers, score):
    return _child(
        name,
        level,
        totalMaxScore=10,
        ratio=round(10 * score, 1),
        totalScore=score,
        totalDossierOnlinePaymentSuccess=paid,
        totalDossierFinancialObligation=obliged,
        totalDossierOnlineFormalityPaymentSuccess=paid_procedures,
        totalFeeDossierFormalityDistinct=fee_procedures,
        totalFeeDossierFormality=procedures_with_dossiers,
        totalFeeFormality=fee_procedures,
    )


def payment() -> dict:
    """Phú Thọ: 6 × 900/1000 (5.40) + min(2, 2.5 × 30/100) (0.75) + 2.5 × 20/100 (0.50) = 6.65.
    The department: 6 × 44/44 + min(2, 2.5 × 7/8 = 2.19) + 2.5 × 0/8 = 8.00. Việt Trì: 6 × 150/200
    (4.50) + 2.5 × 12/35 (0.857) + 2.5 × 7/35 (0.50) = 5.857 → 5.86. Lâm Thao: no dossier with a
    fee (A counts 0), 0 of 10 procedures: 0."""
    parent = _payment(PROVINCE, None, 900, 1000, 30, 100, 20, 6.65)
    del parent["level"], parent["scoreDelta"]
    return envelope(
        {
            "parent": parent,
            "children": [
                _payment(DEPARTMENT, "PROVINCE", 44, 44, 7, 8, 0, 8.0),
                _payment(VIET_TRI, "COMMUNE", 150, 200, 12, 35, 7, 5.86),
                _payment(LAM_THAO, "COMMUNE", 0, 0, 0, 10, 0, 0.0),
            ],
        }
    )


# ---- the national summary: every province's total and six groups ------------------------------


def national(extra: list | None = None) -> dict:
    """Four provinces, named as the portal names them. Phú Thọ's groups are those above:
    10.66 + 18.00 + 8.83 + 6.65 + 9.23 + 16.40 = 69.77, as Đắk Lắk's (a tie: both 2nd)."""

    def province(name, code, total, groups):
        scores = dict(zip(("CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH"), groups, strict=True))
        return {
            "departmentId": f"id-{code}",
            "departmentName": name,
            "departmentCode": code,
            "totalScore": total,
            "ratio": total,
            "scoreDelta": 1.5,
            "groupScores": scores,
        }

    evaluation = [
        province("UBND Thành phố Huế", "H46", 72.0, [12.0, 18.0, 9.0, 8.0, 15.0, 10.0]),
        province(PROVINCE, "H44", 69.77, [10.66, 18.0, 8.83, 6.65, 16.4, 9.23]),
        province("UBND tỉnh Đắk Lắk", "H66", 69.77, [11.0, 17.0, 8.77, 7.0, 16.0, 10.0]),
        province("UBND thành phố Bắc Ninh", "H27", 60.0, [10.0, 16.0, 8.0, 6.0, 12.0, 8.0]),
        *(extra or []),
    ]
    overview = {"departmentName": "Cả nước", "totalScore": 61.51, "totalMaxScore": 100, "ratio": 61.51}
    return envelope({"overview": overview, "evaluation": evaluation})


SHAPES = {
    "transparency": transparency,
    "satisfaction": satisfaction,
    "digitisation": digitisation,
    "progress": progress,
    "online": online,
    "payment": payment,
}
"""Every group's response for Phú Thọ."""

GROUP_SCORES = {
    "transparency": 10.66,
    "progress": 18.0,
    "online": 8.83,
    "payment": 6.65,
    "digitisation": 9.23,
    "satisfaction": 16.4,
}
"""Phú Thọ's published group scores, as worked out above."""


def write_province(folder: Path) -> list[Path]:
    """Every group's response for Phú Thọ, one file each."""
    return [write(folder / f"{group}.json", make()) for group, make in SHAPES.items()]


# ---- the published score tables ----------------------------------------------------------------------


TABLE_TITLE = ["BẢNG XẾP HẠNG CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP", "Quý III năm 2026"]
TABLE_HEADER = [
    "STT",
    "Tỉnh, thành phố",
    "Tổng điểm",
    "Công khai, minh bạch (18)",
    "Tiến độ giải quyết (20)",
    "Dịch vụ công trực tuyến (12)",
    "Thanh toán trực tuyến (10)",
    "Số hóa hồ sơ (22)",
    "Mức độ hài lòng (18)",
    "Xếp hạng",
]
TABLE_ROWS = [
    [1, "Thành phố Huế", 72.0, 12.0, 18.0, 9.0, 8.0, 10.0, 15.0, 1],
    [2, "Hà Nội", 65.5, 11.0, 17.0, 9.0, 7.0, 9.5, 12.0, 2],
    [3, "Phú Thọ", 65.5, 10.5, 16.0, 8.5, 6.5, 9.0, 15.0, 2],  # tied with Hà Nội, as published
    [4, "Đắk Lắk", 60.0, 10.0, 16.0, 8.0, 6.0, 8.0, 12.0, 4],
]


def write_score_xlsx(path: Path) -> Path:
    """The national score table of 2026-Q3 as a spreadsheet, title rows above the header."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Xep hang")
    for r, row in enumerate([[TABLE_TITLE[0]], [TABLE_TITLE[1]], [], TABLE_HEADER, *TABLE_ROWS]):
        sheet.write_row(r, 0, row)
    book.close()
    return path


def write_commune_csv(path: Path, extra: str = "") -> Path:
    """Phú Thọ's communes in 2026-Q3 with the portal's group codes and no rank column: the
    province's row tells the table's province; Việt Trì and Lâm Thao tie at 70.00 (both 1st),
    Nông Trang is 3rd of 3 at 55.25."""
    lines = [
        "Kết quả Bộ chỉ số 766 - tỉnh Phú Thọ - quý 3/2026",
        "",
        "Đơn vị,Tổng điểm,CKMB,TDGQ,CLGQ,TTTT,MDSH,MDHL",
        '"UBND tỉnh Phú Thọ",65.5,10.5,16.0,8.5,6.5,9.0,15.0',
        '"UBND Phường Việt Trì","70,00","11,00","18,00","9,00","7,00","10,00","15,00"',
        '"UBND xã Lâm Thao - Tỉnh Phú Thọ",70.0,11.5,17.5,9.0,7.0,10.0,15.0',
        '"UBND Phường Nông Trang",55.25,9.0,14.25,7.0,5.0,8.0,12.0',
    ]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path
