"""The units the sample's official Decision 766 index lists (`helpers.data.sample.official`),
named and coded as the National Public Service Portal names them: "UBND tỉnh Quảng Trị" (H44),
"Sở Tư pháp - Tỉnh Quảng Trị" (H44.01...), "UBND xã Gio Linh - Tỉnh Quảng Trị" (H44.100...),
and the country; each with its performance and its own random draws."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from helpers.core import reference
from helpers.data.sample.tally import current_provinces, departments

if TYPE_CHECKING:
    from helpers.data.sample.generator import Generator

COUNTRY_NAME = "Cả nước"
"""The country's row, as the portal's national summary names it."""

DEPARTMENT_SPREAD = 0.6
"""How far (in units of the provinces' performance score) a department or commune is from its
province."""

DRAWS = 32
"""Random draws per unit (its own generator, keyed by its portal code, so a unit draws the
same in any sample): the first moves its performance, the last two its procedures and
petitions, the others one metric each."""


@lru_cache(maxsize=64)
def _province_title(code: str) -> tuple[str, str]:
    """(`UBND tỉnh Quảng Trị` or `UBND Thành phố Huế`, the suffix ` - Tỉnh Quảng Trị`)."""
    full = reference.provinces().set_index("province_code").at[code, "name_vi"]
    short = reference.short_name(full)
    kind = "Thành phố" if reference.is_city(full) else "Tỉnh"
    return f"UBND {kind if kind == 'Thành phố' else 'tỉnh'} {short}", f" - {kind} {short}"


def _commune_name(name: str) -> str:
    """`Xã Gio Linh` → `xã Gio Linh` (the portal's case), a ward or special zone as it is."""
    return "xã" + name[2:] if name.startswith("Xã ") else name


@lru_cache(maxsize=1)
def _commune_numbers() -> dict[str, int]:
    """A commune's number in its province's portal codes (H44.100, H44.101...): 100 for the
    first commune of the province by code, whichever communes the sample holds."""
    communes = reference.communes().sort_values("commune_code")
    position = communes.groupby("province_code").cumcount()
    return dict(zip(communes["commune_code"], 100 + position, strict=True))


@dataclass
class Units:
    """Everyone the sample's index lists, in order: provinces, their departments, communes,
    then the country; per unit its level, codes, portal code and name, its row in `Tally`
    (-1 for provinces and the country), its province's position, and its performance."""

    level: np.ndarray
    province: np.ndarray
    commune: np.ndarray
    code: np.ndarray
    name: np.ndarray
    row: np.ndarray
    of_province: np.ndarray
    z: np.ndarray
    draws: np.ndarray

    def __len__(self) -> int:
        return len(self.level)


def units_of(gen: Generator) -> Units:
    """Every province of the sample, its departments and communes, and the country."""
    provinces = current_provinces(gen)
    communes = gen.communes
    n_communes, n_departments = len(communes), len(departments())
    legacy_z = dict(zip(gen.legacy["legacy_province_code"], gen.performance, strict=True))
    members: dict[str, list[float]] = {}
    for legacy, z in legacy_z.items():
        members.setdefault(reference.crosswalk()[legacy], []).append(z)
    rows: list[tuple] = []
    for p, code in enumerate(provinces):
        rows.append(("province", code, None, f"H{code}", _province_title(code)[0], -1, p))
    for p, code in enumerate(provinces):
        suffix = _province_title(code)[1]
        for d, department in enumerate(departments()):
            row = n_communes + p * n_departments + d
            rows.append(("department", code, None, f"H{code}.{d + 1:02d}", department + suffix, row, p))
    position = {c: p for p, c in enumerate(provinces)}
    numbers = _commune_numbers()
    for row, c in communes.sort_values("commune_code").iterrows():  # rows of `Tally`: the plan's order
        code = f"H{c.province_code}.{numbers[c.commune_code]}"
        name = f"UBND {_commune_name(c.name_vi)}{_province_title(c.province_code)[1]}"
        rows.append(("commune", c.province_code, c.commune_code, code, name, row, position[c.province_code]))
    rows.append(("country", None, None, None, COUNTRY_NAME, -1, -1))
    columns = list(zip(*rows, strict=True))
    z_province = np.array([np.mean(members[c]) for c in provinces])
    draws = np.array([gen.rng("index-766", code or "VN").standard_normal(DRAWS) for code in columns[3]])
    of_province = np.array(columns[6])
    level = np.array(columns[0], object)
    z = np.where(of_province >= 0, z_province[of_province], 0.0)
    z = z + np.where(np.isin(level, ["department", "commune"]), DEPARTMENT_SPREAD * draws[:, 0], 0.0)
    texts = [np.array(columns[i], object) for i in (1, 2, 3, 4)]
    return Units(level, *texts, np.array(columns[5]), of_province, z, draws)
