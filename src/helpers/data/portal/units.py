"""Who each record of a response or score table is about: its level (country, province,
department, commune), our province and commune codes where its name matches exactly one
unit, and the portal's own code and name, checked as text from outside.

The root of a response (its overview or parent) is a province, or the whole country; under
a province, departments keep the portal's code and name, communes are matched by name
within the province; under the country, every unit is a province. In a score table a name
says what it is ("UBND xã ..."), a bare name is a province where one has it, else a commune
of the table's province, else a department.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.data.portal import names
from helpers.data.portal.responses import Record


@dataclass
class Unit:
    level: str
    province_code: str | None
    commune_code: str | None
    portal_code: str | None
    portal_name: str | None
    status: str  # matched, unmatched, ambiguous, department, country
    reason: str | None = None
    candidates: tuple[str, ...] = ()
    dropped: list | None = None  # (field, why) of what was not kept


def place(record: Record, root: str | None, context: str | None) -> Unit:
    """The unit of a record. `root`: the level of the response's root (None for a score
    table); `context`: the province the records are under, where known."""
    name, name_why = names.checked_name(record.name)
    code, code_why = names.checked_code(record.code)
    dropped = [(f, why) for f, why in (("name", name_why), ("code", code_why)) if why]
    read = names.read_name(name) if name else None
    if read is not None and read.suffix is not None:
        named = names.match_province(read.suffix).code
        if named is not None and context is not None and named != context:
            level = _level(record, read, root)
            level = "department" if level == "other" else level
            reason = "its suffix names another province"
            return _checked(Unit(level, context, None, code, name, "unmatched", reason), dropped)
        context = context or named
    unit = _unit(record, read, root, context, code, name)
    return _checked(unit, dropped)


def _level(record: Record, read, root: str | None) -> str:
    if record.role == "root":
        return "country" if read is not None and read.kind == "country" else "province"
    if root == "country":
        return "province"
    if record.level_hint in ("commune", "department", "province"):
        return record.level_hint
    if read is None:
        return "department"
    if read.kind == "country":
        return "country"
    if read.kind in ("commune", "province"):
        return read.kind
    return "other"


def _unit(record: Record, read, root: str | None, context: str | None, code, name) -> Unit:
    level = _level(record, read, root)
    if read is None:  # only the portal's code is known
        return Unit(
            "department" if level == "other" else level,
            context,
            None,
            code,
            None,
            "unmatched" if level in ("province", "commune") else "department",
            "no name",
        )
    if level == "country":
        return Unit("country", None, None, code, name, "country")
    if level == "department":
        return Unit("department", context, None, code, name, "department")
    if level == "province":
        match = names.match_province(read.key)
        return Unit("province", match.code, None, code, name, match.status, match.reason)
    if level == "commune":
        if root == "province" and context is None:  # under a province whose name matched none
            return Unit("commune", None, None, code, name, "unmatched", "its province is not known")
        match = names.match_commune(read, context)
        home = context or (names.commune_provinces()[match.code] if match.code else None)
        return Unit("commune", home, match.code, code, name, match.status, match.reason, match.candidates)
    # a bare name in a score table: a province, else a commune of its province, else a department
    province = names.match_province(read.key)
    if province.code is not None and root is None and read.kind != "committee":
        return Unit("province", province.code, None, code, name, "matched")
    if context is not None:
        commune = names.match_commune(read, context)
        if commune.status != "unmatched":
            return Unit(
                "commune",
                context,
                commune.code,
                code,
                name,
                commune.status,
                commune.reason,
                commune.candidates,
            )
        return Unit("department", context, None, code, name, "department")
    return Unit("province", None, None, code, name, "unmatched", province.reason)


def _checked(unit: Unit, dropped: list) -> Unit:
    """A name kept only where it matched a unit of the reference lists (public names) or
    does not look like personal data; what is not kept is said, never stored."""
    public = unit.status == "matched" or unit.status == "country"
    if unit.portal_name is not None and not public and names.looks_personal(unit.portal_name):
        dropped.append(("name", "looks like a person's name or contact details"))
        unit.portal_name = None
    unit.dropped = dropped
    return unit
