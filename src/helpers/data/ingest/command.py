"""`p06 ingest`: a user's exports in, canonical tables out, no personal data kept.

Every file is read and checked before anything is written: each problem is named with
file, sheet, row (as the spreadsheet shows it), column (as the file writes it), value
and reason, in one pass, whatever columns the export lacks. Only when every file passes
are the rows written, one Parquet file per province-month, replacing what was stored for
it. Rows are read in chunks, so memory stays flat whatever the size of the export.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from helpers.core.errors import InputError, Problem, WriteFailed
from helpers.data import journal, schema, storage
from helpers.data import personal as personal_data
from helpers.data.ingest import dayorder, headers, limits, personal, places, read, vocab
from helpers.data.ingest.convert import Plan, to_frame
from helpers.data.ingest.layout import Options, describe_layout
from helpers.data.ingest.stage import Stage, partition_keys
from helpers.data.validation import find_problems

_RATED_UNFINISHED = "rated but not finished"  # validation's rule, moot where finished_on is absent


@dataclass
class Keys:
    """Identifiers and table keys seen so far, to find duplicates across chunks and files."""

    table: str
    parts: list = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        spec = schema.table(self.table)
        return list(spec.key) or spec.of_kind("id")

    def add(self, frame: pd.DataFrame, where: int) -> None:
        if self.columns:
            part = frame[self.columns].reset_index()
            self.parts.append(part.assign(source=where))

    def problems(self, sources: list[tuple[Plan, read.Source]]) -> list[Problem]:
        if not self.parts:
            return []
        seen = pd.concat(self.parts, ignore_index=True)
        cols = self.columns
        seen = seen[seen[cols].notna().any(axis=1)] if len(cols) > 1 else seen[seen[cols[0]].notna()]
        dup = seen[seen.duplicated(cols, keep=False)]
        out = []
        for row in dup.itertuples(index=False):
            plan, source = sources[row.source]
            column = plan.header_of(cols[0]) if len(cols) == 1 else "+".join(cols)
            value = getattr(row, cols[0]) if len(cols) == 1 else None
            out.append(_problem(plan, source, column, row.row, value, "duplicated: must be unique"))
        return out


def _shown(value):
    """A value as a problem shows it: personal data masked (the terminal and its logs are
    written files too), a long value cut short."""
    if not isinstance(value, str):
        return value
    value = personal_data.mask(value)
    return value if len(value) <= SHOWN_CHARS else f"{value[:SHOWN_CHARS]}… ({len(value):,} characters)"


SHOWN_CHARS = 80
"""How much of a value a problem shows."""


def _problem(plan: Plan, source: read.Source, column, row, value, reason) -> Problem:
    return Problem(plan.table, column, row, _shown(value), reason, file=str(source.file), sheet=source.sheet)


def _schema_problems(plan: Plan, source: read.Source, frame: pd.DataFrame, keys: list[str]) -> list[Problem]:
    """The canonical schema's problems, named with the file's own headers."""
    out = []
    for p in find_problems(plan.table, frame) if len(frame) else []:
        column = p.column or ""
        if (
            column in plan.unchecked
            or column == "+".join(keys)
            or (column in keys and "duplicated" in p.reason)
        ):
            continue  # said once for the file, or checked across chunks and files
        if p.reason == _RATED_UNFINISHED and "finished_on" not in plan.provided:
            continue
        out.append(
            _problem(plan, source, plan.header_of(column) if p.column else None, p.row, p.value, p.reason)
        )
    return out


def _personal_by_content(match: headers.Match, chunk: read.Chunk) -> None:
    """Columns not read, or read approximately, whose values are personal data."""
    for position, header in list(match.unread.items()):
        if personal.looks_personal(chunk.columns[position]):
            del match.unread[position]
            match.personal[position] = header
            match.ignored = [i for i in match.ignored if i["header"] != header]
    for key in list(match.approximate.values()):
        if personal.looks_personal(chunk.columns[match.columns[key]]):
            match.drop(key)


def _source_summary(plan: Plan, source: read.Source, rows: int, screen: personal.Screen) -> dict:
    match, shown = plan.match, _shown
    return {
        "file": str(source.file),
        "sheet": source.sheet,
        "header_row": source.header_row,
        "rows": rows,
        "personal_dropped": [shown(match.personal[p]) for p in sorted(match.personal)],
        "personal_masked": screen.summary(),
        "ignored": [{**i, "header": shown(i["header"])} for i in match.ignored],
        "approximate": {shown(h): vocab.canonical_of(k) for h, k in match.approximate.items()},
        "date_order": plan.dates.summary(),
        "missing_columns": plan.missing,
        "unmeasurable_indicators": plan.unmeasurable(),
        **(plan.layout.summary() if plan.layout is not None else {}),
    }


def _carried(plan: Plan, frame: pd.DataFrame, salt: str, con) -> pa.Table:
    """The canonical columns the export carries, identifiers hashed: the columns it lacks
    are added by `storage.to_canonical` when written, and recorded as absent."""
    columns = [c for c in plan.spec.names if c in plan.provided]
    data = storage.frame_to_arrow(frame[columns].reset_index(drop=True))
    canonical = schema.arrow_schema(plan.table)
    data = data.cast(pa.schema([canonical.field(c) for c in columns]))
    hashed = personal.PSEUDONYMISED.get(plan.table)
    if hashed in columns:
        at = data.schema.get_field_index(hashed)
        data = data.set_column(at, hashed, personal.pseudonymise(data[hashed], salt, con))
    return data


class Problems(list):
    """The problems found so far. Past `LIMIT` of one kind (file, sheet, column, reason),
    further rows are counted, not kept, so that memory stays flat however bad a file is;
    `finish` then adds one problem saying how many more rows share it."""

    LIMIT = 1_000

    def __init__(self):
        super().__init__()
        self.seen: dict[tuple, int] = {}

    def add(self, problem: Problem) -> None:
        kind = (problem.file, problem.sheet, problem.column, problem.reason)
        self.seen[kind] = self.seen.get(kind, 0) + 1
        if self.seen[kind] <= self.LIMIT:
            self.append(problem)

    def count_more(self, problem: Problem, total: int) -> None:
        """Count rows of `problem`'s kind up to `total` without keeping them (rows that
        were not kept where they were found)."""
        kind = (problem.file, problem.sheet, problem.column, problem.reason)
        self.seen[kind] = max(self.seen.get(kind, 0), total)

    def finish(self) -> None:
        for (file, sheet, column, reason), count in self.seen.items():
            if count > self.LIMIT:
                table = next(p.table for p in self if p.file == file)
                more = f"{reason} (and {count - self.LIMIT:,} more rows like it)"
                self.append(Problem(table, column, None, None, more, file=file, sheet=sheet))


def _bounds_problems(plan: Plan, source: read.Source, chunk: read.Chunk, problems: Problems) -> None:
    """Rows with values past the header's last column, and values longer than one may be."""
    width = len(source.header)
    named = read.named_columns(source.header)
    for row, count in chunk.overflow:
        why = (
            f"more values than the header names columns ({named}): values under no header would be "
            "lost; remove them, or give their column a header"
        )
        problems.add(_problem(plan, source, None, row, f"{count} values", why))
    for at, column, length in [] if chunk.bounded else limits.too_long(chunk.columns):
        value = chunk.columns[column][at]
        value = value.as_py() if isinstance(value, pa.Scalar) else value
        why = (
            f"a value of {length:,} characters, over the limit of {limits.MAX_FIELD_CHARS:,} "
            "(Excel's own limit for a cell)"
            if length > limits.MAX_FIELD_CHARS
            else f"a row of more than {limits.MAX_ROW_BYTES:,} characters, the limit for one row"
        )
        header = source.header[column] if column < width else None
        problems.add(_problem(plan, source, header, int(chunk.rows[at]), value, why))


def _read_source(plan: Plan, source: read.Source, where: int, run: dict) -> int:
    """Read and check one sheet; stage its rows while no problem has been found in the
    run. Returns the number of rows read."""
    problems: Problems = run["problems"]
    for key, first, second in plan.match.twice:
        problems.add(
            _problem(plan, source, second, None, second, f"two columns for {key}: {first!r} and {second!r}")
        )
    rows = 0
    screen = None
    for number, chunk in enumerate(source.chunks()):
        if number == 0:
            _personal_by_content(plan.match, chunk)
            screen = personal.Screen(plan.spec, plan.provided, plan.header_of)
        _bounds_problems(plan, source, chunk, problems)
        frame, bad_values, bad = to_frame(chunk, plan)
        rows += len(frame)
        for row, key, value, why in bad_values:
            header = plan.match.headers.get(key) or plan.header_of(vocab.canonical_of(key))
            problems.add(_problem(plan, source, header, row, value, why))
        for problem in _schema_problems(plan, source, frame[~bad], run["keys"].columns):
            problems.add(problem)
        run["keys"].add(frame, where)
        masked = screen.apply(frame, run["salt"], run["con"])
        if not problems and len(frame):
            data = _carried(plan, masked, run["salt"], run["con"])
            run["stage"].add(data, partition_keys(frame, plan.table))
    if plan.dates.must_reread():
        raise dayorder.OrderChanged((str(source.file), source.sheet), plan.dates.order, plan.dates.example)
    for column in plan.missing_required:
        problems.add(_problem(plan, source, column, None, None, plan.missing_reason(column)))
    screen = screen or personal.Screen(plan.spec, set(), plan.header_of)
    for finds in screen.refused():
        token, why = personal_data.mask_token(), finds.reason()
        for row in finds.rows:
            problems.add(_problem(plan, source, finds.header, row, token, why))
        problems.count_more(_problem(plan, source, finds.header, None, None, why), finds.count)
    return rows, screen


def ingest(
    paths,
    table: str,
    data_dir: Path | str,
    sheet: str | None = None,
    province: str | None = None,
    period: str | None = None,
    as_of: str | None = None,
    date_order: str | None = None,
    figures: str | None = None,
    month: str | None = None,
) -> dict:
    """Read and check every file named (a folder: every export in it); write nothing
    unless all pass; then replace the province-months they cover. `province`: a unit
    selector (44, quang-tri, legacy/45) for files of one province without a province
    column. `period` and `as_of`: the period and snapshot date of the portal's Decision 766
    index (table index_766, read by `helpers.data.portal`). `date_order`: `dmy` or `mdy`, how
    the files write dates with two numbers before the year (default: what the data shows,
    else dmy, and the summary says which). `figures` (to-date or monthly), `as_of` and
    `month`: what the files do not say (data/ingest/layout.py). Returns a summary (see
    `describe`)."""
    spec = schema.table(table)
    if spec.published:
        from helpers.data.portal import ingest_index

        return ingest_index(paths, data_dir, period=period, as_of=as_of, province=province, sheet=sheet)
    if period is not None:
        raise InputError(f"--period is for --table index_766, not {table}")
    if date_order is not None and date_order not in dayorder.ORDERS:
        raise InputError(f"unknown date order {date_order!r}: expected one of {', '.join(dayorder.ORDERS)}")
    options = Options.of(figures, as_of, month)
    data_dir = Path(data_dir)
    processed = storage.processed_dir(data_dir)
    read.refuse_sample(data_dir)
    given = places.selector(province)
    found = read.files([paths] if isinstance(paths, str | Path) else paths)
    journal.recover(data_dir)
    learned: dict[tuple, dayorder.DayMonth] = {}
    while True:  # again, in the order its data showed, for a file read in the default one first
        try:
            return _ingest(found, table, data_dir, sheet, (given, province), options, date_order, learned)
        except dayorder.OrderChanged as change:
            learned[change.key] = dayorder.DayMonth(told=change.order, example=change.example)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            raise WriteFailed(_full(processed, exc)) from None


def _full(processed: Path, exc: OSError) -> str:
    if (processed / journal.JOURNAL).exists():
        then = "the new data is recorded and the next command puts it in place once there is room"
    else:
        then = "nothing was changed: make room and run it again"
    return f"{processed}: the disk is full ({exc.strerror}); {then}"


def _ingest(found, table, data_dir: Path, sheet, given, options, date_order, learned) -> dict:
    spec = schema.table(table)
    salt, new_salt = personal.salt(data_dir)
    run = {"problems": Problems(), "keys": Keys(table), "stage": Stage(data_dir, table), "salt": salt}
    run["con"] = storage.connect()
    sources: list[tuple[Plan, read.Source]] = []
    summaries = []
    try:
        for path in found:
            for source in read.sources(path, table, sheet):
                plan = Plan.of(source, table, *given, options)
                key = (str(source.file), source.sheet)
                plan.dates = learned.get(key) or dayorder.DayMonth(given=date_order)
                sources.append((plan, source))
                rows, screen = _read_source(plan, source, len(sources) - 1, run)
                summaries.append(_source_summary(plan, source, rows, screen))
        problems = run["problems"]
        for problem in run["keys"].problems(sources) + options.problems(table):
            problems.add(problem)
        problems.finish()
        if problems:
            total = sum(problems.seen.values())
            message = f"{total:,} problems in {len(found)} file(s); nothing was written"
            raise InputError(message, problems)
        if new_salt and run["stage"].folder is not None:
            personal.save_salt(data_dir, salt)
        written, replaced = run["stage"].commit()
    finally:
        run["stage"].cleanup()
        run["con"].close()
    return {
        "table": spec.name,
        "folder": str(storage.table_dir(data_dir, table)),
        "rows": sum(written.values()),
        "files": summaries,
        "written": written,
        "replaced": replaced,
    }


def describe(summary: dict) -> list[str]:
    """The summary of `ingest` as lines for the terminal, in English."""
    if schema.table(summary["table"]).published:
        from helpers.data.portal import describe as describe_index

        return describe_index(summary)
    lines = [f"Ingested {summary['rows']:,} rows into table {summary['table']} ({summary['folder']}):"]
    for f in summary["files"]:
        sheet = f", sheet {f['sheet']}" if f["sheet"] else ""
        lines.append(f"  {f['file']}{sheet}: header on row {f['header_row']}, {f['rows']:,} rows")
        if f["personal_dropped"]:
            lines.append(f"    personal data dropped, columns: {', '.join(f['personal_dropped'])}")
        for m in f.get("personal_masked", []):
            rows = ", ".join(map(str, m["rows"])) + (", ..." if m["values"] > len(m["rows"]) else "")
            where = f", rows {rows}" if m["rows"] else ""
            how = "replaced by salted hashes" if m["how"] == "hashed" else "masked"
            lines.append(
                f"    personal data {how} in column {m['column']!r} ({m['canonical']}){where}: "
                f"{m['values']:,} values ({personal_data.describe_kinds(m['kinds'])})"
            )
        if f.get("date_order"):
            lines.append(f"    {dayorder.describe(f['date_order'])}")
        for header, column in f["approximate"].items():
            lines.append(f"    header {header!r} read as {column}")
        lines += [f"    {line}" for line in describe_layout(f)]
        if f["missing_columns"]:
            lines.append(f"    columns the export lacks (stored empty): {', '.join(f['missing_columns'])}")
        for item in f["unmeasurable_indicators"]:
            needs = ", ".join(item["needs"])
            lines.append(f"    indicator {item['indicator']} cannot be measured from it (needs {needs})")
        for item in f["ignored"]:
            why = f": {item['reason']}" if item["reason"] else ""
            near = ", ".join(f"{c['header']!r} ({c['column']})" for c in item["closest"])
            lines.append(
                f"    column not used: {item['header']!r}{why}"
                + (f"; closest known headers: {near}" if near else "")
            )
        if f["ignored"]:
            lines.append(
                "    to read a column not used, add its header as one line under columns > "
                f"{summary['table']} > <column> in data/reference/ingest_aliases.yml"
            )
    months = sorted(summary["written"])
    if months:
        lines.append(f"  province-months written: {', '.join(months)}")
    if summary["replaced"]:
        lines.append(f"  replaced what was stored for: {', '.join(summary['replaced'])}")
    return lines
