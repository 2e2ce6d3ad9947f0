"""No personal data of citizens is stored (Decree 13/2023/NĐ-CP).

A column is dropped unread when its header names personal data (ingest_aliases.yml
`personal_headers`) or when most of a sample of its values hold some. Every text column a
table keeps (`schema.Table.text_columns`) is then read by content (`helpers.data.personal`):
personal data in free text (a task's title) is masked in place; a value holding personal
data where an organisation or a code belongs is masked whole (an identifier: replaced by its
salted hash, so it stays unique) when only a few rows of the column have one, and the
column is refused, its rows named, when more do. Dossier identifiers are kept only as
salted hashes: stable within one data folder, not reversible without its salt file (which
ingest creates on the first write, readable by its owner only).
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.data import journal, personal, schema, storage
from helpers.data.ingest.values import blank, parse_text

SALT_FILE = ".salt"
SAMPLE_SIZE = 1_000
"""How many non-blank values of a column are looked at to tell whether it is personal."""

PSEUDONYMISED = {"dossiers": "dossier_id"}
"""The identifier column of each table kept only as a salted hash."""

MASK_AT_MOST_ROWS = 10
MASK_AT_MOST_SHARE = 0.05
"""A column meant for an organisation or a code with personal data in a few of its rows
(at most 10, and at most one in twenty of its filled rows; one row is always few) is a
slip: those values are masked and named. More is a column that holds people, not units
(a list of officials in charge, ID numbers in the code column): it is refused, its rows
named, because masking most of a column would leave nothing to report."""

ROWS_NAMED = 20
"""How many rows the summary names for each column whose values were masked whole."""
ROWS_KEPT = 1_000
"""How many rows of a refused column are named (the others are counted)."""


def sample(values, size: int = SAMPLE_SIZE) -> list[str]:
    """Up to `size` non-blank values of a column, as text, from its start."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        head = pc.utf8_trim_whitespace(values.slice(0, size * 4))
        head = head.filter(pc.and_(pc.is_valid(head), pc.not_equal(head, "")))
        return head.slice(0, size).to_pylist()
    out = []
    for value in values[: size * 4]:
        if not blank(value):
            out.append(parse_text(value))
            if len(out) == size:
                break
    return out


def looks_personal(values) -> bool:
    """At least half of a sample of the column's values hold personal data."""
    texts = sample(values)
    return bool(texts) and personal.scan(texts).found >= max(1, 0.5 * len(texts))


def salt(data_dir: Path | str) -> tuple[str, bool]:
    """The data folder's salt, and whether it is new (then `save_salt` before writing)."""
    path = storage.processed_dir(data_dir) / SALT_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip(), False
    return secrets.token_hex(32), True


def save_salt(data_dir: Path | str, value: str) -> None:
    path = storage.processed_dir(data_dir) / SALT_FILE
    with journal.locked(path.parent):  # its temporary file is not a leftover to remove
        storage.write_text_atomic(path, value, mode=0o600)  # private from the first byte


def pseudonymise(ids: pa.Array | np.ndarray, value: str, con) -> pa.Array:
    """Identifiers as the first 24 hex digits of sha256(salt || id), in DuckDB (about
    twice as fast as hashlib over a million ids); missing identifiers stay missing."""
    column = pa.table(
        {"id": ids if isinstance(ids, pa.Array | pa.ChunkedArray) else pa.array(ids, pa.string())}
    )
    con.register("ingest_ids", column)
    try:
        hashed = con.sql(
            "SELECT substr(sha256($salt || id), 1, 24) AS h FROM ingest_ids", params={"salt": value}
        )
        return hashed.to_arrow_table().column("h").combine_chunks()
    finally:
        con.unregister("ingest_ids")


# ---- every text column, by content ----------------------------------------------------------


@dataclass
class Finds:
    """Personal data found in one text column of one sheet, over all its chunks."""

    column: schema.Column
    header: str
    filled: int = 0
    count: int = 0
    kinds: Counter = field(default_factory=Counter)
    rows: list[int] = field(default_factory=list)  # the first rows, as the sheet numbers them

    @property
    def allowed(self) -> int:
        """How many rows may be masked before the column is refused (free text: all)."""
        if self.column.free_text:
            return self.filled
        return min(MASK_AT_MOST_ROWS, max(1, int(MASK_AT_MOST_SHARE * self.filled)))

    @property
    def refused(self) -> bool:
        return self.count > self.allowed

    @property
    def role(self) -> str:
        return "a code" if self.column.kind in ("code", "id") else "an organisation's name"

    def reason(self) -> str:
        """Why a row of a refused column is a problem (the same for every row, so that a
        long list is counted rather than kept)."""
        return (
            f"a person's name, ID or phone number or e-mail where {self.role} belongs, in "
            f"{self.count:,} of {self.filled:,} filled rows: too many to mask (at most "
            f"{self.allowed:,} here: {MASK_AT_MOST_ROWS} rows, and one in {round(1 / MASK_AT_MOST_SHARE)}); "
            f"put {self.role} in this column, or leave it blank"
        )

    def summary(self) -> dict:
        kind = self.column.kind
        how = "masked in place" if self.column.free_text else "hashed" if kind == "id" else "masked"
        return {
            "column": self.header,
            "canonical": self.column.name,
            "values": self.count,
            "kinds": dict(self.kinds),
            "how": how,
            "rows": [] if self.column.free_text else self.rows[:ROWS_NAMED],
        }


class Screen:
    """Every text column one sheet gives a table, read for personal data chunk by chunk."""

    def __init__(self, spec: schema.Table, provided: set[str], header_of):
        hashed = PSEUDONYMISED.get(spec.name)
        self.finds = {
            c.name: Finds(c, header_of(c.name))
            for c in spec.text_columns
            if c.name in provided and c.name != hashed  # stored only as a hash anyway
        }

    def apply(self, frame: pd.DataFrame, salt: str, con) -> pd.DataFrame:
        """The chunk with personal data masked (or identifiers hashed) in its text columns;
        what was found is counted for `problems` and `summary`."""
        out = frame
        for name, finds in self.finds.items():
            values = pa.array(frame[name], type=pa.string(), from_pandas=True)
            finds.filled += len(values) - values.null_count
            found = personal.scan(values)
            if not found.found:
                continue
            finds.count += found.found
            finds.kinds.update(found.counts)
            where = np.flatnonzero(found.flags)
            finds.rows += frame.index[where[: max(0, ROWS_KEPT - len(finds.rows))]].tolist()
            out = out.copy() if out is frame else out
            out[name] = pd.array(self._masked(finds.column, values, found, salt, con), dtype="str")
        return out

    @staticmethod
    def _masked(column: schema.Column, values: pa.Array, found: personal.Scan, salt: str, con) -> pa.Array:
        if column.free_text:
            return found.masked
        flags = pa.array(found.flags)
        if column.kind == "id":  # stays unique: the same value, the same hash
            return pc.if_else(flags, pseudonymise(values, salt, con), values)
        return pc.if_else(flags, pa.scalar(personal.mask_token()), values)

    def refused(self) -> list[Finds]:
        return [f for f in self.finds.values() if f.count and f.refused]

    def summary(self) -> list[dict]:
        return [f.summary() for f in self.finds.values() if f.count]
