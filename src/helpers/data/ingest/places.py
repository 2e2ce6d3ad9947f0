"""Provinces and communes as exports write them, read with the boundaries of each row's date.

A row dated before 1 July 2025 belongs to one of the 63 former (legacy) provinces, a
later row to one of the 34 current ones (Resolution 202/2025/QH15). A province is given
by code or name in a column, or once for a whole file (`--province 44`, `legacy/45`);
a commune by its current 5-digit code or its name within the province. Where a row's
legacy province is not written, it is taken from the current province when that was one
former province, else from the row's commune (communes.csv records it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.core import reference
from helpers.core.errors import InputError
from helpers.core.units import REORGANISATION, Unit, legacy_of, parse_unit
from helpers.data.ingest import vocab
from helpers.data.ingest.values import Bad, Distinct, Read, blank, parse_text, trimmed
from helpers.data.ingest.vocab import norm

_CUTOFF = np.datetime64(REORGANISATION, "ms")
BEFORE, AFTER, UNDATED = 0, 1, 2


@lru_cache(maxsize=1)
def _province_names() -> tuple[dict, dict]:
    """(legacy, current) lookups: folded code or name → code."""

    def names(frame, code_col):
        out = {}
        for row in frame.itertuples():
            code = getattr(row, code_col)
            for text in (code, str(int(code)), row.name_vi, row.short_name_vi):
                out[norm(text)] = code
        return out

    return (
        names(reference.legacy_provinces(), "legacy_province_code"),
        names(reference.provinces(), "province_code"),
    )


def _province_key(value: object) -> str:
    key = norm(parse_text(value))
    spec = vocab.places()
    for prefix in spec["province_prefixes"]:
        key = key[len(prefix) :] if key.startswith(prefix) else key
    return spec["abbreviations"].get(key, key)


def _province(value: object, state: int) -> tuple[str, str | None]:
    key = _province_key(value)
    legacy, current = _province_names()
    if state == BEFORE and key in legacy:
        return reference.crosswalk()[legacy[key]], legacy[key]
    if key in current:
        return current[key], None
    if state != BEFORE and key in legacy:  # a former province's name after July 2025
        return reference.crosswalk()[legacy[key]], None
    raise Bad("unknown province: expected a code or name (legacy before July 2025, current after)")


def parse_province(value: object, when: date | None) -> tuple[str, str | None]:
    """(current province, legacy province or None) of a code or name, read with the
    boundaries in force on `when` (codes before July 2025 are legacy codes)."""
    return _province(value, UNDATED if when is None else BEFORE if when < REORGANISATION else AFTER)


@lru_cache(maxsize=1)
def _commune_names() -> dict:
    out: dict = {}
    prefixes = vocab.places()["commune_prefixes"]
    for row in reference.communes().itertuples():
        name = norm(row.name_vi)
        short = next((name[len(p) :] for p in prefixes if name.startswith(p)), name)
        for key in {name, short}:
            out.setdefault((row.province_code, key), []).append(row.commune_code)
    return out


@lru_cache(maxsize=1)
def _communes() -> pd.DataFrame:
    return reference.communes().set_index("commune_code")


def parse_commune(value: object, province: str | None) -> str:
    """A current commune by 5-digit code, or by name within the row's province."""
    text = parse_text(value)
    if text.isdigit() and text.zfill(5) in _communes().index:
        return text.zfill(5)
    if province is not None:
        found = _commune_names().get((province, norm(text)), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise Bad("ambiguous commune name in this province: give its 5-digit code")
    raise Bad("unknown commune: expected a current 5-digit code or a current name in the province")


def selector(text: str | None) -> tuple[str, str | None] | None:
    """(current province, legacy province or None) of a `--province` unit selector."""
    if text is None:
        return None
    unit = parse_unit(text)
    if unit.level == "province":
        return unit.code, None
    if unit.level == "legacy_province":
        return reference.crosswalk()[unit.code], unit.code
    raise InputError(f"--province {text}: expected a province (44, quang-tri) or a former one (legacy/45)")


def _pairs(values, other: np.ndarray, parse) -> tuple[Read, list]:
    """Read each distinct (value, other) pair once: `parse(value, other)`."""
    d = Distinct.of(trimmed(values))
    other_codes, other_uniques = pd.factorize(other, use_na_sentinel=True)
    width = len(other_uniques) + 1
    keys, inverse = np.unique(d.codes * width + other_codes + 1, return_inverse=True)
    results, reasons, shown = [], [], []
    for key in keys:
        code, extra = divmod(int(key), width)
        value = d.uniques[code] if code >= 0 else None
        shown.append(value)
        if value is None or blank(value):
            results.append(None)
            reasons.append(None)
            continue
        try:
            results.append(parse(value, other_uniques[extra - 1] if extra else None))
            reasons.append(None)
        except Bad as exc:
            results.append(None)
            reasons.append(str(exc))
    return Read(None, Distinct(inverse.astype(np.int64).ravel(), shown), reasons), results


@dataclass
class Places:
    province: np.ndarray
    legacy: np.ndarray
    commune: np.ndarray | None
    problems: list = field(default_factory=list)  # (row, header key, value, reason)


def read_places(rows, when, provinces=None, communes=None, given=None, given_text=None) -> Places:
    """The current province, legacy province and commune of every row.

    `when`: the rows' dates (datetime64, NaT where unknown); `provinces`, `communes`: the
    columns as written, or None; `given`: the `--province` selector read by `selector`.
    """
    n = len(rows)
    state = np.where(np.isnat(when), UNDATED, np.where(when < _CUTOFF, BEFORE, AFTER))
    out = Places(np.full(n, None, dtype=object), np.full(n, None, dtype=object), None)
    if provinces is not None:
        read, results = _pairs(provinces, state, lambda v, s: _province(v, s))
        pairs = results + [None]
        codes = read.distinct.codes
        out.province = np.array([p[0] if p else None for p in pairs], dtype=object)[codes]
        out.legacy = np.array([p[1] if p else None for p in pairs], dtype=object)[codes]
        out.problems += [(r, "province", v, why) for r, v, why in read.problems(rows)]
        if given is not None:
            shown = np.array(read.distinct.uniques + [None], dtype=object)[codes]
            differs = pd.notna(out.province) & (out.province != given[0])
            if given[1] is not None:
                differs |= (state == BEFORE) & pd.notna(out.legacy) & (out.legacy != given[1])
            for i in np.flatnonzero(differs):
                reason = f"differs from --province {given_text}, given for the whole file"
                out.problems.append((int(rows[i]), "province", shown[i], reason))
    if given is not None:
        empty = pd.isna(out.province)
        out.province[empty] = given[0]
        if given[1] is not None:
            out.legacy[empty & (state == BEFORE)] = given[1]
    if communes is not None:
        read, results = _pairs(communes, out.province, parse_commune)
        out.commune = np.array(results + [None], dtype=object)[read.distinct.codes]
        out.problems += [(r, "commune", v, why) for r, v, why in read.problems(rows)]
        known = pd.notna(out.commune)
        home = _lookup(out.commune[known], "province_code")
        no_province = pd.isna(out.province[known])
        out.province[np.flatnonzero(known)[no_province]] = home[no_province]
    _fill_legacy(out, rows, state, given_text)
    return out


@lru_cache(maxsize=2)
def _commune_map(column: str) -> dict[str, str]:
    return _communes()[column].to_dict()


def _lookup(keys: np.ndarray, mapping) -> np.ndarray:
    """Map codes through a dict, or a column of communes.csv, each distinct code once;
    None where not found."""
    mapping = _commune_map(mapping) if isinstance(mapping, str) else mapping
    codes, uniques = pd.factorize(keys)
    found = np.array([mapping.get(u) for u in uniques] + [None], dtype=object)
    return found[codes]


def _fill_legacy(out: Places, rows, state, given_text) -> None:
    """The legacy province of rows before July 2025 that do not say it."""
    need = (state == BEFORE) & pd.isna(out.legacy) & pd.notna(out.province)
    if not need.any():
        return
    members = {code: legacy_of(code) for code in pd.unique(out.province[need])}
    single = {code: m[0] for code, m in members.items() if len(m) == 1}
    out.legacy[need] = _lookup(out.province[need], single)
    need &= pd.isna(out.legacy)
    if need.any() and out.commune is not None:
        out.legacy[need] = _lookup(out.commune[need], "legacy_province_code")
        need &= pd.isna(out.legacy)
    for i in np.flatnonzero(need):
        code = out.province[i]
        options = " or ".join(f"--province {Unit('legacy_province', m)}" for m in members[code])
        reason = (
            f"dated before 1 July 2025, when province {code} was {len(members[code])} provinces: "
            f"give the row's commune or former province, or ingest a file of one former province "
            f"with {options}"
        )
        out.problems.append((int(rows[i]), "province", given_text or code, reason))
