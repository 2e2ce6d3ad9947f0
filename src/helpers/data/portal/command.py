"""`p06 ingest --table index_766`: the portal's saved responses and score tables in, the
canonical table `index_766` out (DESIGN.md section 5).

Every file is bounded, read and checked before anything is written; a problem names the
file, the place in it, the field and the value. The portal's responses do not say their
period or date, so `--period` (a year, quarter or month) and `--as-of` (the snapshot's date)
say them. A snapshot is stored per root unit (a province, or the country for a national
table), period, date and group, so several snapshots of a period are kept and ingesting the
same one again replaces it; the write goes through the same staging as every table
(`helpers.data.ingest.stage`), all files or none.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core.errors import InputError, Problem
from helpers.core.periods import Period, parse_period
from helpers.data import journal, schema, storage
from helpers.data.ingest import places, read
from helpers.data.ingest.stage import Stage
from helpers.data.ingest.values import Bad, blank, parse_date
from helpers.data.portal import names
from helpers.data.portal.responses import EXPECTED, TABLE, Response, read_response
from helpers.data.portal.tables import read_table
from helpers.data.portal.units import Unit, place
from helpers.data.validation import find_problems

MAX_BYTES = 64 << 20
"""The largest file read (a province's response with every commune is about 200 KB)."""

JSON = ".json"
_METRIC = re.compile(r"[A-Z][A-Z0-9_]{0,63}")


def ingest_index(
    paths,
    data_dir: Path | str,
    period: str | None = None,
    as_of: str | None = None,
    province: str | None = None,
    sheet: str | None = None,
) -> dict:
    """Read and check every file named; write nothing unless all pass; then replace the
    snapshots they give. Returns a summary (see `describe`)."""
    data_dir = Path(data_dir)
    read.refuse_sample(data_dir)
    when = _period(period)
    day = _as_of(as_of, when)
    journal.recover(data_dir)  # what an interrupted run left, first
    given = _province(province)
    run = Run(when, day, given)
    for path in read.files([paths] if isinstance(paths, str | Path) else paths, (JSON, *read.SUFFIXES)):
        _bounded(path)
        responses = _read_json(path) if path.suffix.lower() == JSON else read_table(path, sheet)
        for response in responses:
            run.add(path, response)
    if run.problems:
        raise InputError(f"{len(run.problems):,} problems in the files; nothing was written", run.problems)
    frame = run.frame()
    problems = find_problems(TABLE, frame)
    if problems:
        raise InputError(f"{len(problems):,} problems in the figures; nothing was written", problems)
    stage = Stage(data_dir, TABLE)
    try:
        data = storage.frame_to_arrow(frame[schema.table(TABLE).names])
        data = data.cast(schema.arrow_schema(TABLE))
        codes, keys = pd.factorize(np.array(run.partitions, dtype=object))
        stage.add(data, (codes.astype(np.int64), list(keys)))
        written, replaced = stage.commit()
    finally:
        stage.cleanup()
    return run.summary(data_dir, written, replaced)


# ---- arguments and files ---------------------------------------------------------------------------


def _period(text: str | None) -> Period:
    if text is None:
        raise InputError("--table index_766 needs --period: the year, quarter or month the figures are for")
    period = parse_period(text)
    if ".." in period.label:
        raise InputError(f"--period {text}: the portal publishes a year, a quarter or a month, not a range")
    return period


def _as_of(text: str | None, period: Period) -> date:
    if text is None:
        raise InputError("--table index_766 needs --as-of: the date the figures were published or saved")
    try:
        day = parse_date(text)
    except Bad as exc:
        raise InputError(f"--as-of {text}: {exc}") from None
    if day < period.start:
        raise InputError(f"--as-of {text}: before the period {period} starts")
    if day > date.today():
        raise InputError(f"--as-of {text}: in the future")
    return day


def _province(text: str | None) -> str | None:
    given = places.selector(text)
    if given is not None and given[1] is not None:
        raise InputError(f"--province {text}: the portal's index is by the 34 current provinces")
    return None if given is None else given[0]


def _bounded(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{path}: {size:,} bytes, over the limit of {MAX_BYTES:,} for a portal file")


def _read_json(path: Path) -> list[Response]:
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text: expected {EXPECTED}") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): expected {EXPECTED}"
        ) from None
    except RecursionError:
        raise InputError(
            f"{path}: nested too deeply to be the portal's response: expected {EXPECTED}"
        ) from None
    response = read_response(document, str(path))
    if response is None:
        raise InputError(f"{path}: an unknown shape: expected {EXPECTED}")
    return [response]


# ---- one run -----------------------------------------------------------------------------------------


def _number(value: object) -> float | None:
    """A published figure: a number, or text of one (a decimal comma or point)."""
    if value is None or (isinstance(value, str) and blank(value)):
        return None
    if isinstance(value, bool):
        raise Bad("not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        text = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
        try:
            number = float(text)
        except ValueError:
            raise Bad("not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    if number < 0:
        raise Bad("negative: a published figure is never below 0")
    return number


def _count(value: object) -> int | None:
    number = _number(value)
    if number is not None and not number.is_integer():
        raise Bad("not a whole number")
    return None if number is None else int(number)


class Run:
    """The rows, units and problems of one ingest run."""

    def __init__(self, period: Period, as_of: date, province: str | None):
        self.period, self.as_of, self.province = period, as_of, province
        self.rows: list[dict] = []
        self.partitions: list[str] = []
        self.problems: list[Problem] = []
        self.files: list[dict] = []
        self.units: dict[tuple, Unit] = {}
        self.unknown_metrics: set[str] = set()
        self.dropped: list[dict] = []
        self.owners: dict[str, str] = {}

    def add(self, path: Path, response: Response) -> None:
        self.problems += response.problems
        root, context, scope = self._root(path, response)
        tag = response.group if response.group != "all" else "table" if root is None else "summary"
        partition = f"{scope}-{self.period}-{self.as_of}-{tag}"
        owner = self.owners.setdefault(partition, str(path))
        if owner != str(path):
            reason = f"gives the same snapshot as {owner} ({scope}, {self.period}, {self.as_of}, {tag})"
            self.problems.append(Problem(TABLE, None, None, None, reason, file=str(path)))
        before = len(self.rows)
        for record in response.records:
            key = (str(path), record.where.split(".")[0], record.name, record.code)
            if key not in self.units:
                self.units[key] = place(record, root, context)
            row = self._row(path, record, self.units[key])
            if row is not None:
                self.rows.append(row)
                self.partitions.append(partition)
        self.files.append(
            {
                "file": str(path),
                "shape": response.shape,
                "group": response.group,
                "rows": len(self.rows) - before,
            }
        )

    def _root(self, path: Path, response: Response) -> tuple[str | None, str | None, str]:
        """The level of the response's root (None for a score table), the province its
        units are under (where known), and the scope its snapshot is stored under."""
        root = next((r for r in response.records if r.role == "root"), None)
        if root is None:
            context = self.province or _table_province(response)
            return None, context, context or "VN"
        unit = place(root, None, None)
        if unit.level == "country":
            return "country", None, "VN"
        if self.province is not None and unit.province_code not in (None, self.province):
            reason = f"the file is about province {unit.province_code}, --province says {self.province}"
            self.problems.append(Problem(TABLE, "departmentName", None, None, reason, file=str(path)))
        context = unit.province_code or self.province
        fallback = re.sub(r"[^A-Za-z0-9]+", "_", unit.portal_code or "unmatched")
        return "province", context, context or fallback

    def _row(self, path: Path, record, unit: Unit) -> dict | None:
        for field, why in unit.dropped or []:
            self.dropped.append({"file": str(path), "where": record.where, "field": field, "reason": why})
        unit.dropped = []
        if unit.portal_name is None and unit.portal_code is None and unit.level != "country":
            return None
        if record.metric is not None and not (
            isinstance(record.metric, str) and _METRIC.fullmatch(record.metric)
        ):
            self.dropped.append(
                {"file": str(path), "where": record.where, "field": "metric", "reason": "not a metric code"}
            )
            return None
        if record.metric is not None and record.metric not in _catalog_metrics():
            self.unknown_metrics.add(record.metric)
        row = {
            "province_code": unit.province_code,
            "commune_code": unit.commune_code,
            "portal_unit_code": unit.portal_code,
            "portal_unit_name": unit.portal_name,
            "unit_level": unit.level,
            "period": str(self.period),
            "period_start_on": self.period.start,
            "period_end_on": self.period.end_day,
            "as_of": self.as_of,
            "group": record.group,
            "metric": record.metric,
            "source_file": self._file_name(path),
        }
        readers = {
            "numerator": _count,
            "denominator": _count,
            "ratio": _number,
            "score": _number,
            "max_score": _number,
            "rank": _count,
        }
        for column, reader in readers.items():
            value = getattr(record, column)
            try:
                row[column] = reader(value)
            except Bad as exc:
                shown = value if isinstance(value, int | float) else str(value)[:40]
                self.problems.append(
                    Problem(TABLE, column, None, shown, f"{record.where}: {exc}", file=str(path))
                )
        return row

    def _file_name(self, path: Path) -> str | None:
        """The file's name, as stored: a name a person typed is checked like a unit's."""
        name, why = names.checked_name(path.name)
        if name is not None and names.looks_personal(path.stem):
            name, why = None, "looks like a person's name or contact details"
        if why and not any(d["file"] == str(path) and d["field"] == "file name" for d in self.dropped):
            self.dropped.append({"file": str(path), "where": "-", "field": "file name", "reason": why})
        return name

    def frame(self) -> pd.DataFrame:
        spec = schema.table(TABLE)
        frame = pd.DataFrame(self.rows, columns=spec.names)
        for column in spec.columns:
            if column.kind in ("date", "month"):
                frame[column.name] = pd.to_datetime(frame[column.name]).astype("datetime64[ms]")
            elif column.kind == "count":
                frame[column.name] = pd.array(frame[column.name].tolist(), dtype="Int64")
            elif column.kind == "number":
                frame[column.name] = frame[column.name].astype("float64")
            else:
                frame[column.name] = frame[column.name].astype(object).where(frame[column.name].notna(), None)
        frame.index = pd.RangeIndex(1, len(frame) + 1)
        if frame.empty:
            raise InputError("no unit with figures in the files; nothing was written")
        return frame

    def summary(self, data_dir: Path, written: dict, replaced: list) -> dict:
        units = list({_identity(u): u for u in self.units.values()}.values())
        count = {s: sum(u.status == s for u in units) for s in ("matched", "unmatched", "ambiguous")}
        matched = {
            lvl: sum(u.status == "matched" and u.level == lvl for u in units)
            for lvl in ("province", "commune")
        }
        listed = sorted(
            {
                (
                    u.level,
                    u.portal_name or u.portal_code or "",
                    u.status,
                    u.reason or "",
                    ", ".join(u.candidates),
                )
                for u in units
                if u.status in ("unmatched", "ambiguous")
            }
        )
        return {
            "table": TABLE,
            "folder": str(storage.table_dir(data_dir, TABLE)),
            "rows": sum(written.values()),
            "period": str(self.period),
            "as_of": self.as_of.isoformat(),
            "files": self.files,
            "matched": matched,
            "departments": sum(u.level == "department" for u in units),
            "unmatched": count["unmatched"],
            "ambiguous": count["ambiguous"],
            "names": [
                dict(zip(("level", "name", "status", "reason", "candidates"), item, strict=True))
                for item in listed
            ],
            "dropped": self.dropped,
            "unknown_metrics": sorted(self.unknown_metrics),
            "written": written,
            "replaced": replaced,
        }


def _identity(unit: Unit) -> tuple:
    """One unit however many files name it: by our codes where matched, else by the portal's
    name (its code appears in some responses only)."""
    if unit.status in ("matched", "country"):
        return unit.level, unit.province_code, unit.commune_code
    return unit.level, unit.province_code, unit.portal_name or unit.portal_code, unit.status


def _table_province(response: Response) -> str | None:
    """The one province of a table of a province's departments and communes, where the table
    has one row naming a province among others; a table of several provinces is national."""
    rows = {r.where: r for r in response.records}
    placed = [place(r, None, None) for r in rows.values()]
    provinces = {u.province_code for u in placed if u.level == "province" and u.status == "matched"}
    return provinces.pop() if len(provinces) == 1 and len(placed) > 1 else None


def _catalog_metrics() -> set[str]:
    from helpers.core import reference

    out = set()
    for group in reference.catalog()["score_766"]:
        out |= {i["metric"] for i in [*group["parts"], *group.get("parameters", [])] if i.get("metric")}
    return out
