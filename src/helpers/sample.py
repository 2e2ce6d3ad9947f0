"""Deterministic synthetic sample of the canonical tables (DESIGN.md section 9).

No real microdata is public, so the repository ships this generator. Same seed and
scale, same bytes: every random draw comes from a generator seeded by (seed, purpose,
position), and nothing depends on the clock. It covers every current province and
commune from 2021-01 to 2026-10 and carries legacy province codes before July 2025.

Legacy Quảng Trị (`legacy/45`) over 2022-01..2023-12 reproduces the figures of its
two-year review exactly (SEED_REVIEW below); everything else is a plausible invention:
population from the 2023 statistics, trends that rise, provinces that differ.

Dossiers are written one month at a time, so memory stays flat as the scale grows.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers import reference, storage
from helpers.allocation import allocate
from helpers.errors import InputError
from helpers.periods import month_from_index, month_index
from helpers.units import REORGANISATION

FIRST_MONTH = date(2021, 1, 1)
LAST_MONTH = date(2026, 10, 1)
DEFAULT_SEED = 6
DOSSIERS_AT_SCALE_1 = 2_000_000
N_PROCEDURES = 400
N_ESSENTIAL = 25
MARKER = "SAMPLE.json"

SEED_REVIEW = {
    "legacy_province_code": "45",
    "window": (date(2022, 1, 1), date(2023, 12, 1)),
    "baseline": (date(2021, 1, 1), date(2021, 12, 1)),
    "cccd_issued_total": 584_405,
    "eid_applications_total": 269_362,
    "eid_activated_total": 180_646,
    "online_pct_baseline": 12.00,
    "online_pct_window": 48.85,  # 36.85 percentage points above the baseline
}
"""Quảng Trị's two-year review of Project 06 (January 2024), as DESIGN.md section 1 quotes it."""

_ONLINE_GRAIN = 2000
"""Window dossier counts of the seed unit are multiples of this, so both online rates are exact."""

_LEAD_UNITS = {
    "before": [
        "Công an tỉnh",
        "Văn phòng UBND tỉnh",
        "Sở Thông tin và Truyền thông",
        "Sở Y tế",
        "Sở Tư pháp",
        "Sở Lao động - Thương binh và Xã hội",
        "Sở Tài chính",
        "Sở Giáo dục và Đào tạo",
        "Bảo hiểm xã hội tỉnh",
        "Sở Tài nguyên và Môi trường",
        "UBND cấp huyện",
    ],
    "after": [
        "Công an tỉnh",
        "Văn phòng UBND tỉnh",
        "Sở Khoa học và Công nghệ",
        "Sở Y tế",
        "Sở Tư pháp",
        "Sở Nội vụ",
        "Sở Tài chính",
        "Sở Giáo dục và Đào tạo",
        "Bảo hiểm xã hội tỉnh",
        "Sở Nông nghiệp và Môi trường",
        "UBND cấp xã",
    ],
}
"""Departments that lead Project 06 tasks, before and after the 2025 reorganisation."""
_TASK_TITLES = {
    1: [
        "Cung cấp dịch vụ công trực tuyến toàn trình thiết yếu",
        "Số hóa hồ sơ, kết quả giải quyết TTHC",
        "Tái cấu trúc quy trình TTHC liên thông",
        "Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia",
    ],
    2: [
        "Sử dụng CCCD thay thẻ BHYT tại cơ sở khám chữa bệnh",
        "Chi trả an sinh xã hội không dùng tiền mặt",
        "Kết nối dữ liệu dân cư với hệ thống y tế",
        "Triển khai hồ sơ sức khỏe điện tử",
    ],
    3: [
        "Thu nhận hồ sơ định danh điện tử",
        "Kích hoạt tài khoản định danh điện tử",
        "Hướng dẫn người dân sử dụng ứng dụng VNeID",
        "Cấp CCCD cho công dân từ đủ 14 tuổi",
    ],
    4: [
        "Làm sạch dữ liệu chuyên ngành",
        "Kết nối cơ sở dữ liệu chuyên ngành với CSDLQG về dân cư",
        "Bảo đảm an toàn thông tin hệ thống",
        "Xây dựng kho dữ liệu dùng chung của tỉnh",
    ],
    5: [
        "Xây dựng Hệ thống thông tin báo cáo của tỉnh",
        "Triển khai Trung tâm giám sát, điều hành thông minh",
        "Báo cáo sơ kết, tổng kết Đề án 06",
        "Kiểm tra, đôn đốc triển khai Đề án 06",
    ],
}


def _logistic(t: np.ndarray, centre: float, width: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(t - centre) / width))


@dataclass
class Generator:
    """The sample's plan: units, months, volumes and rates, then one table at a time."""

    scale: float = 1.0
    seed: int = DEFAULT_SEED
    legacy_codes: list[str] | None = None  # a subset, for small test samples
    first_month: date = FIRST_MONTH
    last_month: date = LAST_MONTH
    _rngs: dict = field(default_factory=dict, repr=False)

    def rng(self, *key: int | str) -> np.random.Generator:
        """A generator for one purpose and position, independent of the order of generation."""
        words = [self.seed] + [int.from_bytes(str(k).encode(), "little") % 2**63 for k in key]
        return np.random.default_rng(words)

    # ---- the plan -------------------------------------------------------------------------
    @cached_property
    def legacy(self):
        lp = reference.legacy_provinces()
        if self.legacy_codes is not None:
            lp = lp[lp["legacy_province_code"].isin(self.legacy_codes)]
        return lp.reset_index(drop=True)

    @cached_property
    def months(self) -> list[date]:
        first, last = month_index(self.first_month), month_index(self.last_month)
        return [month_from_index(i) for i in range(first, last + 1)]

    @cached_property
    def t(self) -> np.ndarray:
        """Months since January 2021 (the trends' clock), one per month of the sample."""
        return np.array([month_index(m) - month_index(FIRST_MONTH) for m in self.months], float)

    @cached_property
    def merged_t(self) -> int:
        """Position of July 2025 in `months` (may be past the end of a short sample)."""
        return int(np.searchsorted([month_index(m) for m in self.months], month_index(REORGANISATION)))

    @cached_property
    def performance(self) -> np.ndarray:
        """One score per legacy province: how far ahead of the others it is (mean 0, sd 1)."""
        all_codes = reference.legacy_provinces()["legacy_province_code"].tolist()
        z = self.rng("performance").standard_normal(len(all_codes))
        z[all_codes.index(SEED_REVIEW["legacy_province_code"])] = 1.0
        return z[[all_codes.index(c) for c in self.legacy["legacy_province_code"]]]

    @cached_property
    def communes(self):
        com = reference.communes()
        com = com[com["legacy_province_code"].isin(self.legacy["legacy_province_code"])]
        com = com.reset_index(drop=True)
        weights = self.rng("commune-size").lognormal(0.0, 0.6, len(com))
        totals = com.assign(w=weights).groupby("legacy_province_code")["w"].transform("sum")
        people = (
            com["legacy_province_code"].map(
                self.legacy.set_index("legacy_province_code")["population_2023_thousand"]
            )
            * 1000
        )
        com["population_2023"] = np.round(people * weights / totals).astype(np.int64)
        com["weight"] = weights / totals
        return com

    @cached_property
    def volumes(self) -> np.ndarray:
        """Dossiers received per legacy province (rows) and month (columns)."""
        pop = self.legacy["population_2023_thousand"].to_numpy(float)
        month_no = np.array([m.month for m in self.months])
        season = np.where(month_no == 2, 0.75, np.where(month_no == 12, 1.12, 1.0))
        growth = 1.12 ** (self.t / 12.0)
        noise = self.rng("volume-noise").lognormal(0.0, 0.08, (len(pop), len(self.months)))
        raw = pop[:, None] * (season * growth)[None, :] * noise
        national = DOSSIERS_AT_SCALE_1 * self.scale * len(self.months) / 70 * pop.sum() / 99_948
        vol = np.maximum(np.round(raw / raw.sum() * national).astype(np.int64), 1)
        if (row := self._seed_row()) is not None:
            for window in (SEED_REVIEW["baseline"], SEED_REVIEW["window"]):
                cols = self._cols(window)
                if len(cols):
                    short = -vol[row, cols].sum() % _ONLINE_GRAIN
                    vol[row, cols[-1]] += short
        return vol

    def _seed_row(self) -> int | None:
        codes = self.legacy["legacy_province_code"].tolist()
        code = SEED_REVIEW["legacy_province_code"]
        return codes.index(code) if code in codes else None

    def _cols(self, window: tuple[date, date]) -> np.ndarray:
        idx = [i for i, m in enumerate(self.months) if window[0] <= m <= window[1]]
        return np.array(idx, dtype=int)

    def rate(self, name: str) -> np.ndarray:
        """Monthly rate of one dossier attribute, per legacy province and month, in [0, 1]."""
        z = self.performance[:, None]
        t = self.t[None, :]
        curves = {
            "online": 0.10 + 0.55 * _logistic(t, 26, 8) + 0.07 * z,
            "full_online": 0.30 + 0.55 * _logistic(t, 30, 8) + 0.05 * z,
            "synced": 0.80 + 0.20 * _logistic(t, 12, 4) + 0.03 * z,
            "on_time": 0.90 + 0.08 * _logistic(t, 24, 10) + 0.02 * z,
            "paid_online": 0.05 + 0.60 * _logistic(t, 30, 9) + 0.08 * z,
            "digitised": 0.15 + 0.75 * _logistic(t, 28, 9) + 0.08 * z,
            "e_result": 0.10 + 0.75 * _logistic(t, 30, 9) + 0.08 * z,
            "satisfied": 0.86 + 0.10 * _logistic(t, 24, 10) + 0.02 * z,
        }
        rates = np.clip(curves[name], 0.0, 1.0)
        if name == "online" and (row := self._seed_row()) is not None:
            rates[row] = self._seed_online_curve()
        return rates

    def _seed_online_curve(self) -> np.ndarray:
        """The seed unit's online share: flat near its 2021 level, then a steady climb from
        Project 06's start, so the exact window totals need no jump between months."""
        t = self.t
        climb = 0.20 + (0.78 - 0.20) * np.clip((t - 12) / 23, 0, 1)
        after = 0.78 + 0.10 * np.clip((t - 35) / 34, 0, 1)
        return np.where(t < 12, 0.115 + 0.01 * t / 11, np.where(t <= 35, climb, after))

    @cached_property
    def online_counts(self) -> np.ndarray:
        """Online dossiers per legacy province and month; exact for the seed review's windows."""
        vol = self.volumes
        counts = np.round(vol * self.rate("online")).astype(np.int64)
        if (row := self._seed_row()) is not None:
            for window, pct in (
                (SEED_REVIEW["baseline"], SEED_REVIEW["online_pct_baseline"]),
                (SEED_REVIEW["window"], SEED_REVIEW["online_pct_window"]),
            ):
                cols = self._cols(window)
                if len(cols):
                    total = int(round(vol[row, cols].sum() * pct / 100))
                    weights = vol[row, cols] * self.rate("online")[row, cols]
                    counts[row, cols] = allocate(total, weights, vol[row, cols])
        return counts

    @cached_property
    def procedures_list(self):
        rng = self.rng("procedures")
        codes = np.array([f"1.{1000 + 7 * i:06d}" for i in range(N_PROCEDURES)])
        fee = rng.random(N_PROCEDURES) < 0.45
        due_days = rng.choice([1, 3, 5, 7, 10, 15, 20, 30], N_PROCEDURES)
        popularity = 1.0 / np.arange(1, N_PROCEDURES + 1) ** 1.1
        popularity = rng.permutation(popularity)
        return codes, fee, due_days, popularity / popularity.sum()

    # ---- dossiers ---------------------------------------------------------------------------
    def dossiers(self, col: int) -> pa.Table:
        """Every dossier received in month `col` of the sample, all provinces."""
        month = self.months[col]
        merged = month >= REORGANISATION
        codes, fee, due_days, popularity = self.procedures_list
        blocks = []
        for row, legacy_code in enumerate(self.legacy["legacy_province_code"]):
            n = int(self.volumes[row, col])
            rng = self.rng("dossiers", legacy_code, col)
            blocks.append(self._dossier_block(rng, row, col, n, merged, popularity))
        block = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
        n_rows = len(block["proc"])
        days_in_month = (month_from_index(month_index(month) + 1) - month).days
        rng = self.rng("dossier-dates", col)
        received = np.datetime64(month, "D") + rng.integers(0, days_in_month, n_rows)
        due = received + due_days[block["proc"]]
        late = rng.integers(1, 16, n_rows)
        actual = np.where(
            block["on_time"], rng.integers(0, due_days[block["proc"]] + 1), due_days[block["proc"]] + late
        )
        finished = received + actual
        end = np.datetime64(self.months[-1], "M") + 1
        pending = finished >= end.astype("datetime64[D]")
        rated = ~pending & block["rated"]
        fee_req = fee[block["proc"]]
        ids = [f"S{month:%Y%m}-{i:08d}" for i in range(n_rows)]
        legacy_codes = self.legacy["legacy_province_code"].to_numpy()[block["legacy_row"]]
        current = np.vectorize(reference.crosswalk().get, otypes=[object])(legacy_codes)
        commune = self.communes["commune_code"].to_numpy(object)[block["commune"]]
        return pa.table(
            {
                "dossier_id": pa.array(ids, pa.string()),
                "province_code": pa.array(current, pa.string()),
                "legacy_province_code": pa.nulls(n_rows, pa.string())
                if merged
                else pa.array(legacy_codes, pa.string()),
                "commune_code": pa.array(commune, pa.string()),
                "agency_level": pa.array(np.array(["province", "district", "commune"])[block["level"]]),
                "procedure_code": pa.array(codes[block["proc"]]),
                "received_on": pa.array(received.astype("datetime64[D]"), pa.date32()),
                "channel": pa.array(np.array(["online", "in_person", "postal"])[block["channel"]]),
                "full_online": pa.array(block["full_online"]),
                "due_on": pa.array(due.astype("datetime64[D]"), pa.date32()),
                "finished_on": pa.array(finished.astype("datetime64[D]"), pa.date32(), mask=pending),
                "synced": pa.array(block["synced"]),
                "fee_required": pa.array(fee_req),
                "paid_online": pa.array(fee_req & block["paid"]),
                "digitised": pa.array(block["digitised"]),
                "e_result": pa.array(block["e_result"] & ~pending),
                "rating": pa.array(
                    np.array(["satisfied", "neutral", "dissatisfied"])[block["rating"]],
                    pa.string(),
                    mask=~rated,
                ),
            }
        )

    def _dossier_block(self, rng, row, col, n, merged, popularity) -> dict[str, np.ndarray]:
        """The attributes of one legacy province's dossiers in one month, before dates."""
        k_online = int(self.online_counts[row, col])
        channel = np.ones(n, np.int64)
        channel[:k_online] = 0
        channel[k_online:][rng.random(n - k_online) < 0.04] = 2
        channel = rng.permutation(channel)
        online = channel == 0

        def draw(name: str) -> np.ndarray:
            return rng.random(n) < self.rate(name)[row, col]

        synced = draw("synced")
        if self._seed_row() == row and col in self._cols(SEED_REVIEW["window"]):
            synced[:] = True
        mine = np.flatnonzero(
            self.communes["legacy_province_code"].to_numpy() == self.legacy.at[row, "legacy_province_code"]
        )
        commune_w = self.communes["weight"].to_numpy()[mine]
        level_p = [0.35, 0.0, 0.65] if merged else [0.25, 0.45, 0.30]
        satisfied = self.rate("satisfied")[row, col]
        return {
            "legacy_row": np.full(n, row),
            "commune": mine[rng.choice(len(mine), n, p=commune_w / commune_w.sum())],
            "level": rng.choice(3, n, p=level_p),
            "proc": rng.choice(len(popularity), n, p=popularity),
            "channel": channel,
            "full_online": online & draw("full_online"),
            "synced": synced,
            "on_time": draw("on_time"),
            "paid": online & draw("paid_online"),
            "digitised": draw("digitised"),
            "e_result": draw("e_result"),
            "rated": rng.random(n) < 0.35,
            "rating": rng.choice(3, n, p=[satisfied, (1 - satisfied) * 0.6, (1 - satisfied) * 0.4]),
        }

    # ---- procedures -----------------------------------------------------------------------
    @cached_property
    def procedure_thresholds(self) -> dict[str, np.ndarray]:
        """Per legacy province and procedure: months (on the trends' clock) it was published,
        went online (partly) and went full-process online."""
        n_units = len(self.legacy)
        rng = self.rng("procedure-thresholds")
        z = self.performance[:, None]
        published = rng.normal(-12, 10, (n_units, N_PROCEDURES)) - 3 * z
        partial = rng.normal(18, 12, (n_units, N_PROCEDURES)) - 8 * z
        full = partial + rng.exponential(14, (n_units, N_PROCEDURES))
        if (row := self._seed_row()) is not None:
            end = self._cols(SEED_REVIEW["window"])[-1] if len(self._cols(SEED_REVIEW["window"])) else 0
            published[row] = np.minimum(published[row], self.t[end])
            order = np.argsort(partial[row], kind="stable")
            early = order[: int(N_PROCEDURES * 0.84)]
            partial[row, early] = np.minimum(partial[row, early], self.t[end])
        return {"published": published, "partial": partial, "full": full}

    def procedures(self) -> pa.Table:
        """The procedure catalogue in force each month: per legacy province before July 2025,
        per current province after (the merged province adopts its most advanced member's)."""
        codes, fee, _, _ = self.procedures_list
        th = self.procedure_thresholds
        legacy_codes = self.legacy["legacy_province_code"].to_numpy()
        current_codes = np.array([reference.crosswalk()[c] for c in legacy_codes])
        parts = []
        for col, month in enumerate(self.months):
            t = self.t[col]
            if month < REORGANISATION:
                units = [
                    (c, lc, np.array([i]))
                    for i, (c, lc) in enumerate(zip(current_codes, legacy_codes, strict=True))
                ]
            else:
                units = [(c, None, np.flatnonzero(current_codes == c)) for c in sorted(set(current_codes))]
            for current, legacy, rows in units:
                first = {k: v[rows].min(axis=0) for k, v in th.items()}
                level = np.where(
                    first["full"] <= t, "full", np.where(first["partial"] <= t, "partial", "none")
                )
                parts.append((month, current, legacy, first["published"] <= t, level))
        n = N_PROCEDURES
        return pa.table(
            {
                "month": pa.array(np.repeat([p[0] for p in parts], n), pa.date32()),
                "province_code": pa.array(np.repeat([p[1] for p in parts], n), pa.string()),
                "legacy_province_code": pa.array(np.repeat([p[2] for p in parts], n), pa.string()),
                "procedure_code": pa.array(np.tile(codes, len(parts))),
                "published": pa.array(np.concatenate([p[3] for p in parts])),
                "online_level": pa.array(np.concatenate([p[4] for p in parts])),
                "fee_required": pa.array(np.tile(fee, len(parts))),
                "essential": pa.array(np.tile(np.arange(n) < N_ESSENTIAL, len(parts))),
            }
        )

    # ---- identification ---------------------------------------------------------------------
    def identification(self) -> pa.Table:
        """Monthly ID-card and e-ID flows per commune: a 2021 card campaign, e-ID from 2022."""
        com = self.communes
        n_com, n_t = len(com), len(self.months)
        rng = self.rng("identification")
        growth = 1.008 ** ((self.t - 30) / 12)
        population = np.round(com["population_2023"].to_numpy(float)[:, None] * growth).astype(np.int64)
        eligible_share = np.clip(rng.normal(0.775, 0.02, n_com), 0.7, 0.85)
        eligible = np.round(population * eligible_share[:, None]).astype(np.int64)
        legacy_row = (
            com["legacy_province_code"]
            .map({c: i for i, c in enumerate(self.legacy["legacy_province_code"])})
            .to_numpy()
        )
        z = self.performance[legacy_row]
        noise = rng.lognormal(0, 0.15, (n_com, n_t))
        # monthly shape of card applications (cumulative share reached by 2026-10 is 1)
        cards_shape = (np.where(self.t < 12, 4.5, 0.0) + 0.9 * np.exp(-self.t / 30) + 0.15)[None, :] * noise
        eid_shape = (np.exp(-0.5 * ((self.t - 27) / 6) ** 2) + 0.08 * (self.t >= 12))[None, :]
        eid_shape = eid_shape * (self.t >= 6)[None, :] * noise
        card_total = np.round(eligible[:, -1] * np.clip(1.15 + 0.03 * z, 1.0, 1.3)).astype(np.int64)
        eid_total = np.round(eligible[:, -1] * np.clip(0.92 + 0.05 * z, 0.7, 0.99)).astype(np.int64)
        cards = self._spread(card_total, cards_shape, eligible)
        issued = rng.binomial(cards, 0.985)
        eid = self._spread(eid_total, eid_shape, eligible)
        activated = rng.binomial(eid, np.clip(0.72 + 0.05 * z, 0.5, 0.95)[:, None])
        if (row := self._seed_row()) is not None:
            self._calibrate_seed(legacy_row == row, cards, issued, eid, activated, eligible)
        level2 = rng.binomial(eid, 0.78)
        merged = np.array([m >= REORGANISATION for m in self.months])
        legacy = np.where(merged[None, :], None, com["legacy_province_code"].to_numpy(object)[:, None])
        flat = {
            "month": np.tile(np.array(self.months, dtype="datetime64[D]"), n_com),
            "province_code": np.repeat(com["province_code"].to_numpy(object), n_t),
            "legacy_province_code": legacy.ravel(),
            "commune_code": np.repeat(com["commune_code"].to_numpy(object), n_t),
        }
        return pa.table(
            {
                "month": pa.array(flat["month"], pa.date32()),
                "province_code": pa.array(flat["province_code"], pa.string()),
                "legacy_province_code": pa.array(flat["legacy_province_code"], pa.string()),
                "commune_code": pa.array(flat["commune_code"], pa.string()),
                "population": pa.array(population.ravel()),
                "population_eligible": pa.array(eligible.ravel()),
                "cccd_applications": pa.array(cards.ravel()),
                "cccd_issued": pa.array(issued.ravel()),
                "eid_applications": pa.array(eid.ravel()),
                "eid_level2_applications": pa.array(level2.ravel()),
                "eid_activated": pa.array(activated.ravel()),
            }
        )

    @staticmethod
    def _spread(totals: np.ndarray, shape: np.ndarray, caps: np.ndarray) -> np.ndarray:
        """Spread each commune's total over the months in proportion to `shape`, within caps."""
        out = np.zeros(shape.shape, np.int64)
        for i, total in enumerate(totals):
            out[i] = allocate(int(min(total, caps[i].sum())), shape[i], caps[i])
        return out

    def _calibrate_seed(self, rows, cards, issued, eid, activated, eligible) -> None:
        """Make the seed unit's stocks at the end of its review window exactly the reviewed ones."""
        cols = np.arange(self._cols(SEED_REVIEW["window"])[-1] + 1)
        block = np.ix_(np.flatnonzero(rows), cols)
        target_cards = int(np.ceil(SEED_REVIEW["cccd_issued_total"] / 0.985))
        cards[block] = allocate(target_cards, cards[block].ravel() + 1, eligible[block].ravel()).reshape(
            cards[block].shape
        )
        issued[block] = allocate(
            SEED_REVIEW["cccd_issued_total"], cards[block].ravel(), cards[block].ravel()
        ).reshape(cards[block].shape)
        eid[block] = allocate(
            SEED_REVIEW["eid_applications_total"], eid[block].ravel() + 1, eligible[block].ravel()
        ).reshape(eid[block].shape)
        # communes differ in how many applicants go on to activate their account
        uptake = self.rng("seed-uptake").uniform(0.8, 1.2, (len(block[0]), 1))
        weights = (eid[block] * uptake).ravel()
        activated[block] = allocate(SEED_REVIEW["eid_activated_total"], weights, eid[block].ravel()).reshape(
            eid[block].shape
        )

    # ---- services -------------------------------------------------------------------------
    def services(self) -> pa.Table:
        """Monthly data-in-use figures per legacy province, summed per current province after
        July 2025."""
        pop = self.legacy["population_2023_thousand"].to_numpy(float)[:, None]
        z = self.performance[:, None]
        t = self.t[None, :]
        rng = self.rng("services")
        facilities = np.round(pop / 4.5 * (1 + 0.002 * t)).astype(np.int64) + 1
        accepting_share = np.clip(_logistic(t, 22 - 3 * z, 3) * 1.05, 0, 1)
        beneficiaries = np.round(pop * 35 * (1 + 0.003 * t)).astype(np.int64)
        cashless_share = np.clip(0.15 + 0.7 * _logistic(t, 32 - 4 * z, 7), 0, 1)
        records = np.round(pop * 1200 * (1 + 0.004 * t)).astype(np.int64)
        cleaned_share = np.clip(0.2 + 0.78 * _logistic(t, 30 - 4 * z, 8), 0, 1)
        if (row := self._seed_row()) is not None:
            accepting_share[row, t[0] >= 30] = 1.0
        values = {
            "medical_facilities": facilities,
            "medical_facilities_accepting_cccd": np.minimum(
                rng.binomial(facilities, accepting_share), facilities
            ),
            "social_beneficiaries": beneficiaries,
            "social_beneficiaries_cashless": rng.binomial(beneficiaries, cashless_share),
            "records_specialised": records,
            "records_cleaned": rng.binomial(records, cleaned_share),
        }
        return self._by_province_month(values)

    def _by_province_month(self, values: dict[str, np.ndarray]) -> pa.Table:
        legacy_codes = self.legacy["legacy_province_code"].to_numpy(object)
        current = np.array([reference.crosswalk()[c] for c in legacy_codes], dtype=object)
        cut = self.merged_t
        months = np.array(self.months, dtype="datetime64[D]")
        n_l = len(legacy_codes)
        cols = {
            "month": [np.tile(months[:cut], n_l)],
            "province_code": [np.repeat(current, cut)],
            "legacy_province_code": [np.repeat(legacy_codes, cut)],
        }
        after = {k: [v[:, :cut].ravel()] for k, v in values.items()}
        for code in sorted(set(current)):
            rows = current == code
            n_after = len(months) - cut
            cols["month"].append(months[cut:])
            cols["province_code"].append(np.full(n_after, code, dtype=object))
            cols["legacy_province_code"].append(np.full(n_after, None, dtype=object))
            for k, v in values.items():
                after[k].append(v[rows, cut:].sum(axis=0))
        table = {
            "month": pa.array(np.concatenate(cols["month"]), pa.date32()),
            "province_code": pa.array(np.concatenate(cols["province_code"]), pa.string()),
            "legacy_province_code": pa.array(np.concatenate(cols["legacy_province_code"]), pa.string()),
        }
        table.update({k: pa.array(np.concatenate(v).astype(np.int64)) for k, v in after.items()})
        return pa.table(table)

    # ---- tasks ------------------------------------------------------------------------------
    def tasks(self) -> pa.Table:
        """Task lists: 40 per legacy province (2022 to mid-2025), 16 per current province after."""
        rows = []
        end = np.datetime64(self.months[-1], "M") + 1
        last_day = end.astype("datetime64[D]") - 1
        legacy_codes = self.legacy["legacy_province_code"].tolist()
        owners = [
            (reference.crosswalk()[c], c, self.performance[i], "2022-02-01", "2025-05-31", 40)
            for i, c in enumerate(legacy_codes)
        ]
        for current in sorted({o[0] for o in owners}):
            z = float(np.mean([o[2] for o in owners if o[0] == current]))
            owners.append((current, None, z, "2025-07-01", "2026-09-30", 16))
        for current, legacy, z, start, stop, count in owners:
            rng = self.rng("tasks", current, legacy or "")
            first, last = np.datetime64(start), np.datetime64(stop)
            assigned = np.sort(first + rng.integers(0, int((last - first).astype(int)), count))
            for i, day in enumerate(assigned):
                if day > last_day:
                    continue
                group = int(rng.integers(1, 6))
                deadline = day + int(rng.choice([30, 60, 90, 120, 180]))
                on_time = rng.random() < np.clip(0.75 + 0.08 * z, 0.4, 0.97)
                done = day + int(rng.integers(5, max(6, int((deadline - day).astype(int)))))
                if not on_time:
                    done = deadline + int(rng.integers(1, 120))
                rows.append(
                    {
                        "task_id": f"{legacy or current}-{'L' if legacy else 'C'}{i + 1:03d}",
                        "province_code": current,
                        "legacy_province_code": legacy,
                        "group": group,
                        "title": str(rng.choice(_TASK_TITLES[group])),
                        "lead_unit": str(rng.choice(_LEAD_UNITS["before" if legacy else "after"])),
                        "assigned_on": day,
                        "deadline": deadline,
                        "completed_on": done if done <= last_day else None,
                    }
                )
        cols = {k: [r[k] for r in rows] for k in rows[0]}
        return pa.table(
            {
                "task_id": pa.array(cols["task_id"], pa.string()),
                "province_code": pa.array(cols["province_code"], pa.string()),
                "legacy_province_code": pa.array(cols["legacy_province_code"], pa.string()),
                "group": pa.array(cols["group"], pa.int64()),
                "title": pa.array(cols["title"], pa.string()),
                "lead_unit": pa.array(cols["lead_unit"], pa.string()),
                "assigned_on": pa.array(np.array(cols["assigned_on"], "datetime64[D]"), pa.date32()),
                "deadline": pa.array(np.array(cols["deadline"], "datetime64[D]"), pa.date32()),
                "completed_on": pa.array(
                    [None if d is None else d.astype("datetime64[D]").item() for d in cols["completed_on"]],
                    pa.date32(),
                ),
            }
        )


def write_sample(
    data_dir: Path | str,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    legacy_codes: list[str] | None = None,
    validate: bool = True,
    progress=None,
) -> dict[str, int]:
    """Generate the sample into `data_dir`/processed and return the rows written per table.

    Files are written into a staging folder and moved into place only when all of them are
    valid, so an interrupted run leaves the previous data as it was.
    """
    if not scale > 0:
        raise InputError(f"invalid scale {scale!r}: must be a positive number")
    processed = storage.processed_dir(data_dir)
    _refuse_mixing_with_user_data(processed)
    gen = Generator(scale=scale, seed=seed, legacy_codes=legacy_codes)
    staging = processed / ".sample-staging"
    shutil.rmtree(staging, ignore_errors=True)
    counts: dict[str, int] = {}
    try:
        for col, month in enumerate(gen.months):
            _write(staging, "dossiers", f"sample-{month:%Y-%m}", gen.dossiers(col), counts, validate)
            if progress:
                progress(f"dossiers {month:%Y-%m}")
        procedures = gen.procedures()
        for year in sorted({m.year for m in gen.months}):
            in_year = procedures.filter(pc.equal(pc.year(procedures["month"]), year))
            _write(staging, "procedures", f"sample-{year}", in_year, counts, validate)
        for table, content in (
            ("identification", gen.identification()),
            ("services", gen.services()),
            ("tasks", gen.tasks()),
        ):
            _write(staging, table, "sample-all", content, counts, validate)
            if progress:
                progress(table)
        marker = {
            "synthetic": True,
            "generator": "helpers.sample",
            "seed": seed,
            "scale": scale,
            "legacy_provinces": legacy_codes or "all",
            "months": [f"{gen.months[0]:%Y-%m}", f"{gen.months[-1]:%Y-%m}"],
            "rows": counts,
        }
        storage.write_text_atomic(staging / MARKER, json.dumps(marker, indent=2) + "\n")
        _publish(staging, processed)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts


def _write(staging: Path, table: str, name: str, content: pa.Table, counts: dict, validate: bool):
    if validate:
        from helpers.validation import validate as check

        frame = content.to_pandas(date_as_object=False)
        frame.index = frame.index + 1
        check(table, frame)
    storage.write_parquet(content, staging / table / f"{name}.parquet")
    counts[table] = counts.get(table, 0) + content.num_rows


def _refuse_mixing_with_user_data(processed: Path) -> None:
    own = (
        [
            p
            for t in storage.TABLES
            for p in (processed / t).glob("*.parquet")
            if not p.name.startswith("sample-")
        ]
        if processed.is_dir()
        else []
    )
    if own:
        raise InputError(
            f"{processed} holds data that is not the sample ({own[0]} and {len(own) - 1} more): "
            "generate the sample into another folder with --data-dir"
        )


def _publish(staging: Path, processed: Path) -> None:
    """Move the staged files into place and remove sample files the new run did not make."""
    for table in storage.TABLES:
        new = {p.name for p in (staging / table).glob("*.parquet")}
        target = processed / table
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("sample-*.parquet"):
            if old.name not in new:
                old.unlink()
        for name in sorted(new):
            (staging / table / name).replace(target / name)
    (staging / MARKER).replace(processed / MARKER)


def sample_info(data_dir: Path | str) -> dict | None:
    """The sample marker of a data folder, or None when its data is not the synthetic sample."""
    path = storage.processed_dir(data_dir) / MARKER
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
