"""`p06 ingest`: spreadsheets and CSV exports in, canonical tables out, no personal data kept.

Headers are matched through the alias table (data/reference/ingest_aliases.yml) without
regard to case, diacritics, punctuation or repeated spaces; title rows above the header
are skipped. Values are read as people type them (dd/mm/yyyy, Excel serial dates, Có/Không,
1.234 or 1,234, 81,2%). Units may be given by code or name, legacy or current: a row
dated before 1 July 2025 is read with the 63 legacy provinces, a later one with the 34
current ones. Columns holding personal data are recognised by header and by content and
dropped before anything is written; dossier identifiers are kept only as a salted hash.
Every problem is reported at once, with file, sheet, row, column, value and reason; a
file with problems writes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers import reference, storage
from helpers.errors import InputError, Problem
from helpers.fingerprints import DATE_COLUMN
from helpers.reference import fold
from helpers.sample import MARKER as SAMPLE_MARKER
from helpers.units import REORGANISATION
from helpers.validation import columns as canonical_columns
from helpers.validation import find_problems

SALT_FILE = ".salt"
HEADER_SEARCH_ROWS = 30
_EXCEL_EPOCH = date(1899, 12, 30)

DATES = {"received_on", "due_on", "finished_on", "assigned_on", "deadline", "completed_on"}
BOOLS = {
    "full_online",
    "synced",
    "fee_required",
    "paid_online",
    "digitised",
    "e_result",
    "published",
    "essential",
}
ENUMS = {"channel", "agency_level", "rating", "online_level"}
TEXTS = {"dossier_id", "procedure_code", "task_id", "title", "lead_unit"}
OPTIONAL = {"commune", "finished_on", "rating", "completed_on"}


# ---- reference: aliases, vocabularies ---------------------------------------------------


def norm(text: object) -> str:
    """A header or value as compared: no parentheses, no diacritics, lower case, words only."""
    text = re.sub(r"\([^)]*\)", " ", str(text))
    folded = fold(text).lower()
    return " ".join(re.sub(r"[^0-9a-z%@.+]+", " ", folded).replace(".", " ").split())


@lru_cache(maxsize=1)
def aliases() -> dict:
    import yaml

    with open(reference.REFERENCE_DIR / "ingest_aliases.yml", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def header_map(table: str) -> dict[str, str]:
    """Normalised alias → canonical key (a column, `province`, `commune` or a `*_pct`)."""
    out = {}
    for key, spec in aliases()["columns"][table].items():
        for lang in ("vi", "en"):
            for alias in spec[lang]:
                out[norm(alias)] = key
        out[norm(key)] = key
    return out


@lru_cache(maxsize=1)
def _personal_terms() -> set[str]:
    return {norm(h) for h in aliases()["personal_headers"]}


def _vocabulary(name: str) -> dict[str, str]:
    return {norm(alias): value for value, words in aliases()["values"][name].items() for alias in words}


# ---- reading files ----------------------------------------------------------------------


@dataclass
class Sheet:
    file: Path
    name: str | None
    rows: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cell values)


def read_sheets(path: Path, sheet: str | None = None) -> list[Sheet]:
    """The sheets of a file as numbered rows of raw cell values."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if suffix == ".csv":
        return [Sheet(path, None, _read_csv(path))]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix == ".xls":
        return _read_xls(path, sheet)
    raise InputError(f"{path}: unsupported file type {suffix!r}: expected .xlsx, .xls or .csv")


def _read_csv(path: Path) -> list[tuple[int, list]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text: save the CSV as UTF-8 (with or without BOM)") from None
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    semicolons = sum(line.count(";") for line in lines)
    delimiter = ";" if semicolons > sum(line.count(",") for line in lines) else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader]


def _pick(names: list[str], sheet: str | None, path: Path) -> list[str]:
    if sheet is None:
        return names
    if sheet not in names:
        raise InputError(f"{path}: no sheet {sheet!r}; sheets: {', '.join(names)}")
    return [sheet]


def _read_xlsx(path: Path, sheet: str | None) -> list[Sheet]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out = []
        for name in _pick(book.sheetnames, sheet, path):
            rows = [
                (i, list(values)) for i, values in enumerate(book[name].iter_rows(values_only=True), start=1)
            ]
            out.append(Sheet(path, name, rows))
        return out
    finally:
        book.close()


def _read_xls(path: Path, sheet: str | None) -> list[Sheet]:
    import xlrd

    book = xlrd.open_workbook(path)
    out = []
    for name in _pick(book.sheet_names(), sheet, path):
        ws = book.sheet_by_name(name)
        rows = []
        for i in range(ws.nrows):
            values = []
            for cell in ws.row(i):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    values.append(datetime(*xlrd.xldate_as_tuple(cell.value, book.datemode)))
                else:
                    values.append(cell.value)
            rows.append((i + 1, values))
        out.append(Sheet(path, name, rows))
    return out


# ---- values as people type them ---------------------------------------------------------


class Bad(ValueError):
    """A value that cannot be read; its message is the reason shown to the user."""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value).strip() == ""


def parse_date(value: object) -> date:
    """dd/mm/yyyy (with or without a time), yyyy-mm-dd, Excel dates and serial numbers."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial(float(text))
    text = text.split(" ")[0].split("T")[0]
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise Bad("not a date: expected dd/mm/yyyy, yyyy-mm-dd or an Excel date")


def _serial(number: float) -> date:
    if not 20_000 <= number <= 80_000:
        raise Bad("not a date: a number that is not a plausible Excel date")
    return _EXCEL_EPOCH + timedelta(days=int(number))


def parse_month(value: object) -> date:
    """The first day of the month of a date, `mm/yyyy`, `yyyy-mm` or `Tháng 3/2024`."""
    text = norm(value) if isinstance(value, str) else ""
    if m := re.fullmatch(r"(?:thang )?(\d{1,2}) (\d{4})", text):
        month, year = int(m.group(1)), int(m.group(2))
    elif m := re.fullmatch(r"(\d{4}) (\d{1,2})", text):
        year, month = int(m.group(1)), int(m.group(2))
    else:
        day = parse_date(value)
        return date(day.year, day.month, 1)
    if not 1 <= month <= 12:
        raise Bad("not a month")
    return date(year, month, 1)


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = norm(value) if not _blank(value) else ""
    truth = {norm(v) for v in aliases()["values"]["truthy"]}
    falsity = {norm(v) for v in aliases()["values"]["falsy"]}
    if key in truth:
        return True
    if key in falsity:
        return False
    raise Bad("not yes or no: expected Có/Không, x/blank, 1/0 or TRUE/FALSE")


def parse_count(value: object) -> int:
    """A whole number, with `.`, `,` or spaces as thousands separators."""
    if isinstance(value, bool):
        raise Bad("not a count")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise Bad("not a whole number")
    text = str(value).strip().replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}([.,  ]\d{3})+", text):
        return int(re.sub(r"[.,  ]", "", text))
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise Bad("not a whole number (thousands may be separated by . or ,)")


def parse_pct(value: object) -> float:
    """A percentage 0-100, with or without %, decimal comma or point; an Excel number of
    at most 1 (a cell formatted as %) is read as a fraction."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) * 100 if isinstance(value, float) and value <= 1 else float(value)
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        pct = float(text)
    except ValueError:
        raise Bad("not a percentage") from None
    if not 0 <= pct <= 100:
        raise Bad("a percentage must be between 0 and 100")
    return pct


def parse_group(value: object) -> int:
    roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
    text = norm(value).replace("nhom ", "").replace("group ", "")
    if text in roman:
        return roman[text]
    try:
        return parse_count(text)
    except Bad:
        raise Bad("not a Project 06 group: expected 1 to 5") from None


def parse_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@lru_cache(maxsize=1)
def _province_names() -> tuple[dict, dict]:
    """(legacy, current) lookups: normalised code or name → code."""

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


def parse_province(value: object, when: date | None) -> tuple[str, str | None]:
    """(current province, legacy province or None) of a code or name, read with the
    boundaries in force on `when`."""
    key = norm(value)
    for prefix in ("tinh ", "thanh pho ", "tp "):
        key = key[len(prefix) :] if key.startswith(prefix) else key
    key = {"hcm": "ho chi minh", "tphcm": "ho chi minh", "hn": "ha noi"}.get(key, key)
    legacy, current = _province_names()
    if when is not None and when < REORGANISATION:
        if key in legacy:
            code = legacy[key]
            return reference.crosswalk()[code], code
    elif key in current:
        return current[key], None
    elif key in legacy:  # a former province's name after July 2025: its current province
        return reference.crosswalk()[legacy[key]], None
    raise Bad("unknown province: expected a code or name (legacy before July 2025, current after)")


@lru_cache(maxsize=1)
def _commune_names() -> dict:
    com = reference.communes()
    out = {}
    for row in com.itertuples():
        name = norm(row.name_vi)
        short = re.sub(r"^(xa|phuong|dac khu) ", "", name)
        for key in (name, short):
            out.setdefault((row.province_code, key), []).append(row.commune_code)
    return out


def parse_commune(value: object, province: str | None) -> str:
    """A current commune by 5-digit code, or by name within the row's province."""
    text = parse_text(value)
    codes = set(reference.communes()["commune_code"])
    if text.isdigit() and text.zfill(5) in codes:
        return text.zfill(5)
    if province is not None:
        found = _commune_names().get((province, norm(text)), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise Bad("ambiguous commune name in this province: give its 5-digit code")
    raise Bad("unknown commune: expected a current 5-digit code or a current name in the province")


# ---- one sheet to a canonical frame -----------------------------------------------------


@dataclass
class Parsed:
    table: str
    file: Path
    sheet: str | None
    header_row: int
    frame: pd.DataFrame
    headers: dict[str, str]  # canonical column → header as written
    personal: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def find_header(sheet: Sheet, table: str) -> tuple[int, list] | None:
    """The row (within the first rows) naming the most canonical columns, at least two:
    title and date lines above it, and merged group headers, are skipped."""
    names = header_map(table)
    best = None
    for index, (_, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        hits = sum(1 for c in cells if not _blank(c) and norm(c) in names)
        if hits >= 2 and (best is None or hits > best[0]):
            best = (hits, index)
    return None if best is None else (best[1], sheet.rows[best[1]][1])


_SURNAMES = {
    "nguyen",
    "tran",
    "le",
    "pham",
    "hoang",
    "huynh",
    "phan",
    "vu",
    "vo",
    "dang",
    "bui",
    "do",
    "ho",
    "ngo",
    "duong",
    "ly",
    "dinh",
    "truong",
    "mai",
    "trinh",
    "lam",
}
"""The commonest Vietnamese family names: a column of values starting with them holds names."""
_CONTACT = re.compile(r"(\d{9}|\d{12}|(\+?84|0)\d{9,10})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


def _personal_header(header: object) -> bool:
    """A header naming personal data: one of the known terms, as whole words."""
    text = f" {norm(header)} "
    return any(f" {term} " in text for term in _personal_terms())


def _personal_value(text: str) -> bool:
    """An ID number (9 or 12 digits), a phone number, an e-mail address or a person's name."""
    if _EMAIL.fullmatch(text.strip().lower()):
        return True
    if _CONTACT.fullmatch(re.sub(r"[\s.\-]", "", text)):
        return True
    words = norm(text).split()
    return 2 <= len(words) <= 5 and words[0] in _SURNAMES and text[:1].isupper()


def _looks_personal(values: list) -> bool:
    """Most of a column's values look like personal data."""
    texts = [parse_text(v) for v in values if not _blank(v)]
    return bool(texts) and sum(map(_personal_value, texts)) >= max(1, 0.5 * len(texts))


def parse_sheet(sheet: Sheet, table: str) -> Parsed:
    """Map, parse and check one sheet; problems are collected, not raised."""
    found = find_header(sheet, table)
    where = f"{sheet.file}" + (f", sheet {sheet.name}" if sheet.name else "")
    if found is None:
        examples = ", ".join(spec["vi"][0] for spec in list(aliases()["columns"][table].values())[:5])
        raise InputError(
            f"{where}: no header row found in the first {HEADER_SEARCH_ROWS} rows "
            f"for table {table} (expected headers such as {examples})"
        )
    index, cells = found
    names = header_map(table)
    mapping: dict[int, str] = {}
    headers: dict[str, str] = {}
    parsed = Parsed(table, sheet.file, sheet.name, sheet.rows[index][0], pd.DataFrame(), headers)
    data = [(n, row) for n, row in sheet.rows[index + 1 :] if any(not _blank(c) for c in row)]
    for col, cell in enumerate(cells):
        if _blank(cell):
            continue
        key = names.get(norm(cell))
        column_values = [row[col] if col < len(row) else None for _, row in data]
        if key is None:
            if _personal_header(cell) or _looks_personal(column_values):
                parsed.personal.append(str(cell))
            else:
                parsed.ignored.append(str(cell))
            continue
        if key in headers:
            parsed.problems.append(
                _problem(parsed, key, None, cell, f"two columns for {key}: {headers[key]!r} and {cell!r}")
            )
            continue
        mapping[col] = key
        headers[key] = str(cell)
    _check_required(parsed, table)
    if parsed.problems:
        return parsed
    records, numbers = [], []
    for number, row in data:
        raw = {key: (row[col] if col < len(row) else None) for col, key in mapping.items()}
        records.append(_parse_row(parsed, number, raw))
        numbers.append(number)
    frame = pd.DataFrame.from_records(records, index=numbers, columns=canonical_columns(table))
    parsed.frame = _typed(frame, table)
    return parsed


def _check_required(parsed: Parsed, table: str) -> None:
    present = set(parsed.headers)
    for column in canonical_columns(table):
        if column in ("legacy_province_code",):
            continue
        key = {"province_code": "province", "commune_code": "commune"}.get(column, column)
        if key in present or f"{column}_pct" in present or key in OPTIONAL:
            continue
        spec = aliases()["columns"][table][key]
        parsed.problems.append(
            _problem(
                parsed,
                key,
                None,
                None,
                f"required column is missing (header such as {spec['vi'][0]!r} or {spec['en'][0]!r})",
            )
        )


def _problem(parsed: Parsed, key: str, row: int | None, value: object, reason: str) -> Problem:
    header = parsed.headers.get(key, key)
    return Problem(parsed.table, header, row, value, reason, file=str(parsed.file), sheet=parsed.sheet)


def _parse_row(parsed: Parsed, number: int, raw: dict) -> dict:
    table = parsed.table
    out: dict = {}

    def read(key: str, parse, *args):
        value = raw.get(key)
        if _blank(value) and key in OPTIONAL:
            return None
        try:
            return parse(value, *args)
        except Bad as exc:
            parsed.problems.append(_problem(parsed, key, number, value, str(exc)))
            return None

    when_col = DATE_COLUMN[table]
    when = read(when_col, parse_month if when_col == "month" else parse_date)
    out[when_col] = when
    for key in raw:
        if key in (when_col, "province", "commune") or key.endswith("_pct"):
            continue
        if key in DATES:
            out[key] = read(key, parse_date)
        elif key == "month":
            out[key] = read(key, parse_month)
        elif key in BOOLS:
            out[key] = read(key, parse_bool)
        elif key in ENUMS:
            out[key] = read(key, _enum_parser(key))
        elif key == "group":
            out[key] = read(key, parse_group)
        elif key in TEXTS:
            out[key] = read(key, parse_text)
        else:
            out[key] = read(key, parse_count)
    for key in raw:
        if key.endswith("_pct"):
            target = key[:-4]
            whole = out.get(aliases()["columns"][table][key]["of"])
            pct = read(key, parse_pct)
            if target not in raw and pct is not None and whole is not None:
                out[target] = round(pct / 100 * whole)
    province = legacy = None
    if "province" in raw:
        got = read("province", parse_province, when)
        if got is not None:
            province, legacy = got
    if "commune" in raw and "commune_code" in canonical_columns(table):
        commune = read("commune", parse_commune, province)
        out["commune_code"] = commune
        if commune is not None and province is None:
            province = reference.communes().set_index("commune_code").at[commune, "province_code"]
    out["province_code"], out["legacy_province_code"] = province, legacy
    if legacy is None and province is not None and when is not None and when < REORGANISATION:
        members = [k for k, v in reference.crosswalk().items() if v == province]
        if len(members) == 1:
            out["legacy_province_code"] = members[0]
    return out


def _enum_parser(name: str):
    vocabulary = _vocabulary(name)

    def parse(value: object) -> str | None:
        if name == "rating" and _blank(value):
            return None
        key = norm(value) if not _blank(value) else ""
        if key in vocabulary:
            return vocabulary[key]
        accepted = ", ".join(words[0] for words in aliases()["values"][name].values())
        raise Bad(f"not one of {accepted}")

    return parse


def _typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    for col in frame.columns:
        if col in DATES or col == "month":
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ms]")
        elif col in BOOLS:
            frame[col] = frame[col].astype(object).where(frame[col].notna(), False).astype(bool)
        elif col not in TEXTS | ENUMS | {"province_code", "legacy_province_code", "commune_code"}:
            frame[col] = (
                pd.to_numeric(frame[col]).astype("Int64").astype("int64")
                if frame[col].notna().all()
                else frame[col]
            )
    return frame


# ---- the command ------------------------------------------------------------------------


def _salt(data_dir: Path) -> bytes:
    path = storage.processed_dir(data_dir) / SALT_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        storage.write_text_atomic(path, secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip().encode()


def pseudonymise(values: pd.Series, salt: bytes) -> pd.Series:
    """Dossier identifiers as salted hashes: stable for one data folder, not reversible."""
    return values.map(lambda v: hashlib.sha256(salt + str(v).encode()).hexdigest()[:24])


def _month_key(frame: pd.DataFrame, table: str) -> pd.Series:
    return frame[DATE_COLUMN[table]].dt.strftime("%Y-%m")


def ingest(files: list[Path], table: str, data_dir: Path, sheet: str | None = None) -> dict:
    """Validate every file; write nothing unless all pass; then replace the months each
    file covers, per province. Returns a summary for the user."""
    if table not in storage.TABLES:
        raise InputError(f"unknown table {table!r}: expected one of {', '.join(storage.TABLES)}")
    processed = storage.processed_dir(data_dir)
    if (processed / SAMPLE_MARKER).exists():
        raise InputError(
            f"{processed} holds the synthetic sample: ingest your data into another "
            "folder with --data-dir, or remove the sample first"
        )
    parsed, problems = [], []
    for path in files:
        sheets = read_sheets(Path(path), sheet)
        usable = [s for s in sheets if find_header(s, table) is not None] or sheets[:1]
        for s in usable:
            result = parse_sheet(s, table)
            if len(result.frame):  # rows that could be read are checked against the schema too
                result.problems += _validate(result, skip={p.row for p in result.problems})
            problems += result.problems
            parsed.append(result)
    if problems:
        raise InputError(f"{len(problems)} problems in {len(files)} file(s); nothing was written", problems)
    salt = _salt(data_dir)
    frames = []
    for result in parsed:
        frame = result.frame
        if table == "dossiers":
            frame = frame.assign(dossier_id=pseudonymise(frame["dossier_id"], salt))
        frames.append(frame)
    combined = pd.concat(frames)
    keys = combined["province_code"] + "-" + _month_key(combined, table)
    summary = {"table": table, "rows": len(combined), "files": [], "written": {}, "replaced": []}
    staging = processed / f".ingest-staging-{table}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for key, part in combined.groupby(keys, sort=True):
            name = f"ingest-{key}"
            target = storage.table_dir(data_dir, table) / f"{name}.parquet"
            if target.exists():
                summary["replaced"].append(key)
            storage.write_parquet(
                storage.frame_to_arrow(part.reset_index(drop=True)), staging / f"{name}.parquet"
            )
            summary["written"][key] = len(part)
        target_dir = storage.table_dir(data_dir, table)
        target_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(staging.glob("*.parquet")):
            path.replace(target_dir / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for result in parsed:
        summary["files"].append(
            {
                "file": str(result.file),
                "sheet": result.sheet,
                "header_row": result.header_row,
                "rows": len(result.frame),
                "personal_dropped": result.personal,
                "ignored": result.ignored,
            }
        )
    return summary


def _validate(result: Parsed, skip: set[int]) -> list[Problem]:
    """The canonical schema's problems, named with the file's own headers; rows in `skip`
    already have a problem that kept them from being read."""
    out = []
    reverse = {"province_code": "province", "legacy_province_code": "province", "commune_code": "commune"}
    frame = result.frame.drop(index=[r for r in skip if r in result.frame.index])
    if frame.empty:
        return []
    frame = _typed(frame.copy(), result.table)
    if result.table == "dossiers":  # uniqueness is checked on the identifiers as given
        frame["dossier_id"] = frame["dossier_id"].astype(str)
    for p in find_problems(result.table, frame):
        key = reverse.get(p.column, p.column) if p.column else None
        header = result.headers.get(key, p.column) if key else None
        out.append(
            Problem(result.table, header, p.row, p.value, p.reason, file=str(result.file), sheet=result.sheet)
        )
    return out


# ---- templates ----------------------------------------------------------------------------

EXAMPLES = {
    "dossiers": {
        "dossier_id": "000.00.15.H45-240105-0001",
        "province": "Quảng Trị",
        "commune": "19333",
        "agency_level": "Cấp xã",
        "procedure_code": "1.001234",
        "received_on": "05/01/2024",
        "channel": "Trực tuyến",
        "full_online": "Có",
        "due_on": "10/01/2024",
        "finished_on": "09/01/2024",
        "synced": "Có",
        "fee_required": "Có",
        "paid_online": "Có",
        "digitised": "Có",
        "e_result": "Có",
        "rating": "Hài lòng",
    },
    "procedures": {
        "month": "12/2023",
        "province": "Quảng Trị",
        "procedure_code": "1.001234",
        "published": "Có",
        "online_level": "Toàn trình",
        "fee_required": "Không",
        "essential": "Có",
    },
    "identification": {
        "month": "12/2023",
        "province": "Quảng Trị",
        "commune": "19333",
        "population": "12.345",
        "population_eligible": "9.500",
        "cccd_applications": "120",
        "cccd_issued": "115",
        "eid_applications": "300",
        "eid_level2_applications": "250",
        "eid_activated": "210",
    },
    "services": {
        "month": "12/2023",
        "province": "Quảng Trị",
        "medical_facilities": "150",
        "medical_facilities_accepting_cccd": "150",
        "social_beneficiaries": "22.000",
        "social_beneficiaries_cashless": "14.300",
        "records_specialised": "780.000",
        "records_cleaned": "600.000",
    },
    "tasks": {
        "task_id": "KH-45-2024-01",
        "province": "Quảng Trị",
        "group": "1",
        "title": "Số hóa hồ sơ, kết quả giải quyết TTHC",
        "lead_unit": "Văn phòng UBND tỉnh",
        "assigned_on": "15/01/2024",
        "deadline": "30/06/2024",
        "completed_on": "20/06/2024",
    },
}

_KIND_NOTES = {
    "vi": {
        "date": "Ngày, dạng dd/mm/yyyy (hoặc ngày trong Excel)",
        "month": "Tháng, dạng mm/yyyy (hoặc ngày bất kỳ trong tháng)",
        "bool": "Có/Không (cũng nhận x/để trống, 1/0, TRUE/FALSE)",
        "count": "Số nguyên không âm; dấu phân cách hàng nghìn . hoặc ,",
        "pct": "Tỷ lệ %, dùng thay cho cột số lượng tương ứng",
        "text": "Văn bản",
        "group": "Nhóm nhiệm vụ của Đề án 06, từ 1 đến 5",
        "province": "Mã hoặc tên tỉnh; trước 1/7/2025 theo 63 tỉnh cũ, từ 1/7/2025 theo 34 tỉnh mới",
        "commune": "Mã xã 5 chữ số hoặc tên xã, phường hiện hành (có thể để trống)",
        "enum": "Một trong: {values}",
        "hashed": "Mã hồ sơ; chỉ lưu dạng băm, không lưu mã gốc",
        "required": "bắt buộc",
        "optional": "không bắt buộc",
    },
    "en": {
        "date": "A date, dd/mm/yyyy (or an Excel date)",
        "month": "A month, mm/yyyy (or any date in the month)",
        "bool": "Yes/No: Có/Không (also x/blank, 1/0, TRUE/FALSE)",
        "count": "A whole number, 0 or more; thousands separated by . or ,",
        "pct": "A percentage, instead of the matching count column",
        "text": "Text",
        "group": "Project 06 task group, 1 to 5",
        "province": "Province code or name; before 1 July 2025 one of the 63 former provinces, "
        "after it one of the 34",
        "commune": "Current 5-digit commune code or name (may be left blank)",
        "enum": "One of: {values}",
        "hashed": "Dossier code; stored only as a hash, never as written",
        "required": "required",
        "optional": "optional",
    },
}


def _kind(key: str) -> str:
    if key == "dossier_id":
        return "hashed"
    if key in DATES:
        return "date"
    if key == "month":
        return "month"
    if key in BOOLS:
        return "bool"
    if key in ENUMS:
        return "enum"
    if key in ("province", "commune", "group"):
        return key
    if key.endswith("_pct"):
        return "pct"
    if key in TEXTS:
        return "text"
    return "count"


def write_template(table: str, target: Path, lang: str = "vi") -> Path:
    """An .xlsx template: the expected headers, an example row, and a notes sheet."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    if table not in storage.TABLES:
        raise InputError(f"unknown table {table!r}: expected one of {', '.join(storage.TABLES)}")
    if lang not in ("vi", "en"):
        raise InputError(f"unknown language {lang!r}: expected vi or en")
    spec = {k: v for k, v in aliases()["columns"][table].items() if not k.endswith("_pct")}
    notes_text = _KIND_NOTES[lang]
    book = openpyxl.Workbook()
    data = book.active
    data.title = "data" if lang == "en" else "du_lieu"
    data.append([v[lang][0] for v in spec.values()])
    data.append([EXAMPLES[table][k] for k in spec])
    for cell in data[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    for column in data.columns:
        data.column_dimensions[column[0].column_letter].width = max(14, len(str(column[0].value)) + 4)
    notes = book.create_sheet("notes" if lang == "en" else "ghi_chu")
    heads = (
        ["Column", "Required", "How to fill it", "Also accepted as header"]
        if lang == "en"
        else ["Cột", "Bắt buộc", "Cách ghi", "Tên cột khác được chấp nhận"]
    )
    notes.append(heads)
    for key, names in spec.items():
        kind = _kind(key)
        how = notes_text[kind]
        if kind == "enum":
            how = how.format(values=", ".join(w[0] for w in aliases()["values"][key].values()))
        required = notes_text["optional" if key in OPTIONAL else "required"]
        others = [a for a in names["vi"] + names["en"] if a != names[lang][0]]
        notes.append([names[lang][0], required, how, "; ".join(others)])
    for column, width in zip("ABCD", (34, 14, 70, 60), strict=True):
        notes.column_dimensions[column].width = width
    with storage.atomic_path(target) as tmp:
        book.save(tmp)
    return target
