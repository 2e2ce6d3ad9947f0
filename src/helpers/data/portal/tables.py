"""The Decision 766 score table the portal publishes, as a spreadsheet or CSV: one row per
unit, its total and six groups (under the portal's group names or codes), a rank column or
none, title rows above. The header row is found, and headers matched, as for every export
(`helpers.data.ingest.read` and `headers`, with the aliases of ingest_aliases.yml under
`columns > index_766`); each row becomes records like a portal response's.
"""

from __future__ import annotations

from pathlib import Path

from helpers.core import reference
from helpers.core.errors import InputError, Problem
from helpers.data.ingest import headers, read, vocab
from helpers.data.ingest.values import blank
from helpers.data.portal.responses import TABLE, Record, Response


def _groups() -> dict[str, float]:
    """Each group of the catalog and its points."""
    return {g["group"]: float(g["points"]) for g in reference.catalog()["score_766"]}


def read_table(path: Path, sheet: str | None = None) -> list[Response]:
    """The records of every sheet of a score table (a CSV is one sheet)."""
    out = []
    for source in read.sources(path, TABLE, sheet):
        match = headers.match(source.header, TABLE)
        columns = match.columns
        scored = [g for g in ("total", *_groups()) if g in columns]
        if not ({"unit", "unit_code"} & set(columns)) or not scored:
            where = f"{path}" + (f", sheet {source.sheet}" if source.sheet else "")
            specs = vocab.column_specs(TABLE)
            unit, total = specs["unit"]["vi"][0], specs["total"]["vi"][0]
            group = " or ".join(specs["transparency"]["vi"])
            raise InputError(
                f"{where}: the header row (row {source.header_row}) names no unit column or no score: "
                f"expected a unit column such as {unit!r} and the total or the groups "
                f"({total}; {group}; ...)"
            )
        response = Response("score table", "all")
        for chunk in source.chunks():
            cells = [
                list(column.to_pylist()) if hasattr(column, "to_pylist") else list(column)
                for column in chunk.columns
            ]
            for i, row in enumerate(chunk.rows):
                values = {key: cells[position][i] for key, position in columns.items()}
                _row(response, int(row), values, scored)
        out.append(response)
    return out


def _row(response: Response, row: int, values: dict, scored: list[str]) -> None:
    name, code = values.get("unit"), values.get("unit_code")
    if blank(name) and blank(code):
        return
    if all(blank(values.get(g)) for g in scored):
        return  # a title, note or subtotal line without scores
    points = _groups()
    where = f"row {row}"
    for group in scored:
        record = Record(
            where, None if blank(name) else name, None if blank(code) else code, "child", None, group
        )
        record.score = values.get(group)
        record.max_score = 100.0 if group == "total" else points[group]
        if group == "total":
            record.rank = values.get("rank")
        response.records.append(record)


def problem(file: str, where: str, column: str, value: object, reason: str) -> Problem:
    return Problem(TABLE, column, None, value, f"{where}: {reason}", file=file)
