"""The portal's Decision 766 responses, as its reporting pages return them (saved from the
browser or kept by a crawler), read into records of units and figures.

Two shapes, under the envelope `{"code": "OK", "data": {...}}` (the bare `data` is read too):
- `overview` + `evaluation[]`: the root unit (a province, or the whole country) and the
  units under it, each with `totalScore`, `totalMaxScore`, `ratio` and either `metrics[]`
  (`code`, `numerator`, `denominator`, `ratio`, `score`, `maxScore`: transparency,
  satisfaction, digitisation) or `groupScores` by group code (the national summary);
- `parent` + `children[]`: the root and its departments and communes (`level` PROVINCE or
  COMMUNE, `departmentCode` H44, H44.07, H44.100), the group's figures as fields (progress:
  `totalOnTime`, `totalReceived`; online services; payment), the score as `totalScore` or
  `score`.
Which group a response is about comes from its metric codes or fields, as the catalog
(`score_766` in indicators.yml) names them. The portal's earlier service
(`report_tinh_766_service`, 2025) answered with a list of units, each with `TEN` (its
name), the six group codes and `TONG_SCORE`, numbers as text: read like a score table.
Anything else is refused, naming what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from helpers.core import reference
from helpers.core.errors import Problem

TABLE = "index_766"

# the portal's keys, matched as the portal spells them
_ENVELOPE, _OVERVIEW, _EVALUATION, _PARENT, _CHILDREN = "data", "overview", "evaluation", "parent", "children"
_NAME, _CODE, _TYPE, _LEVEL, _TREE_LEVEL = (
    "departmentName",
    "departmentCode",
    "departmentType",
    "departmentLevel",
    "level",
)
_SCORE, _MAX, _RATIO, _METRICS, _GROUP_SCORES = (
    "totalScore",
    "totalMaxScore",
    "ratio",
    "metrics",
    "groupScores",
)
_CHILD_SCORE, _CHILD_MAX = "score", "maxScore"
_LIST_NAME, _LIST_CODE, _LIST_LEVEL, _LIST_TOTAL = "TEN", "MA_COQUAN", "CAPDONVIID", "TONG_SCORE"
_LIST_LEVELS = {"1": "department", "2": "commune"}
_COMMUNE_TYPES = {"COMMUNE", "COMMUNE_PEOPLE_COMMITTEE"}
_DEPARTMENT_TYPES = {"PROVINCIAL_DEPARTMENT"}
_PROVINCE_TYPES = {"PROVINCE"}

EXPECTED = (
    "the portal's Decision 766 response: data.overview with data.evaluation[] "
    "(metrics[] or groupScores), or data.parent with data.children[]"
)


@dataclass
class Record:
    """One figure of one unit: a group's or the total's score (metric None), or a metric."""

    where: str  # its place in the file, for messages
    name: object
    code: object
    role: str  # root, or child
    level_hint: str | None  # province, department, commune, country, from the portal's own fields
    group: str
    metric: str | None = None
    numerator: object = None
    denominator: object = None
    ratio: object = None
    score: object = None
    max_score: object = None
    rank: object = None


@dataclass
class Response:
    shape: str
    group: str  # the group the response is about, or "all" (a summary of every group)
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@lru_cache(maxsize=1)
def _metric_groups() -> dict[str, str]:
    """The portal's metric code → its group, for every metric the catalog names."""
    out = {}
    for group in reference.catalog()["score_766"]:
        for item in [*group["parts"], *group.get("parameters", [])]:
            if item.get("metric") and not item.get("fields"):
                out[item["metric"]] = group["group"]
    return out


@lru_cache(maxsize=1)
def _tree_metrics() -> dict[str, list[tuple[str, str, str]]]:
    """Per group published as a tree: (metric, numerator field, denominator field)."""
    out: dict = {}
    for group in reference.catalog()["score_766"]:
        for item in [*group["parts"], *group.get("parameters", [])]:
            if item.get("fields"):
                out.setdefault(group["group"], []).append((item["metric"], *item["fields"]))
    return out


@lru_cache(maxsize=1)
def group_codes() -> dict[str, str]:
    """The portal's group code (CKMB...) → the catalog's group."""
    return {g["code"]: g["group"] for g in reference.catalog()["score_766"]}


def unwrap(document: object) -> dict | None:
    """The `data` of the portal's envelope (or the document itself when it is already it)."""
    if isinstance(document, dict) and isinstance(document.get(_ENVELOPE), dict):
        return document[_ENVELOPE]
    return document if isinstance(document, dict) else None


def read_response(document: object, file: str) -> Response | None:
    """The records of one response; None when its shape is not one of the portal's."""
    items = document.get(_ENVELOPE) if isinstance(document, dict) else document
    if isinstance(items, list) and items and any(isinstance(i, dict) and _LIST_TOTAL in i for i in items):
        return _listing(items, file)
    data = unwrap(document)
    if data is None:
        return None
    if isinstance(data.get(_OVERVIEW), dict) and isinstance(data.get(_EVALUATION), list):
        return _evaluation(data, file)
    if isinstance(data.get(_PARENT), dict) and isinstance(data.get(_CHILDREN), list):
        return _tree(data, file)
    return None


def _problem(file: str, where: str, column: str | None, value: object, reason: str) -> Problem:
    return Problem(TABLE, column, None, value, f"{where}: {reason}", file=file)


def _level_hint(unit: dict, role: str) -> str | None:
    kind = unit.get(_TYPE) or unit.get(_LEVEL) or unit.get(_TREE_LEVEL)
    if (
        kind in _COMMUNE_TYPES
        or unit.get(_LEVEL) in _COMMUNE_TYPES
        or unit.get(_TREE_LEVEL) in _COMMUNE_TYPES
    ):
        return "commune"
    if kind in _DEPARTMENT_TYPES:
        return "department"
    if kind in _PROVINCE_TYPES:
        return "province" if role == "root" else None
    return None


# ---- overview + evaluation[] ----------------------------------------------------------------------


def _evaluation(data: dict, file: str) -> Response:
    units = [("overview", "root", data[_OVERVIEW])]
    units += [(f"evaluation[{i}]", "child", u) for i, u in enumerate(data[_EVALUATION])]
    if any(isinstance(u, dict) and isinstance(u.get(_GROUP_SCORES), dict) for _, _, u in units):
        return _summary(units, file)
    out = Response("overview+evaluation", "")
    known = _metric_groups()
    found = set()
    for where, _role, unit in units:
        if not isinstance(unit, dict):
            out.problems.append(_problem(file, where, None, None, "expected an object (one unit)"))
            continue
        for metric in unit.get(_METRICS) or []:
            if isinstance(metric, dict) and metric.get("code") in known:
                found.add(known[metric["code"]])
    if len(found) != 1:
        seen = "metrics of several groups" if found else "no metric code the catalog knows"
        out.problems.append(
            _problem(
                file, "data", _METRICS, None, f"{seen}: expected the codes of one group, such as DOSSIER_SYNC"
            )
        )
        return out
    out.group = found.pop()
    for where, role, unit in units:
        if isinstance(unit, dict):
            _evaluation_unit(out, file, where, role, unit)
    return out


def _evaluation_unit(out: Response, file: str, where: str, role: str, unit: dict) -> None:
    head = Record(where, unit.get(_NAME), unit.get(_CODE), role, _level_hint(unit, role), out.group)
    head.score, head.max_score, head.ratio = unit.get(_SCORE), unit.get(_MAX), unit.get(_RATIO)
    out.records.append(head)
    metrics = unit.get(_METRICS)
    if metrics is not None and not isinstance(metrics, list):
        out.problems.append(_problem(file, where, _METRICS, None, "expected a list of metrics"))
        return
    for i, metric in enumerate(metrics or []):
        place = f"{where}.metrics[{i}]"
        if not isinstance(metric, dict):
            out.problems.append(_problem(file, place, None, None, "expected an object (one metric)"))
            continue
        record = Record(place, head.name, head.code, role, head.level_hint, out.group, metric.get("code"))
        record.numerator, record.denominator = metric.get("numerator"), metric.get("denominator")
        record.ratio, record.score, record.max_score = (
            metric.get("ratio"),
            metric.get("score"),
            metric.get(_CHILD_MAX),
        )
        out.records.append(record)


def _summary(units: list, file: str) -> Response:
    """The summary of every group (the national ranking): a total and six group scores."""
    out = Response("overview+evaluation(groupScores)", "all")
    codes = group_codes()
    for where, role, unit in units:
        if not isinstance(unit, dict):
            out.problems.append(_problem(file, where, None, None, "expected an object (one unit)"))
            continue
        total = Record(where, unit.get(_NAME), unit.get(_CODE), role, _level_hint(unit, role), "total")
        total.score, total.max_score, total.ratio = unit.get(_SCORE), unit.get(_MAX), unit.get(_RATIO)
        out.records.append(total)
        scores = unit.get(_GROUP_SCORES) or {}
        if not isinstance(scores, dict):
            out.problems.append(_problem(file, where, _GROUP_SCORES, None, "expected scores by group code"))
            continue
        for code, value in scores.items():
            if code not in codes:
                reason = f"unknown group code: expected one of {', '.join(codes)}"
                out.problems.append(_problem(file, where, _GROUP_SCORES, str(code)[:40], reason))
                continue
            record = Record(
                f"{where}.{_GROUP_SCORES}.{code}", total.name, total.code, role, total.level_hint, codes[code]
            )
            record.score = value
            out.records.append(record)
    return out


# ---- parent + children[] --------------------------------------------------------------------------


def _tree(data: dict, file: str) -> Response:
    out = Response("parent+children", "")
    parent = data[_PARENT]
    trees = _tree_metrics()
    found = [g for g, metrics in trees.items() if any(m[1] in parent for m in metrics)]
    if len(found) != 1:
        fields = ", ".join(m[1] for metrics in trees.values() for m in metrics[:1])
        reason = f"no group's fields: expected fields such as {fields}"
        out.problems.append(_problem(file, "data.parent", None, None, reason))
        return out
    out.group = found[0]
    units = [("parent", "root", parent)] + [
        (f"children[{i}]", "child", c) for i, c in enumerate(data[_CHILDREN])
    ]
    for where, role, unit in units:
        if not isinstance(unit, dict):
            out.problems.append(_problem(file, where, None, None, "expected an object (one unit)"))
            continue
        head = Record(where, unit.get(_NAME), unit.get(_CODE), role, _level_hint(unit, role), out.group)
        head.score = unit.get(_SCORE, unit.get(_CHILD_SCORE))
        head.max_score = unit.get(_MAX, unit.get(_CHILD_MAX))
        head.ratio = unit.get(_RATIO)
        out.records.append(head)
        for metric, numerator, denominator in trees[out.group]:
            if numerator in unit or denominator in unit:
                record = Record(
                    f"{where}.{numerator}", head.name, head.code, role, head.level_hint, out.group, metric
                )
                record.numerator, record.denominator = unit.get(numerator), unit.get(denominator)
                out.records.append(record)
    return out


# ---- the earlier service's list -----------------------------------------------------------------


def _listing(items: list, file: str) -> Response:
    """A list of units (`report_tinh_766_service`): a total and six group scores each."""
    out = Response("list (report_tinh_766_service)", "all")
    codes = group_codes()
    points = {g["group"]: float(g["points"]) for g in reference.catalog()["score_766"]}
    for i, item in enumerate(items):
        where = f"[{i}]"
        if not isinstance(item, dict):
            out.problems.append(_problem(file, where, None, None, "expected an object (one unit)"))
            continue
        hint = _LIST_LEVELS.get(str(item.get(_LIST_LEVEL)))
        total = Record(where, item.get(_LIST_NAME), item.get(_LIST_CODE), "child", hint, "total")
        total.score, total.max_score = item.get(_LIST_TOTAL), 100.0
        out.records.append(total)
        for code, group in codes.items():
            if code in item:
                record = Record(f"{where}.{code}", total.name, total.code, "child", hint, group)
                record.score, record.max_score = item[code], points[group]
                out.records.append(record)
    return out
